"""The model's leaf facts as flat records with named dimensions, for the table specs.

A profile's table spec filters these by dimension (see profiles/*/tables.toml);
this module is the only place that knows how a model row maps to dimensions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Mapping

from budget_author.classification import cost_kind
from budget_author import vocabulary as V
from budget_author.model import Budget, Comparison, effective_carry_kind
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
# "" in a value list: not stated (an uncategorised line, a line that is not a carry-over).
_LINE = {"level": V.LEVELS, "carry_kind": ("", *V.CARRY_KINDS)}
_EXPENDITURE = {"code": None, "source": V.SOURCES, "kind": V.EXPENDITURE_KINDS, "period": V.PERIODS, **_LINE,
                "nature": V.NATURES}
_INCOME = {"source": V.SOURCES, "period": V.PERIODS, **_LINE, "category": ("", *V.INCOME_CATEGORIES)}
DIMENSIONS: dict[str, dict[str, tuple[Any, ...] | None]] = {
    "expenditure": _EXPENDITURE,
    "income": _INCOME,
    "economic": {"code": None, "source": V.SOURCES, "cost": V.COST_KINDS, "level": V.LEVELS, "period": V.PERIODS},
    "income_items": {"fund": S.INCOME_FUNDS, "code": None, "name": None},
    "three_public": {"item": V.THREE_PUBLIC_ITEMS, "source": V.FISCAL_SOURCES, "kind": V.EXPENDITURE_KINDS},
    "admin_running": {"source": V.FISCAL_SOURCES},
    "projects": {"project": None, "source": V.SOURCES, "period": V.PERIODS, "level": V.LEVELS,
                 "category": V.PROJECT_CATEGORIES, "published": (True, False)},
    # 政府采购 by item, with the 中小企业 / 小微企业 reservations; 资产 by class, kind and measure.
    "procurement": {"item": ("goods", "works", "services", "sme_reserved", "micro_reserved")},
    "vehicles": {"kind": tuple(label for _, label in S.VEHICLE_KINDS)},
    "assets": {"class": V.ASSET_CLASSES, "kind": None, "measure": ("area", "count", "value")},
    # A project's 当年 amount by 部门经济分类: `economic` as typed (class or 款), `class` its 3-digit class,
    # `code` the project's 功能科目 (项) when the workbook names it (else ""), so tables list projects by 项.
    "project_economic": {"project": None, "code": None, "economic": None, "class": None, "level": V.LEVELS},
    # Last year's budget and actuals (Budget.comparisons), with this year's dimensions where they have them.
    **{f"{name}.{dataset}": dims for name in V.COMPARISONS for dataset, dims in (
        ("expenditure", _EXPENDITURE),
        ("income", _INCOME),
        ("three_public", {"item": V.THREE_PUBLIC_ITEMS}),
        ("admin_running", {}),
        ("totals", {"figure": V.COMPARISON_TOTALS}),
    )},
}


def _expenditure(code: str, source: str, kind: str, period: str, level: str, carry_kind: str, nature: str) -> dict:
    return {"code": code, "source": source, "kind": kind, "period": period, "level": level,
            "carry_kind": effective_carry_kind(period, carry_kind), "nature": nature}


def _income(source: str, period: str, level: str, carry_kind: str, category: str) -> dict:
    return {"source": source, "period": period, "level": level,
            "carry_kind": effective_carry_kind(period, carry_kind), "category": category}


def comparison_datasets(name: str, c: Comparison, unit_nature: str) -> dict[str, list[Fact]]:
    """One comparison (上年预算 / 上年执行数) as datasets named "<name>.<dataset>"."""
    return {
        f"{name}.expenditure": [Fact(_expenditure(f.code, f.source, f.kind, f.period, f.level, "", unit_nature),
                                     f.amount) for f in c.expenditure],
        f"{name}.income": [Fact(_income(f.source, f.period, f.level, "", ""), f.amount) for f in c.income],
        f"{name}.three_public": [Fact({"item": item}, amount) for item, amount in c.three_public.items()],
        f"{name}.admin_running": [] if c.admin_running is None else [Fact({}, c.admin_running)],
        f"{name}.totals": [Fact({"figure": key}, amount) for key, amount in c.totals.items()],
    }


_CACHE_KEY = "_datasets"


def datasets_of(b: Budget) -> dict[str, list[Fact]]:
    """datasets(b), built once per Budget and kept in the instance's __dict__ (as Budget.project_index is).
    It remembers the model tuples it was built from: a model_copy with other facts builds its own."""
    fields = tuple(getattr(b, name) for name in type(b).model_fields)  # kept, so that no id is reused
    cached = b.__dict__.get(_CACHE_KEY)
    if cached is None or len(cached[0]) != len(fields) or any(a is not b_ for a, b_ in zip(cached[0], fields)):
        cached = (fields, datasets(b))
        b.__dict__[_CACHE_KEY] = cached
    return cached[1]


def datasets(b: Budget) -> dict[str, list[Fact]]:
    """Every dataset a table spec may name."""
    unit_nature = b.unit.nature if b.unit is not None else V.default_nature("")
    projects = []
    project_economic = []
    for index, p in enumerate(b.projects):
        about = {"project": index, "level": p.level, "category": p.category, "published": p.published}
        for source, amount in p.current.items():
            projects.append(Fact({**about, "source": source, "period": V.PERIOD_CURRENT}, amount))
        for source, amount in p.carryover.items():
            projects.append(Fact({**about, "source": source, "period": V.PERIOD_CARRYOVER}, amount))
        for code, amount in p.economic.items():
            project_economic.append(Fact({"project": index, "code": p.function, "economic": code, "class": code[:3],
                                          "level": p.level}, amount))
    out = {
        "expenditure": [Fact(_expenditure(f.code, f.source, f.kind, f.period, f.level, f.carry_kind,
                                          f.nature or unit_nature), f.amount) for f in b.expenditure],
        "income": [Fact(_income(f.source, f.period, f.level, f.carry_kind, f.category), f.amount) for f in b.income],
        "economic": [Fact({"code": f.code, "source": f.source, "cost": cost_kind(f.code), "level": f.level,
                           "period": f.period}, f.amount) for f in b.basic_economic],
        "income_items": [Fact({"fund": f.fund, "code": f.code, "name": f.name}, f.amount) for f in b.income_items],
        "three_public": [Fact({"item": f.item, "source": f.source, "kind": f.kind}, f.amount) for f in b.three_public],
        "admin_running": [Fact({"source": s}, a) for s, a in b.admin_running.items()],
        "projects": projects,
        "project_economic": project_economic,
        "procurement": [Fact({"item": item}, amount) for item, amount in
                        [*b.procurement.items(), *b.procurement_reserved.items()] if amount is not None],
        "vehicles": [Fact({"kind": label}, Decimal(count)) for label, count in
                     (b.assets.vehicles.items() if b.assets else ())],
        "assets": [Fact({"class": a.asset_class, "kind": a.kind, "measure": measure}, Decimal(value))
                   for a in b.asset_items
                   for measure, value in (("area", a.area), ("count", a.count), ("value", a.value))
                   if value is not None],
    }
    for name in V.COMPARISONS:
        out.update(comparison_datasets(name, b.comparison(name), unit_nature))
    return out
