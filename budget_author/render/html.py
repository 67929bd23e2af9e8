"""render_html: the report view model → one HTML document. The one Jinja environment lives here.

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
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from budget_author.compute.report import Report
from budget_author.paths import resource_dir
from budget_author.render.chart import Slice, structure_chart_svg

STYLESHEET = "print.css"
SCREEN_STYLESHEET = "screen.css"  # the web version only: reading width, links, no print-only furniture

_STYLE_END = re.compile(r"</style", re.IGNORECASE)


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(resource_dir("templates"))),
        autoescape=True,  # every template, whatever its file name, and from_string templates
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


@dataclass
class TocEntry:
    level: int
    title: str
    anchor: str


@dataclass
class NarrativeBlock:
    anchor: str
    title: str
    level: int  # 2: section; 3: sub-heading
    toc: bool
    paragraphs: list[Markup]
    chart: Markup | None = None
    forms: bool = False
    catalogue: list[tuple[str, ...]] | None = None  # 政府购买服务指导性目录 rows typed by the unit


@lru_cache(maxsize=8)
def _macros(source: str) -> dict[str, Any]:
    """A profile's shared sentence macros, compiled once per process."""
    module = environment().from_string(source).make_module()
    return {name: value for name, value in vars(module).items() if not name.startswith("_")}


@lru_cache(maxsize=1024)
def _sentence(macros: str, template: str):
    """One sentence template, compiled once per process, with the profile's macros as its globals."""
    return environment().from_string(template, globals=_macros(macros))


def _sentence_renderer(report: Report):
    macros = report.profile["narrative"]["macros"]

    def render(template: str) -> Markup:
        # The template output is already escaped (autoescape on), so it is safe to place as is.
        return Markup(_sentence(macros, template).render(n=report.n).strip())

    return render


def narrative_blocks(report: Report) -> list[NarrativeBlock]:
    render = _sentence_renderer(report)
    blocks: list[NarrativeBlock] = []
    for index, section in enumerate(report.profile["narrative"]["sections"], start=1):
        anchor = f"narrative-{index}"
        paragraphs = [p for p in (render(t) for t in section.get("paragraphs", [])) if p]
        blocks.append(NarrativeBlock(anchor, section["title"], 2, True, paragraphs))
        for sub_index, sub in enumerate(section.get("subsections", []), start=1):
            catalogue = None
            if "texts" in sub:
                texts = report.texts.get(sub["texts"]) or []
                if sub.get("catalogue") and report.purchase_catalogue:  # the 政府购买服务目录 sheet's table
                    catalogue = report.purchase_catalogue
                paragraphs = [Markup.escape(t) for t in texts] or ([] if catalogue else [render(sub["default"])])
            else:
                paragraphs = [p for p in (render(t) for t in sub.get("paragraphs", [])) if p]
            chart = None
            if sub.get("chart") and report.show.get("chart", True):
                chart = Markup(structure_chart_svg(
                    [Slice(c.label, c.amount, c.share, c.fraction) for c in report.chart],
                    title=report.profile["chart_title"],
                ))
            blocks.append(NarrativeBlock(f"{anchor}-{sub_index}", sub["title"], 3, bool(sub.get("toc")),
                                         paragraphs, chart, catalogue=catalogue))
        if section.get("forms"):
            blocks[-1].forms = True
    return blocks


def table_of_contents(report: Report, blocks: list[NarrativeBlock]) -> list[TocEntry]:
    titles = report.part_titles
    toc = [
        TocEntry(1, titles["overview"], "part-overview"),
        TocEntry(2, report.profile["overview"]["duties"], "duties"),
        TocEntry(2, report.profile["overview"]["organisation"], "organisation"),
        TocEntry(1, titles["tables"], "part-tables-title"),
        *(TocEntry(2, t.toc_title, t.anchor) for t in report.tables if not t.omit),
        TocEntry(1, titles["narrative"], "part-narrative"),
        *(TocEntry(b.level, b.title, b.anchor) for b in blocks if b.toc),
        TocEntry(1, titles["glossary"], "part-glossary"),
    ]
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
    blocks = narrative_blocks(report)
    styles = None
    if inline_css is not None:
        styles = [embedded_stylesheet(inline_css), embedded_stylesheet(screen_css())]
    context: dict[str, Any] = {
        "r": report,
        "toc": table_of_contents(report, blocks),
        "blocks": blocks,
        "draft": draft,
        "stylesheet": STYLESHEET,
        "inline_styles": styles,
    }
    return environment().get_template("document.html").render(**context)
