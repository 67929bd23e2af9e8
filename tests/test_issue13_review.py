"""Where the four parts of issue 13 meet (found in review): renamed sheets of older workbooks and of the
optional sheets, damaged extra sheets, and watch retrying a save whose round failed."""

from __future__ import annotations

from openpyxl import load_workbook

from budget_author.check import check_workbook
from test_unit_wording_b import _as_version_1


def _codes(path, prefix="WB_"):
    return [(i.code, i.sheet) for i in check_workbook(path).issues if i.code.startswith(prefix)]


def test_a_renamed_sheet_of_a_version_1_workbook_is_recognised(mini, make_workbook):
    path = _as_version_1(make_workbook(mini))  # 整体绩效 without its 是否编报 row, 绩效目标表 without signatures
    workbook = load_workbook(path)
    workbook["整体绩效"].title = "整体绩效目标"
    workbook["绩效目标表"].title = "项目绩效目标表"
    workbook.save(path)
    assert _codes(path) == [("WB_SHEET_RENAMED", "整体绩效目标"), ("WB_SHEET_RENAMED", "项目绩效目标表")]


def test_a_renamed_optional_sheet_is_not_silently_ignored(mini, make_workbook):
    mini["options"] = {"cover": "不显示"}
    path = make_workbook(mini)
    workbook = load_workbook(path)
    workbook["文档选项"].title = "选项"
    workbook.save(path)
    assert _codes(path) == [("WB_SHEET_RENAMED", "选项")]


def test_a_damaged_extra_sheet_does_not_make_an_older_workbook_unreadable(mini, make_workbook, tmp_path):
    import zipfile

    path = _as_version_1(make_workbook(mini))
    workbook = load_workbook(path)
    workbook.create_sheet("备注")["A1"] = "随手记"
    workbook.save(path)
    with zipfile.ZipFile(path) as z:  # openpyxl writes sheets in order: the one added last is the highest number
        part = max((n for n in z.namelist() if n.startswith("xl/worksheets/sheet")),
                   key=lambda n: int(n.removeprefix("xl/worksheets/sheet").removesuffix(".xml")))
    damaged = path
    rebuilt = tmp_path / "rebuilt.xlsx"
    with zipfile.ZipFile(damaged) as source, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as target:  # cut short
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data[: len(data) // 2] if name == part else data)
    assert [i.code for i in check_workbook(rebuilt).issues if i.severity.value == "error"] == []
