"""Each rule fires on bad input, at the right cell, and is silent on good input.

Every case starts from the consistent MINI unit, applies one defect and
asserts the exact list of (code, sheet, cell) that `check` reports.
"""

from __future__ import annotations

import pytest

from budget_author.check import check_workbook
from budget_author.rules import RULES
from budget_author.catalogue import CATALOGUE


def problems(path):
    return [(i.code, i.sheet, i.cell) for i in check_workbook(path).issues]


def test_mini_checks_clean(mini, make_workbook):
    assert problems(make_workbook(mini)) == []


def _set(path: str, value):
    """A mutation that sets data[sheet][index][key] (or data[sheet][key]) = value."""
    def mutate(data):
        parts = path.split(".")
        target = data
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        last = parts[-1]
        if value is _DELETE:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return mutate


_DELETE = object()


def _append(sheet: str, row: dict):
    def mutate(data):
        data.setdefault(sheet, []).append(row)
    return mutate


def _both(*mutations):
    def mutate(data):
        for m in mutations:
            m(data)
    return mutate


EXP = "支出"
ECO = "基本支出经济分类"

CASES = {
    # -- codes
    "malformed functional code": (_set("expenditure.0.code", "20801O9"), [("CODE_MALFORMED", EXP, "A3")]),
    "functional code at 款 level": (_set("expenditure.2.code", "22102"), [("CODE_NOT_LEAF_LEVEL", EXP, "A5")]),
    "functional code padded with 00": (_set("expenditure.2.code", 2080000), [("CODE_ZERO_LEVEL", EXP, "A5")]),
    "unknown functional class": (_set("expenditure.2.code", "2990201"), [("CODE_CLASS_UNKNOWN", EXP, "A5")]),
    "unknown 项 without a name": (_set("expenditure.2.code", "2210299"), [("CODE_NAME_NEEDED", EXP, "A5")]),
    "unknown 项 with a typed name": (
        _both(_set("expenditure.2.code", "2210299"), _set("expenditure.2.name", "其他住房改革支出")),
        [("CODE_UNKNOWN", EXP, "A5")],
    ),
    "unknown 项 named in 自定义科目": (
        _both(_set("expenditure.2.code", "2210299"),
              _append("custom_codes", {"scheme": "功能分类", "code": "2210299", "name": "其他住房改革支出"})),
        [],
    ),
    "name disagrees with code": (_set("expenditure.2.name", "租房补贴"), [("CODE_NAME_MISMATCH", EXP, "B5")]),
    "name agrees up to full-width brackets": (_set("expenditure.2.name", " 住房公积金 "), []),
    "economic code malformed": (_set("basic_economic.0.code", "3010"), [("CODE_MALFORMED", ECO, "A3")]),
    "economic name disagrees": (_set("basic_economic.0.name", "津贴补贴"), [("CODE_NAME_MISMATCH", ECO, "B3")]),
    "no 政府经济分类 correspondence": (_set("basic_economic.3.gov_code", None), [("CODE_GOV_UNKNOWN", ECO, "C6")]),
    "cost kind contradicts the class": (_set("basic_economic.0.cost_kind", "公用经费"),
                                        [("BASIC_COST_KIND_MISMATCH", ECO, "D3")]),
    "cost kind agrees with the class": (_set("basic_economic.0.cost_kind", "人员经费"), []),
    "custom code renames a bundled one": (
        _append("custom_codes", {"scheme": "功能分类", "code": "2080109", "name": "社保经办"}),
        [("CODE_CUSTOM_CONFLICT", "自定义科目", "C4")],
    ),
    "income code malformed": (
        _append("income_items", {"fund": "政府性基金预算", "code": "2030101", "name": "错", "amount": "0.00"}),
        [("CODE_MALFORMED", "收入科目", "B3")],
    ),
    # -- duplicates
    "duplicate fact row": (
        _both(_append("expenditure", {"code": "2210201", "source": "一般公共预算", "kind": "基本支出",
                                      "period": "当年预算", "amount": "0.00"})),
        [("DUP_FACT", EXP, "A6")],
    ),
    "duplicate project code": (
        _both(_set("projects.0.code", "P001"), _set("projects.1.code", "P001")),
        [("DUP_PROJECT_CODE", "项目", "B4")],
    ),
    "duplicate project 序号": (_set("projects.1.seq", 1), [("DUP_PROJECT_SEQ", "项目", "A4")]),
    "same name and amounts": (
        _both(_set("projects.1.name", "信息系统运维"), _set("projects.1.cur_gpb", "200000.00"),
              _set("expenditure.1.amount", "400000.00"), _set("income.0.amount", "1100000.00"),
              _set("prior.income_total", "1100000.00"), _set("prior.expenditure_total", "1100000.00")),
        [("DUP_PROJECT_SAME", "项目", "C4")],
    ),
    "same name, other amounts (datong's two J社会保险管理经费)": (_set("projects.1.name", "信息系统运维"), []),
    "two forms for one project": (
        lambda d: d["perf_forms"].append(dict(d["perf_forms"][0])),
        [("DUP_PERF_FORM", "绩效目标表", "A3")],
    ),
    # -- totals
    "income and expenditure differ": (_set("income.0.amount", "1000000.01"),
                                      [("TOTAL_INCOME_EXPENDITURE", "收入", "C2")]),
    "income under the wrong source": (
        _both(_set("income.0.amount", "999000.00"),
              _append("income", {"source": "单位资金", "period": "当年预算", "amount": "1000.00"})),
        [("TOTAL_SOURCE", "收入", "C3"), ("TOTAL_SOURCE", "收入", "C4")],
    ),
    # -- basic expenditure
    "economic total differs from 基本支出": (_set("basic_economic.1.amount", "100000.01"),
                                            [("BASIC_ECON_TOTAL", ECO, "F2")]),
    # -- 三公
    "三公 运行维护费 ≠ 30231": (
        _both(_set("basic_economic.4.amount", "31000.00"), _set("basic_economic.2.amount", "149000.00")),
        [("THREE_PUBLIC_ECON_MISMATCH", "三公经费", "D4")],
    ),
    "三公 接待费 ≠ 30217": (
        _both(_set("basic_economic.3.amount", "19000.00"), _set("basic_economic.2.amount", "151000.00")),
        [("THREE_PUBLIC_ECON_MISMATCH", "三公经费", "D3")],
    ),
    "三公 from a project does not count against 30231": (
        _both(_append("three_public", {"item": "公务用车运行维护费", "source": "一般公共预算", "kind": "项目支出",
                                       "amount": "5000.00"}),
              _set("reasons.three_public_total", "新增项目用车。"), _set("reasons.vehicle_running", "新增项目用车。")),
        [],
    ),
    # -- 机关运行经费
    "机关运行经费 ≠ 公用经费": (
        _both(_set("admin_running.gpb", "190000.00"), _set("prior.admin_running", "190000.00")),
        [("ADMIN_RUNNING_MISMATCH", "机关运行经费", "B2")],
    ),
    "机关运行经费 for a 公益一类 unit": (_set("unit.unit_type", "公益一类事业单位"),
                                    [("ADMIN_RUNNING_NOT_APPLICABLE", "机关运行经费", "B2")]),
    # -- 政府采购
    "equipment without 政府采购": (
        _both(_set("basic_economic.2.code", "31002"), _set("basic_economic.2.gov_code", "50201"),
              _set("admin_running.gpb", "200000.00")),
        [("PROCUREMENT_EQUIPMENT_ZERO", "政府采购", "B2")],
    ),
    "equipment with 政府采购": (
        _both(_set("basic_economic.2.code", "31002"), _set("basic_economic.2.gov_code", "50201"),
              _set("procurement.goods", "150000.00")),
        [],
    ),
    # -- projects
    "projects ≠ 项目支出": (_set("projects.1.cur_gpb", "100000.10"), [("PROJ_TOTAL", "项目", "E2")]),
    "carry-over projects ≠ carry-over 项目支出": (
        _set("projects.1.co_gpb", "5.00"), [("PROJ_TOTAL", "项目", "J2")],
    ),
    "project without amounts": (
        _append("projects", {"seq": 3, "name": "空项目", "category": "其他运转类"}),
        [("PROJ_NO_AMOUNT", "项目", "C5")],
    ),
    "carried project not confirmed": (_set("projects.1.continued", "待确认"), [("PROJECT_UNCONFIRMED", "项目", "P4")]),
    "form for an unknown project": (_set("perf_forms.0.project", "9"),
                                    [("PERF_FORM_MISSING", "项目", "O3"),
                                     ("PERF_PROJECT_UNKNOWN", "绩效目标表", "A2")]),
    "published project without a form": (_set("projects.1.published", "是"),
                                         [("PERF_FORM_MISSING", "项目", "O4")]),
    "form for an unpublished project": (_set("projects.0.published", "否"),
                                       [("PERF_FORM_UNPUBLISHED", "绩效目标表", "A2")]),
    "form amount ≠ project amount": (_set("perf_forms.0.year_local", "200100.00"),
                                     [("PERF_FORM_AMOUNT", "绩效目标表", "Q2")]),
    "form references the project by its code": (
        _both(_set("projects.0.code", "14010025P001"), _set("perf_forms.0.project", "14010025P001"),
              _set("perf_indicators.0.project", "14010025P001"), _set("perf_indicators.1.project", "14010025P001")),
        [],
    ),
    "published form without 年度 indicators": (_set("perf_indicators.1", _DELETE),
                                              [("PERF_NO_INDICATORS", "绩效目标表", "A2")]),
    "indicator for an unknown project": (_set("perf_indicators.0.project", "7"),
                                         [("PERF_NO_INDICATORS", "绩效目标表", "A2"),
                                          ("PERF_PROJECT_UNKNOWN", "绩效指标", "A2")]),
    # -- texts and prior year
    "no duties": (_set("paragraphs.0", _DELETE), [("TEXT_SECTION_MISSING", "文本段落", None)]),
    "prior figure missing": (_set("prior.reception", _DELETE), [("PRIOR_MISSING", "上年数", "B7")]),
    "change without a reason": (_set("reasons.income_total", _DELETE), [("REASON_MISSING", "变动原因", "F2")]),
    "change below display precision needs no reason": (
        _both(_set("prior.three_public_total", "50049.99")), [],
    ),
    "vehicles over quota": (_set("assets.vehicles_other", 3), [("ASSETS_VEHICLES_OVER_QUOTA", "国有资产", "B3")]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_rule_case(name, mini, make_workbook):
    mutate, expected = CASES[name]
    mutate(mini)
    assert problems(make_workbook(mini)) == expected


def test_every_rule_code_is_in_the_catalogue():
    for rule in RULES:
        for code in rule.codes:
            assert code in CATALOGUE, (rule.name, code)


def test_year_disagreeing_with_the_template_is_flagged(mini, make_workbook):
    from openpyxl import load_workbook

    path = make_workbook(mini)
    workbook = load_workbook(path)
    workbook["_meta"]["B3"] = 2024
    workbook.save(path)
    assert problems(path) == [("UNIT_YEAR_META", "单位信息", "B3")]


@pytest.mark.parametrize("cell, value, expected", [
    ("E2", 300000.10, [("TOTAL_TYPED", "项目", "E2")]),  # the 合计 row typed over its formula
    ("M3", 200000.01, [("TOTAL_TYPED", "项目", "M3")]),  # a project's 当年合计 typed
    ("E2", 300000, []),  # a typed total that agrees is accepted
])
def test_typed_total_is_a_claim_to_check(mini, make_workbook, cell, value, expected):
    from openpyxl import load_workbook

    path = make_workbook(mini)
    workbook = load_workbook(path)
    workbook["项目"][cell] = value
    workbook.save(path)
    assert problems(path) == expected


def test_every_rule_code_is_exercised():
    fired = {"UNIT_YEAR_META", "TOTAL_TYPED"}  # the two tests above
    fired.update({"TOTAL_STALE", "TOTAL_STALE_TEXT"})  # need cached formula results, which openpyxl cannot write: test_hostile_values.py
    fired.update({"PLAUS_TOTAL_WAN", "PLAUS_TOTAL_SMALL", "PLAUS_ROW_WAN", "PLAUS_SHEET_WAN", "PLAUS_PRIOR_SCALE",
                  "PLAUS_CHANGE_LARGE", "PLAUS_PRIOR_ZERO", "REASON_DIRECTION", "PLAUS_CENTS_WAN"})  # test_plausibility_thresholds.py, test_clerk_mistakes.py
    fired.add("OVERALL_PERF_CONFLICT")  # tests/test_unit_wording_b.py
    fired.add("PRIOR_ITEM_MISSING")  # a standard that asks for it: tests/test_profile_rules.py
    for mutate, expected in CASES.values():
        fired.update(code for code, _, _ in expected)
    declared = {code for rule in RULES for code in rule.codes}
    assert declared - fired == set()
