"""Each profile's workbook (issue 14): init --profile, _meta.profile, the new columns and sheets → model → facts."""

from __future__ import annotations

import copy
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from budget_author import profiles
from budget_author.check import check_workbook
from budget_author.cli import cli
from budget_author.compute.facts import DIMENSIONS, datasets, total
from budget_author.profiles import ProfileError, load_profile
from budget_author.workbook import schema as S
from budget_author.workbook.layout import layout_of
from budget_author.workbook.parse import parse_workbook
from budget_author.workbook.read import read_workbook
from budget_author.workbook.template import write_template
from conftest import EXAMPLES, MINI, ROOT

D = Decimal
NEW_PROFILES = ("xinjiang", "ningxia")


def _init(tmp_path: Path, profile: str) -> Path:
    path = tmp_path / f"{profile}.xlsx"
    result = CliRunner().invoke(cli, ["init", str(path), "--profile", profile, "--year", "2024"])
    assert result.exit_code == 0, result.output
    return path


def _structure(issues) -> list[str]:
    return [i.code for i in issues if i.code.startswith("WB_")]


@pytest.mark.parametrize("profile", NEW_PROFILES)
def test_init_profile_writes_its_layout_and_rereads_clean(tmp_path, profile):
    path = _init(tmp_path, profile)
    book = load_workbook(path)
    meta = {row[0].value: row[1].value for row in book["_meta"].iter_rows()}
    assert meta["profile"] == profile and meta["schema_version"] == S.SCHEMA_VERSION
    layout = layout_of(profile)
    for spec in layout.sheets:
        ws = book[spec.title]
        assert [ws.cell(1, i + 1).value.rstrip(" *") for i in range(len(spec.columns))] == \
            [c.header for c in spec.columns]
    omitted = {spec.title for spec in S.SHEETS} - {spec.title for spec in layout.sheets}
    assert omitted and not omitted & set(book.sheetnames)
    result = check_workbook(path)
    assert result.parsed.profile == profile
    assert _structure(result.issues) == []  # only the blanks a clerk has to fill remain
    assert all(i.code in ("VAL_REQUIRED", "TEXT_SECTION_MISSING") for i in result.issues), \
        [(i.code, i.sheet, i.cell) for i in result.issues]


def test_the_new_profiles_differ_where_their_documents_do():
    xj, nx, sx = layout_of("xinjiang"), layout_of("ningxia"), layout_of(profiles.DEFAULT)
    assert sx == S.DEFAULT_LAYOUT.__class__(profiles.DEFAULT, S.SHEETS, S.LISTS)
    assert {"staffing", "project_economic", "unit_perf_form"} <= set(xj.keys) and not nx.has("staffing")
    assert nx.has("key_projects") and not xj.has("key_projects")
    assert [c.key for c in nx.sheet("expenditure").columns][-3:] == ["level", "carry_kind", "nature"]
    assert "nature" not in [c.key for c in xj.sheet("expenditure").columns]
    assert xj.lists["数据集"] == ("上年预算",) and nx.lists["数据集"] == ("上年预算", "上年执行数")
    assert not nx.sheet("perf_forms").column("overview").required and sx.sheet("perf_forms").column("overview").required
    assert [r.key for r in nx.sheet("unit").fixed_rows][-2:] == ["code", "short_name"]
    # a base column has the same letter in every profile's workbook; the 项目 sheet's 本年继续 (version 3)
    # is the last column of every layout instead
    for layout in (sx, xj, nx):
        assert layout.sheet("projects").columns[-1].key == "continued"
        for spec in layout.sheets:
            if S.SHEETS_BY_KEY.get(spec.key):
                base = [c.key for c in S.SHEETS_BY_KEY[spec.key].columns if c.key != "continued"]
                assert [c.key for c in spec.columns[:len(base)]] == base


def test_unknown_init_profile_is_a_usage_error_naming_the_known_ones(tmp_path):
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "x.xlsx"), "--profile", "henan"])
    assert result.exit_code == 2 and not (tmp_path / "x.xlsx").exists()
    assert "henan" in result.output and all(name in result.output for name in profiles.BUILT_IN)


def _set_meta(path: Path, profile: str | None) -> None:
    book = load_workbook(path)
    ws = book["_meta"]
    for row in ws.iter_rows():
        if row[0].value == "profile":
            row[1].value = profile
    book.save(path)


def test_meta_profile_unknown_is_an_error_and_reads_as_the_default(tmp_path, make_workbook):
    path = make_workbook(copy.deepcopy(MINI))
    _set_meta(path, "henan")
    result = check_workbook(path)
    problems = [i for i in result.issues if i.code == "WB_PROFILE_UNKNOWN"]
    assert len(problems) == 1 and problems[0].severity.name == "ERROR"
    assert "henan" in problems[0].message and all(name in problems[0].message for name in profiles.BUILT_IN)
    assert result.parsed.profile == profiles.DEFAULT and result.parsed.budget.unit is not None


def test_meta_without_a_profile_is_the_default_profile(tmp_path, make_workbook):
    path = make_workbook(copy.deepcopy(MINI))
    _set_meta(path, None)
    result = check_workbook(path)
    assert result.parsed.profile == profiles.DEFAULT and result.ok, [i.code for i in result.issues]


def test_meta_naming_another_known_profile_than_the_sheets_is_one_mismatch(tmp_path):
    path = _init(tmp_path, "ningxia")
    _set_meta(path, "xinjiang")
    codes = [i.code for i in check_workbook(path).issues if i.code.startswith("WB_")]
    assert codes == ["WB_PROFILE_MISMATCH"]


# ---------------------------------------------------------------- values → model → facts
def _xinjiang_data() -> dict:
    data = copy.deepcopy(MINI)
    for key in ("prior", "reasons", "assets"):
        del data[key]
    data["unit"]["unit_type"] = "参照公务员法管理事业单位"
    data["unit"].update(closing_signature="测试市测试中心", closing_date="2024-02-05")
    data["income"] = [
        {"source": "一般公共预算", "period": "当年预算", "amount": "700000.01", "level": "本级"},
        {"source": "一般公共预算", "period": "当年预算", "amount": "300000.00", "level": "上级转移支付"},
        {"source": "单位资金", "period": "当年预算", "amount": "1234.56", "category": "事业收入"},
        {"source": "一般公共预算", "period": "上年结转", "amount": "50000.00"},
        {"source": "单位资金", "period": "上年结转", "amount": "800.00", "carry_kind": "结余"},
    ]
    data["expenditure"] = [
        *data["expenditure"],
        {"code": "2080109", "source": "一般公共预算", "kind": "项目支出", "period": "当年预算", "amount": "300000.00",
         "level": "上级转移支付"},
        {"code": "2080109", "source": "一般公共预算", "kind": "基本支出", "period": "上年结转", "amount": "50000.00"},
    ]
    data["basic_economic"] = [
        *data["basic_economic"],
        {"code": "30101", "amount": "30000.00", "period": "上年结转"},
        {"code": "30201", "amount": "20000.00", "period": "上年结转", "level": "上级转移支付"},
    ]
    data["projects"] = [
        {**data["projects"][0], "co_unit": "800.00"},
        {**data["projects"][1], "level": "上级转移支付"},
    ]
    data["project_economic"] = [
        {"project": "1", "code": "302", "amount": "150000.00"},
        {"project": "1", "code": "30201", "amount": "25000.00"},
        {"project": "1", "code": "30202", "amount": "25000.00"},
        {"project": "2", "code": "303", "amount": "100000.00"},
    ]
    data["paragraphs"] = [*data["paragraphs"],
                          {"section": "项变动原因", "text": "人员增加。", "subject": "2080109"}]
    data["prior_expenditure"] = [
        {"dataset": "上年预算", "code": "2080109", "source": "一般公共预算", "kind": "项目支出", "amount": "73848700.00"},
        {"dataset": "上年预算", "code": "2080505", "source": "一般公共预算", "kind": "基本支出", "amount": "167000.00"},
    ]
    data["prior_other"] = [
        {"dataset": "上年预算", "item": "收入", "source": "一般公共预算", "amount": "64895500.00", "reason": "减少。"},
        {"dataset": "上年预算", "item": "收入", "source": "一般公共预算", "level": "上级转移支付",
         "amount": "11795000.00"},
        {"dataset": "上年预算", "item": "基本支出", "amount": "2841800.00", "reason": "工资调整。"},
        {"dataset": "上年预算", "item": "公务接待费", "amount": "1200.00", "reason": "接待增加。"},
        {"dataset": "上年预算", "item": "机关运行经费", "amount": "119500.00"},
    ]
    data["staffing"] = {"quota": 19, "active": 16, "retired": 16, "veteran": 0,
                        "active_prior": 15, "retired_prior": 16}
    data["asset_items"] = [
        {"asset_class": "房屋", "area": "850.5", "value": "1234567.89"},
        {"asset_class": "车辆", "kind": "一般公务用车", "count": 1, "value": "174600.00"},
    ]
    data["procurement"] = {"goods": "53000.00", "works": "0.00", "services": "9300.00",
                           "sme_reserved": "62300.00", "micro_reserved": "62300.00"}
    data["unit_perf_form"] = {"contact": "木克热木", "phone": "19999178711", "funds_transfer": "874000.00",
                              "funds_own": "3084300.00", "funds_other": "0", "goals": "1.按时发放。\n2.覆盖率提高。"}
    data["unit_perf_indicators"] = [
        {"level1": "履职效能", "level2": "数量指标", "level3": "发放人数", "value": "≥9213人",
         "basis": "（新人社发〔2018〕43号）", "weight": "15"},
        {"level1": "社会效益", "level2": "社会效益指标", "level3": "知晓率", "value": ">=98%", "weight": "20"},
    ]
    return data


@pytest.fixture(scope="module")
def xinjiang(tmp_path_factory):
    path = write_template(tmp_path_factory.mktemp("xj") / "xj.xlsx", _xinjiang_data(), profile="xinjiang")
    return parse_workbook(read_workbook(path))


def test_xinjiang_values_reach_the_model(xinjiang):
    assert [(i.code, i.sheet, i.cell) for i in xinjiang.issues] == []
    b = xinjiang.budget
    assert xinjiang.profile == "xinjiang"
    assert [(f.level, f.category, f.carry_kind) for f in b.income] == [
        ("本级", "", ""), ("上级转移支付", "", ""), ("本级", "事业收入", ""), ("本级", "", ""), ("本级", "", "结余")]
    assert b.unit.closing_date.isoformat() == "2024-02-05" and b.unit.closing_signature == "测试市测试中心"
    assert [(p.level, p.carryover, p.economic) for p in b.projects] == [
        ("本级", {"单位资金": D("800.00")}, {"302": D("150000.00"), "30201": D("25000.00"), "30202": D("25000.00")}),
        ("上级转移支付", {}, {"303": D("100000.00")}),
    ]
    assert b.paragraphs_about("项变动原因", "2080109") == ["人员增加。"]
    budget = b.comparison("上年预算")
    assert set(b.comparisons) == {"上年预算"} and b.comparison("上年执行数").totals == {}
    assert [(f.code, f.kind, f.amount) for f in budget.expenditure] == [
        ("2080109", "项目支出", D("73848700.00")), ("2080505", "基本支出", D("167000.00"))]
    assert [(f.source, f.level, f.amount) for f in budget.income] == [
        ("一般公共预算", "本级", D("64895500.00")), ("一般公共预算", "上级转移支付", D("11795000.00"))]
    assert budget.totals == {"basic_total": D("2841800.00"), "reception": D("1200.00"), "admin_running": D("119500.00")}
    assert budget.three_public == {"公务接待费": D("1200.00")} and budget.admin_running == D("119500.00")
    assert budget.reasons == {"一般公共预算/本级/当年预算": "减少。", "basic_total": "工资调整。", "reception": "接待增加。"}
    assert (b.staffing.actual, b.staffing.actual_prior, b.staffing.quota) == (32, 31, 19)
    assert [(a.asset_class, a.kind, a.area, a.count, a.value) for a in b.asset_items] == [
        ("房屋", "", D("850.5"), None, D("1234567.89")), ("车辆", "一般公务用车", None, 1, D("174600.00"))]
    assert b.procurement == {"goods": D("53000.00"), "works": D(0), "services": D("9300.00")}
    assert b.procurement_reserved == {"sme_reserved": D("62300.00"), "micro_reserved": D("62300.00")}
    form = b.unit_perf_form
    assert (form.contact, form.funds_total, form.goals) == ("木克热木", D("3958300.00"), "1.按时发放。\n2.覆盖率提高。")
    assert [(i.level1, i.level2, i.basis, i.weight) for i in form.indicators] == [
        ("履职效能", "数量指标", "（新人社发〔2018〕43号）", D(15)), ("社会效益", "社会效益指标", "", D(20))]


def test_xinjiang_values_reach_the_facts(xinjiang):
    facts = datasets(xinjiang.budget)
    assert set(facts) == set(DIMENSIONS)
    for name, rows in facts.items():  # every fact has exactly its dataset's declared dimensions, in range
        for fact in rows:
            assert set(fact.dims) == set(DIMENSIONS[name]), name
            for dim, allowed in DIMENSIONS[name].items():
                assert allowed is None or fact.dims[dim] in allowed, (name, dim, fact.dims[dim])
    income = facts["income"]
    assert total(income, {"source": "一般公共预算", "period": "当年预算", "level": "本级"}) == D("700000.01")
    assert total(income, {"level": "上级转移支付"}) == D("300000.00")
    assert total(income, {"category": "事业收入"}) == D("1234.56")
    assert total(income, {"carry_kind": "结转"}) == D("50000.00")  # a 上年结转 line that names no kind
    assert total(income, {"carry_kind": "结余"}) == D("800.00")
    assert total(income, {"carry_kind": ""}) == D("1001234.57")  # this year's lines are no carry-over
    expenditure = facts["expenditure"]
    assert {f.dims["nature"] for f in expenditure} == {"事业支出"}  # 参公: 事业支出 by the unit type
    assert total(expenditure, {"kind": "项目支出", "level": "上级转移支付"}) == D("300000.00")
    assert total(facts["economic"], {"period": "上年结转"}) == D("50000.00")
    assert total(facts["economic"], {"period": "上年结转", "level": "上级转移支付", "cost": "公用经费"}) == D("20000.00")
    assert total(facts["project_economic"], {"class": "302"}) == D("200000.00")
    assert total(facts["project_economic"], {"project": 1, "level": "上级转移支付"}) == D("100000.00")
    assert total(facts["projects"], {"period": "上年结转", "source": "单位资金"}) == D("800.00")
    assert total(facts["上年预算.expenditure"], {"kind": "项目支出", "code": "2080109"}) == D("73848700.00")
    assert total(facts["上年预算.income"], {"level": "上级转移支付"}) == D("11795000.00")
    assert total(facts["上年预算.totals"], {"figure": "basic_total"}) == D("2841800.00")
    assert total(facts["上年预算.three_public"], {"item": "公务接待费"}) == D("1200.00")
    assert total(facts["上年预算.admin_running"]) == D("119500.00")
    assert facts["上年执行数.expenditure"] == []


def test_ningxia_values_reach_the_model_and_facts(tmp_path):
    data = copy.deepcopy(MINI)
    for key in ("prior", "reasons", "assets", "overall_perf"):
        del data[key]
    data["unit"]["unit_type"] = "公益一类事业单位"
    data["unit"].update(code="310004", short_name="市测试中心")
    data["expenditure"][0]["nature"] = "经营支出"
    data["perf_forms"][0].update(attribute="一年期项目", rating="通过")
    for key in ("overview", "basis", "necessity", "measures", "plan", "goal_impl"):
        del data["perf_forms"][0][key]
    data["perf_indicators"] = [i for i in data["perf_indicators"] if i["period"] == "年度"]
    data["key_projects"] = [{"project": "1", "heading": "运维项目", "text": "项目总体目标为系统稳定。"}]
    data["prior_expenditure"] = [
        {"dataset": "上年执行数", "code": "2080506", "source": "一般公共预算", "kind": "项目支出", "amount": "225100.00"},
        {"dataset": "上年执行数", "code": "2080506", "source": "一般公共预算", "kind": "基本支出", "amount": "128800.00"},
    ]
    data["prior_other"] = [
        {"dataset": "上年预算", "item": "“三公”经费合计", "amount": "29000.00"},
        {"dataset": "上年执行数", "item": "公务用车运行维护费", "amount": "18600.00"},
    ]
    parsed = parse_workbook(read_workbook(write_template(tmp_path / "nx.xlsx", data, profile="ningxia")))
    assert [(i.code, i.sheet, i.cell) for i in parsed.issues] == []
    b = parsed.budget
    assert (b.unit.code, b.unit.short_name, b.unit.nature) == ("310004", "市测试中心", "事业支出")
    assert b.perf_forms[0].rating == "通过" and b.perf_forms[0].overview == ""
    assert [(k.project, k.heading, k.text) for k in b.key_projects] == [("1", "运维项目", "项目总体目标为系统稳定。")]
    facts = datasets(b)
    assert total(facts["expenditure"], {"nature": "经营支出"}) == D("600000.00")
    assert total(facts["expenditure"], {"nature": "事业支出"}) == D("400000.00")
    assert total(facts["上年执行数.expenditure"], {"code": "2080506"}) == D("353900.00")
    assert total(facts["上年执行数.expenditure"], {"code": "2080506", "kind": "项目支出"}) == D("225100.00")
    assert total(facts["上年预算.totals"], {"figure": "three_public_total"}) == D("29000.00")
    assert total(facts["上年执行数.three_public"], {"item": "公务用车运行维护费"}) == D("18600.00")


def test_a_key_project_naming_no_project_is_reported(tmp_path):
    data = copy.deepcopy(MINI)
    for key in ("prior", "reasons", "assets", "overall_perf"):
        del data[key]
    data["key_projects"] = [{"project": "9", "text": "说明。"}]
    parsed = parse_workbook(read_workbook(write_template(tmp_path / "nx.xlsx", data, profile="ningxia")))
    assert [(i.code, i.sheet, i.cell) for i in parsed.issues if i.code == "PERF_PROJECT_UNKNOWN"] == [
        ("PERF_PROJECT_UNKNOWN", "重点项目", "A2")]


def test_the_default_workbooks_prior_sheet_fills_the_prior_budget_totals():
    for name in ("datong-2024", "fenyang-2025"):
        b = parse_workbook(read_workbook(EXAMPLES / f"{name}.xlsx")).budget
        comparison = b.comparison("上年预算")
        assert comparison.totals == {k: v for k, v in b.prior.items() if v is not None} and comparison.totals
        assert comparison.three_public == {S.THREE_PUBLIC_KEYS[k]: v for k, v in comparison.totals.items()
                                           if k in S.THREE_PUBLIC_KEYS}
        assert comparison.expenditure == () and list(b.comparisons) == ["上年预算"]
        facts = datasets(b)
        assert total(facts["上年预算.totals"], {"figure": "income_total"}) == b.prior["income_total"]
        assert {f.dims["level"] for f in facts["expenditure"]} == {"本级"}


def test_the_model_does_not_import_the_workbook_schema():
    source = (ROOT / "budget_author" / "model.py").read_text(encoding="utf-8")
    assert "budget_author.workbook" not in source and "import schema" not in source


# ---------------------------------------------------------------- workbook.toml is validated when loaded
@pytest.fixture
def profile_with_workbook(tmp_path, monkeypatch):
    """A copy of the xinjiang profile named "copy" whose workbook.toml is `text`."""
    def make(text: str) -> Path:
        folder = tmp_path / "copy"
        shutil.copytree(load_profile("xinjiang").folder, folder, ignore=shutil.ignore_patterns("__pycache__"))
        settings = (folder / "profile.toml").read_text(encoding="utf-8")
        (folder / "profile.toml").write_text(settings.replace('name = "xinjiang"', 'name = "copy"', 1), encoding="utf-8")
        (folder / "workbook.toml").write_text(text, encoding="utf-8")
        return folder

    monkeypatch.setenv(profiles.ENVIRONMENT_VARIABLE, str(tmp_path))
    load_profile.cache_clear()
    layout_of.cache_clear()
    yield make
    load_profile.cache_clear()
    layout_of.cache_clear()


@pytest.mark.parametrize(("text", "words"), [
    ('sheet = ["staffing"]\n', ["sheet", "未知的键"]),
    ('sheets = ["staff"]\n', ["sheets[0]", "staff", "staffing"]),
    ('omit = ["unit"]\n', ["omit[0]", "unit"]),
    ('[columns]\nincome = ["levels"]\n', ["[columns] income", "levels", "level"]),
    ('[columns]\nstaffing = ["quota"]\n', ["[columns] staffing", "没有这个工作表"]),
    ('[rows]\nunit = ["name"]\n', ["[rows] unit", "name", "code"]),
    ('[required]\nincome = ["level"]\n', ["[required] income", "level"]),  # not selected: no such column
    ('[lists]\n"级次" = ["本级", "省级"]\n', ["[lists]", "级次", "省级"]),
    ('[lists]\n"级别" = ["本级"]\n', ["[lists]", "级别"]),
    ('omit = ["prior"]\n', ["omit", "reasons"]),
])
def test_a_workbook_toml_mistake_names_the_file_and_the_key(profile_with_workbook, text, words):
    profile_with_workbook(text)
    with pytest.raises(ProfileError) as caught:
        load_profile("copy")
    message = str(caught.value)
    assert "workbook.toml" in message and all(word in message for word in words), message


def test_a_valid_workbook_toml_from_the_environment_lays_out_init(profile_with_workbook, tmp_path):
    profile_with_workbook('sheets = ["staffing"]\n[columns]\nincome = ["level"]\n[required]\nincome = ["level"]\n'
                          '[lists]\n"级次" = ["上级转移支付"]\n')
    path = _init(tmp_path, "copy")
    book = load_workbook(path)
    assert "人员情况" in book.sheetnames and book["收入"]["E1"].value == "级次（可不填） *"
    result = check_workbook(path)
    assert result.parsed.profile == "copy" and _structure(result.issues) == []
    assert result.parsed.layout.lists["级次"] == ("上级转移支付",)


def test_the_new_profiles_workbooks_open_in_libreoffice(tmp_path):
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (bash tasks.sh test installs it)")
    paths = [_init(tmp_path, profile) for profile in NEW_PROFILES]
    out = tmp_path / "saved"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "xlsx", "--outdir", str(out), *map(str, paths)],
                   check=True, capture_output=True, timeout=240)
    for profile, path in zip(NEW_PROFILES, paths):
        saved = out / path.name
        assert saved.exists()
        result = check_workbook(saved)  # LibreOffice's own save still reads as that profile's workbook
        assert result.parsed.profile == profile and _structure(result.issues) == []


def test_the_new_dimensions_are_part_of_a_facts_identity(tmp_path):
    """本级 and 上级转移支付 lines of one source are two facts, not a duplicate; a repeated comparison row is."""
    from budget_author.check import check_raw

    data = _xinjiang_data()
    data["prior_other"].append({"dataset": "上年预算", "item": "基本支出", "amount": "1.00"})
    data["prior_expenditure"].append(dict(data["prior_expenditure"][0]))
    result = check_raw(read_workbook(write_template(tmp_path / "xj.xlsx", data, profile="xinjiang")))
    duplicates = [(i.sheet, i.cell) for i in result.issues if i.code == "DUP_FACT"]
    assert duplicates == [("上年支出", "A5"), ("上年其他", "A7")]
    assert result.parsed.budget.comparison("上年预算").totals["basic_total"] == D("2841800.00")  # the first row


def test_build_and_diff_compute_with_the_workbooks_profile(tmp_path, monkeypatch):
    """_meta.profile reaches compute_report: a bureau's copy of the default profile, named in _meta."""
    from budget_author import build as build_module
    from budget_author import diff as diff_module
    from budget_author.build import build_document

    folder = tmp_path / "profiles" / "bureau"
    shutil.copytree(load_profile().folder, folder, ignore=shutil.ignore_patterns("__pycache__"))
    settings = (folder / "profile.toml").read_text(encoding="utf-8")
    (folder / "profile.toml").write_text(settings.replace(f'name = "{profiles.DEFAULT}"', 'name = "bureau"', 1),
                                         encoding="utf-8")
    monkeypatch.setenv(profiles.ENVIRONMENT_VARIABLE, str(tmp_path / "profiles"))
    load_profile.cache_clear()
    layout_of.cache_clear()
    try:
        path = tmp_path / "bureau.xlsx"
        shutil.copy(EXAMPLES / "datong-2024.xlsx", path)
        _set_meta(path, "bureau")
        seen = []

        class Stop(Exception):
            pass

        def record(budget, profile):
            seen.append(profile.name)
            raise Stop

        monkeypatch.setattr(build_module, "compute_report", record)
        with pytest.raises(Stop):
            build_document(path, tmp_path / "out.pdf")
        monkeypatch.setattr(diff_module, "compute_report", record)
        assert diff_module._figures(read_workbook(path)) is None  # the stop is swallowed as "does not compute"
        assert seen == ["bureau", "bureau"]
    finally:
        load_profile.cache_clear()
        layout_of.cache_clear()
