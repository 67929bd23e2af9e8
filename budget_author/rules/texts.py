"""Texts the narrative needs, prior-year figures, reasons for changes, unit facts.

A change needs a reason when it shows in the document: when current − prior,
in 万元 rounded half-up to 2 decimals, is not 0.00. That is also what the
workbook's 需要说明 column computes.
"""

from __future__ import annotations

from typing import Iterator

from budget_author.compute import aggregate as A
from budget_author.compute.facts import datasets_of, select
from budget_author.issues import Issue, issue
from budget_author.money import round_half_up, to_wan
from budget_author.rules.base import Context, rule, wan
from budget_author.workbook import schema as S

@rule(codes=("TEXT_SECTION_MISSING",), needs=("paragraphs",))
def check_required_texts(ctx: Context) -> Iterator[Issue]:
    """The 栏目 the standard prints no matter what (its [rules] required_texts)."""
    for section, part in ctx.settings.get("required_texts", {}).items():
        if not ctx.budget.paragraphs_of(section):
            yield issue("TEXT_SECTION_MISSING", ctx.sheet_at("paragraphs"), section=section, part=part)


@rule(codes=("PRIOR_MISSING",), needs=("prior",))
def check_prior_present(ctx: Context) -> Iterator[Issue]:
    unit = ctx.budget.unit
    for row in S.PRIOR_ROWS:
        if row.key == "admin_running" and unit is not None and not unit.is_admin:
            continue  # a unit without 机关运行经费 prints no comparison: nothing to ask for
        if ctx.budget.prior.get(row.key) is None:
            yield issue("PRIOR_MISSING", ctx.fixed_at("prior", row.key), label=row.label)


@rule(codes=("PRIOR_ITEM_MISSING",), needs=("expenditure",))
def check_prior_items(ctx: Context) -> Iterator[Issue]:
    """Every 项 this year must have last year's figure where the standard prints one beside it
    (its [rules] prior_items: e.g. a 2023 执行数 for every 项 of 表二)."""
    b = ctx.budget
    for wanted in ctx.settings.get("prior_items", []):
        comparison = b.comparison(wanted["comparison"])
        known = {f.code for f in comparison.expenditure}
        flt = wanted.get("filter", {})
        missing: dict[str, int] = {}
        # the filter is on the facts' dimensions (nature from the unit type, carry_kind as read), as validated
        for line, fact in zip(b.expenditure, datasets_of(b)["expenditure"]):
            if fact.amount and select([fact], flt) and line.code not in known:
                missing.setdefault(line.code, line.row)
        for code, row in sorted(missing.items()):
            yield issue("PRIOR_ITEM_MISSING", ctx.at("expenditure", "code", row), code=code,
                        name=ctx.names.functional(code), comparison=wanted["comparison"],
                        where=wanted.get("where") or "公开文件")


def change_shows(current, prior) -> bool:
    return round_half_up(to_wan(current - prior)) != 0


@rule(codes=("REASON_MISSING",),
      needs=("prior", "reasons", "income", "expenditure", "three_public", "admin_running", "unit"))
def check_reasons(ctx: Context) -> Iterator[Issue]:
    """Every year-over-year change the narrative states needs the clerk's reason."""
    b = ctx.budget
    current = A.comparables(b)
    for row in S.REASON_ROWS:
        if row.key == "admin_running" and b.unit is not None and not b.unit.is_admin:
            continue  # the standard sentence for units without 机关运行经费 needs no reason
        prior = b.prior.get(row.key)
        if prior is None or not change_shows(current[row.key], prior) or b.reasons.get(row.key):
            continue
        change = current[row.key] - prior
        yield issue("REASON_MISSING", ctx.fixed_at("reasons", row.key), label=row.label,
                    current=wan(current[row.key]), prior=wan(prior),
                    direction="增加" if change > 0 else "减少", change=wan(abs(change)))


@rule(codes=("UNIT_YEAR_META",), needs=("unit",))
def check_unit_year(ctx: Context) -> Iterator[Issue]:
    unit = ctx.budget.unit
    meta_year = ctx.parsed.meta_year
    if unit is not None and meta_year and meta_year != unit.year:
        yield issue("UNIT_YEAR_META", ctx.fixed_at("unit", "year"), year=unit.year, meta_year=meta_year)


@rule(codes=("ASSETS_VEHICLES_OVER_QUOTA",), needs=("assets",))
def check_vehicles(ctx: Context) -> Iterator[Issue]:
    assets = ctx.budget.assets
    if assets is not None and assets.vehicles_actual > assets.vehicle_quota:
        yield issue("ASSETS_VEHICLES_OVER_QUOTA", ctx.fixed_at("assets", "vehicle_quota"),
                    actual=assets.vehicles_actual, quota=assets.vehicle_quota)


RULES = (check_required_texts, check_prior_present, check_prior_items, check_reasons, check_unit_year, check_vehicles)
