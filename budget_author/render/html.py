"""render_html: the report view model → one HTML document (templates from budget_author.templating).

Autoescape is on for every template, whatever its name, and for the profile's
sentence templates; undefined names fail (StrictUndefined). Workbook text is
never marked safe: it reaches the page only through escaping templates.

The web version embeds our own stylesheets (trusted, from styles/) in <style>
elements. CSS must not be HTML-escaped there (`"` → `&#34;` breaks every quoted
font name, `>` → `&gt;` every child selector), so render_html marks them safe
itself, through embedded_stylesheet, after checking that nothing in them could
end the <style> element; callers pass plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from budget_author import templating
from budget_author.compute.report import Report
from budget_author.compute.sentences import NarrativeBlock
from budget_author.paths import resource_dir
from budget_author.render.chart import Slice, structure_chart_svg

STYLESHEET = "print.css"
SCREEN_STYLESHEET = "screen.css"  # the web version only: reading width, links, no print-only furniture

_STYLE_END = re.compile(r"</style", re.IGNORECASE)


def environment() -> Environment:
    """The shared environment (no profile templates): kept for callers that only need the base."""
    return templating.environment(None)


@dataclass
class TocEntry:
    level: int
    title: str
    anchor: str


@dataclass
class ChartBlock:
    """A narrative block as the document template places it: the report's block, and its chart drawn."""

    anchor: str
    title: str
    level: int
    toc: bool
    paragraphs: list[Markup]
    chart: Markup | None
    places: tuple[str, ...]
    catalogue: list[tuple[str, ...]] | None


def narrative_blocks(report: Report) -> list[NarrativeBlock]:
    """The report's narrative blocks (rendered in compute; kept here for the callers that ask render)."""
    return report.narrative


def _placed(report: Report, blocks: list[NarrativeBlock]) -> list[ChartBlock]:
    placed = []
    for block in blocks:
        chart = None
        if block.chart:
            chart = Markup(structure_chart_svg(
                [Slice(c.label, c.amount, c.share, c.fraction) for c in report.chart],
                title=report.profile.get("chart_title", ""),
            ))
        placed.append(ChartBlock(block.anchor, block.title, block.level, block.toc, block.paragraphs, chart,
                                 block.places, block.catalogue))
    return placed


def table_of_contents(report: Report, blocks: list[NarrativeBlock] | None = None) -> list[TocEntry]:
    """The 目录: each part, then its tables or its blocks (level 2, and level 3 when marked for it)."""
    toc: list[TocEntry] = []
    for part in report.parts:
        if part.kind == "tables":
            toc.append(TocEntry(1, part.title, f"{part.anchor}-title"))
            toc.extend(TocEntry(2, t.toc_title, t.anchor) for t in report.tables if not t.omit)
        else:
            toc.append(TocEntry(1, part.title, part.anchor))
            toc.extend(TocEntry(b.level, b.title, b.anchor) for b in part.blocks if b.toc)
    return toc


def embedded_stylesheet(css: str) -> Markup:
    """One of our own stylesheets, to be placed verbatim between <style> and </style>.

    The content of a <style> element is raw text in HTML: it ends at the first `</style`
    (any case) and nothing in it is unescaped, so it must be neither escaped nor able to
    close the element. Only the project's stylesheets come here, never workbook text.
    """
    if _STYLE_END.search(css):
        raise ValueError("stylesheet contains '</style', which would end the <style> element")
    return Markup(css)


def screen_css() -> str:
    """styles/screen.css, read on each call like print.css (a watch session sees edits)."""
    return (resource_dir("styles") / SCREEN_STYLESHEET).read_text(encoding="utf-8")


def render_html(report: Report, *, draft: bool = False, inline_css: str | None = None) -> str:
    """The whole document as HTML.

    Without inline_css: the PDF's source, linking print.css (served by render/pdf's fetcher).
    With inline_css (the text of print.css): the web version, a single file with that
    stylesheet and styles/screen.css embedded verbatim.
    """
    blocks = {part.key: _placed(report, part.blocks) for part in report.parts}
    styles = None
    if inline_css is not None:
        styles = [embedded_stylesheet(inline_css), embedded_stylesheet(screen_css())]
    own = report.profile.stylesheet
    context: dict[str, Any] = {
        "r": report,
        "toc": table_of_contents(report),
        "blocks": blocks,
        "profile_css": embedded_stylesheet(own.read_text(encoding="utf-8")) if own else None,
        "draft": draft,
        "stylesheet": STYLESHEET,
        "inline_styles": styles,
    }
    return templating.environment(report.profile.templates).get_template("document.html").render(**context)
