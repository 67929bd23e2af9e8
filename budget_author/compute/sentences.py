"""The narrative's blocks: each section's sentences rendered from the profile's templates.

Rendered here, into the Report, so that the HTML, the manifest and any later writer use the same
sentences. A sentence template sees `n` (every section's figures and the globals) and `s` (its own
section's figures); its output is escaped Markup (autoescape), safe to place as it is. A template
whose output has several lines gives one paragraph per line (a loop that writes a paragraph per
item). Section and subsection titles are templates too (a title that names the unit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from budget_author.profiles import Profile
from budget_author.templating import sentence


@dataclass
class NarrativeBlock:
    anchor: str
    title: str
    level: int  # 2: section; 3: sub-heading
    toc: bool
    paragraphs: list[Markup]
    chart: bool = False
    places: tuple[str, ...] = ()  # the (sub)section keys whose forms print after this block (forms' `place`)
    catalogue: list[tuple[str, ...]] | None = None  # 政府购买服务指导性目录 rows typed by the unit


def section_blocks(profile: Profile, part: dict[str, Any], n: dict[str, Any], texts: dict[str, list[str]],
                   purchase_catalogue: list[tuple[str, ...]], show_chart: bool) -> list[NarrativeBlock]:
    """The blocks of one part of sections: each section's heading, sentences and typed texts."""
    macro_source = profile.get("macros", "")
    blocks: list[NarrativeBlock] = []
    for index, section in enumerate(part.get("sections", []), start=1):
        own = n.get(section["key"], {})

        def render(template: str) -> Markup:
            return Markup(sentence(macro_source, template).render(n=n, s=own).strip())

        anchor = section.get("anchor") or f"{part['key']}-{index}"
        paragraphs = _paragraphs(render, section.get("paragraphs", [])) + _typed(section, texts, render)
        blocks.append(NarrativeBlock(anchor, render(_title(section["title"], n)), 2, True, paragraphs))
        for sub_index, sub in enumerate(section.get("subsections", []), start=1):
            # the 政府购买服务目录 sheet's table stands in for the subsection's default sentence
            catalogue = purchase_catalogue if sub.get("texts") and sub.get("catalogue") and purchase_catalogue else None
            paragraphs = _paragraphs(render, sub.get("paragraphs", [])) + _typed(sub, texts, render, bool(catalogue))
            blocks.append(NarrativeBlock(f"{anchor}-{sub_index}", render(_title(sub["title"], n)), 3, bool(sub.get("toc")),
                                         paragraphs, bool(sub.get("chart")) and show_chart, catalogue=catalogue,
                                         places=(sub["key"],) if sub.get("key") else ()))
        blocks[-1].places = (*blocks[-1].places, section["key"])
    return blocks


def _title(title: str, n: dict[str, Any]) -> str:
    """A heading may name the year: {year}, {prior_year}."""
    return title.replace("{year}", str(n.get("year", ""))).replace("{prior_year}", str(n.get("prior_year", "")))


def _typed(spec: dict[str, Any], texts: dict[str, list[str]], render: Any, has_table: bool = False) -> list[Markup]:
    """The typed texts of the (sub)section's 文本段落 栏目 (escaped), else its default sentence (none when a
    table stands in for it)."""
    if not spec.get("texts"):
        return []
    typed = [Markup.escape(t) for t in texts.get(spec["texts"]) or []]
    if typed or has_table or not spec.get("default"):
        return typed
    return [render(spec["default"])]


def _paragraphs(render: Any, templates: list[str]) -> list[Markup]:
    """Each template is a paragraph; one that loops may write several, one a line (blank lines ignored)."""
    return [Markup(line.strip()) for t in templates for line in render(t).split("\n") if line.strip()]
