"""The command line: exit codes, JSON output, --strict, help texts."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from budget_author.cli import cli


@pytest.fixture
def runner():
    return CliRunner()


def test_errors_exit_1_with_located_chinese_messages(runner, mini, make_workbook):
    mini["expenditure"][0]["code"] = "20801O9"
    result = runner.invoke(cli, ["check", str(make_workbook(mini))])
    assert result.exit_code == 1
    assert "错误 支出!A3 [CODE_MALFORMED]" in result.output
    assert "共 1 个错误，0 个警告" in result.output


def test_json_output_has_the_same_problems(runner, mini, make_workbook):
    mini["expenditure"][2]["name"] = "租房补贴"
    result = runner.invoke(cli, ["check", "--format", "json", str(make_workbook(mini))])
    assert result.exit_code == 0  # a warning alone
    payload = json.loads(result.output)
    assert payload["errors"] == 0 and payload["warnings"] == 1
    (problem,) = payload["issues"]
    assert problem["code"] == "CODE_NAME_MISMATCH" and problem["severity"] == "warning"
    assert (problem["sheet"], problem["cell"]) == ("支出", "B5")
    assert "住房公积金" in problem["message"]


def test_strict_fails_on_warnings(runner, mini, make_workbook):
    mini["expenditure"][2]["name"] = "租房补贴"
    result = runner.invoke(cli, ["check", "--strict", str(make_workbook(mini))])
    assert result.exit_code == 1


def test_repeats_of_one_code_are_capped(runner, mini, make_workbook):
    path = make_workbook(mini)
    workbook = load_workbook(path)
    for row in range(10, 40):
        workbook["三公经费"][f"D{row}"] = "待定"
    workbook.save(path)
    result = runner.invoke(cli, ["check", str(path)])
    assert result.output.count("[VAL_REQUIRED]") == 20
    assert "另有 70 处同类问题（VAL_REQUIRED）" in result.output


@pytest.mark.parametrize("command", [["--help"], ["check", "--help"], ["build", "--help"]])  # init: its own list
def test_help_explains_exit_codes(runner, command):
    result = runner.invoke(cli, command)
    assert result.exit_code == 0
    for line in ("0  没有错误", "1  填报数据有错误", "2  文件无法使用", "3  输出文件无法写入"):
        assert line in result.output


def test_internal_errors_never_show_a_stack_trace(monkeypatch, capsys, tmp_path):
    from budget_author import cli as cli_module
    import budget_author.check

    def boom(path):
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(budget_author.check, "check_workbook", boom)
    monkeypatch.setattr("sys.argv", ["budget-author", "check", str(tmp_path / "x.xlsx")])
    with pytest.raises(SystemExit) as info:
        cli_module.main()
    assert info.value.code == 70
    err = capsys.readouterr().err
    assert "内部错误" in err and "Traceback" not in err
