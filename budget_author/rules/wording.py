"""What the unit states about its own document (issue 13): statements that contradict its figures."""

from __future__ import annotations

from typing import Iterator

from budget_author.issues import Issue, issue
from budget_author.rules.base import Context, rule, wan


@rule(codes=("OVERALL_PERF_CONFLICT",), needs=("overall_perf",))
def check_overall_performance_stated(ctx: Context) -> Iterator[Issue]:
    """否 (not compiled) prints 未编报…涉及资金0万元: a typed count or amount would be dropped silently."""
    overall = ctx.budget.overall_performance
    if overall is None or overall.compiled is not False:
        return
    if overall.amount or overall.count:
        yield issue("OVERALL_PERF_CONFLICT", ctx.fixed_at("overall_perf", "compiled"),
                    amount=wan(overall.amount), count=overall.count or 0)


RULES = (check_overall_performance_stated,)
