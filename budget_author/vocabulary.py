"""The core's vocabularies: the values the model's dimensions can take.

The model, the facts and the workbook schema all take their enumerations from here, so that a
profile can be checked against them (a profile's workbook.toml offers subsets of these lists; its
tables filter on these values). Labels a clerk reads are in Chinese; they are also the values.
"""

from __future__ import annotations

# ---------------------------------------------------------------- sources, periods, kinds
SOURCES = ("一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金")
FISCAL_SOURCES = SOURCES[:3]  # 财政拨款
NON_FISCAL_SOURCES = SOURCES[3:]  # 财政专户管理资金 and 单位资金
PERIOD_CURRENT = "当年预算"
PERIOD_CARRYOVER = "上年结转"
PERIODS = (PERIOD_CURRENT, PERIOD_CARRYOVER)
KIND_BASIC = "基本支出"
KIND_PROJECT = "项目支出"
EXPENDITURE_KINDS = (KIND_BASIC, KIND_PROJECT)
COST_KINDS = ("人员经费", "公用经费")

# ---------------------------------------------------------------- new dimensions (issue 14)
# 级次 of a fiscal line: the unit's own government's money, or a transfer from the level above.
LEVEL_OWN = "本级"
LEVEL_TRANSFER = "上级转移支付"
LEVELS = (LEVEL_OWN, LEVEL_TRANSFER)

# 收入类别 of a 财政专户管理资金 or 单位资金 line ("" = not categorised, as every Shanxi line).
INCOME_CATEGORIES = (
    "事业收入",
    "教育收费",
    "非同级财政拨款（科研及辅助活动）",
    "上级补助收入",
    "附属单位上缴收入",
    "事业单位经营收入",
    "债务收入",
    "非同级财政拨款（本级横向）",
    "非同级财政拨款（非本级）",
    "投资收益",
    "其他收入",
)

# Kind of a 上年结转 line. A budget's 年末结转结余 is always 0; these describe last year's remainder.
CARRY_CARRYOVER = "结转"
CARRY_KINDS = (CARRY_CARRYOVER, "结余", "专用结余", "经营结余")

# 支出性质 (预算会计 expenditure category). "" on a line = from the unit type (see default_nature).
NATURE_ADMIN = "行政支出"
NATURE_INSTITUTION = "事业支出"
NATURES = (
    NATURE_ADMIN,
    NATURE_INSTITUTION,
    "经营支出",
    "上缴上级支出",
    "对附属单位补助支出",
    "投资支出",
    "债务还本支出",
    "其他支出",
)

# ---------------------------------------------------------------- units
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


def default_nature(unit_type: str) -> str:
    """The 支出性质 of a line that names none: 行政单位 → 行政支出, every other unit (参公 included) → 事业支出."""
    return NATURE_ADMIN if unit_type == UNIT_TYPES[0] else NATURE_INSTITUTION


# ---------------------------------------------------------------- 三公, projects, performance
THREE_PUBLIC_ITEMS = ("因公出国（境）费", "公务接待费", "公务用车购置费", "公务用车运行维护费")
PROJECT_CATEGORIES = ("其他运转类", "特定目标类")
PERF_PERIODS = ("实施期", "年度")
# 二级指标 → 一级指标 of the project form, in the order the form prints them.
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
# 一级指标 of the unit-level 整体绩效目标表 (typed with each indicator: the frameworks differ).
UNIT_INDICATOR_LEVEL1 = ("产出指标", "效益指标", "满意度指标", "履职效能", "社会效益", "管理效率", "运行成本")
# 综合评定等级 of a project form (the Ningxia form ticks one).
FORM_RATINGS = ("通过", "退回修改", "退回，不予纳入财政项目库")

# ---------------------------------------------------------------- comparison datasets
PRIOR_BUDGET = "上年预算"
PRIOR_ACTUAL = "上年执行数"
COMPARISONS = (PRIOR_BUDGET, PRIOR_ACTUAL)
# The named figures a comparison may know only as totals.
COMPARISON_TOTALS = (
    "income_total",
    "expenditure_total",
    "basic_total",
    "project_total",
    "gpb_current_expenditure",
    "three_public_total",
    "abroad",
    "reception",
    "vehicle_purchase",
    "vehicle_running",
    "admin_running",
)

# ---------------------------------------------------------------- staffing and assets
STAFF_KINDS = ("编制", "在职", "退休", "离休")
ASSET_CLASSES = ("房屋", "土地", "车辆", "办公家具", "大型设备", "其他资产", "当年购置")
