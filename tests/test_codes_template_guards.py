"""Issue 13, items 4 and 5: unknown codes do not drown the clerk; the template guards its input.

Every workbook is made from the real template (`make_workbook`) starting from the consistent MINI unit.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from budget_author import classification as C
from budget_author.check import check_workbook
from budget_author.compute.names import Names
from budget_author.paths import package_data
from budget_author.workbook import schema as S
from budget_author.workbook.template import build_workbook

EXP, ECO = "支出", "基本支出经济分类"


def issues(path, prefix: str = ""):
    return [i for i in check_workbook(path).issues if i.code.startswith(prefix)]


def triples(found):
    return [(i.code, i.sheet, i.cell) for i in found]


def _row(code, kind="基本支出", period="当年预算", amount="0.00", **extra):
    return {"code": code, "source": "一般公共预算", "kind": kind, "period": period, "amount": amount, **extra}


# ---------------------------------------------------------------- item 4: unknown codes
def test_unknown_item_code_is_one_problem_naming_the_typed_code(mini, make_workbook):
    """A 项 of class 213 typed on three rows: one problem, about 2130101, naming the unnamed 款 21301."""
    mini["expenditure"][2]["code"] = "2130101"
    mini["expenditure"] += [_row("2130101", period="上年结转"), _row("2130101", kind="项目支出", period="上年结转")]
    found = issues(make_workbook(mini), "CODE_")
    assert triples(found) == [("CODE_NAME_NEEDED", EXP, "A5")]
    message = found[0].message
    assert "“2130101”" in message and "“21301”" in message
    assert "第 5、6、7 行" in message
    assert [r for r in found[0].related] == [(EXP, "A6"), (EXP, "A7")]


def test_unknown_item_with_a_typed_name_warns_once_and_the_name_is_used(mini, make_workbook):
    mini["expenditure"][2].update(code="2210299", name="其他住房改革支出")
    mini["expenditure"].append(_row("2210299", period="上年结转"))
    path = make_workbook(mini)
    found = issues(path, "CODE_")
    assert triples(found) == [("CODE_UNKNOWN", EXP, "A5")]
    assert found[0].severity.value == "warning"
    assert "“2210299”" in found[0].message and "其他住房改革支出" in found[0].message
    budget = check_workbook(path).parsed.budget
    assert Names(budget).functional("2210299") == "其他住房改革支出"


def test_custom_codes_resolve_the_warnings(mini, make_workbook):
    mini["expenditure"][2].update(code="2130101", name="行政运行")
    mini["custom_codes"] += [{"scheme": "功能分类", "code": "21301", "name": "农业农村"},
                             {"scheme": "功能分类", "code": "2130101", "name": "行政运行"}]
    path = make_workbook(mini)
    assert issues(path, "CODE_") == []
    names = Names(check_workbook(path).parsed.budget)
    assert (names.functional("21301"), names.functional("2130101")) == ("农业农村", "行政运行")


def test_name_column_looks_up_the_custom_codes_first():
    ws = build_workbook({})["支出"]
    formula = ws["G3"].value
    assert "'自定义科目'!$C$2:$C$201" in formula and "'自定义科目'!$B$2:$B$201" in formula
    assert formula.index("自定义科目") < formula.index("VLOOKUP")  # the unit's own entry wins
    assert 'IF(B3<>"",B3,' in formula  # then the typed name


def test_name_column_shows_the_custom_name_when_recalculated(mini, make_workbook, tmp_path):
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (bash tasks.sh test installs it)")
    mini["expenditure"][2]["code"] = "2130101"
    mini["expenditure"][1].update(code="2080199")
    mini["expenditure"].append(_row("2210299", period="上年结转", name="其他住房改革支出"))
    mini["custom_codes"] += [{"scheme": "功能分类", "code": "21301", "name": "农业农村"},
                             {"scheme": "功能分类", "code": "2130101", "name": "行政运行（自定义）"}]
    path = make_workbook(mini)
    out = tmp_path / "out"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "xlsx", "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=180)
    ws = load_workbook(out / path.name, data_only=True)["支出"]
    assert [ws[f"G{r}"].value for r in range(3, 7)] == [
        "社会保险经办机构", "其他人力资源和社会保障管理事务支出", "行政运行（自定义）", "其他住房改革支出"]
    assert ws.protection.sheet  # LibreOffice opens the protected workbook and keeps the protection


@pytest.mark.parametrize("unit_type", ["公益一类事业单位", "公益二类事业单位", "生产经营类事业单位"])
def test_government_economic_code_is_derived_for_an_institution(mini, make_workbook, unit_type):
    """A 事业单位 types no 政府经济科目: 30217 → 50502, 30231 → 50208, 31002 → 50601 are derived."""
    mini["unit"]["unit_type"] = unit_type
    mini.pop("admin_running")
    for row in mini["basic_economic"]:
        row.pop("gov_code", None)
    mini["custom_codes"] = []
    mini["basic_economic"].append({"code": "31002", "amount": "0.00"})
    path = make_workbook(mini)
    assert issues(path, "CODE_") == []
    names = Names(check_workbook(path).parsed.budget)
    assert [names.gov_code_for(c) for c in ("30101", "30217", "30231", "31002")] == ["50501", "50502", "50208", "50601"]
    assert [names.gov_name_for(c) for c in ("30217", "30231", "31002")] == ["商品和服务支出", "公务用车运行维护费",
                                                                         "资本性支出（一）"]


def test_government_economic_code_is_asked_only_when_not_derivable(mini, make_workbook):
    """A 行政单位's 30217 has no correspondence row: asked once, however many rows use it."""
    mini["basic_economic"][3].pop("gov_code")
    mini["basic_economic"].append({"code": "30217", "amount": "0.00", "source": "政府性基金预算"})
    found = issues(make_workbook(mini), "CODE_")
    assert triples(found) == [("CODE_GOV_UNKNOWN", ECO, "C6")]
    assert "第 6、8 行" in found[0].message
    assert C.derived_gov_code("30217", admin=True) == ""
    assert C.derived_gov_code("30217", admin=False) == "50502"


def test_code_typed_as_a_number_is_reported_as_typed(mini, make_workbook):
    mini["expenditure"][2]["code"] = 2080000  # a number, as Excel stores it
    found = issues(make_workbook(mini), "CODE_")
    assert triples(found) == [("CODE_ZERO_LEVEL", EXP, "A5")]
    assert "“2080000”" in found[0].message and "“20800”" not in found[0].message


def test_code_typed_as_a_number_known_code(mini, make_workbook):
    mini["expenditure"][2]["code"] = 2210201
    assert issues(make_workbook(mini)) == []


def test_bundled_tables_cover_the_added_rows_and_every_source_is_documented():
    functional = C.bundled(C.FUNCTIONAL)
    assert functional.name("21305") == "巩固脱贫攻坚成果衔接乡村振兴"
    assert functional.name("2130550") == "事业运行"
    gov = C.bundled(C.ECONOMIC_GOV)
    assert (gov.name("50208"), gov.name("50601")) == ("公务用车运行维护费", "资本性支出（一）")
    provenance = package_data("classification", "data", "PROVENANCE.md").read_text(encoding="utf-8")
    for name in ("functional_classification.csv", "economic_classification_dept.csv",
                 "economic_classification_gov.csv"):
        with package_data("classification", "data", name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for tag in filter(None, row["source"].split(";")):
                    family = tag.split(":")[0] + ":" if tag.startswith(("gbc:", "seed:", "code:")) else tag
                    assert family in provenance, (name, row["code"], tag)


# ---------------------------------------------------------------- item 5: the template guards its input
def test_every_fill_in_cell_has_a_prompt_and_an_alert():
    workbook = build_workbook({})
    for spec in S.SHEETS:
        ws = workbook[spec.title]
        validations = ws.data_validations.dataValidation
        assert validations, spec.title
        for dv in validations:
            assert dv.showInputMessage and dv.showErrorMessage, (spec.title, str(dv.sqref))
            assert dv.prompt and len(dv.prompt) <= 255 and len(dv.promptTitle or "") <= 32
        covered = {str(r) for dv in validations for r in dv.sqref.ranges}
        if not spec.is_fixed:
            for col in spec.columns:
                if col.is_input:
                    letter = spec.letter(col.key)
                    assert f"{letter}{spec.first_data_row}:{letter}{spec.last_data_row}" in covered, (spec.title, col.key)
    money = build_workbook({})["支出"].data_validations.dataValidation
    amount = next(dv for dv in money if str(dv.sqref) == "F3:F1002")
    assert amount.type == "decimal" and "元" in amount.prompt and "万元" in amount.prompt


def test_headers_and_computed_cells_are_locked_fill_in_cells_are_not():
    workbook = build_workbook({})
    for ws in workbook.worksheets:
        assert ws.protection.sheet and not ws.protection.password, ws.title
    ws = workbook["支出"]
    assert ws["A1"].protection.locked and ws["G3"].protection.locked and ws["F2"].protection.locked
    assert not ws["A3"].protection.locked and not ws["F202"].protection.locked
    assert ws.column_dimensions["A"].protection.locked is False  # rows past the styled ones
    assert ws.column_dimensions["G"].protection.locked is True  # the 规范名称 formulas
    reasons = workbook["变动原因"]
    assert reasons["B2"].protection.locked and not reasons["F2"].protection.locked
    unit = workbook["单位信息"]
    assert unit["A2"].protection.locked and not unit["B2"].protection.locked
    projects = workbook["项目"]
    assert projects["A3"].protection.locked and not projects["A103"].protection.locked  # past the prefilled 序号


def test_every_amount_header_says_its_unit():
    for spec in S.SHEETS:
        for col in spec.columns:
            if col.kind == "money" or (col.kind == "formula" and col.key.endswith("total")):
                assert "元" in col.header, (spec.title, col.header)
        if spec.is_fixed:
            column = spec.input_column()
            for row in spec.fixed_rows:
                if spec.fixed_kind(row) == "money":
                    assert "元" in row.label or "元" in column.header, (spec.title, row.label)


def test_headers_written_before_the_unit_was_added_still_read(mini, make_workbook):
    path = make_workbook(mini)
    workbook = load_workbook(path)
    forms = workbook["绩效目标表"]
    forms["F1"] = "实施期-中央财政资金"
    forms["P1"] = "实施期资金总额（自动）"
    workbook["整体绩效"]["A3"] = "整体绩效目标涉及资金 *"
    workbook.save(path)
    assert issues(path) == []


def test_a_renamed_sheet_is_recognised_from_its_headers(mini, make_workbook):
    path = make_workbook(mini)
    workbook = load_workbook(path)
    workbook["支出"].title = "支出预算"
    workbook["整体绩效"].title = "整体"
    workbook.save(path)
    found = issues(path, "WB_")
    assert triples(found) == [("WB_SHEET_RENAMED", "支出预算", None), ("WB_SHEET_RENAMED", "整体", None)]
    assert found[0].message.startswith("工作表“支出预算”应命名为“支出”")
    assert "复制" in found[0].message and "不要" in found[0].message
    assert found[0].severity.value == "error"


def test_a_deleted_sheet_is_still_missing(mini, make_workbook):
    path = make_workbook(mini)
    workbook = load_workbook(path)
    del workbook["支出"]
    workbook.create_sheet("备注")["A1"] = "随手记"
    workbook.save(path)
    assert triples(issues(path, "WB_")) == [("WB_SHEET_MISSING", "支出", None)]


def test_a_deleted_project_row_is_one_problem(mini, make_workbook):
    mini["projects"] = mini["projects"][1:]  # project 1 deleted; its form and indicators still name it
    mini["perf_indicators"].append(
        {"project": "1", "period": "年度", "level2": "质量指标", "level3": "可用率", "value": "≥99%"})
    found = issues(make_workbook(mini), "PERF_PROJECT_UNKNOWN")
    assert triples(found) == [("PERF_PROJECT_UNKNOWN", "绩效目标表", "A2")]
    assert "“绩效目标表”第 2 行，“绩效指标”第 2–4 行（共 3 行）" in found[0].message
    assert [r for r in found[0].related] == [("绩效指标", "A2"), ("绩效指标", "A3"), ("绩效指标", "A4")]


def test_unmatched_totals_name_the_source_period_and_rows(mini, make_workbook):
    mini["income"].append({"source": "单位资金", "period": "当年预算", "amount": "50000.00"})
    mini["income"][0]["amount"] = "950000.00"
    found = issues(make_workbook(mini), "TOTAL_SOURCE")
    assert len(found) == 2
    message = next(i.message for i in found if i.message.startswith("单位资金"))
    assert "资金来源为“单位资金”、预算类型为“当年预算”的行（第 4 行）" in message
    assert "（没有这样的行）" in message

    data = {**mini, "income": [{"source": "一般公共预算", "period": "当年预算", "amount": "1000000.00"}]}
    data["basic_economic"] = [dict(r) for r in mini["basic_economic"]]
    data["basic_economic"][0]["amount"] = "400001.00"
    found = issues(make_workbook(data), "BASIC_ECON_TOTAL")
    assert len(found) == 1
    assert "“基本支出经济分类”表中资金来源为“一般公共预算”的行（第 3–7 行（共 5 行）" in found[0].message
    assert "支出类型为“基本支出”、预算类型为“当年预算”的行（第 3、5 行（共 2 行））" in found[0].message


def test_project_total_names_the_column_and_rows(mini, make_workbook):
    mini["projects"][1]["cur_gpb"] = "100001.00"
    found = issues(make_workbook(mini), "PROJ_TOTAL")
    assert len(found) == 1
    assert "“项目”表的“当年-一般公共预算（元）”一栏" in found[0].message
    assert "资金来源为“一般公共预算”、支出类型为“项目支出”、预算类型为“当年预算”的行（第 4 行）" in found[0].message


def test_examples_template_prompts_do_not_change_what_is_read(make_workbook):
    """The examples still check clean (their workbooks are regenerated from the same template)."""
    from tests.conftest import EXAMPLES
    for name in ("datong-2024", "fenyang-2025"):
        assert check_workbook(EXAMPLES / f"{name}.xlsx").issues == []


def test_prompts_are_chinese():
    workbook = build_workbook({})
    for ws in workbook.worksheets:
        for dv in ws.data_validations.dataValidation:
            assert re.search(r"[\u4e00-\u9fff]", dv.prompt), (ws.title, dv.prompt)
