"""compute_report: model + profile → the report view model. Pure: no I/O, no rendering."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from budget_author.compute.facts import datasets
from budget_author.compute.forms import FormView, form_views
from budget_author.compute.names import Names
from budget_author.compute.narrative import narrative_figures
from budget_author.compute.sentences import NarrativeBlock, narrative_blocks
from budget_author.compute.tables import build_table
from budget_author.compute.view import Figures, TableView
from budget_author.display import chinese_numeral
from budget_author.model import Budget
from budget_author.profiles import Profile, load_profile


@dataclass(frozen=True)
class ChartSlice:
    label: str
    amount: str
    share: str
    fraction: Any  # Decimal in [0, 1]


@dataclass
class Report:
    profile: Profile
    unit_name: str
    year: int
    title: str
    running_head: str
    part_titles: dict[str, str]
    duties: list[str]
    organisation: list[str]
    tables: list[TableView]
    n: dict[str, Any]
    chart: list[ChartSlice]
    forms: list[FormView]
    texts: dict[str, list[str]]
    glossary: list[tuple[str, str, str]]  # (numeral, term, text)
    figures: Figures
    narrative: list[NarrativeBlock] = field(default_factory=list)
    show: dict[str, bool] = field(default_factory=lambda: {"cover": True, "toc": True, "chart": True})
    purchase_catalogue: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


def compute_report(budget: Budget, profile: Profile | None = None) -> Report:
    """Every figure the document shows, computed once, from a budget that checked clean."""
    profile = profile or load_profile()
    unit = budget.unit
    if unit is None:
        raise ValueError("compute_report needs a budget whose 单位信息 parsed")
    figures = Figures()
    names = Names(budget)
    data = datasets(budget)

    def fmt(text: str) -> str:
        return text.format(year=unit.year, unit=unit.name)

    tables = [
        build_table(spec, budget, data, names, figures, fmt, profile["table_label"], profile["table_toc"],
                    profile["empty_note"])
        for spec in profile.tables
    ]
    n = narrative_figures(budget, data, figures, names, profile["narrative"]["sections"])
    chart = _chart(profile, n)
    # The standard's entries are templates over the unit's 预算级次 ({level_departments}).
    level = profile.get("levels", {}).get(unit.level, {})
    glossary_entries = [(g["term"], g["text"].replace("{level_departments}", level.get("departments", "本级部门")))
                        for g in profile["glossary"]]
    glossary_entries += [(g.term, g.text) for g in budget.glossary]
    glossary = [(chinese_numeral(i), term, text) for i, (term, text) in enumerate(glossary_entries, start=1)]
    texts = {section: budget.paragraphs_of(section) for section in ("政府购买服务", "其他说明")}
    show = {key: budget.options.shows(key) for key in ("cover", "toc", "chart")}
    catalogue = [(r.code, r.level1, r.level2, r.level3, r.level4) for r in budget.purchase_catalogue]
    return Report(
        profile=profile,
        unit_name=unit.name,
        year=unit.year,
        title=fmt(profile["document_title"]),
        running_head=profile["running_head"].format(unit=unit.name,
                                                    title=budget.options.title or fmt(profile["document_title"])),
        part_titles={key: fmt(value) for key, value in profile["parts"].items()},
        duties=budget.paragraphs_of("本单位职责"),
        organisation=budget.paragraphs_of("机构设置"),
        tables=tables,
        n=n,
        chart=chart,
        forms=form_views(budget, profile, figures),
        texts=texts,
        glossary=glossary,
        figures=figures,
        narrative=narrative_blocks(profile, n, texts, catalogue, show["chart"]),
        show=show,
        purchase_catalogue=catalogue,
    )


def _chart(profile: Profile, n: dict[str, Any]) -> list[ChartSlice]:
    """The structure chart's slices: a narrative loop named by the profile (`chart_loop`), e.g. 五.classes."""
    where = profile.get("chart_loop")
    if not where:
        return []
    section, loop = where.split(".", 1)
    return [ChartSlice(c["name"], c["amount"], c["share"], c["raw"]["share"] / 100) for c in n[section][loop]]

