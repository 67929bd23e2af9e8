"""The validated model of one unit's budget for one year.

Money is Decimal in 元 (to the 分) everywhere. Every row keeps the sheet row it
came from (`row`), so that any later problem can name its cell through the
schema (`Budget.cell`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from budget_author.workbook import schema as S

Money = Decimal


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    row: int = 0  # the sheet row it came from (0: not from a sheet)


class Unit(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str
    year: int
    region: str
    level: str
    dept_code: str
    dept_name: str
    unit_type: str
    staff_quota: int | None = None
    staff_actual: int | None = None

    @property
    def is_admin(self) -> bool:
        """行政单位 or 参公事业单位: the units that have 机关运行经费."""
        return self.unit_type in S.ADMIN_UNIT_TYPES


class IncomeFact(_Row):
    source: str
    period: str
    amount: Money
    note: str = ""


class IncomeItem(_Row):
    fund: str
    code: str
    name: str
    amount: Money


class ExpenditureFact(_Row):
    code: str  # 7-digit 功能分类 项
    name: str = ""  # as typed (checked against the official name)
    source: str
    kind: str  # 基本支出 / 项目支出
    period: str  # 当年预算 / 上年结转
    amount: Money


class BasicEconomicFact(_Row):
    code: str  # 5-digit 部门经济分类 款
    name: str = ""
    gov_code: str = ""
    cost_kind: str = ""  # as typed; the real one follows from the code
    source: str = S.SOURCES[0]
    amount: Money


class ThreePublicFact(_Row):
    item: str
    source: str
    kind: str
    amount: Money


class Project(_Row):
    seq: str = ""
    code: str = ""
    name: str
    category: str
    current: dict[str, Money] = Field(default_factory=dict)  # source → amount
    carryover: dict[str, Money] = Field(default_factory=dict)
    published: bool = False

    @property
    def current_total(self) -> Money:
        return sum(self.current.values(), Decimal(0))

    @property
    def carryover_total(self) -> Money:
        return sum(self.carryover.values(), Decimal(0))

    @property
    def label(self) -> str:
        return f"{self.name}（{self.code or '序号' + self.seq}）"


class Paragraph(_Row):
    section: str
    text: str
    subject: str = ""  # what it explains: a 功能科目 code, a project 序号, an income line or a 三公 item


class GlossaryEntry(_Row):
    term: str
    text: str


class CustomCode(_Row):
    scheme: str
    code: str
    name: str
    gov_code: str = ""


class Assets(BaseModel):
    model_config = ConfigDict(frozen=True)
    as_of: dt.date
    vehicle_quota: int
    vehicles: dict[str, int]  # kind label → count
    floor_area: Decimal
    equipment_50: int
    equipment_100: int

    @property
    def vehicles_actual(self) -> int:
        return sum(self.vehicles.values())


class OverallPerformance(BaseModel):
    model_config = ConfigDict(frozen=True)
    count: int | None = None
    amount: Money = Decimal(0)
    compiled: bool | None = None  # 是否编报整体绩效目标; None: not stated (judged by the amount)

    @property
    def is_compiled(self) -> bool:
        return self.compiled if self.compiled is not None else bool(self.amount or self.count)


class Options(BaseModel):
    """文档选项: each blank (None/"") means the standard document."""

    model_config = ConfigDict(frozen=True)
    cover: str = ""
    toc: str = ""
    chart: str = ""
    title: str = ""
    project_wording: str = ""
    list_order: str = ""
    signer: str = ""
    handler: str = ""
    phone: str = ""

    def shows(self, key: str) -> bool:
        return getattr(self, key) != "不显示"


class CatalogueRow(_Row):
    """One row of the 政府购买服务指导性目录 excerpt printed in 十二（一）."""

    code: str = ""
    level1: str = ""
    level2: str = ""
    level3: str = ""
    level4: str = ""


PerfPeriod = Literal["实施期", "年度"]


class PerfFunds(BaseModel):
    model_config = ConfigDict(frozen=True)
    central: Money | None = None
    provincial: Money | None = None
    local: Money | None = None
    self_raised: Money | None = None
    other: Money | None = None

    @property
    def total(self) -> Money:
        parts = (self.central, self.provincial, self.local, self.self_raised, self.other)
        return sum((p for p in parts if p is not None), Decimal(0))


class Indicator(_Row):
    project: str
    period: str
    level2: str
    level3: str
    value: str

    @property
    def level1(self) -> str:
        return S.INDICATOR_LEVELS[self.level2]


class PerfForm(_Row):
    project: str  # the reference as typed: 序号 or 项目编码
    dept: str = ""
    attribute: str
    term: str = ""
    impl: PerfFunds
    year: PerfFunds
    overview: str
    basis: str
    necessity: str
    measures: str
    plan: str
    goal_impl: str
    goal_year: str
    filled_at: str = ""
    signer: str = ""
    handler: str = ""
    phone: str = ""


class Budget(BaseModel):
    """Everything one unit's workbook says, parsed and typed."""

    model_config = ConfigDict(frozen=True)
    unit: Unit | None = None
    income: tuple[IncomeFact, ...] = ()
    income_items: tuple[IncomeItem, ...] = ()
    expenditure: tuple[ExpenditureFact, ...] = ()
    basic_economic: tuple[BasicEconomicFact, ...] = ()
    three_public: tuple[ThreePublicFact, ...] = ()
    admin_running: dict[str, Money] = Field(default_factory=dict)  # source → amount
    projects: tuple[Project, ...] = ()
    paragraphs: tuple[Paragraph, ...] = ()
    reasons: dict[str, str] = Field(default_factory=dict)  # PRIOR_ROWS key → text
    glossary: tuple[GlossaryEntry, ...] = ()
    custom_codes: tuple[CustomCode, ...] = ()
    prior: dict[str, Money | None] = Field(default_factory=dict)  # PRIOR_ROWS key → amount
    procurement: dict[str, Money] = Field(default_factory=dict)  # goods/works/services
    assets: Assets | None = None
    overall_performance: OverallPerformance | None = None
    perf_forms: tuple[PerfForm, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    options: Options = Field(default_factory=Options)
    purchase_catalogue: tuple[CatalogueRow, ...] = ()

    def paragraphs_of(self, section: str) -> list[str]:
        return [p.text for p in self.paragraphs if p.section == section]

    def find_project(self, ref: str) -> Project | None:
        """A project by 项目编码, else by 序号 (the first project with it, in sheet order)."""
        return self.project_index().find(ref)

    def indicators_of(self, project: Project) -> tuple[Indicator, ...]:
        """The indicators whose reference resolves to `project` (that very row), in sheet order."""
        return self.project_index().indicators_of(project)

    def project_index(self) -> ProjectIndex:
        """The projects by 项目编码 and 序号, built once per Budget and kept in the instance's __dict__.

        Not a field, so equality, serialization and the repr ignore it (as pydantic does for a
        cached_property). It remembers the tuples it was built from: a `model_copy(update=...)`
        with other projects or indicators builds its own.
        """
        index = self.__dict__.get(_INDEX_KEY)
        if index is None or index.projects is not self.projects or index.indicators is not self.indicators:
            index = ProjectIndex(self.projects, self.indicators)
            self.__dict__[_INDEX_KEY] = index
        return index


_INDEX_KEY = "_project_index"


class ProjectIndex:
    """Lookups that rules and compute do per 绩效目标表 and per indicator, in constant time.

    `find` keeps the semantics of the linear search it replaced: the first project whose
    (non-empty) 项目编码 equals the reference, else the first whose 序号 equals it, else None.
    Indicators are grouped by the project their reference resolves to on first use.
    """

    __slots__ = ("projects", "indicators", "_by_code", "_by_seq", "_indicators")

    def __init__(self, projects: tuple[Project, ...], indicators: tuple[Indicator, ...]):
        self.projects = projects
        self.indicators = indicators
        self._by_code: dict[str, Project] = {}
        self._by_seq: dict[str, Project] = {}
        for project in projects:
            if project.code:
                self._by_code.setdefault(project.code, project)
            self._by_seq.setdefault(project.seq, project)
        self._indicators: dict[int, tuple[Indicator, ...]] | None = None

    def find(self, ref: str) -> Project | None:
        project = self._by_code.get(ref)
        return project if project is not None else self._by_seq.get(ref)

    def indicators_of(self, project: Project) -> tuple[Indicator, ...]:
        if self._indicators is None:
            groups: dict[int, list[Indicator]] = {}
            for indicator in self.indicators:
                owner = self.find(indicator.project)
                if owner is not None:
                    groups.setdefault(id(owner), []).append(indicator)
            self._indicators = {key: tuple(rows) for key, rows in groups.items()}
        return self._indicators.get(id(project), ())


def fixed_cell(sheet_key: str, row_key: str) -> tuple[str, str]:
    """(sheet title, cell) of a fixed-row sheet's input cell for a row key."""
    spec = S.sheet(sheet_key)
    return spec.title, spec.cell(spec.input_column().key, spec.fixed_row_number(row_key))
