"""Characters of typed text that cannot be printed as typed.

- Control characters (C0/C1 other than tab, line feed and carriage return; U+FFFE/U+FFFF; U+FFFD,
  which the reader puts for an escaped lone surrogate) cannot be printed at all.
- Bidirectional controls (U+202A–202E, U+2066–2069, U+200E/200F, U+061C) reorder the text around
  them: a U+202E in a reason prints the rest of the tool's sentence backwards. WeasyPrint 70 has no
  `unicode-bidi: isolate`, so they are removed, not isolated.
- Invisible characters (zero-width space and joiners, word joiner, BOM, soft hyphen) print nothing:
  a value made only of them and white space is blank.
- A character that the document's fonts do not map (glyph_coverage.RANGES) prints as a box.

parse.py uses these to clean every cell's text and to report each cell that needed it.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

from budget_author.workbook.glyph_coverage import RANGES

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u2061\u2062\u2063\u2064\u034f") | BIDI_CONTROLS
KEPT_CONTROLS = frozenset("\t\n\r")  # white space in a cell (Alt+Enter); shown as a space
_BIDI_RE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffd\ufffe\uffff]")

# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt): renderers draw nothing for
# these, box or not, so the glyph check skips them (variation selectors, joiners, fillers, tags).
_IGNORABLE = ((0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
              (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
              (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
              (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF))

_STARTS = tuple(start for start, _ in RANGES)
_ENDS = tuple(end for _, end in RANGES)
_COVERED_CACHE: dict[str, bool] = {}
MAX_LISTED_CHARS = 5


def is_control(ch: str) -> bool:
    if ch in KEPT_CONTROLS:
        return False
    category = unicodedata.category(ch)
    return category in ("Cc", "Cs") or ch in "\ufffe\uffff\ufffd"


def is_blank_text(text: str) -> bool:
    """Nothing visible: only white space, invisible characters and control characters."""
    rest = strip_edges(text)
    if not rest or not is_control(rest[0]):
        return not rest
    return all(ch.isspace() or ch in INVISIBLE or is_control(ch) for ch in rest)


def strip_edges(text: str) -> str:
    """White space and invisible characters removed from both ends (a pasted BOM or zero-width space)."""
    text = text.strip()  # str.strip() removes exactly the characters for which isspace() holds
    if not text or (text[0] not in INVISIBLE and text[-1] not in INVISIBLE):
        return text
    start, end = 0, len(text)
    while start < end and (text[start].isspace() or text[start] in INVISIBLE):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in INVISIBLE):
        end -= 1
    return text[start:end]


def clean(text: str) -> tuple[str, list[str], list[str]]:
    """(printable text, bidi controls removed, control characters removed). CR LF and a lone CR
    become LF: Excel stores the line breaks of text pasted from Windows as _x000D_ + LF."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    bidi = _BIDI_RE.findall(text)
    if bidi:
        text = _BIDI_RE.sub("", text)
    controls = _CONTROL_RE.findall(text)
    if controls:
        text = _CONTROL_RE.sub("", text)
    return text, bidi, controls


def _ignorable(point: int) -> bool:
    return any(low <= point <= high for low, high in _IGNORABLE)


def covered(ch: str) -> bool:
    """Can the document's fonts draw `ch` (or does it need no drawing: white space, ignorables)?"""
    known = _COVERED_CACHE.get(ch)
    if known is not None:
        return known
    point = ord(ch)
    at = bisect.bisect_right(_STARTS, point) - 1
    result = (at >= 0 and point <= _ENDS[at]) or ch.isspace() or _ignorable(point) or is_control(ch)
    if len(_COVERED_CACHE) < 100_000:
        _COVERED_CACHE[ch] = result
    return result


_SEEN_COVERED: set[str] = set()  # characters already found covered: most texts need only a set difference


def missing_glyphs(text: str) -> list[str]:
    """The distinct characters of `text` the fonts cannot draw, in order of first appearance."""
    if text.isascii():
        return []  # printable ASCII is covered; ASCII controls were removed by clean()
    unknown = set(text) - _SEEN_COVERED
    missing = []
    for ch in unknown:
        if not covered(ch):
            missing.append(ch)
        elif len(_SEEN_COVERED) < 100_000:
            _SEEN_COVERED.add(ch)
    return sorted(missing, key=text.index)


def describe(ch: str) -> str:
    """One character for a message: “𠀀”（U+20000，字体未收录的汉字）. Marks, controls and spaces by code point only."""
    point = ord(ch)
    kind = kind_of(point)
    code = f"U+{point:04X}"
    if unicodedata.category(ch)[0] in "MCZ":
        return f"{code}（{kind}）"
    return f"“{ch}”（{code}，{kind}）"


def kind_of(point: int) -> str:
    if 0x20000 <= point <= 0x3FFFF or 0x3400 <= point <= 0x4DBF or 0x4E00 <= point <= 0x9FFF \
            or 0xF900 <= point <= 0xFAFF:
        return "字体未收录的汉字"
    if 0xE000 <= point <= 0xF8FF or point >= 0xF0000:
        return "私用区造字"
    if 0x1F000 <= point <= 0x1FAFF or 0x2600 <= point <= 0x27BF or 0x1F900 <= point <= 0x1F9FF:
        return "表情符号或图形符号"
    return "字体未收录的字符"


def listed(chars: list[str]) -> str:
    head = "、".join(describe(ch) for ch in chars[:MAX_LISTED_CHARS])
    return head + (f" 等 {len(chars)} 个" if len(chars) > MAX_LISTED_CHARS else "")


def listed_controls(chars: list[str]) -> str:
    distinct = list(dict.fromkeys(chars))
    head = "、".join(f"U+{ord(ch):04X}" for ch in distinct[:MAX_LISTED_CHARS])
    return head + (f" 等 {len(distinct)} 种" if len(distinct) > MAX_LISTED_CHARS else "")
