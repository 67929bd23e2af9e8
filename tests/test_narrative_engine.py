"""The narrative engine on synthetic datasets: loops, comparisons, typed texts, formats, validation.

The figures are those of the Xinjiang and Ningxia reference documents (../shared/profiles-study.md
§3), entered in 元, so that each assertion is a figure a real document prints.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from budget_author.compute.facts import Fact
from budget_author.compute.names import Names
from budget_author.compute.narrative import FigureSpec, NarrativeEngine
from budget_author.compute.view import Figures
from budget_author.model import Budget, Paragraph, Unit
from budget_author.templating import drop_suffix

D = Decimal


def _budget(**kw) -> Budget:
    unit = Unit(name="和静县社会保险中心", year=2024, region="和静县", level="县(区)级", dept_code="1",
                dept_name="人社局", unit_type="参照公务员法管理事业单位")
    return Budget(unit=unit, **kw)


def _spending(code: str, kind: str, yuan: str) -> Fact:
    return Fact({"code": code, "source": "一般公共预算", "kind": kind, "period": "当年预算"}, D(yuan))


def _engine(data, budget=None) -> tuple[NarrativeEngine, Figures]:
    budget = budget or _budget()
    figures = Figures()
    return NarrativeEngine(budget, data, figures, Names(budget)), figures


def _section(engine, figures_spec: dict) -> dict:
    specs = {name: FigureSpec.model_validate(spec) for name, spec in figures_spec.items()}
    return engine.section("narrative", "五", specs)


def test_a_loop_over_this_year_and_last_lists_last_years_only_codes_after_this_years():
    """Xinjiang 五(三): every 项 with a 2024 or a 2023 amount; 2023-only 项 come last and print 0."""
    data = {
        "expenditure": [_spending("2080109", "基本支出", "2650000"), _spending("2089999", "项目支出", "960300")],
        "上年预算.expenditure": [_spending("2080109", "基本支出", "2600000"), _spending("2080501", "基本支出", "167000"),
                             _spending("2089999", "项目支出", "960300")],
    }
    engine, figures = _engine(data)
    shown = _section(engine, {"items": {
        "each": "codes", "dataset": "expenditure", "datasets": ["上年预算.expenditure"], "level": 7,
        "order": "current_first",
        "figures": {"amount": {"sum": "expenditure"},
                    "change": {"change": "amount", "prior": {"sum": "上年预算.expenditure"}, "zero_base": 100,
                               "keep_zero": True}},
    }})
    items = shown["items"]
    assert [i["code"] for i in items] == ["2080109", "2089999", "2080501"]
    assert [i["amount"] for i in items] == ["265.00", "96.03", "0"]
    up, same, gone = (i["change"] for i in items)
    assert (up["amount_verb"], up["amount"], up["percent"]) == ("增加", "5.00", "1.92%")
    assert (same["same"], same["amount"], same["percent"]) == (True, "0", "0%")  # keep_zero: 下降0.00%-style
    assert (gone["amount_verb"], gone["amount"], gone["percent"]) == ("减少", "16.70", "100.00%")
    assert figures.by_key["narrative.五.items.2080501.change"].value == D("167000")


def test_from_a_zero_base_the_percentage_is_the_profiles_choice():
    data = {"expenditure": [_spending("2080507", "项目支出", "200000000")], "上年执行数.expenditure": []}
    engine, _ = _engine(data)
    with_base = _section(engine, {"c": {"change": {"sum": "expenditure"}, "prior": {"sum": "上年执行数.expenditure"},
                                        "zero_base": 100}})
    assert with_base["c"]["percent"] == "100.00%" and with_base["c"]["zero_base"] is True
    engine, _ = _engine(data)
    without = _section(engine, {"c": {"change": {"sum": "expenditure"}, "prior": {"sum": "上年执行数.expenditure"}}})
    assert without["c"]["percent"] == ""


def test_ningxia_2080506_change_against_last_years_actuals():
    """中卫 二(二): 2080506 项目 4869.00 against 2023 执行数 22.51 → 增加4846.49万元，增长21530.39%."""
    data = {"expenditure": [_spending("2080506", "项目支出", "48690000")],
            "上年执行数.expenditure": [_spending("2080506", "项目支出", "225100")]}
    engine, _ = _engine(data)
    shown = _section(engine, {"c": {"change": {"sum": "expenditure"}, "prior": {"sum": "上年执行数.expenditure"}}})
    assert (shown["c"]["amount"], shown["c"]["percent"]) == ("4,846.49", "21530.39%")


def test_typed_texts_by_subject_and_their_count():
    paragraphs = (Paragraph(section="项变动原因", subject="2080109", text="主要原因是人员增加。"),
                  Paragraph(section="项变动原因", subject="2089999", text="新增项目"),
                  Paragraph(section="机构设置", text="行政办"), Paragraph(section="机构设置", text="征缴股"))
    data = {"expenditure": [_spending("2080109", "基本支出", "100"), _spending("2089999", "项目支出", "100")]}
    engine, figures = _engine(data, _budget(paragraphs=paragraphs))
    shown = _section(engine, {
        "divisions": {"text": {"section": "机构设置"}},
        "division_count": {"length": "divisions"},
        "items": {"each": "codes", "dataset": "expenditure", "level": 7,
                  "figures": {"why": {"text": {"section": "项变动原因", "subject": "{code}"}, "clean": True}}},
    })
    assert shown["divisions"] == ["行政办", "征缴股"] and shown["division_count"] == "2"
    assert figures.by_key["narrative.五.division_count"].value == 2
    assert [i["why"] for i in shown["items"]] == [["人员增加"], ["新增项目"]]


def test_a_reason_from_typed_texts_keyed_like_the_figure():
    paragraphs = (Paragraph(section="三公变动原因", subject="公务接待费", text="本年增加1人，公务接待费预算相应增加。"),)
    data = {"three_public": [Fact({"item": "公务接待费"}, D("1400"))],
            "上年预算.three_public": [Fact({"item": "公务接待费"}, D("1200"))]}
    engine, _ = _engine(data, _budget(paragraphs=paragraphs))
    shown = _section(engine, {"items": {
        "each": "items", "dataset": "three_public", "items": [{"key": "公务接待费", "filter": {"item": "公务接待费"}}],
        "figures": {"c": {"change": {"sum": "three_public"}, "prior": {"sum": "上年预算.three_public",
                                                                       "filter": {"item": "{key}"}},
                          "reason": {"section": "三公变动原因", "subject": "{key}"}}}}})
    change = shown["items"][0]["c"]
    assert (change["amount"], change["percent"], change["reason"]) == ("0.02", "16.67%", "本年增加1人，公务接待费预算相应增加")


def test_a_figure_has_exactly_one_kind():
    with pytest.raises(ValueError, match="一种计算方式"):
        FigureSpec.model_validate({"sum": "expenditure", "value": "unit.name"})
    with pytest.raises(ValueError, match="prior"):
        FigureSpec.model_validate({"change": "x"})


def test_drop_suffix():
    assert drop_suffix("社会保障和就业支出", "支出") == "社会保障和就业"
    assert drop_suffix("支出", "支出") == "支出"
    assert drop_suffix("行政事业单位养老支出", "费") == "行政事业单位养老支出"


def test_dates_and_flags_are_not_registered():
    from budget_author.model import Assets

    assets = Assets(as_of=dt.date(2023, 12, 31), vehicle_quota=1, vehicles={}, floor_area=D("720.32"),
                    equipment_50=0, equipment_100=0)
    engine, figures = _engine({}, _budget(assets=assets))
    shown = _section(engine, {"as_of": {"value": "assets.as_of", "format": "date"},
                              "admin": {"value": "unit.is_admin", "format": "flag"},
                              "area": {"value": "assets.floor_area", "format": "area"}})
    assert shown == {"as_of": "2023年12月31日", "admin": True, "area": "720.32"}
    assert list(figures.by_key) == ["narrative.五.area"]


def test_number_formats_are_the_profiles_choice_per_section_and_per_figure():
    """Xinjiang prints 0.00万元 and 0.00%; Ningxia trims (2.9, 100%); Shanxi writes 2,551.34 and 0."""
    from budget_author.display import NumberFormat

    data = {"three_public": [Fact({"item": "公务接待费"}, D("1500"))],
            "上年预算.three_public": [Fact({"item": "公务接待费"}, D("1500")), Fact({"item": "因公出国（境）费"}, D(0))]}
    formats = {"fixed": NumberFormat(zero="0.00"), "trimmed": NumberFormat(trim=True, zero="0")}
    budget = _budget()
    engine = NarrativeEngine(budget, data, Figures(), Names(budget), formats)
    specs = {
        "reception": FigureSpec.model_validate({"sum": "three_public"}),
        "abroad": FigureSpec.model_validate({"sum": "three_public", "filter": {"item": "因公出国（境）费"}}),
        "same": FigureSpec.model_validate({"change": "reception", "prior": {"sum": "上年预算.three_public",
                                                                             "filter": {"item": "公务接待费"}},
                                           "keep_zero": True}),
        "trimmed": FigureSpec.model_validate({"sum": "three_public", "style": "trimmed"}),
    }
    shown = engine.section("narrative", "十", specs, {"money": "fixed", "percent": "fixed"})
    assert (shown["reception"], shown["abroad"], shown["trimmed"]) == ("0.15", "0.00", "0.15")
    assert (shown["same"]["amount"], shown["same"]["percent"]) == ("0.00", "0.00%")
    engine = NarrativeEngine(budget, {"three_public": [Fact({"item": "x"}, D("29000"))]}, Figures(), Names(budget),
                             formats)
    assert engine.section("narrative", "三", {"t": FigureSpec.model_validate({"sum": "three_public",
                                                                              "style": "trimmed"})}) == {"t": "2.9"}


def test_a_figure_names_itself_for_the_redline():
    from budget_author.compute.narrative import part_figures

    data = {"expenditure": [_spending("2080109", "基本支出", "100")], "上年预算.expenditure": []}
    budget = _budget()
    figures = Figures()
    part = {"key": "narrative", "sections": [{"key": "二", "title": "二、项", "figures": {"entries": {
        "each": "codes", "dataset": "expenditure", "level": 7, "figures": {
            "amount": {"sum": "expenditure", "label": "{name}预算数"},
            "c": {"change": "amount", "prior": {"sum": "上年预算.expenditure"}, "label": "{name}比上年"}}}}}]}
    part_figures(budget, data, figures, Names(budget), part)
    assert figures.by_key["narrative.二.entries.2080109.amount"].subject == "社会保险经办机构预算数"
    assert figures.by_key["narrative.二.entries.2080109.c"].subject == "社会保险经办机构比上年"
    assert figures.by_key["narrative.二.entries.2080109.c"].group == "二、项"


# ---------------------------------------------------------------- from the review of the engine (2026-12-05)
def test_a_loop_filter_naming_the_item_restricts_the_sums_inside_it():
    data = {"three_public": [Fact({"item": "公务接待费"}, D("14000")), Fact({"item": "因公出国（境）费"}, D(0))]}
    engine, _ = _engine(data)
    shown = _section(engine, {"entries": {
        "each": "items", "dataset": "three_public", "filter": {"item": "{key}"},
        "items": [{"key": "公务接待费"}, {"key": "因公出国（境）费"}],
        "figures": {"amount": {"sum": "three_public"}}}})
    assert [(i["key"], i["amount"]) for i in shown["entries"]] == [("公务接待费", "1.40"), ("因公出国（境）费", "0")]


def test_unchanged_is_judged_in_the_sentences_own_number_format():
    from budget_author.display import NumberFormat

    data = {"admin_running": [Fact({}, D("100020"))], "上年预算.admin_running": [Fact({}, D("100000"))]}
    budget = _budget()
    engine = NarrativeEngine(budget, data, Figures(), Names(budget), {"yuan": NumberFormat(unit="元", zero="0")})
    spec = FigureSpec.model_validate({"change": {"sum": "admin_running"}, "prior": {"sum": "上年预算.admin_running"},
                                      "style": "yuan"})
    change = engine.section("narrative", "八", {"c": spec})["c"]
    assert (change["same"], change["amount"]) == (False, "20.00")  # 20 元 shows: not 持平
    engine = NarrativeEngine(budget, data, Figures(), Names(budget))
    change = engine.section("narrative", "八", {"c": FigureSpec.model_validate(
        {"change": {"sum": "admin_running"}, "prior": {"sum": "上年预算.admin_running"}})})["c"]
    assert (change["same"], change["amount"]) == (True, "0")  # 0.002 万元 shows as nothing: 持平


def test_zero_over_a_change_is_true_when_both_years_are_zero():
    engine, _ = _engine({"three_public": [], "上年预算.three_public": []})
    shown = _section(engine, {"c": {"change": {"sum": "three_public"}, "prior": {"sum": "上年预算.three_public"}},
                              "none": {"zero": ["c"]}})
    assert shown["none"] is True


def test_the_datasets_of_a_copied_budget_are_its_own():
    import gc

    from budget_author.compute.facts import datasets_of
    from budget_author.model import ExpenditureFact

    def fact(yuan):
        return ExpenditureFact(code="2080109", source="一般公共预算", kind="基本支出", period="当年预算", amount=D(yuan))

    first = _budget(expenditure=(fact(1),))
    datasets_of(first)
    second = first.model_copy(update={"expenditure": (fact(2),)})
    del first
    gc.collect()
    for attempt in range(50):
        third = second.model_copy(update={"expenditure": (fact(3),)})
        assert sum(f.amount for f in datasets_of(third)["expenditure"]) == 3
        assert sum(f.amount for f in datasets_of(second)["expenditure"]) == 2
