"""Convert the verified hejing-2024 leaves into the Xinjiang workbook's data format.

    PYTHONPATH=. python tools/hejing_leaves_to_workbook.py

examples/data/hejing-2024.leaves.json (checked by tools/verify_hejing-2024_leaves.py) stays the
source; this writes examples/data/hejing-2024.json, which tools/make_examples.py turns into
examples/hejing-2024.xlsx. Every amount is copied in 元 as it stands in the leaves. The choices the
workbook needs beyond the leaves are stated below (and in examples/data/hejing-2024-NOTES.md).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "examples" / "data"
SOURCE_KEYS = {"一般公共预算": "gpb", "政府性基金预算": "gf", "国有资本经营预算": "soe",
               "财政专户管理资金": "special", "单位资金": "unit"}
PRIOR_ITEMS = {"因公出国（境）费": "因公出国（境）费", "公务接待费": "公务接待费", "公务用车购置费": "公务用车购置费",
               "公务用车运行维护费": "公务用车运行维护费"}
# The typed texts of the leaves (part, section) → the 文本段落 栏目 of the Xinjiang workbook.
SECTIONS = {
    ("overview", "一"): "本单位职责",
    ("narrative", "二"): "收入变动原因",
    ("narrative", "三"): "支出变动原因",
    ("narrative", "四"): "类用途",
    ("narrative", "五(一)"): "支出变动原因",
    ("narrative", "五(三)"): "项变动原因",
    ("narrative", "十"): "三公变动原因",
    ("narrative", "十二(一)"): "机关运行经费变动原因",
    ("narrative", "十二(五)"): "其他说明",
}
PROJECT_TEXTS = {"设立的政策依据": "项目政策依据", "资金分配情况": "项目资金分配", "资金执行时间": "项目执行时间",
                 "主要用于": "结转结余项目用途"}
# 三 and 五(一) give different reasons for the same 基本支出 / 项目支出: 五(一)'s are about the
# 一般公共预算 part, and their subjects say so.
SUBJECTS = {("五(一)", "基本支出"): "一般公共预算基本支出", ("五(一)", "项目支出"): "一般公共预算项目支出"}
# The document gives the 2023 budget per 项 without its 基本/项目 split, and the split only as totals
# (基本 284.18, 项目 7384.87). 2080507 and 2082602 are project money by their own reasons; the other
# nine 项 add up to 287.68, of which 3.50 was project money. The document does not say where: it is
# entered under 2013299 (为民办实事工作经费), the likeliest. No printed figure depends on it.
PRIOR_PROJECT_PART = {"2013299": Decimal("35000.00")}
# 上级转移支付 2023 is not printed; it is what is left of the 2023 budget (7669.05) after 本级 (6489.55)
# and 结转 (0): 1179.50 (the printed change 1097.61 and 93.06% fix it to the window 11794950.00 … 11795049.99).
def money(value: Decimal) -> str:
    return f"{value:.2f}"


def convert(leaves: dict) -> dict:
    unit = {k: v for k, v in leaves["unit"].items() if v not in ("", None) and k not in ("code", "short_name")}
    unit["closing_date"] = leaves["closing"]["date"]
    data: dict = {"profile": leaves["profile"], "unit": unit}
    data["income"] = [{k: v for k, v in r.items() if v != ""} for r in leaves["income"]]
    data["expenditure"] = [{k: v for k, v in r.items() if v != "" and k != "nature"} for r in leaves["expenditure"]]
    data["basic_economic"] = [{k: v for k, v in r.items() if v != ""} for r in leaves["economic"]]
    data["three_public"] = leaves["three_public"]
    data["admin_running"] = {SOURCE_KEYS[r["source"]]: r["amount"] for r in leaves["admin_running"]}
    projects, project_economic, paragraphs = [], [], []
    for p in leaves["projects"]:
        row = {"seq": p["seq"], "name": p["name"], "category": p["category"], "function": p["code"],
               "published": "是" if p["published"] else "否"}
        if p["level"] != "本级":
            row["level"] = p["level"]
        row.update({f"cur_{SOURCE_KEYS[s]}": a for s, a in p["current"].items()})
        row.update({f"co_{SOURCE_KEYS[s]}": a for s, a in p["carryover"].items()})
        projects.append(row)
        project_economic += [{"project": str(p["seq"]), "code": code, "amount": a} for code, a in p["economic"].items()]
    data["projects"] = projects
    data["project_economic"] = project_economic
    for t in leaves["texts"]:
        section = SECTIONS[(t["part"], t["section"])]
        subject = SUBJECTS.get((t["section"], t["subject"]), t["subject"])
        paragraphs.append({"section": section, "text": t["text"], **({"subject": subject} if subject else {})})
    for name in leaves["divisions"]:  # 第一部分 二: the 处室, one a line
        paragraphs.append({"section": "机构设置", "text": name, "subject": "处室"})
    for name in leaves["subordinate_units"]:
        paragraphs.append({"section": "机构设置", "text": name, "subject": "下属单位"})
    for p in leaves["projects"]:
        for label, text in p["texts"].items():
            paragraphs.append({"section": PROJECT_TEXTS[label], "text": text, "subject": str(p["seq"])})
    data["paragraphs"] = paragraphs

    prior = leaves["comparisons"]["上年预算"]
    rows = []
    for f in prior["expenditure"]:
        amount = Decimal(f["amount"])
        parts = [(f["kind"], amount)] if f["kind"] else [
            ("基本支出", amount - PRIOR_PROJECT_PART.get(f["code"], Decimal(0))),
            ("项目支出", PRIOR_PROJECT_PART.get(f["code"], Decimal(0)))]
        for kind, value in parts:
            if value:
                rows.append({"dataset": "上年预算", "code": f["code"], "source": f["source"], "kind": kind,
                             "amount": money(value)})
    # 五(三) compares every 项 with last year's budget ([rules] prior_items): the two 项 new this year
    # (2080199, 2080699: "增长100.00%") state their 2023 budget as 0.
    known = {f["code"] for f in prior["expenditure"]}
    for code in sorted({f["code"] for f in leaves["expenditure"] if f["period"] == "当年预算"} - known):
        rows.append({"dataset": "上年预算", "code": code, "source": "一般公共预算", "kind": "项目支出", "amount": "0.00"})
    data["prior_expenditure"] = rows
    assert sum(Decimal(r["amount"]) for r in rows if r["kind"] == "基本支出") == Decimal(prior["totals"]["basic_total"])
    other = []
    for line in prior["income"]:
        other.append({"dataset": "上年预算", "item": "收入", "source": line["source"], "period": line["period"],
                      "amount": line["amount"]})
    total = sum(Decimal(r["amount"]) for r in rows)
    own = sum(Decimal(line["amount"]) for line in prior["income"])
    other.append({"dataset": "上年预算", "item": "收入", "source": "一般公共预算", "level": "上级转移支付",
                  "amount": money(total - own)})
    for item in prior["three_public"]:
        other.append({"dataset": "上年预算", "item": PRIOR_ITEMS[item["item"]], "amount": item["amount"]})
    for line in prior["admin_running"]:
        other.append({"dataset": "上年预算", "item": "机关运行经费", "amount": line["amount"]})
    data["prior_other"] = other

    data["procurement"] = leaves["procurement"]
    s = leaves["staffing"]
    data["staffing"] = {"quota": s["authorized"], "active": s["current"]["在职"], "retired": s["current"]["退休"],
                        "veteran": s["current"]["离休"], "active_prior": s["prior"]["在职"],
                        "retired_prior": s["prior"]["退休"], "veteran_prior": s["prior"]["离休"]}
    data["asset_items"] = [
        {"asset_class": a["class"], **({"kind": a["kind"]} if a["kind"] else {}),
         **{k: a[k] for k in ("area", "count", "value") if a[k] is not None}}
        for a in leaves["assets"]["items"]]
    form = leaves["unit_perf_form"]
    data["unit_perf_form"] = {"contact": form["contact"], "phone": form["phone"],
                              "funds_transfer": form["funds"]["上级资金"], "funds_own": form["funds"]["本级资金"],
                              "funds_other": form["funds"]["其他"], "goals": "\n".join(form["goals"])}
    data["unit_perf_indicators"] = [dict(i) for i in form["indicators"]]
    # 十二(四): one 整体预算绩效目标 (the unit form), 涉及金额 as the form's funds (395.83, slip #1).
    funds = sum(Decimal(v) for v in form["funds"].values())
    data["overall_perf"] = {"count": 1, "amount": money(funds)}
    return data


def main() -> None:
    leaves = json.loads((DATA / "hejing-2024.leaves.json").read_text(encoding="utf-8"))
    target = DATA / "hejing-2024.json"
    target.write_text(json.dumps(convert(leaves), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
