"""`budget-author init`: a blank workbook a clerk can fill without a manual."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from budget_author.check import check_workbook
from budget_author.cli import cli
from budget_author.workbook import schema as S


@pytest.fixture
def blank(tmp_path):
    path = tmp_path / "填报表.xlsx"
    result = CliRunner().invoke(cli, ["init", str(path), "--unit", "测试中心", "--year", "2026"])
    assert result.exit_code == 0, result.output
    return path


def test_init_writes_every_sheet_with_headers(blank):
    workbook = load_workbook(blank)
    assert workbook.sheetnames[0] == S.INSTRUCTIONS_TITLE
    for spec in S.SHEETS:
        ws = workbook[spec.title]
        assert [ws.cell(1, i + 1).value.rstrip(" *") for i in range(len(spec.columns))] == \
            [c.header for c in spec.columns]
        assert ws.freeze_panes == f"A{spec.first_data_row}"
    assert workbook[S.META_TITLE].sheet_state == "hidden"
    assert workbook[S.LISTS_TITLE].sheet_state == "hidden"
    meta = {row[0].value: row[1].value for row in workbook[S.META_TITLE].iter_rows()}
    assert meta["schema_version"] == S.SCHEMA_VERSION and meta["profile"] == "shanxi" and meta["year"] == 2026


def test_init_has_dropdowns_for_codes_and_enumerations(blank):
    workbook = load_workbook(blank)
    ws = workbook["支出"]
    ranges = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert ranges["A3:A1002"].type == "list" and "_lists" in ranges["A3:A1002"].formula1  # 功能科目
    assert ranges["C3:C1002"].type == "list"  # 资金来源
    assert ranges["F3:F1002"].type == "decimal"  # 金额 ≥ 0
    unit = workbook["单位信息"]
    assert any(str(dv.sqref) == "B8" and dv.type == "list" for dv in unit.data_validations.dataValidation)


def test_computed_cells_are_formulas_and_look_different(blank):
    ws = load_workbook(blank)["项目"]
    assert ws["E2"].value == "=SUM(E3:E302)"
    assert ws["M3"].value.startswith("=IF(COUNT(E3:I3)")
    assert ws["M3"].fill.fgColor.rgb != ws["E3"].fill.fgColor.rgb
    assert ws["E3"].number_format == "#,##0.00"


def test_init_never_overwrites(blank):
    before = blank.read_bytes()
    result = CliRunner().invoke(cli, ["init", str(blank)])
    assert result.exit_code == 3
    assert "已存在" in result.output
    assert blank.read_bytes() == before


def test_blank_workbook_reports_what_to_fill_without_crashing(blank):
    """Formula cells of a never-opened workbook have no cached values: they are ignored."""
    codes = {i.code for i in check_workbook(blank).issues}
    assert codes == {"VAL_REQUIRED", "TEXT_SECTION_MISSING", "PRIOR_MISSING"}


def test_blank_workbook_opens_in_libreoffice(blank, tmp_path):
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (bash tasks.sh test installs it)")
    out = tmp_path / "pdf"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(out), str(blank)],
                   check=True, capture_output=True, timeout=240)
    pdf = out / (blank.stem + ".pdf")
    assert pdf.exists() and pdf.stat().st_size > 10_000
