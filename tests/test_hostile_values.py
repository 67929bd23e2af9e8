"""Values openpyxl reads silently wrong: each gets a problem naming its cell.

The workbooks are the small MINI unit (conftest) with single cells rewritten at
the XML level, exactly as another program could have written them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from budget_author.check import check_workbook
from budget_author.workbook.parse import MAX_SHOWN_CHARS, external_reference, shown
from corpus.make_corpus import Package, find_cell, q, set_cell


@pytest.fixture
def mini_package(mini, make_workbook):
    def build(edit=None, *, workbook_edit=None, style: int | None = None) -> tuple:
        path = make_workbook(mini)
        package = Package(path.read_bytes())
        if workbook_edit:
            package.edit_workbook(workbook_edit)
        if edit:
            for title, func in edit.items():
                package.edit_sheet(title, func)
        path.write_bytes(package.to_bytes())
        result = check_workbook(path)
        return [(i.code, i.sheet, i.cell) for i in result.issues], result

    return build


def _cell(ref, value=None, **kw):
    return lambda root: set_cell(root, ref, value, **kw)


# ---------------------------------------------------------------- formulas in input cells
def test_formula_without_cached_value(mini_package):
    issues, _ = mini_package({"支出": _cell("F3", formula="600000")})
    assert issues == [("VAL_FORMULA_NO_CACHE", "支出", "F3")]


def test_cached_zero_is_not_trusted_under_full_calc_on_load(mini_package):
    issues, _ = mini_package({"支出": _cell("F3", 0, formula="B3*0")})
    assert issues == [("VAL_FORMULA_CACHED_ZERO", "支出", "F3")]


def test_cached_value_is_used_without_full_calc_on_load(mini_package):
    def no_full_calc(root):
        root.find(q("calcPr")).attrib.pop("fullCalcOnLoad")

    issues, result = mini_package({"支出": _cell("F3", 600000, formula="300000*2")}, workbook_edit=no_full_calc)
    assert issues == [] and result.parsed.budget.expenditure[0].amount == Decimal("600000")


def test_cached_zero_in_a_computed_cell_is_not_a_problem(mini_package):
    issues, _ = mini_package({"支出": _cell("G3", 0, formula='IF(A3="","",1)')})  # 规范名称（自动）
    assert issues == []


@pytest.mark.parametrize("formula", ["[1]Sheet1!A1", "'[2]支出 表'!$F$3", "[1]!Total", "SUM([3]Sheet1!A1:A9)",
                                     "'C:\\预算\\[去年.xlsx]支出'!F3", "'[book.xlsm]Sheet1'!A1"])
def test_formula_referring_to_another_workbook(mini_package, formula):
    issues, _ = mini_package({"支出": _cell("F3", 600000, formula=formula)})
    assert issues == [("VAL_FORMULA_EXTERNAL", "支出", "F3")]


@pytest.mark.parametrize("formula, external", [
    ("A1+B2", False), ("支出!F3", False), ("Table1[[#This Row],[金额]]", False), ("Table1[金额]", False),
    ('"[1]"&A1', False), ("[0]!Name", False), ("[1]Sheet1!A1", True), ("A1+'[12]x'!B2", True),
])
def test_external_reference_recognition(formula, external):
    assert external_reference("=" + formula) is external


def test_cached_error_values_by_cell_type(mini_package):
    issues, _ = mini_package({"支出": lambda root: (set_cell(root, "F3", formula="1/0", t="e", raw="#DIV/0!"),
                                                   set_cell(root, "F4", formula="X()", t="e", raw="#BLOCKED!"))})
    assert issues == [("VAL_CELL_ERROR", "支出", "F3"), ("VAL_CELL_ERROR", "支出", "F4")]


# ---------------------------------------------------------------- the sheet XML itself
def test_duplicate_cell_reference(mini_package):
    def twice(root):
        row = next(r for r in root.find(q("sheetData")) if r.get("r") == "3")
        twin = row.makeelement(q("c"), {"r": "F3"})
        twin.append(twin.makeelement(q("v"), {}))
        twin[0].text = "1"
        row.append(twin)

    issues, _ = mini_package({"支出": twice})
    assert issues == [("VAL_DUPLICATE_CELL", "支出", "F3")]


def test_duplicate_row_element(mini_package):
    def twice(root):
        data = root.find(q("sheetData"))
        row = next(r for r in data if r.get("r") == "4")
        copy = row.makeelement(q("row"), {"r": "4"})
        cell = copy.makeelement(q("c"), {"r": "F4"})
        cell.append(cell.makeelement(q("v"), {}))
        cell[0].text = "9"
        copy.append(cell)
        data.append(copy)

    issues, _ = mini_package({"支出": twice})
    assert issues == [("VAL_DUPLICATE_CELL", "支出", "F4")]


def test_regression_rows_out_of_order_were_dropped(mini_package):
    """openpyxl's read-only reader skipped a row that came after a higher row number."""
    def reorder(root):
        data = root.find(q("sheetData"))
        row = next(r for r in data if r.get("r") == "3")
        data.remove(row)
        data.append(row)

    issues, result = mini_package({"支出": reorder})
    assert issues == [] and [f.row for f in result.parsed.budget.expenditure] == [3, 4, 5]


def test_cells_without_references_take_the_next_column(mini_package):
    def strip(root):
        row = next(r for r in root.find(q("sheetData")) if r.get("r") == "3")
        for cell in row:
            cell.attrib.pop("r")

    issues, result = mini_package({"支出": strip})
    assert issues == [] and result.parsed.budget.expenditure[0].amount == Decimal("600000")


def test_merged_amount_cells_read_as_excel_shows_them(mini_package):
    def merge(root):
        merges = root.makeelement(q("mergeCells"), {"count": "1"})
        merges.append(merges.makeelement(q("mergeCell"), {"ref": "F3:F4"}))
        index = list(root).index(root.find(q("sheetData")))
        root.insert(index + 1, merges)

    issues, _ = mini_package({"支出": merge})
    assert issues == [("VAL_MERGED_AMOUNT", "支出", "F3"), ("VAL_REQUIRED", "支出", "F4")]


def test_merged_fixed_amount_cells(mini_package):
    def merge(root):
        merges = root.makeelement(q("mergeCells"), {"count": "1"})
        merges.append(merges.makeelement(q("mergeCell"), {"ref": "B2:B3"}))
        root.insert(list(root).index(root.find(q("sheetData"))) + 1, merges)

    issues, _ = mini_package({"政府采购": merge})
    assert issues == [("VAL_MERGED_AMOUNT", "政府采购", "B2")]


def test_merged_header_cells_are_left_alone(mini_package):
    def merge(root):
        merges = root.makeelement(q("mergeCells"), {"count": "1"})
        merges.append(merges.makeelement(q("mergeCell"), {"ref": "A1:B1"}))
        root.insert(list(root).index(root.find(q("sheetData"))) + 1, merges)

    issues, _ = mini_package({"文本段落": merge})
    assert issues == []  # only the input area matters; the header text is still in the file


def test_hidden_rows_columns_and_sheets_holding_amounts_are_listed(mini_package):
    def hide(root):
        for row in root.find(q("sheetData")):
            if row.get("r") in ("4", "5", "9"):
                row.set("hidden", "1")

    def hide_sheet(root):
        next(s for s in root.iter(q("sheet")) if s.get("name") == "上年数").set("state", "hidden")

    def hide_column(root):
        col = root.find(q("cols")).makeelement(q("col"), {"min": "5", "max": "5", "hidden": "1", "width": "16"})
        root.find(q("cols")).append(col)

    issues, result = mini_package({"支出": hide, "项目": hide_column}, workbook_edit=hide_sheet)
    assert issues == [("WB_HIDDEN_ROWS", "支出", None), ("WB_HIDDEN_COLUMNS", "项目", None),
                      ("WB_HIDDEN_SHEET", "上年数", None)]
    messages = {i.code: i.message for i in result.issues}
    assert "第 4、5 行" in messages["WB_HIDDEN_ROWS"]  # row 9 is hidden but empty
    assert "E 列" in messages["WB_HIDDEN_COLUMNS"]
    assert "9 个金额" in messages["WB_HIDDEN_SHEET"]


def test_hidden_rows_without_amounts_are_not_reported(mini_package):
    def hide(root):
        for row in root.find(q("sheetData")):
            if row.get("r") in ("20", "21"):
                row.set("hidden", "1")

    issues, _ = mini_package({"支出": hide})
    assert issues == []


def test_data_after_the_last_row_read(mini_package):
    issues, result = mini_package({"三公经费": lambda root: (set_cell(root, "D200", 5), set_cell(root, "D300", 6))})
    assert issues == [("WB_DATA_BEYOND_ROWS", "三公经费", "A200")]
    assert "第 200、300 行" in result.issues[0].message and "第 102 行" in result.issues[0].message


# ---------------------------------------------------------------- dates
@pytest.mark.parametrize("format_id, serial, expected", [
    (31, 45657, dt.date(2024, 12, 31)),  # yyyy"年"m"月"d"日"
    (27, 45657, dt.date(2024, 12, 31)),  # yyyy"年"m"月"
    (57, 45657, dt.date(2024, 12, 31)),
    (58, 45657, dt.date(2024, 12, 31)),  # m"月"d"日"
    (14, 45657, dt.date(2024, 12, 31)),  # the international built-in, for comparison
])
def test_dates_in_chinese_built_in_formats(mini_package, mini, make_workbook, format_id, serial, expected):
    path = make_workbook(mini)
    package = Package(path.read_bytes())
    style = package.add_style(format_id)
    package.edit_sheet("国有资产", _cell("B2", serial, style=style))
    path.write_bytes(package.to_bytes())
    result = check_workbook(path)
    assert result.issues == [] and result.parsed.budget.assets.as_of == expected


def test_dates_in_a_1904_workbook(mini, make_workbook):
    path = make_workbook(mini)
    package = Package(path.read_bytes())
    style = package.add_style(31)
    package.edit_workbook(lambda root: root.find(q("workbookPr")).set("date1904", "1"))
    package.edit_sheet("国有资产", _cell("B2", 44195, style=style))
    path.write_bytes(package.to_bytes())
    result = check_workbook(path)
    assert result.issues == [] and result.parsed.budget.assets.as_of == dt.date(2024, 12, 31)


@pytest.mark.parametrize("format_id, value", [(32, 0.5), (33, 0.25), (55, 0.75), (0, 45657), (31, 1e12)])
def test_times_plain_serials_and_impossible_dates_are_reported(mini, make_workbook, format_id, value):
    path = make_workbook(mini)
    package = Package(path.read_bytes())
    style = package.add_style(format_id)
    package.edit_sheet("国有资产", _cell("B2", value, style=style))
    path.write_bytes(package.to_bytes())
    assert [(i.code, i.cell) for i in check_workbook(path).issues] == [("VAL_DATE", "B2")]


# ---------------------------------------------------------------- numbers
@pytest.mark.parametrize("raw", ["NaN", "INF", "-INF", "1e999999999", "-1e999999999"])
def test_non_finite_numbers_stored_in_cells(mini_package, raw):
    issues, _ = mini_package({"支出": _cell("F3", raw=raw), "国有资产": lambda root: (
        set_cell(root, "B3", raw=raw), set_cell(root, "B11", raw=raw))})
    assert issues == [("VAL_AMOUNT_NOT_NUMBER", "支出", "F3"), ("VAL_NOT_INTEGER", "国有资产", "B3"),
                      ("VAL_NOT_NUMBER", "国有资产", "B11")]


@pytest.mark.parametrize("text", ["NaN", "nan", "Infinity", "-Infinity", "inf", "1e999999999", "1E+999999999",
                                  "Ｎａｎ", "sNaN"])
def test_non_finite_numbers_typed_as_text(mini_package, text):
    issues, _ = mini_package({"支出": _cell("F3", text), "国有资产": _cell("B11", text), "整体绩效": _cell("B2", text)})
    assert issues == [("VAL_AMOUNT_NOT_NUMBER", "支出", "F3"), ("VAL_NOT_NUMBER", "国有资产", "B11"),
                      ("VAL_NOT_INTEGER", "整体绩效", "B2")]


@pytest.mark.parametrize("raw", ["1e300", "1e15", "123456789012345678", "9" * 4000])
def test_regression_huge_numbers_made_quantize_raise(mini_package, raw):
    """A float such as 1e300 from a cell reached Decimal.quantize(), which raised InvalidOperation (exit 70)."""
    issues, result = mini_package({"支出": _cell("F3", raw=raw), "国有资产": _cell("B11", raw=raw)})
    assert issues == [("VAL_NUMBER_TOO_LARGE", "支出", "F3"), ("VAL_NUMBER_TOO_LARGE", "国有资产", "B11")]
    assert all(len(i.message) < 300 for i in result.issues)


def test_the_largest_exact_amount_is_accepted(mini_package):
    issues, _ = mini_package({"收入": _cell("C3", "9999999999999.99")})
    assert ("VAL_NUMBER_TOO_LARGE", "收入", "C3") not in issues
    assert issues[0][0] == "TOTAL_INCOME_EXPENDITURE"


def test_regression_nan_in_a_number_cell_made_the_whole_file_corrupt(mini_package):
    """openpyxl raised ValueError on <v>NaN</v>, which turned into FILE_CORRUPT for the whole workbook."""
    issues, _ = mini_package({"支出": _cell("F3", raw="NaN")})
    assert issues == [("VAL_AMOUNT_NOT_NUMBER", "支出", "F3")]


@pytest.mark.parametrize("raw, t", [("12abc", None), ("1_000", None), ("١٢٣", None), ("", "b"), ("2", "b"),
                                    ("not-a-date", "d"), ("x", "s")])
def test_undecodable_stored_values(mini_package, raw, t):
    issues, _ = mini_package({"支出": _cell("F3", raw=raw, t=t)})
    expected = [] if raw == "" else [("VAL_CELL_CORRUPT", "支出", "F3")]
    if raw == "":  # an empty boolean is an empty cell: the amount is then missing
        expected = [("VAL_REQUIRED", "支出", "F3")]
    assert issues == expected


# ---------------------------------------------------------------- characters per cell
@pytest.mark.parametrize("title, ref, length, code", [
    ("支出", "F3", 101, "VAL_CELL_TOO_LONG"),  # amount
    ("支出", "A3", 5000, "VAL_CELL_TOO_LONG"),  # code
    ("支出", "C3", 200, "VAL_CELL_TOO_LONG"),  # dropdown
    ("国有资产", "B2", 300, "VAL_CELL_TOO_LONG"),  # date
    ("文本段落", "B2", 2001, "VAL_TEXT_TOO_LONG"),  # text, its column's limit
    ("文本段落", "B2", 100_000, "VAL_TEXT_TOO_LONG"),  # beyond Excel's 32,767: cut by the reader, length kept
])
def test_characters_per_cell(mini_package, title, ref, length, code):
    issues, result = mini_package({title: _cell(ref, "1" * length)})
    assert issues == [(code, title, ref)]
    assert f"{length} 个" in result.issues[0].message
    assert len(result.issues[0].message) < 300


def test_long_values_are_cut_in_every_message(mini_package):
    huge = "很长的表头" * 1000
    issues, result = mini_package({"三公经费": _cell("A1", huge), "单位信息": _cell("A3", huge)})
    assert [c for c, _s, _r in issues] == ["WB_ROW_LABEL_MISMATCH", "WB_HEADER_MISMATCH"]
    assert all(len(i.message) < 400 for i in result.issues)


def test_shown_values_are_bounded():
    assert len(shown("x" * 10_000)) < MAX_SHOWN_CHARS + 20
    assert shown(1e300) == "1e+300" and shown(float("nan")) == "nan" and shown(12.0) == "12"


def test_html_and_script_in_text_cells_are_plain_text(mini_package):
    script = "<script>alert(1)</script><link rel=\"attachment\" href=\"file:///etc/passwd\">"
    issues, result = mini_package({"文本段落": _cell("B2", script)})
    assert issues == [] and result.parsed.budget.paragraphs[0].text == script


def test_existing_cell_style_is_kept_by_the_helper(mini, make_workbook):
    package = Package(make_workbook(mini).read_bytes())
    package.edit_sheet("支出", lambda root: set_cell(root, "F3", 1))
    root = package.tree(package.sheet_part("支出"))
    assert find_cell(root, "F3", create=False).get("s") is not None


# ---------------------------------------------------------------- a stale cached total
def _expenditure_total(result) -> Decimal:
    return sum((f.amount for f in result.parsed.budget.expenditure), Decimal(0))


def _no_full_calc(root):
    root.find(q("calcPr")).attrib.pop("fullCalcOnLoad")


def test_a_stale_cached_total_is_reported(mini_package):
    """A total formula saved with a result its parts no longer give: the file was saved without recalculating."""
    stale = _cell("F2", 123456.78, formula="SUM(F3:F202)")
    issues, result = mini_package({"支出": stale}, workbook_edit=_no_full_calc)
    assert issues == [("TOTAL_STALE", "支出", "F2")]
    problem = result.issues[0]
    assert problem.severity.value == "warning"
    assert "123,456.78 元" in problem.message and f"{_expenditure_total(result):,.2f} 元" in problem.message


def test_a_stale_total_from_amounts_stored_as_text_says_so(mini_package):
    """Excel's SUM skips numbers stored as text; we accept them, so the totals differ for that reason."""
    text_amount = _cell("F3", "600000")  # a number stored as text (an inline string)
    total = _cell("F2", 400000, formula="SUM(F3:F202)")
    issues, result = mini_package({"支出": lambda root: (text_amount(root), total(root))}, workbook_edit=_no_full_calc)
    assert issues == [("TOTAL_STALE_TEXT", "支出", "F2")]
    assert "F3" in result.issues[0].message


def test_a_current_cached_total_is_silent(mini_package):
    _, result = mini_package()
    total = float(_expenditure_total(result))
    issues, _ = mini_package({"支出": _cell("F2", total, formula="SUM(F3:F202)")}, workbook_edit=_no_full_calc)
    assert issues == []
    noisy = total + total * 2e-16  # a float sum one unit in the last place off: the same cents
    issues, _ = mini_package({"支出": _cell("F2", noisy, formula="SUM(F3:F202)")}, workbook_edit=_no_full_calc)
    assert issues == []


@pytest.mark.parametrize("cached", [0, 123456.78])
def test_cached_totals_are_not_compared_when_excel_recalculates_on_opening(mini_package, cached):
    """Under fullCalcOnLoad (our template asks for it) Excel shows the recalculated total, whatever was saved."""
    issues, _ = mini_package({"支出": _cell("F2", cached, formula="SUM(F3:F202)")})
    assert issues == []
