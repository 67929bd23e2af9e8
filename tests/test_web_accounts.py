"""`budget-author units …` and `users …`: units and accounts for `serve`, one at a time and from CSV."""

from __future__ import annotations

import pytest

pytest.importorskip("sqlalchemy", reason="the web extra is not installed (pip install -e '.[test]')")

from click.testing import CliRunner  # noqa: E402
from sqlalchemy import select  # noqa: E402

from budget_author.cli import cli  # noqa: E402
from budget_author.web.accounts import verify_password  # noqa: E402
from budget_author.web.db import Unit, User, open_database  # noqa: E402


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def users(data):
    with open_database(data)() as session:
        return {u.username: u for u in session.scalars(select(User))}


def test_units_and_users_one_at_a_time(tmp_path):
    data = str(tmp_path)
    added = run("units", "add", "141101", "汾阳市社会保险中心", "--region", "汾阳市", "--year", "2025", "--data", data)
    assert added.exit_code == 0 and "已登记单位：141101 汾阳市社会保险中心" in added.output
    again = run("units", "add", "141101", "别的单位", "--region", "汾阳市", "--year", "2025", "--data", data)
    assert again.exit_code == 2 and "单位代码 141101 已存在" in again.output
    clerk = run("users", "add", "zhang", "--role", "clerk", "--unit", "141101", "--name", "张三", "--data", data)
    assert clerk.exit_code == 0 and "已建立账号：zhang（填报人员）" in clerk.output
    password = clerk.output.split("初始密码：")[1].strip()
    assert verify_password(users(data)["zhang"].password_hash, password)
    typed = run("users", "add", "li", "--role", "reviewer", "--region", "汾阳市", "--password-stdin", "--data", data,
                input="a-long-password\n")
    assert typed.exit_code == 0 and "初始密码" not in typed.output
    assert verify_password(users(data)["li"].password_hash, "a-long-password")
    no_unit = run("users", "add", "wang", "--role", "clerk", "--unit", "999", "--data", data)
    assert no_unit.exit_code == 2 and "已登记的单位代码" in no_unit.output
    short = run("users", "add", "wang", "--role", "admin", "--password-stdin", "--data", data, input="short\n")
    assert short.exit_code == 2 and "密码太短" in short.output
    assert "wang" not in users(data)
    listed = run("users", "list", "--data", data)
    assert "zhang\t张三\t填报人员\t141101 汾阳市社会保险中心" in listed.output and "li\t\t审核人员（财政局）\t汾阳市" in listed.output
    assert run("users", "disable", "zhang", "--data", data).exit_code == 0
    assert users(data)["zhang"].active is False and "已停用" in run("users", "list", "--data", data).output
    before = users(data)["zhang"].session_version
    reset = run("users", "passwd", "zhang", "--data", data)
    assert reset.exit_code == 0 and users(data)["zhang"].session_version > before
    assert run("users", "passwd", "nobody", "--data", data).exit_code == 2


def test_csv_imports_take_gbk_and_are_all_or_nothing(tmp_path):
    data = str(tmp_path)
    units = tmp_path / "单位.csv"
    units.write_bytes("单位代码,单位名称,地区,公开标准,年度\n141101,汾阳市社会保险中心,汾阳市,山西省单位预算公开,2025\n"
                      "652827,和静县某单位,和静县,xinjiang,2024\n".encode("gb18030"))
    result = run("units", "import", str(units), "--data", data)
    assert result.exit_code == 0 and "已导入 2 个单位" in result.output
    with open_database(data)() as session:
        assert {(u.code, u.profile, u.year) for u in session.scalars(select(Unit))} == {
            ("141101", "shanxi", 2025), ("652827", "xinjiang", 2024)}
    accounts = tmp_path / "账号.csv"
    accounts.write_text("用户名,姓名,角色,单位代码,地区,初始密码\nzhang,张三,填报人员,141101,,\n"
                        "li,李四,reviewer,,汾阳市,password-of-li\nbad name,王五,clerk,141101,,\n"
                        "zhao,赵六,clerk,000000,,\n", encoding="utf-8-sig")
    refused = run("users", "import", str(accounts), "--data", data)
    assert refused.exit_code == 2 and "没有导入任何一行" in refused.output
    assert "第 4 行：用户名“bad name”无效" in refused.output and "第 5 行：" in refused.output
    assert users(data) == {}
    accounts.write_text("用户名,姓名,角色,单位代码,地区,初始密码\nzhang,张三,填报人员,141101,,\n"
                        "li,李四,reviewer,,汾阳市,password-of-li\n", encoding="utf-8-sig")
    imported = run("users", "import", str(accounts), "--data", data)
    assert imported.exit_code == 0 and "已建立 2 个账号" in imported.output
    generated = imported.output.split("zhang\t")[1].strip()
    accounts_now = users(data)
    assert verify_password(accounts_now["zhang"].password_hash, generated)
    assert verify_password(accounts_now["li"].password_hash, "password-of-li") and "li\t" not in imported.output
    wrong_header = tmp_path / "x.csv"
    wrong_header.write_text("name,role\nx,clerk\n", encoding="utf-8")
    assert "缺少：用户名，角色" in run("users", "import", str(wrong_header), "--data", data).output


def test_the_web_commands_have_chinese_help():
    for args in (["serve", "--help"], ["users", "--help"], ["users", "add", "--help"], ["units", "import", "--help"]):
        result = run(*args)
        assert result.exit_code == 0 and "选项" in result.output and "Usage" not in result.output, args
        assert "default" not in result.output and "Show this" not in result.output, args
    assert "--data" in run("serve", "--help").output
