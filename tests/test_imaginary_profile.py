"""Issue 14, item 5: a standard is data and templates. An imaginary one renders with no Python of its own.

tests/profiles/imaginary/ is 示例省单位预算公开, an invented standard: three tables (one side by side,
one comparing this year by 项 with last year's budget, one in 元 by economic class), two narrative
sections (one a loop over this year's and last year's 项 with change sentences, typed reasons and a
zero alternative), an annual project form in 万元, a glossary numbered （1）, its own cover
(templates/document.html extends base.html) and its own CSS. It is found through
BUDGET_AUTHOR_PROFILES, as a bureau's own standard would be. This module writes its workbook with
`init --profile imaginary`, fills one through the template writer, checks and builds it through the
CLI once, and asserts what the document says.
"""

from __future__ import annotations

import copy
import html
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from budget_author import profiles
from budget_author.cli import cli
from budget_author.profiles import load_profile
from budget_author.workbook.layout import layout_of
from budget_author.workbook.template import write_template

PROFILES = Path(__file__).resolve().parent / "profiles"
FOLDER = PROFILES / "imaginary"
NAME = "imaginary"

# One unit of 示例省, in 元. This year: 102.00 万元 (一般公共预算 100.00, 单位资金 2.00). Last year's budget
# per 项 (上年支出): 100.60 万元, with 2080199 budgeted last year only and 2210201 this year only.
DATA = {
    "unit": {"name": "示例市社会保险中心", "year": 2025, "region": "示例市", "level": "市级", "dept_code": "301",
             "dept_name": "示例市人力资源和社会保障局", "unit_type": "事业单位", "closing_date": "2025-02-10"},
    "income": [
        {"source": "一般公共预算", "period": "当年预算", "amount": "1000000.00"},
        {"source": "单位资金", "period": "当年预算", "amount": "20000.00"},
    ],
    "expenditure": [
        {"code": "2080109", "source": "一般公共预算", "kind": "基本支出", "period": "当年预算", "amount": "600000.00"},
        {"code": "2080109", "source": "一般公共预算", "kind": "项目支出", "period": "当年预算", "amount": "250000.00"},
        {"code": "2080109", "source": "单位资金", "kind": "项目支出", "period": "当年预算", "amount": "20000.00"},
        {"code": "2080505", "source": "一般公共预算", "kind": "基本支出", "period": "当年预算", "amount": "96000.00"},
        {"code": "2210201", "source": "一般公共预算", "kind": "基本支出", "period": "当年预算", "amount": "54000.00"},
    ],
    "basic_economic": [
        {"code": "30101", "amount": "300000.00"},
        {"code": "30102", "amount": "200000.00"},
        {"code": "30108", "amount": "96000.00"},
        {"code": "30113", "amount": "54000.00"},
        {"code": "30201", "amount": "60000.00"},
        {"code": "30211", "amount": "40000.00"},
    ],
    "projects": [
        {"seq": 1, "name": "社保信息系统运维", "category": "其他运转类", "cur_gpb": "150000.00", "cur_unit": "20000.00",
         "published": "是"},
        {"seq": 2, "name": "参保扩面专项", "category": "特定目标类", "cur_gpb": "100000.00", "published": "否"},
    ],
    "paragraphs": [
        {"section": "本单位职责", "text": "负责全市社会保险登记、缴费核定和待遇发放。"},
        {"section": "机构设置", "text": "内设综合科、征缴科、待遇科。"},
        {"section": "项变动原因", "subject": "2080109", "text": "主要原因是新增信息系统运维。"},
        {"section": "项变动原因", "subject": "2080199", "text": "上年一次性项目已完成。"},
    ],
    "prior_expenditure": [
        {"dataset": "上年预算", "code": "2080109", "source": "一般公共预算", "kind": "基本支出", "amount": "560000.00"},
        {"dataset": "上年预算", "code": "2080109", "source": "一般公共预算", "kind": "项目支出", "amount": "300000.00"},
        {"dataset": "上年预算", "code": "2080505", "source": "一般公共预算", "kind": "基本支出", "amount": "96000.00"},
        {"dataset": "上年预算", "code": "2080199", "source": "一般公共预算", "kind": "项目支出", "amount": "50000.00"},
    ],
    "perf_forms": [
        {"project": "1", "attribute": "经常性项目（长期开展）", "term": "1年", "year_local": "150000.00",
         "year_self": "20000.00", "goal_year": "系统全年稳定运行。", "rating": "通过"},
    ],
    "perf_indicators": [
        {"project": "1", "period": "年度", "level2": "数量指标", "level3": "运维系统数", "value": "3个"},
        {"project": "1", "period": "年度", "level2": "服务对象满意度指标", "level3": "参保人满意度", "value": "≥90%"},
    ],
}


@pytest.fixture(scope="module", autouse=True)
def imaginary_on_the_path():
    """BUDGET_AUTHOR_PROFILES names tests/profiles for this module only; the caches forget it afterwards."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(profiles.ENVIRONMENT_VARIABLE, str(PROFILES))
        load_profile.cache_clear()
        layout_of.cache_clear()
        yield
    load_profile.cache_clear()
    layout_of.cache_clear()


@pytest.fixture(scope="module")
def built(tmp_path_factory, imaginary_on_the_path):
    """The filled workbook checked and built once through the CLI: (check result, build result, html, manifest)."""
    folder = tmp_path_factory.mktemp("imaginary")
    workbook = write_template(folder / "示例.xlsx", DATA, profile=NAME)
    runner = CliRunner()
    checked = runner.invoke(cli, ["check", str(workbook)])
    result = runner.invoke(cli, ["build", str(workbook), "--html"])
    page = (folder / "示例.html").read_text(encoding="utf-8") if (folder / "示例.html").exists() else ""
    manifest_file = folder / "示例.manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8")) if manifest_file.exists() else {}
    return checked, result, page, manifest, folder


def _cell(page: str, key: str) -> str:
    """The text of the table cell registered as `key` (data-key in the HTML)."""
    found = re.findall(rf'data-key="{re.escape(key)}">([^<]*)<', page)
    assert len(found) == 1, (key, found)
    return html.unescape(found[0])


def _paragraphs(page: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", p)) for p in re.findall(r'<p class="body[^"]*">(.*?)</p>', page, re.S)]


def _table(page: str, number: int) -> str:
    match = re.search(rf'<section class="table-block[^"]*" id="table-{number}">(.*?)</section>', page, re.S)
    assert match, number
    return match.group(1)


def _rows(table: str) -> list[list[str]]:
    body = table.split("<tbody>", 1)[1]
    return [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


# ---------------------------------------------------------------- the profile is data only
def test_the_profile_folder_holds_no_python():
    files = sorted(p.relative_to(FOLDER).as_posix() for p in FOLDER.rglob("*") if p.is_file())
    assert files == ["README.md", "profile.toml", "style.css", "tables.toml", "templates/document.html",
                     "workbook.toml"]


def test_the_profile_is_found_through_the_environment_and_validates():
    assert NAME in profiles.available() and NAME not in profiles.BUILT_IN
    profile = load_profile(NAME)
    assert profile.folder == FOLDER and profile.label == "示例省单位预算公开"
    assert [t["number"] for t in profile.tables] == [1, 2, 3]
    assert profile.templates == FOLDER / "templates" and profile.stylesheet == FOLDER / "style.css"


def test_init_writes_the_profiles_workbook(tmp_path):
    path = tmp_path / "blank.xlsx"
    result = CliRunner().invoke(cli, ["init", str(path), "--profile", NAME, "--year", "2025"])
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    meta = {row[0].value: row[1].value for row in book["_meta"].iter_rows()}
    assert meta["profile"] == NAME
    assert "上年支出" in book.sheetnames
    for omitted in ("上年数", "变动原因", "三公经费", "机关运行经费", "收入科目", "政府采购", "国有资产", "整体绩效"):
        assert omitted not in book.sheetnames
    assert book["文本段落"]["C1"].value.startswith("对象")  # the loop's reasons are keyed by 项
    lists = book["_lists"]
    headers = {cell.value: cell.column for cell in lists[1] if cell.value}
    column = headers["数据集"]
    offered = [lists.cell(r, column).value for r in range(2, 6) if lists.cell(r, column).value]
    assert offered == ["上年预算"]


# ---------------------------------------------------------------- check and build
def test_check_is_clean_and_build_writes_pdf_html_and_manifest(built):
    checked, result, page, manifest, folder = built
    assert checked.exit_code == 0, checked.output
    # No warning either: PERF_NO_INDICATORS asks only for the 绩效期间 the workbook offers (年度 here).
    assert checked.output.startswith("检查通过")
    assert re.findall(r"\[([A-Z_]+)\]", checked.output) == []
    assert result.exit_code == 0, result.output
    pdf = folder / "示例.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-" and manifest["pages"] >= 8
    assert manifest["profile"] == NAME and manifest["unit"] == "示例市社会保险中心"
    assert page.startswith("<!DOCTYPE html>")


def test_the_profiles_cover_and_css_are_in_the_document(built):
    page = built[2]
    assert '<section class="cover imaginary-cover">' in page and '<section class="cover">' not in page
    assert '<p class="cover-province">示例省</p>' in page
    assert "--rule: 0.75pt solid #1f5f8b;" in page  # style.css, after print.css
    assert page.index("--rule: 0.75pt solid #1f5f8b;") > page.index("--rule: 0.5pt solid #000;")
    assert "<title>示例市社会保险中心2025年单位预算公开</title>" in page


def test_parts_toc_labels_and_the_tables_title_page(built):
    page = built[2]
    toc = [html.unescape(t) for t in re.findall(r'<li class="toc-level-\d"><a href="[^"]*">([^<]*)</a>', page)]
    assert toc == ["一、单位概况", "（一）主要职责", "（二）机构设置",
                   "二、2025年单位预算表", "附表1 2025年收支预算总表", "附表2 2025年支出预算与上年预算对比表",
                   "附表3 2025年基本支出经济分类表",
                   "三、2025年单位预算说明", "（一）收支预算总体情况", "（二）支出预算按科目说明",
                   "四、名词解释"]
    assert '<div class="title-page"><h1 id="part-tables-title">二、2025年单位预算表</h1></div>' in page
    assert '<p class="table-label">附表2</p>' in page
    assert page.count("编制单位：示例市社会保险中心") == 3


# ---------------------------------------------------------------- the tables
def test_side_by_side_table_zips_income_lines_and_classes_with_a_footer(built):
    page = built[2]
    assert _rows(_table(page, 1)) == [
        ["一、一般公共预算拨款", "100.00", "208 社会保障和就业支出", "96.60"],
        ["二、政府性基金预算拨款", "", "221 住房保障支出", "5.40"],
        ["三、单位资金", "2.00", "", ""],
        ["四、上年结转", "", "", ""],
        ["收 入 总 计", "102.00", "支 出 总 计", "102.00"],
    ]
    assert _cell(page, "table.1.footer.income.amount") == _cell(page, "table.1.footer.expenditure.amount") == "102.00"


def test_comparison_table_by_xiang_against_last_years_budget(built):
    page, manifest = built[2], built[3]
    rows = _rows(_table(page, 2))
    assert rows == [
        ["合计", "100.60", "102.00", "1.40", "1.39"],
        ["208", "", "", "社会保障和就业支出", "100.60", "96.60", "-4.00", "-3.98"],
        ["208", "01", "", "人力资源和社会保障管理事务", "91.00", "87.00", "-4.00", "-4.40"],
        ["208", "01", "09", "社会保险经办机构", "86.00", "87.00", "1.00", "1.16"],
        ["208", "01", "99", "其他人力资源和社会保障管理事务支出", "5.00", "", "-5.00", "-100.00"],  # last year only
        ["208", "05", "", "行政事业单位养老支出", "9.60", "9.60", "0.00", "0.00"],
        ["208", "05", "05", "机关事业单位基本养老保险缴费支出", "9.60", "9.60", "0.00", "0.00"],
        ["221", "", "", "住房保障支出", "", "5.40", "5.40", "—"],  # no base last year: the profile's zero_base
        ["221", "02", "", "住房改革支出", "", "5.40", "5.40", "—"],
        ["221", "02", "01", "住房公积金", "", "5.40", "5.40", "—"],
    ]
    figures = manifest["figures"]
    assert figures["table.2.2080109.change"]["value"] == "10000"
    assert Decimal(figures["table.2.total.change_pct"]["value"]).quantize(Decimal("0.0001")) == Decimal("1.3917")
    assert figures["table.2.2210201.change_pct"] == {**figures["table.2.2210201.change_pct"], "value": None, "text": "—"}


def test_economic_table_in_yuan_with_separators(built):
    rows = _rows(_table(built[2], 3))
    assert rows[0] == ["合计", "", "750,000.00", "650,000.00", "100,000.00"]
    assert rows[1] == ["301", "工资福利支出", "650,000.00", "650,000.00", "0.00"]
    assert rows[-1] == ["30211", "差旅费", "40,000.00", "0.00", "40,000.00"]
    assert len(rows) == 9 and '<span class="measure">单位：元</span>' in _table(built[2], 3)


# ---------------------------------------------------------------- the narrative, the form, the glossary
def test_narrative_change_sentence_and_loop_over_both_years(built):
    paragraphs = _paragraphs(built[2])
    assert "2025年示例市社会保险中心收入预算102.00万元，支出预算102.00万元，其中：基本支出75.00万元，项目支出27.00万元。" \
           "支出预算比上年预算增加1.40万元，增长1.4%。" in paragraphs  # the profile's percent: one decimal
    assert ("按功能分类科目（项级），"
            "社会保险经办机构（2080109）87.00万元，比上年预算增加1.00万元，增长1.2%，主要原因是新增信息系统运维；"
            "机关事业单位基本养老保险缴费支出（2080505）9.60万元，与上年预算持平；"
            "住房公积金（2210201）5.40万元，比上年预算增加5.40万元；"
            "其他人力资源和社会保障管理事务支出（2080199）本年未安排预算，比上年预算减少5.00万元，下降100.0%，"
            "主要原因是上年一次性项目已完成。") in paragraphs
    figures = built[3]["figures"]
    assert figures["narrative.科目.entries.2080199.prior"]["value"] == "50000"
    assert figures["narrative.总体.change_percent"]["text"] == "1.4%"


def test_the_annual_form_in_wan_after_its_section(built):
    page, figures = built[2], built[3]["figures"]
    narrative = page.index('id="part-narrative"')
    heading = page.index('<h2 class="form-heading">（三）项目绩效目标</h2>')
    assert narrative < page.index("（二）支出预算按科目说明", narrative) < heading < page.index('id="part-glossary"')
    form = page[heading:page.index("</section>", heading)]
    assert "示例省项目支出绩效目标表" in form and "（2025年度）" in form and "单位：万元" in form
    assert "年度资金总额：17万元" in form and "其中：财政拨款 15万元" in form and "单位自筹 2万元" in form
    assert "参保扩面专项" not in form  # not published
    assert re.findall(r'<span class="rating">([^<]*)</span>', form) == ["通过☑", "退回修改□"]
    assert [figures[f"form.1.year.{k}"]["text"] for k in ("local", "self_raised", "total")] == ["15", "2", "17"]
    assert "示例市人力资源和社会保障局" in form and "301-示例市人力资源和社会保障局" not in form


def test_glossary_numbering_and_closing(built):
    page = built[2]
    entries = re.findall(r'<span class="term">([^<]*)</span>', page)
    assert entries == ["（1）基本支出", "（2）项目支出", "（3）上年预算数"]
    assert '<div class="closing"><p>示例市社会保险中心</p><p>2025年02月10日</p></div>' in page


def test_zero_alternatives_of_both_sections(tmp_path):
    """A unit with no money this year or last: the sections print their alternatives, not zeros."""
    from budget_author.compute.report import compute_report
    from budget_author.workbook.parse import parse_workbook
    from budget_author.workbook.read import read_workbook

    data = {key: copy.deepcopy(DATA[key]) for key in ("unit",)}
    data["paragraphs"] = copy.deepcopy(DATA["paragraphs"][:2])
    parsed = parse_workbook(read_workbook(write_template(tmp_path / "zero.xlsx", data, profile=NAME)))
    assert parsed.profile == NAME
    report = compute_report(parsed.budget, parsed.load_profile())
    blocks = {b.title: [str(p) for p in b.paragraphs] for b in report.narrative}
    assert blocks["（一）收支预算总体情况"] == ["示例市社会保险中心2025年无收支预算。"]
    assert blocks["（二）支出预算按科目说明"] == ["本单位本年和上年均无支出预算。"]
