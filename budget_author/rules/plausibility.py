"""Plausibility: figures that agree with each other but cannot be a real unit's (scale slips).

Clerks think in 万元; the workbook is in 元. A figure typed in 万元 is 10,000 times too small.
These rules look for that slip by magnitude, by the ratio to the prior year and by the ratio
between two sheets that must agree. Every threshold is a named constant below and is written
down in README.md (检查规则, the paragraph after 容差).

- a whole workbook typed in 万元 agrees with itself: only its magnitude gives it away
  (PLAUS_TOTAL_WAN, PLAUS_TOTAL_SMALL), or for a large unit its 角分 (PLAUS_CENTS_WAN);
- one row or one sheet typed in 万元 makes a pair of totals disagree by 9,999 times that part
  (PLAUS_ROW_WAN, PLAUS_SHEET_WAN), named on the rows, beside the TOTAL_*/BASIC_*/PROJ_* problem;
- 上年数 typed in 万元 (or the current figures, the prior being in 元) shows as a ratio of
  1,000 or more between this year and last (PLAUS_PRIOR_SCALE);
- 上年数 all zero: the document would say every figure grew from nothing (PLAUS_PRIOR_ZERO);
- an increase to more than 10 times last year (PLAUS_CHANGE_LARGE, a warning: real units do
  that; decreases are not flagged: fenyang-2025's 收入总计 fell to 1/14 of the year before, truly).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterator, Sequence

from budget_author.compute import aggregate as A
from budget_author.issues import Issue, Where, issue
from budget_author.money import round_half_up
from budget_author.rules.base import Context, rule, wan, yuan
from budget_author.rules.texts import change_shows
from budget_author.workbook import schema as S

WAN = Decimal(10_000)  # 元 per 万元: a figure typed in 万元 is this many times too small

# Magnitude (PLAUS_TOTAL_WAN, an error; PLAUS_TOTAL_SMALL, a warning), on the larger of 收入总计 and 支出总计.
TOTAL_WAN_BELOW = Decimal(10_000)  # no unit's whole budget is under 1 万元
TOTAL_SMALL_BELOW = Decimal(100_000)  # nor, as a rule, under 10 万元
PER_STAFF_WAN_BELOW = Decimal(10_000)  # nor under 1 万元 a year per person (编制 or 实有人数)

# Cents pattern (PLAUS_CENTS_WAN, a warning): a figure typed in 万元 with two decimals has 角分 in 元 on
# almost every row (616.77), budget figures in 元 rarely do. At least this many nonzero 支出 amounts, this share
# of them with 角分, and a total under CENTS_TOTAL_BELOW: the slip that the magnitude rules cannot see, a large
# unit (over 10 亿元) typed in 万元.
CENTS_MIN_ROWS = 5
CENTS_SHARE = Decimal("0.8")
CENTS_TOTAL_BELOW = Decimal(100_000_000)

# Between this year and last (PLAUS_PRIOR_SCALE, an error): one is this many times the other.
PRIOR_SCALE_RATIO = Decimal(1_000)
# An increase to more than this many times last year's figure (PLAUS_CHANGE_LARGE, a warning).
LARGE_CHANGE_RATIO = Decimal(10)

# Between two sheets (PLAUS_ROW_WAN, PLAUS_SHEET_WAN): the difference is 9,999 × the part typed in
# 万元, within this share of the difference (a part typed in 万元 may be rounded to the 百元).
WAN_MATCH_TOLERANCE = Decimal("0.01")
# A row is "typical" of its side when it is not this many times smaller than the side's median row.
ROW_OUTLIER_RATIO = Decimal(1_000)

_Row = tuple[Where, Decimal]  # (sheet, cell) and the amount typed there


def _times(big: Decimal, small: Decimal) -> str:
    return f"{round_half_up(big / small, 0):,.0f}" if big / small >= 100 else f"{round_half_up(big / small, 1)}"


# ---------------------------------------------------------------- magnitude
@rule(codes=("PLAUS_TOTAL_WAN", "PLAUS_TOTAL_SMALL", "PLAUS_CENTS_WAN"), needs=("income", "expenditure", "unit"))
def check_magnitude(ctx: Context) -> Iterator[Issue]:
    """A whole workbook typed in 万元 agrees with itself; its totals are absurdly small."""
    b = ctx.budget
    total = max(A.income(b), A.expenditure(b))
    if total <= 0:
        return
    where = ctx.total_at("income", "amount")
    unit = b.unit
    staff = (unit.staff_actual or 0) if unit else 0  # people paid, not 编制: vacant posts are common
    if total < TOTAL_WAN_BELOW:
        yield issue("PLAUS_TOTAL_WAN", where, total=yuan(total), wan=f"；如总计是 {yuan(total)} 万元，应为 {yuan(total * WAN)} 元",
                    detail=f"不到 {yuan(TOTAL_WAN_BELOW)} 元（1 万元），没有哪个单位的全年预算这么少")
    elif staff and total < PER_STAFF_WAN_BELOW * staff:
        yield issue("PLAUS_TOTAL_WAN", where, total=yuan(total), wan="",
                    detail=f"按实有 {staff} 人计每人每年不到 1 万元，连人员工资都不够")
    elif total < TOTAL_SMALL_BELOW:
        yield issue("PLAUS_TOTAL_SMALL", where, total=yuan(total), wan=wan(total))
    elif total < CENTS_TOTAL_BELOW:
        amounts = [f.amount for f in b.expenditure if f.amount]
        with_cents = [a for a in amounts if a != a.to_integral_value()]
        if len(amounts) >= CENTS_MIN_ROWS and len(with_cents) >= CENTS_SHARE * len(amounts):
            yield issue("PLAUS_CENTS_WAN", where, count=len(amounts), cents=len(with_cents), total=yuan(total),
                        wan=yuan(total * WAN))


# ---------------------------------------------------------------- between two sheets
def _median(values: Sequence[Decimal]) -> Decimal:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _close(value: Decimal, target: Decimal) -> bool:
    return abs(value - target) <= WAN_MATCH_TOLERANCE * target


def _suspects(rows: list[_Row], small: Decimal, big: Decimal) -> tuple[str, list[_Row]]:
    """The rows of the smaller side that, read as 万元, make up the difference: ("sheet"|"rows", rows)."""
    rows = [(where, amount) for where, amount in rows if amount > 0]
    difference = big - small
    if difference <= 0 or not rows:
        return "rows", []
    if len(rows) > 1 and _close(small * WAN, big):
        return "sheet", rows
    single = [r for r in rows if _close(r[1] * (WAN - 1), difference)]
    if single:
        return "rows", single
    median = _median([amount for _, amount in rows])
    outliers = [r for r in rows if r[1] * ROW_OUTLIER_RATIO < median]
    if outliers and _close(A.total(a for _, a in outliers) * (WAN - 1), difference):
        return "rows", outliers
    return "rows", []


def _pairs(ctx: Context) -> Iterator[tuple[str, str, list[_Row], str, list[_Row]]]:
    """(what, sheet A, rows A, sheet B, rows B) for each pair of sums that must be equal."""
    b = ctx.budget
    for source in S.SOURCES:
        for period in S.PERIODS:
            income = [(ctx.at("income", "amount", f.row), f.amount) for f in b.income
                      if f.source == source and f.period == period]
            spending = [(ctx.at("expenditure", "amount", f.row), f.amount) for f in b.expenditure
                        if f.source == source and f.period == period]
            yield f"{source}（{period}）的收入与支出", "income", income, "expenditure", spending
    for source in S.SOURCES:
        economic = [(ctx.at("basic_economic", "amount", f.row), f.amount) for f in b.basic_economic
                    if f.source == source]
        basic = [(ctx.at("expenditure", "amount", f.row), f.amount) for f in b.expenditure
                 if f.source == source and f.kind == S.KIND_BASIC and f.period == S.PERIOD_CURRENT]
        if economic or source == S.SOURCES[0]:
            yield f"{source}当年基本支出的经济分类与功能分类", "basic_economic", economic, "expenditure", basic
    columns = {source: key for key, source in S.SOURCE_KEYS.items()}
    for period, prefix in ((S.PERIOD_CURRENT, "cur_"), (S.PERIOD_CARRYOVER, "co_")):
        for source in S.SOURCES:
            column = prefix + columns[source]
            if not any(c.key == column for c in S.sheet("projects").columns):
                continue
            projects = [(ctx.at("projects", column, p.row), (p.carryover if prefix == "co_" else p.current)[source])
                        for p in b.projects if (p.carryover if prefix == "co_" else p.current).get(source)]
            spending = [(ctx.at("expenditure", "amount", f.row), f.amount) for f in b.expenditure
                        if f.source == source and f.kind == S.KIND_PROJECT and f.period == period]
            yield f"{source}{period}的项目合计与项目支出", "projects", projects, "expenditure", spending


@rule(codes=("PLAUS_ROW_WAN", "PLAUS_SHEET_WAN"), needs=("income", "expenditure", "basic_economic", "projects"))
def check_part_in_wan(ctx: Context) -> Iterator[Issue]:
    """Two sums that must agree differ by 9,999 times some rows of the smaller: those rows are in 万元."""
    named: set[Where] = set()
    for what, key_a, rows_a, key_b, rows_b in _pairs(ctx):
        sum_a, sum_b = A.total(a for _, a in rows_a), A.total(a for _, a in rows_b)
        if sum_a == sum_b:
            continue
        key, rows, small, big = (key_a, rows_a, sum_a, sum_b) if sum_a < sum_b else (key_b, rows_b, sum_b, sum_a)
        kind, suspects = _suspects(rows, small, big)
        if kind == "sheet":
            where = ctx.total_at(key, "amount") if key != "projects" else ctx.sheet_at(key)
            if where not in named:
                named.add(where)
                yield issue("PLAUS_SHEET_WAN", where, related=[w for w, _ in suspects], title=S.sheet(key).title,
                            what=what, small=yuan(small), big=yuan(big), times=_times(big, small))
            continue
        together = "这里" if len(suspects) == 1 else f"这里和其他 {len(suspects) - 1} 行（见相关单元格）一起"
        for where, amount in suspects:
            if where in named:
                continue
            named.add(where)
            yield issue("PLAUS_ROW_WAN", where, related=[w for w, _ in suspects if w != where], amount=yuan(amount),
                        wan=yuan(amount * WAN), what=what, difference=yuan(big - small), together=together)


# ---------------------------------------------------------------- against the prior year
def _compared(ctx: Context) -> Iterator[tuple[S.FixedRow, Decimal, Decimal]]:
    """(上年数 row, this year's figure, last year's) for every row the document compares."""
    b = ctx.budget
    current = A.comparables(b)
    for row in S.PRIOR_ROWS:
        if row.key == "admin_running" and b.unit is not None and not b.unit.is_admin:
            continue
        prior = b.prior.get(row.key)
        if prior is not None:
            yield row, current[row.key], prior


@rule(codes=("PLAUS_PRIOR_SCALE", "PLAUS_CHANGE_LARGE", "PLAUS_PRIOR_ZERO"),
      needs=("prior", "income", "expenditure", "three_public", "admin_running", "unit"))
def check_prior_year(ctx: Context) -> Iterator[Issue]:
    compared = list(_compared(ctx))
    for row, current, prior in compared:
        where = ctx.fixed_at("prior", row.key)
        if current > 0 and prior > 0 and current >= PRIOR_SCALE_RATIO * prior:
            # Only 上年数 far below this year: a real unit's figure may fall 1,000-fold (pass-through money
            # leaving the 年初预算), and this year's figures typed in 万元 are PLAUS_TOTAL_WAN's to find.
            yield issue("PLAUS_PRIOR_SCALE", where, label=row.label, current=yuan(current), prior=yuan(prior),
                        times=_times(current, prior), which="上年数",
                        fix=f"如上年数是 {yuan(prior)} 万元，应填 {yuan(prior * WAN)}")
        elif prior > 0 and current > LARGE_CHANGE_RATIO * prior and change_shows(current, prior):
            yield issue("PLAUS_CHANGE_LARGE", where, label=row.label, current=wan(current), prior=wan(prior),
                        times=_times(current, prior), limit=f"{LARGE_CHANGE_RATIO:f}")
    totals = [(row, current, prior) for row, current, prior in compared
              if row.key in ("income_total", "expenditure_total", "gpb_current_expenditure")]
    if totals and all(prior == 0 for _, _, prior in compared) and any(current > 0 for _, current, _ in totals):
        row, current, _ = next(((r, c, p) for r, c, p in totals if c > 0))
        reasons = "，其后接“变动原因”中填写的原因" if any(ctx.budget.reasons.values()) else ""
        yield issue("PLAUS_PRIOR_ZERO", ctx.fixed_at("prior", row.key), label=row.label, current=wan(current),
                    reasons=reasons)


# ---------------------------------------------------------------- the reason's wording
UP_WORDS = ("增加", "增长", "提高", "上升", "增多", "增大", "上涨", "新增")
DOWN_WORDS = ("减少", "下降", "降低", "减小", "缩减", "压减", "核减", "下调", "缩小")
_NEGATED = re.compile(r"(未|没有|不|无)(" + "|".join(UP_WORDS + DOWN_WORDS) + ")")


def reason_direction(text: str) -> str | None:
    """"up" or "down" when the reason speaks of one direction only; None when of both or neither."""
    text = _NEGATED.sub("", text)
    up = any(word in text for word in UP_WORDS)
    down = any(word in text for word in DOWN_WORDS)
    if up == down:
        return None
    return "up" if up else "down"


@rule(codes=("REASON_DIRECTION",),
      needs=("prior", "reasons", "income", "expenditure", "three_public", "admin_running", "unit"))
def check_reason_direction(ctx: Context) -> Iterator[Issue]:
    """A reason that says 增加 for a decrease (or 减少 for an increase) contradicts its own sentence."""
    reasons = ctx.budget.reasons
    for row, current, prior in _compared(ctx):
        text = reasons.get(row.key)
        if not text or not row.needs_reason or not change_shows(current, prior):
            continue
        said = reason_direction(text)
        actual = "up" if current > prior else "down"
        if said is not None and said != actual:
            yield issue("REASON_DIRECTION", ctx.fixed_at("reasons", row.key), label=row.label,
                        direction="增加" if actual == "up" else "减少", change=wan(abs(current - prior)),
                        said="增加、增长或提高" if said == "up" else "减少、下降或降低")


RULES = (check_magnitude, check_part_in_wan, check_prior_year, check_reason_direction)
