"""What the golden tests of every example share: whitespace-free text and figure alignment.

Each test has its own transcript rules (which numbers count as figures, how sections split);
the alignment of the reference's figures with ours, section by section, is one function.
"""

from __future__ import annotations

import difflib
import re
from decimal import Decimal, InvalidOperation


def squeeze(text: object) -> str:
    return re.sub(r"\s+", "", str(text))


def numeric(text: str) -> Decimal | None:
    """A figure's value: thousands separators and a trailing % ignored; None when not a number."""
    try:
        return Decimal(text.replace(",", "").rstrip("%"))
    except InvalidOperation:
        return None


def align_figures(theirs: list[str], mine: list[str]) -> dict[int, str]:
    """Each reference figure's index → our figure at the same place in the sequence (by value, difflib):
    a figure that is missing or changed on our side has no entry or another text."""
    matcher = difflib.SequenceMatcher(a=[numeric(f) for f in theirs], b=[numeric(f) for f in mine], autojunk=False)
    matched: dict[int, str] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            matched[block.a + k] = mine[block.b + k]
    return matched
