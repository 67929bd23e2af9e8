"""Projects and their 绩效目标表.

Tolerance: none. The sum of projects equals 项目支出 to the 分; a published
form's 年度资金总额 (元) equals the project's 当年 amount (元) to the 分, which
is what the document's 万元 figure is rounded from.
"""

from __future__ import annotations

from typing import Iterator

from budget_author.compute import aggregate as A
from budget_author.issues import Issue, issue
from budget_author.money import format_wan
from budget_author.rules.base import Context, row_spans, rule, yuan
from budget_author.workbook import schema as S

_SOURCE_COLUMNS = {source: key for key, source in S.SOURCE_KEYS.items()}


@rule(codes=("PROJ_TOTAL",), needs=("projects", "expenditure"))
def check_project_totals(ctx: Context) -> Iterator[Issue]:
    """Σ projects = 项目支出 in the 支出 sheet, per source, for 当年 and 上年结转 separately."""
    b = ctx.budget
    for period, carry, prefix in ((S.PERIOD_CURRENT, False, "cur_"), (S.PERIOD_CARRYOVER, True, "co_")):
        for source in S.SOURCES:
            projects = A.projects(b, source=source, carryover=carry)
            functional = A.expenditure(b, source=source, kind=S.KIND_PROJECT, period=period)
            if projects == functional:
                continue
            column = prefix + _SOURCE_COLUMNS[source]
            spec = S.sheet("projects")
            where = ctx.total_at("projects", column) if any(c.key == column for c in spec.columns) \
                else ctx.sheet_at("projects")
            rows = [f.row for f in b.expenditure
                    if f.source == source and f.kind == S.KIND_PROJECT and f.period == period]
            look = (f"“{spec.column(column).header}”一栏" if any(c.key == column for c in spec.columns)
                    else f"没有{source}的结转一栏，这部分不能列为上年结转")
            yield issue("PROJ_TOTAL", where, related=[ctx.total_at("expenditure", "amount")], period=period,
                        source=source, projects=yuan(projects), functional=yuan(functional),
                        difference=yuan(projects - functional), column=look, functional_rows=row_spans(rows))


@rule(codes=("PROJ_NO_AMOUNT",), needs=("projects",))
def check_project_amounts(ctx: Context) -> Iterator[Issue]:
    for project in ctx.budget.projects:
        if not project.current and not project.carryover:
            yield issue("PROJ_NO_AMOUNT", ctx.at("projects", "name", project.row), name=project.name)


@rule(codes=("PERF_PROJECT_UNKNOWN", "PERF_FORM_MISSING", "PERF_FORM_UNPUBLISHED", "PERF_FORM_AMOUNT",
             "PERF_NO_INDICATORS"), needs=("projects", "perf_forms", "perf_indicators"))
def check_performance_forms(ctx: Context) -> Iterator[Issue]:
    """Every published project has one form; each form names a project and matches its amount."""
    b = ctx.budget
    with_form = set()
    periods_of: dict[int, set[str]] = {}
    for form in b.perf_forms:
        project = b.find_project(form.project)
        if project is None:
            continue  # reported below, once per reference
        with_form.add(id(project))
        if not project.published:
            yield issue("PERF_FORM_UNPUBLISHED", ctx.at("perf_forms", "project", form.row), project=project.label)
        if form.year.total != project.current_total:
            yield issue("PERF_FORM_AMOUNT", ctx.at("perf_forms", "year_total", form.row),
                        related=[ctx.at("projects", "cur_total", project.row)], project=project.label,
                        form=yuan(form.year.total), project_amount=yuan(project.current_total),
                        wan=format_wan(project.current_total), difference=yuan(form.year.total - project.current_total))
        if not project.published:
            continue
        if id(project) not in periods_of:  # once per project, however many forms name it
            periods_of[id(project)] = {i.period for i in b.indicators_of(project)}
        for period in ctx.parsed.layout.lists.get("绩效期间", S.PERF_PERIODS):  # the periods this workbook offers
            if period not in periods_of[id(project)]:
                yield issue("PERF_NO_INDICATORS", ctx.at("perf_forms", "project", form.row),
                            project=project.label, period=period)
    for project in b.projects:
        if project.published and id(project) not in with_form:
            yield issue("PERF_FORM_MISSING", ctx.at("projects", "published", project.row), project=project.label)
    yield from _unknown_references(ctx)


def _unknown_references(ctx: Context) -> Iterator[Issue]:
    """One PERF_PROJECT_UNKNOWN per reference that names no project (a deleted project row), at its
    first row, listing every 绩效目标表 and 绩效指标 row that uses it."""
    b = ctx.budget
    rows: dict[str, dict[str, list[int]]] = {}
    for sheet_key, items in (("perf_forms", b.perf_forms), ("perf_indicators", b.indicators)):
        for item in items:
            if b.find_project(item.project) is None:
                rows.setdefault(item.project, {}).setdefault(sheet_key, []).append(item.row)
    for ref, by_sheet in rows.items():
        cells = [ctx.at(key, "project", row) for key, numbers in by_sheet.items() for row in numbers]
        listed = "，".join(f"“{S.sheet(key).title}”{row_spans(numbers)}" for key, numbers in by_sheet.items())
        yield issue("PERF_PROJECT_UNKNOWN", cells[0], related=cells[1:], ref=ref, rows=listed)


@rule(codes=("PROJECT_UNCONFIRMED",), needs=("projects",))
def check_projects_confirmed(ctx: Context) -> Iterator[Issue]:
    """A project carried from last year's workbook (init --from) whose 本年继续 is still 待确认."""
    spec = ctx.parsed.layout.sheet("projects")  # 本年继续 is the last column of each profile's layout
    for project in ctx.budget.projects:
        if project.continued == S.CONTINUE_PENDING:
            yield issue("PROJECT_UNCONFIRMED", (spec.title, spec.cell("continued", project.row)), name=project.name)


RULES = (check_project_totals, check_project_amounts, check_performance_forms, check_projects_confirmed)
