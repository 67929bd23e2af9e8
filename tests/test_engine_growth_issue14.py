"""General engine features the Xinjiang profile needed (issue 14), each on synthetic data.

- a change of a count (人数) registers a count, and "unchanged" means a difference of 0;
- keep_zero prints a percentage of 0 for an item unchanged from a zero base (下降0.00%);
- a sentence template whose output has several lines gives one paragraph per line;
- section titles are templates; the `numbered` filter writes a numbering style;
- a projects row source may sit beside a column on a dataset without projects;
- a project names its 功能科目, and project_economic facts carry it as `code`.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from budget_author.compute.facts import Fact, datasets
from budget_author.compute.names import Names
from budget_author.compute.narrative import FigureSpec, NarrativeEngine
from budget_author.compute.sentences import section_blocks
from budget_author.compute.view import Figures
from budget_author.model import Budget, Project, Staffing, Unit
from budget_author.profiles import Profile
from budget_author.profiles.tablespec import validate_table

D = Decimal
UNIT = Unit(name="测试中心", year=2024, region="测试县", level="县(区)级", dept_name="人社局",
            unit_type="参照公务员法管理事业单位")


def _engine(data, budget):
    figures = Figures()
    return NarrativeEngine(budget, data, figures, Names(budget)), figures


def test_a_change_of_people_is_a_count_and_unchanged_means_equal():
    budget = Budget(unit=UNIT, staffing=Staffing(active=16, active_prior=15, veteran=0, veteran_prior=0))
    engine, figures = _engine({}, budget)
    shown = engine.section("overview", "二", {name: FigureSpec.model_validate(spec) for name, spec in {
        "active": {"change": {"value": "staffing.active"}, "prior": {"value": "staffing.active_prior"},
                   "format": "count"},
        "veteran": {"change": {"value": "staffing.veteran"}, "prior": {"value": "staffing.veteran_prior"},
                    "format": "count"},
    }.items()})
    assert (shown["active"]["amount"], shown["active"]["up"], shown["active"]["same"]) == ("1", True, False)
    assert (shown["veteran"]["amount"], shown["veteran"]["same"]) == ("0", True)
    assert figures.by_key["overview.二.active"].text == "1" and figures.by_key["overview.二.active"].unit == "个"


def test_keep_zero_prints_zero_percent_for_an_item_unchanged_from_nothing():
    data = {"three_public": [], "上年预算.three_public": [Fact({"item": "因公出国（境）费"}, D(0))]}
    engine, _ = _engine(data, Budget(unit=UNIT))
    spec = {"change": {"sum": "three_public"}, "prior": {"sum": "上年预算.three_public"}, "zero_base": 100}
    kept = engine.section("narrative", "十", {"c": FigureSpec.model_validate({**spec, "keep_zero": True})})["c"]
    dropped = engine.section("narrative", "十x", {"c": FigureSpec.model_validate(spec)})["c"]
    assert (kept["amount_verb"], kept["percent_verb"], kept["percent"]) == ("减少", "下降", "0%")  # the default percent format; Xinjiang writes 0.00%
    assert dropped["percent"] == ""


def test_a_template_of_several_lines_gives_a_paragraph_per_line_and_titles_are_templates():
    part = {"key": "narrative", "sections": [{
        "key": "七", "title": "七、关于{{ n.unit }}的说明",
        "paragraphs": ["{% for p in s.projects %}{{ loop.index | numbered('（一）') }}项目名称：{{ p }}\n"
                       "预算安排规模：1万元\n{% endfor %}"],
        "subsections": [{"title": "（一）{{ n.year }}年", "paragraphs": ["一句。"]}],
    }]}
    profile = Profile("test", Path("."), {"macros": ""}, ())
    n = {"unit": "测试中心", "year": 2024, "七": {"projects": ["甲", "乙"]}}
    blocks = section_blocks(profile, part, n, {}, [], False)
    assert blocks[0].title == "七、关于测试中心的说明" and blocks[1].title == "（一）2024年"
    assert [str(p) for p in blocks[0].paragraphs] == ["（一）项目名称：甲", "预算安排规模：1万元",
                                                      "（二）项目名称：乙", "预算安排规模：1万元"]


def test_projects_rows_may_sit_beside_a_column_on_a_dataset_without_projects():
    spec = validate_table({
        "number": 11, "title": "上年结转结余情况明细表", "widths": [40, 30, 30], "dataset": "projects",
        "scope": {"period": "上年结转"}, "rows": {"source": "projects"},
        "columns": [{"text": "项目", "show": "label"}, {"text": "项目支出", "key": "project"},
                    {"text": "人员经费", "key": "personnel", "sum": "economic", "filter": {"cost": "人员经费"}}],
    }, "test")
    assert spec.number == 11


def test_a_project_names_its_functional_code_and_its_economic_split_carries_it():
    project = Project(seq="1", name="补助", category="特定目标类", current={"一般公共预算": D(40000)},
                      economic={"302": D(25000), "30301": D(15000)}, function="2080199")
    facts = datasets(Budget(unit=UNIT, projects=(project,)))["project_economic"]
    assert sorted((f.dims["code"], f.dims["economic"], f.dims["class"], f.amount) for f in facts) == [
        ("2080199", "302", "302", D(25000)), ("2080199", "30301", "303", D(15000))]
