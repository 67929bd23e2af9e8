"""The validation rules, in the order they run: one explicit tuple."""

from __future__ import annotations

from budget_author.rules import codes, duplicates, plausibility, projects, spending, texts, totals, wording
from budget_author.rules.base import Context, Rule

RULES: tuple[Rule, ...] = (
    *codes.RULES,
    *duplicates.RULES,
    *totals.RULES,
    *spending.RULES,
    *projects.RULES,
    *texts.RULES,
    *plausibility.RULES,
    *wording.RULES,
)

__all__ = ["RULES", "Context", "Rule"]
