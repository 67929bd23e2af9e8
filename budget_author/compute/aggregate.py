"""Sums over the model's leaf facts, in 元, exact. Shared by the rules and the report."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from budget_author.classification import cost_kind
from budget_author.model import Budget
from budget_author.workbook import schema as S

ZERO = Decimal(0)


def total(amounts: Iterable[Decimal | None]) -> Decimal:
    return sum((a for a in amounts if a is not None), ZERO)


def income(b: Budget, *, source: str | None = None, period: str | None = None) -> Decimal:
    return total(f.amount for f in b.income
                 if (source is None or f.source == source) and (period is None or f.period == period))


def expenditure(b: Budget, *, source: str | None = None, kind: str | None = None,
                period: str | None = None, prefix: str = "") -> Decimal:
    return total(
        f.amount for f in b.expenditure
        if (source is None or f.source == source) and (kind is None or f.kind == kind)
        and (period is None or f.period == period) and f.code.startswith(prefix)
    )


def economic(b: Budget, *, code: str | None = None, source: str | None = None,
             cost: str | None = None, period: str | None = S.PERIOD_CURRENT) -> Decimal:
    """基本支出 by economic code: this year's (当年预算) lines unless another period is asked for
    (carry-over basic lines may carry economic codes too; a default workbook has none)."""
    return total(
        f.amount for f in b.basic_economic
        if (code is None or f.code == code) and (source is None or f.source == source)
        and (cost is None or cost_kind(f.code) == cost) and (period is None or f.period == period)
    )


def three_public(b: Budget, *, item: str | None = None, source: str | None = None,
                 kind: str | None = None) -> Decimal:
    return total(
        f.amount for f in b.three_public
        if (item is None or f.item == item) and (source is None or f.source == source)
        and (kind is None or f.kind == kind)
    )


def admin_running(b: Budget) -> Decimal:
    return total(b.admin_running.values())


def projects(b: Budget, *, source: str | None = None, carryover: bool = False) -> Decimal:
    def amounts(p):
        return p.carryover if carryover else p.current

    if source is None:
        return total(total(amounts(p).values()) for p in b.projects)
    return total(amounts(p).get(source) for p in b.projects)


def comparables(b: Budget) -> dict[str, Decimal]:
    """This year's figure for each 上年数 row key."""
    figures = {
        "income_total": income(b),
        "expenditure_total": expenditure(b),
        "gpb_current_expenditure": expenditure(b, source=S.SOURCES[0], period=S.PERIOD_CURRENT),
        "three_public_total": three_public(b),
        "admin_running": admin_running(b),
    }
    for key, item in S.THREE_PUBLIC_KEYS.items():
        figures[key] = three_public(b, item=item)
    return figures
