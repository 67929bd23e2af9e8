"""Forms as specs: the Shanxi project form, an annual-only project form in 万元 with 综合评定等级
(Ningxia), and the unit-level 整体绩效目标表 with 依据 and 权重 (Xinjiang), from one engine."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from budget_author.compute.forms import form_views
from budget_author.compute.view import Figures
from budget_author.model import (Budget, Indicator, PerfForm, PerfFunds, Project, Unit, UnitIndicator,
                                 UnitPerfForm)
from budget_author.profiles import Profile, load_profile

D = Decimal
UNIT = Unit(name="中卫市社会保险事业管理中心", year=2024, region="中卫市", level="市级", dept_code="310",
            dept_name="中卫市人力资源和社会保障局", unit_type="公益一类事业单位")


def _profile(forms: list[dict], formats: dict | None = None) -> Profile:
    return Profile("test", Path("."), {"forms": forms, "formats": formats or {}}, ())


def _project_form(seq: str, year_total: str, rating: str = "") -> PerfForm:
    funds = PerfFunds(local=D(year_total))
    return PerfForm(project=seq, attribute="一年期项目", term="2024年", impl=funds, year=funds, overview="",
                    basis="", necessity="", measures="", plan="", goal_impl="", goal_year="目标1：按时发放",
                    rating=rating)


ANNUAL = {"kind": "project", "place": "tables", "include": "all", "title": "中卫市本级部门项目支出预算绩效目标表",
          "subtitle": "（{year}年度）", "heading": "九、部门项目支出预算绩效目标表", "meta": "单位：万元",
          "meta_once": True, "money": "trimmed", "periods": ["年度"],
          "fund_rows": [{"label": "财政拨款", "key": "local"}], "rating": ["通过", "退回修改", "退回，不予纳入财政项目库"],
          "template": "partials/form-annual.html"}


def test_an_annual_form_in_trimmed_wan_yuan_with_only_the_typed_indicators_and_its_rating():
    projects = (Project(seq="1", name="2024年企业退休人员取暖费", category="特定目标类", current={"一般公共预算": D("35250000")}),
                Project(seq="2", name="工作经费", category="其他运转类", current={"一般公共预算": D("290000")}))
    indicators = (
        Indicator(project="1", period="年度", level2="数量指标", level3="发放人数", value="≥3万人"),
        Indicator(project="1", period="年度", level2="成本指标", level3="取暖费", value="3525万元"),
        Indicator(project="1", period="年度", level2="数量指标", level3="发放批次", value="1次"),
        Indicator(project="1", period="年度", level2="服务对象满意度指标", level3="满意度", value="≥90%"),
    )
    budget = Budget(unit=UNIT, projects=projects, indicators=indicators,
                    perf_forms=(_project_form("1", "35250000", "通过"), _project_form("2", "290000")))
    views = form_views(budget, _profile([ANNUAL], {"trimmed": {"trim": True, "zero": "0"}}), Figures())
    first, second = views
    assert (first.year_total, second.year_total) == ("3525", "29")  # trimmed 万元
    assert first.impl_total == "" and first.funds == [("", "财政拨款", "", "3525")]
    assert (first.heading, second.heading) == ("九、部门项目支出预算绩效目标表", "")
    assert (first.meta, second.meta) == ("单位：万元", "")  # the document prints it on the first form only
    assert first.rating == [("通过", True), ("退回修改", False), ("退回，不予纳入财政项目库", False)]
    rows = [(r.level1, r.level1_span, r.level2, r.level2_span, r.year) for r in first.indicators]
    assert rows == [
        ("产出指标", 3, "数量指标", 2, ("发放人数", "≥3万人")),
        (None, 0, None, 0, ("发放批次", "1次")),
        (None, 0, "成本指标", 1, ("取暖费", "3525万元")),
        ("满意度指标", 1, "服务对象满意度指标", 1, ("满意度", "≥90%")),
    ]


def test_the_unit_form_prints_its_funds_as_typed_and_its_indicators_with_basis_and_weight():
    perf = UnitPerfForm(contact="张三", phone="0996-1234567", funds_transfer=D("874000"), funds_own=D("3084300"),
                        funds_other=None, goals="1.保障养老金按时足额发放。\n2.提高经办服务水平。",
                        indicators=(UnitIndicator(level1="履职效能", level2="数量指标", level3="参保人数", value="≥3368人",
                                                  basis="新政办发〔2015〕105号", weight=D("20")),
                                    UnitIndicator(level1="履职效能", level2="质量指标", level3="准确率", value="100%",
                                                  weight=D("30")),
                                    UnitIndicator(level1="社会效益", level2="社会效益指标", level3="稳定", value="有效",
                                                  weight=D("40"))))
    budget = Budget(unit=UNIT, unit_perf_form=perf)
    spec = {"kind": "unit", "place": "十二(四)", "title": "单位整体绩效目标表", "subtitle": "（{year} 年）",
            "money": "fixed", "fund_rows": [{"label": "上级资金", "key": "funds_transfer"},
                                            {"label": "本级资金", "key": "funds_own"},
                                            {"label": "其他", "key": "funds_other"}]}
    figures = Figures()
    (view,) = form_views(budget, _profile([spec], {"fixed": {"zero": "0.00"}}), figures)
    assert view.funds == [("上级资金", "87.40"), ("本级资金", "308.43"), ("其他", "")]
    assert view.year_line == "（2024 年）" and view.goals == ["1.保障养老金按时足额发放。", "2.提高经办服务水平。"]
    assert [(r.level1, r.level1_span, r.level3, r.basis, r.weight) for r in view.indicators] == [
        ("履职效能", 2, "参保人数", "新政办发〔2015〕105号", "20"), (None, 0, "准确率", "", "30"),
        ("社会效益", 1, "稳定", "", "40")]
    assert figures.by_key["unit_form.funds_own"].value == D("3084300")


def test_no_unit_form_without_its_sheet():
    spec = {"kind": "unit", "place": "x", "title": "单位整体绩效目标表"}
    assert form_views(Budget(unit=UNIT), _profile([spec]), Figures()) == []


def test_the_shanxi_profile_places_its_project_forms_after_section_ten():
    (spec,) = load_profile().get("forms")
    assert (spec["kind"], spec["place"], spec["include"]) == ("project", "十", "published")


def test_the_manifest_writes_each_figure_in_the_unit_the_document_shows():
    """A table or form in 元 is 元 in the manifest (and so in diff and the redline); one in 万元 is 万元."""
    from types import SimpleNamespace

    from budget_author.manifest import figures_of

    figures = Figures()
    figures.add("table.3.30101.total", D("750000"), "750,000.00", "元", shown_unit="元")
    figures.add("table.2.208.total", D("3451200"), "345.12", "元", shown_unit="万元")
    figures.add("form.1.year.total", D("35250000"), "3525", "元", shown_unit="万元")
    figures.add("narrative.三.basic.amount", D("3084400"), "308.44", "元")
    shown = figures_of(SimpleNamespace(figures=figures))
    assert [shown[k]["unit"] for k in figures.by_key] == ["元", "万元", "万元", "万元"]
