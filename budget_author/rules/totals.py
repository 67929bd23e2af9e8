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
from budget_author.workbook.row_totals import in_total_row, row_total_parts


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


# The model's records of each sheet with totals, and where a 绩效目标表 column's fund lives in the model.
_RECORDS = {"income": "income", "expenditure": "expenditure", "basic_economic": "basic_economic",
            "three_public": "three_public", "income_items": "income_items", "projects": "projects"}
_FUND_FIELDS = {"central": "central", "provincial": "provincial", "local": "local", "self": "self_raised",
                "other": "other"}


def _value(sheet_key: str, record, column_key: str) -> Decimal | None:
    """One record's amount in a column of its sheet; a row total is the sum of its parts (row_totals.ROW_TOTALS,
    the declaration the template's formulas come from)."""
    parts = row_total_parts(sheet_key, column_key)
    if parts is not None:
        return A.total(_value(sheet_key, record, part) for part in parts)
    if sheet_key == "projects":
        prefix, source_key = column_key.split("_", 1)
        return (record.carryover if prefix == "co" else record.current).get(S.SOURCE_KEYS[source_key])
    if sheet_key == "perf_forms":
        prefix, fund = column_key.split("_", 1)
        return getattr(record.impl if prefix == "impl" else record.year, _FUND_FIELDS[fund])
    return record.amount if column_key == "amount" else None


def _computed_total(ctx: Context, sheet_key: str, column_key: str, row: int | None,
                    by_row: _ByRow | None = None) -> Decimal | None:
    """What a total cell should hold, from the model; None if not a total we know. `row` None is the sheet's
    合计 row, which adds up the column over every record; else the row total of the record on that row."""
    b = ctx.budget
    if row is None:
        spec = S.sheet(sheet_key)
        column = next((c for c in spec.columns if c.key == column_key), None)
        if sheet_key not in _RECORDS or column is None or not in_total_row(spec, column):
            return None
        records = list(getattr(b, _RECORDS[sheet_key]))
    elif row_total_parts(sheet_key, column_key) is None:
        return None
    elif sheet_key == "projects":
        records = (by_row or _ByRow(b)).projects.get(row, [])
    elif sheet_key == "perf_forms":
        form = (by_row or _ByRow(b)).forms.get(row)
        records = [form] if form is not None else []
    else:
        return None
    if row is not None and not records:
        return None
    return A.total(_value(sheet_key, record, column_key) for record in records)


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
