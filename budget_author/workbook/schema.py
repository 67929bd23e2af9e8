"""The input workbook's schema: one source of truth for `init` and for reading.

Every sheet, column, fixed row and dropdown list the clerk sees, in any
profile's workbook, is declared here (ALL_SHEETS, LIST_VALUES). A profile's
workbook.toml selects from them (`extra` marks what only a selection adds;
workbook/layout.py makes the Layout); the default profile's workbook is SHEETS
with LISTS. The template writer lays a Layout out; the reader reads exactly
the declared ranges (with explicit bounds) and nothing else.

Three groups of sheets are kept apart:
- 数据 (figures): leaf fact rows keyed by code, which a later import of the
  budget platform's exports may replace;
- 文字 (typed texts and reasons);
- 上年与其他 (prior-year figures, 资产, 采购, 绩效).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Mapping

from budget_author.profiles import DEFAULT

# The core's vocabularies live in budget_author/vocabulary.py; their names stay importable from here.
from budget_author.vocabulary import (  # noqa: F401
    ADMIN_UNIT_TYPES, ASSET_CLASSES, CARRY_KINDS, COMPARISONS, COST_KINDS, EXPENDITURE_KINDS, FISCAL_SOURCES,
    FORM_RATINGS, INCOME_CATEGORIES, INDICATOR_LEVELS, KIND_BASIC, KIND_PROJECT, LEVELS, NATURES, PERF_PERIODS,
    PERIOD_CARRYOVER, PERIOD_CURRENT, PERIODS, PROJECT_CATEGORIES, SOURCES, STAFF_KINDS, THREE_PUBLIC_ITEMS,
    UNIT_INDICATOR_LEVEL1, UNIT_TYPES,
)

# 2: optional additions (文档选项, 政府购买服务目录, 是否编报整体绩效目标, the forms' 负责人/经办人/联系电话);
# a version-1 workbook lacks them and still reads (they read as blank: today's output).
# Version 3 (issue 14) adds sheets, columns and rows that a profile's workbook.toml selects (`extra`);
# the default profile's workbook selects none, so its layout is version 2's and the number stays.
# 3 (issue 15): the 项目 sheet's last column 本年继续 (a project carried by `init --from` asks to be
# confirmed or dropped). A version-1 or -2 workbook has no such column and reads it as blank (a project
# of this year); an older program reading a version-3 workbook says WB_SCHEMA_NEWER instead of printing
# a project the clerk dropped.
SCHEMA_VERSION = 3
PROFILE = DEFAULT  # the default profile's name, as _meta records it (the registry's)

Kind = Literal["text", "code", "money", "int", "number", "choice", "date", "formula", "seq"]

GROUP_FIGURES = "数据"
GROUP_TEXTS = "文字"
GROUP_OTHER = "上年与其他"

# ---------------------------------------------------------------- enumerations
YES_NO = ("是", "否")
# 本年继续 of a project carried from last year's workbook (init --from): it starts at 待确认; the clerk
# chooses 是 (kept, this year's amounts typed) or 否 (left out of this year's document). Blank: a new project.
CONTINUE_PENDING = "待确认"
CONTINUE_CHOICES = (CONTINUE_PENDING, "是", "否")
# Earlier names (schema version 1) and common spellings, read as the type they mean.
CHOICE_ALIASES: dict[str, dict[str, str]] = {
    "单位类型": {
        "生产经营类事业单位": "经营类事业单位",
        "其他单位": "其他",
        "参照公务员法管理的事业单位": "参照公务员法管理事业单位",
        "参公单位": "参照公务员法管理事业单位",
        "参公事业单位": "参照公务员法管理事业单位",
        "全额事业单位": "事业单位",
    },
}
SHOW_HIDE = ("显示", "不显示")
PROJECT_WORDINGS = ("一、二级项目", "二级项目")
LIST_ORDERS = ("按科目编码", "按填写顺序")
BUDGET_LEVELS = ("省级", "市级", "县(区)级")
PARAGRAPH_SECTIONS = ("本单位职责", "机构设置", "政府购买服务", "其他说明")
# Every 栏目 a profile's workbook may offer: the default four, then texts keyed like the figures they
# explain (文本段落's 对象 column names the 功能科目, project 序号, income line or 三公 item).
PARAGRAPH_SECTIONS_ALL = PARAGRAPH_SECTIONS + (
    "单位构成",
    "收入变动原因",
    "支出变动原因",
    "类用途",
    "项变动原因",
    "项目政策依据",
    "项目资金分配",
    "项目执行时间",
    "结转结余项目用途",
    "三公变动原因",
    "机关运行经费变动原因",
    "绩效评价情况",
    "其他需说明的事项",
)
INCOME_FUNDS = ("政府性基金预算", "国有资本经营预算")
CUSTOM_SCHEMES = ("功能分类", "部门经济分类", "政府经济分类", "收入分类")
PROJECT_ATTRIBUTES = ("经常性项目（长期开展）", "一次性项目（1年结束）", "延续性项目")
PROJECT_ATTRIBUTES_ALL = PROJECT_ATTRIBUTES + ("一年期项目", "多年期项目")
# What a row of 上年其他 states (a comparison's income lines, per-item figures and totals).
PRIOR_ITEMS = (
    "收入",
    "收入总计",
    "支出总计",
    "基本支出",
    "项目支出",
    "一般公共预算当年支出",
    "“三公”经费合计",
    *THREE_PUBLIC_ITEMS,
    "机关运行经费",
)

LISTS: dict[str, tuple[str, ...]] = {
    "资金来源": SOURCES,
    "财政拨款来源": FISCAL_SOURCES,
    "预算类型": PERIODS,
    "支出类型": EXPENDITURE_KINDS,
    "经费类型": COST_KINDS,
    "三公项目": THREE_PUBLIC_ITEMS,
    "项目类别": PROJECT_CATEGORIES,
    "是否": YES_NO,
    "单位类型": UNIT_TYPES,
    "预算级次": BUDGET_LEVELS,
    "栏目": PARAGRAPH_SECTIONS,
    "收入预算类别": INCOME_FUNDS,
    "自定义分类": CUSTOM_SCHEMES,
    "绩效期间": PERF_PERIODS,
    "项目属性": PROJECT_ATTRIBUTES,
    "二级指标": tuple(INDICATOR_LEVELS),
    "显示与否": SHOW_HIDE,
    "项目说法": PROJECT_WORDINGS,
    "列举顺序": LIST_ORDERS,
    "本年继续": CONTINUE_CHOICES,
}
# Lists only a profile's extra columns use (written to a workbook only when one of its columns is).
EXTRA_LISTS: dict[str, tuple[str, ...]] = {
    "级次": LEVELS,
    "收入类别": INCOME_CATEGORIES,
    "结转类型": CARRY_KINDS,
    "支出性质": NATURES,
    "数据集": COMPARISONS,
    "上年项目": PRIOR_ITEMS,
    "资产类别": ASSET_CLASSES,
    "整体一级指标": UNIT_INDICATOR_LEVEL1,
    "综合评定等级": FORM_RATINGS,
}
# Every value a list may offer: a profile's workbook.toml offers a subset (validated against these).
LIST_VALUES: dict[str, tuple[str, ...]] = {
    **LISTS,
    **EXTRA_LISTS,
    "栏目": PARAGRAPH_SECTIONS_ALL,
    "项目属性": PROJECT_ATTRIBUTES_ALL,
}


# ---------------------------------------------------------------- specs
@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind = "text"
    required: bool = False
    choices: str | None = None  # a LISTS name
    strict_choices: bool = True  # False: the dropdown only suggests
    code_scheme: str | None = None  # for kind="code": which classification
    width: int = 14
    help: str = ""
    max_chars: int = 500
    optional: bool = False  # added after version 1: a workbook without its header reads it as blank
    extra: bool = False  # issue 14: only in the workbook of a profile whose workbook.toml selects it

    @property
    def is_input(self) -> bool:
        return self.kind not in ("formula", "seq")


@dataclass(frozen=True)
class FixedRow:
    key: str
    label: str
    kind: Kind = "money"
    required: bool = False
    choices: str | None = None
    needs_reason: bool = False
    help: str = ""
    max_chars: int = 500
    optional: bool = False  # added after version 1: a workbook without its label reads it as blank
    extra: bool = False  # issue 14: only in the workbook of a profile whose workbook.toml selects it


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    group: str
    intro: str
    columns: tuple[Column, ...]
    fixed_rows: tuple[FixedRow, ...] = ()
    max_rows: int = 500  # bound on data rows read
    total_row: bool = False  # row 2 holds 合计 formulas over money columns
    prefill_seq: int = 0  # rows of 序号 prefilled
    optional: bool = False  # added after version 1: a workbook without it reads it as empty
    extra: bool = False  # issue 14: only in the workbook of a profile whose workbook.toml selects it

    @property
    def is_fixed(self) -> bool:
        return bool(self.fixed_rows)

    @property
    def first_data_row(self) -> int:
        return 3 if self.total_row else 2

    @property
    def last_data_row(self) -> int:
        if self.is_fixed:
            return 1 + len(self.fixed_rows)
        return self.first_data_row + self.max_rows - 1

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    def letter(self, key: str) -> str:
        return column_letter(self.columns.index(self.column(key)) + 1)

    def cell(self, key: str, row: int) -> str:
        return f"{self.letter(key)}{row}"

    def fixed_row_number(self, key: str) -> int:
        for index, spec in enumerate(self.fixed_rows):
            if spec.key == key:
                return index + 2
        raise KeyError(key)

    def fixed_row(self, key: str) -> FixedRow:
        return self.fixed_rows[self.fixed_row_number(key) - 2]

    def input_column(self) -> Column:
        """The one column a fixed-row sheet's clerk types into."""
        (column,) = [c for c in self.columns if c.is_input]
        return column

    def fixed_kind(self, row: FixedRow) -> Kind:
        """A fixed row's value kind: the row's own, unless the column is plain text (reasons)."""
        column = self.input_column()
        return row.kind if column.key in ("value", "amount") else column.kind


def column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _money(key: str, header: str, **kw) -> Column:
    return Column(key, header, "money", width=16, **kw)


# ---------------------------------------------------------------- fixed-row sheets' rows
PRIOR_ROWS = (
    FixedRow("income_total", "收入总计", needs_reason=True),
    FixedRow("expenditure_total", "支出总计", needs_reason=True),
    FixedRow("gpb_current_expenditure", "一般公共预算当年支出"),
    FixedRow("three_public_total", "“三公”经费合计", needs_reason=True),
    FixedRow("abroad", "因公出国（境）费", needs_reason=True),
    FixedRow("reception", "公务接待费", needs_reason=True),
    FixedRow("vehicle_purchase", "公务用车购置费", needs_reason=True),
    FixedRow("vehicle_running", "公务用车运行维护费", needs_reason=True),
    FixedRow("admin_running", "机关运行经费", needs_reason=True),
)
REASON_ROWS = tuple(row for row in PRIOR_ROWS if row.needs_reason)
THREE_PUBLIC_KEYS = dict(zip(("abroad", "reception", "vehicle_purchase", "vehicle_running"), THREE_PUBLIC_ITEMS))

UNIT_ROWS = (
    FixedRow("name", "单位名称", "text", required=True),
    FixedRow("year", "预算年度", "int", required=True, help="四位年份，如 2025"),
    FixedRow("region", "地区名称", "text", required=True, help="如：大同市、汾阳市，用于绩效目标表标题"),
    FixedRow("level", "预算级次", "choice", required=True, choices="预算级次"),
    FixedRow("dept_code", "主管部门代码", "text", required=True),
    FixedRow("dept_name", "主管部门名称", "text", required=True),
    FixedRow("unit_type", "单位类型", "choice", required=True, choices="单位类型",
             help="决定是否有机关运行经费、政府经济分类对照（机关或事业单位）和有关说法"),
    FixedRow("staff_quota", "编制人数", "int"),
    FixedRow("staff_actual", "实有人数", "int"),
    # issue 14 (extra): selected by a profile's workbook.toml
    FixedRow("code", "单位代码", "text", max_chars=40, extra=True, help="如 310004；有的标准印在支出表的单位行"),
    FixedRow("short_name", "单位简称", "text", max_chars=60, extra=True, help="说明中使用的简称，如“市社会保险事业管理中心”"),
    FixedRow("closing_signature", "落款单位", "text", max_chars=60, extra=True, help="不填为单位名称"),
    FixedRow("closing_date", "落款日期", "date", extra=True, help="如 2024-02-05"),
)

PROCUREMENT_ROWS = (
    FixedRow("goods", "政府采购货物预算"),
    FixedRow("works", "政府采购工程预算"),
    FixedRow("services", "政府采购服务预算"),
    FixedRow("sme_reserved", "面向中小企业预留金额", extra=True),
    FixedRow("micro_reserved", "其中：面向小微企业预留金额", extra=True),
)

STAFFING_ROWS = (
    FixedRow("quota", "编制数（人）", "int", help="空白视为 0"),
    FixedRow("active", "在职人数", "int", help="空白视为 0"),
    FixedRow("retired", "退休人数", "int", help="空白视为 0"),
    FixedRow("veteran", "离休人数", "int", help="空白视为 0"),
    FixedRow("quota_prior", "上年编制数（人）", "int", help="不填则不比较"),
    FixedRow("active_prior", "上年在职人数", "int", help="不填则不比较"),
    FixedRow("retired_prior", "上年退休人数", "int", help="不填则不比较"),
    FixedRow("veteran_prior", "上年离休人数", "int", help="不填则不比较"),
)

UNIT_PERF_ROWS = (
    FixedRow("contact", "单位联系人", "text", max_chars=40),
    FixedRow("phone", "联系电话", "text", max_chars=40),
    FixedRow("funds_transfer", "财政资金-上级资金（元）", help="按绩效目标表印出的数填写"),
    FixedRow("funds_own", "财政资金-本级资金（元）", help="按绩效目标表印出的数填写"),
    FixedRow("funds_other", "其他资金（元）"),
    FixedRow("goals", "年度绩效目标", "text", max_chars=2000, help="每条目标一行（单元格内换行）"),
)

VEHICLE_KINDS = (
    ("leader", "领导用车"),
    ("confidential", "机要通信用车"),
    ("emergency", "应急保障用车"),
    ("law_enforcement", "执法执勤用车"),
    ("special", "特种专业技术用车"),
    ("institution_business", "事业单位业务用车"),
    ("other", "其他公务用车"),
)
ASSET_ROWS = (
    FixedRow("as_of", "统计截止日期", "date", required=True, help="如 2024-12-31"),
    FixedRow("vehicle_quota", "公务用车编制数（辆）", "int", help="没有填 0；空白视为 0"),
    *(FixedRow(f"vehicles_{key}", f"实有{label}（辆）", "int", help="空白视为 0") for key, label in VEHICLE_KINDS),
    FixedRow("floor_area", "办公用房建筑面积（平方米）", "number", required=True),
    FixedRow("equipment_50", "单价50万元以上通用设备（台套）", "int", help="空白视为 0"),
    FixedRow("equipment_100", "单价100万元以上通用设备（台套）", "int", help="空白视为 0"),
)

OVERALL_PERF_ROWS = (
    FixedRow("count", "整体绩效目标个数", "int", help="不公开个数的可不填"),
    FixedRow("amount", "整体绩效目标涉及资金（元）", help="编报了整体绩效目标时必填（元）"),
    FixedRow("compiled", "是否编报整体绩效目标", "choice", choices="是否", optional=True,
             help="没有编报的选“否”，公开文件写“未编报……涉及资金0万元”；不填时按涉及资金判断"),
)

# 文档选项: each optional; blank means today's document.
OPTION_ROWS = (
    FixedRow("cover", "封面", "choice", choices="显示与否", help="不填为“显示”"),
    FixedRow("toc", "目录", "choice", choices="显示与否", help="不填为“显示”"),
    FixedRow("chart", "一般公共预算当年拨款结构图", "choice", choices="显示与否", help="不填为“显示”"),
    FixedRow("title", "页眉中的文件标题（可不填）", "text", max_chars=40,
             help="不填为“XXXX年度单位预算公开”；页眉为“单位名称　文件标题”"),
    FixedRow("project_wording", "绩效管理中项目的说法", "choice", choices="项目说法",
             help="不填为“一、二级项目”"),
    FixedRow("list_order", "基本支出“主要包括”的列举顺序", "choice", choices="列举顺序",
             help="人员经费、公用经费的科目名称；不填为“按科目编码”，“按填写顺序”按“基本支出经济分类”表的行序"),
    FixedRow("signer", "绩效目标表负责人（可不填）", "text", max_chars=40,
             help="印在每张绩效目标表下方；“绩效目标表”中单独填写的优先"),
    FixedRow("handler", "绩效目标表经办人（可不填）", "text", max_chars=40),
    FixedRow("phone", "绩效目标表联系电话（可不填）", "text", max_chars=40),
)

ADMIN_RUNNING_ROWS = tuple(
    FixedRow(key, label) for key, label in zip(("gpb", "gf", "soe"), FISCAL_SOURCES)
)

SOURCE_KEYS = dict(zip(("gpb", "gf", "soe", "special", "unit"), SOURCES))

# ---------------------------------------------------------------- the sheets
_PROJECT_REF = Column(
    "project", "项目（序号或编码）", "text", required=True, width=14,
    help="填写“项目”表中的序号或项目编码",
)

# Every sheet any profile's workbook may have (the superset); SHEETS (below) is the default workbook's.
ALL_SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "unit", "单位信息", GROUP_TEXTS,
        "单位基本信息。带 * 的为必填项。",
        (Column("label", "项目", "seq", width=30), Column("value", "内容", "text", width=44)),
        fixed_rows=UNIT_ROWS,
    ),
    # ---- 数据
    Sheet(
        "income", "收入", GROUP_FIGURES,
        "收入预算，每个资金来源一行；金额以元为单位，精确到分。",
        (
            Column("source", "资金来源", "choice", required=True, choices="资金来源", width=20),
            Column("period", "预算类型", "choice", required=True, choices="预算类型"),
            _money("amount", "金额（元）", required=True),
            Column("note", "备注", "text", width=30),
            Column("level", "级次（可不填）", "choice", choices="级次", extra=True, help="财政拨款的本级或上级转移支付；不填为本级"),
            Column("category", "收入类别（可不填）", "choice", choices="收入类别", width=22, extra=True,
                   help="财政专户管理资金、单位资金的收入类别"),
            Column("carry_kind", "结转结余类型（可不填）", "choice", choices="结转类型", extra=True,
                   help="上年结转的行：结转或结余；不填为结转"),
        ),
        max_rows=50, total_row=True,
    ),
    Sheet(
        "expenditure", "支出", GROUP_FIGURES,
        "支出预算明细：每行一个事实——功能科目（项级，7位）× 资金来源 × 基本/项目 × 当年/结转。"
        "类、款合计由系统汇总，请勿填写。",
        (
            Column("code", "功能科目编码", "code", required=True, code_scheme="功能分类", width=14),
            Column("name", "科目名称（可不填）", "text", width=30),
            Column("source", "资金来源", "choice", required=True, choices="资金来源", width=18),
            Column("kind", "支出类型", "choice", required=True, choices="支出类型"),
            Column("period", "预算类型", "choice", required=True, choices="预算类型"),
            _money("amount", "金额（元）", required=True),
            Column("official", "规范名称（自动）", "formula", width=30),
            Column("level", "级次（可不填）", "choice", choices="级次", extra=True, help="不填为本级"),
            Column("carry_kind", "结转结余类型（可不填）", "choice", choices="结转类型", extra=True,
                   help="上年结转的行：结转或结余；不填为结转"),
            Column("nature", "支出性质（可不填）", "choice", choices="支出性质", extra=True,
                   help="不填时按单位类型：行政单位为行政支出，其他为事业支出"),
        ),
        max_rows=1000, total_row=True,
    ),
    Sheet(
        "basic_economic", "基本支出经济分类", GROUP_FIGURES,
        "一般公共预算当年基本支出按部门经济分类（款级，5位）填列；人员经费/公用经费由编码确定。",
        (
            Column("code", "部门经济科目编码", "code", required=True, code_scheme="部门经济分类"),
            Column("name", "科目名称（可不填）", "text", width=26),
            Column("gov_code", "政府经济科目编码（可不填）", "code", code_scheme="政府经济分类", width=16,
                   help="不填则按部门经济科目和单位类型由对照表推定，推定不出时检查会提示"),
            Column("cost_kind", "经费类型（可不填）", "choice", choices="经费类型"),
            Column("source", "资金来源（可不填）", "choice", choices="资金来源", width=18,
                   help="不填视为一般公共预算"),
            _money("amount", "金额（元）", required=True),
            Column("official", "规范名称（自动）", "formula", width=26),
            Column("level", "级次（可不填）", "choice", choices="级次", extra=True, help="不填为本级"),
            Column("period", "预算类型（可不填）", "choice", choices="预算类型", extra=True,
                   help="上年结转的基本支出也按经济科目填列；不填为当年预算"),
        ),
        max_rows=300, total_row=True,
    ),
    Sheet(
        "three_public", "三公经费", GROUP_FIGURES,
        "财政拨款安排的“三公”经费，含项目支出中安排的部分。",
        (
            Column("item", "项目", "choice", required=True, choices="三公项目", width=22),
            Column("source", "资金来源", "choice", required=True, choices="财政拨款来源", width=18),
            Column("kind", "支出类型", "choice", required=True, choices="支出类型"),
            _money("amount", "金额（元）", required=True),
        ),
        max_rows=100, total_row=True,
    ),
    Sheet(
        "admin_running", "机关运行经费", GROUP_FIGURES,
        "行政单位和参照公务员法管理的事业单位填列；其他单位留空。",
        (Column("label", "资金来源", "seq", width=22), _money("amount", "金额（元）")),
        fixed_rows=ADMIN_RUNNING_ROWS,
    ),
    Sheet(
        "projects", "项目", GROUP_FIGURES,
        "项目支出，每个项目一行。项目名称可以重复；序号用于在绩效目标表中引用项目。",
        (
            Column("seq", "序号", "seq", width=6),
            Column("code", "项目编码（可不填）", "text", width=18),
            Column("name", "项目名称", "text", required=True, width=34),
            Column("category", "项目类别", "choice", required=True, choices="项目类别"),
            _money("cur_gpb", "当年-一般公共预算（元）"),
            _money("cur_gf", "当年-政府性基金预算（元）"),
            _money("cur_soe", "当年-国有资本经营预算（元）"),
            _money("cur_special", "当年-财政专户管理资金（元）"),
            _money("cur_unit", "当年-单位资金（元）"),
            _money("co_gpb", "结转-一般公共预算（元）"),
            _money("co_gf", "结转-政府性基金预算（元）"),
            _money("co_soe", "结转-国有资本经营预算（元）"),
            Column("cur_total", "当年合计（元，自动）", "formula", width=16),
            Column("co_total", "结转合计（元，自动）", "formula", width=16),
            Column("published", "公开绩效目标表", "choice", choices="是否", width=10),
            Column("level", "级次（可不填）", "choice", choices="级次", extra=True, help="不填为本级"),
            _money("co_special", "结转-财政专户管理资金（元）", extra=True),
            _money("co_unit", "结转-单位资金（元）", extra=True),
            Column("function", "功能科目编码（可不填）", "code", code_scheme="功能分类", width=14, extra=True,
                   help="项目支出所在的功能科目（项级，7位）；按科目列出项目的表用它"),
            # Version 3: the last column of the 项目 sheet in every profile's workbook (after the extras).
            Column("continued", "本年继续", "choice", choices="本年继续", width=10, optional=True,
                   help="从上年填报表带来的项目为“待确认”：本年继续的选“是”并填写本年金额，不再继续的选“否”"
                        "（不列入本年的公开文件）。本年新增的项目不填"),
        ),
        max_rows=300, total_row=True, prefill_seq=100,
    ),
    Sheet(
        "project_economic", "项目经济分类", GROUP_FIGURES,
        "项目支出按部门经济分类（类级3位或款级5位）的金额；每个项目的各行之和应等于项目的当年金额。",
        (
            _PROJECT_REF,
            Column("project_name", "项目名称（自动）", "formula", width=28),
            Column("code", "部门经济科目编码", "code", required=True, code_scheme="部门经济分类"),
            _money("amount", "金额（元）", required=True),
        ),
        max_rows=1000, total_row=True, extra=True,
    ),
    Sheet(
        "income_items", "收入科目", GROUP_FIGURES,
        "政府性基金预算收入、国有资本经营预算收入按收入分类科目填列；没有则留空。",
        (
            Column("fund", "预算类别", "choice", required=True, choices="收入预算类别", width=18),
            Column("code", "收入科目编码", "code", required=True, code_scheme="收入分类"),
            Column("name", "科目名称", "text", required=True, width=30),
            _money("amount", "金额（元）", required=True),
        ),
        max_rows=100, total_row=True,
    ),
    # ---- 文字
    Sheet(
        "paragraphs", "文本段落", GROUP_TEXTS,
        "概况和其他说明的文字，每段一行，按顺序排列。",
        (
            Column("section", "栏目", "choice", required=True, choices="栏目", width=14),
            Column("text", "内容", "text", required=True, width=100, max_chars=2000),
            Column("subject", "对象（可不填）", "text", width=16, max_chars=60, extra=True,
                   help="这段文字说明的对象：功能科目编码、项目序号、收入行或三公项目"),
        ),
        max_rows=300,
    ),
    Sheet(
        "key_projects", "重点项目", GROUP_TEXTS,
        "预算绩效情况中说明的重点项目，每个一行；项目资金总额由系统按项目计算。",
        (
            _PROJECT_REF,
            Column("project_name", "项目名称（自动）", "formula", width=28),
            Column("heading", "标题（可不填）", "text", width=30, max_chars=200, help="不填为项目名称"),
            Column("text", "说明", "text", required=True, width=80, max_chars=2000),
        ),
        max_rows=100, extra=True,
    ),    Sheet(
        "reasons", "变动原因", GROUP_TEXTS,
        "与上年相比有增减的项目，“需要说明”一栏显示“需要说明”时，请填写原因。",
        (
            Column("label", "项目", "seq", width=22),
            Column("current", "本年数（元，自动）", "formula", width=16),
            Column("prior", "上年数（元，自动）", "formula", width=16),
            Column("change", "增减额（元，自动）", "formula", width=16),
            Column("flag", "需要说明（自动）", "formula", width=12),
            Column("reason", "原因说明", "text", width=80, max_chars=1000),
        ),
        fixed_rows=REASON_ROWS,
    ),
    Sheet(
        "glossary", "名词解释补充", GROUP_TEXTS,
        "标准名词解释之外，本单位需要补充的名词。",
        (Column("term", "名词", "text", required=True, width=20), Column("text", "解释", "text", required=True, width=90, max_chars=1000)),
        max_rows=50,
    ),
    Sheet(
        "custom_codes", "自定义科目", GROUP_TEXTS,
        "内置科目表未收录的科目，可在此补充编码和名称。",
        (
            Column("scheme", "分类", "choice", required=True, choices="自定义分类", width=14),
            Column("code", "编码", "text", required=True),
            Column("name", "名称", "text", required=True, width=30),
            Column("gov_code", "对应政府经济科目编码（部门经济分类用）", "text", width=20),
        ),
        max_rows=200,
    ),
    # ---- 上年与其他
    Sheet(
        "prior", "上年数", GROUP_OTHER,
        "上年预算数，用于计算增减变化；金额以元为单位，没有填0。",
        (Column("label", "项目", "seq", width=22), _money("amount", "上年预算数（元）")),
        fixed_rows=PRIOR_ROWS,
    ),
    Sheet(
        "prior_expenditure", "上年支出", GROUP_OTHER,
        "上年预算数或上年执行数（决算数）的支出明细，每行一个事实——数据集 × 功能科目（项级）× 资金来源 × "
        "基本/项目；金额以元为单位，精确到分（执行数也按元填写）。",
        (
            Column("dataset", "数据集", "choice", required=True, choices="数据集", width=12),
            Column("code", "功能科目编码", "code", required=True, code_scheme="功能分类", width=14),
            Column("name", "科目名称（可不填）", "text", width=30),
            Column("source", "资金来源", "choice", required=True, choices="资金来源", width=18),
            Column("kind", "支出类型", "choice", required=True, choices="支出类型"),
            Column("period", "预算类型（可不填）", "choice", choices="预算类型", help="不填为当年预算"),
            Column("level", "级次（可不填）", "choice", choices="级次", help="不填为本级"),
            _money("amount", "金额（元）", required=True),
        ),
        max_rows=1000, total_row=True, extra=True,
    ),
    Sheet(
        "prior_other", "上年其他", GROUP_OTHER,
        "上年预算数或上年执行数中只知道合计的数：收入各行、“三公”经费各项、机关运行经费和各项总计；"
        "金额以元为单位。需要说明变动原因的，填在“原因说明”中。",
        (
            Column("dataset", "数据集", "choice", required=True, choices="数据集", width=12),
            Column("item", "项目", "choice", required=True, choices="上年项目", width=22),
            Column("source", "资金来源（收入行填写）", "choice", choices="资金来源", width=18),
            Column("level", "级次（可不填）", "choice", choices="级次", help="不填为本级"),
            Column("period", "预算类型（可不填）", "choice", choices="预算类型", help="不填为当年预算"),
            _money("amount", "金额（元）", required=True),
            Column("reason", "原因说明（可不填）", "text", width=60, max_chars=1000),
        ),
        max_rows=100, extra=True,
    ),
    Sheet(
        "procurement", "政府采购", GROUP_OTHER,
        "政府采购预算；金额以元为单位，没有填0。",
        (Column("label", "项目", "seq", width=22), _money("amount", "金额（元）")),
        fixed_rows=PROCUREMENT_ROWS,
    ),
    Sheet(
        "assets", "国有资产", GROUP_OTHER,
        "国有资产占有使用情况。",
        (Column("label", "项目", "seq", width=34), Column("value", "内容", "text", width=20)),
        fixed_rows=ASSET_ROWS,
    ),
    Sheet(
        "staffing", "人员情况", GROUP_OTHER,
        "编制数和实有人数（在职、退休、离休），本年和上年。",
        (Column("label", "项目", "seq", width=22), Column("value", "人数", "int", width=12)),
        fixed_rows=STAFFING_ROWS, extra=True,
    ),
    Sheet(
        "asset_items", "资产明细", GROUP_OTHER,
        "占有使用的国有资产，每类（或每个种类）一行：面积、数量和价值（元）；预算年度安排购置的填“当年购置”。",
        (
            Column("asset_class", "资产类别", "choice", required=True, choices="资产类别", width=12),
            Column("kind", "种类（可不填）", "text", width=20, max_chars=60, help="如 一般公务用车、执法执勤用车"),
            Column("area", "面积（平方米）", "number", width=14),
            Column("count", "数量", "int", width=10),
            _money("value", "价值（元）"),
            Column("note", "备注", "text", width=30),
        ),
        max_rows=100, extra=True,
    ),
    Sheet(
        "overall_perf", "整体绩效", GROUP_OTHER,
        "部门（单位）整体绩效目标。",
        (Column("label", "项目", "seq", width=26), Column("value", "内容", "text", width=20)),
        fixed_rows=OVERALL_PERF_ROWS,
    ),
    Sheet(
        "unit_perf_form", "整体绩效目标表", GROUP_OTHER,
        "单位整体绩效目标表：联系人、资金和年度目标；指标填在“整体绩效指标”中。",
        (Column("label", "项目", "seq", width=26), Column("value", "内容", "text", width=40, max_chars=2000)),
        fixed_rows=UNIT_PERF_ROWS, extra=True,
    ),
    Sheet(
        "unit_perf_indicators", "整体绩效指标", GROUP_OTHER,
        "单位整体绩效目标表的指标，每个指标一行，按印出的顺序。",
        (
            Column("level1", "一级指标", "choice", required=True, choices="整体一级指标", strict_choices=False, width=12),
            Column("level2", "二级指标", "choice", required=True, choices="二级指标", strict_choices=False, width=16),
            Column("level3", "三级指标", "text", required=True, width=30),
            Column("value", "指标值", "text", required=True, width=16),
            Column("basis", "指标设定依据", "text", width=30),
            Column("weight", "分值权重", "number", width=10),
        ),
        max_rows=200, extra=True,
    ),
    Sheet(
        "perf_forms", "绩效目标表", GROUP_OTHER,
        "每个公开绩效目标的项目一行；资金以元为单位。",
        (
            _PROJECT_REF,
            Column("project_name", "项目名称（自动）", "formula", width=28),
            Column("dept", "主管部门及代码（可不填）", "text", width=30),
            Column("attribute", "项目属性", "choice", required=True, choices="项目属性", strict_choices=False, width=22),
            Column("term", "项目期", "text", width=8),
            _money("impl_central", "实施期-中央财政资金（元）"),
            _money("impl_provincial", "实施期-省级财政资金（元）"),
            _money("impl_local", "实施期-市县(区)财政资金（元）"),
            _money("impl_self", "实施期-单位自筹（元）"),
            _money("impl_other", "实施期-其他资金（元）"),
            _money("year_central", "年度-中央财政资金（元）"),
            _money("year_provincial", "年度-省级财政资金（元）"),
            _money("year_local", "年度-市县(区)财政资金（元）"),
            _money("year_self", "年度-单位自筹（元）"),
            _money("year_other", "年度-其他资金（元）"),
            Column("impl_total", "实施期资金总额（元，自动）", "formula", width=16),
            Column("year_total", "年度资金总额（元，自动）", "formula", width=16),
            Column("overview", "项目概况", "text", required=True, width=40, max_chars=1000),
            Column("basis", "立项依据", "text", required=True, width=30, max_chars=1000),
            Column("necessity", "项目设立必要性", "text", required=True, width=30, max_chars=1000),
            Column("measures", "保证项目实施的制度、措施", "text", required=True, width=30, max_chars=1000),
            Column("plan", "项目实施计划", "text", required=True, width=30, max_chars=1000),
            Column("goal_impl", "实施期总体目标", "text", required=True, width=30, max_chars=1000),
            Column("goal_year", "年度总体目标", "text", required=True, width=30, max_chars=1000),
            Column("filled_at", "填报日期（可不填）", "text", width=16),
            Column("signer", "负责人（可不填）", "text", width=12, max_chars=40, optional=True),
            Column("handler", "经办人（可不填）", "text", width=12, max_chars=40, optional=True),
            Column("phone", "联系电话（可不填）", "text", width=16, max_chars=40, optional=True),
            Column("rating", "综合评定等级（可不填）", "choice", choices="综合评定等级", width=16, extra=True),
        ),
        max_rows=300,
    ),
    Sheet(
        "perf_indicators", "绩效指标", GROUP_OTHER,
        "绩效目标表的指标，每个指标一行；实施期和年度分别填写。一级指标由二级指标确定。",
        (
            _PROJECT_REF,
            Column("period", "期间", "choice", required=True, choices="绩效期间", width=8),
            Column("level1", "一级指标（自动）", "formula", width=12),
            Column("level2", "二级指标", "choice", required=True, choices="二级指标", width=18),
            Column("level3", "三级指标", "text", required=True, width=30),
            Column("value", "指标值", "text", required=True, width=20),
        ),
        max_rows=3000,
    ),
    # ---- added in version 2 (optional: older workbooks read them as empty)
    Sheet(
        "options", "文档选项", GROUP_TEXTS,
        "公开文件的可选内容和说法，每项都可不填；不填时按标准格式生成。",
        (Column("label", "项目", "seq", width=34), Column("value", "内容", "text", width=30)),
        fixed_rows=OPTION_ROWS, optional=True,
    ),
    Sheet(
        "purchase_catalogue", "政府购买服务目录", GROUP_TEXTS,
        "十二（一）政府购买服务指导性目录中要列出的目录条目（摘录），每行一条；印成表格，放在“文本段落”的政府购买服务文字之后。",
        (
            Column("code", "代码", "text", width=12),
            Column("level1", "一级目录", "text", width=20, max_chars=200),
            Column("level2", "二级目录", "text", width=20, max_chars=200),
            Column("level3", "三级目录", "text", width=24, max_chars=200),
            Column("level4", "四级目录", "text", width=30, max_chars=200),
        ),
        max_rows=200, optional=True,
    ),
)

ALL_SHEETS_BY_KEY = {sheet.key: sheet for sheet in ALL_SHEETS}
INSTRUCTIONS_TITLE = "填表说明"
LISTS_TITLE = "_lists"
META_TITLE = "_meta"
META_KEYS = ("schema_version", "profile", "year", "generator")


def sheet(key: str) -> Sheet:
    """A sheet as the default workbook has it (an extra sheet: as any profile's workbook has it).
    Its base columns and rows sit where they sit in every profile's workbook; for an extra column
    or row, ask the workbook's Layout (ParseResult.layout)."""
    return SHEETS_BY_KEY.get(key) or ALL_SHEETS_BY_KEY[key]


# Hard bounds used by the reader; the schema never asks for more.
MAX_COLUMNS = max(len(s.columns) for s in ALL_SHEETS)



# ---------------------------------------------------------------- a profile's workbook
@dataclass(frozen=True)
class Layout:
    """The sheets, columns, rows and lists of one profile's workbook: a selection from ALL_SHEETS.

    The default profile's layout is the version-2 workbook (no extra sheet, column or row). A
    profile's workbook.toml adds extras, omits base sheets it does not use, changes which columns
    are required and offers subsets of the lists (budget_author/workbook/layout.py builds it).
    Extra columns and rows come after the base ones, so a base column has the same letter in
    every profile's workbook — except the 项目 sheet's 本年继续 (version 3), which is the last column
    of every layout (ask the layout for its letter).
    """

    profile: str
    sheets: tuple[Sheet, ...]
    lists: Mapping[str, tuple[str, ...]]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {spec.key: spec for spec in self.sheets})

    def sheet(self, key: str) -> Sheet:
        return self._by_key[key]  # type: ignore[attr-defined]

    def has(self, key: str) -> bool:
        return key in self._by_key  # type: ignore[attr-defined]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(spec.key for spec in self.sheets)


def _base(spec: Sheet) -> Sheet:
    from dataclasses import replace

    return replace(spec, columns=tuple(c for c in spec.columns if not c.extra),
                   fixed_rows=tuple(r for r in spec.fixed_rows if not r.extra))


DEFAULT_LAYOUT = Layout(PROFILE, tuple(_base(spec) for spec in ALL_SHEETS if not spec.extra), LISTS)
SHEETS: tuple[Sheet, ...] = DEFAULT_LAYOUT.sheets  # the default (version-2) workbook's sheets
SHEETS_BY_KEY = {sheet.key: sheet for sheet in SHEETS}
