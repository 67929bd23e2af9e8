"""compute_report: model + profile → the report view model. Pure: no I/O, no rendering."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from budget_author.compute.facts import datasets_of
from budget_author.compute.forms import FormView, form_views
from budget_author.compute.names import Names
from budget_author.compute.narrative import Compared, part_figures
from budget_author.compute.sentences import NarrativeBlock, section_blocks
from budget_author.compute.tables import build_table
from budget_author.compute.view import Figures, TableView
from budget_author.display import NumberFormat, numbered
from budget_author.model import Budget
from budget_author.profiles import Profile, load_profile


@dataclass(frozen=True)
class ChartSlice:
    label: str
    amount: str
    share: str
    fraction: Any  # Decimal in [0, 1]


@dataclass
class PartView:
    """One part of the document, in order: sections (blocks), tables, or the glossary."""

    key: str
    kind: str  # "sections" | "tables" | "glossary"
    anchor: str
    title: str
    blocks: list[NarrativeBlock] = field(default_factory=list)
    title_page: bool = False


@dataclass
class Report:
    profile: Profile
    unit_name: str
    year: int
    title: str
    running_head: str
    parts: list[PartView]
    tables: list[TableView]
    n: dict[str, Any]  # the narrative part's figures as its sentences see them
    chart: list[ChartSlice]
    forms: list[FormView]
    texts: dict[str, list[str]]
    glossary: list[tuple[str, str, str]]  # (numbering label, term, text): ("一、", "基本支出", "指…")
    figures: Figures
    show: dict[str, bool] = field(default_factory=lambda: {"cover": True, "toc": True, "chart": True})
    purchase_catalogue: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    closing: tuple[str, str] | None = None  # (signer, date) of the 落款
    compared: list[Compared] = field(default_factory=list)  # every comparison with last year, as made

    @property
    def part_titles(self) -> dict[str, str]:
        return {part.key: part.title for part in self.parts}

    @property
    def narrative(self) -> list[NarrativeBlock]:
        """The blocks of every part of sections, in document order."""
        return [block for part in self.parts for block in part.blocks]


def compute_report(budget: Budget, profile: Profile | None = None) -> Report:
    """Every figure the document shows, computed once, from a budget that checked clean."""
    profile = profile or load_profile()
    unit = budget.unit
    if unit is None:
        raise ValueError("compute_report needs a budget whose 单位信息 parsed")
    figures = Figures()
    names = Names(budget)
    data = datasets_of(budget)

    def fmt(text: str) -> str:
        return text.format(year=unit.year, unit=unit.name)

    tables = [
        build_table(spec, budget, data, names, figures, fmt, profile["table_label"], profile["table_toc"],
                    profile["empty_note"])
        for spec in profile.tables
    ]
    show = {key: budget.options.shows(key) for key in ("cover", "toc", "chart")}
    show["cover"] = show["cover"] and profile.get("cover", True)
    show["toc"] = show["toc"] and profile.get("toc", True)
    texts: dict[str, list[str]] = {}
    for paragraph in budget.paragraphs:
        texts.setdefault(paragraph.section, []).append(paragraph.text)
    catalogue = [(r.code, r.level1, r.level2, r.level3, r.level4) for r in budget.purchase_catalogue]
    formats = {name: NumberFormat(**spec) for name, spec in profile.get("formats", {}).items()}
    parts: list[PartView] = []
    narrative_n: dict[str, Any] = {}
    compared: list[Compared] = []
    for part in profile["parts"]:
        kind = part.get("kind", "sections")
        view = PartView(part["key"], kind, f"part-{part['key']}", fmt(part["title"]),
                        title_page=part.get("title_page", False))
        if kind == "sections":
            n = part_figures(budget, data, figures, names, part, formats, compared)
            view.blocks = section_blocks(profile, part, n, texts, catalogue, show["chart"])
            if part["key"] == "narrative":
                narrative_n = n
        parts.append(view)
    chart = _chart(profile, narrative_n)
    # The standard's entries are templates over the unit's 预算级次 ({level_departments}).
    level = profile.get("levels", {}).get(unit.level, {})
    glossary_entries = [(g["term"], g["text"].replace("{level_departments}", level.get("departments", "本级部门")))
                        for g in profile["glossary"]]
    glossary_entries += [(g.term, g.text) for g in budget.glossary]
    numbering = next((p.get("numbering", "一、") for p in profile["parts"] if p.get("kind") == "glossary"), "一、")
    glossary = [(numbered(i, numbering), term, text) for i, (term, text) in enumerate(glossary_entries, start=1)]
    closing = None
    if profile.get("closing"):
        date = getattr(unit, "closing_date", None)
        closing = (getattr(unit, "closing_signature", "") or unit.name,
                   f"{date.year}年{date.month:02d}月{date.day:02d}日" if date else "")
    return Report(
        profile=profile,
        unit_name=unit.name,
        year=unit.year,
        title=fmt(profile["document_title"]),
        running_head=profile["running_head"].format(unit=unit.name,
                                                    title=budget.options.title or fmt(profile["document_title"])),
        parts=parts,
        tables=tables,
        n=narrative_n,
        chart=chart,
        forms=form_views(budget, profile, figures),
        texts=texts,
        glossary=glossary,
        figures=figures,
        show=show,
        purchase_catalogue=catalogue,
        closing=closing,
        compared=compared,
    )


def _chart(profile: Profile, n: dict[str, Any]) -> list[ChartSlice]:
    """The structure chart's slices: a narrative loop named by the profile (`chart_loop`), e.g. 五.classes."""
    where = profile.get("chart_loop")
    if not where:
        return []
    section, loop = where.split(".", 1)
    return [ChartSlice(c["name"], c["amount"], c["share"], c["raw"]["share"] / 100) for c in n[section][loop]]

