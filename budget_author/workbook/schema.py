"""The input workbook's schema: one source of truth for `init` and for reading.

Every sheet, column, fixed row and dropdown list the clerk sees is declared
here. The template writer lays them out; the reader reads exactly these ranges
(with explicit bounds) and nothing else.

Three groups of sheets are kept apart:
- 数据 (figures): leaf fact rows keyed by code, which a later import of the
  budget platform's exports may replace;
- 文字 (typed texts and reasons);
- 上年与其他 (prior-year figures, 资产, 采购, 绩效).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# 2: optional additions (文档选项, 政府购买服务目录, 是否编报整体绩效目标, the forms' 负责人/经办人/联系电话);
# a version-1 workbook lacks them and still reads (they read as blank: today's output).
SCHEMA_VERSION = 2
PROFILE = "shanxi"

Kind = Literal["text", "code", "money", "int", "number", "choice", "date", "formula", "seq"]

GROUP_FIGURES = "数据"
GROUP_TEXTS = "文字"
GROUP_OTHER = "上年与其他"

# ---------------------------------------------------------------- enumerations
SOURCES = ("一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金")
FISCAL_SOURCES = SOURCES[:3]  # 财政拨款
PERIOD_CURRENT = "当年预算"
PERIOD_CARRYOVER = "上年结转"
PERIODS = (PERIOD_CURRENT, PERIOD_CARRYOVER)
KIND_BASIC = "基本支出"
KIND_PROJECT = "项目支出"
EXPENDITURE_KINDS = (KIND_BASIC, KIND_PROJECT)
COST_KINDS = ("人员经费", "公用经费")
THREE_PUBLIC_ITEMS = ("因公出国（境）费", "公务接待费", "公务用车购置费", "公务用车运行维护费")
PROJECT_CATEGORIES = ("其他运转类", "特定目标类")
YES_NO = ("是", "否")
UNIT_TYPES = (
    "行政单位",
    "参照公务员法管理事业单位",
    "公益一类事业单位",
    "公益二类事业单位",
    "公益三类事业单位",
    "经营类事业单位",
    "事业单位",
    "其他",
)
ADMIN_UNIT_TYPES = UNIT_TYPES[:2]  # units that have 机关运行经费; their 政府经济分类 is the 机关 one (501/502)
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
INCOME_FUNDS = ("政府性基金预算", "国有资本经营预算")
CUSTOM_SCHEMES = ("功能分类", "部门经济分类", "政府经济分类", "收入分类")
PERF_PERIODS = ("实施期", "年度")
PROJECT_ATTRIBUTES = ("经常性项目（长期开展）", "一次性项目（1年结束）", "延续性项目")
# 二级指标 → 一级指标, in the order the form prints them.
INDICATOR_LEVELS = {
    "数量指标": "产出指标",
    "质量指标": "产出指标",
    "时效指标": "产出指标",
    "成本指标": "产出指标",
    "经济效益指标": "效益指标",
    "社会效益指标": "效益指标",
    "生态效益指标": "效益指标",
    "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标",
}

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
)

PROCUREMENT_ROWS = (
    FixedRow("goods", "政府采购货物预算"),
    FixedRow("works", "政府采购工程预算"),
    FixedRow("services", "政府采购服务预算"),
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

SHEETS: tuple[Sheet, ...] = (
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
        ),
        max_rows=300, total_row=True, prefill_seq=100,
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
        ),
        max_rows=300,
    ),
    Sheet(
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
        "overall_perf", "整体绩效", GROUP_OTHER,
        "部门（单位）整体绩效目标。",
        (Column("label", "项目", "seq", width=26), Column("value", "内容", "text", width=20)),
        fixed_rows=OVERALL_PERF_ROWS,
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

SHEETS_BY_KEY = {sheet.key: sheet for sheet in SHEETS}
INSTRUCTIONS_TITLE = "填表说明"
LISTS_TITLE = "_lists"
META_TITLE = "_meta"
META_KEYS = ("schema_version", "profile", "year", "generator")


def sheet(key: str) -> Sheet:
    return SHEETS_BY_KEY[key]


# Hard bounds used by the reader; the schema never asks for more.
MAX_COLUMNS = max(len(s.columns) for s in SHEETS)

