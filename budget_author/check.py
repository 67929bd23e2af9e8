"""check: read → parse → rules. Returns problems as values, never raises on bad data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from budget_author.issues import Issue, has_errors
from budget_author.rules import RULES, Context
from budget_author.workbook import schema as S
from budget_author.workbook.parse import ParseResult, parse_workbook
from budget_author.workbook.read import RawWorkbook, read_workbook

_SHEET_ORDER = {spec.title: index for index, spec in enumerate(S.ALL_SHEETS)}


@dataclass
class CheckResult:
    parsed: ParseResult
    issues: list[Issue]

    @property
    def ok(self) -> bool:
        return not has_errors(self.issues)


def _cell_order(cell: str | None) -> tuple[int, int]:
    if not cell:
        return (0, 0)
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    column = 0
    for ch in letters:
        column = column * 26 + ord(ch) - 64
    return (int(digits or 0), column)


def sort_issues(issues: list[Issue]) -> list[Issue]:
    return sorted(issues, key=lambda i: (i.sheet is not None, _SHEET_ORDER.get(i.sheet or "", -1),
                                         _cell_order(i.cell)))


def check_raw(raw: RawWorkbook) -> CheckResult:
    parsed = parse_workbook(raw)
    ctx = Context(parsed)
    issues = list(parsed.issues)
    for rule in RULES:
        if rule.applies(ctx):
            issues.extend(rule.check(ctx))
    return CheckResult(parsed, sort_issues(issues))


def check_workbook(path: str | Path) -> CheckResult:
    """Check one workbook. Raises read.InputError only for an unusable file."""
    return check_raw(read_workbook(path))
