"""Profiles are validated when loaded: a typo names the file, the table and the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from budget_author import profiles
from budget_author.profiles import ProfileError, load_profile


@pytest.fixture
def profile_copy(tmp_path, monkeypatch):
    """A copy of the default profile under another name, found through BUDGET_AUTHOR_PROFILES."""
    def make(name: str = "copy") -> Path:
        folder = tmp_path / name
        shutil.copytree(load_profile().folder, folder, ignore=shutil.ignore_patterns("__pycache__"))
        text = (folder / "profile.toml").read_text(encoding="utf-8")
        (folder / "profile.toml").write_text(text.replace(f'name = "{profiles.DEFAULT}"', f'name = "{name}"', 1),
                                             encoding="utf-8")
        return folder

    monkeypatch.setenv(profiles.ENVIRONMENT_VARIABLE, str(tmp_path))
    load_profile.cache_clear()
    yield make
    load_profile.cache_clear()


def test_every_built_in_profile_validates():
    for name in profiles.BUILT_IN:
        assert load_profile(name).name == name


def test_a_profile_folder_from_the_environment_loads(profile_copy):
    profile_copy("bureau")
    assert "bureau" in profiles.available()
    assert load_profile("bureau").tables == load_profile().tables


def test_a_misspelt_filter_dimension_is_an_error_naming_table_and_key(profile_copy):
    folder = profile_copy()
    text = (folder / "tables.toml").read_text(encoding="utf-8")
    (folder / "tables.toml").write_text(text.replace('key = "basic", filter = {kind = "基本支出"}',
                                                     'key = "basic", filter = {kinds = "基本支出"}', 1),
                                        encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile("copy")
    message = str(caught.value)
    assert "tables.toml" in message and "表 3" in message and "kinds" in message


def test_an_impossible_filter_value_is_an_error(profile_copy):
    folder = profile_copy()
    text = (folder / "tables.toml").read_text(encoding="utf-8")
    (folder / "tables.toml").write_text(text.replace('filter = {kind = "基本支出"}', 'filter = {kind = "基本"}', 1),
                                        encoding="utf-8")
    with pytest.raises(ProfileError, match="基本"):
        load_profile("copy")


def test_an_unknown_key_in_profile_toml_is_an_error(profile_copy):
    folder = profile_copy()
    with (folder / "profile.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[parts2]\noverview = "x"\n')
    with pytest.raises(ProfileError, match="parts2"):
        load_profile("copy")


def test_an_unknown_profile_names_the_known_ones():
    with pytest.raises(ProfileError) as caught:
        load_profile("atlantis")
    assert profiles.DEFAULT in str(caught.value)
    with pytest.raises(ProfileError):
        load_profile("../shanxi")


def test_a_figure_name_a_sentence_cannot_reach_is_an_error(profile_copy):
    folder = profile_copy()
    text = (folder / "profile.toml").read_text(encoding="utf-8")
    (folder / "profile.toml").write_text(text.replace('"income.total" = {sum = "income"}', '"income.items" = {sum = "income"}', 1),
                                         encoding="utf-8")
    with pytest.raises(ProfileError, match="items"):
        load_profile("copy")


@pytest.mark.parametrize("old, new, word", [
    ('"projects.count" = {count = "projects", distinct = "project",', '"projects.count" = {count = "projects", distinct = "projekt",', "distinct"),
    ('place = "十"', 'place = "十一十"', "place"),
    ('filter = {figure = "income_total"}', 'filter = {figure = "income_total", code = 2080109}', "code"),
    ('"gpb.share" = {share = ["gpb.amount", "一.income.total"]}', '"gpb.share" = {share = ["gpb.amout", "一.income.total"]}',
     "gpb.amout"),
    ('"gpb.share" = {share = ["gpb.amount", "一.income.total"]}', '"gpb.share" = {share = ["gpb.amount", "一.income.totl"]}',
     "income.totl"),
])
def test_more_typos_fail_at_load(profile_copy, old, new, word):
    folder = profile_copy()
    text = (folder / "profile.toml").read_text(encoding="utf-8")
    assert old in text
    (folder / "profile.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ProfileError, match=word):
        load_profile("copy")


# Checks that used to fail only at build time (a KeyError or AttributeError, exit 70) now fail at load.
@pytest.mark.parametrize("old, new, words", [
    ('floor_area = {value = "assets.floor_area"', 'floor_area = {value = "assets.floor_aera"', ("value", "floor_aera", "floor_area")),
    ('floor_area = {value = "assets.floor_area"', 'floor_area = {value = "asset.floor_area"', ("asset", "assets")),
    ('figures = {amount = {sum = "expenditure", key = "class.{code}"}}',
     'figures = {amount = {sum = "expenditure", key = "class.{cod}"}}', ("{cod}", "{code}", "key")),
    ('document_title = "{year}年度单位预算公开"', 'document_title = "{yaer}年度单位预算公开"', ("document_title", "{yaer}")),
    ('document_title = "{year}年度单位预算公开"', 'document_title = "{year年度单位预算公开"', ("document_title", "花括号")),
    ('title = "{region}{level}预算部门（单位）项目支出绩效目标表"', 'title = "{regoin}{level}预算部门（单位）项目支出绩效目标表"',
     ("forms[0] title", "{regoin}")),
    ('{label = "中央财政资金", key = "central", prefix = "其中："}', '{label = "中央财政资金", key = "centrl", prefix = "其中："}',
     ("fund_rows[0]", "centrl", "central")),
    ('{label = "项目概况", key = "overview"}', '{label = "项目概况", key = "overveiw"}', ("text_rows[0]", "overveiw")),
    ('chart_loop = "五.classes"', 'chart_loop = "五.clases"', ("chart_loop", "五.clases")),
    ('chart_loop = "五.classes"', 'chart_loop = "classes"', ("chart_loop",)),
])
def test_placeholders_paths_and_form_rows_fail_at_load(profile_copy, old, new, words):
    folder = profile_copy()
    text = (folder / "profile.toml").read_text(encoding="utf-8")
    assert old in text
    (folder / "profile.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile("copy")
    message = str(caught.value)
    assert "profile.toml" in message
    for word in words:
        assert word in message


def test_an_unknown_placeholder_in_a_table_text_fails_at_load(profile_copy):
    folder = profile_copy()
    text = (folder / "tables.toml").read_text(encoding="utf-8")
    (folder / "tables.toml").write_text(text.replace('{text = "{year}年预算数", children = [',
                                                     '{text = "{yr}年预算数", children = [', 1), encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile("copy")
    message = str(caught.value)
    assert "tables.toml" in message and "{yr}" in message and "columns" in message and "{year}" in message
