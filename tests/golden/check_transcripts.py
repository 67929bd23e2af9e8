#!/usr/bin/env python3
"""Validate the golden transcripts of the reference documents (see README.md in this folder).

For each transcript (datong-2024.json, fenyang-2025.json) this script

1. checks the JSON against the transcript format (keys, table numbers and leaf columns, row widths,
   figure syntax, narrative figures found in order inside their sentence, form skeletons);
2. checks that every figure string occurs literally in the reference text
   (<ref-dir>/<document>.txt) once whitespace is removed from both, and, as a stronger but
   non-fatal check, that each table row, each narrative sentence, each indicator line and each
   "before+figure+after" also occurs there;
3. checks the internal arithmetic of the reference (row sums, 类/款/项 roll-ups, footer rows,
   cross-table agreement, narrative shares and year-over-year percentages, narrative amounts
   against the tables, form funds against table 12) and REPORTS every disagreement — the
   references are known not to be self-consistent, so these never fail the run;
4. reports figures printed in more than one way and names that disagree between places.

Standard library only. Exit status: 0 when the format is valid and every figure occurs in the
reference text; 1 on any format error or any figure missing from the reference text (with
--strict, also when one of the stronger source checks does not match); 2 when a reference text
cannot be read (pass --no-source to skip the source checks).

    python tests/golden/check_transcripts.py [--ref-dir DIR] [--no-source] [--strict] [--quiet] [FILE ...]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_FILES = [HERE / "datong-2024.json", HERE / "fenyang-2025.json"]
DEFAULT_REF_DIR = Path(__file__).resolve().parent / "reference"

ZERO = Decimal("0")
CENT = Decimal("0.01")

CN_NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五",
          "十六", "十七", "十八", "十九", "二十", "二十一", "二十二", "二十三", "二十四", "二十五", "二十六",
          "二十七", "二十八", "二十九", "三十"]
SECTIONS = CN_NUM[:12]

NOTE_EMPTY = "注：本表无数据"

# Leaf columns of each table ({y} = year), and which columns hold amounts / codes.
TABLE_SPEC = {
    "1": (["项目", "{y}年", "项目", "{y}年合计", "当年预算安排", "上年结转安排"], [1, 3, 4, 5], []),
    "2": (["科目编码", "科目名称", "合计", "一般公共预算", "政府性基金", "国有资本经营预算", "财政专户管理资金",
           "单位资金", "上年结转"], [2, 3, 4, 5, 6, 7, 8], [0]),
    "3": (["科目编码", "科目名称", "合计", "基本支出", "项目支出"], [2, 3, 4], [0]),
    "4": (["项目", "金额", "项目", "小计", "一般公共预算", "政府性基金预算", "国有资本经营预算"], [1, 3, 4, 5, 6], []),
    "5": (["科目编码", "科目名称", "合计", "基本支出", "项目支出"], [2, 3, 4], [0]),
    "6": (["部门预算支出经济科目名称", "政府预算支出经济科目名称", "合计", "人员经费", "公用经费"], [2, 3, 4], []),
    "7": (["收入科目编码", "科目名称", "政府性基金收入预算"], [2], [0]),
    "8": (["科目编码", "科目名称", "合计", "基本支出", "项目支出"], [2, 3, 4], [0]),
    "9": (["收入科目编码", "科目名称", "国有资本经营收入预算", "科目编码", "科目名称", "合计", "基本支出", "项目支出"],
          [2, 5, 6, 7], [0, 3]),
    "10": (["项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"], [1, 2, 3, 4], []),
    "11": (["单位名称", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"], [1, 2, 3, 4], []),
    "12": (["项目名称", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金"],
           [1, 2, 3, 4, 5, 6], []),
    "13": (["项目名称", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"], [1, 2, 3, 4], []),
}
T10_ITEMS = ["因公出国（境）费", "公务接待费", "公务用车购置及运行费", "①公务用车购置费", "②公务用车运行维护费", "合计"]

TABLE_AMOUNT = re.compile(r"^\d+\.\d{2}$")
CODE = re.compile(r"^(\d{3}|\d{5}|\d{7})$")
NARR_FIGURE = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?%?$|^\d+(\.\d+)?%?$")
NARR_AFTER = {"", "万元", "个", "辆", "平方米", "台（套）"}
FUND_VALUE = re.compile(r"^\d{1,3}(,\d{3})*(\.\d+)?$")
HAS_DIGIT = re.compile(r"\d")

LEVEL1 = ["产出指标", "效益指标", "满意度指标"]
FUND_KEYS = ["资金总额", "中央财政资金", "省级财政资金", "市县(区)财政资金", "单位自筹", "其他资金"]
FIELD_KEYS = ["主管部门及代码", "实施单位", "项目属性", "项目期", "填报日期"]
HALVES = ["实施期", "年度"]

# Indicator lines that cannot be found verbatim in the source because the transcript
# deliberately departs from the extraction (each one is explained in README.md).
KNOWN_LINE_EXCEPTIONS = {
    ("fenyang-2025-shanxi", 4, 7): "source line repeats the 指标值 cell: 有效保障在职人员职业年|有效保障|有效保障",
}

# Noise the extraction adds (README.md of the reference documents); removed before matching.
NOISE_LINES = [re.compile(r"^\s*仅供内部审核\s*$"), re.compile(r"^\s*-\d+-\s*$")]
NOISE_INLINE = [re.compile(r"\S*\[Administrator\]"), re.compile(r"</?b>"), re.compile(r"^#+", re.M),
                re.compile(r"\*\*")]


def nows(text: str) -> str:
    return re.sub(r"\s+", "", text)


def dec(text: str) -> Decimal:
    """A printed figure ("2,551.34", "11.1%", "") as a Decimal; blank is zero."""
    text = text.replace(",", "").replace("%", "").strip()
    return Decimal(text) if text else ZERO


def r2(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def load_source(path: Path) -> str:
    kept = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if any(p.match(line) for p in NOISE_LINES):
            continue
        kept.append(line)
    text = "\n".join(kept)
    for p in NOISE_INLINE:
        text = p.sub("", text)
    return nows(text)


class Result:
    def __init__(self, name: str):
        self.name = name
        self.format_errors: list[str] = []
        self.missing_figures: list[str] = []
        self.warnings: list[str] = []           # stronger source checks that did not match
        self.known: list[str] = []              # known, documented departures
        self.inconsistencies: list[str] = []    # the reference disagreeing with itself
        self.arith_checks = 0
        self.figures_checked = 0
        self.counts: dict[str, int] = {}

    def fmt(self, where: str, msg: str) -> None:
        self.format_errors.append(f"{where}: {msg}")


# ============================================================================ format
def check_format(doc, res: Result) -> bool:
    """Returns True if the structure is sound enough for the other checks."""
    if not isinstance(doc, dict):
        res.fmt("top", "not an object")
        return False
    want = ["document", "unit", "year", "tables", "narrative", "forms"]
    if list(doc.keys()) != want:
        res.fmt("top", f"keys {list(doc.keys())} != {want}")
        if not all(k in doc for k in want):
            return False
    if not isinstance(doc["document"], str) or not re.match(r"^[a-z]+-\d{4}-[a-z]+$", doc["document"]):
        res.fmt("document", f"bad value {doc['document']!r}")
    if not isinstance(doc["unit"], str) or not doc["unit"]:
        res.fmt("unit", "must be a non-empty string")
    if not isinstance(doc["year"], int) or not 2000 <= doc["year"] <= 2100:
        res.fmt("year", "must be an integer year")
        return False
    ok = check_tables_format(doc, res)
    ok = check_narrative_format(doc, res) and ok
    ok = check_forms_format(doc, res) and ok
    return ok


def check_tables_format(doc, res: Result) -> bool:
    tables = doc["tables"]
    year = doc["year"]
    if not isinstance(tables, dict) or sorted(tables, key=int) != [str(i) for i in range(1, 14)]:
        res.fmt("tables", "must be an object with keys \"1\" … \"13\"")
        return False
    ok = True
    for n in map(str, range(1, 14)):
        t = tables[n]
        where = f"table {n}"
        if not isinstance(t, dict) or list(t.keys()) != ["title", "columns", "rows", "note"]:
            res.fmt(where, "keys must be title, columns, rows, note")
            ok = False
            continue
        cols, amount_cols, code_cols = TABLE_SPEC[n]
        cols = [c.replace("{y}", str(year)) for c in cols]
        if not isinstance(t["title"], str) or not t["title"].startswith(f"{year}"):
            res.fmt(where, f"title {t['title']!r} must start with the year")
        if t["columns"] != cols:
            res.fmt(where, f"columns {t['columns']} != {cols}")
            ok = False
        if t["note"] not in ("", NOTE_EMPTY):
            res.fmt(where, f"note {t['note']!r}")
        if not isinstance(t["rows"], list):
            res.fmt(where, "rows must be a list")
            ok = False
            continue
        for i, row in enumerate(t["rows"]):
            w = f"{where} row {i + 1}"
            if not isinstance(row, list) or len(row) != len(cols) or not all(isinstance(c, str) for c in row):
                res.fmt(w, f"must be a list of {len(cols)} strings: {row!r}")
                ok = False
                continue
            for j, c in enumerate(row):
                if c != nows(c):
                    res.fmt(w, f"cell {j + 1} contains whitespace: {c!r}")
                if j in amount_cols and c and not TABLE_AMOUNT.match(c):
                    res.fmt(w, f"cell {j + 1} ({cols[j]}) is not an amount with two decimals: {c!r}")
                if j in code_cols and c and c != "合计" and not CODE.match(c):
                    res.fmt(w, f"cell {j + 1} ({cols[j]}) is not a 3/5/7-digit code: {c!r}")
            if all(c == "" for c in row):
                res.fmt(w, "row is entirely blank")
        if t["note"] == NOTE_EMPTY:
            if any(row[j] for row in t["rows"] if isinstance(row, list) and len(row) == len(cols) for j in amount_cols):
                res.fmt(where, "note says 本表无数据 but the table holds amounts")
    # the two-sided tables list the 30 类 in order
    for n in ("1", "4"):
        rows = tables[n]["rows"]
        labels = [r[2] for r in rows if isinstance(r, list) and len(r) > 2 and "、" in r[2]]
        nums = [lab.split("、", 1)[0] for lab in labels]
        if nums != CN_NUM:
            res.fmt(f"table {n}", f"expected the 30 expenditure 类 一…三十 in order, got {nums}")
    t10 = [r[0] for r in tables["10"]["rows"]]
    if t10 != T10_ITEMS:
        res.fmt("table 10", f"rows {t10} != {T10_ITEMS}")
    if [r[0] for r in tables["11"]["rows"]][-1:] != ["部门合计"]:
        res.fmt("table 11", "last row must be 部门合计")
    return ok


def check_narrative_format(doc, res: Result) -> bool:
    narr = doc["narrative"]
    if not isinstance(narr, list) or not narr:
        res.fmt("narrative", "must be a non-empty list")
        return False
    ok = True
    last = 0
    for k, e in enumerate(narr):
        where = f"narrative {k + 1}"
        if not isinstance(e, dict) or list(e.keys()) != ["section", "sentence", "figures"]:
            res.fmt(where, "keys must be section, sentence, figures")
            ok = False
            continue
        if e["section"] not in SECTIONS:
            res.fmt(where, f"section {e['section']!r} not in 一…十二")
            ok = False
            continue
        pos = SECTIONS.index(e["section"])
        if pos < last:
            res.fmt(where, f"section {e['section']} out of order")
        last = pos
        s = e["sentence"]
        if not isinstance(s, str) or not s or s != nows(s):
            res.fmt(where, "sentence must be a non-empty string without whitespace")
            ok = False
            continue
        if not isinstance(e["figures"], list):
            res.fmt(where, "figures must be a list")
            ok = False
            continue
        cursor = 0
        for m, f in enumerate(e["figures"]):
            w = f"{where} figure {m + 1}"
            if not isinstance(f, dict) or list(f.keys()) != ["before", "figure", "after"] or \
                    not all(isinstance(v, str) for v in f.values()):
                res.fmt(w, f"must be {{before, figure, after}} strings: {f!r}")
                ok = False
                continue
            if not NARR_FIGURE.match(f["figure"]):
                res.fmt(w, f"figure {f['figure']!r} is not a printed number")
            if not 1 <= len(f["before"]) <= 12:
                res.fmt(w, f"before {f['before']!r} must be 1–12 characters")
            if f["after"] not in NARR_AFTER:
                res.fmt(w, f"after {f['after']!r} not in {sorted(NARR_AFTER)}")
            probe = f["before"] + f["figure"] + f["after"]
            at = s.find(probe, cursor)
            if at < 0:
                res.fmt(w, f"{probe!r} not found (in order) in its sentence")
                continue
            # the figure must be a whole number, not part of a longer one
            start = at + len(f["before"])
            end = start + len(f["figure"])
            if (start > 0 and re.match(r"[\d.,]", s[start - 1])) or \
                    (end < len(s) and re.match(r"\d|\.\d|%", s[end:end + 2]) and not f["figure"].endswith("%")):
                res.fmt(w, f"figure {f['figure']!r} is part of a longer number in the sentence")
            cursor = end
    return ok


def check_forms_format(doc, res: Result) -> bool:
    forms = doc["forms"]
    if not isinstance(forms, list) or not forms:
        res.fmt("forms", "must be a non-empty list")
        return False
    ok = True
    for k, f in enumerate(forms):
        where = f"form {k + 1}"
        if not isinstance(f, dict) or list(f.keys()) != ["project", "order", "fields", "funds", "indicators"]:
            res.fmt(where, "keys must be project, order, fields, funds, indicators")
            ok = False
            continue
        if f["order"] != k + 1:
            res.fmt(where, f"order {f['order']!r} != {k + 1}")
        if not isinstance(f["project"], str) or not f["project"] or f["project"] != nows(f["project"]):
            res.fmt(where, "project must be a non-empty string without whitespace")
        if not isinstance(f["fields"], dict) or list(f["fields"].keys()) != FIELD_KEYS or \
                not all(isinstance(v, str) for v in f["fields"].values()):
            res.fmt(where, f"fields keys must be {FIELD_KEYS} with string values")
            ok = False
        elif not re.match(r"^\d{14}$", f["fields"]["填报日期"]):
            res.fmt(where, f"填报日期 {f['fields']['填报日期']!r} is not 14 digits")
        if not isinstance(f["funds"], dict) or list(f["funds"].keys()) != HALVES:
            res.fmt(where, "funds must have 实施期 and 年度")
            ok = False
        else:
            for h in HALVES:
                fd = f["funds"][h]
                if not isinstance(fd, dict) or list(fd.keys()) != FUND_KEYS:
                    res.fmt(where, f"funds {h} keys must be {FUND_KEYS}")
                    ok = False
                    continue
                for key, v in fd.items():
                    if not isinstance(v, str) or (v and not FUND_VALUE.match(v)):
                        res.fmt(where, f"funds {h} {key} {v!r} is not an amount as printed")
        if not isinstance(f["indicators"], dict) or list(f["indicators"].keys()) != HALVES:
            res.fmt(where, "indicators must have 实施期 and 年度")
            ok = False
            continue
        for h in HALVES:
            rows = f["indicators"][h]
            if not isinstance(rows, list) or not rows:
                res.fmt(where, f"indicators {h} must be a non-empty list")
                ok = False
                continue
            seen1 = []
            for i, r in enumerate(rows):
                w = f"{where} {h} indicator {i + 1}"
                if not isinstance(r, list) or len(r) != 4 or not all(isinstance(c, str) for c in r):
                    res.fmt(w, f"must be 4 strings: {r!r}")
                    ok = False
                    continue
                if r[0] not in LEVEL1:
                    res.fmt(w, f"一级指标 {r[0]!r} not in {LEVEL1}")
                if not r[1]:
                    res.fmt(w, "二级指标 is empty")
                if bool(r[2]) != bool(r[3]):
                    res.fmt(w, "三级指标 and 指标值 must both be filled or both be empty")
                if not seen1 or seen1[-1] != r[0]:
                    if r[0] in seen1:
                        res.fmt(w, f"一级指标 {r[0]} resumes after another group")
                    seen1.append(r[0])
            if seen1 != LEVEL1:
                res.fmt(where, f"indicators {h}: 一级 groups {seen1} != {LEVEL1}")
        if isinstance(f["indicators"].get("实施期"), list) and isinstance(f["indicators"].get("年度"), list):
            a, b = f["indicators"]["实施期"], f["indicators"]["年度"]
            if len(a) != len(b) or any(x[:2] != y[:2] for x, y in zip(a, b) if len(x) == 4 and len(y) == 4):
                res.fmt(where, "实施期 and 年度 must have the same 一级/二级 skeleton row by row")
    return ok


# ============================================================================ source occurrence
def check_source(doc, src: str, res: Result) -> None:
    def fig(where: str, s: str) -> None:
        res.figures_checked += 1
        if nows(s) not in src:
            res.missing_figures.append(f"{where}: {s!r}")

    def text(where: str, s: str) -> None:
        if s and nows(s) not in src:
            res.warnings.append(f"text not in source — {where}: {s!r}")

    for n, t in doc["tables"].items():
        _, amount_cols, _ = TABLE_SPEC[n]
        text(f"table {n} title", t["title"])
        for c in t["columns"]:
            text(f"table {n} column", c)
        if t["note"]:
            text(f"table {n} note", t["note"])
        for i, row in enumerate(t["rows"]):
            for j, c in enumerate(row):
                if not c:
                    continue
                if j in amount_cols:
                    fig(f"table {n} row {i + 1} {t['columns'][j]}", c)
                else:
                    text(f"table {n} row {i + 1}", c)
            if "".join(row) not in src:
                res.warnings.append(f"row not found verbatim — table {n} row {i + 1}: {'|'.join(row)}")
    for k, e in enumerate(doc["narrative"]):
        if e["sentence"] not in src:
            res.warnings.append(f"sentence not found verbatim — narrative {k + 1}: {e['sentence'][:30]}…")
        for m, f in enumerate(e["figures"]):
            fig(f"narrative {k + 1} figure {m + 1}", f["figure"])
            probe = f["before"] + f["figure"] + f["after"]
            if probe not in src:
                res.warnings.append(f"context not found — narrative {k + 1}: {probe!r}")
    for f in doc["forms"]:
        where = f"form {f['order']} ({f['project']})"
        text(where, f["project"])
        for key, v in f["fields"].items():
            if key == "填报日期":
                fig(f"{where} 填报日期", v)
            else:
                text(f"{where} {key}", v)
        for h in HALVES:
            for key, v in f["funds"][h].items():
                if v:
                    fig(f"{where} {h} {key}", v)
            for r in f["indicators"][h]:
                for c in r[:3]:
                    text(f"{where} {h}", c)
                if HAS_DIGIT.search(r[3]):
                    fig(f"{where} {h} {r[2]}", r[3])
                else:
                    text(f"{where} {h}", r[3])
        # each printed indicator line: 一级 (first row of its group only), then per half the 二级
        # (when it changes), 三级, 指标值
        a, b = f["indicators"]["实施期"], f["indicators"]["年度"]
        for i, (x, y) in enumerate(zip(a, b)):
            line = ""
            if i == 0 or a[i - 1][0] != x[0]:
                line += x[0]
            for half, r in ((a, x), (b, y)):
                if i == 0 or half[i - 1][1] != r[1] or half[i - 1][0] != r[0]:
                    line += r[1]
                line += r[2] + r[3]
            key = (doc["document"], f["order"], i)
            if line not in src:
                if key in KNOWN_LINE_EXCEPTIONS:
                    res.known.append(f"{where} indicator line {i + 1}: {KNOWN_LINE_EXCEPTIONS[key]}")
                else:
                    res.warnings.append(f"indicator line not found verbatim — {where} line {i + 1}: {line}")


# ============================================================================ arithmetic
class Arith:
    def __init__(self, res: Result):
        self.res = res

    def eq(self, where: str, shown: str | Decimal, parts: list, label: str = "") -> None:
        """shown (printed) against the sum of parts (printed)."""
        self.res.arith_checks += 1
        total = dec(shown) if isinstance(shown, str) else shown
        s = sum((dec(p) if isinstance(p, str) else p for p in parts), ZERO)
        if total != s:
            shown_txt = shown if isinstance(shown, str) else str(shown)
            shown_txt = shown_txt or "(blank)"
            shown_parts = [p if isinstance(p, str) else str(p) for p in parts]
            parts_txt = " + ".join(p for p in shown_parts if p) or "(blank)"
            self.res.inconsistencies.append(
                f"{where}: {label + ' ' if label else ''}{shown_txt} ≠ {parts_txt} = {s} (diff {total - s:+})")


def rows_by_code(t):
    return [r for r in t["rows"] if r[0] != "合计"]


def rollup(ar: Arith, n: str, t, cols: list[int]) -> None:
    """类 = Σ 款, 款 = Σ 项, 合计 = Σ 类, for the given columns."""
    rows = t["rows"]
    total = [r for r in rows if r[0] == "合计"]
    coded = rows_by_code(t)
    for j in cols:
        name = t["columns"][j]
        for r in coded:
            code = r[0]
            kids = [c for c in coded if len(c[0]) == len(code) + 2 and c[0].startswith(code)]
            if kids:
                ar.eq(f"table {n} {code} {r[1]} [{name}]", r[j], [c[j] for c in kids], "")
        if total:
            ar.eq(f"table {n} 合计 [{name}]", total[0][j], [c[j] for c in coded if len(c[0]) == 3])


def check_arithmetic(doc, res: Result) -> None:
    ar = Arith(res)
    T = doc["tables"]

    # ---- table 1
    rows = T["1"]["rows"]
    by_left = {r[0]: r for r in rows if r[0]}
    classes = [r for r in rows if "、" in r[2]]
    income = [r for r in rows if re.match(r"^[一二三四五]、", r[0])]
    foot = {r[2]: r for r in rows if r[2] in ("本年支出合计", "年终结转", "支出总计")}
    ar.eq("table 1 本年收入合计", by_left["本年收入合计"][1], [r[1] for r in income])
    ar.eq("table 1 收入总计", by_left["收入总计"][1], [by_left["本年收入合计"][1], by_left["上年结转"][1]])
    for r in classes:
        ar.eq(f"table 1 {r[2]} 合计", r[3], [r[4], r[5]])
    for j in (3, 4, 5):
        ar.eq(f"table 1 本年支出合计 [{T['1']['columns'][j]}]", foot["本年支出合计"][j], [r[j] for r in classes])
        ar.eq(f"table 1 支出总计 [{T['1']['columns'][j]}]", foot["支出总计"][j],
              [foot["本年支出合计"][j], foot["年终结转"][j]])
    for r in (foot["本年支出合计"], foot["支出总计"]):
        ar.eq(f"table 1 {r[2]} 合计", r[3], [r[4], r[5]])
    ar.eq("table 1 收入总计 = 支出总计", by_left["收入总计"][1], [foot["支出总计"][3]])

    # ---- table 2
    t2 = T["2"]
    for r in t2["rows"]:
        ar.eq(f"table 2 {r[0]} {r[1]} 合计", r[2], r[3:8])
    rollup(ar, "2", t2, list(range(2, 9)))

    # ---- tables 3, 5, 8
    for n in ("3", "5", "8"):
        t = T[n]
        for r in t["rows"]:
            if any(r[2:5]):
                ar.eq(f"table {n} {' '.join(x for x in r[:2] if x)} [合计 = 基本支出 + 项目支出]", r[2], [r[3], r[4]])
        rollup(ar, n, t, [2, 3, 4])

    # ---- table 4
    rows = T["4"]["rows"]
    classes = [r for r in rows if "、" in r[2]]
    by_left = {}
    for r in rows:
        if r[0] and r[0] not in by_left:
            by_left[r[0]] = r
    foot = {r[2]: r for r in rows if r[2] in ("本年支出合计", "年终结转", "支出总计")}
    income = rows[:3]
    ar.eq("table 4 本年收入合计", by_left["本年收入合计"][1], [r[1] for r in income])
    carry_idx = [i for i, r in enumerate(rows) if r[0] == "上年财政拨款结转"]
    if carry_idx:
        i = carry_idx[0]
        ar.eq("table 4 上年财政拨款结转", rows[i][1], [r[1] for r in rows[i + 1:i + 4]])
        ar.eq("table 4 收入总计", by_left["收入总计"][1], [by_left["本年收入合计"][1], rows[i][1]])
    for r in classes + [foot["本年支出合计"], foot["支出总计"]]:
        ar.eq(f"table 4 {r[2]} 小计", r[3], r[4:7])
    for j in (3, 4, 5, 6):
        ar.eq(f"table 4 本年支出合计 [{T['4']['columns'][j]}]", foot["本年支出合计"][j], [r[j] for r in classes])
        ar.eq(f"table 4 支出总计 [{T['4']['columns'][j]}]", foot["支出总计"][j],
              [foot["本年支出合计"][j], foot["年终结转"][j]])
    ar.eq("table 4 收入总计 = 支出总计", by_left["收入总计"][1], [foot["支出总计"][3]])

    # ---- table 6
    rows = T["6"]["rows"]
    total = rows[0]
    groups = []
    for r in rows[1:]:
        if r[1] == "":
            groups.append((r, []))
        elif groups:
            groups[-1][1].append(r)
    for r in rows:
        ar.eq(f"table 6 {r[0]} 合计", r[2], [r[3], r[4]])
    for j in (2, 3, 4):
        name = T["6"]["columns"][j]
        for head, items in groups:
            ar.eq(f"table 6 {head[0]} [{name}]", head[j], [i[j] for i in items])
        ar.eq(f"table 6 合计 [{name}]", total[j], [h[j] for h, _ in groups])

    # ---- table 10
    t10 = {r[0]: r for r in T["10"]["rows"]}
    for r in T["10"]["rows"]:
        ar.eq(f"table 10 {r[0]} 合计", r[1], r[2:5])
    for j in (1, 2, 3, 4):
        name = T["10"]["columns"][j]
        ar.eq(f"table 10 公务用车购置及运行费 [{name}]", t10["公务用车购置及运行费"][j],
              [t10["①公务用车购置费"][j], t10["②公务用车运行维护费"][j]])
        ar.eq(f"table 10 合计 [{name}]", t10["合计"][j],
              [t10["因公出国（境）费"][j], t10["公务接待费"][j], t10["公务用车购置及运行费"][j]])

    # ---- tables 11, 12, 13
    for r in T["11"]["rows"]:
        ar.eq(f"table 11 {r[0]} 合计", r[1], r[2:5])
    for n in ("12", "13"):
        rows = T[n]["rows"]
        for r in rows:
            ar.eq(f"table {n} {r[0]} 合计", r[1], r[2:])
        if rows and rows[0][0] == doc["unit"]:
            for j in range(1, len(T[n]["columns"])):
                ar.eq(f"table {n} {doc['unit']} [{T[n]['columns'][j]}]", rows[0][j], [r[j] for r in rows[1:]])

    # ---- cross-table
    t1_classes = {r[2].split("、", 1)[1]: r for r in T["1"]["rows"] if "、" in r[2]}
    t4_classes = {r[2].split("、", 1)[1]: r for r in T["4"]["rows"] if "、" in r[2]}
    for n in ("2", "3", "5"):
        for r in T[n]["rows"]:
            if len(r[0]) == 3 and r[0] != "合计":
                if r[1] in t1_classes:
                    ar.eq(f"table 1 {r[1]} vs table {n} {r[0]}", t1_classes[r[1]][3], [r[2]])
                else:
                    res.inconsistencies.append(f"table {n} 类 {r[0]} {r[1]} has no row in table 1")
    for name, r in t1_classes.items():
        ar.eq(f"table 1 vs table 4 {name}", r[3], [t4_classes[name][3]])
    t2_total = T["2"]["rows"][0]
    t3_total = T["3"]["rows"][0]
    t1_in = {r[0]: r for r in T["1"]["rows"] if r[0]}
    ar.eq("table 1 本年收入合计 vs table 2 合计", t1_in["本年收入合计"][1], [t2_total[2]])
    ar.eq("table 2 合计 vs table 3 合计", t2_total[2], [t3_total[2]])
    ar.eq("table 6 合计 vs table 3 基本支出", T["6"]["rows"][0][2], [t3_total[3]])
    if T["12"]["rows"]:
        ar.eq("table 12 unit row vs table 3 项目支出", T["12"]["rows"][0][1], [t3_total[4]])
    t6 = {r[0]: r for r in T["6"]["rows"]}
    if "公务用车运行维护费" in t6:
        ar.eq("table 10 ② vs table 6 公务用车运行维护费", t10["②公务用车运行维护费"][1], [t6["公务用车运行维护费"][2]])
    # same code printed with the same name and figures in tables 2, 3, 5
    names = defaultdict(dict)
    for n in ("2", "3", "5"):
        for r in T[n]["rows"]:
            names[r[0]][n] = r[1]
    for code, by_table in names.items():
        if len(set(by_table.values())) > 1:
            res.inconsistencies.append(
                f"name of {code} differs: " + ", ".join(f"table {n} {v}" for n, v in sorted(by_table.items())))
    t3 = {r[0]: r[2:5] for r in T["3"]["rows"]}
    for r in T["5"]["rows"]:
        if t3.get(r[0]) != r[2:5]:
            res.inconsistencies.append(f"table 5 {r[0]} {r[2:5]} differs from table 3 {t3.get(r[0])}")

    check_narrative_arith(doc, ar, res)
    check_forms_arith(doc, ar, res)


def check_narrative_arith(doc, ar: Arith, res: Result) -> None:
    T = doc["tables"]
    t1 = {r[0]: r for r in T["1"]["rows"] if r[0]}
    t1r = {r[2]: r for r in T["1"]["rows"]}
    t3 = T["3"]["rows"][0]
    t5 = {r[1]: r for r in T["5"]["rows"] if len(r[0]) == 3}
    t5[""] = T["5"]["rows"][0]
    t4 = {r[2].split("、", 1)[-1]: r for r in T["4"]["rows"] if r[2]}
    t4l = {}
    for r in T["4"]["rows"]:  # first occurrence: 一、一般公共预算 recurs under 上年财政拨款结转
        if r[0]:
            t4l.setdefault(r[0], r)
    t6 = T["6"]["rows"][0]
    t10 = {r[0]: r for r in T["10"]["rows"]}
    t11 = T["11"]["rows"][-1]
    t12 = T["12"]["rows"]
    projects_total = t12[0][1] if t12 else ""

    # (section, before) → printed table figure it restates
    expect = {
        ("一", "预算收入总计"): ("table 1 收入总计", t1["收入总计"][1]),
        ("一", "其中：本年收入"): ("table 1 本年收入合计", t1["本年收入合计"][1]),
        ("一", "本年单位预算支出总计"): ("table 1 支出总计", t1r["支出总计"][3]),
        ("一", "其中：本年预算安排"): ("table 1 本年支出合计 当年预算安排", t1r["本年支出合计"][4]),
        ("二", "预算收入"): ("table 1 本年收入合计", t1["本年收入合计"][1]),
        ("二", "一般公共预算拨款收入"): ("table 1 一般公共预算", t1["一、一般公共预算"][1]),
        ("二", "政府性基金预算拨款收入"): ("table 1 政府性基金预算", t1["二、政府性基金预算"][1]),
        ("二", "国有资本经营预算拨款收入"): ("table 1 国有资本经营预算", t1["三、国有资本经营预算"][1]),
        ("二", "财政专户管理资金收入"): ("table 1 财政专户管理资金", t1["四、财政专户管理资金"][1]),
        ("二", "单位资金"): ("table 1 单位资金", t1["五、单位资金"][1]),
        ("二", "上年结转"): ("table 1 上年结转", t1["上年结转"][1]),
        ("三", "支出预算"): ("table 3 合计", t3[2]),
        ("三", "其中：基本支出"): ("table 3 基本支出", t3[3]),
        ("三", "项目支出"): ("table 3 项目支出", t3[4]),
        ("四", "财政拨款收支总预算"): ("table 4 收入总计", t4l["收入总计"][1]),
        ("四", "其中：一般公共预算拨款"): ("table 4 一般公共预算", t4l["一、一般公共预算"][1]),
        ("四", "其中：当年拨款收入"): ("table 4 本年收入合计", t4l["本年收入合计"][1]),
        ("五", "一般公共预算当年支出"): ("table 5 合计", t5[""][2]),
        ("六", "一般公共预算安排基本支出"): ("table 6 合计", t6[2]),
        ("六", "人员经费"): ("table 6 人员经费", t6[3]),
        ("六", "公用经费"): ("table 6 公用经费", t6[4]),
        ("七", "“三公”经费预算"): ("table 10 合计", t10["合计"][1]),
        ("七", "因公出国(境)费"): ("table 10 因公出国（境）费", t10["因公出国（境）费"][1]),
        ("七", "公务接待费"): ("table 10 公务接待费", t10["公务接待费"][1]),
        ("七", "公务用车运行维护费"): ("table 10 ②公务用车运行维护费", t10["②公务用车运行维护费"][1]),
        ("七", "公务用车购置费"): ("table 10 ①公务用车购置费", t10["①公务用车购置费"][1]),
        ("八", "机关运行经费财政拨款预算"): ("table 11 部门合计", t11[1]),
        ("十", "共计金额"): ("table 12 unit row (= table 3 项目支出)", projects_total),
        ("十", "涉及资金"): ("table 12 unit row (= table 3 项目支出)", projects_total),
    }
    for e in doc["narrative"]:
        figs = e["figures"]
        sec = e["section"]
        amounts = [f for f in figs if f["after"] == "万元"]
        for i, f in enumerate(figs):
            key = (sec, f["before"])
            where = f"narrative {sec} “{f['before']}{f['figure']}{f['after']}”"
            if key in expect and f["after"] == "万元":
                label, shown = expect[key]
                ar.eq(f"{where} vs {label}", f["figure"], [shown])
            elif sec == "四" and f["after"] == "万元" and f["before"] in t4:
                ar.eq(f"{where} vs table 4", f["figure"], [t4[f["before"]][3]])
            elif sec == "五" and f["after"] == "万元" and f["before"] in t5:
                ar.eq(f"{where} vs table 5", f["figure"], [t5[f["before"]][2]])
            # shares: 占X% = preceding amount / first amount of the sentence
            if f["before"] == "占" and f["figure"].endswith("%") and amounts:
                prev = [g for g in figs[:i] if g["after"] == "万元"]
                base = dec(amounts[0]["figure"])
                if prev and base:
                    ar.res.arith_checks += 1
                    want = r2(dec(prev[-1]["figure"]) / base * 100)
                    if want != dec(f["figure"]):
                        res.inconsistencies.append(
                            f"{where}: share printed {f['figure']}, {prev[-1]['figure']} / {amounts[0]['figure']} = {want}%")
            # year-over-year: 增长/下降 X% = change / (total ∓ change)
            if f["figure"].endswith("%") and f["before"] in ("增长", "下降") and i >= 1:
                change = figs[i - 1]
                sign = -1 if "减少" in change["before"] else 1
                base = dec(amounts[0]["figure"]) - sign * dec(change["figure"])
                if base:
                    ar.res.arith_checks += 1
                    want = r2(dec(change["figure"]) / base * 100)
                    if want != dec(f["figure"]):
                        res.inconsistencies.append(
                            f"{where}: printed {f['figure']}, {change['figure']} / {base} = {want}%")
    # shares printed in one sentence for parts that make up its first amount add to 100%
    for e in doc["narrative"]:
        figs = e["figures"]
        shares = [f for f in figs if f["before"] == "占" and f["figure"].endswith("%")]
        amounts = [f for f in figs if f["after"] == "万元"]
        if len(shares) >= 2 and amounts:
            parts = [g for g in amounts[1:]]
            if sum(dec(g["figure"]) for g in parts) == dec(amounts[0]["figure"]) or \
                    abs(sum(dec(g["figure"]) for g in parts) - dec(amounts[0]["figure"])) <= CENT:
                ar.res.arith_checks += 1
                total = sum(dec(f["figure"]) for f in shares)
                if total != 100:
                    res.inconsistencies.append(
                        f"narrative {e['section']}: the shares {' + '.join(f['figure'] for f in shares)} add to {total}%")
        for i, f in enumerate(figs):
            if e["section"] == "十" and f["before"] == "项目支出总额的" and projects_total:
                prev = [g for g in figs[:i] if g["after"] == "万元"]
                if prev:
                    ar.res.arith_checks += 1
                    want = r2(dec(prev[-1]["figure"]) / dec(projects_total) * 100)
                    if want != dec(f["figure"]):
                        res.inconsistencies.append(
                            f"narrative 十 “{f['before']}{f['figure']}”: {prev[-1]['figure']} / {projects_total} = {want}%")
    # a "其中" sentence breaks down the amount (and count) of the sentence before it
    prev = None
    for e in doc["narrative"]:
        if prev is not None and prev["section"] == e["section"] and re.match(r"^其中[：:]", e["sentence"]):
            for unit in ("万元", "个"):
                before = [f for f in prev["figures"] if f["after"] == unit]
                parts = [f for f in e["figures"] if f["after"] == unit
                         and not re.search("增加|减少|增长|下降", f["before"])]
                if before and len(parts) >= 2:
                    base = before[0] if unit == "万元" else before[-1]
                    ar.eq(f"narrative {e['section']} “{e['sentence'][:14]}…” breakdown of "
                          f"“{base['before']}{base['figure']}{unit}”", base["figure"], [f["figure"] for f in parts])
        if not re.match(r"^其中[：:]", e["sentence"]):
            prev = e
    # counts of projects and published forms
    n_projects = max(len(t12) - 1, 0)
    published = sum(dec(f["funds"]["年度"]["资金总额"]) for f in doc["forms"])
    for e in doc["narrative"]:
        for f in e["figures"]:
            w = f"narrative {e['section']} “{f['before']}{f['figure']}{f['after']}”"
            if e["section"] == "十" and f["after"] == "个" and f["before"].endswith("二级项目"):
                ar.eq(f"{w} vs table 12 project rows", Decimal(n_projects), [f["figure"]])
            if e["section"] == "十" and f["before"] == "公开项目绩效目标":
                ar.eq(f"{w} vs number of forms", Decimal(len(doc["forms"])), [f["figure"]])
        if e["section"] == "十" and e["figures"] and e["figures"][0]["before"] == "公开项目绩效目标":
            amt = [f for f in e["figures"] if f["before"] == "涉及项目金额"]
            if amt:
                ar.res.arith_checks += 1
                want = r2(published / 10000)
                if want != dec(amt[0]["figure"]):
                    res.inconsistencies.append(
                        f"narrative 十 “涉及项目金额{amt[0]['figure']}万元”: the published forms' 年度资金总额 add up to "
                        f"{published} 元 = {want} 万元")


def check_forms_arith(doc, ar: Arith, res: Result) -> None:
    t12 = doc["tables"]["12"]["rows"][1:]
    used = set()
    for f in doc["forms"]:
        where = f"form {f['order']} ({f['project']})"
        for h in HALVES:
            fd = f["funds"][h]
            ar.eq(f"{where} {h}资金总额", fd["资金总额"], [fd[k] for k in FUND_KEYS[1:]])
        yearly = r2(dec(f["funds"]["年度"]["资金总额"]) / 10000)
        same = [i for i, r in enumerate(t12) if r[0] == f["project"] and i not in used]
        match = [i for i in same if dec(t12[i][1]) == yearly]
        ar.res.arith_checks += 1
        if match:
            used.add(match[0])
        elif same:
            used.add(same[0])
            res.inconsistencies.append(
                f"{where}: 年度资金总额 {f['funds']['年度']['资金总额']} 元 = {yearly} 万元, table 12 prints {t12[same[0]][1]}")
        else:
            by_amount = [r[0] for i, r in enumerate(t12) if dec(r[1]) == yearly and i not in used]
            res.inconsistencies.append(
                f"{where}: no table 12 project of that name; table 12 row with the same amount ({yearly}): "
                f"{by_amount[0] if by_amount else 'none'}")
            if by_amount:
                used.add(next(i for i, r in enumerate(t12) if r[0] == by_amount[0]))
        if f["funds"]["实施期"]["资金总额"] != f["funds"]["年度"]["资金总额"]:
            res.inconsistencies.append(
                f"{where}: 实施期资金总额 {f['funds']['实施期']['资金总额']} ≠ 年度资金总额 {f['funds']['年度']['资金总额']}"
                " (not an error in itself; recorded)")
        a, b = f["indicators"]["实施期"], f["indicators"]["年度"]
        reordered = set()
        for key in {(x[0], x[1]) for x in a}:
            ga = [x for x in a if (x[0], x[1]) == key]
            gb = [y for y in b if (y[0], y[1]) == key]
            if len(ga) > 1 and [x[3] for x in ga] != [y[3] for y in gb] and \
                    sorted(x[3] for x in ga) == sorted(y[3] for y in gb):
                reordered.add(key)
                res.inconsistencies.append(
                    f"{where}: the {len(ga)} {key[1]} rows are printed in a different order in the two halves: "
                    f"实施期 {', '.join(x[2] + ' ' + x[3] for x in ga)}; 年度 {', '.join(y[2] + ' ' + y[3] for y in gb)}")
        for x, y in zip(a, b):
            if (x[0], x[1]) in reordered:
                continue
            if x[3] != y[3]:
                res.inconsistencies.append(
                    f"{where}: {x[1]} 指标值 实施期 {x[2]} {x[3]} ≠ 年度 {y[2]} {y[3]}")
            elif x[2] != y[2] and not x[2].startswith(y[2]):
                res.inconsistencies.append(
                    f"{where}: {x[1]} 三级指标 年度 “{y[2]}” is not a truncation of 实施期 “{x[2]}”")


def same_figure_two_ways(doc, res: Result) -> None:
    """Narrative figures whose value recurs printed differently (beyond thousands separators)."""
    seen = defaultdict(set)
    for e in doc["narrative"]:
        for f in e["figures"]:
            kind = "%" if f["figure"].endswith("%") else f["after"]
            seen[(kind, dec(f["figure"]))].add(f["figure"])
    for (kind, value), forms in sorted(seen.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        if value == 0:
            continue
        if len({x.replace(",", "") for x in forms}) > 1:
            res.inconsistencies.append(
                f"same value printed two ways in the narrative ({kind or 'count'}): {' / '.join(sorted(forms))}")
    commas = defaultdict(set)
    for e in doc["narrative"]:
        for f in e["figures"]:
            if f["after"] == "万元" and dec(f["figure"]) >= 1000:
                commas["with" if "," in f["figure"] else "without"].add(f["figure"])
    if len(commas) == 2:
        res.inconsistencies.append(
            "narrative amounts ≥ 1000 printed both with and without thousands separators: "
            f"with {sorted(commas['with'])}, without {sorted(commas['without'])}")


# ============================================================================ main
def counts(doc) -> dict[str, int]:
    T = doc["tables"]
    form_figs = 0
    for f in doc["forms"]:
        for h in HALVES:
            form_figs += sum(1 for v in f["funds"][h].values() if v)
            form_figs += sum(1 for r in f["indicators"][h] if HAS_DIGIT.search(r[3]))
    return {
        "tables": len(T),
        "table rows": sum(len(t["rows"]) for t in T.values()),
        "table figures": sum(1 for n, t in T.items() for r in t["rows"] for j in TABLE_SPEC[n][1] if r[j]),
        "narrative sentences": len(doc["narrative"]),
        "narrative figures": sum(len(e["figures"]) for e in doc["narrative"]),
        "forms": len(doc["forms"]),
        "indicator rows": sum(len(f["indicators"][h]) for f in doc["forms"] for h in HALVES),
        "form figures": form_figs,
    }


def run(path: Path, ref_dir: Path, use_source: bool) -> tuple[int, Result]:
    res = Result(path.name)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        res.fmt("file", str(exc))
        return 1, res
    raw = path.read_text(encoding="utf-8")
    if raw != json.dumps(doc, ensure_ascii=False, indent=2) + "\n":
        res.fmt("file", "not serialised as json.dumps(..., ensure_ascii=False, indent=2) + newline")
    sound = check_format(doc, res)
    if not sound:
        return 1, res
    res.counts = counts(doc)
    if use_source:
        ref = ref_dir / f"{doc['document']}.txt"
        try:
            src = load_source(ref)
        except OSError as exc:
            print(f"{path.name}: cannot read the reference text {ref}: {exc} (use --no-source to skip)")
            return 2, res
        check_source(doc, src, res)
    check_arithmetic(doc, res)
    same_figure_two_ways(doc, res)
    return (1 if res.format_errors or res.missing_figures else 0), res


def report(res: Result, quiet: bool) -> None:
    print(f"== {res.name}")
    if res.counts:
        print("   " + ", ".join(f"{k}: {v}" for k, v in res.counts.items()))
    print(f"   format errors: {len(res.format_errors)}")
    for m in res.format_errors:
        print(f"     ERROR {m}")
    print(f"   figures checked against the reference text: {res.figures_checked}, missing: {len(res.missing_figures)}")
    for m in res.missing_figures:
        print(f"     MISSING {m}")
    print(f"   stronger source checks not matched: {len(res.warnings)}")
    for m in res.warnings:
        print(f"     WARN {m}")
    if res.known:
        print(f"   known, documented departures from the extraction: {len(res.known)}")
        for m in res.known:
            print(f"     KNOWN {m}")
    print(f"   arithmetic / consistency checks: {res.arith_checks}; the reference disagrees with itself in "
          f"{len(res.inconsistencies)} places (reported, not failed):")
    if not quiet:
        for m in res.inconsistencies:
            print(f"     - {m}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", type=Path, default=DEFAULT_FILES)
    ap.add_argument("--ref-dir", type=Path, default=DEFAULT_REF_DIR)
    ap.add_argument("--no-source", action="store_true", help="skip the checks against the reference text")
    ap.add_argument("--quiet", action="store_true", help="do not list the reference's inconsistencies")
    ap.add_argument("--strict", action="store_true",
                    help="also fail when a row, sentence, context, name or indicator line is not found verbatim")
    args = ap.parse_args(argv)
    status = 0
    for path in args.files:
        code, res = run(path, args.ref_dir, not args.no_source)
        if args.strict and code == 0 and res.warnings:
            code = 1
        report(res, args.quiet)
        status = max(status, code)
    print("OK" if status == 0 else f"FAILED (exit {status})")
    return status


if __name__ == "__main__":
    sys.exit(main())
