"""A standard's validation set ([rules] in profile.toml): switches, severities, required texts and
last year's figure for every 项 — the same rule functions under every standard."""

from __future__ import annotations

import shutil

import pytest

from budget_author import profiles
from budget_author.check import check_workbook
from budget_author.issues import Severity
from budget_author.profiles import ProfileError, load_profile
from budget_author.workbook.template import write_template


@pytest.fixture
def standard(tmp_path, monkeypatch):
    """A copy of the default standard named "rulecheck", with a 上年支出 sheet and the given [rules]."""

    def make(rules: str) -> str:
        folder = tmp_path / "profiles" / "rulecheck"
        shutil.copytree(load_profile().folder, folder, ignore=shutil.ignore_patterns("__pycache__"))
        text = (folder / "profile.toml").read_text(encoding="utf-8")
        text = text.replace(f'name = "{profiles.DEFAULT}"', 'name = "rulecheck"', 1)
        start = text.index("[rules]")
        end = text.index("\n\n", start)
        (folder / "profile.toml").write_text(text[:start] + rules.strip() + text[end:], encoding="utf-8")
        (folder / "workbook.toml").write_text('sheets = ["prior_expenditure"]\n', encoding="utf-8")
        monkeypatch.setenv(profiles.ENVIRONMENT_VARIABLE, str(tmp_path / "profiles"))
        load_profile.cache_clear()
        return "rulecheck"

    yield make
    load_profile.cache_clear()


def _codes(path) -> dict[str, list]:
    found: dict[str, list] = {}
    for i in check_workbook(path).issues:
        found.setdefault(i.code, []).append(i)
    return found


PRIOR_ITEMS = '''
[rules]
required_texts = {"本单位职责" = "第一部分 概况"}
prior_items = [{comparison = "上年执行数", filter = {source = "一般公共预算", period = "当年预算"}, where = "表二"}]
'''


def test_a_project_without_last_years_actual_is_named_and_one_with_it_is_not(standard, mini, tmp_path):
    name = standard(PRIOR_ITEMS)
    mini["prior_expenditure"] = [{"dataset": "上年执行数", "code": "2080109", "source": "一般公共预算",
                                  "kind": "基本支出", "amount": "550000.00"}]
    found = _codes(write_template(tmp_path / "a.xlsx", mini, profile=name))
    (missing,) = found["PRIOR_ITEM_MISSING"]
    assert "2210201" in missing.message and "上年执行数" in missing.message and "表二" in missing.message
    assert missing.sheet == "支出" and missing.severity is Severity.ERROR
    mini["prior_expenditure"].append({"dataset": "上年执行数", "code": "2210201", "source": "一般公共预算",
                                      "kind": "基本支出", "amount": "0"})
    assert "PRIOR_ITEM_MISSING" not in _codes(write_template(tmp_path / "b.xlsx", mini, profile=name))


def test_required_texts_come_from_the_standard(standard, mini, tmp_path):
    name = standard(PRIOR_ITEMS)
    mini["paragraphs"] = [p for p in mini["paragraphs"] if p["section"] != "机构设置"]
    assert "TEXT_SECTION_MISSING" not in _codes(write_template(tmp_path / "a.xlsx", mini, profile=name))
    mini["paragraphs"] = []
    (missing,) = _codes(write_template(tmp_path / "b.xlsx", mini, profile=name))["TEXT_SECTION_MISSING"]
    assert "本单位职责" in missing.message


def test_a_standard_switches_a_code_off_and_sets_a_severity(standard, mini, tmp_path):
    mini["paragraphs"] = []
    name = standard(PRIOR_ITEMS.replace("[rules]", '[rules]\noff = ["PRIOR_ITEM_MISSING"]\n'
                                                   'severity = {TEXT_SECTION_MISSING = "warning"}'))
    found = _codes(write_template(tmp_path / "a.xlsx", mini, profile=name))
    assert "PRIOR_ITEM_MISSING" not in found
    assert [i.severity for i in found["TEXT_SECTION_MISSING"]] == [Severity.WARNING]


def test_an_unknown_code_in_rules_is_a_profile_error(standard):
    name = standard('[rules]\noff = ["PRIOR_ITEM_MISING"]')
    with pytest.raises(ProfileError, match="PRIOR_ITEM_MISING"):
        load_profile(name)


def test_a_workbook_of_a_broken_standard_is_reported_not_a_crash(standard, mini, tmp_path):
    from click.testing import CliRunner

    from budget_author.cli import cli

    name = standard(PRIOR_ITEMS)
    path = write_template(tmp_path / "a.xlsx", mini, profile=name)
    folder = tmp_path / "profiles" / name
    (folder / "tables.toml").write_text((folder / "tables.toml").read_text(encoding="utf-8")
                                        .replace('kind = "基本支出"', 'kinds = "基本支出"', 1), encoding="utf-8")
    load_profile.cache_clear()
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 2, result.output
    assert "PROFILE_INVALID" in result.output and "kinds" in result.output and "Traceback" not in result.output


def test_prior_items_filter_on_the_facts_dimensions(standard, mini, tmp_path):
    """nature comes from the unit type (行政单位 → 行政支出) when the line names none, as the filter was validated."""
    name = standard(PRIOR_ITEMS.replace('filter = {source = "一般公共预算", period = "当年预算"}',
                                        'filter = {nature = "行政支出"}'))
    mini["prior_expenditure"] = [{"dataset": "上年执行数", "code": "2080109", "source": "一般公共预算",
                                  "kind": "基本支出", "amount": "550000.00"}]
    (missing,) = _codes(write_template(tmp_path / "a.xlsx", mini, profile=name))["PRIOR_ITEM_MISSING"]
    assert "2210201" in missing.message
