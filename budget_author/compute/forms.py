"""项目支出绩效目标表: one form view per published project, laid out as the standard prints it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from budget_author.compute.view import Figures
from budget_author.display import form_yuan
from budget_author.model import Budget, PerfForm, PerfFunds
from budget_author.profiles import Profile


@dataclass
class IndicatorRow:
    level1: str | None  # set on the first row of a 一级 group (with rowspan)
    level1_span: int
    level2: str | None  # set on the first row of a 二级 group (with rowspan), both halves
    level2_span: int
    impl: tuple[str, str]  # (三级指标, 指标值) for 实施期
    year: tuple[str, str]  # … for 年度


@dataclass
class FormView:
    anchor: str
    title: str
    year_line: str
    project: str
    dept: str
    unit: str
    attribute: str
    term: str
    impl_total: str
    year_total: str
    funds: list[tuple[str, str, str, str]]  # (prefix, label, 实施期, 年度)
    texts: list[tuple[str, str]]
    goal_impl: str
    goal_year: str
    indicators: list[IndicatorRow] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)


def _fund(funds: PerfFunds, key: str):
    return getattr(funds, key)


def _indicator_rows(budget: Budget, form_project, profile: Profile) -> list[IndicatorRow]:
    mine = budget.indicators_of(form_project)
    rows: list[IndicatorRow] = []
    for group in profile["form"]["indicator_levels"]:
        group_rows: list[IndicatorRow] = []
        for level2 in group["level2"]:
            impl = [(i.level3, i.value) for i in mine if i.level2 == level2 and i.period == "实施期"]
            year = [(i.level3, i.value) for i in mine if i.level2 == level2 and i.period == "年度"]
            height = max(len(impl), len(year), 1)
            for k in range(height):
                group_rows.append(IndicatorRow(
                    level1=None, level1_span=0,
                    level2=level2 if k == 0 else None, level2_span=height if k == 0 else 0,
                    impl=impl[k] if k < len(impl) else ("", ""),
                    year=year[k] if k < len(year) else ("", ""),
                ))
        group_rows[0].level1 = group["level1"]
        group_rows[0].level1_span = len(group_rows)
        rows.extend(group_rows)
    return rows


def form_views(budget: Budget, profile: Profile, figures: Figures) -> list[FormView]:
    unit = budget.unit
    title = profile["form_title"].format(region=unit.region, level=unit.level)
    year_line = profile["form_year"].format(year=unit.year)
    views = []
    seen = set()
    for form in budget.perf_forms:
        project = budget.find_project(form.project)
        if project is None or not project.published or id(project) in seen:
            continue
        seen.add(id(project))
        views.append(_view(budget, profile, figures, form, project, title, year_line, len(views) + 1))
    return views


def _view(budget: Budget, profile: Profile, figures: Figures, form: PerfForm, project, title: str,
          year_line: str, number: int) -> FormView:
    unit = budget.unit
    key = f"form.{project.code or project.seq}"
    group = f"项目支出绩效目标表：{project.name}（序号{project.seq}）"

    def money(name: str, value, subject: str, measure: str) -> str:
        text = form_yuan(value)
        figures.add(f"{key}.{name}", value, text, "元", group=group, subject=subject, measure=measure)
        return text

    funds = []
    for row in profile["form"]["fund_rows"]:
        impl = money(f"impl.{row['key']}", _fund(form.impl, row["key"]), "实施期资金", row["label"])
        year = money(f"year.{row['key']}", _fund(form.year, row["key"]), "年度资金", row["label"])
        funds.append((row.get("prefix", ""), row["label"], impl, year))
    texts: list[tuple[str, str]] = [(row["label"], getattr(form, row["key"])) for row in profile["form"]["text_rows"]]
    footer: list[Any] = list(profile["form"]["footer"])
    return FormView(
        anchor=f"form-{number}",
        title=title,
        year_line=year_line,
        project=project.name,
        dept=form.dept or f"{unit.dept_code}-{unit.dept_name}",
        unit=unit.name,
        attribute=form.attribute,
        term=form.term,
        impl_total=money("impl.total", form.impl.total, "实施期资金", "总额"),
        year_total=money("year.total", form.year.total, "年度资金", "总额"),
        funds=funds,
        texts=texts,
        goal_impl=form.goal_impl,
        goal_year=form.goal_year,
        indicators=_indicator_rows(budget, project, profile),
        footer=[f"{label}{value}" for label, value in zip(footer, _signatures(budget, form))],
    )


def _signatures(budget: Budget, form) -> list[str]:
    """The footer's 负责人, 经办人, 联系电话 (the form's own, else 文档选项's, else blank) and 填报日期."""
    options = budget.options
    return [form.signer or options.signer, form.handler or options.handler, form.phone or options.phone,
            form.filled_at]
