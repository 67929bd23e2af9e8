#!/usr/bin/env python3
"""Validate the golden transcript tests/golden/zhongwei-2024.json (see zhongwei-2024.md). Standard library only.

(a) format: keys, serialisation, header spans vs leaf columns, row widths, cell/figure syntax, figures in order;
(b) every figure, table amount, fund value and digit-bearing 指标值 occurs literally in the source;
(c) every sentence, glossary entry, heading and form goal occurs verbatim in the source (rows, labels and
    indicator cells too, as warnings). Source: whitespace removed, folios/watermark/revision balloons stripped;
(d) the relationships of profiles-study.md §3.3, recomputed: the document's own slips are REPORTED, not failed.
Exit 0 when (a)-(c) hold, 1 otherwise, 2 when the source cannot be read.
    python tests/golden/check_zhongwei-2024.py [--quiet] [--json FILE] [--ref FILE]
"""
from __future__ import annotations

import argparse, csv, json, re, sys
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLASSIF = HERE.parents[1] / "budget_author" / "classification" / "data"
KEYS = ["document", "unit", "year", "profile", "overview", "tables", "narrative", "forms", "glossary", "closing", "headings"]
TABLE_KEYS = ["title", "meta", "header", "columns", "rows", "note"]
FORM_KEYS = ["kind", "title", "subtitle", "meta", "order", "fields", "funds", "texts", "indicators", "footer"]
FIELDS = ["项目名称", "主管部门及代码", "实施单位", "项目属性", "项目期"]
FUNDS = ["年度资金总额", "其中：财政拨款", "其他资金"]
LABELS = ["一", "二", "三", "四", "五", "六", "七", "八"]
AMOUNT_COLS = {"一": [1, 3, 4, 5], "二": [2, 3, 4, 5, 6, 7], "三": [2, 3, 4], "四": list(range(18)),
               "五": [2, 3, 4, 5, 6, 7], "六": [1, 3], "七": list(range(16)), "八": list(range(9))}
AMOUNT, FIGURE, NUMBER = re.compile(r"^\d+(\.\d+)?$"), re.compile(r"^\d+(\.\d+)?%?$"), re.compile(r"\d+(?:\.\d+)?%?")
UNITS = {"", "万元", "万人", "人", "个", "辆", "平方米", "元/人/次"}
NOISE_LINES = [re.compile(r"^\s*(-\d+-|\d{1,2})\s*$"), re.compile(r"^\s*仅供内部审核\s*$")]   # folios, watermark
NOISE_INLINE = re.compile(r"\S*\[Administrator\]:?")                                           # revision balloons
C2 = Decimal("0.01")


def nows(s: str) -> str:
    return re.sub(r"\s+", "", s)
def D(s) -> Decimal:
    s = str(s).replace("万元", "").rstrip("%")
    return Decimal(s) if s else Decimal(0)
def pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole * 100).quantize(C2, ROUND_HALF_UP)
def trim(x: Decimal) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") or "0"


class Res:
    def __init__(self):
        self.errors, self.missing, self.warn, self.incons, self.info, self.checks, self.figs = [], [], [], [], [], 0, 0

    def eq(self, where, shown, parts, what=""):
        total = sum((D(p) for p in parts), Decimal(0))
        self.flag(D(shown) != total, f"{where}: {shown} printed, {what or '+'.join(map(str, parts))} = {total} "
                                     f"(difference {D(shown) - total:+})")

    def flag(self, bad, msg):
        self.checks += 1
        if bad:
            self.incons.append(msg)


def load_source(path: Path) -> str:
    keep = [ln for ln in path.read_text(encoding="utf-8").split("\n") if not any(p.match(ln) for p in NOISE_LINES)]
    return nows(NOISE_INLINE.sub("", "\n".join(keep)))


# ------------------------------------------------------------------------------------------- (a) format
def header_leaves(header, width, where, r: Res):
    grid, n = {}, len(header)
    for i, row in enumerate(header):
        c = 0
        for cell in row:
            if list(cell) != ["text", "colspan", "rowspan"]:
                return r.errors.append(f"{where} header cell keys {list(cell)}")
            while (i, c) in grid:
                c += 1
            for di in range(cell["rowspan"]):
                for dc in range(cell["colspan"]):
                    if i + di >= n or c + dc >= width or (i + di, c + dc) in grid:
                        return r.errors.append(f"{where} header: {cell['text']} overflows the {n}x{width} grid")
                    grid[(i + di, c + dc)] = cell["text"]
            c += cell["colspan"]
    if len(grid) != n * width:
        return r.errors.append(f"{where} header spans cover {len(grid)} of {n}x{width} cells")
    return [grid[(n - 1, c)] for c in range(width)]


def numbers_in(sentence):
    """Every number except years/dates (followed by 年/月/日) and the 项 code opening a paragraph."""
    return [m.group() for m in NUMBER.finditer(sentence)
            if not ((sentence[m.end():m.end() + 1] in "年月日" and not m.group().endswith("%")) or
                    (m.start() == 0 and re.fullmatch(r"\d{7}", m.group())))]


def check_entries(entries, where, r: Res):
    for i, e in enumerate(entries):
        w = f"{where}[{i}] {e.get('sentence', '')[:16]}"
        if list(e) != ["section", "sentence", "figures"] or re.search(r"\s", e["sentence"]):
            r.errors.append(f"{w}: keys or whitespace")
            continue
        pos = 0
        for f in e["figures"]:
            k = e["sentence"].find(f.get("before", "") + f.get("figure", "") + f.get("after", ""), pos)
            if list(f) != ["before", "figure", "after"] or not FIGURE.match(f["figure"]) or f["after"] not in UNITS or k < 0:
                r.errors.append(f"{w}: figure {f} malformed or not found in order")
            else:
                pos = k + len(f["before"] + f["figure"])
        if [f.get("figure") for f in e["figures"]] != numbers_in(e["sentence"]):
            r.errors.append(f"{w}: figures {[f.get('figure') for f in e['figures']]} != numbers {numbers_in(e['sentence'])}")


def check_format(doc, raw, r: Res) -> bool:
    if raw != json.dumps(doc, ensure_ascii=False, indent=2) + "\n":
        r.errors.append("file: not serialised as json.dumps(ensure_ascii=False, indent=2) + newline")
    if list(doc) != KEYS or list(doc["tables"]) != LABELS:
        r.errors.append(f"keys {list(doc)} / tables {list(doc['tables'])}")
        return False
    for lab, t in doc["tables"].items():
        if list(t) != TABLE_KEYS:
            r.errors.append(f"表{lab} keys {list(t)}")
            continue
        w = len(t["columns"])
        if header_leaves(t["header"], w, f"表{lab}", r) not in (t["columns"], None):
            r.errors.append(f"表{lab}: header leaves differ from columns")
        for i, row in enumerate(t["rows"]):
            if len(row) != w:
                r.errors.append(f"表{lab} row {i}: {len(row)} cells for {w} leaf columns")
            r.errors += [f"表{lab} row {i} col {j}: {c!r}" for j, c in enumerate(row)
                         if re.search(r"\s", c) or (j in AMOUNT_COLS[lab] and c and not AMOUNT.match(c))]
    check_entries(doc["overview"], "overview", r)
    check_entries(doc["narrative"], "narrative", r)
    for i, f in enumerate(doc["forms"]):
        if list(f) != FORM_KEYS or f["order"] != i + 1 or list(f["fields"]) != FIELDS or list(f["funds"]) != FUNDS:
            r.errors.append(f"form {i + 1}: keys, order, fields or funds")
            continue
        r.errors += [f"form {i + 1}: indicator {row}" for row in f["indicators"] if len(row) != 4 or
                     row[0] not in ("产出指标", "效益指标", "满意度指标") or re.search(r"[ \t]", "".join(row))]
    r.errors += [f"glossary {g}" for g in doc["glossary"] if list(g) != ["number", "term", "text"]]
    return not r.errors


# ------------------------------------------------------------------------------------------- (b), (c) source
def check_source(doc, src: str, r: Res):
    def fig(where, s):
        r.figs += 1
        if nows(s) not in src:
            r.missing.append(f"{where}: figure {s!r} not in the source")

    def text(where, s, fatal=True):
        if nows(s) not in src:
            (r.missing if fatal else r.warn).append(f"{where}: {s[:60]!r} not verbatim in the source")

    for lab, t in doc["tables"].items():
        for j, row in enumerate(t["rows"]):
            [fig(f"表{lab} row {j}", row[k]) for k in AMOUNT_COLS[lab] if row[k]]
            text(f"表{lab} row {j}", "".join(row), fatal=False)
        for s in [t["title"], t["meta"]] + [c["text"] for h in t["header"] for c in h]:
            text(f"表{lab} label", s, fatal=False)
    for part in ("overview", "narrative"):
        for e in doc[part]:
            text(f"{part} {e['section']}", e["sentence"])
            for f in e["figures"]:
                fig(f"{part} {e['section']}", f["figure"])
                text(f"{part} {e['section']} context", f["before"] + f["figure"] + f["after"], fatal=False)
    for g in doc["glossary"]:
        text(f"glossary {g['number']}", f"{g['number']}.{g['term']}：{g['text']}")
    for h in doc["headings"]:
        text(f"heading {h['section']}", h["text"])
    for f in doc["forms"]:
        w = f"form {f['order']}"
        [fig(w, v) for v in f["funds"].values() if v]
        [text(w, line) for line in f["texts"]["年度总体目标"].split("\n")]
        for v in list(f["fields"].values()) + [f["title"], f["subtitle"], f["meta"]]:
            text(w, "".join(v), fatal=False)
        for row in f["indicators"]:
            [fig(w, piece) for piece in row[3].split("\n") if re.search(r"\d", piece)]
            text(w, row[2] + row[3].split("\n")[0], fatal=False)


# ------------------------------------------------------------------------------------------- (d) relationships
def official_names():
    names = {}
    for fn in ("functional_classification.csv", "economic_classification_dept.csv"):
        if (CLASSIF / fn).exists():
            rows = csv.DictReader((CLASSIF / fn).read_text(encoding="utf-8").splitlines())
            names.update({row["code"]: row["name"] for row in rows})
    return names


def rollup(r, where, rows, level, cols):
    """Positional roll-up: a row of level k = the following rows of level k+1 up to the next row of level <= k."""
    for i, row in enumerate(rows):
        kids = []
        for nxt in rows[i + 1:]:
            if level(nxt) <= level(row):
                break
            kids += [nxt] if level(nxt) == level(row) + 1 else []
        for c in cols if kids else []:
            r.eq(f"{where} {row[0]} {row[1]} col {c}", row[c], [k[c] for k in kids], "Σ children")


def check_tables(doc, r: Res):
    T, names = doc["tables"], official_names()
    t1, t2, t3, t4, t5, t6, t7, t8 = (T[k]["rows"] for k in LABELS)
    # NX-T1 表一
    right, left = {row[2]: row for row in t1}, {row[0]: row for row in t1}
    cls = [row for row in t1 if re.match(r"^（[一二三四五六七八九十]+）.*支出$", row[2])]
    [r.eq(f"表一 {row[2]} 小计", row[3], [row[4], row[5]]) for row in t1 if row[4] or row[5]]
    for c in (3, 4, 5):
        r.eq(f"表一 本年支出小计 col {c}", right["本年支出小计"][c], [x[c] for x in cls], "Σ 类")
    r.eq("表一 本年收入小计", left["本年收入小计"][1], [left["（一）一般公共预算财政拨款收入"][1], left["（二）政府性基金预算财政拨款收入"][1]])
    r.eq("表一 收入总计", left["收入总计"][1], [row[1] for row in t1[t1.index(left["本年收入小计"]):-1]], "本年+上年结转结余")
    r.eq("表一 支出总计", right["支出总计"][3], [x[3] for x in t1[t1.index(right["本年支出小计"]):-1]], "本年+年末结转结余")
    r.eq("表一 收入总计", left["收入总计"][1], [right["支出总计"][3]], "支出总计")
    # NX-T2 表二
    lv = lambda row: {6: 0, 3: 1, 5: 2, 7: 3}[len(row[0])]
    rollup(r, "表二", t2, lv, [2, 3, 4, 5, 6])
    by2, unit = {row[0]: row for row in t2}, t2[0]
    for i, row in enumerate(t2):
        r.eq(f"表二 {row[0]} 合计", row[3], [row[4], row[5]], "基本+项目")
        r.eq(f"表二 {row[0]} 增减额", row[6], [row[3], "-" + row[2]], "2024 − 2023")
        want = "" if D(row[2]) == 0 else f"{pct(D(row[6]), D(row[2])):.2f}"
        r.flag(row[7] != want, f"表二 {row[0]} 增减% {row[7]!r}, recomputed {want!r}")
        parent = next((p for p in reversed(t2[:i]) if lv(p) == lv(row) - 1), None) if lv(row) >= 2 else None
        r.flag(parent and not row[0].startswith(parent[0]), f"表二 {row[0]} {row[1]} sits under {parent and ' '.join(parent[:2])}: code prefix differs")
        r.flag(lv(row) and names and names.get(row[0]) != row[1], f"表二 {row[0]} printed {row[1]}, classification: {names.get(row[0])}")
        odd = [x for x in row[2:] if x not in ("", "0") and not re.fullmatch(r"\d+\.\d\d", x)]
        r.flag(odd, f"表二 {row[0]}: {odd} in columns otherwise printed with two decimals")
    for row in cls:                                                                     # NX-T3
        m = [x for x in t2 if len(x[0]) == 3 and x[1] == re.sub(r"^（.+?）", "", row[2])]
        if D(row[4]) or m:
            r.eq(f"表一 {row[2]} 一般公共预算", row[4], [m[0][3] if m else 0], "表二 类 合计")
    # NX-T4 表三
    rollup(r, "表三", t3, lambda row: {"总计": 0}.get(row[0], len(row[0]) - 2), [2, 3, 4])
    by3 = {row[0]: row for row in t3}
    for row in t3:
        r.eq(f"表三 {row[0]} 合计", row[2], [row[3], row[4]], "人员+公用")
        nm = names.get(row[0], re.sub(r"^[一二三四]、", "", row[1]))
        r.flag(nm != re.sub(r"^[一二三四]、", "", row[1]), f"表三 {row[0]} printed {row[1]}, classification: {nm}")
    r.eq("表三 人员支出", by3["总计"][3], [by3["301"][2], by3["303"][2]], "301+303")
    r.eq("表三 日常公用支出", by3["总计"][4], [by3["302"][2]], "302")
    r.eq("表二 unit 基本", unit[4], [by3["总计"][2]], "表三 总计")
    pairs = [("30108", "2080505"), ("30109", "2080506"), ("30113", "2210201"), ("30302", "2080502"), ("30110+30111", "2101102")]
    for k, x in pairs:
        r.eq(f"表三 {k}", sum(D(by3[c][2]) for c in k.split("+")), [by2[x][4]], f"表二 {x} 基本")
    rest2 = D(unit[4]) - sum(D(by2[x][4]) for _, x in pairs)
    rest3 = D(by3["总计"][2]) - sum(D(by3[c][2]) for k, _ in pairs for c in k.split("+"))
    r.eq("表三 the other 款 (总计 less the pairs above)", rest3, [rest2], "表二 the other 项 基本 (2080109+2210203)")
    # NX-T5 表四, 表五
    for g, name in enumerate(["2023年预算数", "2023年执行数（决算数）", "2024年预算数"]):
        x = t4[0][6 * g:6 * g + 6]
        r.eq(f"表四 {name} 合计", x[0], [x[1], x[3], x[4], x[5]], "出国+购置+运行维护+接待")
        r.eq(f"表四 {name} 公务用车购置及运行费 小计", x[2], [x[3], x[4]], "购置+运行维护")
    r.eq("表四 2024 公务接待费", t4[0][17], [by3["30217"][2]], "表三 30217")
    r.eq("表四 2024 公务用车运行维护费", t4[0][16], [by3["30231"][2]], "表三 30231 (warning: project 三公 is not shown)")
    fixed4 = [x for x in t4[0] if re.search(r"\.\d*0$", x)]
    r.flag(fixed4, f"表四 prints trimmed figures (2.9, 0) but also {fixed4}")
    r.flag(all(row[:2] == ["无", "无"] for row in t5), f"表五 is empty but printed as {len(t5)} placeholder rows 无|无|0.00…; "
           f"its 增减% is {t5[0][7]!r} where 表二 leaves 增减% blank for a zero base")
    # NX-T6 表六, 七, 八
    S = {"L": [(row[0], row[1]) for row in t6 if row[0]], "R": [(row[2], row[3]) for row in t6 if row[2]]}
    get = lambda side, label, k=0: [v for lab, v in S[side] if lab == label][k]
    tops = lambda side, until: [v for lab, v in S[side][:[x[0] for x in S[side]].index(until)]
                                if re.match(r"^[一二三四五六七八九]、", lab)]
    tops_l, tops_r = tops("L", "本年收入合计"), tops("R", "本年支出合计")
    r.eq("表六 本年收入合计", get("L", "本年收入合计"), tops_l, "Σ 一…九")
    r.eq("表六 本年支出合计", get("R", "本年支出合计"), tops_r, "Σ 一…八")
    gpb_fund, lateral = ["一般公共预算财政拨款支出", "政府性基金预算财政拨款支出"], ["本级横向转拨财政款", "非本级财政拨款"]
    rules = [("L", "一、财政拨款预算收入", 0, ["（1）一般公共预算财政拨款收入", "（2）政府性基金预算财政拨款收入"], 0),
             ("L", "（1）一般公共预算财政拨款收入", 0, ["本级安排", "上级转移支付"], 0),
             ("L", "（2）政府性基金预算财政拨款收入", 0, ["本级安排", "上级转移支付"], 1),
             ("L", "七、非同级财政拨款预算收入", 0, ["（1）本级横向转拨财政款", "（2）非本级财政拨款"], 0),
             ("L", "十、上年结转", 0, ["（1）财政拨款结转", "（2）非财政拨款结转"], 0),
             ("L", "十一、上年结余", 0, ["（1）财政拨款结余", "（2）非财政拨款结余", "（3）专用结余", "（4）经营结余"], 0),
             ("L", "收入总计", 0, ["本年收入合计", "十、上年结转", "十一、上年结余"], 0), ("R", "支出总计", 0, ["本年支出合计", "九、年末结转结余"], 0),
             ("R", "九、年末结转结余", 0, [f"（{i}）{x}" for i, x in enumerate(["财政拨款结转", "财政拨款结余", "非财政拨款结转",
                                                                     "非财政拨款结余", "专用结余", "经营结余"], 1)], 0)]
    rules += [("R", lab, k, parts, k) for k in (0, 1) for lab, parts in [("其中：财政拨款支出", gpb_fund), ("非同级财政拨款支出", lateral)]]
    for side, lab, k, parts, pk in rules:
        r.eq(f"表六 {lab}" + (f" #{k + 1}" if k else ""), get(side, lab, k), [get(side, p, pk) for p in parts], "+".join(parts))
    r.eq("表六 收入总计", get("L", "收入总计"), [left["收入总计"][1]], "表一 收入总计")
    r.eq("表六 支出总计", get("R", "支出总计"), [right["支出总计"][3]], "表一 支出总计")
    r.eq("表六 一、财政拨款预算收入", get("L", "一、财政拨款预算收入"), [left["本年收入小计"][1]], "表一 本年收入小计")
    x7 = t7[0]
    map7 = [get("L", "本年收入合计"), tops_l[0], get("L", "（1）一般公共预算财政拨款收入"), get("L", "（2）政府性基金预算财政拨款收入"),
            tops_l[1], get("L", "其中：非同级财政拨款（科研及辅助活动）"), get("L", "教育收费")] + tops_l[2:6] + \
           [tops_l[6], get("L", "（2）非本级财政拨款"), get("L", "（1）本级横向转拨财政款")] + tops_l[7:9]
    [r.eq(f"表七 {T['七']['columns'][c]}", x7[c], [v], "表六") for c, v in enumerate(map7)]
    r.eq("表七 本年收入合计", x7[0], [x7[i] for i in (1, 4, 7, 8, 9, 10, 11, 14, 15)], "Σ categories")
    r.eq("表七 财政拨款 小计", x7[1], [x7[2], x7[3]])
    r.eq("表七 非同级 小计", x7[11], [x7[12], x7[13]])
    [r.eq(f"表八 {T['八']['columns'][c]}", t8[0][c], [v], "表六") for c, v in enumerate([get("R", "本年支出合计")] + tops_r)]
    r.eq("表八 本年支出合计", t8[0][0], t8[0][1:], "Σ categories")
    return dict(left=left, right=right, cls=cls, by2=by2, by3=by3, unit=unit, t4=t4, get=get, S=S)


def check_narrative(doc, r: Res, left, right, cls, by2, by3, unit, t4, get, S):
    N, forms, T = doc["narrative"], doc["forms"], doc["tables"]
    sec = lambda s: [e for e in N if e["section"] == s]
    figs = lambda s: [(f["before"], f["figure"]) for e in sec(s) for f in e["figures"]]
    F = lambda s, b, k=0: [v for lab, v in figs(s) if lab == b][k]
    # NX-N1 一
    for b, v in [("财政拨款收入预算", left["收入总计"][1]), ("其中：本年收入", left["本年收入小计"][1]), ("财政拨款支出预算", right["支出总计"][3]),
                 ("包括一般公共预算拨款", left["（一）一般公共预算财政拨款收入"][1]), ("政府性基金预算拨款", left["（二）政府性基金预算财政拨款收入"][1])]:
        r.eq(f"一 {b}", F("一", b), [v], "表一")
    listed, nonzero = figs("一")[6:], [(re.sub(r"^（.+?）", "", x[2]), x[3]) for x in cls if D(x[3])]
    r.flag([(b, D(v)) for b, v in listed] != [(b, D(v)) for b, v in nonzero], f"一 lists {listed}, 表一's non-zero 类 are {nonzero}")
    # NX-N2 二(一)
    basic, change, p = F("二(一)", "财政拨款基本支出"), F("二(一)", "比2023年执行数增加"), F("二(一)", "增长")
    r.eq("二(一) 基本支出", basic, [by3["总计"][2]], "表三 总计")
    r.eq("二(一) 基本支出", basic, [F("二(一)", "其中：本年收入安排支出"), F("二(一)", "上年结转资金安排支出")], "本年+上年结转")
    prior = D(basic) - D(change)
    r.eq(f"二(一) {p}", p, [pct(D(change), prior)], f"{change} / 2023 basic ({basic} − {change} = {prior})")
    proj23 = [D(e["figures"][0]["figure"]) - D(e["figures"][1]["figure"]) for e in sec("二(二)") if re.match(r"^\d{7}", e["sentence"])]
    r.eq("二(一) 2023 basic (基本 − change)", prior, [D(unit[2]) - sum(proj23)],
         "表二 unit 2023 − the 2023 project parts implied by 二(二) (amount − change per 项)")
    r.eq("二(一) 人员经费", F("二(一)", "人员经费"), [by3["总计"][3]], "表三 人员支出")
    r.eq("二(一) 公用经费", F("二(一)", "公用经费"), [by3["总计"][4]], "表三 日常公用支出")
    t3names = {row[1]: row for row in T["三"]["rows"]}
    for e in sec("二(一)")[2:]:
        head, items = e["figures"][0], e["figures"][1:]
        r.eq(f"二(一) {head['before']}", head["figure"], [f["figure"] for f in items], "Σ its items")
        for f in items:
            row = t3names.get(f["before"]) or next((v for k, v in t3names.items() if k.startswith(f["before"])), None)
            r.eq(f"二(一) {f['before']}", f["figure"], [row[2] if row else 0], "表三")
            r.flag(row and row[1] != f["before"], f"二(一) names 表三 {row and row[0]} {row and row[1]} as {f['before']}")
        said = tuple(f["before"] for f in items)
        unlisted = [row[1] for row in T["三"]["rows"] if len(row[0]) == 5 and not row[1].startswith(said)
                    and D(row[3 if head["before"] == "人员经费" else 4])]
        kept = [f["figure"] for f in items if f["figure"] != trim(D(f["figure"]))]
        r.flag(unlisted, f"二(一) {head['before']} list omits non-zero 表三 items {unlisted}")
        r.flag(kept and len(kept) < len(items), f"二(一) {head['before']} list trims its amounts but prints {kept} with trailing zeros")
    # NX-N3 二(二)
    total = F("二(二)", "财政拨款项目支出")
    r.eq("二(二) 项目支出", total, [unit[5]], "表二 unit 项目支出")
    r.eq("二(二) 项目支出", total, [F("二(二)", "其中：本年收入安排支出"), F("二(二)", "上年结转结余资金安排支出")], "本年+上年结转")
    decimals, catnames = set(), set()
    for e in sec("二(二)"):
        m = re.match(r"^(\d{7})(.+?)（类）(.+?)（款）(.+?)（项）", e["sentence"])
        if not m:
            continue
        code, (amt, ch, pc) = m.group(1), (e["figures"][0]["figure"], e["figures"][1]["figure"], e["figures"][2])
        row, base, kuan = by2[code], D(amt) - D(ch), by2[m.group(1)[:5]][1]
        r.eq(f"二(二) {code} 预算", amt, [row[5]], "表二 项目支出")
        r.flag(base == 0, f"二(二) {code}: from a zero base the text prints {pc['before']}{pc['figure']}, 表二 leaves 增减% {row[7]!r}")
        r.flag(base and D(pc["figure"]) != pct(D(ch), base), f"二(二) {code}: {pc['figure']} printed, {ch}/{base} recomputed")
        r.flag(pc["before"] != "增长", f"二(二) {code}: the percentage is introduced by {pc['before']!r}, not 增长 ({pc['before']}{pc['figure']})")
        r.flag(row[7] and pc["figure"].rstrip("%") != row[7] and D(pc["figure"]) == D(row[7]),
               f"二(二) {code}: {pc['figure']} in the text, {row[7]} in 表二 (same figure written two ways)")
        r.flag((m.group(3), m.group(4)) != (kuan, row[1]), f"二(二) {code}: names {m.group(3)}/{m.group(4)} vs 表二 {kuan}/{row[1]}")
        decimals.add(len(ch.partition(".")[2]))
        catnames.add((m.group(2), by2[code[:3]][1]))
        steps = re.findall(r"由(\d+)万元增加至(\d+)万元", e["sentence"])
        if steps:
            r.eq(f"二(二) {code} change", ch, [D(b) - D(a) for a, b in steps], "Σ its itemised increases")
    for said, table in catnames:
        r.flag(said != table, f"二(二) names the 类 {said}（类） in every 项 paragraph; 表二 prints {table}")
    r.flag(len(decimals) > 1, "二(二) prints its 增加 amounts with different decimals (e.g. 21 against 20000.00)")
    z1, z2 = F("二(一)", "上年结转资金安排支出"), F("二(二)", "上年结转结余资金安排支出")
    r.flag(z1 != z2 and D(z1) == D(z2), f"zero carry-over written {z1!r} in 二(一) and {z2!r} in 二(二)")
    # NX-N4 三
    s3, g24, g23 = figs("三"), t4[0][12:18], t4[0][0:6]
    for (lab, v), c in zip(s3[:5], [0, 1, 3, 4, 5]):
        r.eq(f"三 {lab}", v, [g24[c]], f"表四 2024 {T['四']['columns'][c]}")
    r.eq("三 change", s3[5][1], [D(g23[0]) - D(g24[0])], "表四 2023 预算数 − 2024 预算数")
    said = [b.replace("减少", "").replace("增加", "") for b, _ in s3[6:]]
    missing = [b for b, _ in s3[1:5] if b not in said and b + "费" not in said]
    r.flag(missing, f"三 change list covers {said} but not {missing}")
    off = sorted({b.replace("减少", "") for b, _ in s3[1:5] + s3[6:]} - set(T["四"]["columns"]))
    r.flag(off, f"三 names {off}; 表四's columns are {T['四']['columns'][1:6]}")
    # NX-N5 五
    r.eq("五 收入总预算", F("五", "收入总预算"), [get("L", "收入总计")], "表六 收入总计")
    r.eq("五 支出总预算", F("五", "支出总预算"), [get("R", "支出总计")], "表六 支出总计")
    for k, side in enumerate("LR"):
        fs, whole = sec("五")[k + 1]["figures"], D(F("五", ["其中：本年收入", "其中：本年支出"][k]))
        for a, b in zip(fs[0::2], fs[1::2]):
            vals = [v for lb, v in S[side] if re.sub(r"^[一二三四五六七八九十]、", "", lb) == a["before"]]
            r.eq(f"五 {a['before']}", a["figure"], [vals[0] if vals else "-1"], "表六")
            want = trim(pct(D(a["figure"]), whole)) + "%"
            r.flag(b["figure"] != want, f"五 {a['before']} share {b['figure']}, recomputed {want}")
        r.eq(f"五 shares of {['收入', '支出'][k]}", "100", [b["figure"] for b in fs[1::2]], "Σ shares")
    # NX-N6, N7 六(一), 六(二)
    r.flag(sec("六(一)")[0]["sentence"] != sec("二(一)")[-1]["sentence"], "六(一) differs from 二(一)'s 公用经费 sentence")
    r.flag(D(get("R", "一、行政支出")) == 0 and sec("六(一)"),
           "六(一) 机关运行经费 is printed (= 公用经费) although all spending is 事业支出 (表六/表八 行政支出 0)")
    r.eq("六(二) 政府采购", F("六(二)", "政府采购预算"),
         [F("六(二)", "其中：政府采购货物预算"), F("六(二)", "政府采购工程预算"), F("六(二)", "政府采购服务预算")], "货物+工程+服务")
    # NX-N8, N9 六(四) and the forms
    byname = {f["fields"]["项目名称"]: f for f in forms}
    for h in [h for h in doc["headings"] if re.fullmatch(r"六\(四\)\d", h["section"])]:
        name = re.sub(r"^\d+\.", "", h["text"])
        f = byname.get(re.sub(r"项目$", "", name)) or next(v for k, v in byname.items() if k[:8] == name[:8])
        r.flag(f["fields"]["项目名称"] + "项目" != name, f"六(四) heading {h['text']!r} ≠ form name {f['fields']['项目名称']!r} + 项目")
        fs = figs(h["section"])
        r.eq(f"六(四) {name} 项目资金总额", fs[0][1], [f["funds"]["年度资金总额"]], f"form {f['order']} 年度资金总额")
        vals = "".join(x[3] for x in f["indicators"]) + f["texts"]["年度总体目标"]
        for b, v in fs[1:]:
            r.flag(not v.endswith("%") and v not in vals, f"六(四) {name}: {v} not found in its form")
    for f in forms:
        fu, cost = f["funds"], [x[3] for x in f["indicators"] if x[1] == "成本指标"]
        r.eq(f"form {f['order']} 年度资金总额", fu["年度资金总额"], [fu["其中：财政拨款"], fu["其他资金"]], "财政拨款+其他资金")
        r.flag(not cost or cost[0].split("\n")[0] != fu["年度资金总额"], f"form {f['order']} 成本指标 {cost} vs 年度资金总额")
    r.flag([bool(f["meta"]) for f in forms] == [True] + [False] * (len(forms) - 1),
           "单位：万元 is printed on the first form only, although every form's amounts are in 万元")
    r.eq("Σ forms 年度资金总额", sum(D(f["funds"]["年度资金总额"]) for f in forms), [unit[5]], "表二 项目支出")
    pool = list(forms)
    for code in [c for c, row in by2.items() if len(c) == 7 and D(row[5])]:
        hit = next((s for n in range(1, 5) for s in combinations(pool, n)
                    if sum(D(f["funds"]["年度资金总额"]) for f in s) == D(by2[code][5])), ())
        r.flag(not hit, f"表二 {code} 项目支出 {by2[code][5]}: no set of forms adds up to it")
        pool = [f for f in pool if f not in hit]
        if len(hit) > 1:
            r.info.append(f"表二 {code} 项目支出 {by2[code][5]} = forms " + " + ".join(
                f"{f['order']} ({f['fields']['项目名称']}, {f['funds']['年度资金总额']})" for f in hit))
    texts = [e["sentence"] for e in sec("二(二)")] + ["".join(x[2] + x[3] for x in f["indicators"]) for f in forms]
    periods = sorted({p.replace("-", "至") for s in texts for p in re.findall(r"\d{4}年\d{1,2}月(?:至|-)\d{4}年\d{1,2}月", s)})
    r.flag(len(periods) > 1, f"the 职业年金 project (2080506, form 7) is described with {len(periods)} periods: {periods}")
    # NX-N10 单位构成, glossary 项 entries
    ov = doc["overview"][-1]
    r.eq("单位构成 共N个", ov["figures"][0]["figure"], [len(re.search(r"包括(.+?)。", ov["sentence"]).group(1).split("、"))], "units listed")
    known = [{row[1] for row in by2.values() if len(row[0]) == n} for n in (3, 5, 7)]
    for g in doc["glossary"]:
        m = re.fullmatch(r"(.+?)（类）(.+?)（款）(.+?)（项）", g["term"])
        bad = [f"{m.group(i + 1)}（{'类款项'[i]}）" for i in range(3) if m.group(i + 1) not in known[i]] if m else []
        r.flag(bad, f"glossary {g['number']}: {bad} not among the names printed in 表二")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", type=Path, default=HERE / "zhongwei-2024.json")
    ap.add_argument("--ref", type=Path, default=HERE / "reference" / "zhongwei-2024-ningxia.txt")
    ap.add_argument("--quiet", action="store_true", help="do not list the document's own inconsistencies")
    a, r = ap.parse_args(argv), Res()
    raw = a.json.read_text(encoding="utf-8")
    doc = json.loads(raw)
    if check_format(doc, raw, r):
        try:
            src = load_source(a.ref)
        except OSError as exc:
            print(f"cannot read {a.ref}: {exc}")
            return 2
        check_source(doc, src, r)
        check_narrative(doc, r, **check_tables(doc, r))
    T = doc["tables"]
    print(f"== {a.json.name}: tables {len(T)}, rows {sum(len(t['rows']) for t in T.values())}, overview sentences "
          f"{len(doc['overview'])}, narrative sentences {len(doc['narrative'])}, forms {len(doc['forms'])}, "
          f"glossary {len(doc['glossary'])}\n   format errors: {len(r.errors)}\n   figures checked against the source: "
          f"{r.figs}; missing figures/sentences: {len(r.missing)}\n   stronger source checks not matched: {len(r.warn)}")
    print("".join(f"     {m}\n" for m in r.errors + r.missing + r.warn), end="")
    print(f"   relationship checks: {r.checks}; the document disagrees with itself in {len(r.incons)} (reported, not failed)")
    print("".join(f"     - {m}\n" for m in ([] if a.quiet else r.incons)), end="")
    print(f"   relationships found, for information: {len(r.info)}")
    print("".join(f"     * {m}\n" for m in ([] if a.quiet else r.info)), end="")
    ok = not r.errors and not r.missing
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
