"""Copies of the datong example with one defect each: one clear problem each,
on the right cell, and no follow-on problems."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

from budget_author.check import check_workbook
from conftest import EXAMPLES


def _copy(tmp_path):
    path = tmp_path / "datong.xlsx"
    shutil.copy(EXAMPLES / "datong-2024.xlsx", path)
    return path


def _edit(path, sheet, cell, value):
    workbook = load_workbook(path)
    workbook[sheet][cell] = value
    workbook.save(path)


def _row_of(path, sheet, column, value):
    ws = load_workbook(path)[sheet]
    for row in range(1, ws.max_row + 1):
        if str(ws[f"{column}{row}"].value) == value:
            return row
    raise AssertionError(f"{value} not in {sheet}!{column}")


def problems(path):
    return [(i.code, i.severity.value, i.sheet, i.cell) for i in check_workbook(path).issues]


def test_wrong_code(tmp_path):
    path = _copy(tmp_path)
    _edit(path, "支出", "A3", "2O80109")
    assert problems(path) == [("CODE_MALFORMED", "error", "支出", "A3")]


def test_broken_total(tmp_path):
    path = _copy(tmp_path)
    _edit(path, "支出", "F2", 25513450)  # the 合计 row typed over with a wrong number
    assert problems(path) == [("TOTAL_TYPED", "error", "支出", "F2")]


def test_text_in_a_number_cell(tmp_path):
    path = _copy(tmp_path)
    _edit(path, "支出", "F4", "待定")
    assert problems(path) == [("VAL_AMOUNT_NOT_NUMBER", "error", "支出", "F4")]


def test_missing_sheet(tmp_path):
    path = _copy(tmp_path)
    workbook = load_workbook(path)
    del workbook["三公经费"]
    workbook.save(path)
    assert problems(path) == [("WB_SHEET_MISSING", "error", "三公经费", None)]


def test_name_disagrees_with_code(tmp_path):
    path = _copy(tmp_path)
    row = _row_of(path, "支出", "A", "2210202")
    _edit(path, "支出", f"B{row}", "租房补贴")  # datong's own 表三 slip
    assert problems(path) == [("CODE_NAME_MISMATCH", "warning", "支出", f"B{row}")]


def test_three_public_vehicle_running_differs_from_30231(tmp_path):
    path = _copy(tmp_path)
    _edit(path, "三公经费", "D3", 38000)
    _edit(path, "上年数", "B9", 38000 - 16000)  # keep the year-over-year change (and its reason) as it was
    _edit(path, "上年数", "B5", 38000 - 16000)
    assert problems(path) == [("THREE_PUBLIC_ECON_MISMATCH", "error", "三公经费", "D3")]


@pytest.mark.parametrize("value", ["１１，５２７，７２５．００", "  11527725.00 ", "11,527,725.00", "１１５２７７２５"])
def test_forgiving_amounts_in_an_example(tmp_path, value):
    """Numbers stored as text, full-width digits, separators and spaces read as the number."""
    path = _copy(tmp_path)
    _edit(path, "支出", "F3", value)
    assert problems(path) == []
