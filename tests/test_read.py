"""Reading: unusable files get one clear input error; odd cell values get a cell."""

from __future__ import annotations

import zipfile

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from budget_author.check import check_workbook
from budget_author.cli import cli
from budget_author.workbook.read import InputError, read_workbook
from conftest import EXAMPLES


def _input_error(path) -> str:
    with pytest.raises(InputError) as info:
        read_workbook(path)
    return info.value.code


def test_missing_file(tmp_path):
    assert _input_error(tmp_path / "nope.xlsx") == "FILE_NOT_FOUND"


def test_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert _input_error(path) == "FILE_EMPTY"


def test_text_file_named_xlsx(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("单位名称,金额\n", encoding="utf-8")
    assert _input_error(path) == "FILE_NOT_XLSX"


def test_old_xls_is_recognised_by_content(tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    assert _input_error(path) == "FILE_XLS"


def test_encrypted_workbook(tmp_path):
    path = tmp_path / "secret.xlsx"
    name = "EncryptedPackage".encode("utf-16-le")
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + name + b"\x00" * 512)
    assert _input_error(path) == "FILE_ENCRYPTED"


def test_truncated_workbook(tmp_path):
    path = tmp_path / "cut.xlsx"
    data = (EXAMPLES / "datong-2024.xlsx").read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert _input_error(path) == "FILE_CORRUPT"


def test_zip_without_workbook_part(tmp_path):
    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert _input_error(path) == "FILE_CORRUPT"


def test_unusable_file_exits_2_with_a_chinese_message(tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 2
    assert "FILE_XLS" in result.output and "另存为" in result.output
    assert "Traceback" not in result.output


def test_input_cell_holding_a_formula_without_cached_value(mini, make_workbook):
    path = make_workbook(mini)
    workbook = load_workbook(path)
    workbook["支出"]["F5"] = "=50000*2"
    workbook.save(path)
    assert [(i.code, i.cell) for i in check_workbook(path).issues] == [("VAL_FORMULA_NO_CACHE", "F5")]


def test_cached_error_value(mini, make_workbook):
    path = make_workbook(mini)
    workbook = load_workbook(path)
    workbook["支出"]["F5"] = "#DIV/0!"
    workbook.save(path)
    assert [(i.code, i.cell) for i in check_workbook(path).issues] == [("VAL_CELL_ERROR", "F5")]


@pytest.mark.parametrize("value, code", [
    ("12万元", "VAL_AMOUNT_UNIT"),
    ("(1,234.00)", "VAL_AMOUNT_NEGATIVE"),
    (-5, "VAL_AMOUNT_NEGATIVE"),
    (100000.005, "VAL_AMOUNT_PRECISION"),
    ("一十万", "VAL_AMOUNT_UNIT"),
    ("abc", "VAL_AMOUNT_NOT_NUMBER"),
])
def test_bad_amounts_are_located(mini, make_workbook, value, code):
    path = make_workbook(mini)
    workbook = load_workbook(path)
    workbook["支出"]["F5"] = value
    workbook.save(path)
    assert [(i.code, i.sheet, i.cell) for i in check_workbook(path).issues] == [(code, "支出", "F5")]


def test_unknown_choice_and_renamed_header(mini, make_workbook):
    path = make_workbook(mini)
    workbook = load_workbook(path)
    workbook["支出"]["C3"] = "一般预算"
    workbook["三公经费"]["A1"] = "三公项目"
    workbook.save(path)
    assert [(i.code, i.sheet, i.cell) for i in check_workbook(path).issues] == [
        ("VAL_CHOICE", "支出", "C3"), ("WB_HEADER_MISMATCH", "三公经费", "A1"),
    ]


def test_choices_forgive_width_and_spaces(mini, make_workbook):
    mini["perf_forms"][0]["attribute"] = "经常性项目(长期开展)"  # half-width brackets
    mini["perf_indicators"][0]["level2"] = "数量目标"  # not an indicator level
    path = make_workbook(mini)
    result = check_workbook(path)
    assert [(i.code, i.sheet, i.cell) for i in result.issues] == [("VAL_CHOICE", "绩效指标", "D2")]
    assert result.parsed.budget.perf_forms[0].attribute == "经常性项目（长期开展）"


def test_short_indicator_names_of_the_2025_forms_are_accepted(mini, make_workbook):
    mini["perf_indicators"][0]["level2"] = "服务对象满意度"
    mini["perf_indicators"][1]["level2"] = " 经济效益 "
    assert check_workbook(make_workbook(mini)).issues == []


# ---------------------------------------------------------------- numfmt restates openpyxl's rules
def test_number_format_rules_match_openpyxl():
    from openpyxl.styles.numbers import BUILTIN_FORMATS
    from openpyxl.styles.numbers import is_date_format as openpyxl_is_date
    from openpyxl.styles.numbers import is_timedelta_format as openpyxl_is_timedelta
    from openpyxl.utils.datetime import from_excel as openpyxl_from_excel

    from budget_author.workbook import numfmt

    dated = {i: code for i, code in BUILTIN_FORMATS.items() if openpyxl_is_date(code) or openpyxl_is_timedelta(code)}
    assert dated == numfmt.BUILTIN_DATE_FORMATS
    codes = [*BUILTIN_FORMATS.values(), 'yyyy"年"m"月"d"日"', "[$-804]yyyy年m月", '#,##0.00"元"', "[Red]0.00",
             "0.00_);[Red](0.00)", '"day"0', "\\d0", "_d0", "[h]:mm", "[mm]:ss", "[ss].00", "m/d", "@", None,
             "General", "[DBNum1][$-804]G/通用格式", 'yyyy"年"m"月";@', "hh:mm;@"]
    for code in codes:
        assert numfmt.is_date_format(code) == openpyxl_is_date(code), code
        assert numfmt.is_timedelta_format(code) == openpyxl_is_timedelta(code), code
    for value in (0, 0.5, 0.999999, 1, 59, 60, 61, 45291, 45291.75, 2957000, 12.3456789):
        for epoch in (numfmt.WINDOWS_EPOCH, numfmt.MAC_EPOCH):
            assert numfmt.from_excel(value, epoch) == openpyxl_from_excel(value, epoch), (value, epoch)
        assert numfmt.from_excel(value, timedelta=True) == openpyxl_from_excel(value, timedelta=True)


def test_check_does_not_import_openpyxl():
    """openpyxl costs ~0.16 s to import; `check` and `build` read the package themselves."""
    import subprocess
    import sys

    code = "import sys, budget_author.check, budget_author.build; print('openpyxl' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
