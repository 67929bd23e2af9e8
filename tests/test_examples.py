"""The example workbooks: entered from the reference documents, they check clean
and their leaf facts reproduce the references' displayed totals."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from click.testing import CliRunner

from budget_author.check import check_workbook
from budget_author.cli import cli
from budget_author.compute import aggregate as A
from budget_author.money import format_wan
from budget_author.workbook import schema as S
from conftest import EXAMPLES, example_data

NAMES = ["datong-2024", "fenyang-2025"]


@pytest.mark.parametrize("name", NAMES)
def test_example_checks_clean_and_prints_nothing(name):
    result = CliRunner().invoke(cli, ["check", str(EXAMPLES / f"{name}.xlsx")])
    assert result.exit_code == 0
    assert result.output == f"检查通过：{EXAMPLES / f'{name}.xlsx'}\n"  # issue 13: one line on success
    quiet = CliRunner().invoke(cli, ["check", "--quiet", str(EXAMPLES / f"{name}.xlsx")])
    assert quiet.exit_code == 0 and quiet.output == ""


@pytest.mark.parametrize("name", NAMES)
def test_example_workbook_matches_its_data_file(name, make_workbook):
    """The committed .xlsx is what tools/make_examples.py writes from the data file."""
    committed = check_workbook(EXAMPLES / f"{name}.xlsx").parsed.budget
    regenerated = check_workbook(make_workbook(example_data(name))).parsed.budget
    assert committed == regenerated


# Figures printed by the reference documents (表三 合计/基本/项目, 表六 人员/公用, 表十二).
REFERENCE = {
    "datong-2024": {"total": "2551.34", "basic": "2005.48", "project": "545.86", "personnel": "1878.61",
                    "public_use": "126.87", "three_public": "4.80", "projects": "545.86"},
    "fenyang-2025": {"total": "2911.06", "basic": "450.96", "project": "2460.09", "personnel": "427.83",
                     "public_use": "23.13", "three_public": "0.00", "projects": "2460.09"},
}


@pytest.mark.parametrize("name", NAMES)
def test_example_totals_equal_the_reference(name):
    b = check_workbook(EXAMPLES / f"{name}.xlsx").parsed.budget
    figures = {
        "total": A.expenditure(b),
        "basic": A.expenditure(b, kind=S.KIND_BASIC),
        "project": A.expenditure(b, kind=S.KIND_PROJECT),
        "personnel": A.economic(b, cost="人员经费"),
        "public_use": A.economic(b, cost="公用经费"),
        "three_public": A.three_public(b),
        "projects": A.projects(b),
    }
    assert {k: format_wan(v) for k, v in figures.items()} == REFERENCE[name]


def test_datong_keeps_both_projects_named_alike():
    b = check_workbook(EXAMPLES / "datong-2024.xlsx").parsed.budget
    same = [p for p in b.projects if p.name == "J社会保险管理经费"]
    assert [p.current_total for p in same] == [Decimal("1900000"), Decimal("2600000")]
    assert len({p.seq for p in same}) == 2


def test_workbook_saved_by_libreoffice_checks_clean(tmp_path):
    """LibreOffice rewrites the file (and stores computed values); it still reads the same."""
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (bash tasks.sh test installs it)")
    import subprocess

    source = tmp_path / "in" / "datong-2024.xlsx"
    source.parent.mkdir()
    shutil.copy(EXAMPLES / "datong-2024.xlsx", source)
    out = tmp_path / "out"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "xlsx", "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=240)
    resaved = out / "datong-2024.xlsx"
    result = check_workbook(resaved)
    assert result.issues == []
    assert result.parsed.budget == check_workbook(source).parsed.budget


def test_example_data_reproduces_every_displayed_reference_figure():
    """tools/verify_example_data.py recomputes the references' displayed figures from the data files."""
    import subprocess
    import sys

    from conftest import ROOT

    result = subprocess.run([sys.executable, str(ROOT / "tools" / "verify_example_data.py")],
                            capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout) == (0, "")
