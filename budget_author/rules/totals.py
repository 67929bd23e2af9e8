"""Totals: income = expenditure, by source and in all; typed totals = their parts.

Tolerance: none. Amounts are in 元 to the 分 on both sides, so equal totals are
equal to the 分; any difference, however small, is reported.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from budget_author.compute import aggregate as A
from budget_author.issues import Issue, issue
from budget_author.model import Budget, PerfForm, Project
from budget_author.rules.base import Context, row_spans, rule, yuan
from budget_author.workbook import schema as S


@rule(codes=("TOTAL_INCOME_EXPENDITURE", "TOTAL_SOURCE"), needs=("income", "expenditure"))
def check_income_equals_expenditure(ctx: Context) -> Iterator[Issue]:
    """收入总计 = 支出总计; and for each source and period, income = expenditure.

    A difference in the grand total is one problem (its message lists the
    sources that differ); per-source problems are reported only when the grand
    totals agree (money entered under the wrong source).
    """
    b = ctx.budget
    differences = []
    for source in S.SOURCES:
        for period in S.PERIODS:
            inc, exp = A.income(b, source=source, period=period), A.expenditure(b, source=source, period=period)
            if inc != exp:
                differences.append((source, period, inc, exp))
    income_total, expenditure_total = A.income(b), A.expenditure(b)
    if income_total != expenditure_total:
        detail = "".join(f"其中{s}（{p}）收入 {yuan(i)} 元、支出 {yuan(e)} 元；" for s, p, i, e in differences)
        yield issue("TOTAL_INCOME_EXPENDITURE", ctx.total_at("income", "amount"),
                    related=[ctx.total_at("expenditure", "amount")], income=yuan(income_total),
                    expenditure=yuan(expenditure_total), difference=yuan(income_total - expenditure_total),
                    detail=detail)
        return
    for source, period, inc, exp in differences:
        row = next((f.row for f in b.income if f.source == source and f.period == period), None)
        where = ctx.at("income", "amount", row) if row else ctx.total_at("income", "amount")
        income_rows = [f.row for f in b.income if f.source == source and f.period == period]
        expenditure_rows = [f.row for f in b.expenditure if f.source == source and f.period == period]
        yield issue("TOTAL_SOURCE", where, related=[ctx.total_at("expenditure", "amount")], source=source,
                    period=period, income=yuan(inc), expenditure=yuan(exp), difference=yuan(inc - exp),
                    income_rows=row_spans(income_rows), expenditure_rows=row_spans(expenditure_rows))


class _ByRow:
    """Projects and 绩效目标表 by sheet row, built once per check (a row's total is then one lookup)."""

    def __init__(self, b: Budget) -> None:
        self.projects: dict[int, list[Project]] = {}
        for p in b.projects:
            self.projects.setdefault(p.row, []).append(p)
        self.forms: dict[int, PerfForm] = {}
        for f in b.perf_forms:
            self.forms.setdefault(f.row, f)


def _computed_total(ctx: Context, sheet_key: str, column_key: str, row: int | None,
                    by_row: _ByRow | None = None) -> Decimal | None:
    """What a total cell should hold, from the model; None if not a total we know."""
    b = ctx.budget
    if sheet_key == "projects":
        if row is None:
            chosen = list(b.projects)
        else:
            chosen = (by_row or _ByRow(b)).projects.get(row, [])
        if row is not None and not chosen:
            return None
        if column_key == "cur_total":
            return A.total(p.current_total for p in chosen)
        if column_key == "co_total":
            return A.total(p.carryover_total for p in chosen)
        prefix, source_key = column_key.split("_", 1)
        source = S.SOURCE_KEYS[source_key]
        return A.total((p.carryover if prefix == "co" else p.current).get(source) for p in chosen)
    if sheet_key == "perf_forms" and row is not None:
        form = (by_row or _ByRow(b)).forms.get(row)
        if form is None:
            return None
        return form.impl.total if column_key == "impl_total" else form.year.total
    if row is None and column_key == "amount":
        attribute = {"income": "income", "expenditure": "expenditure", "basic_economic": "basic_economic",
                     "three_public": "three_public", "income_items": "income_items"}.get(sheet_key)
        if attribute:
            return A.total(f.amount for f in getattr(b, attribute))
    return None


@rule(codes=("TOTAL_TYPED", "TOTAL_STALE", "TOTAL_STALE_TEXT"), needs=())
def check_typed_totals(ctx: Context) -> Iterator[Issue]:
    """A total cell where the clerk typed a number over the formula must agree with its parts; so must
    the result a total formula was saved with (else the file was saved without recalculating)."""
    blocked = ctx.parsed.missing | ctx.parsed.failed
    by_row = _ByRow(ctx.budget) if ctx.parsed.typed_totals else None
    for typed in ctx.parsed.typed_totals:
        if typed.sheet_key in blocked:
            continue
        computed = _computed_total(ctx, typed.sheet_key, typed.column_key, typed.row, by_row)
        if computed is None or computed == typed.typed:
            continue
        difference = yuan(typed.typed - computed)
        text_cell = ctx.parsed.text_amounts.get(typed.sheet_key)
        if typed.formula and text_cell:
            yield issue("TOTAL_STALE_TEXT", typed.where, cached=yuan(typed.typed), computed=yuan(computed),
                        difference=difference, cell=text_cell)
        elif typed.formula:
            yield issue("TOTAL_STALE", typed.where, cached=yuan(typed.typed), computed=yuan(computed),
                        difference=difference)
        else:
            yield issue("TOTAL_TYPED", typed.where, typed=yuan(typed.typed), computed=yuan(computed),
                        difference=difference)


RULES = (check_income_equals_expenditure, check_typed_totals)
