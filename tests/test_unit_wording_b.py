"""Issue 13 (developer b): what a real unit's document says — unit types, 未编报 整体绩效目标, the 项目
wording, 事业单位 without 机关运行经费, the glossary over the 预算级次, the forms' signatures — and the
文档选项 (cover, 目录, 结构图, list order, running-head title) and the 政府购买服务目录 table.

Every workbook is made from the real template (conftest.make_workbook); the sentences are read from
the rendered document (render_html), the PDF where layout matters.
"""

from __future__ import annotations

import re
import subprocess
from html import unescape

import pytest
from openpyxl import load_workbook

from budget_author.build import build_document
from budget_author.check import check_workbook
from budget_author.compute.report import compute_report
from budget_author.render.html import render_html
from budget_author.workbook import schema as S
from conftest import EXAMPLES, example_data


def problems(path):
    return [(i.code, i.sheet, i.cell) for i in check_workbook(path).issues]


def document(path) -> str:
    """The document's text as HTML renders it (tags removed, entities decoded)."""
    result = check_workbook(path)
    assert result.issues == [], result.issues
    report = compute_report(result.parsed.budget)
    return unescape(re.sub(r"<[^>]+>", "", render_html(report)))


def html(path) -> str:
    result = check_workbook(path)
    assert result.issues == [], result.issues
    return render_html(compute_report(result.parsed.budget))


# ---------------------------------------------------------------- 整体绩效目标
def test_overall_performance_compiled_prints_bian_bao(mini, make_workbook):
    text = document(make_workbook(mini))
    assert "2025年编报单位整体绩效目标2个，涉及资金30.00万元。" in text
    assert "未编报" not in text


def test_overall_performance_not_compiled_prints_wei_bian_bao(mini, make_workbook):
    mini["overall_perf"] = {"compiled": "否"}
    text = document(make_workbook(mini))
    assert "2025年未编报单位整体绩效目标，涉及资金0万元。" in text
    assert "年编报单位整体绩效目标" not in text


def test_overall_performance_zero_amount_without_statement_is_not_compiled(mini, make_workbook):
    mini["overall_perf"] = {"amount": "0"}
    assert "2025年未编报单位整体绩效目标，涉及资金0万元。" in document(make_workbook(mini))


def test_overall_performance_amount_is_still_required_unless_not_compiled(mini, make_workbook):
    mini["overall_perf"] = {"count": 2}
    assert problems(make_workbook(mini)) == [("VAL_REQUIRED", "整体绩效", "B3")]


def test_not_compiled_with_an_amount_is_a_contradiction(mini, make_workbook):
    mini["overall_perf"] = {"count": 2, "amount": "300000.00", "compiled": "否"}
    result = check_workbook(make_workbook(mini))
    assert [(i.code, i.sheet, i.cell) for i in result.issues] == [("OVERALL_PERF_CONFLICT", "整体绩效", "B4")]
    assert "个数 2 个、涉及资金 30.00 万元" in result.issues[0].message
    mini["overall_perf"]["compiled"] = "是"
    assert problems(make_workbook(mini)) == []


# ---------------------------------------------------------------- the 项目 wording
@pytest.mark.parametrize("choice, expected", [(None, "一、二级项目2个"), ("一、二级项目", "一、二级项目2个"),
                                              ("二级项目", "纳入绩效目标管理的二级项目2个")])
def test_project_wording_is_a_choice(mini, make_workbook, choice, expected):
    if choice:
        mini["options"] = {"project_wording": choice}
    text = document(make_workbook(mini))
    assert expected in text
    if choice == "二级项目":
        assert "一、二级项目" not in text


def test_each_example_chooses_its_references_project_wording(built):
    datong, fenyang = (built[name][0].report for name in ("datong-2024", "fenyang-2025"))
    assert datong.n["project_wording"] == "二级项目"
    assert fenyang.n["project_wording"] == "一、二级项目"


# ---------------------------------------------------------------- unit types and 机关运行经费
def _institution(mini, unit_type: str) -> dict:
    mini["unit"]["unit_type"] = unit_type
    mini["admin_running"] = {}
    mini["prior"].pop("admin_running")
    for row in mini["basic_economic"]:
        if row["code"].startswith("301"):
            row["gov_code"] = "50501"
        elif row["code"] == "30201":
            row["gov_code"] = "50502"
    return mini


@pytest.mark.parametrize("unit_type, sentence", [
    ("事业单位", "本单位为事业单位，无机关运行经费。"),
    ("公益一类事业单位", "本单位无机关运行经费。"),
    ("公益二类事业单位", "本单位无机关运行经费。"),
    ("公益三类事业单位", "本单位无机关运行经费。"),
    ("经营类事业单位", "本单位无机关运行经费。"),
    ("其他", "本单位无机关运行经费。"),
])
def test_a_unit_without_admin_running_costs_says_so_and_needs_no_prior_figure(mini, make_workbook, unit_type,
                                                                               sentence):
    text = document(make_workbook(_institution(mini, unit_type)))
    start = text.rindex("八、机关运行经费增减变动原因说明")  # the body's, not the 目录's
    section = text[start:text.index("九、政府采购情况", start)]
    assert sentence in section
    assert ("本单位为事业单位" in section) == (unit_type == "事业单位")


def test_prior_admin_running_is_still_demanded_from_an_admin_unit(mini, make_workbook):
    mini["prior"].pop("admin_running")
    assert problems(make_workbook(mini)) == [("PRIOR_MISSING", "上年数", "B10")]


@pytest.mark.parametrize("unit_type", ["行政单位", "参照公务员法管理事业单位"])
def test_admin_units_print_their_admin_running_costs(mini, make_workbook, unit_type):
    mini["unit"]["unit_type"] = unit_type
    text = document(make_workbook(mini))
    assert "2025年测试市测试中心机关运行经费财政拨款预算20.00万元，与2024年预算数相同。" in text


def test_the_unit_type_list_is_the_full_set():
    assert S.LISTS["单位类型"] == ("行政单位", "参照公务员法管理事业单位", "公益一类事业单位", "公益二类事业单位",
                                 "公益三类事业单位", "经营类事业单位", "事业单位", "其他")


@pytest.mark.parametrize("typed, read", [("生产经营类事业单位", "经营类事业单位"), ("其他单位", "其他"),
                                         ("参公单位", "参照公务员法管理事业单位"), ("事业单位", "事业单位"),
                                         (" 公益三类事业单位 ", "公益三类事业单位")])
def test_earlier_and_plain_unit_type_names_are_accepted(mini, make_workbook, typed, read):
    admin = read == "参照公务员法管理事业单位"
    data = mini if admin else _institution(mini, "其他")
    data["unit"]["unit_type"] = typed
    result = check_workbook(make_workbook(data))
    assert result.issues == []
    assert result.parsed.budget.unit.unit_type == read


def test_an_unknown_unit_type_is_still_refused(mini, make_workbook):
    mini["unit"]["unit_type"] = "企业"
    assert problems(make_workbook(mini)) == [("VAL_CHOICE", "单位信息", "B8")]


def test_the_unit_type_decides_the_government_economic_split(mini, make_workbook):
    """行政/参公 units use the 机关 column of the correspondence (50101), others the 事业单位 one (50501)."""
    from budget_author.compute.names import Names

    admin = check_workbook(make_workbook(mini)).parsed.budget
    institution = check_workbook(make_workbook(_institution(mini, "事业单位"))).parsed.budget
    assert Names(admin).gov_code_for("30113") == "50103"
    assert Names(institution).gov_code_for("30113") == "50501"


# ---------------------------------------------------------------- the glossary over the 预算级次
@pytest.mark.parametrize("level, words", [("省级", "指省直部门用财政拨款安排的"), ("市级", "指市直部门用财政拨款安排的"),
                                          ("县(区)级", "指县（市、区）直部门用财政拨款安排的")])
def test_the_glossary_follows_the_units_level(mini, make_workbook, level, words):
    mini["unit"]["level"] = level
    report = compute_report(check_workbook(make_workbook(mini)).parsed.budget)
    entry = next(text for _, term, text in report.glossary if term == "“三公”经费")
    assert entry.startswith(words)
    others = {"省直部门", "市直部门", "县（市、区）直部门"} - {words[1:-8]}
    assert not any(other in entry for other in others)


# ---------------------------------------------------------------- form signatures
def test_form_footer_prints_the_units_signatures_and_a_forms_own(mini, make_workbook):
    mini["options"] = {"signer": "张三", "handler": "李四", "phone": "0350-1234567"}
    mini["perf_forms"][0].update({"phone": "13900000000", "filled_at": "2025-01-10"})
    report = compute_report(check_workbook(make_workbook(mini)).parsed.budget)
    assert report.forms[0].footer == ["负责人:张三", "经办人:李四", "联系电话:13900000000", "填报日期:2025-01-10"]


def test_form_footer_is_blank_by_default(mini, make_workbook):
    report = compute_report(check_workbook(make_workbook(mini)).parsed.budget)
    assert report.forms[0].footer == ["负责人:", "经办人:", "联系电话:", "填报日期:"]


# ---------------------------------------------------------------- 文档选项
def test_cover_toc_and_chart_can_be_switched_off(mini, make_workbook, tmp_path):
    plain = html(make_workbook(mini))
    assert 'class="cover"' in plain and 'class="toc"' in plain and "<svg" in plain
    mini["options"] = {"cover": "不显示", "toc": "不显示", "chart": "不显示"}
    path = make_workbook(mini)
    bare = html(path)
    assert 'class="cover"' not in bare and 'class="toc"' not in bare and "<svg" not in bare
    assert "一般公共预算当年拨款结构图" not in re.sub(r"<[^>]+>", "", bare.split("（二）一般公共预算当年支出结构情况")[1])
    # the PDF starts with 第一部分 on page 1, folio -1-
    result = build_document(path, tmp_path / "bare.pdf")
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(result.pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    assert "第一部分 概况" in first and "-1-" in first and "目　录" not in first


def test_only_the_chart_can_be_switched_off(mini, make_workbook):
    mini["options"] = {"chart": "不显示"}
    out = html(make_workbook(mini))
    assert 'class="cover"' in out and 'class="toc"' in out and "<svg" not in out


def test_the_running_head_uses_the_typed_title(mini, make_workbook):
    mini["options"] = {"title": "2025年部门预算公开"}
    result = check_workbook(make_workbook(mini))
    report = compute_report(result.parsed.budget)
    assert report.running_head == "测试市测试中心　2025年部门预算公开"
    assert report.title == "2025年度单位预算公开"  # the cover keeps the standard title
    assert compute_report(check_workbook(make_workbook({**mini, "options": {}})).parsed.budget).running_head == \
        "测试市测试中心　2025年度单位预算公开"


def _reordered(mini):
    mini["basic_economic"] = [mini["basic_economic"][i] for i in (1, 0, 4, 3, 2)]
    return mini


def test_basic_spending_lists_in_code_order_by_default(mini, make_workbook):
    text = document(make_workbook(_reordered(mini)))
    assert "人员经费50.00万元，主要包括：基本工资、住房公积金等；" in text
    assert "公用经费20.00万元，主要包括：办公费、公务接待费、公务用车运行维护费等。" in text


def test_basic_spending_lists_in_typed_order_when_chosen(mini, make_workbook):
    mini = _reordered(mini)
    mini["options"] = {"list_order": "按填写顺序"}
    text = document(make_workbook(mini))
    assert "人员经费50.00万元，主要包括：住房公积金、基本工资等；" in text
    assert "公用经费20.00万元，主要包括：公务用车运行维护费、公务接待费、办公费等。" in text


def test_an_option_outside_its_list_is_refused(mini, make_workbook):
    mini["options"] = {"cover": "隐藏"}
    assert problems(make_workbook(mini)) == [("VAL_CHOICE", "文档选项", "B2")]


# ---------------------------------------------------------------- 政府购买服务指导性目录 table
CATALOGUE = [
    {"code": "B0101", "level1": "基本公共服务", "level2": "公共就业", "level3": "就业服务", "level4": "职业介绍服务"},
    {"code": "C0201", "level1": "社会管理性服务", "level2": "社区治理服务", "level3": "社区事务", "level4": ""},
]


def test_purchase_catalogue_prints_as_a_table_after_the_text(mini, make_workbook):
    mini["paragraphs"].append({"section": "政府购买服务", "text": "本单位政府购买服务指导性目录摘录如下："})
    mini["purchase_catalogue"] = CATALOGUE
    out = html(make_workbook(mini))
    start = out.rindex("（一）政府购买服务指导性目录")  # the body's, not the 目录's
    section = out[start:out.index("（二）其他", start)]
    assert section.index("本单位政府购买服务指导性目录摘录如下：") < section.index('<table class="catalogue">')
    rows = re.findall(r"<tr>(.*?)</tr>", section, re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in rows]
    assert cells == [["代码", "一级目录", "二级目录", "三级目录", "四级目录"],
                     ["B0101", "基本公共服务", "公共就业", "就业服务", "职业介绍服务"],
                     ["C0201", "社会管理性服务", "社区治理服务", "社区事务", ""]]


def test_purchase_catalogue_alone_replaces_the_no_purchase_sentence(mini, make_workbook):
    mini["purchase_catalogue"] = CATALOGUE[:1]
    text = document(make_workbook(mini))
    assert "无政府购买服务预算" not in text and "职业介绍服务" in text
    del mini["purchase_catalogue"]
    assert "本单位2025年无政府购买服务预算。" in document(make_workbook(mini))


# ---------------------------------------------------------------- older workbooks
def _as_version_1(path):
    """The workbook as schema version 1 wrote it: without the version-2 sheets, row and columns."""
    workbook = load_workbook(path)
    for title in ("文档选项", "政府购买服务目录"):
        del workbook[title]
    workbook["整体绩效"].delete_rows(4)
    forms = workbook["绩效目标表"]
    forms.delete_cols(S.sheet("perf_forms").columns.index(S.sheet("perf_forms").column("signer")) + 1, 3)
    workbook["_meta"]["B1"] = 1
    workbook.save(path)
    return path


def test_a_version_1_workbook_still_reads_with_todays_output(mini, make_workbook):
    path = _as_version_1(make_workbook(mini))
    result = check_workbook(path)
    assert result.issues == []
    budget = result.parsed.budget
    assert budget.options.shows("cover") and budget.purchase_catalogue == ()
    assert budget.overall_performance.is_compiled


def test_the_examples_version_1_workbooks_still_check_clean(tmp_path):
    for name in ("datong-2024", "fenyang-2025"):
        target = tmp_path / f"{name}.xlsx"
        target.write_bytes((EXAMPLES / f"{name}.xlsx").read_bytes())
        assert check_workbook(_as_version_1(target)).issues == []


def test_a_newer_workbook_than_the_program_is_refused(mini, make_workbook):
    path = make_workbook(mini)
    workbook = load_workbook(path)
    workbook["_meta"]["B1"] = S.SCHEMA_VERSION + 1
    workbook.save(path)
    assert problems(path) == [("WB_SCHEMA_NEWER", None, None)]


def test_examples_data_keep_their_options_local():
    assert example_data("datong-2024")["options"] == {"project_wording": "二级项目"}
    assert "options" not in example_data("fenyang-2025")


def test_the_blank_template_offers_each_option_as_a_dropdown(tmp_path):
    from budget_author.workbook.template import write_template

    workbook = load_workbook(write_template(tmp_path / "blank.xlsx"))
    options = workbook["文档选项"]
    labels = [options.cell(row, 1).value for row in range(2, 2 + len(S.OPTION_ROWS))]
    assert labels == [row.label for row in S.OPTION_ROWS]
    lists = {str(dv.sqref): dv for dv in options.data_validations.dataValidation if dv.type == "list"}
    for row in S.OPTION_ROWS:
        cell = f"B{S.sheet('options').fixed_row_number(row.key)}"
        assert (cell in lists) == (row.kind == "choice"), row.key  # text rows: a length check, no list
    overall = {str(dv.sqref) for dv in workbook["整体绩效"].data_validations.dataValidation}
    assert "B4" in overall and workbook["整体绩效"]["A4"].value == "是否编报整体绩效目标"
    assert [c.value for c in workbook["政府购买服务目录"][1]] == ["代码", "一级目录", "二级目录", "三级目录", "四级目录"]
    assert workbook["_meta"]["B1"].value == S.SCHEMA_VERSION == 3  # 3: issue 15's 本年继续
