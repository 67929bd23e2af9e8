"""The report view model: plain data the templates place, never compute.

Every number the document shows is a Figure with a stable key; the manifest
(and the redline) are the figures by key.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from budget_author.display import NumberFormat


@dataclass(frozen=True)
class Figure:
    key: str
    value: Decimal | None  # exact: 元 for money, percent points for shares, a count
    text: str  # as the document shows it
    unit: str = ""  # "元", "%", "个", …
    group: str = ""  # where the document shows it: "表三2024年预算支出总表", "三、支出预算情况说明"
    subject: str = ""  # what it is about: "2080109 社会保险经办机构", "基本支出"
    measure: str = ""  # which of its figures: "基本支出", "占比", "增减额"; "" for the amount itself
    shown_unit: str = ""  # the unit the document writes money in (万元 / 元), when not the usual one


class Figures:
    """Collects every figure shown, by key. A key is registered once."""

    def __init__(self) -> None:
        self.by_key: dict[str, Figure] = {}

    def add(self, key: str, value: Decimal | None, text: str, unit: str = "", *, group: str = "",
            subject: str = "", measure: str = "", shown_unit: str = "") -> str:
        existing = self.by_key.get(key)
        if existing is not None and (existing.value, existing.text) != (value, text):
            raise ValueError(f"figure {key} registered twice with different values")
        self.by_key[key] = Figure(key, value, text, unit, group, subject, measure, shown_unit)
        return text

    def relabel(self, key: str, *, group: str, subject: str, measure: str) -> None:
        figure = self.by_key[key]
        self.by_key[key] = Figure(figure.key, figure.value, figure.text, figure.unit, group, subject, measure,
                                  figure.shown_unit)


@dataclass
class Cell:
    text: str = ""
    cls: str = ""
    colspan: int = 1
    rowspan: int = 1
    key: str | None = None
    # A figure cell: the value it shows (rounded, in the unit shown: 万元, 元 or percent points; None when
    # the text is not a number, e.g. a percentage over a zero base) and its format (the xlsx writer's).
    shown: Decimal | None = None
    fmt: NumberFormat | None = None


@dataclass
class TableView:
    number: int
    anchor: str
    label: str
    title: str
    toc_title: str
    unit_line: str
    measure: str
    header: list[list[Cell]]
    body: list[list[Cell]]
    widths: list[int]
    empty: bool
    empty_note: str
    landscape: bool = False
    omit: bool = False  # an empty table its spec leaves out (empty.omit)
