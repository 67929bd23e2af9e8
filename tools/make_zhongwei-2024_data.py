"""Convert the verified zhongwei-2024 leaves into the Ningxia workbook's data file.

    PYTHONPATH=. python tools/make_zhongwei-2024_data.py

Reads examples/data/zhongwei-2024.leaves.json (the verified source, see zhongwei-2024-NOTES.md) and
writes examples/data/zhongwei-2024.json, the workbook data format that tools/make_examples.py feeds
to workbook.template.write_template (keys = sheet keys and column keys of workbook/schema.py).
Nothing is computed here: every leaf goes to one cell, every typed text to one row.
"""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "examples" / "data"
SOURCE_KEYS = {"一般公共预算": "gpb", "政府性基金预算": "gf", "国有资本经营预算": "soe", "财政专户管理资金": "special",
               "单位资金": "unit"}
# The leaves' (part, section) of a typed text → the Ningxia workbook's 栏目.
TEXT_SECTIONS = {
    ("单位概况", "一"): "本单位职责",
    ("部门预算情况说明", "二(一)"): "支出变动原因",
    ("部门预算情况说明", "二(二)"): "项变动原因",
    ("部门预算情况说明", "六(四)"): "绩效评价情况",
    ("部门预算情况说明", "六(五)"): "其他需说明的事项",
}



def convert(leaves: dict) -> dict:
    unit = leaves["unit"]
    out: dict = {"profile": leaves["profile"]}
    out["unit"] = {key: unit[key] for key in ("name", "year", "region", "level", "dept_code", "dept_name", "unit_type",
                                              "code", "short_name")}
    out["income"] = [{"source": f["source"], "period": f["period"], "amount": f["amount"],
                      **{k: f[k] for k in ("level", "category", "carry_kind") if f.get(k)}}
                     for f in leaves["income"]]
    out["expenditure"] = [{k: f[k] for k in ("code", "source", "kind", "period", "amount")}
                          | {k: f[k] for k in ("level", "carry_kind", "nature") if f.get(k)}
                          for f in leaves["expenditure"]]
    out["basic_economic"] = [{"code": f["code"], "source": f["source"], "amount": f["amount"]}
                             | {k: f[k] for k in ("level", "period") if f.get(k)} for f in leaves["economic"]]
    out["three_public"] = [{k: f[k] for k in ("item", "source", "kind", "amount")} for f in leaves["three_public"]]
    # No 机关运行经费: a 事业单位 has none (ADMIN_RUNNING_NOT_APPLICABLE). The document's 六(一) under that
    # heading prints the 公用经费 of 二(一) (study §3.4 #14), which the profile derives from 302.
    projects = []
    for p in leaves["projects"]:
        row = {"seq": p["seq"], "name": p["name"], "category": p["category"],
               "published": "是" if p["published"] else "否"}
        if p.get("level") and p["level"] != "本级":
            row["level"] = p["level"]
        for source, amount in p["current"].items():
            row[f"cur_{SOURCE_KEYS[source]}"] = amount
        for source, amount in p["carryover"].items():
            row[f"co_{SOURCE_KEYS[source]}"] = amount
        assert not p["economic"] and not p["texts"], "not in this document"
        projects.append(row)
    out["projects"] = projects
    paragraphs = []
    for t in leaves["texts"]:
        row = {"section": TEXT_SECTIONS[(t["part"], t["section"])], "text": t["text"]}
        if t["subject"]:
            row["subject"] = t["subject"]
        paragraphs.append(row)
    paragraphs += [{"section": "单位构成", "text": name} for name in leaves["subordinate_units"]]
    out["paragraphs"] = paragraphs
    out["key_projects"] = [{"project": str(k["project"]), "heading": k["heading"], "text": k["text"]}
                           for k in leaves["key_projects"]]
    out["glossary"] = [{"term": g["term"], "text": g["text"]} for g in leaves["glossary_additions"]]
    prior_expenditure, prior_other = [], []
    for dataset, c in leaves["comparisons"].items():
        for f in c["expenditure"]:
            prior_expenditure.append({"dataset": dataset, **{k: f[k] for k in ("code", "source", "kind", "amount")}})
        for f in c["three_public"]:
            prior_other.append({"dataset": dataset, "item": f["item"], "amount": f["amount"]})
        assert not c["income"] and not c["admin_running"] and not c["totals"], "not in this document"
    # 表二 prints 0 as the 2023 执行数 of 2080507 and 2082602; the leaves leave zero facts out, the workbook
    # states them (the standard's PRIOR_ITEM_MISSING asks for a 2023 actual for every 项 of 表二).
    actual = {(f["code"], f["kind"]) for f in leaves["comparisons"]["上年执行数"]["expenditure"]}
    known = {code for code, _ in actual}
    for f in leaves["expenditure"]:
        if f["source"] == "一般公共预算" and f["code"] not in known:
            known.add(f["code"])
            prior_expenditure.append({"dataset": "上年执行数", "code": f["code"], "source": f["source"], "kind": f["kind"],
                                      "amount": "0.00"})
    out["prior_expenditure"] = prior_expenditure
    out["prior_other"] = prior_other
    out["procurement"] = dict(leaves["procurement"])
    out["asset_items"] = [{"asset_class": a["class"], **({"kind": a["kind"]} if a["kind"] else {}),
                           **{k: a[k] for k in ("area", "count", "value") if a[k] is not None}}
                          for a in leaves["assets"]["items"]]
    forms, indicators = [], []
    by_seq = {p["seq"]: p for p in leaves["projects"]}
    for f in leaves["project_forms"]:
        project = by_seq[f["project"]]
        forms.append({"project": str(f["project"]), "attribute": f["attribute"], "term": f["term"],
                      "year_local": project["current"].get("一般公共预算", "0.00"),
                      "goal_year": "\n".join(f["goals"]), "rating": f["rating"]})
        for level1, level2, level3, value in f["indicators"]:
            indicators.append({"project": str(f["project"]), "period": "年度", "level2": level2, "level3": level3,
                               "value": value})
    out["perf_forms"] = forms
    out["perf_indicators"] = indicators
    return out


def main() -> None:
    leaves = json.loads((DATA / "zhongwei-2024.leaves.json").read_text(encoding="utf-8"))
    target = DATA / "zhongwei-2024.json"
    target.write_text(json.dumps(convert(leaves), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
