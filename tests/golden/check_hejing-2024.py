#!/usr/bin/env python3
"""Check tests/golden/hejing-2024.json against its source text (both sides: whitespace removed, noise stripped).

Fatal: (a) format: keys and order, serialisation, header spans vs leaf columns, row widths, amount/code cells, no
whitespace in cells or sentences, each before+figure+after found in order in its sentence; (b) every figure, table
amount, form value and the closing date occurs literally in the source; (c) every sentence occurs verbatim in it.
Reported, never fatal: (d) the figure relationships of profiles-study.md §3.1 (XJ-T1..T15, XJ-N1..N18) recomputed
from the transcript, i.e. the document's own inconsistencies; rows, labels and texts not found in the source; numbers
of a sentence that are neither a listed figure nor a year, date, ordinal, 文号 or threshold.
Standard library only. Usage: check_hejing-2024.py [--quiet] [JSON [SOURCE]]; exit 0 when (a)-(c) hold.
"""
import json, re, sys
from decimal import Decimal as D, ROUND_HALF_UP
from pathlib import Path

HERE = Path(__file__).resolve().parent
JSON_FILE, SOURCE = HERE / "hejing-2024.json", HERE / "reference" / "hejing-2024-xinjiang.txt"
# Extraction noise: Word revision balloon labels, folios, and the text the two 删除 balloons show.
NOISE_LINES = [re.compile(r"^.*\[Administrator\]:\s*$"), re.compile(r"^\s*(?:-\s*)?\d+(?:\s*-)?\s*$")]
DELETED = [("和静县社会保险管理局是综合管理全", 2, "（5）负责全县退休工作人员工资的计算，待遇发放工作。"),  # (start, its
           ("本年增加1人，公务接待费预算相应增加。", 1, "增加。")]                           # occurrence, end)
TOP_KEYS = ["document", "unit", "year", "profile", "overview", "tables", "narrative", "forms", "glossary", "closing"]
TABLE_KEYS = ["title", "meta", "header", "columns", "rows", "note"]
FORM_KEYS = ["kind", "title", "order", "fields", "funds", "texts", "indicators", "footer"]
SECTIONS = ["一", "二", "三", "四", "五(一)", "五(二)", "五(三)", "六", "七(一)", "七(二)", "七(三)", "八", "九", "十",
            "十一", "十二(一)", "十二(二)", "十二(三)", "十二(四)", "十二(五)"]
LAYOUT = {"表1": (0, 1), "表2": (3, 4), "表3": (3, 4), "表4": (0, 1), "表5": (3, 4), "表6": (2, 3),  # (code columns,
          "表7": (3, 5), "表8": (3, 4), "表9": (3, 4), "表10": (0, 1), "表11": (0, 1)}             # first amount column)
SIDE = {"表1": (0, 2), "表4": (0, 2)}  # label columns of the two-sided tables
AMOUNT, NUM = re.compile(r"^\d+\.\d{2}$"), re.compile(r"\d+(?:\.\d+)?%?")
fatal, report, notes = [], [], []
def ws(s): return re.sub(r"\s+", "", s)
def v(s): return D(s.rstrip("%")) if s else D(0)
def pct(a, b): return (a / b * 100).quantize(D("0.01"), ROUND_HALF_UP)
def coded(T, name, ncode=3): return {"".join(r[:ncode]): r for r in T[name]["rows"] if r[0] != "合计"}
def total_row(T, name): return next(r for r in T[name]["rows"] if r[0] == "合计")
def side(T, name, lab, amt): return {r[lab]: v(r[amt]) for r in T[name]["rows"] if r[lab]}


def load_source(path):
    s = ws("".join(l for l in path.read_text(encoding="utf-8").split("\n") if not any(p.match(l) for p in NOISE_LINES)))
    for start, occ, end in DELETED:
        i = -1
        for _ in range(occ):
            i = s.find(start, i + 1)
        j = s.find(end, i + len(start) - len(end)) if i >= 0 else -1
        if i < 0 or j < 0:
            fatal.append(f"noise: deleted passage {start}… not found")
            continue
        notes.append(f"noise: dropped the 删除 balloon text {s[i:i + 12]}…{end[-8:]} ({j + len(end) - i} characters)")
        s = s[:i] + s[j + len(end):]
    return s


def check_header(name, t):
    n, occupied, leaf = len(t["columns"]), set(), [None] * len(t["columns"])
    for r, hrow in enumerate(t["header"]):
        c = 0
        for cell in hrow:
            if set(cell) != {"text", "colspan", "rowspan"}:
                fatal.append(f"{name}: header cell keys {sorted(cell)}")
            while (r, c) in occupied:
                c += 1
            occupied |= {(r + i, c + j) for i in range(cell["rowspan"]) for j in range(cell["colspan"])}
            if cell["colspan"] == 1 and c < n:
                leaf[c] = cell["text"]
            c += cell["colspan"]
        while (r, c) in occupied:
            c += 1
        if c != n or any((r, k) not in occupied for k in range(n)):
            fatal.append(f"{name}: header row {r + 1} covers {c} columns, {n} leaf columns")
    if leaf != t["columns"]:
        fatal.append(f"{name}: leaf labels {leaf} != columns {t['columns']}")


def whole(s, i, fig):
    before, after = s[i - 1:i], s[i + len(fig):i + len(fig) + 2]
    return not before.isdigit() and before != "." and not after[:1].isdigit() and not re.match(r"\.\d", after)


def check_format(d, text):
    if list(d) != TOP_KEYS or text != json.dumps(d, ensure_ascii=False, indent=2) + "\n":
        fatal.append(f"top-level keys {list(d)} or serialisation (json.dumps(ensure_ascii=False, indent=2) + newline)")
    if (d["document"], d["year"], d["profile"]) != ("hejing-2024-xinjiang", 2024, "xinjiang") \
            or list(d["tables"]) != [f"表{i}" for i in range(1, 12)]:
        fatal.append("document / year / profile / table labels")
    for name, t in d["tables"].items():
        if list(t) != TABLE_KEYS:
            fatal.append(f"{name}: keys {list(t)}")
            continue
        check_header(name, t)
        (ncode, first), side = LAYOUT[name], SIDE.get(name, ())
        for row in t["rows"]:
            if len(row) != len(t["columns"]):
                fatal.append(f"{name}: row width {len(row)} != {len(t['columns'])}: {row}")
                continue
            for i, cell in enumerate(row):
                if re.search(r"\s", cell) and not (side and i == side[1] and re.fullmatch(r"\d{3} \S+", cell)):
                    fatal.append(f"{name}: whitespace in cell {cell!r}")  # 表1/表4 keep the code–name space
                if i >= first and i not in side and cell and not AMOUNT.match(cell):
                    fatal.append(f"{name}: amount cell {cell!r}")
                if i < ncode and row[0] != "合计" and cell and not re.fullmatch(r"\d{3}" if i == 0 else r"\d{2}", cell):
                    fatal.append(f"{name}: code cell {cell!r}")
    for part, secs in (("overview", ["一", "二"]), ("narrative", SECTIONS)):
        last = 0
        for e in d[part]:
            if list(e) != ["section", "sentence", "figures"] or e["section"] not in secs[last:]:
                fatal.append(f"{part}: keys or section order at {e.get('section')} {e.get('sentence', '')[:20]}")
                continue
            last, s, pos = secs.index(e["section"]), e["sentence"], 0
            if re.search(r"\s", s) or not s:
                fatal.append(f"{part}: whitespace in sentence {s[:30]}")
            for f in e["figures"]:
                full = f["before"] + f["figure"] + f["after"]
                i = s.find(full, pos)
                while i >= 0 and not whole(s, i + len(f["before"]), f["figure"]):
                    i = s.find(full, i + 1)
                if list(f) != ["before", "figure", "after"] or i < 0:
                    fatal.append(f"{part} {e['section']}: figure {full!r} not found (in order) in its sentence")
                pos = max(pos, i + len(full))
    fatal.extend(f"form {i}: keys {list(f)}, order or indicator row width" for i, f in enumerate(d["forms"], 1)
                 if list(f) != FORM_KEYS or f["order"] != i or any(len(r) != 6 for r in f["indicators"]))
    fatal.extend(f"glossary entry {i + 1}: {g}" for i, g in enumerate(d["glossary"])
                 if list(g) != ["number", "term", "text"] or g["number"] != "一二三四五六七八九十"[i])
    if d["closing"] and list(d["closing"]) != ["unit", "date"]:
        fatal.append("closing keys")


def check_source(d, src):
    figs = []
    for part in ("overview", "narrative"):
        for e in d[part]:
            figs += [(f"{part} {e['section']}", f["figure"]) for f in e["figures"]]
            if e["sentence"] not in src:
                fatal.append(f"{part} {e['section']}: sentence not in source: {e['sentence'][:40]}…")
    for name, t in d["tables"].items():
        first, side = LAYOUT[name][1], SIDE.get(name, ())
        for row in t["rows"]:
            figs += [(name, c) for i, c in enumerate(row) if c and i >= first and i not in side]
            if ws("".join(row)) not in src:
                report.append(f"source: {name} row not found joined: {row[:6]}")
        for label in [t["title"], t["meta"], t["note"]] + [c["text"] for h in t["header"] for c in h]:
            if ws(label) not in src:
                report.append(f"source: {name} label {label!r} not found")
    for f in d["forms"]:
        figs += [("form funds", x) for x in f["funds"].values()]
        figs += [("form", x) for r in f["indicators"] for x in (r[3], r[5]) if re.search(r"\d", x)]
        texts = [f["title"], *f["fields"], *f["fields"].values(), *f["texts"].values()] + ["".join(r[1:]) for r in f["indicators"]]
        report.extend(f"source: form text {x[:30]!r} not found" for x in texts if ws(x) not in src)
    report.extend(f"source: glossary {g['number']} not found" for g in d["glossary"]
                  if f"{g['number']}、{g['term']}：{g['text']}" not in src)
    if d["closing"]:
        figs.append(("closing", d["closing"]["date"]))
        if ws("".join(d["closing"].values())) not in src:
            report.append("source: closing not found")
    fatal.extend(f"{where}: figure {x!r} not in source" for where, x in figs if x not in src)
    return len(figs)


def unlisted_numbers(d):
    for part in ("overview", "narrative"):
        for e in d[part]:
            s, listed = e["sentence"], [f["figure"] for f in e["figures"]]
            om = re.match(r"^(\d+[.、]|（\d+）)", s)  # an ordinal opening the sentence
            for m in NUM.finditer(s, om.end() if om else 0):
                t, nxt, prv = m.group(), s[m.end():m.end() + 1], s[m.start() - 1:m.start()]
                if nxt in "年月日与]号" and not t.endswith("%") or prv == "[" or s[m.end():m.end() + 4] == "万元以上":
                    continue  # year, date, 文号, 50/100万元以上 threshold
                if t in listed:
                    listed.remove(t)
                else:
                    report.append(f"figures: {part} {e['section']}: number {t} not listed")


def eq(what, a, b):
    if a is None or b is None or a != b:
        report.append(f"inconsistent: {what}: {a} != {b}")


def rollup(T, name, cols, ncode=3):
    rows, tot = coded(T, name, ncode), total_row(T, name)
    for c in cols:
        col = T[name]["columns"][c]
        for code, r in rows.items():
            kids = [k for k in rows if len(k) == len(code) + 2 and k.startswith(code)]
            if kids:
                eq(f"{name} {code} {col} = Σ children", v(r[c]), sum(v(rows[k][c]) for k in kids))
        eq(f"{name} 合计 {col} = Σ 类", v(tot[c]), sum(v(r[c]) for k, r in rows.items() if len(k) == 3))


def relationships(d):
    T = d["tables"]
    def fig(sec, before, n=0, part="narrative"):
        hits = [f["figure"] for e in d[part] if e["section"] == sec for f in e["figures"] if f["before"] == before]
        return v(hits[n]) if len(hits) > n else None
    L1, R1, L4 = side(T, "表1", 0, 1), side(T, "表1", 2, 3), side(T, "表4", 0, 1)
    t2, t3, t5, t6, t7 = coded(T, "表2"), coded(T, "表3"), coded(T, "表5"), coded(T, "表6", 2), coded(T, "表7")
    tot2, tot3, tot5, tot6, tot7, tot11 = (total_row(T, n) for n in ("表2", "表3", "表5", "表6", "表7", "表11"))
    rows4, r10 = {r[2]: r for r in T["表4"]["rows"]}, {r[0]: r for r in T["表10"]["rows"]}
    projects7, projects11 = {r[4]: r for r in T["表7"]["rows"] if r[4]}, T["表11"]["rows"][1:]
    total, form = L1["收入总计"], d["forms"][0]
    S = lambda *ks: sum(L1[k] for k in ks)
    sec = lambda s: [f for e in d["narrative"] if e["section"] == s for f in e["figures"]]
    C = []  # simple equalities (what, printed, recomputed), checked at the end
    for name, rules in (("表2", ((4, (5, 12, 13, 14, 15)), (5, range(6, 12)))), ("表3", ((4, (5, 6)),)), ("表5", ((4, (5, 6)),)),
                        ("表4", ((3, (4, 5, 6)),)), ("表6", ((3, (4, 5)),)), ("表7", ((5, range(6, 16)),)),
                        ("表10", ((1, (2, 3, 4)),)), ("表11", ((1, (2, 6)), (2, (3, 4, 5)), (6, (7, 8, 9))))):
        for r in T[name]["rows"]:  # XJ-T5, T8, T9, T11, T13, T14, T15: row sums
            for c, parts in rules:
                eq(f"{name} {''.join(r[:3])[:14]} {T[name]['columns'][c]} = Σ {[T[name]['columns'][i] for i in parts]}",
                   v(r[c]), sum(v(r[i]) for i in parts))
    for name, cols, ncode in (("表2", range(4, 16), 3), ("表3", (4, 5, 6), 3), ("表5", (4, 5, 6), 3), ("表6", (3, 4, 5), 2),
                              ("表7", range(5, 16), 3)):
        rollup(T, name, cols, ncode)  # 类 = Σ 款, 款 = Σ 项, 合计 = Σ 类
    for lab, amt in R1.items():
        if lab != "支出总计":
            eq(f"T4 表1 {lab} = 表3 合计", amt, v(t3[lab[:3]][4]) if lab[:3] in t3 else D(0))
    for code, r in t2.items():
        eq(f"T6 表2 {code} 总计 = 表3 合计", v(r[4]), v(t3[code][4]))
    for lab, r in rows4.items():
        if lab != "支出总计":
            eq(f"T9 表4 {lab} = 表5 类", v(r[4]), v(t5[lab[:3]][4]) if lab[:3] in t5 else D(0))
    for code, r in t5.items():
        eq(f"T10 表5 {code} = 表2 一般公共预算 + 上级", v(r[4]), v(t2[code][6]) + v(t2[code][7]))
        eq(f"T10 表5 {code} 基本 = 表3 基本", v(r[5]), v(t3[code][5]))
    for code, r in t7.items():
        eq(f"T13 表7 {code} = 表5 项目", v(r[5]), v(t5[code][6]))
    for c in range(1, 10):
        eq(f"T15 表11 合计 {T['表11']['columns'][c]} = Σ projects", v(tot11[c]), sum(v(r[c]) for r in projects11))
    e6, c10 = lambda *cs: sum(v(t6[c][3]) for c in cs), lambda k: v(r10[k][1])
    car = c10("公务用车购置及运行费（小计）")
    C += [  # XJ-T1..T4: 表1
        ("T1 表1 收入总计 = 支出总计", total, R1["支出总计"]),
        ("T1 收入总计 = 本年收入 + 上年结转结余", total, S("一、本年收入", "二、上年结转结余")),
        ("T2 1.一般公共预算拨款 = 本级 + 上级", L1["1.一般公共预算拨款"], S("其中：一般财力", "上级一般公共预算安排转移支付")),
        ("T2 2.政府性基金 = 本级 + 上级", L1["2.政府性基金预算拨款"], S("其中：政府性基金收入", "上级政府性基金安排转移支付")),
        ("T2 3.国有资本经营 = 本级 + 上级", L1["3.国有资本经营预算拨款"], S("其中：国有资本经营收入", "上级国有资本经营预算安排转移支付")),
        ("T2 本年收入 = 1+2+3+4+5", L1["一、本年收入"],
         S("1.一般公共预算拨款", "2.政府性基金预算拨款", "3.国有资本经营预算拨款", "4.财政专户核拨", "5.单位资金")),
        ("T2 5.单位资金 = Σ 其中", L1["5.单位资金"], S("其中：事业收入", "上级补助收入", "附属单位上缴收入", "事业单位经营收入", "其他收入")),
        ("T3 二 = 财政拨款结转 + 非财政拨款结余", L1["二、上年结转结余"], S("1.财政拨款结转", "2.非财政拨款结余")),
        ("T3 财政拨款结转 = Σ sources", L1["1.财政拨款结转"], S("其中：一般公共预算拨款", "政府性基金预算拨款", "国有资本经营预算拨款")),
        ("T3 非财政拨款结余 = 专户 + 单位资金", L1["2.非财政拨款结余"], S("其中：财政专户核拨", "单位资金")),
        ("T4 支出总计 = Σ 类", R1["支出总计"], sum(a for k, a in R1.items() if k != "支出总计")),
        # XJ-T7..T15: cross-table totals
        ("T7 表2 合计 一般公共预算 = 表1 一般财力", v(tot2[6]), L1["其中：一般财力"]),
        ("T7 表2 合计 上级 = 表1 上级转移支付", v(tot2[7]), L1["上级一般公共预算安排转移支付"]),
        ("T7 表2 合计 财政拨款结转 = 表1", v(tot2[14]), L1["1.财政拨款结转"]),
        ("T8 表3 项目 = 表7 合计 + 表11 项目支出", v(tot3[6]), v(tot7[5]) + v(tot11[5]) + v(tot11[9])),
        ("T9 表4 收入总计 = 支出总计", L4["收入总计"], v(rows4["支出总计"][3])),
        ("T9 表4 收入总计 = 表1 1+2+3", L4["收入总计"], S("1.一般公共预算拨款", "2.政府性基金预算拨款", "3.国有资本经营预算拨款")),
        ("T9 表4 一、财政拨款 = Σ sources", L4["一、财政拨款（补助）"], L4["一般公共预算"] + L4["政府性基金预算"] + L4["国有资本经营预算"]),
        ("T9 表4 支出总计 = Σ 类", v(rows4["支出总计"][3]), sum(v(r[3]) for k, r in rows4.items() if k != "支出总计")),
        ("T10 表5 基本 = 表6 合计", v(tot5[5]), v(tot6[3])),
        ("T10 表5 项目 = 表7 合计", v(tot5[6]), v(tot7[5])),
        ("T11 人员经费 = 301 + 303", v(tot6[4]), e6("301", "303")), ("T11 公用经费 = 302", v(tot6[5]), e6("302")),
        ("T12 表6 30108 = 表5 2080505", e6("30108"), v(t5["2080505"][4])),
        ("T12 表6 30110 = 表5 2101101", e6("30110"), v(t5["2101101"][4])),
        ("T12 表6 30111 = 表5 2101103", e6("30111"), v(t5["2101103"][4])),
        ("T12 表6 30113 = 表5 2210201", e6("30113"), v(t5["2210201"][4])),
        ("T12 表6 30302 + 30309 = 表5 2080501", e6("30302", "30309"), v(t5["2080501"][4])),
        ("T14 表10 合计 = 出国 + 接待 + 车小计", c10("合计"), c10("因公出国（境）费") + c10("公务接待费") + car),
        ("T14 车小计 = 购置 + 运行", car, c10("其中：公务用车购置费") + c10("公务用车运行费")),
        ("T14 接待 = 表6 30217 (warning)", c10("公务接待费"), e6("30217")),
        ("T14 运行 = 表6 30231 (warning)", c10("公务用车运行费"), e6("30231")),
        ("T15 表11 合计 = 表1 上年结转结余", v(tot11[1]), L1["二、上年结转结余"]),
        ("T15 表11 财政拨款 = 表2 财政拨款结转", v(tot11[2]), v(tot2[14]))]
    notes.append("表7: 2080199 prints 4.00 = 2.50 + 1.50; 1.50 shares the 79.39 column with the 生活补贴 projects")
    if t6["30231"][2] != "公务用车运行费":
        report.append(f"name: 表10 公务用车运行费 vs 表6 30231 {t6['30231'][2]}")

    # Narrative. change(): (amount, change, printed %) -> prior-year budget; checks % = change / prior.
    def change(what, amt, ch, up, p):
        prior = amt - ch if up else amt + ch
        eq(f"{what} change %", v(p), pct(ch, prior) if prior else D(100 if ch else 0))
        if not prior and ch:
            notes.append(f"{what}: change from a zero base printed as {p}")
        return prior
    prior = {}
    for s_, base, lines in (("二", total, (("一般公共预算", L1["其中：一般财力"]), ("财政拨款结转", L1["1.财政拨款结转"]),
                                           ("上级一般公共预算安排的转移支付", L1["上级一般公共预算安排转移支付"]))),
                            ("三", v(tot3[4]), (("基本支出", v(tot3[5])), ("项目支出", v(tot3[6]))))):
        prior[s_] = D(0)
        for lab, amt in lines:
            f = next(e["figures"] for e in d["narrative"] if e["section"] == s_ and e["figures"] and e["figures"][0]["before"] == lab)
            eq(f"N2/N3 {s_} {lab} = 表1/表3", v(f[0]["figure"]), amt)
            eq(f"N2/N3 {s_} {lab} share", v(f[1]["figure"]), pct(amt, base))
            prior[s_] += change(f"N2/N3 {s_} {lab}", amt, v(f[2]["figure"]), "增加" in f[2]["before"], f[3]["figure"])
    prior2, prior3 = prior["二"], prior["三"]
    C += [("N1 一 收支总预算 = 表1", fig("一", "收支总预算"), total), ("N2 二 收入预算 = 表1", fig("二", "收入预算"), total),
          ("N2 二 shares add to 100", sum(fig("二", "占", i) for i in range(3)), D(100)),
          ("N2 二 结转 = 3.96万 + 1.55万元 = 表11", fig("二", "改革成本资金") + fig("二", "项目结余资金"), v(tot11[1])),
          ("N3 三 支出预算 = 表3", fig("三", "支出预算"), v(tot3[4])),
          ("N3 三 shares add to 100", fig("三", "占") + fig("三", "占", 1), D(100)),
          ("N4 2023 budget: Σ income lines (二) = 基本 + 项目 (三)", prior2, prior3),
          ("N5 四 财政拨款收支总预算 = 表4", fig("四", "财政拨款收支总预算"), L4["收入总计"]),
          ("N5 四 一般公共预算拨款 = 表4", fig("四", "一般公共预算拨款"), L4["一般公共预算"]),
          ("N6 五(一) 合计 = 表5", fig("五(一)", "一般公共预算拨款合计"), v(tot5[4]))]
    for lab, r in rows4.items():
        if r[3] and lab != "支出总计":
            eq(f"N5 四 {lab[4:]} = 表4", fig("四", lab[4:]), v(r[3]))
    for lab, amt, w, p in (("基本支出", v(tot5[5]), "比上年预算增加", "增长"), ("项目支出", v(tot5[6]), "比上年预算减少", "下降")):
        eq(f"N6 五(一) {lab} = 表5", fig("五(一)", lab), amt)
        p6 = change(f"N6 五(一) {lab}", amt, fig("五(一)", w), "增加" in w, str(fig("五(一)", p)))
    eq("N6 2023 项目 budget: 五(一) = 三 (2023 had no carry-over)", p6, fig("三", "项目支出") + fig("三", "比上年预算减少"))
    shares5 = []
    for e in [e for e in d["narrative"] if e["section"] == "五(二)"]:
        lab, amt, sh = e["figures"][0]["before"], v(e["figures"][0]["figure"]), v(e["figures"][1]["figure"])
        code = next(c for c, r in t5.items() if len(c) == 3 and r[3] + "（类）" == lab)
        eq(f"N7 五(二) {lab} = 表5", amt, v(t5[code][4]))
        eq(f"N7 五(二) {lab} share", sh, pct(amt, v(tot5[4])))
        shares5.append(sh)
    eq("N7 五(二) shares add to 100", sum(shares5), D(100))
    prior_items = D(0)
    for e in [e for e in d["narrative"] if e["section"] == "五(三)"]:
        xiang, f = re.search(r"（款）(.+?)（项）", e["sentence"]).group(1), e["figures"]
        rows = [r for c, r in t5.items() if len(c) == 7 and r[3] == xiang]
        eq(f"N8 五(三) {xiang} = 表5", v(f[0]["figure"]), v(rows[0][4]) if rows else D(0))
        prior_items += change(f"N8 五(三) {xiang}", v(f[0]["figure"]), v(f[1]["figure"]), "增加" in f[1]["before"], f[2]["figure"])
    eq("N8 2023 budget: Σ 五(三) items = 基本 + 项目 (三)", prior_items, prior3)
    for lab, col, classes in (("一般公共预算基本支出", 3, ()), ("人员经费", 4, ("301", "303")), ("公用经费", 5, ("302",))):
        eq(f"N9 六 {lab} = 表6", fig("六", lab), v(tot6[col]))
        if classes:
            s = next(e["sentence"] for e in d["narrative"] if e["section"] == "六" and e["sentence"].startswith(lab))
            names = [r[2] for c, r in t6.items() if len(c) == 5 and c[:3] in classes]
            eq(f"N9 六 {lab} list = 表6 款 names", s.split("：", 1)[1].rstrip("。").split("、"), names)
    for s7 in ("七(一)", "七(二)", "七(三)"):
        name = [e["sentence"] for e in d["narrative"] if e["section"] == s7][0].split("：", 1)[1]
        size, dist = fig(s7, "预算安排规模："), [f["figure"] for f in sec(s7)][1:]
        eq(f"N10 {s7} 预算安排规模 = 表7 project", size, v(projects7[name][5]) if name in projects7 else None)
        if dist and v(dist[0]) == size and dist[0] != str(size):
            notes.append(f"{s7}: 资金分配情况 prints {dist[0]} for the 预算安排规模 {size}")
    eq("N10 七 covers every 表7 project", len({e["section"] for e in d["narrative"] if e["section"][0] == "七"}), len(projects7))
    f10 = [e["figures"] for e in d["narrative"] if e["section"] == "十"]
    amounts10 = [c10("合计"), c10("因公出国（境）费"), c10("其中：公务用车购置费"), c10("公务用车运行费"), c10("公务接待费")]
    eq("N11 十 amounts = 表10", [v(f["figure"]) for f in f10[0]], amounts10)
    for k, amt in enumerate(amounts10):
        ch, p = f10[1][2 * k], f10[1][2 * k + 1]
        change(f"N11 十 {ch['before']}", amt, v(ch["figure"]), "增加" in ch["before"], p["figure"])
    eq("N11 十 item changes add up", v(f10[1][0]["figure"]),
       sum((1 if "增加" in c["before"] else -1) * v(c["figure"]) for c in f10[1][2::2]))
    f11 = sec("十一")
    eq("N12 十一 = 表11 (总计, 财政, 非财政, projects)", [v(f["figure"]) for f in f11],
       [v(tot11[1]), v(tot11[2]), v(tot11[6])] + [v(r[1]) for r in projects11])
    for f, r in zip(f11[3:], projects11):
        if f["before"] not in r[0]:
            report.append(f"N12 十一 {f['before']} is not the 表11 project {r[0]}")
    f121 = sec("十二(一)")
    eq("N13 十二(一) 机关运行经费 = 表6 公用经费", v(f121[0]["figure"]), v(tot6[5]))
    change("N13 十二(一)", v(f121[0]["figure"]), v(f121[1]["figure"]), False, f121[2]["figure"])
    buy, goods, works, serv, sme, micro = (v(f["figure"]) for f in sec("十二(二)"))
    eq("N14 采购 = 货物 + 工程 + 服务", buy, goods + works + serv)
    if not (micro <= sme <= buy):
        report.append(f"inconsistent: N14 预留 {micro} ≤ {sme} ≤ {buy}")
    f123 = [v(f["figure"]) for f in sec("十二(三)")]
    eq("N15 车辆 = Σ kinds (count, value)", (f123[2], f123[3]), (f123[4] + f123[6] + f123[8], f123[5] + f123[7] + f123[9]))
    funds = sum(v(x) for x in form["funds"].values())
    nforms = sum(f["kind"] == "project" for f in d["forms"])
    C += [
        ("N16 十二(四) 整体目标 涉及金额 = Σ form funds", fig("十二(四)", "涉及金额"), funds),
        ("N16 十二(四) 整体目标 涉及金额 = 收入总计 (表1)", fig("十二(四)", "涉及金额"), total),
        ("N16 form 本级资金 = 表1 一般财力 = 基本支出", v(form["funds"]["本级资金"]), L1["其中：一般财力"]),
        ("N16 form 上级资金 = 表1 上级转移支付", v(form["funds"]["上级资金"]), L1["上级一般公共预算安排转移支付"]),
        ("N16 十二(四) 财政拨款项目 = 表7 projects", fig("十二(四)", "当年财政拨款项目"), D(len(projects7))),
        ("N16 十二(四) 财政拨款项目金额 = 表7", fig("十二(四)", "涉及预算金额"), v(tot7[5])),
        ("N16 十二(五) 未公开 = projects without a form", fig("十二(五)", "未公开项目支出绩效目标表共有"), D(len(projects7) - nforms)),
        ("N16 十二(五) 上级转移支付项目", fig("十二(五)", "其中：上级转移支付项目"), D(len(projects7))),
        ("N16 十二(五) 上级转移支付金额 = 表1", fig("十二(五)", "涉及预算金额"), L1["上级一般公共预算安排转移支付"]),
        ("N16 十二(五) 结转项目数 = 表11", fig("十二(五)", "结转结余资金涉及项目数"), D(len(projects11))),
        ("N16 十二(五) 结转金额 = 表11", fig("十二(五)", "涉及的预算资金数为"), v(tot11[1])),
        ("N18 form 分值权重 add to 100", sum(D(r[5]) for r in form["indicators"]), D(100))]
    ov = lambda b: fig("二", b, 0, "overview")
    eq("N17 实有人数 = 在职 + 退休 + 离休", ov("实有人数"), ov("其中：在职") + ov("退休") + ov("离休"))
    s = [e["sentence"] for e in d["overview"] if e["section"] == "二"][0]
    eq("N17 处室 count = list", ov("下设"), D(len(s.split("分别是：")[1].rstrip("。").split("、"))))
    if not any("满意度" in r[2] for r in form["indicators"]) and "满意度" in "".join(form["texts"].values()):
        report.append("form: a goal promises 满意度 but no indicator measures it")
    for r in form["indicators"]:
        if r[1] == "质量指标" and r[3].endswith("人"):
            report.append(f"form: count indicator {r[2]} {r[3]} filed under 质量指标")
        if r[4].count("）") > r[4].count("（"):
            report.append(f"form: 指标设定依据 {r[4]} lacks its opening bracket")
    if "管理局" in d["overview"][0]["sentence"]:
        report.append("name: 第一部分 calls the unit 和静县社会保险管理局")
    zeros = sorted({(e["section"], f["figure"]) for e in d["narrative"] for f in e["figures"]
                    if v(f["figure"]) == 0 and f["after"] == "万元"}, key=lambda x: SECTIONS.index(x[0]))
    notes.append("zero amounts printed as " + ", ".join(f"{z} ({s})" for s, z in zeros))
    for c in C:
        eq(*c)


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    text = Path(args[0] if args else JSON_FILE).read_text(encoding="utf-8")
    d, src = json.loads(text), load_source(Path(args[1]) if len(args) > 1 else SOURCE)
    check_format(d, text)
    nfig = check_source(d, src)
    unlisted_numbers(d)
    if not fatal:
        try:
            relationships(d)
        except (KeyError, StopIteration, IndexError, TypeError, AttributeError, ValueError) as exc:
            fatal.append(f"relationships: transcript shape unexpected: {exc!r}")
    print(f"hejing-2024: {len(d['tables'])} tables / {sum(len(t['rows']) for t in d['tables'].values())} rows, "
          f"{len(d['overview']) + len(d['narrative'])} sentences, {len(d['forms'])} form(s), {len(d['glossary'])} glossary "
          f"entries; {nfig} figures checked against the source")
    print("".join(f"  {m}\n" for m in ([] if "--quiet" in argv else notes + report)) + "".join(f"  FATAL {m}\n" for m in fatal), end="")
    print(f"{len(fatal)} fatal, {len(report)} reported ({sum(m.startswith('inconsistent') for m in report)} inconsistencies), "
          f"{len(notes)} notes")
    return 1 if fatal else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
