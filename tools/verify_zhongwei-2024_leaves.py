#!/usr/bin/env python3
"""Rebuild every derivable figure of zhongwei-2024 from its leaves and compare with the golden transcript.

Leaves: examples/data/zhongwei-2024.leaves.json (amounts in 元). Transcript: tests/golden/zhongwei-2024.json.
Notes: examples/data/zhongwei-2024-NOTES.md. Standard library and decimal only:

    python tools/verify_zhongwei-2024_leaves.py            # summary + every mismatch
    python tools/verify_zhongwei-2024_leaves.py --quiet    # summary and failures only
    python tools/verify_zhongwei-2024_leaves.py --leaves FILE   # another leaves file (tests use this)

Every amount is summed in 元 and rounded once, ROUND_HALF_UP, to 万元 with 2 decimals (percentages: 2
decimals of the 元 ratio). Printed cells are compared as numbers ("0" = "0.00" = blank zero, "2.9" =
"2.90"). Typed texts are checked verbatim against the sentences that print them; the figures inside a
typed text are counted as typed, not derived. A mismatch is either one of the document's own slips
(SLIPS below, numbered as in ../shared/profiles-study.md §3.4) or a failure. Exit 0 when every mismatch
is a listed slip and every listed slip still occurs; 1 otherwise; 2 when a file cannot be read.
"""
from __future__ import annotations

import csv
import json
import sys
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEAVES = ROOT / "examples" / "data" / "zhongwei-2024.leaves.json"
GOLDEN = ROOT / "tests" / "golden" / "zhongwei-2024.json"
CLASSIF = ROOT / "budget_author" / "classification" / "data"

ZERO, CENT, WAN = Decimal(0), Decimal("0.01"), Decimal(10000)
GPB, GF = "一般公共预算", "政府性基金预算"
FISCAL = (GPB, GF, "国有资本经营预算")
CUR, CARRY = "当年预算", "上年结转"
BASIC, PROJ = "基本支出", "项目支出"
LOCAL, UPPER = "本级", "上级转移支付"
ADMIN_TYPES = ("行政单位", "参照公务员法管理事业单位")

# The 21 类 of table 一, in its order (Ningxia prints no 209, 219, 223, 227, 230-234).
CLASSES_21 = ("201", "202", "203", "204", "205", "206", "207", "208", "210", "211", "212", "213", "214", "215",
              "216", "217", "220", "221", "222", "224", "229")
# 预算会计 income lines (table 六/七, section 五) -> the leaf `category` they sum. Fiscal lines are by source.
CAT_SHIYE, CAT_SHIYE_SCI, CAT_EDU = "事业收入", "事业收入（非同级科研）", "教育收费"
CAT_UPPER, CAT_AFFIL, CAT_BIZ, CAT_DEBT = "上级补助收入", "附属单位上缴收入", "事业单位经营收入", "债务收入"
CAT_HORIZ, CAT_NONLOCAL, CAT_INVEST, CAT_OTHER = "非同级财政拨款（本级横向）", "非同级财政拨款（非本级）", "投资收益", "其他收入"
NATURES = ("行政支出", "事业支出", "经营支出", "上缴上级支出", "对附属单位补助支出", "投资支出", "债务还本支出", "其他支出")

# 款 <-> 项 pairings kept to the 元; the last pair is "everything else" (30101, 30102, 30107, 30112, 30199, 302).
PAIRS = ((("30108",), ("2080505",)), (("30109",), ("2080506",)), (("30113",), ("2210201",)),
         (("30302",), ("2080502",)), (("30110", "30111"), ("2101102",)),
         (("30101", "30102", "30107", "30112", "30199", "302"), ("2080109", "2210203")))

# The document's own slips that consistent leaves cannot reproduce: location -> (study §3.4 number, why).
SLIPS = {
    "table 二 row 14 科目编码": ("#1", "卫生健康支出 printed with code 201; the leaves (2101102) give 210"),
    "table 四 col 3 (2023年预算数 小计)": ("#2", "小计 2.9 repeats the 合计; 购置 0 + 运行维护 2.75 = 2.75"),
    "table 四 col 15 (2024年预算数 小计)": ("#2", "小计 2.9 repeats the 合计; 购置 0 + 运行维护 2.75 = 2.75"),
    "table 三 row 56 科目名称": ("#17", "30399 printed 其他对个人和家庭的补助支出 (classification: …补助); a profile name override"),
    "二(一) sentence 4 figure 13 label": ("#10", "其他交通费 for 30239 其他交通费用"),
    "六(一) sentence 1 figure 13 label": ("#10", "其他交通费 for 30239 其他交通费用 (the 二(一) sentence repeated)"),
}


def D(text) -> Decimal:
    """A printed cell or figure as a number: blank is zero, units and % dropped."""
    s = str(text).strip().replace("万元", "").rstrip("%")
    if s in ("", "无"):
        return ZERO
    try:
        return Decimal(s)
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None


def wan(yuan: Decimal) -> Decimal:
    return (yuan / WAN).quantize(CENT, ROUND_HALF_UP)


def pct(part: Decimal, whole: Decimal) -> Decimal | None:
    return None if whole == 0 else (part / whole * 100).quantize(CENT, ROUND_HALF_UP)


class Leaves:
    """The leaf datasets, with the sums every table and sentence is made of."""

    def __init__(self, doc: dict):
        self.doc = doc
        self.unit = doc["unit"]
        default_nature = "行政支出" if self.unit["unit_type"] in ADMIN_TYPES else "事业支出"
        self.exp = [dict(r, amount=Decimal(r["amount"]), nature=r.get("nature") or default_nature)
                    for r in doc["expenditure"]]
        self.inc = [dict(r, amount=Decimal(r["amount"])) for r in doc["income"]]
        self.eco = [dict(r, amount=Decimal(r["amount"])) for r in doc["economic"]]
        self.tp = [dict(r, amount=Decimal(r["amount"])) for r in doc["three_public"]]
        self.cmp = {name: {part: ([dict(r, amount=Decimal(r["amount"])) for r in rows] if isinstance(rows, list) else rows)
                           for part, rows in data.items()} for name, data in doc["comparisons"].items()}

    @staticmethod
    def _sum(rows, **flt) -> Decimal:
        total = ZERO
        for r in rows:
            ok = True
            for key, want in flt.items():
                have = r.get(key, "")
                if key == "code":
                    ok = have.startswith(want)
                elif isinstance(want, tuple):
                    ok = have in want
                else:
                    ok = have == want
                if not ok:
                    break
            if ok:
                total += r["amount"]
        return total

    def exp_sum(self, **flt) -> Decimal:
        return self._sum(self.exp, **flt)

    def inc_sum(self, **flt) -> Decimal:
        return self._sum(self.inc, **flt)

    def eco_sum(self, **flt) -> Decimal:
        return self._sum(self.eco, **flt)

    def prior(self, dataset: str, part: str, **flt) -> Decimal:
        return self._sum(self.cmp[dataset][part], **flt)

    def tp_group(self, rows) -> list[Decimal]:
        """合计, 因公出国（境）费, 小计, 公务用车购置费, 公务用车运行维护费, 公务接待费."""
        item = {i: self._sum(rows, item=i) for i in ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费")}
        car = item["公务用车购置费"] + item["公务用车运行维护费"]
        return [sum(item.values(), ZERO), item["因公出国（境）费"], car, item["公务用车购置费"],
                item["公务用车运行维护费"], item["公务接待费"]]


def cost_kind(code: str) -> str:
    return "人员" if code[:3] in ("301", "303") else "公用"


def load_names() -> tuple[dict, dict]:
    def read(name):
        with open(CLASSIF / name, encoding="utf-8") as f:
            return {row["code"]: row["name"] for row in csv.DictReader(f)}
    return read("functional_classification.csv"), read("economic_classification_dept.csv")


class Report:
    def __init__(self):
        self.derived = 0      # derived figures compared
        self.typed = 0        # figures inside typed texts / typed blocks, compared verbatim
        self.labels = 0       # codes, names and texts compared
        self.checks = 0       # 元-exact relationships between leaves
        self.area: dict[str, int] = {}
        self.mismatches: list[tuple[str, str, str]] = []
        self.kinds: dict[str, str] = {}    # location -> "derived" | "typed" | "text"
        self.visited: set[tuple] = set()    # table cells (label, row, col) and narrative figures (section, n, k)

    def num(self, where: str, printed, expected: Decimal | None, typed: bool = False, at: tuple | None = None):
        """Compare one printed figure with its recomputed value (None: printed blank)."""
        if at is not None:
            self.visited.add(at)
        if typed:
            self.typed += 1
        else:
            self.derived += 1
        self.kinds[where] = "typed" if typed else "derived"
        area = "tables" if where.startswith("table") else "forms" if where.startswith("form") else "narrative"
        if not typed:
            self.area[area] = self.area.get(area, 0) + 1
        if expected is None:
            if str(printed).strip() != "":
                self.mismatches.append((where, str(printed), "(blank)"))
            return
        if str(printed).strip() == "" and expected != 0:
            self.mismatches.append((where, "(blank)", str(expected)))
        elif D(printed) != expected:
            self.mismatches.append((where, str(printed), str(expected)))

    def same(self, where: str, difference: Decimal):
        """A relationship the leaves must keep to the 元 (not a printed figure)."""
        self.checks += 1
        self.kinds[where] = "check"
        if difference:
            self.mismatches.append((where, "0", str(difference)))

    def text(self, where: str, printed: str, expected: str):
        self.labels += 1
        self.kinds[where] = "text"
        if printed != expected:
            self.mismatches.append((where, printed, expected))


# ---------------------------------------------------------------------------------------------- tables
def check_tables(L: Leaves, T: dict, r: Report, fnames: dict, enames: dict):
    tables = T["tables"]

    # 一 财政拨款收支预算总表 (side by side; rows matched by position of the printed labels)
    rows = tables["一"]["rows"]
    left = {"（一）一般公共预算财政拨款收入": L.inc_sum(source=GPB, period=CUR),
            "（二）政府性基金预算财政拨款收入": L.inc_sum(source=GF, period=CUR),
            "本年收入小计": L.inc_sum(source=(GPB, GF), period=CUR),
            "收入总计": L.inc_sum(source=(GPB, GF))}
    left_carry = {"（一）一般公共预算财政拨款": L.inc_sum(source=GPB, period=CARRY),
                  "（二）政府性基金预算财政拨款": L.inc_sum(source=GF, period=CARRY)}
    klass = {row[2]: CLASSES_21[i] for i, row in enumerate(rows[1:22])}
    after_carry = False
    for i, row in enumerate(rows):
        where = f"table 一 row {i + 1}"
        label, right = row[0], row[2]
        if label == "二、上年结转结余":
            after_carry = True
        if label:
            value = left.get(label) if label in left else (left_carry if after_carry else {}).get(label)
            if value is not None:
                r.num(f"{where} 预算数 ({label})", row[1], wan(value), at=("一", i, 1))
        if right in klass:
            code = klass[right]
            g, f = L.exp_sum(code=code, source=GPB), L.exp_sum(code=code, source=GF)
            for col, v in ((3, g + f), (4, g), (5, f)):
                r.num(f"{where} col {col + 1} ({right})", row[col], wan(v), at=("一", i, col))
            r.text(f"{where} 类 name", right.split("）", 1)[1], fnames[code])
        elif right in ("本年支出小计", "支出总计"):
            g, f = L.exp_sum(source=GPB), L.exp_sum(source=GF)
            for col, v in ((3, g + f), (4, g), (5, f)):
                if right == "支出总计" and col > 3 and row[col] == "":
                    continue      # 支出总计 prints the total only
                r.num(f"{where} col {col + 1} ({right})", row[col], wan(v), at=("一", i, col))
        elif right.startswith("（") and "财政拨款" in right:     # 年末结转结余: zero in a budget
            for col in (3, 4, 5):
                r.num(f"{where} col {col + 1} ({right})", row[col], ZERO, at=("一", i, col))

    # 二 一般公共预算财政拨款支出预算表: unit row, then 类/款/项 over current ∪ 2023 actuals
    prior_rows = L.cmp["上年执行数"]["expenditure"]
    codes = sorted({e["code"] for e in L.exp if e["source"] == GPB} | {e["code"] for e in prior_rows if e["source"] == GPB})
    order = [("", L.unit["code"], L.unit["name"])]
    for c3 in sorted({c[:3] for c in codes}):
        order.append((c3, c3, fnames[c3]))
        for c5 in sorted({c[:5] for c in codes if c.startswith(c3)}):
            order.append((c5, c5, fnames[c5]))
            order += [(c7, c7, fnames[c7]) for c7 in codes if c7.startswith(c5)]
    printed = tables["二"]["rows"]
    if len(printed) != len(order):
        r.mismatches.append(("table 二 row count", str(len(printed)), str(len(order))))
    for i, (row, (prefix, code, name)) in enumerate(zip(printed, order)):
        where = f"table 二 row {i + 1}"
        r.text(f"{where} 科目编码", row[0], code)
        r.text(f"{where} 科目名称", row[1], name)
        prior = L.prior("上年执行数", "expenditure", code=prefix, source=GPB)
        basic, proj = L.exp_sum(code=prefix, source=GPB, kind=BASIC), L.exp_sum(code=prefix, source=GPB, kind=PROJ)
        total = basic + proj
        for col, v in ((2, wan(prior)), (3, wan(total)), (4, wan(basic)), (5, wan(proj)),
                       (6, wan(total - prior)), (7, pct(total - prior, prior))):
            r.num(f"{where} col {col + 1} ({code})", row[col], v, at=("二", i, col))

    # 三 一般公共预算财政拨款基本支出预算表: the profile's fixed 款 list; every non-zero leaf must be on it
    rows3 = tables["三"]["rows"]
    listed = {row[0] for row in rows3}
    for e in L.eco:
        if e["code"] not in listed and e["amount"]:
            r.mismatches.append(("table 三", "(not listed)", f"leaf {e['code']} {e['amount']}"))
    for i, row in enumerate(rows3):
        code = row[0]
        where = f"table 三 row {i + 1} ({code})"
        prefix = "" if code == "总计" else code
        tot = L.eco_sum(code=prefix, source=GPB)
        staff = sum((e["amount"] for e in L.eco if e["code"].startswith(prefix) and cost_kind(e["code"]) == "人员"), ZERO)
        for col, v in ((2, tot), (3, staff), (4, tot - staff)):
            r.num(f"{where} col {col + 1}", row[col], wan(v), at=("三", i, col))
        if code != "总计":
            name = row[1].split("、", 1)[1] if len(code) == 3 else row[1]
            r.text(f"table 三 row {i + 1} 科目名称", name, enames[code])
    r.same("Σ economic leaves = Σ 基本支出 leaves (元)", L.eco_sum(source=GPB) - L.exp_sum(source=GPB, kind=BASIC))
    # The 款 <-> 项 pairings the leaves keep to the 元 (study §3.3 NX-T4; rounding cases (a) and (b))
    for eco_codes, fun_codes in PAIRS:
        r.same(f"{'+'.join(eco_codes)} = {'+'.join(fun_codes)} 基本支出 (元)",
               sum((L.eco_sum(code=c) for c in eco_codes), ZERO)
               - sum((L.exp_sum(code=c, kind=BASIC) for c in fun_codes), ZERO))
    # 三公 basic parts = their 款 (30217 公务接待费, 30231 公务用车运行维护费)
    for item, code in (("公务接待费", "30217"), ("公务用车运行维护费", "30231")):
        r.same(f"三公 {item} 基本支出 = {code} (元)",
               L._sum(L.tp, item=item, kind=BASIC) - L.eco_sum(code=code))

    # 四 三公: 2023年预算数 | 2023年执行数（决算数） | 2024年预算数, six cells each
    row4 = tables["四"]["rows"][0]
    groups = (("2023年预算数", L.cmp["上年预算"]["three_public"]), ("2023年执行数", L.cmp["上年执行数"]["three_public"]),
              ("2024年预算数", L.tp))
    for g, (label, rows) in enumerate(groups):
        for j, v in enumerate(L.tp_group(rows)):
            col = g * 6 + j
            name = tables["四"]["columns"][col]
            r.num(f"table 四 col {col + 1} ({label} {name})", row4[col], wan(v), at=("四", 0, col))

    # 五 政府性基金预算财政拨款支出预算表: no 基金 leaves -> the profile's six placeholder rows of zeros
    gf_any = any(e["source"] == GF for e in L.exp) or any(e["source"] == GF for e in prior_rows)
    for i, row in enumerate(tables["五"]["rows"]):
        r.text(f"table 五 row {i + 1} placeholder", f"{row[0]}|{row[1]}", "无|无" if not gf_any else "(a real row)")
        for col in range(2, 8):
            r.num(f"table 五 row {i + 1} col {col + 1}", row[col], ZERO, at=("五", i, col))

    # 六 部门收支预算总表 (left: 预算会计 income lines; right: expenditure by nature)
    def cat(*cats, period=CUR):
        return L.inc_sum(category=cats, period=period)
    shiye = cat(CAT_SHIYE, CAT_SHIYE_SCI, CAT_EDU)
    nonlevel = cat(CAT_HORIZ, CAT_NONLOCAL)
    cur_income = L.inc_sum(period=CUR)
    carry_fiscal = lambda src: L.inc_sum(source=src, period=CARRY, carry_kind=("结转", ""))
    surplus_fiscal = lambda src: L.inc_sum(source=src, period=CARRY, carry_kind="结余")
    nf_carry = lambda *cats: L.inc_sum(category=cats, period=CARRY, carry_kind=("结转", ""))
    nf_surplus = lambda *cats: L.inc_sum(category=cats, period=CARRY, carry_kind="结余")
    left6 = [
        L.inc_sum(source=(GPB, GF), period=CUR), L.inc_sum(source=GPB, period=CUR),
        L.inc_sum(source=GPB, period=CUR, level=LOCAL), L.inc_sum(source=GPB, period=CUR, level=UPPER),
        L.inc_sum(source=GF, period=CUR), L.inc_sum(source=GF, period=CUR, level=LOCAL),
        L.inc_sum(source=GF, period=CUR, level=UPPER),
        shiye, cat(CAT_SHIYE_SCI), cat(CAT_EDU), cat(CAT_UPPER), cat(CAT_AFFIL), cat(CAT_BIZ), cat(CAT_DEBT),
        nonlevel, cat(CAT_HORIZ), cat(CAT_NONLOCAL), cat(CAT_INVEST), cat(CAT_OTHER), None, cur_income,
        carry_fiscal((GPB, GF)) + nf_carry(CAT_HORIZ, CAT_NONLOCAL), carry_fiscal((GPB, GF)), carry_fiscal(GPB),
        carry_fiscal(GF), nf_carry(CAT_HORIZ, CAT_NONLOCAL), nf_carry(CAT_HORIZ), nf_carry(CAT_NONLOCAL),
        L.inc_sum(period=CARRY, carry_kind=("结余", "专用结余", "经营结余")), surplus_fiscal((GPB, GF)),
        surplus_fiscal(GPB), surplus_fiscal(GF), nf_surplus(CAT_HORIZ, CAT_NONLOCAL), nf_surplus(CAT_HORIZ),
        nf_surplus(CAT_NONLOCAL), L.inc_sum(period=CARRY, carry_kind="专用结余"),
        L.inc_sum(period=CARRY, carry_kind="经营结余"), L.inc_sum(),
    ]

    def nature_block(n):
        fiscal = L.exp_sum(nature=n, source=(GPB, GF))
        # 非同级财政拨款支出 has no leaf dimension yet: a 单位资金 line of category 非同级…; zero here
        return [L.exp_sum(nature=n), fiscal, L.exp_sum(nature=n, source=GPB), L.exp_sum(nature=n, source=GF),
                ZERO, ZERO, ZERO]
    year_end = ZERO       # 年末结转结余 (15 lines) is zero in any budget
    right6 = (nature_block("行政支出") + nature_block("事业支出") + [L.exp_sum(nature=n) for n in NATURES[2:]]
              + [L.exp_sum()] + [year_end] * 15 + [L.exp_sum() + year_end])
    rows6 = tables["六"]["rows"]
    right = [(i, row[2], row[3]) for i, row in enumerate(rows6) if row[2]]
    for i, row in enumerate(rows6):
        if row[0]:
            v = left6[i]
            if v is not None:
                r.num(f"table 六 row {i + 1} 收入 ({row[0]})", row[1], wan(v), at=("六", i, 1))
    for j, (i, label, cell) in enumerate(right):
        r.num(f"table 六 row {i + 1} 支出 ({label})", cell, wan(right6[j]), at=("六", i, 3))

    # 七 部门收入预算表 (one row, 16 columns)
    seven = [cur_income, L.inc_sum(source=(GPB, GF), period=CUR), L.inc_sum(source=GPB, period=CUR),
             L.inc_sum(source=GF, period=CUR), shiye, cat(CAT_SHIYE_SCI), cat(CAT_EDU), cat(CAT_UPPER), cat(CAT_AFFIL),
             cat(CAT_BIZ), cat(CAT_DEBT), nonlevel, cat(CAT_NONLOCAL), cat(CAT_HORIZ), cat(CAT_INVEST), cat(CAT_OTHER)]
    for col, (cell, v) in enumerate(zip(tables["七"]["rows"][0], seven)):
        r.num(f"table 七 col {col + 1} ({tables['七']['columns'][col]})", cell, wan(v), at=("七", 0, col))

    # 八 部门支出预算表 (one row, 9 columns)
    eight = [L.exp_sum(period=CUR)] + [L.exp_sum(nature=n, period=CUR) for n in NATURES]
    for col, (cell, v) in enumerate(zip(tables["八"]["rows"][0], eight)):
        r.num(f"table 八 col {col + 1} ({tables['八']['columns'][col]})", cell, wan(v), at=("八", 0, col))
    # coverage: every printed amount cell was compared
    for label, t in tables.items():
        for i, row in enumerate(t["rows"]):
            for col, cell in enumerate(row):
                if cell and (cell[0].isdigit()) and (label, i, col) not in r.visited and not (label in ("二", "三") and col < 2):
                    r.mismatches.append((f"table {label} row {i + 1} col {col + 1} not covered", cell, "(nothing)"))


# ------------------------------------------------------------------------------------------- narrative
def check_narrative(L: Leaves, T: dict, r: Report, fnames: dict, enames: dict):
    doc = L.doc
    by_section: dict[str, list[dict]] = {}
    for s in T["narrative"]:
        by_section.setdefault(s["section"], []).append(s)
    typed_texts = {(t["part"], t["section"], t["subject"]): t["text"] for t in doc["texts"]}

    def figs(section, n, expected, labels=None):
        """Compare sentence n (1-based) of a section: expected is a list of Decimal | None (None: typed)."""
        s = by_section[section][n - 1]
        got = s["figures"]
        where = f"{section} sentence {n}"
        if len(got) != len(expected):
            r.mismatches.append((f"{where} figure count", str(len(got)), str(len(expected))))
        for k, (f, v) in enumerate(zip(got, expected)):
            if v is not None:
                r.num(f"{where} figure {k + 1} ({f['before']})", f["figure"], v, at=(section, n, k))
            if labels and labels[k] is not None:
                r.text(f"{where} figure {k + 1} label", f["before"], labels[k])
        return s

    def typed(section, n, text, figures_from=0):
        """A sentence (or its tail) that is typed text: verbatim, and its figures counted as typed."""
        s = by_section[section][n - 1]
        if text not in s["sentence"]:
            r.mismatches.append((f"{section} sentence {n} typed text", s["sentence"], text))
        r.labels += 1
        r.typed += len(s["figures"]) - figures_from
        r.visited.update((section, n, k) for k in range(figures_from, len(s["figures"])))

    # 一
    fin_cur = L.inc_sum(source=FISCAL, period=CUR)
    fin_carry = L.inc_sum(source=FISCAL, period=CARRY)
    figs("一", 1, [wan(fin_cur + fin_carry), wan(fin_cur), wan(L.inc_sum(source=GPB, period=CUR)),
                   wan(L.inc_sum(source=GF, period=CUR)), wan(fin_carry)])
    classes = [c for c in CLASSES_21 if L.exp_sum(code=c, source=FISCAL)]
    figs("一", 2, [wan(L.exp_sum(source=FISCAL))] + [wan(L.exp_sum(code=c, source=FISCAL)) for c in classes],
         [None] + [fnames[c] for c in classes])

    # 二(一) 基本支出: totals, vs 2023 执行数 (Σ basic), reason (typed), 人员/公用 with every non-zero 款
    basic = L.exp_sum(source=GPB, kind=BASIC)
    basic_prior = L.prior("上年执行数", "expenditure", source=GPB, kind=BASIC)
    figs("二(一)", 1, [wan(basic), wan(L.exp_sum(source=GPB, kind=BASIC, period=CUR)),
                      wan(L.exp_sum(source=GPB, kind=BASIC, period=CARRY))])
    figs("二(一)", 2, [wan(abs(basic - basic_prior)), pct(abs(basic - basic_prior), basic_prior)])
    typed("二(一)", 2, typed_texts[("部门预算情况说明", "二(一)", "基本支出")], figures_from=2)

    def item_list(kind):
        codes = sorted(e["code"] for e in L.eco if cost_kind(e["code"]) == kind and e["amount"])
        total = sum((e["amount"] for e in L.eco if cost_kind(e["code"]) == kind), ZERO)
        return [wan(total)] + [wan(L.eco_sum(code=c)) for c in codes], [None] + [enames[c] for c in codes]
    v, lab = item_list("人员")
    figs("二(一)", 3, v, lab)
    v, lab = item_list("公用")
    figs("二(一)", 4, v, lab)

    # 二(二) 项目支出: totals, then per 项 with 项目支出 (code order) vs the 2023 执行数 项目 part
    proj = L.exp_sum(source=GPB, kind=PROJ)
    figs("二(二)", 1, [wan(proj), wan(L.exp_sum(source=GPB, kind=PROJ, period=CUR)),
                      wan(L.exp_sum(source=GPB, kind=PROJ, period=CARRY))])
    items = sorted({e["code"] for e in L.exp if e["kind"] == PROJ and e["source"] == GPB and e["amount"]})
    sentences = by_section["二(二)"]
    starts = [k for k, s in enumerate(sentences) if s["sentence"][:7].isdigit()]
    if len(starts) != len(items):
        r.mismatches.append(("二(二) 项 paragraphs", str(len(starts)), str(len(items))))
    for code, k in zip(items, starts):
        s = sentences[k]
        cur = L.exp_sum(code=code, source=GPB, kind=PROJ)
        prior = L.prior("上年执行数", "expenditure", code=code, source=GPB, kind=PROJ)
        change = cur - prior
        share = Decimal(100) if prior == 0 else pct(change, prior)     # the profile's zero-base wording: 100%
        lead = (f"{code}{fnames[code[:3]].removesuffix('支出')}（类）{fnames[code[:5]]}（款）{fnames[code]}（项）"
                f"2024年预算")
        r.text(f"二(二) sentence {k + 1} lead ({code})", s["sentence"][:len(lead)], lead)
        figs("二(二)", k + 1, [wan(cur), wan(change), share] + [None] * (len(s["figures"]) - 3))
        text = typed_texts[("部门预算情况说明", "二(二)", code)]
        paragraph = "".join(x["sentence"] for x in sentences[k:(starts + [len(sentences)])[starts.index(k) + 1]])
        if not paragraph.endswith(text):
            r.mismatches.append((f"二(二) {code} typed text", paragraph, text))
        r.labels += 1
        end = (starts + [len(sentences)])[starts.index(k) + 1]
        for m in range(k, end):
            first = 3 if m == k else 0
            r.typed += len(sentences[m]["figures"]) - first
            r.visited.update(("二(二)", m + 1, j) for j in range(first, len(sentences[m]["figures"])))

    # 三 三公: 2024 amounts; the change against the 2023 budget (printed as its size after 减少)
    cur3, bud3 = L.tp_group(L.tp), L.tp_group(L.cmp["上年预算"]["three_public"])
    figs("三", 1, [wan(cur3[0]), wan(cur3[1]), wan(cur3[3]), wan(cur3[4]), wan(cur3[5])])
    figs("三", 2, [wan(abs(cur3[0] - bud3[0])), wan(abs(cur3[1] - bud3[1])), wan(abs(cur3[3] - bud3[3])),
                  wan(abs(cur3[4] - bud3[4]))])

    # 四: no 基金 leaves -> the zero alternative, no figures
    r.text("四 sentence 1", by_section["四"][0]["sentence"], f"{L.unit['short_name']}2024年无政府性基金预算财政拨款收支。")

    # 五 收支总体 + every 预算会计 line with its share
    inc_all, inc_cur = L.inc_sum(), L.inc_sum(period=CUR)
    exp_all, exp_cur = L.exp_sum(), L.exp_sum(period=CUR)
    figs("五", 1, [wan(inc_all), wan(inc_cur), wan(inc_all - inc_cur), wan(exp_all), wan(exp_cur), ZERO])
    lines = [L.inc_sum(source=FISCAL, period=CUR), L.inc_sum(category=(CAT_SHIYE, CAT_SHIYE_SCI, CAT_EDU), period=CUR)]
    lines += [L.inc_sum(category=c, period=CUR) for c in (CAT_UPPER, CAT_AFFIL, CAT_BIZ, CAT_DEBT)]
    lines += [L.inc_sum(category=(CAT_HORIZ, CAT_NONLOCAL), period=CUR)]
    lines += [L.inc_sum(category=c, period=CUR) for c in (CAT_INVEST, CAT_OTHER)]
    figs("五", 2, [x for v in lines for x in (wan(v), pct(v, inc_cur))])
    natures = [L.exp_sum(nature=n, period=CUR) for n in NATURES]
    figs("五", 3, [x for v in natures for x in (wan(v), pct(v, exp_cur))])

    # 六(一) 机关运行经费: the 公用经费 sentence of 二(一); the typed 机关运行经费 must equal it
    v, lab = item_list("公用")
    figs("六(一)", 1, v, lab)
    admin = sum((Decimal(a["amount"]) for a in doc["admin_running"]), ZERO)
    r.num("六(一) sentence 1 figure 1 (typed 机关运行经费)", by_section["六(一)"][0]["figures"][0]["figure"], wan(admin),
          typed=True)

    # 六(二) 政府采购
    p = {k: Decimal(doc["procurement"][k]) for k in ("goods", "works", "services")}
    figs("六(二)", 1, [wan(sum(p.values(), ZERO)), wan(p["goods"]), wan(p["works"]), wan(p["services"])])

    # 六(三) 国有资产 (typed block: area m², value 元, count)
    a = {item["class"]: item for item in doc["assets"]["items"]}
    got = by_section["六(三)"][0]["figures"]
    expected = [Decimal(a["房屋"]["area"]), wan(Decimal(a["房屋"]["value"])), Decimal(a["土地"]["area"]),
                wan(Decimal(a["土地"]["value"])), Decimal(a["车辆"]["count"]), wan(Decimal(a["车辆"]["value"])),
                wan(Decimal(a["办公家具"]["value"])), wan(Decimal(a["其他资产"]["value"]))]
    for k, (f, v) in enumerate(zip(got, expected)):
        r.num(f"六(三) sentence 1 figure {k + 1} ({f['before']})", f["figure"], v, typed=True, at=("六(三)", 1, k))
    if doc["assets"]["as_of"] != "2023-12-31" or "截至2023年12月31日" not in by_section["六(三)"][0]["sentence"]:
        r.mismatches.append(("六(三) as_of", by_section["六(三)"][0]["sentence"][:12], doc["assets"]["as_of"]))

    # 六(四): the evaluation paragraph (typed), then the key projects: amount derived, heading and text typed
    typed("六(四)", 1, typed_texts[("部门预算情况说明", "六(四)", "")].split("。")[0] + "。")
    r.text("六(四) typed paragraph", "".join(s["sentence"] for s in by_section["六(四)"]),
           typed_texts[("部门预算情况说明", "六(四)", "")])
    projects = {p["seq"]: p for p in doc["projects"]}
    headings = {h["section"]: h["text"] for h in T["headings"]}
    for n, kp in enumerate(doc["key_projects"], 1):
        section = f"六(四){n}"
        pr = projects[kp["project"]]
        amount = sum((Decimal(x) for x in pr["current"].values()), ZERO) + sum((Decimal(x) for x in pr["carryover"].values()), ZERO)
        figs(section, 1, [wan(amount)])
        r.text(f"{section} heading", headings[section], f"{n}.{kp['heading'] or pr['name'] + '项目'}")
        ss = by_section[section]
        lead = f"项目资金总额{trim(wan(amount))}万元，"
        r.text(f"{section} text", "".join(s["sentence"] for s in ss), lead + kp["text"])
        r.typed += sum(len(s["figures"]) for s in ss[1:])
        r.visited.update((section, m, k) for m, s in enumerate(ss[1:], 2) for k in range(len(s["figures"])))

    # 六(五): typed
    r.text("六(五) typed text", by_section["六(五)"][0]["sentence"], typed_texts[("部门预算情况说明", "六(五)", "")])

    # 单位概况: duties (typed, verbatim) and the unit count
    duties = [t["text"] for t in doc["texts"] if t["part"] == "单位概况" and t["section"] == "一"]
    printed = "".join(s["sentence"] for s in T["overview"] if s["section"] == "一")
    r.text("单位概况 一 duties", printed, "".join(duties))
    two = [s for s in T["overview"] if s["section"] == "二"][0]
    r.num("单位概况 二 sentence 1 figure 1 (单位共)", two["figures"][0]["figure"], Decimal(len(doc["subordinate_units"])),
          at=("概况二", 1, 0))
    r.text("单位概况 二 list", two["sentence"].split("包括")[1], "、".join(doc["subordinate_units"]) + "。")

    # coverage: every printed narrative figure was compared (derived) or found inside a typed text
    for section, sentences in by_section.items():
        for n, s in enumerate(sentences, 1):
            for k, f in enumerate(s["figures"]):
                if (section, n, k) not in r.visited:
                    r.mismatches.append((f"{section} sentence {n} figure {k + 1} not covered", f["figure"], "(nothing)"))


def trim(x: Decimal) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") or "0"


# ----------------------------------------------------------------------------------------------- forms
def check_forms(L: Leaves, T: dict, r: Report):
    doc = L.doc
    projects = {p["seq"]: p for p in doc["projects"]}
    pforms = {f["project"]: f for f in doc["project_forms"]}
    for form in T["forms"]:
        seq = form["order"]          # the forms follow the projects' order (seq)
        p, pf = projects[seq], pforms[seq]
        where = f"form {seq}"
        fiscal = sum((Decimal(v) for s, v in p["current"].items() if s in FISCAL), ZERO)
        other = sum((Decimal(v) for s, v in p["current"].items() if s not in FISCAL), ZERO)
        r.num(f"{where} 年度资金总额", form["funds"]["年度资金总额"], wan(fiscal + other))
        r.num(f"{where} 其中：财政拨款", form["funds"]["其中：财政拨款"], wan(fiscal))
        r.num(f"{where} 其他资金", form["funds"]["其他资金"], wan(other))
        r.text(f"{where} 项目名称", form["fields"]["项目名称"], p["name"])
        r.text(f"{where} 主管部门及代码", "|".join(form["fields"]["主管部门及代码"]),
               f"{L.unit['dept_name']}|{L.unit['dept_code']}")
        r.text(f"{where} 实施单位", form["fields"]["实施单位"], L.unit["name"])
        r.text(f"{where} 项目属性", form["fields"]["项目属性"], pf["attribute"])
        r.text(f"{where} 项目期", form["fields"]["项目期"], pf["term"])
        r.text(f"{where} 年度总体目标", form["texts"]["年度总体目标"], "\n".join(pf["goals"]))
        r.text(f"{where} indicators", json.dumps(form["indicators"], ensure_ascii=False),
               json.dumps(pf["indicators"], ensure_ascii=False))
        r.typed += sum(1 for row in pf["indicators"] for part in row[3].split("\n") if any(ch.isdigit() for ch in part))
        r.text(f"{where} 综合评定等级", form["footer"]["综合评定等级"][0].rstrip("\uf052"), pf["rating"])
    r.same("Σ project amounts = Σ 项目支出 leaves (元)",
           sum((Decimal(v) for p in doc["projects"] for v in p["current"].values()), ZERO) - L.exp_sum(kind=PROJ, period=CUR))
    for code in sorted({p["code"] for p in doc["projects"]}):
        r.same(f"Σ projects on {code} = its 项目支出 leaf (元)",
               sum((Decimal(v) for p in doc["projects"] if p["code"] == code for v in p["current"].values()), ZERO)
              - L.exp_sum(code=code, kind=PROJ, period=CUR))


def check_glossary(L: Leaves, T: dict, r: Report):
    added = L.doc["glossary_additions"]
    printed = T["glossary"][-len(added):]
    for g, a in zip(printed, added):
        r.text(f"glossary {g['number']}", f"{g['term']}：{g['text']}", f"{a['term']}：{a['text']}")


def main(argv: list[str]) -> int:
    quiet = "--quiet" in argv
    leaves_path = Path(argv[argv.index("--leaves") + 1]) if "--leaves" in argv else LEAVES
    try:
        doc = json.loads(leaves_path.read_text(encoding="utf-8"))
        T = json.loads(GOLDEN.read_text(encoding="utf-8"))
        fnames, enames = load_names()
    except (OSError, ValueError) as exc:
        print(f"cannot read: {exc}", file=sys.stderr)
        return 2
    L, r = Leaves(doc), Report()
    check_tables(L, T, r, fnames, enames)
    check_narrative(L, T, r, fnames, enames)
    check_forms(L, T, r)
    check_glossary(L, T, r)

    slips = [m for m in r.mismatches if m[0] in SLIPS]
    failures = [m for m in r.mismatches if m[0] not in SLIPS]
    seen = {m[0] for m in slips}
    gone = [k for k in SLIPS if k not in seen]
    leaves = (len(doc["income"]) + len(doc["expenditure"]) + len(doc["economic"]) + len(doc["three_public"])
              + len(doc["admin_running"]) + sum(len(p["current"]) + len(p["carryover"]) for p in doc["projects"])
              + sum(len(d[k]) for d in doc["comparisons"].values() for k in ("expenditure", "three_public", "admin_running", "income"))
              + 3 + len(doc["assets"]["items"]))
    print(f"zhongwei-2024 leaves: {leaves} amount leaves, {len(doc['texts'])} texts, {len(doc['key_projects'])} key projects, "
          f"{len(doc['project_forms'])} project forms")
    wrong = {kind: sum(1 for m in r.mismatches if r.kinds.get(m[0], "text") == kind)
             for kind in ("derived", "typed", "text", "check")}
    print(f"derived figures: {r.derived - wrong['derived']}/{r.derived} reproduced "
          f"({', '.join(f'{k} {v}' for k, v in sorted(r.area.items()))})")
    print(f"typed figures (inside typed texts and blocks): {r.typed - wrong['typed']}/{r.typed} found as typed")
    print(f"codes, names and texts: {r.labels - wrong['text']}/{r.labels} equal; "
          f"元-exact relationships between leaves: {r.checks - wrong.get('check', 0)}/{r.checks} hold")
    print(f"mismatches: {len(r.mismatches)} ({len(slips)} known slips, {len(failures)} failures)")
    if not quiet:
        for where, printed, expected in slips:
            number, why = SLIPS[where]
            print(f"  slip {number:4} {where}: printed {printed!r}, leaves give {expected!r} ({why})")
    for where, printed, expected in failures:
        print(f"  FAIL {where}: printed {printed!r}, leaves give {expected!r}")
    for where in gone:
        print(f"  FAIL listed slip no longer occurs: {where}")
    return 0 if not failures and not gone else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
