"""The reference documents' own mistakes, typed the way a clerk would type them: `check` names each one.

- datong-2024 names 2210202 租房补贴 in 表三 (the official name, printed in 表二/表五, is 提租补贴);
- a total typed by hand from the document's display (2551.34 万元) against parts that sum to 2551.335;
- fenyang-2025 gives 项目支出 as 2460.10 in its narrative, against projects summing to 2460.09.
"""

from __future__ import annotations

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
