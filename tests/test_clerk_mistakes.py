"""The reference documents' own mistakes, typed the way a clerk would type them: `check` names each one.

- datong-2024 names 2210202 租房补贴 in 表三 (the official name, printed in 表二/表五, is 提租补贴);
- a total typed by hand from the document's display (2551.34 万元) against parts that sum to 2551.335;
- fenyang-2025 gives 项目支出 as 2460.10 in its narrative, against projects summing to 2460.09.
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl import load_workbook

from budget_author.check import check_workbook
from conftest import example_data


def test_the_references_mistakes_are_each_reported(make_workbook):
    datong = example_data("datong-2024")
    row = next(i for i, f in enumerate(datong["expenditure"]) if f["code"] == "2210202") + 3
    datong["expenditure"][row - 3]["name"] = "租房补贴"
    datong_path = make_workbook(datong, "datong-mistakes.xlsx")
    workbook = load_workbook(datong_path)
    workbook["收入"]["C2"] = 25513400  # 2551.34 万元 typed over the 合计 formula
    workbook.save(datong_path)

    fenyang_path = make_workbook(example_data("fenyang-2025"), "fenyang-mistakes.xlsx")
    workbook = load_workbook(fenyang_path)
    workbook["项目"]["M2"] = 24601000  # 2460.10 万元: the narrative's sum of rounded projects
    workbook.save(fenyang_path)

    found = [(i.code, i.severity.value, i.sheet, i.cell) for path in (datong_path, fenyang_path)
             for i in check_workbook(path).issues]
    assert found == [
        ("TOTAL_TYPED", "error", "收入", "C2"),
        ("CODE_NAME_MISMATCH", "warning", "支出", f"B{row}"),
        ("TOTAL_TYPED", "error", "项目", "M2"),
    ]
    messages = [i.message for i in check_workbook(fenyang_path).issues]
    assert "24,601,000.00" in messages[0] and "24,600,937.84" in messages[0]


# ---------------------------------------------------------------- scale slips (issue 13): 万元 typed where 元 is asked
_MONEY_LISTS = {"income": ("amount",), "expenditure": ("amount",), "basic_economic": ("amount",),
                "three_public": ("amount",)}


def _in_wan(amount: str) -> str:
    return f"{Decimal(amount) / 10000:.2f}"


def _typed_in_wan(data: dict, *, only: tuple[str, ...] | None = None) -> dict:
    """The clerk's slip: every amount (or those of the sheets `only` names) typed in 万元."""
    def chosen(key):
        return only is None or key in only

    for key, fields in _MONEY_LISTS.items():
        if chosen(key):
            for row in data[key]:
                for field in fields:
                    row[field] = _in_wan(row[field])
    for key in ("admin_running", "prior", "procurement"):
        if chosen(key):
            data[key] = {k: _in_wan(v) for k, v in data[key].items()}
    if chosen("projects"):
        for row in data["projects"]:
            for k in [k for k in row if k.startswith(("cur_", "co_"))]:
                row[k] = _in_wan(row[k])
    if chosen("perf_forms"):
        for row in data["perf_forms"]:
            for k in [k for k in row if k.startswith(("impl_", "year_"))]:
                row[k] = _in_wan(row[k])
    if chosen("overall_perf"):
        data["overall_perf"]["amount"] = _in_wan(data["overall_perf"]["amount"])
    return data


def _found(path):
    return [(i.code, i.severity.value, i.sheet, i.cell) for i in check_workbook(path).issues]


def test_everything_typed_in_wan_is_caught(make_workbook, mini):
    """Today `check` passed and the PDF said 收入总计0.06万元: every figure agreed with every other."""
    assert _found(make_workbook(mini)) == []
    checked = check_workbook(make_workbook(_typed_in_wan(mini)))
    assert [(i.code, i.severity.value, i.sheet, i.cell) for i in checked.issues] == [
        ("PLAUS_TOTAL_WAN", "error", "收入", "C2")]
    assert "看起来是以万元填写的，应以元填写" in checked.issues[0].message
    assert "100.00 元" in checked.issues[0].message and "1,000,000.00 元" in checked.issues[0].message


def test_prior_year_typed_in_wan_is_caught(make_workbook, mini):
    """Today the document said 增长1046621.20%: 上年数 in 万元, this year in 元."""
    checked = check_workbook(make_workbook(_typed_in_wan(mini, only=("prior",))))
    scale = [(i.code, i.severity.value, i.sheet, i.cell) for i in checked.issues if i.code.startswith("PLAUS")]
    assert scale == [("PLAUS_PRIOR_SCALE", "error", "上年数", f"B{row}") for row in (2, 3, 4, 5, 7, 9, 10)]
    first = next(i for i in checked.issues if i.code == "PLAUS_PRIOR_SCALE")
    assert "上年数看起来是以万元填写的，应以元填写" in first.message
    assert "本年 1,000,000.00 元，上年数 90.00 元" in first.message and "应填 900,000.00" in first.message


def test_one_row_typed_in_wan_is_named(make_workbook, mini):
    """Today only the totals that disagree were named; now also the row that makes them disagree."""
    mini["expenditure"][2]["amount"] = "10.00"  # 2210201: 100,000.00 元 typed as 10 (万元)
    checked = check_workbook(make_workbook(mini))
    assert [(i.code, i.severity.value, i.sheet, i.cell) for i in checked.issues] == [
        ("TOTAL_INCOME_EXPENDITURE", "error", "收入", "C2"),
        ("PLAUS_ROW_WAN", "error", "支出", "F5"),
        ("BASIC_ECON_TOTAL", "error", "基本支出经济分类", "F2"),
    ]
    row = checked.issues[1].message
    assert "此处金额 10.00 元，看起来是以万元填写的，应以元填写（10.00 万元 = 100,000.00 元）" in row
    assert "相差 99,990.00 元" in row


def test_one_sheet_typed_in_wan_is_named(make_workbook, mini):
    checked = check_workbook(make_workbook(_typed_in_wan(mini, only=("basic_economic",))))
    found = [(i.code, i.severity.value, i.sheet, i.cell) for i in checked.issues]
    assert ("BASIC_ECON_TOTAL", "error", "基本支出经济分类", "F2") in found
    assert [f for f in found if f[0].startswith("PLAUS")] == [("PLAUS_SHEET_WAN", "error", "基本支出经济分类", "F2")]
    sheet = next(i for i in checked.issues if i.code == "PLAUS_SHEET_WAN")
    assert "“基本支出经济分类”表看起来是以万元填写的，应以元填写" in sheet.message
    assert "合计 70.00 元" in sheet.message and "700,000.00 元" in sheet.message and "10,000 倍" in sheet.message
    assert len(sheet.related) == 5  # every row of the sheet


def test_prior_year_all_zero_is_a_warning(make_workbook, mini):
    """Today the document said 比上年增加616.77万元 followed by last year's reason, without a word."""
    mini["prior"] = {key: "0.00" for key in mini["prior"]}
    mini["reasons"] = {key: "上年未编制预算。" for key in
                       ("income_total", "expenditure_total", "three_public_total", "reception", "vehicle_running",
                        "admin_running")}
    checked = check_workbook(make_workbook(mini))
    assert [(i.code, i.severity.value, i.sheet, i.cell) for i in checked.issues] == [
        ("PLAUS_PRIOR_ZERO", "warning", "上年数", "B2")]
    assert "比上年增加 100.00 万元" in checked.issues[0].message


def test_more_than_ten_times_last_year_is_a_warning(make_workbook, mini):
    mini["prior"].update(income_total="90000.00", expenditure_total="90000.00")  # 1,000,000 is 11.1 times
    assert _found(make_workbook(mini)) == [
        ("PLAUS_CHANGE_LARGE", "warning", "上年数", "B2"),
        ("PLAUS_CHANGE_LARGE", "warning", "上年数", "B3"),
    ]
