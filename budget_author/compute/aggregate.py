"""Sums over the model's leaf facts, in 元, exact: the rules' questions, asked of compute.facts.

There is one mapping from the model to facts with dimensions (compute/facts.py) and one way to add
them up (facts.total); these helpers only spell the questions the rules ask often.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable

from budget_author import vocabulary as V
from budget_author.compute.facts import datasets_of, select
from budget_author.model import Budget
from budget_author.workbook import schema as S

ZERO = Decimal(0)


def total(amounts: Iterable[Decimal | None]) -> Decimal:
    return sum((a for a in amounts if a is not None), ZERO)


def _sum(b: Budget, dataset: str, prefix: str = "", **dims: Any) -> Decimal:
    wanted = {dim: value for dim, value in dims.items() if value is not None}
    facts = select(datasets_of(b)[dataset], wanted)
    return total(f.amount for f in facts if not prefix or f.dims["code"].startswith(prefix))


def income(b: Budget, *, source: str | None = None, period: str | None = None) -> Decimal:
    return _sum(b, "income", source=source, period=period)


def expenditure(b: Budget, *, source: str | None = None, kind: str | None = None,
                period: str | None = None, prefix: str = "") -> Decimal:
    return _sum(b, "expenditure", prefix, source=source, kind=kind, period=period)


def economic(b: Budget, *, code: str | None = None, source: str | None = None,
             cost: str | None = None, period: str | None = V.PERIOD_CURRENT) -> Decimal:
    """基本支出 by economic code: this year's (当年预算) lines unless another period is asked for
    (carry-over basic lines may carry economic codes too; a default workbook has none)."""
    return _sum(b, "economic", code=code, source=source, cost=cost, period=period)


def three_public(b: Budget, *, item: str | None = None, source: str | None = None,
                 kind: str | None = None) -> Decimal:
    return _sum(b, "three_public", item=item, source=source, kind=kind)


def admin_running(b: Budget) -> Decimal:
    return _sum(b, "admin_running")


def projects(b: Budget, *, source: str | None = None, carryover: bool = False) -> Decimal:
    return _sum(b, "projects", source=source, period=V.PERIOD_CARRYOVER if carryover else V.PERIOD_CURRENT)


def comparables(b: Budget) -> dict[str, Decimal]:
    """This year's figure for each 上年数 row key."""
    figures = {
        "income_total": income(b),
        "expenditure_total": expenditure(b),
        "gpb_current_expenditure": expenditure(b, source=V.SOURCES[0], period=V.PERIOD_CURRENT),
        "three_public_total": three_public(b),
        "admin_running": admin_running(b),
    }
    for key, item in S.THREE_PUBLIC_KEYS.items():
        figures[key] = three_public(b, item=item)
    return figures
