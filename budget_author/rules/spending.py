"""Basic expenditure by economic code, 三公经费, 机关运行经费 and 政府采购.

Tolerance: none for the equalities (元 to the 分 on both sides).
"""

from __future__ import annotations

from typing import Iterator

from budget_author import classification as C
from budget_author.compute import aggregate as A
from budget_author.issues import Issue, issue
from budget_author.rules.base import Context, row_spans, rule, yuan
from budget_author.workbook import schema as S

GPB = S.SOURCES[0]

# 三公 item → the 部门经济分类 款 that carries its 基本支出 part.
THREE_PUBLIC_ECONOMIC = {
    "公务用车运行维护费": "30231",
    "公务接待费": "30217",
    "因公出国（境）费": "30212",
}

# 部门经济分类 款 that buy equipment: budgeting them usually means 政府采购.
EQUIPMENT_CODES = ("30902", "30903", "30907", "30913", "30919", "31002", "31003", "31007", "31013", "31019")


def _economic_sources(ctx: Context) -> list[str]:
    used = {f.source for f in ctx.budget.basic_economic}
    return [s for s in S.SOURCES if s == GPB or s in used]


@rule(codes=("BASIC_ECON_TOTAL",), needs=("basic_economic", "expenditure"))
def check_basic_economic_total(ctx: Context) -> Iterator[Issue]:
    """Σ 基本支出 by economic code = 当年 基本支出 in the 支出 sheet, per source (表六 vs 表五)."""
    b = ctx.budget
    for source in _economic_sources(ctx):
        economic = A.economic(b, source=source)
        functional = A.expenditure(b, source=source, kind=S.KIND_BASIC, period=S.PERIOD_CURRENT)
        if economic != functional:
            economic_rows = [f.row for f in b.basic_economic if f.source == source]
            functional_rows = [f.row for f in b.expenditure if f.source == source and f.kind == S.KIND_BASIC
                               and f.period == S.PERIOD_CURRENT]
            yield issue("BASIC_ECON_TOTAL", ctx.total_at("basic_economic", "amount"),
                        related=[ctx.total_at("expenditure", "amount")], source=source,
                        economic=yuan(economic), functional=yuan(functional), difference=yuan(economic - functional),
                        economic_rows=row_spans(economic_rows), functional_rows=row_spans(functional_rows))


@rule(codes=("THREE_PUBLIC_ECON_MISMATCH",), needs=("three_public", "basic_economic"))
def check_three_public_economic(ctx: Context) -> Iterator[Issue]:
    """The 基本支出 part of 公务用车运行维护费 = 30231, of 公务接待费 = 30217, of 因公出国（境）费 = 30212.

    表十 counts all 财政拨款 spending, projects included; only its 基本支出 part is
    compared with 表六, source by source (财政拨款 sources only).
    """
    b = ctx.budget
    for item, code in THREE_PUBLIC_ECONOMIC.items():
        for source in S.FISCAL_SOURCES:
            three = A.three_public(b, item=item, source=source, kind=S.KIND_BASIC)
            economic = A.economic(b, code=code, source=source)
            if three == economic:
                continue
            tp_rows = [f.row for f in b.three_public if f.item == item and f.source == source and f.kind == S.KIND_BASIC]
            ec_rows = [f.row for f in b.basic_economic if f.code == code and f.source == source]
            where = ctx.at("three_public", "amount", tp_rows[0]) if tp_rows else ctx.total_at("three_public", "amount")
            yield issue("THREE_PUBLIC_ECON_MISMATCH", where,
                        related=[ctx.at("basic_economic", "amount", r) for r in ec_rows], item=item, source=source,
                        three_public=yuan(three), code=code, econ_name=ctx.economic_dept.name(code) or "",
                        economic=yuan(economic), difference=yuan(three - economic))


@rule(codes=("ADMIN_RUNNING_MISMATCH", "ADMIN_RUNNING_NOT_APPLICABLE"),
      needs=("admin_running", "basic_economic", "unit"))
def check_admin_running(ctx: Context) -> Iterator[Issue]:
    """机关运行经费 = 财政拨款 公用经费 for 行政单位 and 参公 (warning); empty for other units (error)."""
    b = ctx.budget
    if b.unit is None:
        return
    if not b.unit.is_admin:
        for key, source in zip(("gpb", "gf", "soe"), S.FISCAL_SOURCES):
            if b.admin_running.get(source):
                yield issue("ADMIN_RUNNING_NOT_APPLICABLE", ctx.fixed_at("admin_running", key),
                            unit_type=b.unit.unit_type)
                return
        return
    for key, source in zip(("gpb", "gf", "soe"), S.FISCAL_SOURCES):
        admin = b.admin_running.get(source) or A.ZERO
        public_use = A.economic(b, source=source, cost=C.PUBLIC_USE)
        if admin != public_use:
            yield issue("ADMIN_RUNNING_MISMATCH", ctx.fixed_at("admin_running", key), source=source,
                        admin=yuan(admin), public_use=yuan(public_use), difference=yuan(admin - public_use))


@rule(codes=("PROCUREMENT_EQUIPMENT_ZERO",), needs=("procurement", "basic_economic"))
def check_procurement(ctx: Context) -> Iterator[Issue]:
    """Equipment bought in 基本支出 but no 政府采购 budget: probably forgotten."""
    b = ctx.budget
    bought = [f for f in b.basic_economic if f.code in EQUIPMENT_CODES and f.amount > 0]
    if bought and A.total(b.procurement.values()) == 0:
        names = "、".join(sorted({f"{f.code} {ctx.economic_dept.name(f.code) or f.name}" for f in bought}))
        yield issue("PROCUREMENT_EQUIPMENT_ZERO", ctx.fixed_at("procurement", "goods"),
                    related=[ctx.at("basic_economic", "amount", f.row) for f in bought], items=names)


RULES = (check_basic_economic_total, check_three_public_economic, check_admin_running, check_procurement)
