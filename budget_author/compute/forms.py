"""Performance forms (绩效目标表) as specs: the profile's `[[forms]]` say which forms print, where, and how.

Two kinds:
- `project`: one 项目支出绩效目标表 per project (published ones, or all), from the 绩效目标表 and 绩效指标
  sheets. Its money is written in the form's number format (元 with separators in Shanxi; trimmed 万元
  in Ningxia); its indicator rows follow a fixed 一级/二级 skeleton (`indicator_levels`, every 二级
  printed even when empty) or, without one, exactly the rows typed (in 一级/二级 order of appearance);
  `periods` says which halves print (实施期 and 年度, or 年度 only); `rating` prints the 综合评定等级
  boxes with the typed one ticked.
- `unit`: the one 单位整体绩效目标表 of the unit (整体绩效目标表 sheet), with its funds typed as printed,
  its goals and its indicators with 指标设定依据 and 分值权重.

Each form has a `place`: the key of the narrative (sub)section it follows, or "tables" (after the
tables). A partial template lays it out (`template`); a profile may bring its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from budget_author.compute.view import Figures
from budget_author.display import NumberFormat, form_yuan
from budget_author.model import Budget, PerfForm, Project
from budget_author.profiles import Profile

PERIODS = ("实施期", "年度")


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
    kind: str = "project"
    template: str = "partials/form.html"
    place: str = ""
    heading: str = ""  # printed once, before the first form of its spec (e.g. 九、部门项目支出预算绩效目标表)
    meta: str = ""  # the line under the title (e.g. 单位：万元), on the first form of its spec only when `meta_once`
    dept_code: str = ""
    rating: list[tuple[str, bool]] = field(default_factory=list)  # 综合评定等级: (option, ticked)


@dataclass
class UnitIndicatorRow:
    level1: str | None
    level1_span: int
    level2: str | None
    level2_span: int
    level3: str
    value: str
    basis: str
    weight: str


@dataclass
class UnitFormView:
    anchor: str
    title: str
    year_line: str
    unit: str
    contact: str
    phone: str
    funds: list[tuple[str, str]]  # (label, amount as printed)
    goals: list[str]
    indicators: list[UnitIndicatorRow]
    kind: str = "unit"
    template: str = "partials/form-unit.html"
    place: str = ""
    heading: str = ""
    meta: str = ""


def _number_format(profile: Profile, spec: dict[str, Any]) -> NumberFormat | None:
    """The form's money format: a name of the profile's [formats], or None for 元 with separators."""
    name = spec.get("money")
    if not name:
        return None
    return NumberFormat(**profile.get("formats", {})[name])


def _written(fmt: NumberFormat | None, yuan: Decimal | None) -> str:
    if fmt is None:
        return form_yuan(yuan)
    return "" if yuan is None else fmt.amount(yuan)


def _skeleton_rows(budget: Budget, project: Project, spec: dict[str, Any], periods: tuple[str, ...]) -> list[IndicatorRow]:
    """Every 二级 of the profile's skeleton, printed even when empty (the Shanxi form)."""
    mine = budget.indicators_of(project)
    rows: list[IndicatorRow] = []
    for group in spec["indicator_levels"]:
        group_rows: list[IndicatorRow] = []
        for level2 in group["level2"]:
            halves = {p: [(i.level3, i.value) for i in mine if i.level2 == level2 and i.period == p] for p in periods}
            height = max([len(h) for h in halves.values()] + [1])
            for k in range(height):
                impl = halves.get("实施期", [])
                year = halves.get("年度", [])
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


def _typed_rows(budget: Budget, project: Project, periods: tuple[str, ...]) -> list[IndicatorRow]:
    """Exactly the typed indicators of one period (the Ningxia form: 年度 only, no empty placeholders),
    grouped by 一级 then 二级 in their order of first appearance."""
    period = periods[-1]
    typed = [i for i in budget.indicators_of(project) if i.period == period]
    order1 = list(dict.fromkeys(i.level1 for i in typed))
    order2 = list(dict.fromkeys(i.level2 for i in typed))
    typed.sort(key=lambda i: (order1.index(i.level1), order2.index(i.level2)))
    rows = [IndicatorRow(i.level1, 1, i.level2, 1, ("", ""), (i.level3, i.value)) for i in typed]
    return _respan(rows, typed)


def _respan(rows: list[IndicatorRow], typed) -> list[IndicatorRow]:
    """Rowspans for 一级 and 二级 runs (computed from the typed values, not the cleared cells)."""
    for attr, span_attr, key in (("level1", "level1_span", lambda i: i.level1),
                                 ("level2", "level2_span", lambda i: (i.level1, i.level2))):
        start = 0
        for index in range(1, len(typed) + 1):
            if index == len(typed) or key(typed[index]) != key(typed[start]):
                setattr(rows[start], attr, getattr(typed[start], attr))
                setattr(rows[start], span_attr, index - start)
                for later in rows[start + 1:index]:
                    setattr(later, attr, None)
                    setattr(later, span_attr, 0)
                start = index
    return rows


def _project_forms(budget: Budget, profile: Profile, figures: Figures, spec: dict[str, Any],
                   spec_index: int) -> list[FormView]:
    unit = budget.unit
    fields = {"region": unit.region, "level": unit.level, "year": unit.year, "unit": unit.name,
              "dept": unit.dept_name}
    title = spec["title"].format(**fields)
    year_line = spec.get("subtitle", "").format(**fields)
    periods = tuple(spec.get("periods", PERIODS))
    fmt = _number_format(profile, spec)
    views: list[FormView] = []
    seen: set[int] = set()
    for form in budget.perf_forms:
        project = budget.find_project(form.project)
        if project is None or id(project) in seen:
            continue
        if spec.get("include", "published") == "published" and not project.published:
            continue
        seen.add(id(project))
        view = _project_view(budget, figures, spec, fmt, periods, form, project, title, year_line,
                             f"form-{spec_index + 1}-{len(views) + 1}" if spec_index else f"form-{len(views) + 1}")
        if not views:
            view.heading = spec.get("heading", "").format(**fields)
        if spec.get("meta") and (not spec.get("meta_once") or not views):
            view.meta = spec["meta"]
        views.append(view)
    return views


def _project_view(budget: Budget, figures: Figures, spec: dict[str, Any], fmt: NumberFormat | None,
                  periods: tuple[str, ...], form: PerfForm, project: Project, title: str, year_line: str,
                  anchor: str) -> FormView:
    unit = budget.unit
    key = f"form.{project.code or project.seq}"
    group = f"项目支出绩效目标表：{project.name}（序号{project.seq}）"
    money_unit = fmt.unit if fmt else "元"

    def money(name: str, value, subject: str, measure: str) -> str:
        text = _written(fmt, value)
        figures.add(f"{key}.{name}", value, text, "元", group=group, subject=subject, measure=measure,
                    shown_unit=money_unit)
        return text

    funds = []
    for row in spec.get("fund_rows", []):
        impl = money(f"impl.{row['key']}", getattr(form.impl, row["key"]), "实施期资金", row["label"]) \
            if "实施期" in periods else ""
        year = money(f"year.{row['key']}", getattr(form.year, row["key"]), "年度资金", row["label"])
        funds.append((row.get("prefix", ""), row["label"], impl, year))
    texts: list[tuple[str, str]] = [(row["label"], getattr(form, row["key"])) for row in spec.get("text_rows", [])]
    footer: list[Any] = list(spec.get("footer", []))
    indicators = (_skeleton_rows(budget, project, spec, periods) if spec.get("indicator_levels")
                  else _typed_rows(budget, project, periods))
    options = spec.get("rating", [])
    return FormView(
        anchor=anchor,
        title=title,
        year_line=year_line,
        project=project.name,
        dept=form.dept or (f"{unit.dept_code}-{unit.dept_name}" if spec.get("dept_with_code", True)
                           else unit.dept_name),
        unit=unit.name,
        attribute=form.attribute,
        term=form.term,
        impl_total=money("impl.total", form.impl.total, "实施期资金", "总额") if "实施期" in periods else "",
        year_total=money("year.total", form.year.total, "年度资金", "总额"),
        funds=funds,
        texts=texts,
        goal_impl=form.goal_impl,
        goal_year=form.goal_year,
        indicators=indicators,
        footer=[f"{label}{value}" for label, value in zip(footer, _signatures(budget, form))],
        kind="project",
        template=spec.get("template", "partials/form.html"),
        place=spec["place"],
        dept_code=unit.dept_code,
        rating=[(option, option == form.rating) for option in options],
    )


def _unit_form(budget: Budget, profile: Profile, figures: Figures, spec: dict[str, Any]) -> list[UnitFormView]:
    perf = getattr(budget, "unit_perf_form", None)
    unit = budget.unit
    if perf is None:
        return []
    fields = {"region": unit.region, "level": unit.level, "year": unit.year, "unit": unit.name}
    fmt = _number_format(profile, spec)
    group = "单位整体绩效目标表"
    funds = []
    for row in spec.get("fund_rows", []):
        value = getattr(perf, row["key"])
        text = _written(fmt, value)
        if value is not None:
            figures.add(f"unit_form.{row['key']}", value, text, "元", shown_unit=fmt.unit if fmt else "元", group=group,
                        subject=row["label"])
        funds.append((row["label"], text))
    rows = [UnitIndicatorRow(i.level1, 1, i.level2, 1, i.level3, i.value, i.basis,
                             "" if i.weight is None else f"{i.weight.normalize():f}")
            for i in perf.indicators]
    _respan(rows, list(perf.indicators))
    goals = [line.strip() for line in perf.goals.splitlines() if line.strip()]
    return [UnitFormView(
        anchor="unit-form",
        title=spec["title"].format(**fields),
        year_line=spec.get("subtitle", "").format(**fields),
        unit=unit.name,
        contact=perf.contact,
        phone=perf.phone,
        funds=funds,
        goals=goals,
        indicators=rows,
        template=spec.get("template", "partials/form-unit.html"),
        place=spec["place"],
        heading=spec.get("heading", "").format(**fields),
        meta=spec.get("meta", ""),
    )]


def form_views(budget: Budget, profile: Profile, figures: Figures) -> list[FormView | UnitFormView]:
    views: list[FormView | UnitFormView] = []
    for index, spec in enumerate(profile.get("forms", [])):
        if spec["kind"] == "project":
            views.extend(_project_forms(budget, profile, figures, spec, index))
        else:
            views.extend(_unit_form(budget, profile, figures, spec))
    return views


def _signatures(budget: Budget, form) -> list[str]:
    """The footer's 负责人, 经办人, 联系电话 (the form's own, else 文档选项's, else blank) and 填报日期."""
    options = budget.options
    return [form.signer or options.signer, form.handler or options.handler, form.phone or options.phone,
            form.filled_at]
