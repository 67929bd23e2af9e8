"""check: read → parse → rules. Returns problems as values, never raises on bad data.

Each rule runs isolated: a rule that raises (a bug in the program, not in the workbook) becomes one
RULE_INTERNAL error naming the rule, after the problems it had already found; the other rules still run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from budget_author.issues import Issue, Severity, has_errors, issue
from budget_author.rules import RULES, Context, Rule
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
        issues.extend(run_rule(rule, ctx))
    return CheckResult(parsed, sort_issues(apply_standard(issues, ctx.settings)))


def apply_standard(issues: list[Issue], settings: dict) -> list[Issue]:
    """The standard's switches: codes it never reports (`off`), and severities it sets (`severity`)."""
    off = set(settings.get("off", ()))
    severity = settings.get("severity", {})
    return [replace(i, severity=Severity(severity[i.code])) if i.code in severity else i
            for i in issues if i.code not in off]


def run_rule(rule: Rule, ctx: Context) -> list[Issue]:
    """One rule's problems. An exception inside the rule (applies() or check(), even half-way through a
    generator) keeps the problems it yielded before and adds RULE_INTERNAL; MemoryError is the machine's,
    not the rule's, and goes on up. BUDGET_AUTHOR_DEBUG=1 lets the exception through, to see its stack."""
    found: list[Issue] = []
    try:
        if rule.applies(ctx):
            for problem in rule.check(ctx):
                found.append(problem)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - one faulty rule must not hide the other rules' problems
        if os.environ.get("BUDGET_AUTHOR_DEBUG"):
            raise
        found.append(issue("RULE_INTERNAL", rule=rule.qualified_name, error=type(exc).__name__))
    return found


def check_workbook(path: str | Path) -> CheckResult:
    """Check one workbook. Raises read.InputError only for an unusable file."""
    return check_raw(read_workbook(path))
