"""The core stays clean while it grows (issue 14, item 4): rules run isolated, one exception → exit-code
table, issue parameters as fields, one name resolver, one declaration of row totals, no dead code."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import budget_author.check as check_module
from budget_author.check import check_workbook
from budget_author.cli import cli
from budget_author.issues import Severity, issue
from budget_author.rules.base import Rule


# ---------------------------------------------------------------- rules run isolated
def _broken_generator(ctx):
    """Finds one real-looking problem, then trips over a bug half-way."""
    yield issue("PROJ_NO_AMOUNT", ("项目", "C3"), name="半途出错之前找到的问题")
    raise KeyError("a bug")


def _broken_applies_rule() -> Rule:
    class Exploding(Rule):
        def applies(self, ctx):
            raise ZeroDivisionError("a bug in applies")

    return Exploding("check_explodes_early", lambda ctx: iter(()), ("PROJ_NO_AMOUNT",), ())


@pytest.fixture
def broken_rules(monkeypatch):
    """Two deliberately broken rules, run among the real ones (first, middle, so later rules must still run)."""
    real = check_module.RULES
    half_way = Rule("check_half_way", _broken_generator, ("PROJ_NO_AMOUNT",), ())
    monkeypatch.setattr(check_module, "RULES", (half_way, *real[:3], _broken_applies_rule(), *real[3:]))
    return half_way


def _unbalanced(mini, make_workbook):
    mini["income"][0]["amount"] = "1000100.00"  # a real error: income ≠ expenditure by 100 元
    return make_workbook(mini)


def test_a_rule_that_raises_becomes_one_internal_problem_and_the_others_still_report(
        broken_rules, mini, make_workbook):
    issues = check_workbook(_unbalanced(mini, make_workbook)).issues
    codes = [i.code for i in issues]
    # the real problem of the known-bad workbook is still found by the rule that runs after the broken ones
    assert ("TOTAL_INCOME_EXPENDITURE", "收入", "C2") in [(i.code, i.sheet, i.cell) for i in issues]
    # the problem the generator yielded before it raised is kept
    assert [i.message for i in issues if i.code == "PROJ_NO_AMOUNT"] == [
        "项目“半途出错之前找到的问题”没有填写任何金额。请补充金额，或删除该行。"]
    internal = [i for i in issues if i.code == "RULE_INTERNAL"]
    assert len(internal) == 2 and codes.count("RULE_INTERNAL") == 2
    half_way, early = internal
    assert half_way.severity is Severity.ERROR and (half_way.sheet, half_way.cell) == (None, None)
    assert "test_core_cleanup.check_half_way" in half_way.message and "（KeyError）" in half_way.message
    assert "test_core_cleanup.check_explodes_early" in early.message and "ZeroDivisionError" in early.message
    assert "程序的问题" in half_way.message and "其他问题是真实的" in half_way.message
    assert half_way.params == {"rule": "test_core_cleanup.check_half_way", "error": "KeyError"}


def test_a_real_rule_is_named_by_its_module_and_function():
    from budget_author.rules import RULES

    assert "totals.check_typed_totals" in [r.qualified_name for r in RULES]


def test_check_exits_1_not_70_when_a_rule_raises(broken_rules, mini, make_workbook):
    result = CliRunner().invoke(cli, ["check", str(_unbalanced(mini, make_workbook))])
    assert result.exit_code == 1
    assert "[RULE_INTERNAL]" in result.output and "[TOTAL_INCOME_EXPENDITURE]" in result.output
    assert "Traceback" not in result.output


def test_a_clean_workbook_with_a_broken_rule_is_not_clean(broken_rules, mini, make_workbook):
    """The rule that did not finish may have missed a real problem: no PDF from a check that did not finish."""
    result = check_workbook(make_workbook(mini))
    assert not result.ok
    assert {i.code for i in result.issues} == {"RULE_INTERNAL", "PROJ_NO_AMOUNT"}


def test_debug_lets_the_rule_exception_through(broken_rules, mini, make_workbook, monkeypatch):
    monkeypatch.setenv("BUDGET_AUTHOR_DEBUG", "1")
    with pytest.raises(KeyError):
        check_workbook(make_workbook(mini))


# ---------------------------------------------------------------- dead code stays dead
def test_the_view_module_holds_only_what_the_report_uses():
    from budget_author.compute import view

    public = {name for name, value in vars(view).items()
              if isinstance(value, type) and value.__module__ == view.__name__}
    assert public == {"Figure", "Figures", "Cell", "TableView"}  # no second Report, no Section/Part


@pytest.mark.parametrize("module, name", [
    ("budget_author.workbook.parse", "ParseFn"),
    ("budget_author.classification", "functional_class_count"),
    ("budget_author.model", "cell"),
])
def test_removed_helpers_stay_removed(module, name):
    import importlib

    assert not hasattr(importlib.import_module(module), name)


# ---------------------------------------------------------------- issue parameters are fields
import ast  # noqa: E402
import string  # noqa: E402
from pathlib import Path  # noqa: E402

from budget_author.catalogue import CATALOGUE, MissingParams  # noqa: E402

PACKAGE = Path(__file__).resolve().parents[1] / "budget_author"
# Calls that raise a code: the first argument is the code, the keywords are the message's parameters.
CONSTRUCTORS = {"issue", "add", "_Bad", "InputError", "OutputError", "RenderError"}
# AmountError (money.py) carries a code alone; parse.py passes it on as _Bad(exc.code, value=…, field=…).
AMOUNT_ERROR_FILLED_WITH = {"value", "field"}
# The places that pass on a code and parameters that a constructor above (or AmountError) made: they add
# nothing of their own, so the scan of the constructors covers them. A new forwarder is reviewed here.
FORWARDERS = {  # (file, function, the parameters it adds: "**" passes on what it was given)
    ("exits.py", "problem_of", "**"),  # issue(exc.code, **exc.params): an InputError, OutputError or RenderError
    ("workbook/parse.py", "add", "**"),  # issue(code, where, **params): _Parser.add itself
    ("workbook/parse.py", "read_table", "**"),  # self.add(bad.code, …, **bad.params): a _Bad raised in a cell
    ("workbook/parse.py", "read_fixed", "**"),  # likewise
    ("workbook/parse.py", "check_structure", "**"),  # self.add(code, …, **params): the problem self.misfit found
    ("workbook/parse.py", "_money", "field,value"),  # _Bad(exc.code, value=…, field=…): an AmountError
    ("render/worker.py", "_render", "**"),  # RenderError(code, **params): the render process's reply (a tuple)
}


def _fields(code: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(CATALOGUE[code].message) if name}


def _literal_codes(node: ast.AST, assigned: dict[str, ast.AST]) -> list[str] | None:
    """The codes an argument can be, or None when it is not written in the source (a forwarded code)."""
    if isinstance(node, ast.Name) and node.id in assigned:
        node = assigned[node.id]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if node.value in CATALOGUE else None
    if isinstance(node, ast.IfExp):
        body, orelse = _literal_codes(node.body, assigned), _literal_codes(node.orelse, assigned)
        return body + orelse if body is not None and orelse is not None else None
    return None


def scan(source: str, filename: str = "<source>") -> tuple[list[tuple], set[tuple[str, str, str]]]:
    """(every place a code is raised without a parameter its message needs, the forwarding places)."""
    missing: list[tuple] = []
    forwarders: set[tuple[str, str, str]] = set()
    tree = ast.parse(source)
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    scopes = [(f, {t.id: a.value for a in ast.walk(f) if isinstance(a, ast.Assign)
                   for t in a.targets if isinstance(t, ast.Name)}) for f in functions]
    scopes.append((tree, {}))

    def enclosing(node: ast.AST):
        inner = [(f, a) for f, a in scopes if f is not tree and any(n is node for n in ast.walk(f))]
        return min(inner, key=lambda fa: fa[0].end_lineno - fa[0].lineno) if inner else (tree, {})

    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple):  # ("error", "RENDER_MEMORY", {"limit": …}): a code sent with its parameters
            for code_node, params in zip(node.elts, node.elts[1:]):
                codes = _literal_codes(code_node, {})
                if codes and isinstance(params, ast.Dict):
                    keys = {k.value for k in params.keys if isinstance(k, ast.Constant)}
                    missing += [(filename, node.lineno, c, _fields(c) - keys) for c in codes if _fields(c) - keys]
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name not in CONSTRUCTORS | {"AmountError"}:
            continue
        if name == "add" and not (isinstance(func.value, ast.Name) and func.value.id == "self"):
            continue  # a set's add; _Parser's own is self.add(code, …)
        function, assigned = enclosing(node)
        codes = _literal_codes(node.args[0], assigned)
        if codes is None:
            adds = "**" if any(k.arg is None for k in node.keywords) else ",".join(sorted(k.arg for k in node.keywords))
            forwarders.add((filename, getattr(function, "name", "<module>"), adds))
            continue
        supplied = {k.arg for k in node.keywords if k.arg} | (AMOUNT_ERROR_FILLED_WITH if name == "AmountError" else set())
        if any(k.arg is None for k in node.keywords):  # **params at a place that names the code: not checkable
            missing += [(filename, node.lineno, c, {"**"}) for c in codes]
            continue
        missing += [(filename, node.lineno, c, _fields(c) - supplied) for c in codes if _fields(c) - supplied]
    return missing, forwarders


def test_every_place_that_raises_a_code_supplies_every_parameter_of_its_message():
    missing, forwarders = [], set()
    for path in sorted(PACKAGE.rglob("*.py")):
        found, forwarding = scan(path.read_text(encoding="utf-8"), path.relative_to(PACKAGE).as_posix())
        missing += found
        forwarders |= forwarding
    assert missing == []
    assert forwarders == FORWARDERS
    assert ("workbook/parse.py", "_money", ",".join(sorted(AMOUNT_ERROR_FILLED_WITH))) in forwarders


def test_the_scan_catches_a_missing_parameter():
    source = '''
def f(path):
    code = "TEXT_NO_GLYPH" if path else "TEXT_NO_GLYPH_NAME"
    yield issue(code, None, field="名称")                  # chars missing, for both codes
    raise InputError("FILE_TOO_LARGE", size=1)             # limit missing
    raise OutputError("OUTPUT_BUSY", output=path, seconds=1)  # complete
    raise AmountError("VAL_AMOUNT_UNIT")                   # filled with value= later: complete
    reply(("error", "RENDER_MEMORY", {}))                  # limit missing
    issue("CODE_NAME_MISMATCH", None, **mismatch)          # a literal code with **: not checkable
'''
    missing, forwarders = scan(source)
    assert [(code, needed) for _, _, code, needed in sorted(missing, key=lambda m: m[1])] == [
        ("TEXT_NO_GLYPH", {"chars"}), ("TEXT_NO_GLYPH_NAME", {"chars"}), ("FILE_TOO_LARGE", {"limit"}),
        ("RENDER_MEMORY", {"limit"}), ("CODE_NAME_MISMATCH", {"**"})]
    assert forwarders == set()


def test_a_missing_parameter_is_an_error_not_a_padded_blank():
    with pytest.raises(MissingParams) as info:
        issue("FILE_TOO_LARGE", size=20_000_001)
    assert info.value.missing == {"limit"}
    from budget_author.outputs import OutputError
    from budget_author.render.pdf import RenderError

    with pytest.raises(MissingParams):
        OutputError("OUTPUT_BUSY", output="甲.pdf")
    with pytest.raises(MissingParams):  # used to print the raw template with {reason} in it
        RenderError("RENDER_FAILED")


def test_an_issue_keeps_exactly_the_parameters_its_message_asks_for():
    problem = issue("VAL_AMOUNT_UNIT", ("收入", "C3"), value="12万元", field="金额（元）")  # field: not asked for
    assert dict(problem.params) == {"value": "12万元"}
    assert problem.message == CATALOGUE["VAL_AMOUNT_UNIT"].message.format(value="12万元")
    assert problem == issue("VAL_AMOUNT_UNIT", ("收入", "C3"), value="12万元")
    assert len({problem, issue("VAL_AMOUNT_UNIT", ("收入", "C3"), value="12万元")}) == 1  # hashable, by value
    with pytest.raises(TypeError):
        problem.params["value"] = "0"  # frozen
    file_problem = issue("FILE_CORRUPT", detail="压缩数据损坏")
    assert file_problem.params == {"detail": "压缩数据损坏"} and "压缩数据损坏" in file_problem.message


# ---------------------------------------------------------------- one exception → exit-code table
from budget_author import exits  # noqa: E402


def _coded_failures():
    from budget_author.outputs import OutputError
    from budget_author.render.pdf import RenderError
    from budget_author.workbook.read import InputError

    return [
        (InputError("FILE_CORRUPT", detail="压缩数据损坏"), 2),
        (OutputError("OUTPUT_DISK_FULL", folder="公开文件", output="甲.pdf"), 3),
        (RenderError("RENDER_TIMEOUT", seconds=120), 4),
    ]


def test_the_table_gives_the_readme_exit_codes():
    import re

    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### 退出码（所有命令相同）", 1)[1].split("\n### ", 1)[0]
    documented = {int(n) for n in re.findall(r"^\| (\d+) \|", section, flags=re.M)}
    from_table = {row.code for _, row in exits.table()} | {exits.EXIT_OK, exits.EXIT_PROBLEMS}
    assert documented == {0, 1, 2, 3, 4, 70, 130, 141}
    assert from_table == documented | {143} and "143：被 `kill` 终止" in section  # 143 is told in 130's row
    assert exits.exit_for(exits.Terminated()).code == 143 and exits.exit_for(KeyboardInterrupt()).code == 130
    assert exits.exit_for(BrokenPipeError()).code == 141
    assert exits.exit_for(MemoryError()).code == 70 and exits.exit_for(ZeroDivisionError()).code == 70


@pytest.mark.parametrize("index", range(3))
def test_cli_watch_and_batch_read_one_table(index, monkeypatch, mini, make_workbook, tmp_path):
    """The same failure means the same to all three: the CLI's exit code, the batch status's exit code, and
    the problem a watch round shows."""
    import budget_author.build
    import budget_author.watch
    from budget_author.batch import build_one

    failure, code = _coded_failures()[index]

    def fail(*args, **kwargs):
        raise failure

    monkeypatch.setattr(budget_author.build, "build_document", fail)
    monkeypatch.setattr(budget_author.watch, "build_document", fail)
    path = make_workbook(mini)
    result = CliRunner().invoke(cli, ["build", str(path)])
    assert result.exit_code == code
    assert f"[{failure.code}]" in result.output
    outcome = build_one(path, tmp_path / "x.pdf", draft=False)
    assert exits.batch_exit_code(outcome.status) == code and outcome.code == failure.code
    round_ = budget_author.watch.build_round(path, tmp_path / "x.pdf", False, 1, retries=1)
    assert [(p.code, p.message) for p in round_.problems] == [(failure.code, exits.problem_of(failure).message)]


def test_batch_statuses_keep_their_exit_codes():
    assert {status: exits.batch_exit_code(status) for status in
            ("有错误", "无法读取", "无法写入", "无法生成", "进程崩溃")} == {
        "有错误": 1, "无法读取": 2, "无法写入": 3, "无法生成": 4, "进程崩溃": 70}


def test_a_bug_anywhere_exits_70_with_the_internal_message(monkeypatch, capsys, tmp_path):
    from budget_author import cli as cli_module
    import budget_author.check

    def boom(path):
        raise MemoryError()

    monkeypatch.setattr(budget_author.check, "check_workbook", boom)
    monkeypatch.setattr("sys.argv", ["budget-author", "check", str(tmp_path / "x.xlsx")])
    with pytest.raises(SystemExit) as info:
        cli_module.main()
    assert info.value.code == 70
    assert capsys.readouterr().err.strip() == (
        "budget-author 内部错误（MemoryError）。这是程序的问题，不是您的操作问题；请把这条信息和填报表发给维护人员。")


# ---------------------------------------------------------------- one name resolver for rules and report
def test_rules_and_report_resolve_names_with_one_resolver(mini, make_workbook):
    from budget_author.compute.names import Names
    from budget_author.rules.base import Context

    mini["expenditure"][2]["code"] = "2210298"  # not bundled: named by the unit's 自定义科目
    mini["custom_codes"].append({"scheme": "功能分类", "code": "2210298", "name": "其他自定义住房支出"})
    mini["custom_codes"].append({"scheme": "部门经济分类", "code": "30217", "name": "公务接待费",
                                 "gov_code": "50299"})
    mini["basic_economic"][3].pop("gov_code")
    result = check_workbook(make_workbook(mini))
    ctx = Context(result.parsed)
    assert isinstance(ctx.names, Names)
    assert ctx.functional is ctx.names.functional_table and ctx.economic_gov is ctx.names.gov_table
    assert ctx.economic_dept is ctx.names.economic_table
    assert ctx.functional.knows("2210298") and ctx.names.functional("2210298") == "其他自定义住房支出"
    # the 政府经济分类 the rule checks is the one the report shows: from the unit's 自定义科目
    assert ctx.names.default_gov_code("30217") == ctx.names.gov_code_for("30217") == "50299"
    assert ctx.names.default_gov_code("30101") == "50101"  # 行政单位: from the correspondence table
    # the rule checked 50299 (no name anywhere) at the row's 政府经济科目 cell: it used the same resolver
    assert [(i.code, i.sheet, i.cell) for i in result.issues] == [("CODE_NAME_NEEDED", "基本支出经济分类", "C6")]


# ---------------------------------------------------------------- one declaration of what a total adds up
def _project_row_context(mini, make_workbook):
    from budget_author.rules.base import Context

    values = {"cur_gpb": "1", "cur_gf": "10", "cur_soe": "100", "cur_special": "1000", "cur_unit": "10000",
              "co_gpb": "100000", "co_gf": "1000000", "co_soe": "10000000"}
    mini["projects"][0].update(values)
    return Context(check_workbook(make_workbook(mini)).parsed)


def test_every_row_total_is_a_range_of_adjacent_columns_and_the_template_sums_exactly_it(tmp_path):
    from openpyxl import load_workbook

    from budget_author.workbook import schema as S
    from budget_author.workbook.row_totals import ROW_TOTALS, parts_span
    from budget_author.workbook.template import write_template

    write_template(tmp_path / "t.xlsx", None)
    workbook = load_workbook(tmp_path / "t.xlsx")
    for (sheet_key, column_key), parts in ROW_TOTALS.items():
        spec = S.sheet(sheet_key)
        assert all(c.kind == "money" for c in spec.columns if c.key in parts) and len(parts) > 1
        first, last = parts_span(spec, column_key)
        row = spec.first_data_row
        span = f"{spec.cell(first, row)}:{spec.cell(last, row)}"
        assert workbook[spec.title][spec.cell(column_key, row)].value == f'=IF(COUNT({span})=0,"",SUM({span}))'
        if spec.total_row:  # the 合计 row adds the row total up too
            assert workbook[spec.title][spec.cell(column_key, 2)].value.startswith("=SUM(")


def test_the_rule_adds_up_exactly_the_declared_columns(mini, make_workbook):
    from decimal import Decimal

    from budget_author.rules.totals import _computed_total

    ctx = _project_row_context(mini, make_workbook)
    assert _computed_total(ctx, "projects", "cur_total", 3) == Decimal("11111")
    assert _computed_total(ctx, "projects", "co_total", 3) == Decimal("11100000")
    assert _computed_total(ctx, "projects", "co_total", None) == Decimal("11100000")  # the 合计 row
    assert _computed_total(ctx, "projects", "cur_gf", None) == Decimal("10")
    assert _computed_total(ctx, "projects", "name", None) is None  # not a total


def test_one_declaration_moves_both_the_template_and_the_rule(mini, make_workbook, tmp_path, monkeypatch):
    """Drop a part from the declaration: the template's formula and the rule's total both lose it."""
    from decimal import Decimal

    from openpyxl import load_workbook

    from budget_author.rules.totals import _computed_total
    from budget_author.workbook import row_totals
    from budget_author.workbook.template import write_template

    parts = row_totals.ROW_TOTALS[("projects", "cur_total")]
    monkeypatch.setitem(row_totals.ROW_TOTALS, ("projects", "cur_total"), parts[:-1])  # without 单位资金
    write_template(tmp_path / "t.xlsx", None)
    formula = load_workbook(tmp_path / "t.xlsx")["项目"]["M3"].value
    assert formula == '=IF(COUNT(E3:H3)=0,"",SUM(E3:H3))'  # E..I before: 单位资金 (I) is left out
    ctx = _project_row_context(mini, make_workbook)
    assert _computed_total(ctx, "projects", "cur_total", 3) == Decimal("1111")


def test_parts_that_are_not_adjacent_are_refused(monkeypatch):
    from budget_author.workbook import row_totals
    from budget_author.workbook import schema as S

    monkeypatch.setitem(row_totals.ROW_TOTALS, ("projects", "cur_total"), ("cur_gpb", "cur_soe"))
    with pytest.raises(ValueError, match="not adjacent"):
        row_totals.parts_span(S.sheet("projects"), "cur_total")
