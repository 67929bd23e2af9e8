"""Issue 13 item 6: the commands speak Chinese and say what to do next."""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from budget_author.cli import cli

ENGLISH = ("Usage", "Options", "Commands", "Show this message", "Show the version", "TEXT", "INTEGER",
           "default:", "Error", "Try ", "Missing", "No such", "Arguments", "COMMAND", "[OPTIONS]")


@pytest.fixture
def runner():
    return CliRunner()


@pytest.mark.parametrize("command", [[], ["init"], ["check"], ["build"], ["watch"], ["diff"]])
def test_every_help_is_chinese(runner, command):
    result = runner.invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert result.output.startswith("用法：")
    assert "选项：" in result.output and "显示本帮助并退出。" in result.output
    for word in ENGLISH:
        assert word not in result.output, word
    if not command:
        assert "显示版本号并退出。" in result.output and "命令：" in result.output


@pytest.mark.parametrize("command", [[], ["init"], ["check"], ["build"], ["watch"], ["diff"]])
def test_help_fits_the_terminal_by_display_width(runner, command):
    from budget_author.cli_zh import display_width

    output = runner.invoke(cli, [*command, "--help"], terminal_width=80).output
    assert max(display_width(line) for line in output.splitlines()) <= 80
    assert "， " not in output and "。 " not in output.replace("。 [", "")  # docstring line breaks leave no spaces
    options = [line for line in output.split("选项：")[1].split("\n\n")[0].splitlines() if line.startswith("  -")]
    described = [m for line in options if (m := re.match(r"^(\s+\S.*?\S)(\s{2,})(\S.*)$", line))]
    starts = {display_width(m.group(1) + m.group(2)) for m in described}
    assert len(described) == len(options)
    assert len(starts) == 1  # the option descriptions start in one column, whatever the placeholder's width


def test_preformatted_help_paragraphs_stay_as_typed(runner):
    output = runner.invoke(cli, ["--help"]).output
    assert "    1. budget-author init 填报表.xlsx      生成空白填报表" in output.splitlines()


def test_version_is_chinese(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("budget-author 版本 ")


def test_init_help_has_no_strict(runner):
    result = runner.invoke(cli, ["init", "--help"])
    assert "--strict" not in result.output
    assert "0  已生成空白填报表" in result.output and "3  文件已存在" in result.output
    for command in ("build", "watch", "diff"):  # nor do the other commands that have no --strict offer it
        assert "--strict" not in runner.invoke(cli, [command, "--help"]).output
    assert "--strict" in runner.invoke(cli, ["check", "--help"]).output


@pytest.mark.parametrize("args, message", [
    (["check"], "错误：缺少参数 PATH。"),
    (["diff", "a.xlsx"], "错误：缺少参数 NEW。"),
    (["check", "--formt", "json", "a.xlsx"], "错误：没有选项 --formt。您是不是想用 --format？"),
    (["check", "--format", "xml", "a.xlsx"], "错误：--format 的值无效：“xml”不是可选的值，应为 text、json 之一。"),
    (["init", "--year", "1900", "a.xlsx"], "错误：--year 的值无效：“1900”应为 2000 到 2100 之间的整数。"),
    (["init", "--year"], "错误：选项 --year 后面需要一个值。"),
    (["chek"], "错误：没有命令“chek”。您是不是想用 check？可用的命令：build、check、diff、init、serve、units、users、watch、worker。"),
    (["check", "a.xlsx", "b.xlsx"], "错误：多余的参数：b.xlsx。"),
])
def test_usage_errors_are_chinese(runner, args, message):
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert message in result.output
    for word in ENGLISH:
        assert word not in result.output, word


def test_usage_error_shows_chinese_usage_and_help_hint(runner):
    result = runner.invoke(cli, ["check"])
    assert result.output.splitlines()[:2] == ["用法：cli check [选项] PATH", "运行“cli check --help”查看说明。"]


def test_a_folder_where_a_file_is_expected(runner, tmp_path):
    result = runner.invoke(cli, ["check", str(tmp_path)])
    assert result.exit_code == 2 and f"错误：PATH 的值无效：“{tmp_path}”是文件夹，这里应为一个文件。" in result.output


def test_init_prints_the_next_step(runner, tmp_path):
    target = tmp_path / "我的 单位.xlsx"
    result = runner.invoke(cli, ["init", str(target)])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == (
        f"下一步：在 Excel/WPS 中打开它，按填表说明填写并保存，然后运行 budget-author check \"{target}\"")


def test_check_says_passed_once_and_quiet_silences_it(runner, mini, make_workbook):
    path = make_workbook(mini)
    result = runner.invoke(cli, ["check", str(path)])
    assert result.exit_code == 0 and result.output == f"检查通过：{path}\n"
    quiet = runner.invoke(cli, ["check", "--quiet", str(path)])
    assert quiet.exit_code == 0 and quiet.output == ""
    assert runner.invoke(cli, ["check", "-q", str(path)]).output == ""
    payload = json.loads(runner.invoke(cli, ["check", "--format", "json", str(path)]).output)  # pure JSON
    assert payload["errors"] == 0 and payload["issues"] == []


def test_check_with_problems_does_not_say_passed(runner, mini, make_workbook):
    mini["expenditure"][0]["code"] = "20801O9"
    result = runner.invoke(cli, ["check", "--quiet", str(make_workbook(mini))])
    assert result.exit_code == 1 and "[CODE_MALFORMED]" in result.output and "检查通过" not in result.output


def test_diff_names_cells_then_figures_then_texts(runner, mini, make_workbook):
    old = make_workbook(mini, "旧.xlsx")
    mini["income"][0]["amount"] = "1010000.00"
    mini["expenditure"][0]["amount"] = "610000.00"
    mini["basic_economic"][0]["amount"] = "410000.00"
    mini["paragraphs"] = [*mini.get("paragraphs", []), {"section": "本单位职责", "text": "（九）新增的职责。"}]
    new = make_workbook(mini, "新.xlsx")
    result = runner.invoke(cli, ["diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("新.xlsx 与 旧.xlsx 相比，文件中共 ")
    assert lines[1] == "填写的数据有 3 处变化："
    income = lines.index("  收入!C3（一般公共预算，金额（元））：1000000 → 1010000")
    spending = lines.index("  支出!F3（2080109，金额（元））：600000 → 610000")
    economic = lines.index("  基本支出经济分类!F3（30101，金额（元））：400000 → 410000")
    texts = lines.index("文字有 2 处变化：")
    assert income < spending < economic < texts
    under_income = lines[income + 1:spending]
    assert under_income and all(line.startswith("      ") for line in under_income)
    assert "      表一2025年预算收支总表 收入总计 100.00 → 101.00 万元" in under_income
    assert "      二、收入预算情况说明 一般公共预算 100.00 → 101.00 万元" in under_income
    under_spending = lines[spending + 1:economic]
    assert ("      表三2025年预算支出总表 2080109 社会保险经办机构 合计 90.00 → 91.00 万元；基本支出 60.00 → 61.00 万元"
            in under_spending)
    assert not any("表六" in line for line in under_spending)  # 表六 moves with the 经济分类 row, listed there
    under_economic = lines[economic + 1:texts]
    assert "      六、一般公共预算基本支出情况说明 人员经费 50.00 → 51.00 万元" in under_economic
    numerals = "一二三四五六七八九十"
    order = [numerals.index(m.group(1)) for line in under_spending if (m := re.match(r"\s+表([一二三四五六七八九十])", line))]
    assert order == sorted(order) and len(set(order)) >= 4  # the document's order: 表一 … 表五
    assert lines[texts + 1:texts + 3] == ["  文本段落!A4（栏目）：（空） → 本单位职责",
                                          "  文本段落!B4（本单位职责，内容）：（空） → （九）新增的职责。"]


def test_diff_lists_changed_reasons_as_texts(runner, mini, make_workbook):
    mini.setdefault("reasons", {})
    old = make_workbook(mini, "旧.xlsx")
    mini["reasons"] = {**mini["reasons"], "income_total": "人员增加，工资调整。"}
    new = make_workbook(mini, "新.xlsx")
    result = runner.invoke(cli, ["diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "新.xlsx 与 旧.xlsx 相比，文件中的数字没有变化。"
    assert "填写的数据" not in result.output
    assert "文字有 1 处变化：" in result.output
    assert "  变动原因!F2（收入总计）：业务量增加。 → 人员增加，工资调整。" in result.output.splitlines()


def test_diff_of_identical_workbooks(runner, mini, make_workbook):
    old, new = make_workbook(mini), make_workbook(mini)
    result = runner.invoke(cli, ["diff", str(old), str(new)])
    assert result.exit_code == 0 and "填写的内容和文件中的数字都没有变化" in result.output


def test_watch_rebuilds_once_for_an_in_place_save(tmp_path, mini, make_workbook):
    from budget_author.watch import watch_workbook

    workbook = make_workbook(mini, "单位.xlsx")
    mini["income"][0]["amount"] = "1010000.00"
    mini["expenditure"][0]["amount"] = "610000.00"
    mini["basic_economic"][0]["amount"] = "410000.00"
    saved = make_workbook(mini, "saved.xlsx").read_bytes()
    rounds = []
    stop = threading.Event()
    thread = threading.Thread(target=watch_workbook, args=(workbook,),
                              kwargs={"on_round": rounds.append, "stop_event": stop})
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not rounds and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)
        with open(workbook, "r+b") as handle:  # an in-place save, written in bursts like a real program
            handle.truncate(0)
            handle.flush()
            for start in range(0, len(saved), 8192):
                handle.write(saved[start:start + 8192])
                handle.flush()
                time.sleep(0.02)
        deadline = time.monotonic() + 60
        while len(rounds) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(6)  # long enough for a second round to start and finish
    finally:
        stop.set()
        thread.join(60)
    assert [r.number for r in rounds] == [1, 2]
    assert rounds[1].built, rounds[1].problems


def test_batch_summary_folds_long_unit_names(tmp_path, mini, make_workbook, monkeypatch):
    import budget_author.cli as cli_module

    name = "山西省某某市某某县人力资源和社会保障局所属社会保险事业管理服务中心第二分中心"
    mini["unit"]["name"] = name
    mini["expenditure"][0]["code"] = "20801O9"  # an error: no PDF is rendered, the summary still lists the unit
    folder = tmp_path / "units"
    folder.mkdir()
    shutil.copy(make_workbook(mini), folder / "a.xlsx")
    consoles = []

    class Narrow(Console):
        def __init__(self, **kwargs):
            super().__init__(width=60, record=True, **kwargs)
            consoles.append(self)

    monkeypatch.setattr("rich.console.Console", Narrow)
    result = CliRunner().invoke(cli_module.cli, ["build", str(folder), "-o", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 1
    text = consoles[-1].export_text()
    assert "…" not in text
    cells = "".join(line.split("│")[1].strip() for line in text.splitlines() if line.count("│") >= 6)
    assert name in cells  # every character of the name, folded over several lines
