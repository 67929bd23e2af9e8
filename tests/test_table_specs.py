"""The table spec language says what the Xinjiang and Ningxia tables need (issue 14).

Each test writes a small spec in the language of profiles/tablespec.py, for one table of the
reference documents (hejing-2024-xinjiang 表N, zhongwei-2024-ningxia 一…九), feeds it synthetic facts
(in 元) and asserts the exact cell texts and header spans the documents print. No workbook: the
engine reads `Fact(dims, amount)` lists by dataset name. The datasets carry dimensions the model
does not have yet (`level`, `category`, project economic classes, comparison datasets); the
validation is given an extended dimension table, as the model's own will be.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal

import pytest

from budget_author.compute.facts import DIMENSIONS, Fact
from budget_author.compute.tables import ProjectRef, TableInputs, render_table
from budget_author.compute.view import Figures
from budget_author.display import NumberFormat
from budget_author.profiles import ProfileError
from budget_author.profiles.tablespec import validate_table

SOURCES = ("一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金")
PERIODS = ("当年预算", "上年结转")
LEVELS = ("本级", "上级转移支付")
KINDS = ("基本支出", "项目支出")
ITEMS = ("因公出国（境）费", "公务接待费", "公务用车购置费", "公务用车运行维护费")

# The dimensions the model will have (docs/profiles-design.md §2-3), for these tests only.
EXTENDED = {
    **DIMENSIONS,
    "expenditure": {"code": None, "source": SOURCES, "kind": KINDS, "period": PERIODS, "level": LEVELS},
    "上年执行数.expenditure": {"code": None, "source": SOURCES, "kind": KINDS, "period": PERIODS, "level": LEVELS},
    "income": {"source": SOURCES, "period": PERIODS, "level": LEVELS, "category": None},
    "economic": {"code": None, "source": SOURCES, "cost": ("人员经费", "公用经费")},
    "project_economic": {"project": None, "code": None, "economic": None, "source": SOURCES, "period": PERIODS},
    "three_public": {"item": ITEMS, "source": SOURCES, "kind": KINDS},
    "上年预算.three_public": {"item": ITEMS, "source": SOURCES, "kind": KINDS},
    "上年执行数.three_public": {"item": ITEMS, "source": SOURCES, "kind": KINDS},
}

FUNCTIONAL = {
    "201": "一般公共服务支出", "20132": "组织事务", "2013299": "其他组织事务支出",
    "208": "社会保障和就业支出", "20801": "人力资源和社会保障管理事务", "2080109": "社会保险经办机构",
    "2080199": "其他人力资源和社会保障管理事务支出", "20805": "行政事业单位养老支出", "2080501": "行政单位离退休",
    "2080502": "事业单位离退休", "2080505": "机关事业单位基本养老保险缴费支出",
    "2080506": "机关事业单位职业年金缴费支出", "2080507": "对机关事业单位基本养老保险基金的补助",
    "20806": "企业改革补助", "2080601": "企业关闭破产补助", "2080699": "其他企业改革发展补助",
    "20826": "财政对基本养老保险基金的补助", "2082602": "财政对城乡居民基本养老保险基金的补助",
    "20899": "其他社会保障和就业支出", "2089999": "其他社会保障和就业支出",
    "210": "卫生健康支出", "21011": "行政事业单位医疗", "2101101": "行政单位医疗", "2101102": "事业单位医疗",
    "2101103": "公务员医疗补助", "221": "住房保障支出", "22102": "住房改革支出", "2210201": "住房公积金",
    "2210203": "购房补贴",
}
CLASSES = ["201", "202", "203", "204", "205", "206", "207", "208", "209", "210", "211", "212", "213", "214", "215",
           "216", "217", "219", "220", "221", "222", "223", "224", "227", "229", "230", "231", "232", "233", "234"]
CLASS_NAMES = ["一般公共服务支出", "外交支出", "国防支出", "公共安全支出", "教育支出", "科学技术支出", "文化旅游体育与传媒支出",
               "社会保障和就业支出", "社会保险基金支出", "卫生健康支出", "节能环保支出", "城乡社区支出", "农林水支出",
               "交通运输支出", "资源勘探工业信息等支出", "商业服务业等支出", "金融支出", "援助其他地区支出",
               "自然资源海洋气象等支出", "住房保障支出", "粮油物资储备支出", "国有资本经营预算支出", "灾害防治及应急管理支出",
               "预备费", "其他支出", "转移性支出", "债务还本支出", "债务付息支出", "债务发行费用支出", "抗疫特别国债安排的支出"]
FUNCTIONAL.update(zip(CLASSES, CLASS_NAMES))

ECONOMIC = dict(line.split(" ", 1) for line in """\
301 工资福利支出
30101 基本工资
30102 津贴补贴
30103 奖金
30106 伙食补助费
30107 绩效工资
30108 机关事业单位基本养老保险缴费
30109 职业年金缴费
30110 职工基本医疗保险缴费
30111 公务员医疗补助缴费
30112 其他社会保障缴费
30113 住房公积金
30114 医疗费
30199 其他工资福利支出
302 商品和服务支出
30201 办公费
30202 印刷费
30203 咨询费
30204 手续费
30205 水费
30206 电费
30207 邮电费
30208 取暖费
30209 物业管理费
30211 差旅费
30212 因公出国（境）费用
30213 维修（护）费
30214 租赁费
30215 会议费
30216 培训费
30217 公务接待费
30218 专用材料费
30224 被装购置费
30225 专用燃料费
30226 劳务费
30227 委托业务费
30228 工会经费
30229 福利费
30231 公务用车运行维护费
30239 其他交通费用
30240 税金及附加费用
30299 其他商品和服务支出
303 对个人和家庭的补助
30301 离休费
30302 退休费
30303 退职（役）费
30304 抚恤金
30305 生活补助
30306 救济费
30307 医疗费补助
30308 助学金
30309 奖励金
30310 个人农业生产补贴
30311 代缴社会保险费
30399 其他对个人和家庭的补助
310 资本性支出
31002 办公设备购置
31003 专用设备购置
31007 信息网络及软件购置更新
31099 其他资本性支出""".splitlines())


class Names:
    def functional(self, code: str) -> str:
        return FUNCTIONAL.get(code, "")

    def economic(self, code: str) -> str:
        return ECONOMIC.get(code, "")

    def gov_name_for(self, code: str) -> str:
        return ""

    def functional_classes(self) -> list[str]:
        return list(CLASSES)


def wan(text: str) -> Decimal:
    """万元 as printed → 元."""
    return Decimal(text) * 10000


def fact(amount: str, **dims) -> Fact:
    return Fact(dims, wan(amount))


def build(toml: str, data: dict, *, unit: str = "和静县社会保险中心", unit_code: str = "", projects=()):
    spec = validate_table(tomllib.loads(toml), "test.toml: 表", EXTENDED)
    figures = Figures()
    inputs = TableInputs(data=data, names=Names(), unit_name=unit, unit_code=unit_code, year=2024,
                         projects=[ProjectRef(name, i + 1) for i, name in enumerate(projects)])
    view = render_table(spec, inputs, figures, label="预算公开表{number}", empty_note="注：本表无数据")
    return view, figures


def texts(view) -> list[list[str]]:
    return [[c.text for c in row] for row in view.body]


def header(view) -> list[list[tuple[str, int, int]]]:
    return [[(c.text, c.colspan, c.rowspan) for c in row] for row in view.header]


def row_of(view, first: str, column: int = 0) -> list[str]:
    matches = [r for r in texts(view) if r[column] == first]
    assert len(matches) == 1, (first, matches)
    return matches[0]


# ---------------------------------------------------------------- Xinjiang 表2
XJ_T2 = """
number = 2
title = "单位收入总体情况表"
label = "表 {number}"
meta = "编制单位：{unit}"
landscape = true
widths = [4, 4, 4, 16, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6]
dataset = "expenditure"
totals = {position = "last", label = "合计"}
rows = {source = "codes", levels = [3, 5, 7]}
columns = [
  {text = "功能分类科目编码", children = [
    {text = "类", show = "code", part = "类"}, {text = "款", show = "code", part = "款"}, {text = "项", show = "code", part = "项"}]},
  {text = "功能分类科目名称", show = "label"},
  {text = "总计", key = "total"},
  {text = "财政拨款（补助）", children = [
    {text = "财政拨款(补助)小计", key = "fiscal", add = ["gpb", "gpb_up", "gf", "gf_up", "soe", "soe_up"]},
    {text = "一般公共预算", key = "gpb", filter = {source = "一般公共预算", level = "本级", period = "当年预算"}},
    {text = "上级一般公共预算安排的转移支付", key = "gpb_up", filter = {source = "一般公共预算", level = "上级转移支付", period = "当年预算"}},
    {text = "政府性基金预算", key = "gf", filter = {source = "政府性基金预算", level = "本级", period = "当年预算"}},
    {text = "上级政府性基金安排的转移支付", key = "gf_up", filter = {source = "政府性基金预算", level = "上级转移支付", period = "当年预算"}},
    {text = "国有资本经营预算", key = "soe", filter = {source = "国有资本经营预算", level = "本级", period = "当年预算"}},
    {text = "上级国有资本经营预算安排的转移支付", key = "soe_up", filter = {source = "国有资本经营预算", level = "上级转移支付", period = "当年预算"}},
  ]},
  {text = "财政专户（教育收费）", key = "special", filter = {source = "财政专户管理资金", period = "当年预算"}},
  {text = "单位资金", key = "unit", filter = {source = "单位资金", period = "当年预算"}},
  {text = "财政拨款结转", key = "carry", filter = {source = ["一般公共预算", "政府性基金预算", "国有资本经营预算"], period = "上年结转"}},
  {text = "非财政拨款结转结余", key = "carry_other", filter = {source = ["财政专户管理资金", "单位资金"], period = "上年结转"}},
]
"""


def _xj_expenditure() -> list[Fact]:
    def e(code, amount, level="本级", period="当年预算", kind="基本支出"):
        return fact(amount, code=code, source="一般公共预算", kind=kind, period=period, level=level)

    return [
        e("2013299", "11.95"), e("2080109", "202.32"), e("2080199", "4.00", "上级转移支付", kind="项目支出"),
        e("2080501", "11.95"), e("2080505", "27.18"),
        e("2080601", "16.27"), e("2080601", "30.89", "上级转移支付", kind="项目支出"), e("2080601", "1.55", period="上年结转"),
        e("2080699", "47.00", "上级转移支付", kind="项目支出"), e("2080699", "3.96", period="上年结转"),
        e("2101101", "12.29"), e("2101103", "4.62"), e("2210201", "21.86"),
    ]


def test_xinjiang_t2_split_codes_twelve_amount_columns_and_total_last():
    view, figures = build(XJ_T2, {"expenditure": _xj_expenditure()})
    assert view.label == "表 2" and view.unit_line == "编制单位：和静县社会保险中心" and view.measure == "单位：万元"
    assert header(view) == [
        [("功能分类科目编码", 3, 1), ("功能分类科目名称", 1, 2), ("总计", 1, 2), ("财政拨款（补助）", 7, 1),
         ("财政专户（教育收费）", 1, 2), ("单位资金", 1, 2), ("财政拨款结转", 1, 2), ("非财政拨款结转结余", 1, 2)],
        [("类", 1, 1), ("款", 1, 1), ("项", 1, 1), ("财政拨款(补助)小计", 1, 1), ("一般公共预算", 1, 1),
         ("上级一般公共预算安排的转移支付", 1, 1), ("政府性基金预算", 1, 1), ("上级政府性基金安排的转移支付", 1, 1),
         ("国有资本经营预算", 1, 1), ("上级国有资本经营预算安排的转移支付", 1, 1)],
    ]
    assert sum(len(r) for r in texts(view)[:1]) == 16  # 4 label + 12 amount columns
    # as hejing-2024 prints them
    assert row_of(view, "社会保障和就业支出", 3) == [
        "208", "", "", "社会保障和就业支出", "345.12", "339.61", "257.72", "81.89", "", "", "", "", "", "", "5.51", ""]
    assert row_of(view, "人力资源和社会保障管理事务", 3)[:8] == [
        "208", "01", "", "人力资源和社会保障管理事务", "206.32", "206.32", "202.32", "4.00"]
    assert row_of(view, "企业关闭破产补助", 3) == [
        "208", "06", "01", "企业关闭破产补助", "48.71", "47.16", "16.27", "30.89", "", "", "", "", "", "", "1.55", ""]
    assert texts(view)[0][:5] == ["201", "", "", "一般公共服务支出", "11.95"]
    assert texts(view)[-1] == ["合计", "", "", "", "395.84", "390.33", "308.44", "81.89", "", "", "", "", "", "", "5.51", ""]
    assert view.body[-1][0].cls == "label"
    # figure keys: table.<number>.<row>.<column>, derived columns included
    assert figures.by_key["table.2.2080601.fiscal"].value == Decimal("471600")
    assert figures.by_key["table.2.total.carry"].text == "5.51"


# ---------------------------------------------------------------- Xinjiang 表7
XJ_T7 = """
number = 7
title = "一般公共预算项目支出情况表"
label = "表 {number}"
meta = "编制单位：{unit}"
landscape = true
widths = [3, 3, 3, 12, 15, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6]
dataset = "project_economic"
scope = {source = "一般公共预算", period = "当年预算"}
totals = {position = "last", label = "合计"}
rows = {source = "codes", levels = [3, 5, 7], projects = true}
columns = [
  {text = "科目编码", children = [
    {text = "类", show = "code", part = "类"}, {text = "款", show = "code", part = "款"}, {text = "项", show = "code", part = "项"}]},
  {text = "科目名称", show = "label"},
  {text = "项目名称", show = "project"},
  {text = "项目支出合计", key = "total"},
  {text = "工资福利支出", key = "301", filter = {economic = "301"}},
  {text = "商品和服务支出", key = "302", filter = {economic = "302"}},
  {text = "对个人和家庭的补助", key = "303", filter = {economic = "303"}},
  {text = "债务利息及费用支出", key = "307", filter = {economic = "307"}},
  {text = "资本性支出（基本建设）", key = "309", filter = {economic = "309"}},
  {text = "资本性支出", key = "310", filter = {economic = "310"}},
  {text = "对企业补助（基本建设）", key = "311", filter = {economic = "311"}},
  {text = "对企业补助", key = "312", filter = {economic = "312"}},
  {text = "对社会保障基金补助", key = "313", filter = {economic = "313"}},
  {text = "其他支出", key = "399", filter = {economic = "399"}},
]
"""

XJ_PROJECTS = ["2024年自治区财政社保经办机构业务补助经费巴财社[2023]108号",
               "2024年州直关闭破产企业1995年底前退休人员生活补贴资金巴财社[2023]110号",
               "1995年前退休[退职]人员2024年4月-2025年3月生活补贴巴财企[2023]61号"]


def test_xinjiang_t7_projects_on_their_xiang_row_by_economic_class():
    def p(project, code, economic, amount):
        return fact(amount, project=project, code=code, economic=economic, source="一般公共预算", period="当年预算")

    data = {"project_economic": [p(0, "2080199", "302", "2.50"), p(0, "2080199", "303", "1.50"),
                                 p(1, "2080601", "303", "30.89"), p(2, "2080699", "303", "47.00"),
                                 Fact({"project": 2, "code": "2080699", "economic": "303", "source": "单位资金",
                                       "period": "当年预算"}, wan("9.00"))]}  # out of scope
    view, figures = build(XJ_T7, data, projects=XJ_PROJECTS)
    blank7 = [""] * 7
    assert texts(view) == [
        ["208", "", "", "社会保障和就业支出", "", "81.89", "", "2.50", "79.39", *blank7],
        ["208", "01", "", "人力资源和社会保障管理事务", "", "4.00", "", "2.50", "1.50", *blank7],
        ["208", "01", "99", "其他人力资源和社会保障管理事务支出", XJ_PROJECTS[0], "4.00", "", "2.50", "1.50", *blank7],
        ["208", "06", "", "企业改革补助", "", "77.89", "", "", "77.89", *blank7],
        ["208", "06", "01", "企业关闭破产补助", XJ_PROJECTS[1], "30.89", "", "", "30.89", *blank7],
        ["208", "06", "99", "其他企业改革发展补助", XJ_PROJECTS[2], "47.00", "", "", "47.00", *blank7],
        ["合计", "", "", "", "", "81.89", "", "2.50", "79.39", *blank7],
    ]
    assert header(view)[0][:4] == [("科目编码", 3, 1), ("科目名称", 1, 2), ("项目名称", 1, 2), ("项目支出合计", 1, 2)]
    assert len(header(view)[0]) == 14  # 10 economic-class columns
    assert figures.by_key["table.7.2080601.project2.303"].text == "30.89"


# ---------------------------------------------------------------- Ningxia 二
NX_2 = """
number = 2
title = "一般公共预算财政拨款支出预算表"
label = "{numeral}、{title}"
meta = ""
widths = [10, 26, 9, 9, 9, 9, 9, 9]
dataset = "expenditure"
scope = {source = "一般公共预算"}
format = {zero = "0", zero_base = ""}
totals = {position = "first", unit = true}
rows = {source = "codes", levels = [3, 5, 7], union = ["上年执行数.expenditure"]}
columns = [
  {text = "功能分类科目", children = [{text = "科目编码", show = "code"}, {text = "科目名称", show = "label"}]},
  {text = "2023年执行数（决算数）", key = "prior", sum = "上年执行数.expenditure"},
  {text = "{year}年预算数", children = [
    {text = "合计", key = "total"},
    {text = "基本支出", key = "basic", filter = {kind = "基本支出"}},
    {text = "项目支出", key = "project", filter = {kind = "项目支出"}},
  ]},
  {text = "{year}年预算数与2023年执行数（决算数）", children = [
    {text = "增减额", key = "change", change = ["total", "prior"]},
    {text = "增减%", key = "change_pct", percent = ["total", "prior"]},
  ]},
]
"""


def _nx_2_data() -> dict:
    def cur(code, kind, amount):
        return Fact({"code": code, "source": "一般公共预算", "kind": kind, "period": "当年预算", "level": "本级"},
                    Decimal(amount))

    def prior(code, amount):
        return Fact({"code": code, "source": "一般公共预算", "kind": "基本支出", "period": "当年预算", "level": "本级"},
                    Decimal(amount))

    current = [cur("2080109", "基本支出", 2651000), cur("2080109", "项目支出", 870000),
               cur("2080502", "基本支出", 256100), cur("2080505", "基本支出", 300100),
               cur("2080506", "基本支出", 150100), cur("2080506", "项目支出", 48690000),
               cur("2080507", "项目支出", 200000000), cur("2082602", "项目支出", 24000000),
               cur("2089999", "项目支出", 96030000), cur("2101102", "基本支出", 181900),
               cur("2210201", "基本支出", 292100), cur("2210203", "基本支出", 134000)]
    before = [prior("2080109", 3066600), prior("2080502", 168000), prior("2080505", 257500), prior("2080506", 353900),
              prior("2089999", 89663600), prior("2101102", 153800), prior("2210201", 238800), prior("2210203", 88300)]
    return {"expenditure": current, "上年执行数.expenditure": before}


def test_ningxia_2_unit_row_prior_actuals_change_and_percent():
    view, figures = build(NX_2, _nx_2_data(), unit="中卫市社会保险事业管理中心", unit_code="310004")
    assert view.label == "二、一般公共预算财政拨款支出预算表" and view.unit_line == "" and view.measure == "单位：万元"
    assert header(view) == [
        [("功能分类科目", 2, 1), ("2023年执行数（决算数）", 1, 2), ("2024年预算数", 3, 1),
         ("2024年预算数与2023年执行数（决算数）", 2, 1)],
        [("科目编码", 1, 1), ("科目名称", 1, 1), ("合计", 1, 1), ("基本支出", 1, 1), ("项目支出", 1, 1),
         ("增减额", 1, 1), ("增减%", 1, 1)],
    ]
    rows = texts(view)
    # the unit row first carries the totals; there is no 合计 row
    assert rows[0] == ["310004", "中卫市社会保险事业管理中心", "9399.05", "37355.53", "396.53", "36959.00", "27956.48",
                       "297.44"]
    assert view.body[0][0].key is None and figures.by_key["table.2.unit.total"].text == "37355.53"
    assert row_of(view, "20801") == ["20801", "人力资源和社会保障管理事务", "306.66", "352.10", "265.10", "87.00", "45.44",
                                     "14.82"]
    assert row_of(view, "20805")[2:] == ["77.94", "24939.63", "70.63", "24869.00", "24861.69", "31898.50"]
    assert row_of(view, "2080506")[2:] == ["35.39", "4884.01", "15.01", "4869.00", "4848.62", "13700.54"]
    # zero prints "0"; 增减% is blank when 2023 is 0
    assert row_of(view, "2080507")[2:] == ["0", "20000.00", "0", "20000.00", "20000.00", ""]
    assert row_of(view, "2089999")[2:] == ["8966.36", "9603.00", "0", "9603.00", "636.64", "7.10"]
    assert row_of(view, "2210203")[2:] == ["8.83", "13.40", "13.40", "0", "4.57", "51.76"]
    assert figures.by_key["table.2.2080507.change_pct"].value is None
    assert figures.by_key["table.2.2080506.change_pct"].unit == "%"
    assert [r[0] for r in rows] == ["310004", "208", "20801", "2080109", "20805", "2080502", "2080505", "2080506",
                                    "2080507", "20826", "2082602", "20899", "2089999", "210", "21011", "2101102", "221",
                                    "22102", "2210201", "2210203"]


def test_ningxia_2_a_xiang_present_only_last_year_is_still_listed():
    data = _nx_2_data()
    data["上年执行数.expenditure"] = [*data["上年执行数.expenditure"],
                                 Fact({"code": "2080199", "source": "一般公共预算", "kind": "项目支出", "period": "当年预算",
                                       "level": "本级"}, Decimal(123400))]
    view, _ = build(NX_2, data, unit="中卫市社会保险事业管理中心", unit_code="310004")
    assert row_of(view, "2080199") == ["2080199", "其他人力资源和社会保障管理事务支出", "12.34", "0", "0", "0", "-12.34",
                                       "-100.00"]
    assert row_of(view, "20801")[2:] == ["319.00", "352.10", "265.10", "87.00", "33.10", "10.38"]


def test_ningxia_2_percent_for_the_project_part_of_2080506():
    """The study's figure: 2080506 项目 4869.00 against 2023 22.51 → 4846.49, 21530.39 (a prior leaf of 225,100 元)."""
    spec = NX_2.replace('key = "prior", sum = "上年执行数.expenditure"',
                        'key = "prior", sum = "上年执行数.expenditure", filter = {kind = "项目支出"}').replace(
        'change = ["total", "prior"]', 'change = ["project", "prior"]').replace(
        'percent = ["total", "prior"]', 'percent = ["project", "prior"]')
    data = _nx_2_data()
    data["上年执行数.expenditure"] = [Fact({"code": "2080506", "source": "一般公共预算", "kind": "项目支出",
                                        "period": "当年预算", "level": "本级"}, Decimal(225100))]
    view, _ = build(spec, data, unit="中卫市社会保险事业管理中心", unit_code="310004")
    assert row_of(view, "2080506")[2:] == ["22.51", "4884.01", "15.01", "4869.00", "4846.49", "21530.39"]


# ---------------------------------------------------------------- Ningxia 四
NX_4 = """
number = 4
title = "一般公共预算财政拨款“三公”经费支出预算表"
label = "{numeral}、{title}"
meta = ""
widths = [5.5, 5.5, 5.5, 5.5, 5.5, 5.5, 5.5, 5.5, 5.5, 5.5, 5.5, 5.5, 5.5, 5.5, 5.5, 5.5, 5.5, 6.5]
format = {trim = true, zero = "0"}
scope = {source = "一般公共预算"}
rows = {source = "aggregate"}
columns = [
  {text = "2023年预算数", children = [
    {text = "合计", key = "b.total", sum = "上年预算.three_public"},
    {text = "因公出国（境）费", key = "b.abroad", sum = "上年预算.three_public", filter = {item = "因公出国（境）费"}},
    {text = "公务用车购置及运行费", children = [
      {text = "小计", key = "b.vehicles", sum = "上年预算.three_public", filter = {item = ["公务用车购置费", "公务用车运行维护费"]}},
      {text = "公务用车购置费", key = "b.purchase", sum = "上年预算.three_public", filter = {item = "公务用车购置费"}},
      {text = "公务用车运行维护费", key = "b.running", sum = "上年预算.three_public", filter = {item = "公务用车运行维护费"}},
    ]},
    {text = "公务接待费", key = "b.reception", sum = "上年预算.three_public", filter = {item = "公务接待费"}},
  ]},
  {text = "2023年执行数（决算数）", children = [
    {text = "合计", key = "a.total", sum = "上年执行数.three_public"},
    {text = "因公出国（境）费", key = "a.abroad", sum = "上年执行数.three_public", filter = {item = "因公出国（境）费"}},
    {text = "公务用车购置及运行费", children = [
      {text = "小计", key = "a.vehicles", sum = "上年执行数.three_public", filter = {item = ["公务用车购置费", "公务用车运行维护费"]}},
      {text = "公务用车购置费", key = "a.purchase", sum = "上年执行数.three_public", filter = {item = "公务用车购置费"}},
      {text = "公务用车运行维护费", key = "a.running", sum = "上年执行数.three_public", filter = {item = "公务用车运行维护费"}},
    ]},
    {text = "公务接待费", key = "a.reception", sum = "上年执行数.three_public", filter = {item = "公务接待费"}},
  ]},
  {text = "{year}年预算数", children = [
    {text = "合计", key = "total", sum = "three_public"},
    {text = "因公出国（境）费", key = "abroad", sum = "three_public", filter = {item = "因公出国（境）费"}},
    {text = "公务用车购置及运行费", children = [
      {text = "小计", key = "vehicles", sum = "three_public", filter = {item = ["公务用车购置费", "公务用车运行维护费"]}},
      {text = "公务用车购置费", key = "purchase", sum = "three_public", filter = {item = "公务用车购置费"}},
      {text = "公务用车运行维护费", key = "running", sum = "three_public", filter = {item = "公务用车运行维护费"}},
    ]},
    {text = "公务接待费", key = "reception", sum = "three_public", filter = {item = "公务接待费"}},
  ]},
]
"""


def test_ningxia_4_one_row_of_eighteen_cells_under_a_three_level_header():
    def t(item, amount):
        return fact(amount, item=item, source="一般公共预算", kind="基本支出")

    data = {"上年预算.three_public": [t("公务用车运行维护费", "2.75"), t("公务接待费", "0.15")],
            "上年执行数.three_public": [t("公务用车运行维护费", "1.86"), t("公务接待费", "0.14")],
            "three_public": [t("公务用车运行维护费", "2.75"), t("公务接待费", "0.15"),
                             Fact({"item": "公务接待费", "source": "单位资金", "kind": "基本支出"}, wan("9"))]}
    view, figures = build(NX_4, data)
    # the document prints 2.9 for 小计 (a slip: its parts add to 2.75) and "2.00" (trimmed elsewhere)
    assert texts(view) == [["2.9", "0", "2.75", "0", "2.75", "0.15", "2", "0", "1.86", "0", "1.86", "0.14",
                            "2.9", "0", "2.75", "0", "2.75", "0.15"]]
    group = [("合计", 1, 2), ("因公出国（境）费", 1, 2), ("公务用车购置及运行费", 3, 1), ("公务接待费", 1, 2)]
    assert header(view) == [
        [("2023年预算数", 6, 1), ("2023年执行数（决算数）", 6, 1), ("2024年预算数", 6, 1)],
        group * 3,
        [("小计", 1, 1), ("公务用车购置费", 1, 1), ("公务用车运行维护费", 1, 1)] * 3,
    ]
    assert figures.by_key["table.4.total.a.vehicles"].value == Decimal("18600")


# ---------------------------------------------------------------- Xinjiang 表1
XJ_INCOME_ROWS = [
    ("一、本年收入", 0, '{period = "当年预算"}'),
    ("1.一般公共预算拨款", 1, '{source = "一般公共预算", period = "当年预算"}'),
    ("其中：一般财力", 2, '{source = "一般公共预算", level = "本级", period = "当年预算"}'),
    ("上级一般公共预算安排转移支付", 2, '{source = "一般公共预算", level = "上级转移支付", period = "当年预算"}'),
    ("2.政府性基金预算拨款", 1, '{source = "政府性基金预算", period = "当年预算"}'),
    ("其中：政府性基金收入", 2, '{source = "政府性基金预算", level = "本级", period = "当年预算"}'),
    ("上级政府性基金安排转移支付", 2, '{source = "政府性基金预算", level = "上级转移支付", period = "当年预算"}'),
    ("3.国有资本经营预算拨款", 1, '{source = "国有资本经营预算", period = "当年预算"}'),
    ("其中：国有资本经营收入", 2, '{source = "国有资本经营预算", level = "本级", period = "当年预算"}'),
    ("上级国有资本经营预算安排转移支付", 2, '{source = "国有资本经营预算", level = "上级转移支付", period = "当年预算"}'),
    ("4.财政专户核拨", 1, '{source = "财政专户管理资金", period = "当年预算"}'),
    ("5.单位资金", 1, '{source = "单位资金", period = "当年预算"}'),
    ("其中：事业收入", 2, '{source = "单位资金", category = "事业收入", period = "当年预算"}'),
    ("上级补助收入", 2, '{source = "单位资金", category = "上级补助收入", period = "当年预算"}'),
    ("附属单位上缴收入", 2, '{source = "单位资金", category = "附属单位上缴收入", period = "当年预算"}'),
    ("事业单位经营收入", 2, '{source = "单位资金", category = "事业单位经营收入", period = "当年预算"}'),
    ("其他收入", 2, '{source = "单位资金", category = "其他收入", period = "当年预算"}'),
    ("二、上年结转结余", 0, '{period = "上年结转"}'),
    ("1.财政拨款结转", 1, '{source = ["一般公共预算", "政府性基金预算", "国有资本经营预算"], period = "上年结转"}'),
    ("其中：一般公共预算拨款", 2, '{source = "一般公共预算", period = "上年结转"}'),
    ("政府性基金预算拨款", 2, '{source = "政府性基金预算", period = "上年结转"}'),
    ("国有资本经营预算拨款", 2, '{source = "国有资本经营预算", period = "上年结转"}'),
    ("2.非财政拨款结余", 1, '{source = ["财政专户管理资金", "单位资金"], period = "上年结转"}'),
    ("其中：财政专户核拨", 2, '{source = "财政专户管理资金", period = "上年结转"}'),
    ("单位资金", 2, '{source = "单位资金", period = "上年结转"}'),
]
XJ_T1 = """
number = 1
title = "单位收支总体情况表"
label = "表 {number}"
meta = "编制单位：{unit}"
widths = [34, 12, 40, 14]
footer = [{left = {key = "income_total", label = "收 入 总 计"}, right = {key = "total", label = "支 出 总 计"}}]

[[sides]]
dataset = "income"
columns = [{text = "收 入", children = [{text = "项 目", show = "label"}, {text = "预算数", key = "amount"}]}]
rows = {source = "fixed", prefix = "income.", items = [
%s
]}

[[sides]]
dataset = "expenditure"
columns = [{text = "支 出", children = [{text = "功能分类", show = "label"}, {text = "预算数", key = "amount"}]}]
rows = {source = "codes", levels = [3], all_classes = true, nonzero = false, label = "{code} {name}"}
""" % ",\n".join(f'  {{label = "{label}", indent = {indent}, filter = {flt}}}' for label, indent, flt in XJ_INCOME_ROWS)


def test_xinjiang_t1_side_by_side_25_income_rows_against_30_classes():
    def i(amount, source="一般公共预算", level="本级", period="当年预算"):
        return fact(amount, source=source, level=level, period=period, category="")

    data = {"income": [i("308.44"), i("81.89", level="上级转移支付"), i("5.51", period="上年结转")],
            "expenditure": _xj_expenditure()}
    view, figures = build(XJ_T1, data)
    rows = texts(view)
    assert len(rows) == 31  # 30 lines (25 income rows beside 30 类), then the 总计 line
    assert header(view) == [[("收 入", 2, 1), ("支 出", 2, 1)],
                            [("项 目", 1, 1), ("预算数", 1, 1), ("功能分类", 1, 1), ("预算数", 1, 1)]]
    assert rows[0] == ["一、本年收入", "390.33", "201 一般公共服务支出", "11.95"]
    assert rows[2] == ["其中：一般财力", "308.44", "203 国防支出", ""]
    assert rows[3] == ["上级一般公共预算安排转移支付", "81.89", "204 公共安全支出", ""]
    assert rows[7] == ["3.国有资本经营预算拨款", "", "208 社会保障和就业支出", "345.12"]
    assert rows[17] == ["二、上年结转结余", "5.51", "219 援助其他地区支出", ""]
    assert rows[24] == ["单位资金", "", "229 其他支出", ""]
    assert rows[25] == ["", "", "230 转移性支出", ""]
    assert rows[29] == ["", "", "234 抗疫特别国债安排的支出", ""]
    assert rows[30] == ["收 入 总 计", "395.84", "支 出 总 计", "395.84"]
    assert view.body[2][0].cls == "label lv3"
    assert figures.by_key["table.1.income.2.amount"].text == "308.44"
    assert figures.by_key["table.1.210.amount"].text == "16.91"
    assert figures.by_key["table.1.income_total.amount"].value == figures.by_key["table.1.total.amount"].value


# ---------------------------------------------------------------- Ningxia 三
NX_3_KUAN = [c for c in ECONOMIC if len(c) == 5]
NX_3 = """
number = 3
title = "一般公共预算财政拨款基本支出预算表"
label = "{numeral}、{title}"
meta = ""
widths = [12, 40, 16, 16, 16]
dataset = "economic"
scope = {source = "一般公共预算"}
format = {zero = "0.00"}
totals = {position = "first", label = "总计"}
rename = {"30399" = "其他对个人和家庭的补助支出"}
rows = {source = "codes", levels = [3, 5], names = "economic", codes = [%s], label = {"3" = "{numeral}、{name}", "5" = "{name}"}}
columns = [
  {text = "经济分类科目", children = [{text = "科目编码", show = "code"}, {text = "科目名称", show = "label"}]},
  {text = "基本支出预算", children = [
    {text = "合计", key = "total"},
    {text = "人员支出", key = "personnel", filter = {cost = "人员经费"}},
    {text = "日常公用支出", key = "public_use", filter = {cost = "公用经费"}},
  ]},
]
""" % ", ".join(f'"{c}"' for c in NX_3_KUAN)


def test_ningxia_3_fixed_kuan_list_with_zeros_class_rows_and_total_first():
    printed = {"30101": "82.834", "30102": "113.594", "30107": "50.682", "30108": "30.01", "30109": "15.01",
               "30110": "12.315", "30111": "5.875", "30112": "1.24", "30113": "29.21", "30199": "18.00",
               "30201": "4.50", "30202": "0.30", "30205": "0.50", "30206": "1.50", "30207": "0.50", "30208": "1.25",
               "30211": "1.00", "30213": "0.20", "30217": "0.15", "30228": "0.50", "30231": "0.35", "30239": "1.40",
               "30302": "25.61"}
    data = {"economic": [fact(amount, code=code, source="一般公共预算",
                              cost="公用经费" if code.startswith("302") else "人员经费")
                         for code, amount in printed.items()]}
    view, _ = build(NX_3, data, unit="中卫市社会保险事业管理中心")
    rows = texts(view)
    assert len(rows) == 1 + 4 + 56  # 总计, four classes, the 56 款 of the list
    assert len(NX_3_KUAN) == 56
    assert rows[0] == ["总计", "", "396.53", "384.38", "12.15"]
    assert rows[1] == ["301", "一、工资福利支出", "358.77", "358.77", "0.00"]
    assert rows[2] == ["30101", "基本工资", "82.83", "82.83", "0.00"]
    assert rows[4] == ["30103", "奖金", "0.00", "0.00", "0.00"]
    # 12.315 + 5.875 = 18.19 (2101102), yet each rounds up: the study's rounding case (a)
    assert row_of(view, "30110")[2] == "12.32" and row_of(view, "30111")[2] == "5.88"
    assert row_of(view, "302")[:3] == ["302", "二、商品和服务支出", "12.15"]
    assert row_of(view, "303")[1] == "三、对个人和家庭的补助"
    assert row_of(view, "30399") == ["30399", "其他对个人和家庭的补助支出", "0.00", "0.00", "0.00"]
    assert rows[-5] == ["310", "四、资本性支出", "0.00", "0.00", "0.00"]
    assert rows[-1] == ["31099", "其他资本性支出", "0.00", "0.00", "0.00"]


# ---------------------------------------------------------------- Ningxia 五 (empty)
NX_5 = NX_2.replace("number = 2", "number = 5").replace(
    'title = "一般公共预算财政拨款支出预算表"', 'title = "政府性基金预算财政拨款支出预算表"').replace(
    'scope = {source = "一般公共预算"}', 'scope = {source = "政府性基金预算"}\n'
    'empty = {note = "", placeholder = {rows = 6, labels = ["无", "无"], value = "0.00"}}').replace(
    '{text = "合计", key = "total"}', '{text = "小计", key = "total"}')


def test_ningxia_5_empty_shows_six_placeholder_rows_and_no_note():
    view, figures = build(NX_5, _nx_2_data(), unit="中卫市社会保险事业管理中心", unit_code="310004")
    assert view.empty
    assert texts(view) == [["无", "无", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00"]] * 6
    assert view.empty_note == ""
    assert header(view)[1][2] == ("小计", 1, 1)
    assert figures.by_key["table.5.unit.total"].value == 0  # the figures still exist, as zero


# ---------------------------------------------------------------- Xinjiang 表8 (empty)
XJ_T8 = """
number = 8
title = "政府性基金预算支出情况表"
label = "表 {number}"
meta = "编制单位：{unit}"
widths = [5, 5, 5, 35, 12, 12, 12, 14]
dataset = "expenditure"
scope = {source = "政府性基金预算"}
totals = {position = "last", label = "合计"}
empty = {note = "备注：{unit}{year}年没有使用政府性基金预算拨款安排的支出，{title}为空表。"}
rows = {source = "codes"}
columns = [
  {text = "科 目", children = [
    {text = "功能分类科目编码", children = [
      {text = "类", show = "code", part = "类"}, {text = "款", show = "code", part = "款"}, {text = "项", show = "code", part = "项"}]},
    {text = "功能分类科目名称", show = "label"},
  ]},
  {text = "政府性基金预算支出", children = [
    {text = "合计", key = "total"},
    {text = "基本支出", children = [
      {text = "人员经费", key = "personnel", filter = {kind = "基本支出"}},
      {text = "公用经费", key = "public_use", filter = {kind = "基本支出"}},
    ]},
    {text = "项目支出", key = "project", filter = {kind = "项目支出"}},
  ]},
]
"""


def test_xinjiang_t8_empty_keeps_the_total_row_and_says_the_remark():
    view, _ = build(XJ_T8, {"expenditure": _xj_expenditure()})
    assert view.empty
    assert texts(view) == [["合计", "", "", "", "", "", "", ""]]
    assert view.empty_note == "备注：和静县社会保险中心2024年没有使用政府性基金预算拨款安排的支出，政府性基金预算支出情况表为空表。"
    assert header(view) == [
        [("科 目", 4, 1), ("政府性基金预算支出", 4, 1)],
        [("功能分类科目编码", 3, 1), ("功能分类科目名称", 1, 2), ("合计", 1, 2), ("基本支出", 2, 1), ("项目支出", 1, 2)],
        [("类", 1, 1), ("款", 1, 1), ("项", 1, 1), ("人员经费", 1, 1), ("公用经费", 1, 1)],
    ]


def test_an_empty_table_may_be_omitted():
    view, _ = build(XJ_T8.replace("empty = {note", "empty = {omit = true, note"), {"expenditure": []})
    assert view.omit and view.empty
    full, _ = build(XJ_T8.replace("empty = {note", "empty = {omit = true, note"), {"expenditure": [
        Fact({"code": "2080109", "source": "政府性基金预算", "kind": "项目支出", "period": "当年预算", "level": "本级"},
             wan("1"))]})
    assert not full.omit and texts(full)[-1] == ["合计", "", "", "", "1.00", "", "", "1.00"]


def test_totals_may_span_the_label_columns():
    view, _ = build(XJ_T8.replace('label = "合计"}', 'label = "合计", span = true}'), {"expenditure": []})
    assert [(c.text, c.colspan) for c in view.body[0]][:2] == [("合计", 4), ("", 1)]


# ---------------------------------------------------------------- NumberFormat
@pytest.mark.parametrize("fmt, yuan, text", [
    (NumberFormat(), "0", ""),
    (NumberFormat(zero="0"), "0", "0"),
    (NumberFormat(zero="0.00"), "40", "0.00"),  # 0.004 万元 rounds to zero
    (NumberFormat(), "50", "0.01"),  # half up
    (NumberFormat(trim=True, zero="0"), "29000", "2.9"),
    (NumberFormat(trim=True, zero="0"), "180000", "18"),
    (NumberFormat(thousands=True, zero="0"), "373555300", "37,355.53"),
    (NumberFormat(unit="元", decimals=0, thousands=True), "12345.5", "12,346"),
])
def test_number_format_amounts(fmt, yuan, text):
    assert fmt.amount(Decimal(yuan)) == text


def test_number_format_percent_zero_base_rule():
    assert NumberFormat(zero_base="").percent(Decimal(5), Decimal(0)) == ""
    assert NumberFormat(zero_base="100.00").percent(Decimal(5), Decimal(0)) == "100.00"
    assert NumberFormat(trim=True, zero_base="100").percent(Decimal(5), Decimal(0)) == "100"
    assert NumberFormat(trim=True).percent(Decimal("636.64"), Decimal("8966.36")) == "7.1"
    assert NumberFormat().percent(Decimal("636.64"), Decimal("8966.36")) == "7.10"


# ---------------------------------------------------------------- validation
def _error(toml: str) -> str:
    with pytest.raises(ProfileError) as caught:
        validate_table(tomllib.loads(toml), "x/tables.toml: tables[1]（表 2）", EXTENDED)
    return str(caught.value)


def test_a_misspelt_column_binding_names_file_table_and_key():
    message = _error(NX_2.replace('sum = "上年执行数.expenditure"', 'sum = "上年执行.expenditure"'))
    assert "x/tables.toml" in message and "表 2" in message and "prior" in message and "上年执行.expenditure" in message
    message = _error(NX_2.replace('{text = "基本支出", key = "basic", filter =', '{text = "基本支出", key = "basic", filtre ='))
    assert "表 2" in message and "filtre" in message and "未知的键" in message
    message = _error(NX_2.replace('filter = {kind = "基本支出"}', 'filter = {kinds = "基本支出"}'))
    assert "basic" in message and "kinds" in message


def test_an_unknown_row_source_is_an_error():
    message = _error(NX_2.replace('rows = {source = "codes"', 'rows = {source = "functional"'))
    assert "表 2" in message and "functional" in message and "codes" in message


def test_a_derived_column_naming_a_missing_leaf_is_an_error():
    message = _error(NX_2.replace('change = ["total", "prior"]', 'change = ["total", "prior_year"]'))
    assert "表 2" in message and "change" in message and "prior_year" in message


def test_a_filter_value_the_dimension_cannot_take_is_an_error():
    message = _error(NX_2.replace('scope = {source = "一般公共预算"}', 'scope = {source = "一般公共预算拨款"}'))
    assert "scope" in message and "一般公共预算拨款" in message
    message = _error(XJ_T2.replace('level = "上级转移支付", period = "当年预算"}},\n    {text = "政府性基金预算"',
                                   'level = "上级", period = "当年预算"}},\n    {text = "政府性基金预算"'))
    assert "gpb_up" in message and "“上级”" in message
    # the same spec is valid under the model's dimensions too, now that fact rows carry a `level`
    assert validate_table(tomllib.loads(XJ_T2), "x", DIMENSIONS).number == 2


def test_widths_must_match_the_leaf_columns():
    assert "widths" in _error(NX_2.replace("widths = [10, 26, 9, 9, 9, 9, 9, 9]", "widths = [10, 26]"))


def test_a_cycle_of_derived_columns_is_an_error():
    message = _error(NX_2.replace('change = ["total", "prior"]', 'add = ["total", "change_pct"]').replace(
        'percent = ["total", "prior"]', 'percent = ["change", "prior"]'))
    assert "循环" in message


# ---------------------------------------------------------------- Ningxia 一 (literal rows, numbered 类 list)
NX_CLASSES = ["201", "202", "203", "204", "205", "206", "207", "208", "210", "211", "212", "213", "214", "215", "216",
              "217", "220", "221", "222", "224", "229"]
NX_1 = """
number = 1
title = "财政拨款收支预算总表"
label = "{numeral}、{title}"
meta = ""
widths = [30, 10, 30, 10, 10, 10]
format = {zero = "0"}
scope = {source = ["一般公共预算", "政府性基金预算"]}
footer = [
  {left = {key = "income_current", label = "本年收入小计", filter = {period = "当年预算"}}, right = {key = "current", label = "本年支出小计", filter = {period = "当年预算"}}},
  {left = {label = "二、上年结转结余", literal = true}, right = {label = "二、年末结转结余", literal = true}},
  {left = {key = "income_total", label = "收入总计"}, right = {key = "total", label = "支出总计"}},
]

[[sides]]
dataset = "income"
columns = [{text = "收 入", children = [{text = "项 目", show = "label"}, {text = "预算数", key = "amount"}]}]
rows = {source = "fixed", items = [
  {label = "一、本年收入", literal = true},
  {key = "gpb", label = "（一）一般公共预算财政拨款收入", filter = {source = "一般公共预算", period = "当年预算"}},
  {key = "gf", label = "（二）政府性基金预算财政拨款收入", filter = {source = "政府性基金预算", period = "当年预算"}},
]}

[[sides]]
dataset = "expenditure"
columns = [{text = "支 出", children = [
  {text = "项目（按功能分类）", show = "label"},
  {text = "预算数", children = [
    {text = "小计", key = "total"},
    {text = "一般公共预算财政拨款支出", key = "gpb", filter = {source = "一般公共预算"}},
    {text = "政府性基金预算财政拨款支出", key = "gf", filter = {source = "政府性基金预算"}},
  ]},
]}]

[[sides.rows]]
source = "fixed"
items = [{label = "一、本年支出", literal = true}]

[[sides.rows]]
source = "codes"
levels = [3]
nonzero = false
codes = [%s]
label = "（{numeral}）{name}"

[[sides.rows]]
source = "fixed"
items = [{label = "……", literal = true}]
""" % ", ".join(f'"{c}"' for c in NX_CLASSES)


def test_ningxia_1_literal_rows_a_numbered_class_list_and_footer_lines():
    data = {"income": [fact("37355.53", source="一般公共预算", period="当年预算", level="本级", category="")],
            "expenditure": _nx_2_data()["expenditure"]}
    view, figures = build(NX_1, data, unit="中卫市社会保险事业管理中心")
    rows = texts(view)
    assert header(view) == [
        [("收 入", 2, 1), ("支 出", 4, 1)],
        [("项 目", 1, 2), ("预算数", 1, 2), ("项目（按功能分类）", 1, 2), ("预算数", 3, 1)],
        [("小计", 1, 1), ("一般公共预算财政拨款支出", 1, 1), ("政府性基金预算财政拨款支出", 1, 1)],
    ]
    assert rows[0] == ["一、本年收入", "", "一、本年支出", "", "", ""]
    assert view.body[0][1].key is None  # a literal line carries no figure
    assert rows[1] == ["（一）一般公共预算财政拨款收入", "37355.53", "（一）一般公共服务支出", "0", "0", "0"]
    assert rows[2] == ["（二）政府性基金预算财政拨款收入", "0", "（二）外交支出", "0", "0", "0"]
    assert rows[8] == ["", "", "（八）社会保障和就业支出", "37294.73", "37294.73", "0"]
    assert rows[9] == ["", "", "（九）卫生健康支出", "18.19", "18.19", "0"]
    assert rows[18] == ["", "", "（十八）住房保障支出", "42.61", "42.61", "0"]
    assert rows[21] == ["", "", "（二十一）其他支出", "0", "0", "0"]
    assert rows[22] == ["", "", "……", "", "", ""]
    assert rows[23:] == [
        ["本年收入小计", "37355.53", "本年支出小计", "37355.53", "37355.53", "0"],
        ["二、上年结转结余", "", "二、年末结转结余", "", "", ""],
        ["收入总计", "37355.53", "支出总计", "37355.53", "37355.53", "0"],
    ]
    assert figures.by_key["table.1.210.gpb"].subject == "210 卫生健康支出"


def test_the_example_in_the_language_docstring_validates():
    import budget_author.profiles.tablespec as module

    doc = module.__doc__
    start = doc.index("    [[tables]]")
    example = "\n".join(line[4:].split("  #")[0] for line in doc[start:].split("\n\n")[0].splitlines())
    spec = validate_table(tomllib.loads(example)["tables"][0], "docstring", EXTENDED)
    assert spec.number == 3 and len(spec.widths) == 7


def test_a_table_in_yuan_says_so_and_writes_yuan():
    spec = XJ_T8.replace('meta = "编制单位：{unit}"', 'meta = "编制单位：{unit}"\nunit = "元"\nformat = {thousands = true}')
    view, figures = build(spec, {"expenditure": [
        Fact({"code": "2080109", "source": "政府性基金预算", "kind": "项目支出", "period": "当年预算", "level": "本级"},
             Decimal("12345.675"))]})
    assert view.measure == "单位：元"
    assert texts(view)[-1] == ["合计", "", "", "", "12,345.68", "", "", "12,345.68"]
    assert figures.by_key["table.8.total.total"].value == Decimal("12345.675")
