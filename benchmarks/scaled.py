"""Scaled copies of the datong-2024 example, for the benchmark's scaling row.

`scaled_data(k)` returns the datong data with k× the projects (each copy with its
绩效目标表 and indicators) and more 功能科目 rows, built so that the workbook
still checks clean:

- every added project's amount is added to a 项目支出 expenditure fact (on one of
  the added 功能科目) and to the 一般公共预算 income, so PROJ_TOTAL and the
  income = expenditure totals hold;
- every added 功能科目 gets a 基本支出 fact, balanced by a 基本支出经济分类 row
  (a new 部门经济科目 while unused ones remain, else added to one already
  there) and by income;
- added 功能科目 are 项 codes from the bundled functional_classification.csv not
  used by datong, in file order, 10 per extra copy. The file has 75 项 codes, so
  10× gets all 65 that datong does not use (75 codes, not 100): its functional
  tables have about 7.5× datong's rows rather than 10×. Projects, forms and
  indicators scale exactly.

k = 1 returns datong unchanged. The totals changed, so reasons for every
year-over-year change the narrative states are filled in (prior year unchanged).
"""

from __future__ import annotations

import copy
import csv
import json
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATONG = ROOT / "examples" / "data" / "datong-2024.json"
FUNCTIONAL_CSV = ROOT / "budget_author" / "classification" / "data" / "functional_classification.csv"
ECONOMIC_CSV = ROOT / "budget_author" / "classification" / "data" / "economic_classification_dept.csv"

CODES_PER_COPY = 10
# 基本支出经济分类 codes left alone: the 三公 ones are cross-checked against 三公经费, equipment against 政府采购.
AVOID_ECONOMIC = {"30212", "30217", "30231", "30902", "30903", "30907", "30913", "30919"}
# 政府经济科目 for a 事业单位's 基本支出, by 部门经济分类 class (given explicitly: not every 款 has a mapping).
GOV_FOR_CLASS = {"301": "50501", "302": "50502", "303": "50901"}
REASON_TEXT = "业务量增加，项目和基本支出相应增加（基准测试用的放大数据）。"


def _leaf_codes(path: Path, length: int, classes: tuple[str, ...] | None = None) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        codes = [row["code"] for row in csv.DictReader(handle) if len(row["code"]) == length]
    return [c for c in codes if classes is None or c[:3] in classes]


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def scaled_data(k: int, base: dict | None = None) -> dict:
    data = copy.deepcopy(base if base is not None else json.loads(DATONG.read_text(encoding="utf-8")))
    if k <= 1:
        return data
    source, period = "一般公共预算", "当年预算"
    used_functional = {fact["code"] for fact in data["expenditure"]}
    free_functional = [c for c in _leaf_codes(FUNCTIONAL_CSV, 7) if c not in used_functional]
    used_economic = {row["code"] for row in data["basic_economic"]}
    free_economic = [c for c in _leaf_codes(ECONOMIC_CSV, 5, tuple(GOV_FOR_CLASS))
                     if c not in used_economic and c not in AVOID_ECONOMIC]
    new_codes = free_functional[: CODES_PER_COPY * (k - 1)]

    projects = data["projects"]
    base_projects = list(projects)
    base_forms = list(data["perf_forms"])
    base_indicators = list(data["perf_indicators"])
    next_seq = max(p["seq"] for p in projects) + 1
    added_income = Decimal(0)
    added_economic: list[dict] = []

    # Basic facts on the new codes, each balanced by an economic row.
    for index, code in enumerate(new_codes):
        amount = Decimal(100000 + 1000 * index)
        data["expenditure"].append({"code": code, "source": source, "kind": "基本支出", "period": period,
                                    "amount": _money(amount)})
        added_income += amount
        if free_economic:
            econ = free_economic.pop(0)
            row = {"code": econ, "amount": _money(amount), "gov_code": GOV_FOR_CLASS[econ[:3]]}
            data["basic_economic"].append(row)
            added_economic.append(row)
        else:
            row = added_economic[index % len(added_economic)]
            row["amount"] = _money(Decimal(row["amount"]) + amount)

    # k−1 copies of the projects, with their forms and indicators; their money goes to a 项目支出 fact.
    for copy_number in range(2, k + 1):
        seq_map: dict[str, int] = {}
        copy_total = Decimal(0)
        for project in base_projects:
            new = dict(project, seq=next_seq, name=f"{project['name']}（{copy_number}）")
            new.pop("code", None)
            seq_map[str(project["seq"])] = next_seq
            next_seq += 1
            projects.append(new)
            copy_total += sum((Decimal(v) for key, v in project.items() if key.startswith("cur_")), Decimal(0))
        for form in base_forms:
            data["perf_forms"].append(dict(form, project=str(seq_map[str(form["project"])])))
        for indicator in base_indicators:
            data["perf_indicators"].append(dict(indicator, project=str(seq_map[str(indicator["project"])])))
        code = new_codes[(copy_number - 2) * CODES_PER_COPY % len(new_codes)]
        data["expenditure"].append({"code": code, "source": source, "kind": "项目支出", "period": period,
                                    "amount": _money(copy_total)})
        added_income += copy_total

    income = next(i for i in data["income"] if i["source"] == source and i["period"] == period)
    income["amount"] = _money(Decimal(income["amount"]) + added_income)
    for key in ("income_total", "expenditure_total"):
        data["reasons"].setdefault(key, REASON_TEXT)
    return data


def write_scaled(k: int, target: Path) -> Path:
    from budget_author.workbook.template import write_template

    return write_template(Path(target), scaled_data(k), overwrite=True)
