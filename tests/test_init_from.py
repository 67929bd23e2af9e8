"""init --from (issue 15): next year's workbook from last year's, the round trip, the refusals, 本年继续."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from budget_author import vocabulary as V
from budget_author.carry import CLEARED_SECTIONS, init_from
from budget_author.check import check_workbook
from budget_author.cli import cli
from budget_author.compute.facts import datasets_of
from budget_author.compute.report import compute_report
from budget_author.money import format_wan
from budget_author.workbook import schema as S
from budget_author.workbook.template import write_template
from conftest import EXAMPLES, ROOT, example_data

NAMES = ("datong-2024", "fenyang-2025", "hejing-2024", "zhongwei-2024")
# The sheets whose rows are this year's money: cleared by init --from, typed back by the round trip.
AMOUNT_SHEETS = ("income", "expenditure", "basic_economic", "three_public", "admin_running", "income_items",
                 "project_economic", "procurement")


@pytest.fixture(scope="module")
def carried(tmp_path_factory):
    """init --from on each example, once: {name: (Carried, path of next year's workbook)}."""
    folder = tmp_path_factory.mktemp("carried")
    return {name: (init_from(EXAMPLES / f"{name}.xlsx", folder / f"{name}-next.xlsx"), folder / f"{name}-next.xlsx")
            for name in NAMES}


def typed_back(data: dict, original: dict) -> dict:
    """Next year's workbook with this year's figures typed in again as they were, every project confirmed (是)."""
    data = copy.deepcopy(data)
    for key in AMOUNT_SHEETS:
        if key in original:
            data[key] = copy.deepcopy(original[key])
    assert [p["name"] for p in data.get("projects", [])] == [p["name"] for p in original.get("projects", [])]
    for new, old in zip(data.get("projects", []), original.get("projects", [])):
        new.update({k: v for k, v in old.items() if k.startswith(("cur_", "co_"))})
        new["continued"] = "是"
    for new, old in zip(data.get("perf_forms", []), original.get("perf_forms", [])):
        new.update({k: v for k, v in old.items() if k.startswith(("impl_", "year_")) or k in ("filled_at", "rating")})
    if "assets" in original:
        data["assets"]["as_of"] = original["assets"]["as_of"]
    if "overall_perf" in original:
        data["overall_perf"] = {**data.get("overall_perf", {}), **original["overall_perf"]}
    if "closing_date" in original["unit"]:
        data["unit"]["closing_date"] = original["unit"]["closing_date"]
    if "unit_perf_form" in original:
        data["unit_perf_form"].update({k: v for k, v in original["unit_perf_form"].items() if k.startswith("funds")})
    bought = [a for a in original.get("asset_items", []) if a["asset_class"] == "当年购置"]
    if bought:
        data["asset_items"] = data.get("asset_items", []) + bought
    return data


def round_trip(carried, name: str, tmp_path: Path, extra: dict | None = None):
    result, _ = carried[name]
    data = typed_back(result.data, example_data(name))
    for key, rows in (extra or {}).items():
        data[key] = data.get(key, []) + rows
    path = write_template(tmp_path / f"{name}-filled.xlsx", data, profile=result.profile)
    checked = check_workbook(path)
    return checked, compute_report(checked.parsed.budget, checked.parsed.load_profile())


def narrative_text(report) -> str:
    return "\n".join(str(p) for block in report.narrative for p in block.paragraphs)


def assert_every_budget_comparison_unchanged(report, budget) -> int:
    """Each comparison with last year's budget compares equal figures (the prior operand re-evaluated over the
    workbook's 上年预算); returns how many there are."""
    data = datasets_of(budget)
    compared = [c for c in report.compared if c.dataset.startswith(V.PRIOR_BUDGET + ".")]
    for c in compared:
        prior = sum((f.amount for f in data[c.dataset] if c.selects(f)), Decimal(0))
        assert prior == c.current, c.key
    return len(compared)


# ---------------------------------------------------------------- the round trip (issue item 2)
def test_datong_round_trip_says_unchanged_wherever_it_compares(carried, tmp_path):
    checked, report = round_trip(carried, "datong-2024", tmp_path)
    assert checked.issues == []
    assert checked.parsed.budget.unit.year == 2025
    assert assert_every_budget_comparison_unchanged(report, checked.parsed.budget) == 9
    text = narrative_text(report)
    # 一 (收入总计, 支出总计) and 五(一) say 与上年持平; 七 says the Shanxi item wording for unchanged
    assert text.count("与上年持平") == 3
    assert "“三公”经费预算4.80万元，与2024年预算数相同。" in text
    assert text.count("与上年预算数相同") == 4
    assert "比上年" not in text and "比2024年" not in text and "与上年相比" not in text


def _golden_figure(golden: dict, section: str, before: str) -> str:
    return next(f["figure"] for s in golden["narrative"] if s["section"] == section
                for f in s["figures"] if f["before"].endswith(before))


def test_datong_prior_figures_are_last_years_published_figures(carried):
    result, path = carried["datong-2024"]
    b = check_workbook(EXAMPLES / "datong-2024.xlsx").parsed.budget
    income = sum((f.amount for f in b.income), Decimal(0))
    gpb_current = sum((f.amount for f in b.expenditure
                       if f.source == "一般公共预算" and f.period == S.PERIOD_CURRENT), Decimal(0))
    three_public = {item: sum((f.amount for f in b.three_public if f.item == item), Decimal(0))
                    for item in S.THREE_PUBLIC_ITEMS}
    expected = {
        "income_total": income, "expenditure_total": sum((f.amount for f in b.expenditure), Decimal(0)),
        "gpb_current_expenditure": gpb_current, "three_public_total": sum(three_public.values(), Decimal(0)),
        **{key: three_public[item] for key, item in S.THREE_PUBLIC_KEYS.items()}, "admin_running": Decimal(0),
    }
    assert expected["income_total"] == Decimal("25513350.00") and expected["three_public_total"] == Decimal("48000")
    assert result.data["prior"] == expected
    # as the new workbook states them, exactly in 元
    written = check_workbook(path).parsed.budget
    assert written.prior == expected
    # and as the 2024 document printed them (万元, the narrative's format)
    golden = json.loads((ROOT / "tests" / "golden" / "datong-2024.json").read_text(encoding="utf-8"))
    printed = {
        "income_total": _golden_figure(golden, "一", "预算收入总计"),
        "expenditure_total": _golden_figure(golden, "一", "支出总计"),
        "gpb_current_expenditure": _golden_figure(golden, "五", "一般公共预算当年支出"),
        "three_public_total": _golden_figure(golden, "七", "“三公”经费预算"),
        "vehicle_running": _golden_figure(golden, "七", "公务用车运行维护费"),
        "reception": _golden_figure(golden, "七", "公务接待费"),
    }
    assert printed["income_total"] == "2,551.34" and printed["three_public_total"] == "4.80"
    for key, text in printed.items():
        shown = format_wan(expected[key], thousands=True)
        assert shown == text or (text == "0" and shown == "0.00"), key


def test_hejing_round_trip_carries_the_per_item_prior_budget(carried, tmp_path):
    result, _ = carried["hejing-2024"]
    source = check_workbook(EXAMPLES / "hejing-2024.xlsx").parsed.budget
    # 上年支出: this year's facts per 项 × source × kind (× period × level), exactly
    leaves = {(f.code, f.source, f.kind, f.period, f.level): Decimal(0) for f in source.expenditure}
    for f in source.expenditure:
        leaves[(f.code, f.source, f.kind, f.period, f.level)] += f.amount
    assert {(r["code"], r["source"], r["kind"], r["period"], r["level"]): r["amount"]
            for r in result.data["prior_expenditure"]} == leaves
    assert all(r["dataset"] == "上年预算" for r in result.data["prior_expenditure"] + result.data["prior_other"])
    checked, report = round_trip(carried, "hejing-2024", tmp_path)
    assert checked.issues == []
    assert assert_every_budget_comparison_unchanged(report, checked.parsed.budget) >= 25
    text = narrative_text(report)
    # The Xinjiang wording for unchanged: 比上年预算减少0.00万元（，下降0.00%）
    assert text.count("比上年预算") == text.count("比上年预算减少0.00万元") == 19
    staffing = checked.parsed.budget.staffing
    assert (staffing.active_prior, staffing.retired_prior) == (source.staffing.active, source.staffing.retired)


def test_zhongwei_round_trip_as_far_as_a_budget_goes(carried, tmp_path):
    result, path = carried["zhongwei-2024"]
    # 上年预算 (三公) is carried; 上年执行数 cannot be: nothing of it is written, and the clerk is told
    assert {r["dataset"] for r in result.data["prior_other"]} == {"上年预算"}
    assert "prior_expenditure" not in result.data
    assert any("上年执行数" in line for line in result.review)
    original = example_data("zhongwei-2024")
    actuals = {key: [r for r in original[key] if r["dataset"] == "上年执行数"]
               for key in ("prior_expenditure", "prior_other")}
    checked, report = round_trip(carried, "zhongwei-2024", tmp_path, actuals)  # the clerk types the 决算 in
    assert checked.issues == []
    assert assert_every_budget_comparison_unchanged(report, checked.parsed.budget) == 4
    text = narrative_text(report)
    assert "“三公”经费财政拨款预算比2024年减少0万元，其中：因公出国（境）费减少0万元，公务用车购置费减少0万元，公务用车运行费减少0万元。" in text
    table = next(t for t in report.tables if t.number == 4)
    row = [c.text for c in table.body[0]]
    assert row[:6] == row[12:18]  # 2024年预算数 = 2025年预算数, column by column


def test_fenyang_round_trip_checks_clean(carried, tmp_path):
    checked, report = round_trip(carried, "fenyang-2025", tmp_path)
    assert checked.issues == []
    assert assert_every_budget_comparison_unchanged(report, checked.parsed.budget) == 9
    assert narrative_text(report).count("与上年持平") == 3


# ---------------------------------------------------------------- what is carried, what is cleared
@pytest.mark.parametrize("name", NAMES)
def test_carried_as_they_were_and_amounts_empty(carried, name):
    result, path = carried[name]
    source = check_workbook(EXAMPLES / f"{name}.xlsx").parsed.budget
    new = check_workbook(path)
    b = new.parsed.budget
    assert b.unit.year == source.unit.year + 1 and b.unit.name == source.unit.name
    assert b.unit.closing_date is None
    assert [(p.section, p.text) for p in b.paragraphs] == [
        (p.section, p.text) for p in source.paragraphs if p.section not in CLEARED_SECTIONS]
    assert [(g.term, g.text) for g in b.glossary] == [(g.term, g.text) for g in source.glossary]
    assert [(c.scheme, c.code, c.name, c.gov_code) for c in b.custom_codes] == [
        (c.scheme, c.code, c.name, c.gov_code) for c in source.custom_codes]
    assert b.options == source.options and b.purchase_catalogue == tuple(
        r.model_copy(update={"row": n}) for n, r in zip(range(2, 500), source.purchase_catalogue))
    assert [(p.seq, p.code, p.name, p.category, p.published, p.level, p.function) for p in b.projects] == [
        (p.seq, p.code, p.name, p.category, p.published, p.level, p.function) for p in source.projects]
    assert all(p.continued == S.CONTINUE_PENDING and not p.current and not p.carryover and not p.economic
               for p in b.projects)
    assert [(f.project, f.overview, f.goal_year) for f in b.perf_forms] == [
        (f.project, f.overview, f.goal_year) for f in source.perf_forms]
    assert all(f.year.total == 0 and f.impl.total == 0 and not f.filled_at for f in b.perf_forms)
    assert [(i.project, i.level3, i.value) for i in b.indicators] == [
        (i.project, i.level3, i.value) for i in source.indicators]
    for cleared in (b.income, b.expenditure, b.basic_economic, b.three_public, b.income_items):
        assert cleared == ()
    assert not b.admin_running and not b.reasons and not any(b.procurement.values())
    for comparison in b.comparisons.values():
        assert not comparison.reasons
    # only the expected problems: this year's amounts missing, projects to confirm, dates to set
    expected = {"PROJECT_UNCONFIRMED", "PROJ_NO_AMOUNT", "VAL_REQUIRED", "REASON_MISSING"}
    assert {i.code for i in new.issues} <= expected
    assert sum(i.code == "PROJECT_UNCONFIRMED" for i in new.issues) == len(source.projects)
    meta = load_workbook(path, read_only=True)["_meta"]
    assert [[c.value for c in row][:2] for row in meta.iter_rows(max_row=2)] == [
        ["schema_version", S.SCHEMA_VERSION], ["profile", result.profile]]


def test_assets_keep_everything_but_their_date(carried):
    b = check_workbook(carried["datong-2024"][1]).parsed.budget
    source = check_workbook(EXAMPLES / "datong-2024.xlsx").parsed.budget
    assert b.assets is None  # 统计截止日期 is required: the sheet does not parse until it is set …
    values = load_workbook(carried["datong-2024"][1])["国有资产"]
    assert values["B2"].value is None  # … and it is empty
    assert Decimal(str(values["B11"].value)) == source.assets.floor_area == Decimal("4216.3")
    assert values["B3"].value == source.assets.vehicle_quota == 3


def test_carried_workbooks_open_in_libreoffice(carried, tmp_path):
    """LibreOffice opens and re-saves each carried workbook; it reads back the same."""
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (bash tasks.sh test installs it)")
    sources = [carried[name][1] for name in NAMES]
    out = tmp_path / "out"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "xlsx", "--outdir", str(out), *map(str, sources)],
                   check=True, capture_output=True, timeout=400)
    for source in sources:
        resaved = check_workbook(out / source.name)
        original = check_workbook(source)
        assert resaved.parsed.budget == original.parsed.budget, source.name
        assert sorted((i.code, i.sheet, i.cell) for i in resaved.issues) == sorted(
            (i.code, i.sheet, i.cell) for i in original.issues)


# ---------------------------------------------------------------- the command
def test_cli_prints_carried_cleared_and_review(tmp_path):
    target = tmp_path / "2025.xlsx"
    result = CliRunner().invoke(cli, ["init", "--from", str(EXAMPLES / "datong-2024.xlsx"), str(target)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"已生成 2025 年的填报表：{target}（由 {EXAMPLES / 'datong-2024.xlsx'} 带入，公开标准 shanxi）"
    assert "带入：" in lines and "已清空，请填写本年的数：" in lines and "请复核或填写：" in lines
    assert "  · 文本段落 40 段（职责、机构设置、政府购买服务等，与上年相同）" in lines
    assert any(line.startswith("  · 上年数 9 项（填在“上年数”表中）") for line in lines)
    assert any("7 个项目的“本年继续”为“待确认”" in line for line in lines)
    assert any("统计截止日期" in line for line in lines)
    assert lines[-1] == f"下一步：在 Excel/WPS 中打开它，确认项目、填写本年的数并保存，然后运行 budget-author check {target}"
    assert check_workbook(target).parsed.meta_year == 2025


def test_year_option_and_default_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["init", "--from", str(EXAMPLES / "fenyang-2025.xlsx"), "--year", "2027"])
    assert result.exit_code == 0, result.output
    b = check_workbook(tmp_path / "单位预算填报表.xlsx").parsed.budget
    assert b.unit.year == 2027
    assert "两者不相邻" in result.output


def test_refuses_a_source_with_errors_listing_them(mini, make_workbook, tmp_path):
    mini["income"][0]["amount"] = "1000001.00"  # income no longer equals expenditure
    source = make_workbook(mini)
    target = tmp_path / "next.xlsx"
    result = CliRunner().invoke(cli, ["init", "--from", str(source), str(target)])
    assert result.exit_code == 1
    assert "[TOTAL_INCOME_EXPENDITURE]" in result.stdout  # listed as check lists them
    assert "[CARRY_SOURCE_ERRORS]" in result.stderr and "什么都没有写入" in result.stderr
    assert not target.exists() and list(tmp_path.iterdir()) == [source]


def test_refuses_another_profile(tmp_path):
    target = tmp_path / "next.xlsx"
    result = CliRunner().invoke(
        cli, ["init", "--from", str(EXAMPLES / "hejing-2024.xlsx"), "--profile", "shanxi", str(target)])
    assert result.exit_code == 2
    assert "[CARRY_PROFILE_MISMATCH]" in result.stderr and "“xinjiang”" in result.stderr
    assert not target.exists()
    same = CliRunner().invoke(cli, ["init", "--from", str(EXAMPLES / "hejing-2024.xlsx"), "--profile", "xinjiang",
                                    str(target)])
    assert same.exit_code == 0 and target.exists()


def test_refuses_a_newer_schema(mini, make_workbook, tmp_path):
    source = make_workbook(mini)
    workbook = load_workbook(source)
    workbook["_meta"]["B1"] = S.SCHEMA_VERSION + 1
    workbook.save(source)
    target = tmp_path / "next.xlsx"
    result = CliRunner().invoke(cli, ["init", "--from", str(source), str(target)])
    assert result.exit_code == 2
    assert "[WB_SCHEMA_NEWER]" in result.stdout and "[CARRY_SCHEMA_NEWER]" in result.stderr
    assert not target.exists()


def test_an_older_schema_is_migrated(carried):
    """The examples are version-2 workbooks (no 本年继续 column): they read as before and carry to version 3."""
    header = [c.value for c in load_workbook(EXAMPLES / "datong-2024.xlsx", read_only=True)["项目"][1]]
    assert "本年继续" not in header
    assert all(p.continued == "" for p in check_workbook(EXAMPLES / "datong-2024.xlsx").parsed.budget.projects)
    assert "格式版本：上年填报表为版本 2，新填报表为版本 3（增加了项目的“本年继续”一栏）" in carried["datong-2024"][0].carried


def test_never_overwrites(tmp_path):
    target = tmp_path / "next.xlsx"
    target.write_bytes(b"typed by the clerk")
    result = CliRunner().invoke(cli, ["init", "--from", str(EXAMPLES / "datong-2024.xlsx"),
                                                      str(target)])
    assert result.exit_code == 3 and "文件已存在" in result.stderr
    assert target.read_bytes() == b"typed by the clerk"


def test_unusable_source_is_exit_2(tmp_path):
    source = tmp_path / "last.xlsx"
    source.write_bytes(b"not a workbook")
    result = CliRunner().invoke(cli, ["init", "--from", str(source), str(tmp_path / "next.xlsx")])
    assert result.exit_code == 2 and not (tmp_path / "next.xlsx").exists()


# ---------------------------------------------------------------- 本年继续
def _with_continued(mini: dict, value: str) -> dict:
    for project in mini["projects"]:
        project["continued"] = value
    return mini


def test_unconfirmed_projects_are_errors_at_the_cell(mini, make_workbook):
    result = check_workbook(make_workbook(_with_continued(mini, "待确认")))
    letter = S.sheet("projects").letter("continued")
    assert [(i.code, i.sheet, i.cell) for i in result.issues] == [
        ("PROJECT_UNCONFIRMED", "项目", f"{letter}3"), ("PROJECT_UNCONFIRMED", "项目", f"{letter}4")]
    assert "请选“是”" in result.issues[0].message


def test_confirmed_projects_are_silent(mini, make_workbook):
    assert check_workbook(make_workbook(_with_continued(mini, "是"))).issues == []
    assert check_workbook(make_workbook(mini)).issues == []  # blank: a project of this year


def test_a_dropped_project_leaves_the_document_with_its_form(mini, make_workbook):
    mini["projects"][0]["continued"] = "否"  # 信息系统运维: published, with a form and indicators
    mini["projects"][0].pop("cur_gpb")
    mini["perf_forms"] = [{**mini["perf_forms"][0], "year_local": None, "impl_local": None}]
    mini["expenditure"][1]["amount"] = "100000.00"
    mini["income"][0]["amount"] = "800000.00"
    mini["prior"]["income_total"] = mini["prior"]["expenditure_total"] = mini["prior"]["gpb_current_expenditure"] = \
        "800000.00"
    result = check_workbook(make_workbook(mini))
    letter = S.sheet("projects").letter("continued")
    assert [(i.code, i.cell) for i in result.issues] == [("PROJECT_DROPPED", f"{letter}3")]
    b = result.parsed.budget
    assert [p.name for p in b.projects] == ["专项补助"]
    assert b.perf_forms == () and b.indicators == ()


def test_the_column_is_last_with_its_dropdown_in_every_profile(tmp_path):
    for profile in ("shanxi", "xinjiang", "ningxia"):
        ws = load_workbook(write_template(tmp_path / f"{profile}.xlsx", profile=profile))["项目"]
        last = ws.max_column
        assert ws.cell(1, last).value == "本年继续"
        lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"
                 and str(dv.sqref).startswith(ws.cell(3, last).column_letter)]
        assert len(lists) == 1


def test_a_prior_figure_that_would_not_read_unchanged_is_listed_for_review():
    """verify_prior re-evaluates every comparison over the carried figures: one that would not read 持平 with
    the same figures typed again is named for review."""
    from budget_author.carry import carried_prior, compared_datasets, verify_prior

    checked = check_workbook(EXAMPLES / "datong-2024.xlsx")
    b, profile = checked.parsed.budget, checked.parsed.load_profile()
    report = compute_report(b, profile)
    found = carried_prior(b, report, compared_datasets(profile))
    assert found.unresolved == [] and verify_prior(found.comparison, b, report) == []
    totals = {**found.comparison.totals, "three_public_total": Decimal("48000.01")}
    off = found.comparison.model_copy(update={"totals": totals})
    assert verify_prior(off, b, report) == ["七、“三公”经费增减变动原因说明 总计"]
