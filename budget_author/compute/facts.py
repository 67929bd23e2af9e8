"""The model's leaf facts as flat records with named dimensions, for the table specs.

A profile's table spec filters these by dimension (see profiles/*/tables.toml);
this module is the only place that knows how a model row maps to dimensions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Mapping

from budget_author.classification import cost_kind
from budget_author.model import Budget
from budget_author.workbook import schema as S

ZERO = Decimal(0)


@dataclass(frozen=True)
class Fact:
    dims: Mapping[str, Any]
    amount: Decimal


Filter = Mapping[str, Any]


def matches(fact: Fact, flt: Filter | None) -> bool:
    if not flt:
        return True
    for dim, wanted in flt.items():
        value = fact.dims.get(dim)
        if isinstance(wanted, (list, tuple, set, frozenset)):
            if value not in wanted:
                return False
        elif value != wanted:
            return False
    return True


def select(facts: Iterable[Fact], *filters: Filter | None) -> list[Fact]:
    return [f for f in facts if all(matches(f, flt) for flt in filters)]


def total(facts: Iterable[Fact], *filters: Filter | None) -> Decimal:
    return sum((f.amount for f in facts if all(matches(f, flt) for flt in filters)), ZERO)


# Every dataset a table spec may name, with its dimensions: the values a dimension can take, or None
# for free values (codes, names, indexes). Profile validation checks every filter against this.
DIMENSIONS: dict[str, dict[str, tuple[Any, ...] | None]] = {
    "expenditure": {"code": None, "source": S.SOURCES, "kind": S.EXPENDITURE_KINDS, "period": S.PERIODS},
    "income": {"source": S.SOURCES, "period": S.PERIODS},
    "economic": {"code": None, "source": S.SOURCES, "cost": S.COST_KINDS},
    "income_items": {"fund": S.INCOME_FUNDS, "code": None, "name": None},
    "three_public": {"item": S.THREE_PUBLIC_ITEMS, "source": S.FISCAL_SOURCES, "kind": S.EXPENDITURE_KINDS},
    "admin_running": {"source": S.FISCAL_SOURCES},
    "projects": {"project": None, "source": S.SOURCES, "period": S.PERIODS, "category": S.PROJECT_CATEGORIES,
                 "published": (True, False)},
    "procurement": {"item": ("goods", "works", "services")},
    "vehicles": {"kind": tuple(label for _, label in S.VEHICLE_KINDS)},
    "上年预算.totals": {"figure": tuple(row.key for row in S.PRIOR_ROWS)},
}


def datasets(b: Budget) -> dict[str, list[Fact]]:
    """Every dataset a table spec may name."""
    projects = []
    for index, p in enumerate(b.projects):
        about = {"project": index, "category": p.category, "published": p.published}
        for source, amount in p.current.items():
            projects.append(Fact({**about, "source": source, "period": S.PERIOD_CURRENT}, amount))
        for source, amount in p.carryover.items():
            projects.append(Fact({**about, "source": source, "period": S.PERIOD_CARRYOVER}, amount))
    return {
        "expenditure": [Fact({"code": f.code, "source": f.source, "kind": f.kind, "period": f.period}, f.amount)
                        for f in b.expenditure],
        "income": [Fact({"source": f.source, "period": f.period}, f.amount) for f in b.income],
        "economic": [Fact({"code": f.code, "source": f.source, "cost": cost_kind(f.code)}, f.amount)
                     for f in b.basic_economic],
        "income_items": [Fact({"fund": f.fund, "code": f.code, "name": f.name}, f.amount) for f in b.income_items],
        "three_public": [Fact({"item": f.item, "source": f.source, "kind": f.kind}, f.amount) for f in b.three_public],
        "admin_running": [Fact({"source": s}, a) for s, a in b.admin_running.items()],
        "projects": projects,
        "procurement": [Fact({"item": item}, amount) for item, amount in b.procurement.items() if amount is not None],
        "vehicles": [Fact({"kind": label}, Decimal(count)) for label, count in (b.assets.vehicles.items() if b.assets else ())],
        "上年预算.totals": [Fact({"figure": key}, amount) for key, amount in b.prior.items() if amount is not None],
    }
