"""The validated model of one unit's budget for one year.

Money is Decimal in 元 (to the 分) everywhere. Every row keeps the sheet row it
came from (`row`), so that any later problem can name its cell through the
workbook layout (workbook/schema.py; the model does not import it).

Issue 14 grew the model once: fact rows carry `level`, `category`, `carry_kind`, `nature` and an
economic `period`; projects an economic split; `Budget.comparisons` holds last year's budget and
actuals in the same shape as this year's facts; typed blocks hold staffing, asset items,
procurement reservations, the unit-level performance form and key projects. Every new field has
a default under which a Shanxi workbook means exactly what it meant.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from budget_author import vocabulary as V

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
    dept_code: str = ""  # a standard that prints no 主管部门代码 makes it optional (workbook.toml [optional])
    dept_name: str
    unit_type: str
    staff_quota: int | None = None
    staff_actual: int | None = None
    code: str = ""  # 单位代码 (Ningxia prints it on 表二's unit row)
    short_name: str = ""  # the name the narrative uses where a standard shortens it
    closing_signature: str = ""  # 落款; "" = the unit's name
    closing_date: dt.date | None = None

    @property
    def is_admin(self) -> bool:
        """行政单位 or 参公事业单位: the units that have 机关运行经费."""
        return self.unit_type in V.ADMIN_UNIT_TYPES

    @property
    def nature(self) -> str:
        """The 支出性质 of an expenditure line that names none."""
        return V.default_nature(self.unit_type)


class IncomeFact(_Row):
    source: str
    period: str
    amount: Money
    note: str = ""
    level: str = V.LEVEL_OWN  # 本级 / 上级转移支付
    category: str = ""  # 收入类别 of a 财政专户管理资金 / 单位资金 line; "" = not categorised
    carry_kind: str = ""  # of a 上年结转 line: 结转 / 结余 / …; "" = 结转 (see effective_carry_kind)


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
    level: str = V.LEVEL_OWN
    carry_kind: str = ""  # "" = 结转 on a 上年结转 line
    nature: str = ""  # 支出性质; "" = from the unit type (Unit.nature)


def effective_carry_kind(period: str, carry_kind: str) -> str:
    """A line's carry-over kind: as typed, else 结转 for a 上年结转 line, else "" (not a carry-over)."""
    if period != V.PERIOD_CARRYOVER:
        return ""
    return carry_kind or V.CARRY_CARRYOVER


class BasicEconomicFact(_Row):
    code: str  # 5-digit 部门经济分类 款
    name: str = ""
    gov_code: str = ""
    cost_kind: str = ""  # as typed; the real one follows from the code
    source: str = V.SOURCES[0]
    amount: Money
    level: str = V.LEVEL_OWN
    period: str = V.PERIOD_CURRENT  # carry-over basic lines may carry economic codes too


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
    carryover: dict[str, Money] = Field(default_factory=dict)  # 财政拨款 and 非财政拨款 (专户, 单位资金) 结转
    published: bool = False
    level: str = V.LEVEL_OWN
    economic: dict[str, Money] = Field(default_factory=dict)  # 部门经济分类 class (3) or 款 (5) → 当年 amount
    function: str = ""  # the 功能科目 (项) the project's money is budgeted under, when the workbook says
    continued: str = ""  # 本年继续: "" (a project of this year), 待确认 (carried, not yet confirmed), 是 (否: dropped in parse)

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
        return V.INDICATOR_LEVELS[self.level2]


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
    rating: str = ""  # 综合评定等级 (the Ningxia form ticks it); "" = not printed


# ---------------------------------------------------------------- comparison datasets
class ComparisonExpenditure(_Row):
    """One leaf of last year's budget or actuals: 项 × source × kind × period × level."""

    code: str
    name: str = ""
    source: str
    kind: str
    period: str = V.PERIOD_CURRENT
    level: str = V.LEVEL_OWN
    amount: Money


class ComparisonIncome(_Row):
    source: str
    level: str = V.LEVEL_OWN
    period: str = V.PERIOD_CURRENT
    amount: Money


def income_key(source: str, level: str = V.LEVEL_OWN, period: str = V.PERIOD_CURRENT) -> str:
    """The key of an income line in Comparison.reasons: "source/level/period"."""
    return f"{source}/{level}/{period}"


class Comparison(BaseModel):
    """Last year's budget (上年预算) or actuals (上年执行数), shaped like this year's facts.

    Any part may be missing: a standard that only states totals fills `totals`
    (vocabulary.COMPARISON_TOTALS keys). `reasons` holds the typed reason of a change, keyed by a
    totals key, a 三公 item, "admin_running" or an income line's income_key().
    """

    model_config = ConfigDict(frozen=True)
    expenditure: tuple[ComparisonExpenditure, ...] = ()
    three_public: dict[str, Money] = Field(default_factory=dict)  # item → amount
    admin_running: Money | None = None
    income: tuple[ComparisonIncome, ...] = ()
    totals: dict[str, Money] = Field(default_factory=dict)
    reasons: dict[str, str] = Field(default_factory=dict)


# ---------------------------------------------------------------- typed blocks
class Staffing(BaseModel):
    model_config = ConfigDict(frozen=True)
    quota: int | None = None  # 编制数
    active: int | None = None  # 在职
    retired: int | None = None  # 退休
    veteran: int | None = None  # 离休
    quota_prior: int | None = None
    active_prior: int | None = None
    retired_prior: int | None = None
    veteran_prior: int | None = None

    @property
    def actual(self) -> int:
        """实有人数 = 在职 + 退休 + 离休."""
        return (self.active or 0) + (self.retired or 0) + (self.veteran or 0)

    @property
    def actual_prior(self) -> int | None:
        parts = (self.active_prior, self.retired_prior, self.veteran_prior)
        return None if all(p is None for p in parts) else sum(p or 0 for p in parts)


class AssetItem(_Row):
    asset_class: str  # vocabulary.ASSET_CLASSES
    kind: str = ""  # per profile, e.g. 一般公务用车
    area: Decimal | None = None  # m²
    count: int | None = None
    value: Money | None = None  # 元
    note: str = ""


class UnitIndicator(_Row):
    level1: str
    level2: str
    level3: str
    value: str
    basis: str = ""  # 指标设定依据
    weight: Decimal | None = None  # 分值权重


class UnitPerfForm(BaseModel):
    """The unit-level 整体绩效目标表; funds are typed as the form prints them (元)."""

    model_config = ConfigDict(frozen=True)
    contact: str = ""
    phone: str = ""
    funds_transfer: Money | None = None  # 财政资金 上级资金
    funds_own: Money | None = None  # 财政资金 本级资金
    funds_other: Money | None = None  # 其他资金
    goals: str = ""
    indicators: tuple[UnitIndicator, ...] = ()

    @property
    def funds_total(self) -> Money:
        parts = (self.funds_transfer, self.funds_own, self.funds_other)
        return sum((p for p in parts if p is not None), Decimal(0))


class KeyProject(_Row):
    project: str  # the reference as typed: 序号 or 项目编码
    heading: str = ""
    text: str


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
    # issue 14
    comparisons: dict[str, Comparison] = Field(default_factory=dict)  # 上年预算 / 上年执行数
    staffing: Staffing | None = None
    asset_items: tuple[AssetItem, ...] = ()
    procurement_reserved: dict[str, Money] = Field(default_factory=dict)  # sme_reserved / micro_reserved
    unit_perf_form: UnitPerfForm | None = None
    key_projects: tuple[KeyProject, ...] = ()

    def comparison(self, name: str) -> Comparison:
        """The comparison dataset `name` (上年预算 / 上年执行数); an empty one when the workbook has none."""
        return self.comparisons.get(name) or _EMPTY_COMPARISON

    def paragraphs_about(self, section: str, subject: str) -> list[str]:
        """The texts of a section that explain one subject (a code, a project 序号, an item)."""
        return [p.text for p in self.paragraphs if p.section == section and p.subject == subject]

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



_EMPTY_COMPARISON = Comparison()
