"""The plausibility rules (budget_author/rules/plausibility.py) at and around each threshold, and the
narrative's wording of changes (issue 13): each fires just past its threshold and is silent just inside."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from budget_author.check import check_workbook
from budget_author.compute.narrative import clean_reason
from budget_author.compute.report import compute_report
from budget_author.render.html import render_html
from budget_author.rules import plausibility as P

D = Decimal


def _plausibility(path, cell: str | None = None) -> list[str]:
    return [i.code for i in check_workbook(path).issues
            if i.code.startswith(("PLAUS", "REASON_DIRECTION")) and (cell is None or i.cell == cell)]


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>|\s+", "", html)


def test_thresholds_are_the_documented_ones():
    assert (P.TOTAL_WAN_BELOW, P.TOTAL_SMALL_BELOW, P.PER_STAFF_WAN_BELOW) == (D(10_000), D(100_000), D(10_000))
    assert (P.PRIOR_SCALE_RATIO, P.LARGE_CHANGE_RATIO) == (D(1_000), D(10))
    assert (P.WAN_MATCH_TOLERANCE, P.ROW_OUTLIER_RATIO) == (D("0.01"), D(1_000))
    assert (P.CENTS_MIN_ROWS, P.CENTS_SHARE, P.CENTS_TOTAL_BELOW) == (5, D("0.8"), D(100_000_000))


# ---------------------------------------------------------------- magnitude
@pytest.mark.parametrize(("total", "staff", "expected"), [
    ("9999.99", None, ["PLAUS_TOTAL_WAN"]),
    ("10000.00", None, ["PLAUS_TOTAL_SMALL"]),
    ("99999.99", None, ["PLAUS_TOTAL_SMALL"]),
    ("100000.00", None, []),
    ("199999.99", 20, ["PLAUS_TOTAL_WAN"]),  # under 1 万元 a person
    ("200000.00", 20, []),
])
def test_magnitude(make_workbook, mini, total, staff, expected):
    mini["income"][0]["amount"] = total
    mini["expenditure"] = [{"code": "2080109", "source": "一般公共预算", "kind": "基本支出", "period": "当年预算",
                            "amount": total}]
    mini["prior"].update(income_total=total, expenditure_total=total, gpb_current_expenditure=total)
    if staff:
        mini["unit"]["staff_actual"] = staff
    assert _plausibility(make_workbook(mini), "C2") == expected


@pytest.mark.parametrize(("cents", "rows", "expected"), [
    (4, 5, ["PLAUS_CENTS_WAN"]),  # 80 % of 5 rows carry 角分
    (3, 5, []),  # 60 %
    (4, 4, []),  # fewer than 5 amounts: no pattern to speak of
])
def test_cents_pattern(make_workbook, mini, cents, rows, expected):
    # A unit of 12.3 亿元 typed in 万元: 123,456.78 元 over `rows` rows, `cents` of them with 角分.
    amounts = [D("24691.36")] * cents + [D("24691.00")] * (rows - cents)
    amounts[0] += D("123456.78") - sum(amounts)  # keeps its 角分: the count of rows with 角分 stays `cents`
    mini["expenditure"] = [{"code": "2080109", "source": "一般公共预算", "kind": kind, "period": "当年预算",
                            "amount": str(a)} for a, kind in zip(amounts, ["基本支出", "项目支出"] * rows)]
    mini["expenditure"] = [dict(f, code=code) for f, code in
                           zip(mini["expenditure"], ["2080109", "2080109", "2210201", "2080101", "2080102"])]
    total = str(sum(amounts))
    mini["income"][0]["amount"] = total
    mini["prior"].update(income_total=total, expenditure_total=total, gpb_current_expenditure=total)
    assert _plausibility(make_workbook(mini), "C2") == expected


def test_the_examples_have_no_cents_pattern():
    from conftest import EXAMPLES

    for name in ("datong-2024", "fenyang-2025"):
        assert "PLAUS_CENTS_WAN" not in _plausibility(EXAMPLES / f"{name}.xlsx")


# ---------------------------------------------------------------- against the prior year (this year 1,000,000.00 元)
@pytest.mark.parametrize(("prior", "expected"), [
    ("1000.00", ["PLAUS_PRIOR_SCALE"]),  # 1,000 times: 上年数 in 万元
    ("1000.01", ["PLAUS_CHANGE_LARGE"]),
    ("99999.99", ["PLAUS_CHANGE_LARGE"]),  # just over 10 times
    ("100000.00", []),  # 10 times exactly
    ("999999999.99", []),  # a decrease, however large, short of 1,000 times: not flagged (fenyang-2025 fell 14 times)
    ("1000000000.00", []),  # 1,000 times the other way: a real unit may fall so (PLAUS_TOTAL_WAN finds 万元 this year)
])
def test_prior_year_ratio(make_workbook, mini, prior, expected):
    mini["prior"]["income_total"] = prior
    assert _plausibility(make_workbook(mini), "B2") == expected


def test_prior_scale_says_which_side(make_workbook, mini):
    mini["prior"]["income_total"] = "1000.00"
    (found,) = [i for i in check_workbook(make_workbook(mini)).issues if i.code == "PLAUS_PRIOR_SCALE"]
    assert "上年数看起来是以万元填写的，应以元填写" in found.message and "1,000 倍" in found.message
    assert "应填 10,000,000.00" in found.message


def test_per_person_magnitude_counts_people_paid_not_posts(make_workbook, mini):
    mini["unit"]["staff_quota"] = 150  # vacant posts: 40 people paid out of 1,000,000 元 is 25,000 元 each
    mini["unit"]["staff_actual"] = 40
    assert _plausibility(make_workbook(mini), "C2") == []


def test_prior_zero_needs_every_prior_zero(make_workbook, mini):
    mini["prior"] = {key: "0.00" for key in mini["prior"]}
    mini["prior"]["reception"] = "0.01"
    assert "PLAUS_PRIOR_ZERO" not in _plausibility(make_workbook(mini))


# ---------------------------------------------------------------- between two sheets
W = [("支出", f"F{n}") for n in range(3, 8)]


@pytest.mark.parametrize(("difference", "named"), [
    ("99000.00", True),  # 9,999 × 10.00 = 99,990.00 is within 1% of the difference
    ("98999.99", False),
    ("101000.00", True),
    ("101000.02", False),
])
def test_row_in_wan_tolerance(difference, named):
    rows = [(W[0], D("600000.00")), (W[1], D("300000.00")), (W[2], D("10.00"))]
    small = D("900010.00")
    assert P._suspects(rows, small, small + D(difference)) == ("rows", [rows[2]] if named else [])


@pytest.mark.parametrize(("big", "kind"), [("707070.70", "sheet"), ("707070.71", "rows"), ("693069.31", "sheet"),
                                           ("693069.30", "rows")])  # 70.00 × 10,000 within 1% of the larger total
def test_sheet_in_wan_tolerance(big, kind):
    rows = [(W[0], D("40.00")), (W[1], D("30.00"))]
    found = P._suspects(rows, D("70.00"), D(big))
    assert found == (kind, rows if kind == "sheet" else [])


def test_several_small_rows_in_wan_are_each_named():
    rows = [(W[0], D("600000.00")), (W[1], D("300000.00")), (W[2], D("5.00")), (W[3], D("5.00"))]
    assert P._suspects(rows, D("900010.00"), D("900010.00") + 10 * D(9999)) == ("rows", rows[2:])
    # a row not 1,000 times smaller than the side's median row is a real row, not a slip
    rows = [(W[0], D("100000.00")), (W[1], D("150000.00")), (W[2], D("100.00")), (W[3], D("100.00"))]
    assert P._suspects(rows, D("250200.00"), D("250200.00") + 200 * D(9999)) == ("rows", [])
    rows = [(W[0], D("100000.00")), (W[1], D("150000.00")), (W[2], D("10.00")), (W[3], D("10.00"))]
    assert P._suspects(rows, D("250020.00"), D("250020.00") + 20 * D(9999)) == ("rows", rows[2:])


# ---------------------------------------------------------------- the reason's direction
@pytest.mark.parametrize(("text", "direction"), [
    ("人员增加。", "up"), ("经费压减。", "down"), ("人员增加，公用经费减少。", None), ("按上年标准编制。", None),
    ("人员未增加，业务量下降。", "down"), ("主要是新增项目。", "up"),
])
def test_reason_direction_words(text, direction):
    assert P.reason_direction(text) == direction


def test_a_reason_against_the_change_is_a_warning(make_workbook, mini):
    mini["reasons"]["income_total"] = "人员减少，经费下降。"  # 收入总计 rose from 90 to 100 万元
    found = [i for i in check_workbook(make_workbook(mini)).issues]
    assert [(i.code, i.severity.value, i.sheet, i.cell) for i in found] == [
        ("REASON_DIRECTION", "warning", "变动原因", "F2")]
    assert "收入总计比上年增加 10.00 万元，但原因中说的是减少、下降或降低" in found[0].message
    mini["reasons"]["income_total"] = "人员增加，经费增长。"
    assert _plausibility(make_workbook(mini)) == []


# ---------------------------------------------------------------- the narrative's wording of changes
@pytest.mark.parametrize("typed", ["主要是业务量增加。", "主要原因是业务量增加。", "原因是业务量增加", "主要由于业务量增加；",
                                   "主要原因：业务量增加。", "由于业务量增加。", "业务量增加。", "主要是因为业务量增加"])
def test_reason_lead_ins_are_not_doubled(typed):
    assert clean_reason(typed) == "业务量增加"


def _narrative(make_workbook, data) -> str:
    checked = check_workbook(make_workbook(data))
    assert not [i for i in checked.issues if i.severity.value == "error"]
    report = compute_report(checked.parsed.budget)
    return _text(render_html(report)), report


def test_the_sentence_says_the_reason_once(make_workbook, mini):
    mini["reasons"]["income_total"] = "主要是业务量增加。"
    text, _ = _narrative(make_workbook, mini)
    assert "增长11.11%，主要原因是业务量增加；" in text and "主要原因是主要是" not in text


def test_a_change_that_rounds_to_nothing_is_unchanged_and_needs_no_reason(make_workbook, mini):
    mini["prior"].update(income_total="1000049.99", expenditure_total="999950.01")  # 0.0049999 万元 either way
    mini["reasons"] = {}
    text, _ = _narrative(make_workbook, mini)
    assert text.count("与上年持平") == 2 and "增长0" not in text and "下降0" not in text


def test_no_sentence_says_a_change_of_zero_percent(make_workbook, mini):
    mini["prior"].update(income_total="1000050.00")  # 减少 50 元 = 0.01 万元, which is 0.0049998%
    mini["reasons"]["income_total"] = "业务量减少。"
    text, report = _narrative(make_workbook, mini)
    assert "比上年减少0.01万元，主要原因是业务量减少；" in text
    assert re.search(r"(增长|下降)0(\.00)?%", text) is None
    assert "narrative.一.income.change_percent" not in report.figures.by_key


def test_project_share_is_of_section_three_project_spending(make_workbook, mini):
    """With carry-over: 十's 项目支出总额 is 三's 项目支出 (both references: 545.86 and 2460.09 in 三 and 十)."""
    mini["income"].append({"source": "一般公共预算", "period": "上年结转", "amount": "150000.00"})
    mini["expenditure"].append({"code": "2080109", "source": "一般公共预算", "kind": "项目支出", "period": "上年结转",
                                "amount": "150000.00"})
    mini["projects"][0]["co_gpb"] = "150000.00"
    mini["prior"].update(income_total="1150000.00", expenditure_total="1150000.00")
    text, report = _narrative(make_workbook, mini)
    figures = report.figures.by_key
    assert figures["narrative.三.project.amount"].value == D("450000.00")
    assert figures["narrative.十.published.amount"].text == "20.00"
    assert figures["narrative.十.published.share"].text == "44.44%"  # 20.00 of 45.00 万元, not of 30.00
    assert "项目支出45.00万元" in text and "占部门（单位）项目支出总额的44.44%" in text
