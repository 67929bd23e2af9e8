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

`forms_data(forms, per_form)` is the other shape, for the 绩效目标表 row: the
largest workbook the schema reads (300 projects, 300 forms, 3,000 indicators).
Every datong project is published (the two that are not get a form and
indicators modelled on project 4's, with their own amount); the seven are then
copied in turn until there are `forms` projects, each with its form; every form
keeps its first `per_form` / 2 indicators of each period. The copies' money goes
to 项目支出 facts on added 功能科目, one per group of seven copies, as above.
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


def _free_codes(data: dict) -> tuple[list[str], list[str]]:
    """功能科目 项 and 部门经济科目 款 codes datong does not use (in file order)."""
    used_functional = {fact["code"] for fact in data["expenditure"]}
    free_functional = [c for c in _leaf_codes(FUNCTIONAL_CSV, 7) if c not in used_functional]
    used_economic = {row["code"] for row in data["basic_economic"]}
    free_economic = [c for c in _leaf_codes(ECONOMIC_CSV, 5, tuple(GOV_FOR_CLASS))
                     if c not in used_economic and c not in AVOID_ECONOMIC]
    return free_functional, free_economic


def _add_basic_facts(data: dict, new_codes: list[str], free_economic: list[str]) -> Decimal:
    """A 基本支出 fact on each new code, each balanced by an economic row; returns the income to add."""
    source, period = "一般公共预算", "当年预算"
    added_income = Decimal(0)
    added_economic: list[dict] = []
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
    return added_income


def scaled_data(k: int, base: dict | None = None) -> dict:
    data = copy.deepcopy(base if base is not None else json.loads(DATONG.read_text(encoding="utf-8")))
    if k <= 1:
        return data
    source, period = "一般公共预算", "当年预算"
    free_functional, free_economic = _free_codes(data)
    new_codes = free_functional[: CODES_PER_COPY * (k - 1)]

    projects = data["projects"]
    base_projects = list(projects)
    base_forms = list(data["perf_forms"])
    base_indicators = list(data["perf_indicators"])
    next_seq = max(p["seq"] for p in projects) + 1
    added_income = _add_basic_facts(data, new_codes, free_economic)

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


def _current(project: dict) -> Decimal:
    return sum((Decimal(v) for key, v in project.items() if key.startswith("cur_")), Decimal(0))


def forms_data(forms: int = 300, per_form: int = 10, base: dict | None = None) -> dict:
    """datong with `forms` projects, all published, each with a 绩效目标表 and `per_form` indicators."""
    data = copy.deepcopy(base if base is not None else json.loads(DATONG.read_text(encoding="utf-8")))
    source, period = "一般公共预算", "当年预算"
    per_period = per_form // 2
    projects = data["projects"]
    form_of = {str(f["project"]): f for f in data["perf_forms"]}
    model_ref = str(data["perf_forms"][0]["project"])
    model_form = form_of[model_ref]
    indicators_of: dict[str, list[dict]] = {}
    for indicator in data["perf_indicators"]:
        indicators_of.setdefault(str(indicator["project"]), []).append(indicator)

    # Every project published, with a form; the form's 实施期 and 年度 funds are its 当年 amount.
    for project in projects:
        ref = str(project["seq"])
        if ref in form_of:
            continue
        project["published"] = "是"
        amount = _money(_current(project))
        form_of[ref] = dict(model_form, project=ref, impl_local=amount, year_local=amount)
        indicators_of[ref] = [dict(i, project=ref) for i in indicators_of[model_ref]]

    def trimmed(ref: str, new_ref: str) -> list[dict]:
        rows = indicators_of[ref]
        return [dict(i, project=new_ref) for p in ("实施期", "年度") for i in [r for r in rows if r["period"] == p][:per_period]]

    base_projects = list(projects)
    data["perf_forms"] = [form_of[str(p["seq"])] for p in base_projects]
    data["perf_indicators"] = [i for p in base_projects for i in trimmed(str(p["seq"]), str(p["seq"]))]

    copies = forms - len(base_projects)
    groups = -(-copies // len(base_projects))  # one 项目支出 fact per group of copies
    free_functional, free_economic = _free_codes(data)
    new_codes = free_functional[: min(len(free_functional), CODES_PER_COPY * groups)]
    if groups > len(new_codes):
        raise ValueError(f"{forms} forms need {groups} new 功能科目; {len(new_codes)} are free")
    added_income = _add_basic_facts(data, new_codes, free_economic)
    next_seq = max(p["seq"] for p in projects) + 1
    group_totals = [Decimal(0)] * groups
    for n in range(copies):
        project = base_projects[n % len(base_projects)]
        group = n // len(base_projects)
        ref, new_ref = str(project["seq"]), str(next_seq)
        new = dict(project, seq=next_seq, name=f"{project['name']}（{group + 2}）")
        new.pop("code", None)
        projects.append(new)
        data["perf_forms"].append(dict(form_of[ref], project=new_ref))
        data["perf_indicators"].extend(trimmed(ref, new_ref))
        group_totals[group] += _current(project)
        next_seq += 1
    for group, total in enumerate(group_totals):
        data["expenditure"].append({"code": new_codes[group], "source": source, "kind": "项目支出",
                                    "period": period, "amount": _money(total)})
        added_income += total

    income = next(i for i in data["income"] if i["source"] == source and i["period"] == period)
    income["amount"] = _money(Decimal(income["amount"]) + added_income)
    for key in ("income_total", "expenditure_total"):
        data["reasons"].setdefault(key, REASON_TEXT)
    return data


def write_forms(target: Path, forms: int = 300, per_form: int = 10) -> Path:
    from budget_author.workbook.template import write_template

    return write_template(Path(target), forms_data(forms, per_form), overwrite=True)
