"""The general engine growth the Ningxia profile needed (each one usable by any profile):
a loop over the 重点项目 sheet, table texts and headings that name {prior_year}/{year}, a looping template
that writes several paragraphs, and PERF_NO_INDICATORS asking only for the 绩效期间 the workbook offers."""

from __future__ import annotations

from decimal import Decimal

from budget_author.compute.facts import Fact
from budget_author.compute.names import Names
from budget_author.compute.narrative import FigureSpec, NarrativeEngine
from budget_author.compute.sentences import _paragraphs, _title
from budget_author.compute.tables import TableInputs
from budget_author.compute.view import Figures
from budget_author.model import Budget, KeyProject, Project, Unit

D = Decimal
UNIT = Unit(name="中卫市社会保险事业管理中心", year=2024, region="中卫市", level="市级", dept_code="310",
            dept_name="中卫市人力资源和社会保障局", unit_type="公益一类事业单位")


def test_a_loop_over_the_key_projects_in_the_sheets_order_with_each_projects_total():
    projects = (Project(seq="4", name="企业退休职工民族团结奖财政补助资金", category="特定目标类",
                        current={"一般公共预算": D("60780000")}),
                Project(seq="6", name="机关事业单位退休人员发放养老保险金市级补助", category="特定目标类",
                        current={"一般公共预算": D("200000000")}))
    budget = Budget(unit=UNIT, projects=projects, key_projects=(
        KeyProject(project="6", text="项目总体目标为按规定及时足额发放。"),
        KeyProject(project="4", heading="企业退休职工民族团结奖财政补助项目", text="项目总体目标为发放民族团结奖。")))
    data = {"projects": [Fact({"project": i, "source": "一般公共预算", "period": "当年预算"}, p.current_total)
                         for i, p in enumerate(projects)]}
    figures = Figures()
    engine = NarrativeEngine(budget, data, figures, Names(budget), None)
    spec = FigureSpec.model_validate({"each": "key_projects", "dataset": "projects",
                                      "figures": {"amount": {"sum": "projects", "key": "key_project.{key}"}}})
    shown = engine.section("narrative", "六", {"key": spec})["key"]
    assert [(k["name"], k["heading"], k["amount"]) for k in shown] == [
        ("机关事业单位退休人员发放养老保险金市级补助", "", "20,000.00"),
        ("企业退休职工民族团结奖财政补助资金", "企业退休职工民族团结奖财政补助项目", "6,078.00")]  # the default narrative format
    assert shown[1]["text"] == "项目总体目标为发放民族团结奖。"
    assert figures.by_key["narrative.六.key_project.4"].value == D("60780000")


def test_table_texts_and_headings_may_name_last_year():
    inputs = TableInputs(data={}, names=None, unit_name="x", year=2024)
    assert inputs.text("{prior_year}年执行数（决算数）") == "2023年执行数（决算数）"
    assert _title("一、关于{year}年财政拨款收支预算情况的总体说明", {"year": 2024, "prior_year": 2023}) == \
        "一、关于2024年财政拨款收支预算情况的总体说明"
    assert _title("三、“三公”经费增减变动原因说明", {"year": 2024}) == "三、“三公”经费增减变动原因说明"


def test_a_looping_template_may_write_several_paragraphs():
    def render(template):
        return template  # the rendered text, as a template would give it
    assert [str(p) for p in _paragraphs(render, ["1.甲项目\n\n项目资金总额1万元。\n\n", "单独一段。"])] == \
        ["1.甲项目", "项目资金总额1万元。", "单独一段。"]
    assert _paragraphs(render, ["", "\n\n"]) == []


def _ningxia_check(tmp_path, change, name="nx.xlsx"):
    import json

    from budget_author.check import check_workbook
    from budget_author.workbook.template import write_template
    from conftest import EXAMPLES

    data = json.loads((EXAMPLES / "data" / "zhongwei-2024.json").read_text(encoding="utf-8"))
    change(data)
    path = write_template(tmp_path / name, data, profile="ningxia")
    return check_workbook(path)


def test_the_ningxia_validation_set_asks_for_its_own_texts(tmp_path):
    result = _ningxia_check(tmp_path, lambda d: d.update(paragraphs=[p for p in d["paragraphs"]
                                                                     if p["section"] != "本单位职责"]))
    missing = [i for i in result.issues if i.code == "TEXT_SECTION_MISSING"]
    assert [(i.params["section"], i.params["part"]) for i in missing] == [("本单位职责", "单位概况")]  # not 机构设置


def test_perf_no_indicators_asks_only_for_the_periods_the_workbook_offers(tmp_path):
    clean = _ningxia_check(tmp_path, lambda d: None)
    assert [i.code for i in clean.issues] == []  # 年度 only: no 实施期 asked for
    result = _ningxia_check(tmp_path, lambda d: d.update(
        perf_indicators=[i for i in d["perf_indicators"] if i["project"] != "3"]), "nx-3.xlsx")
    assert [(i.code, i.params["period"]) for i in result.issues] == [("PERF_NO_INDICATORS", "年度")]


def test_every_xiang_of_table_two_needs_last_years_actual(tmp_path):
    result = _ningxia_check(tmp_path, lambda d: d.update(
        prior_expenditure=[r for r in d["prior_expenditure"] if r["code"] != "2101102"]), "nx-prior.xlsx")
    assert [(i.code, i.params["code"]) for i in result.issues] == [("PRIOR_ITEM_MISSING", "2101102")]
