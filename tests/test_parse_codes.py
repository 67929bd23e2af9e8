"""Every structure and cell-value code fires at its cell, and only there."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import load_workbook

from budget_author.catalogue import CATALOGUE
from budget_author.check import check_workbook
from budget_author.rules import RULES
from budget_author.workbook import read
from budget_author.workbook.read import InputError, read_workbook


def _edit(path, edits):
    workbook = load_workbook(path)
    for sheet, cell, value in edits:
        if cell is None:
            del workbook[sheet]
        else:
            workbook[sheet][cell] = value
    workbook.save(path)


CELL_CASES = {
    "VAL_NOT_INTEGER": ([("国有资产", "B3", 2.5)], [("VAL_NOT_INTEGER", "国有资产", "B3")]),
    "VAL_NOT_NUMBER": ([("国有资产", "B11", "很大")], [("VAL_NOT_NUMBER", "国有资产", "B11")]),
    "VAL_DATE": ([("国有资产", "B2", "去年年底")], [("VAL_DATE", "国有资产", "B2")]),
    "VAL_YEAR": ([("单位信息", "B3", 25)], [("VAL_YEAR", "单位信息", "B3")]),
    "VAL_TEXT_TOO_LONG": ([("文本段落", "B2", "很" * 2001)], [("VAL_TEXT_TOO_LONG", "文本段落", "B2")]),
    "VAL_AMOUNT_TOO_LONG": ([("支出", "F5", "1234567890123456")], [("VAL_AMOUNT_TOO_LONG", "支出", "F5")]),
    "WB_ROW_LABEL_MISMATCH": ([("上年数", "A3", "支出合计")], [("WB_ROW_LABEL_MISMATCH", "上年数", "A3")]),
    "WB_META_MISSING": ([("_meta", None, None)], [("WB_META_MISSING", None, None)]),
    "WB_SCHEMA_NEWER": ([("_meta", "B1", 99)], [("WB_SCHEMA_NEWER", None, None)]),
    "WB_PROFILE_MISMATCH": ([("_meta", "B2", "xinjiang")], [("WB_PROFILE_MISMATCH", None, None)]),
}


@pytest.mark.parametrize("name", list(CELL_CASES))
def test_cell_and_structure_codes(name, mini, make_workbook):
    edits, expected = CELL_CASES[name]
    path = make_workbook(mini)
    _edit(path, edits)
    assert [(i.code, i.sheet, i.cell) for i in check_workbook(path).issues] == expected


def test_dates_in_chinese_forms_are_read(mini, make_workbook):
    path = make_workbook(mini)
    _edit(path, [("国有资产", "B2", "2024年12月31日")])
    result = check_workbook(path)
    assert result.issues == [] and str(result.parsed.budget.assets.as_of) == "2024-12-31"


def test_macro_workbook_is_read_with_a_warning(mini, make_workbook, tmp_path):
    path = make_workbook(mini)
    macro = tmp_path / "with-macros.xlsm"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(macro, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\x00" * 64)
    assert [(i.code, i.sheet) for i in check_workbook(macro).issues] == [("WB_MACROS", None)]


def test_wps_et_file(tmp_path):
    path = tmp_path / "table.et"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    with pytest.raises(InputError) as info:
        read_workbook(path)
    assert info.value.code == "FILE_WPS_ET"


def test_file_too_large(tmp_path, monkeypatch):
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 2048)
    monkeypatch.setattr(read, "MAX_FILE_BYTES", 1024)
    with pytest.raises(InputError) as info:
        read_workbook(path)
    assert info.value.code == "FILE_TOO_LARGE"


def test_unreadable_file(tmp_path):
    import os

    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"PK\x03\x04")
    path.chmod(0)
    with pytest.raises(InputError) as info:
        read_workbook(path)
    assert info.value.code == "FILE_UNREADABLE"


def test_every_catalogue_code_is_used_somewhere():
    """A code in the catalogue that nothing emits is dead text."""
    import pathlib

    source = "\n".join(p.read_text(encoding="utf-8") for p in pathlib.Path(read.__file__).parents[1].rglob("*.py")
                       if p.name != "catalogue.py")
    declared = {code for rule in RULES for code in rule.codes}
    unused = [code for code in CATALOGUE if code not in declared and f'"{code}"' not in source]
    assert unused == []
