#!/usr/bin/env python3
"""Recompute hejing-2024 (和静县社会保险中心, Xinjiang) from its leaves and compare with what the document prints.

Leaves: examples/data/hejing-2024.leaves.json (amounts in 元, typed texts); printed figures: the golden
transcript tests/golden/hejing-2024.json. Every table amount cell (blank cells included: they must come
out 0), every figure of 第一部分 and 第三部分, the unit form's typed values and the closing date are
recomputed from the leaves, rounding once to 万元 with ROUND_HALF_UP, and compared as numbers ("0", "0.00",
"" and "20.1" / "20.10" are the same). Figures that sit inside a typed text (a reason, a 资金分配情况) are
typed, not derived: they are checked to occur in the typed text and, separately, to agree with the leaves.

Besides figures the script checks the derived row lists (codes and names) of the coded tables, the name
lists and 项 names the sentences print, the typed texts (each must occur verbatim in its section), the
leaves' own identities (income = expenditure, projects = their 项, 三公 = 表6 款, …) and the document's
cross-figure relations that the study lists as slips (profiles-study.md §3.2).

Prints a summary and every mismatch (where, printed, recomputed, known slip or not). Exit 0 when every
mismatch is a listed slip of the document. Standard library + decimal only.

    python tools/verify_hejing-2024_leaves.py [--verbose]     # --verbose: also list every check
"""
from __future__ import annotations

import csv
import json
import re
import sys
from decimal import ROUND_HALF_UP, Decimal as D
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEAVES = ROOT / "examples" / "data" / "hejing-2024.leaves.json"
GOLDEN = ROOT / "tests" / "golden" / "hejing-2024.json"
CLASSIFICATION = ROOT / "budget_author" / "classification" / "data"
CENT, WAN, ZERO = D("0.01"), D(10000), D(0)
GPB, CUR, CARRY, BJ, SJ = "一般公共预算", "当年预算", "上年结转", "本级", "上级转移支付"
FISCAL = ("一般公共预算", "政府性基金预算", "国有资本经营预算")
NONFISCAL = ("财政专户管理资金", "单位资金")
BASIC, PROJECT = "基本支出", "项目支出"

# The document's own slips (profiles-study.md §3.2; tests/golden/hejing-2024.md). A mismatch that names one of
# these is expected: consistent leaves cannot reproduce it.
SLIPS = {
    "#1": "单位整体绩效目标表 本级资金 308.43 / 上级资金 87.40 and 十二(四) 涉及金额 395.83, against 一般财力 308.44, "
          "上级转移支付 81.89 and 收支总预算 395.84 everywhere else (typed as printed)",
    "#2": "单位整体绩效目标表 分值权重 add to 90, not 100 (typed as printed)",
}


def wan(yuan: D) -> D:
    """元 → 万元, rounded once, half-up, 2 decimals."""
    return (yuan / WAN).quantize(CENT, ROUND_HALF_UP)


def pct(part: D, whole: D) -> D:
    return (part / whole * 100).quantize(CENT, ROUND_HALF_UP)


def num(printed: str) -> D:
    printed = printed.strip().rstrip("%")
    return D(printed) if printed else ZERO


def compare(current: D, prior: D) -> tuple[D, int, D]:
    """(|change| in 元, sign, percentage) with Xinjiang's wording rules: from a zero base the document prints
    增长100.00% (二 财政拨款结转, 五(三) 3 and 7); unchanged prints 减少0.00 / 下降0.00% (十)."""
    change = current - prior
    sign = (change > 0) - (change < 0)
    if prior == 0:
        return abs(change), sign, D(100) if change else ZERO
    return abs(change), sign, pct(abs(change), prior)


def direction(before: str) -> int | None:
    words = re.findall(r"增加|增长|减少|下降", before)
    return None if not words else (1 if words[-1] in ("增加", "增长") else -1)


# ------------------------------------------------------------------------------------------ loading
def load():
    leaves = json.loads(LEAVES.read_text(encoding="utf-8"))
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    for key in ("income", "expenditure", "economic", "three_public", "admin_running"):
        for f in leaves[key]:
            f["amount"] = D(f["amount"])
    for ds in leaves["comparisons"].values():
        for key in ("income", "expenditure", "three_public", "admin_running"):
            for f in ds.get(key, []):
                f["amount"] = D(f["amount"])
        ds["totals"] = {k: D(v) for k, v in ds.get("totals", {}).items()}
    for p in leaves["projects"]:
        for key in ("current", "carryover", "economic"):
            p[key] = {k: D(v) for k, v in p[key].items()}
    return leaves, golden


def read_csv(name):
    with open(CLASSIFICATION / name, encoding="utf-8", newline="") as fh:
        return {r["code"]: r["name"] for r in csv.DictReader(fh)}


def total(facts, **flt) -> D:
    """Σ amount of the facts matching every filter; a tuple means 'one of', prefix= matches a code prefix."""
    out = ZERO
    for f in facts:
        ok = True
        for k, want in flt.items():
            if k == "prefix":
                ok = f["code"].startswith(want)
            elif isinstance(want, tuple):
                ok = f.get(k, "") in want
            else:
                ok = f.get(k, "") == want
            if not ok:
                break
        if ok:
            out += f["amount"]
    return out


# ------------------------------------------------------------------------------------------ the checker
class Verify:
    def __init__(self, leaves, golden):
        self.L, self.G = leaves, golden
        self.results = []  # (group, where, printed, expected, ok, slip)
        self.FUN = read_csv("functional_classification.csv")
        self.ECO = read_csv("economic_classification_dept.csv")
        L = leaves
        self.exp, self.inc, self.eco = L["expenditure"], L["income"], L["economic"]
        self.tp, self.prior = L["three_public"], L["comparisons"]["上年预算"]
        self.cur_projects = [p for p in L["projects"] if any(p["current"].values())]
        self.carry_projects = [p for p in L["projects"] if any(p["carryover"].values())]

    # -- recording
    def check(self, group, where, printed, expected, ok=None, slip=None):
        if ok is None:
            ok = printed == expected
        self.results.append((group, where, printed, expected, ok, slip))
        return ok

    def figure(self, where, printed: str, expected: D, money=True, slip=None):
        """A printed number against its recomputation (money: 元 → 万元)."""
        got = wan(expected) if money else expected
        return self.check("figure" if printed.strip() else "blank", where, printed, got, num(printed) == got, slip)

    # -- tables -----------------------------------------------------------------------------------------
    def derived_rows(self, facts, levels=(3, 5, 7)):
        codes = sorted({f["code"][:n] for f in facts if f["amount"] for n in levels})
        return codes

    def coded_rows(self, name, ncode=3):
        return [r for r in self.G["tables"][name]["rows"] if r[0] != "合计"]

    def rows_check(self, name, facts, names, levels=(3, 5, 7), ncode=3, name_col=3):
        printed = [("".join(r[:ncode]), r[name_col]) for r in self.coded_rows(name, ncode)]
        expected = [(c, names.get(c, "?")) for c in self.derived_rows(facts, levels)]
        self.check("rows", f"{name} row list (codes, names)", printed, expected)

    def tables(self):
        T, exp, inc = self.G["tables"], self.exp, self.inc
        # 表1 收支总体情况表: income lines (left) and 类 (right)
        I = lambda **k: total(inc, **k)
        left = {
            "一、本年收入": I(period=CUR), "1.一般公共预算拨款": I(source=GPB, period=CUR),
            "其中：一般财力": I(source=GPB, period=CUR, level=BJ), "上级一般公共预算安排转移支付": I(source=GPB, period=CUR, level=SJ),
            "2.政府性基金预算拨款": I(source="政府性基金预算", period=CUR),
            "其中：政府性基金收入": I(source="政府性基金预算", period=CUR, level=BJ),
            "上级政府性基金安排转移支付": I(source="政府性基金预算", period=CUR, level=SJ),
            "3.国有资本经营预算拨款": I(source="国有资本经营预算", period=CUR),
            "其中：国有资本经营收入": I(source="国有资本经营预算", period=CUR, level=BJ),
            "上级国有资本经营预算安排转移支付": I(source="国有资本经营预算", period=CUR, level=SJ),
            "4.财政专户核拨": I(source="财政专户管理资金", period=CUR), "5.单位资金": I(source="单位资金", period=CUR),
            **{f"其中：事业收入" if c == "事业收入" else c: I(source="单位资金", period=CUR, category=c)
               for c in ("事业收入", "上级补助收入", "附属单位上缴收入", "事业单位经营收入", "其他收入")},
            "二、上年结转结余": I(period=CARRY), "1.财政拨款结转": I(source=FISCAL, period=CARRY),
            "其中：一般公共预算拨款": I(source=GPB, period=CARRY), "政府性基金预算拨款": I(source="政府性基金预算", period=CARRY),
            "国有资本经营预算拨款": I(source="国有资本经营预算", period=CARRY),
            "2.非财政拨款结余": I(source=NONFISCAL, period=CARRY), "其中：财政专户核拨": I(source="财政专户管理资金", period=CARRY),
            "单位资金": I(source="单位资金", period=CARRY), "收入总计": I(),
        }
        for r in T["表1"]["rows"]:
            if r[0]:
                self.figure(f"表1 {r[0]}", r[1], left[r[0]])
            exp_side = total(exp) if r[2] == "支出总计" else total(exp, prefix=r[2][:3])
            self.figure(f"表1 {r[2]}", r[3], exp_side)
        # 表2 收入总体情况表 (by 项, income = expenditure)
        cols2 = {4: {}, 5: {"source": FISCAL, "period": CUR}, 6: {"source": GPB, "period": CUR, "level": BJ},
                 7: {"source": GPB, "period": CUR, "level": SJ}, 8: {"source": "政府性基金预算", "period": CUR, "level": BJ},
                 9: {"source": "政府性基金预算", "period": CUR, "level": SJ}, 10: {"source": "国有资本经营预算", "period": CUR, "level": BJ},
                 11: {"source": "国有资本经营预算", "period": CUR, "level": SJ}, 12: {"source": "财政专户管理资金", "period": CUR},
                 13: {"source": "单位资金", "period": CUR}, 14: {"source": FISCAL, "period": CARRY},
                 15: {"source": NONFISCAL, "period": CARRY}}
        self.coded_table("表2", exp, cols2)
        self.rows_check("表2", exp, self.FUN)
        # 表3 支出总体情况表
        self.coded_table("表3", exp, {4: {}, 5: {"kind": BASIC}, 6: {"kind": PROJECT}})
        self.rows_check("表3", exp, self.FUN)
        # 表4 财政拨款收支预算总体情况表 (当年 only)
        left4 = {"一、财政拨款（补助）": I(source=FISCAL, period=CUR), "一般公共预算": I(source=GPB, period=CUR),
                 "政府性基金预算": I(source="政府性基金预算", period=CUR), "国有资本经营预算": I(source="国有资本经营预算", period=CUR),
                 "收入总计": I(source=FISCAL, period=CUR)}
        for r in T["表4"]["rows"]:
            if r[0]:
                self.figure(f"表4 {r[0]}", r[1], left4[r[0]])
            flt = {} if r[2] == "支出总计" else {"prefix": r[2][:3]}
            for c, src in ((3, FISCAL), (4, GPB), (5, "政府性基金预算"), (6, "国有资本经营预算")):
                self.figure(f"表4 {r[2]} {T['表4']['columns'][c]}", r[c], total(exp, source=src, period=CUR, **flt))
        # 表5 一般公共预算支出情况表 (一般公共预算 当年, 本级 + 上级)
        gpb = [f for f in exp if f["source"] == GPB and f["period"] == CUR]
        self.coded_table("表5", gpb, {4: {}, 5: {"kind": BASIC}, 6: {"kind": PROJECT}})
        self.rows_check("表5", gpb, self.FUN)
        # 表6 一般公共预算基本支出情况表 (部门经济分类 class / 款)
        eco = [f for f in self.eco if f["source"] == GPB and f["period"] == CUR]
        for r in T["表6"]["rows"]:
            code = "" if r[0] == "合计" else r[0] + r[1]
            flt = {"prefix": code} if code else {}
            self.figure(f"表6 {code or '合计'} 合计", r[3], total(eco, **flt))
            cost = lambda classes: sum((f["amount"] for f in eco if f["code"].startswith(code) and f["code"][:3] in classes), ZERO)
            self.figure(f"表6 {code or '合计'} 人员经费", r[4], cost(("301", "303")))
            self.figure(f"表6 {code or '合计'} 公用经费", r[5], cost(("302",)))
        self.rows_check("表6", eco, self.ECO, levels=(3, 5), ncode=2, name_col=2)
        # 表7 一般公共预算项目支出情况表 (projects on their 项, by economic class)
        classes = ["301", "302", "303", "307", "309", "310", "311", "312", "313", "399"]
        pf = [{"code": p["code"], "amount": p["current"].get(GPB, ZERO), "economic": p["economic"], "name": p["name"]}
              for p in self.cur_projects]
        for r in T["表7"]["rows"]:
            code = "" if r[0] == "合计" else r[0] + r[1] + r[2]
            mine = [p for p in pf if p["code"].startswith(code) and (not r[4] or p["name"] == r[4])]
            self.figure(f"表7 {code or '合计'} 项目支出合计", r[5], sum((p["amount"] for p in mine), ZERO))
            for c, cls in zip(range(6, 16), classes):
                val = sum((a for p in mine for k, a in p["economic"].items() if k.startswith(cls)), ZERO)
                self.figure(f"表7 {code or '合计'} {T['表7']['columns'][c]}", r[c], val)
        names7 = []
        for c in self.derived_rows(pf):
            if len(c) == 7:
                names7 += [(c, self.FUN[c], p["name"]) for p in pf if p["code"] == c]
            else:
                names7.append((c, self.FUN[c], ""))
        self.check("rows", "表7 row list (codes, names, projects)",
                   [("".join(r[:3]), r[3], r[4]) for r in self.coded_rows("表7")], names7)
        # 表8 / 表9: 政府性基金 / 国有资本经营 expenditure (empty tables: a 合计 row without figures)
        for name, src in (("表8", "政府性基金预算"), ("表9", "国有资本经营预算")):
            r = T[name]["rows"][0]
            facts = [f for f in exp if f["source"] == src and f["period"] == CUR]
            for c, flt in ((4, {}), (7, {"kind": PROJECT})):
                self.figure(f"{name} 合计 {T[name]['columns'][c]}", r[c], total(facts, **flt))
            for c, cls in ((5, ("301", "303")), (6, ("302",))):
                self.figure(f"{name} 合计 {T[name]['columns'][c]}", r[c],
                            sum((total(self.eco, source=src, prefix=k) for k in cls), ZERO))
            self.check("rows", f"{name} has no coded rows", len(T[name]["rows"]) - 1, len(self.derived_rows(facts)))
        # 表10 三公
        items = {"因公出国（境）费": ("因公出国（境）费",), "公务接待费": ("公务接待费",), "其中：公务用车购置费": ("公务用车购置费",),
                 "公务用车运行费": ("公务用车运行维护费",), "公务用车购置及运行费（小计）": ("公务用车购置费", "公务用车运行维护费"),
                 "合计": ("因公出国（境）费", "公务接待费", "公务用车购置费", "公务用车运行维护费")}
        for r in T["表10"]["rows"]:
            for c, src in ((1, FISCAL), (2, GPB), (3, "政府性基金预算"), (4, "国有资本经营预算")):
                self.figure(f"表10 {r[0]} {T['表10']['columns'][c]}", r[c], total(self.tp, item=items[r[0]], source=src))
        # 表11 上年结转结余 (carry-over projects; no carried-over basic expenditure in the leaves)
        rows11 = T["表11"]["rows"]
        carry_basic = [f for f in exp if f["period"] == CARRY and f["kind"] == BASIC]
        def col11(projects, basic_facts, c):
            fiscal = c in (2, 3, 4, 5)
            srcs = FISCAL if fiscal else NONFISCAL
            proj = sum((a for p in projects for s, a in p["carryover"].items() if c == 1 or s in srcs), ZERO)
            basic = total(basic_facts, **({} if c == 1 else {"source": srcs}))
            return {1: proj + basic, 2: proj + basic, 6: proj + basic, 3: ZERO, 7: ZERO, 4: ZERO, 8: ZERO,
                    5: proj, 9: proj}[c]  # 人员/公用 would come from carried-over basic lines' economic codes (none)
        for r in rows11:
            mine = self.carry_projects if r[0] == "合计" else [p for p in self.carry_projects if p["name"] == r[0]]
            for c in range(1, 10):
                self.figure(f"表11 {r[0][:12]} {T['表11']['columns'][c]}{'(财政)' if c < 6 else '(非财政)'}", r[c],
                            col11(mine, carry_basic if r[0] == "合计" else [], c))
        self.check("rows", "表11 carry-over projects (names, in order)", [r[0] for r in rows11[1:]],
                   [p["name"] for p in self.carry_projects])

    def coded_table(self, name, facts, cols):
        T = self.G["tables"][name]
        for r in T["rows"]:
            code = "" if r[0] == "合计" else r[0] + r[1] + r[2]
            for c, flt in cols.items():
                self.figure(f"{name} {code or '合计'} {T['columns'][c]}", r[c],
                            total(facts, **({"prefix": code} if code else {}), **flt))

    # -- narrative --------------------------------------------------------------------------------------
    def typed_spans(self, part, section, sentence):
        """(start, end) of every typed text of this section inside the sentence (final 。 may be ；/;/dropped)."""
        texts = [t["text"] for t in self.L["texts"] if t["part"] == part and t["section"] == section]
        if section.startswith("七") or section == "十一":
            texts += [v for p in self.L["projects"] for v in p["texts"].values()]
        spans = []
        for t in texts:
            for cand in (t, t.rstrip("。")):
                i = sentence.find(cand)
                if i >= 0 and cand:
                    spans.append((i, i + len(cand)))
                    break
        return spans

    def narrative(self):
        L, exp, inc = self.L, self.exp, self.inc
        E = {}  # section -> list of expected derived figures: (kind, value[, sign])
        amt = lambda v: ("amt", v)
        cnt = lambda v: ("cnt", D(v))
        def chg(cur, prior):
            ch, sign, p = compare(cur, prior)
            return [("chg", ch, sign), ("pct", p, sign)]
        total_in = total(inc)
        # 第一部分 二
        st = L["staffing"]
        E["overview 二"] = [cnt(len(L["divisions"])), cnt(st["authorized"]), cnt(sum(st["current"].values()))]
        for k in ("在职", "退休", "离休"):
            E["overview 二"] += [cnt(st["current"][k]), cnt(st["current"][k] - st["prior"][k])]
        # 一, 二
        E["一"] = [amt(total_in)]
        prior_inc = self.prior["income"]
        prior_all = total(self.prior["expenditure"])
        p_bj = total(prior_inc, source=GPB, period=CUR, level=BJ)
        p_carry = total(prior_inc, period=CARRY)
        p_sj = prior_all - p_bj - p_carry  # 上级 2023: the rest of the 2023 per-项 budget (study §2 typed minimum)
        E["二"] = [amt(total_in)]
        for flt, prior in (({"source": GPB, "period": CUR, "level": BJ}, p_bj), ({"source": GPB, "period": CUR, "level": SJ}, p_sj),
                           ({"source": FISCAL, "period": CARRY}, p_carry)):
            v = total(inc, **flt)
            E["二"] += [amt(v), ("pct", pct(v, total_in), None)] + chg(v, prior)
        # 三
        basic, project = total(exp, kind=BASIC), total(exp, kind=PROJECT)
        p_basic = self.prior["totals"]["basic_total"]
        p_project = prior_all - p_basic
        t_exp = total(exp)
        E["三"] = [amt(t_exp), amt(basic), ("pct", pct(basic, t_exp), None)] + chg(basic, p_basic) + \
                 [amt(project), ("pct", pct(project, t_exp), None)] + chg(project, p_project)
        # 四: 当年 财政拨款 and its 类
        E["四"] = [amt(total(inc, source=FISCAL, period=CUR)), amt(total(inc, source=GPB, period=CUR))]
        fisc = [f for f in exp if f["source"] in FISCAL and f["period"] == CUR]
        E["四"] += [amt(total(fisc, prefix=c)) for c in self.derived_rows(fisc, (3,))]
        # 五(一), 五(二): 一般公共预算 当年 (in 2023 every 项 line was 一般公共预算 当年, so the typed 2023 basic total serves)
        gpb = [f for f in exp if f["source"] == GPB and f["period"] == CUR]
        g_all, g_basic, g_proj = total(gpb), total(gpb, kind=BASIC), total(gpb, kind=PROJECT)
        p_gpb = total(self.prior["expenditure"], source=GPB, period=CUR)
        E["五(一)"] = [amt(g_all), amt(g_basic)] + chg(g_basic, p_basic) + [amt(g_proj)] + chg(g_proj, p_gpb - p_basic)
        E["五(二)"] = []
        for c in self.derived_rows(gpb, (3,)):
            v = total(gpb, prefix=c)
            E["五(二)"] += [amt(v), ("pct", pct(v, g_all), None)]
        # 五(三): every 项 with a 2024 or 2023 一般公共预算 当年 amount; 2024 项 first, then 2023-only, code order
        cur_codes = sorted({f["code"] for f in gpb if f["amount"]})
        prior_codes = sorted({f["code"] for f in self.prior["expenditure"] if f["amount"]} - set(cur_codes))
        self.items53 = cur_codes + prior_codes
        E["五(三)"] = []
        for c in self.items53:
            v = total(gpb, code=c)
            E["五(三)"] += [amt(v)] + chg(v, total(self.prior["expenditure"], code=c, source=GPB, period=CUR))
        # 六
        eco = [f for f in self.eco if f["source"] == GPB and f["period"] == CUR]
        E["六"] = [amt(total(eco)), amt(total(eco, prefix="301") + total(eco, prefix="303")), amt(total(eco, prefix="302"))]
        # 七: one section per current project, in order
        for i, p in enumerate(self.cur_projects):
            E[f"七({'一二三四五六七八九十'[i]})"] = [amt(sum(p["current"].values(), ZERO))]
        # 十: 三公
        order = ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费")
        ptp = self.prior["three_public"]
        E["十"] = [amt(total(self.tp))] + [amt(total(self.tp, item=i)) for i in order] + chg(total(self.tp), total(ptp))
        for i in order:
            E["十"] += chg(total(self.tp, item=i), total(ptp, item=i))
        # 十一
        cp = self.carry_projects
        E["十一"] = [amt(sum((a for p in cp for a in p["carryover"].values()), ZERO)),
                    amt(sum((a for p in cp for s, a in p["carryover"].items() if s in FISCAL), ZERO)),
                    amt(sum((a for p in cp for s, a in p["carryover"].items() if s in NONFISCAL), ZERO))]
        E["十一"] += [amt(sum(p["carryover"].values(), ZERO)) for p in cp]
        # 十二(一) 机关运行经费
        ar = total(L["admin_running"])
        E["十二(一)"] = [amt(ar)] + chg(ar, total(self.prior["admin_running"]))
        # 十二(二) 政府采购
        pr = {k: D(v) for k, v in L["procurement"].items()}
        E["十二(二)"] = [amt(pr["goods"] + pr["works"] + pr["services"]), amt(pr["goods"]), amt(pr["works"]),
                       amt(pr["services"]), amt(pr["sme_reserved"]), amt(pr["micro_reserved"])]
        # 十二(三) 国有资产
        items = L["assets"]["items"]
        one = lambda cls, kind="": next(a for a in items if a["class"] == cls and a["kind"] == kind)
        cars = [a for a in items if a["class"] == "车辆"]
        E["十二(三)"] = [cnt(one("房屋")["area"]), amt(D(one("房屋")["value"])),
                       cnt(sum(a["count"] for a in cars)), amt(sum((D(a["value"]) for a in cars), ZERO))]
        for kind in ("一般公务用车", "执法执勤用车", "其他车辆"):
            E["十二(三)"] += [cnt(one("车辆", kind)["count"]), amt(D(one("车辆", kind)["value"]))]
        E["十二(三)"] += [amt(D(one("办公家具")["value"])), amt(D(one("其他资产")["value"]))]
        big = ("单位价值50万元以上", "单位价值100万元以上")
        E["十二(三)"] += [cnt(one("大型设备", k)["count"]) for k in big]
        buys = L["assets"]["purchases"]
        E["十二(三)"] += [cnt(sum(a["count"] for a in buys if a["class"] == "大型设备" and a["kind"] == k)) for k in big]
        # 十二(四)/(五) 绩效
        form = L["unit_perf_form"]
        cur_fiscal = [p for p in self.cur_projects if any(p["current"].get(s) for s in FISCAL)]
        cur_nonfiscal = [p for p in self.cur_projects if any(p["current"].get(s) for s in NONFISCAL)]
        fsum = lambda ps, srcs: sum((a for p in ps for s, a in p["current"].items() if s in srcs), ZERO)
        E["十二(四)"] = [cnt(1 if form else 0), amt(sum((D(v) for v in form["funds"].values()), ZERO)),
                       cnt(len(cur_fiscal)), amt(fsum(cur_fiscal, FISCAL)), cnt(len(cur_nonfiscal)), amt(fsum(cur_nonfiscal, NONFISCAL))]
        unpublished = [p for p in self.cur_projects if not p["published"]]
        upper = [p for p in unpublished if p["level"] == SJ]
        E["十二(五)"] = [cnt(len(unpublished)), cnt(len(upper)), amt(fsum(upper, FISCAL + NONFISCAL)), cnt(len(cp)),
                       amt(sum((a for p in cp for a in p["carryover"].values()), ZERO))]

        # compare, section by section: the figures outside typed texts are derived, in order
        for part in ("overview", "narrative"):
            sections = []
            for e in self.G[part]:
                if e["section"] not in sections:
                    sections.append(e["section"])
            for sec in sections:
                key = f"overview {sec}" if part == "overview" else sec
                derived = []
                for e in (e for e in self.G[part] if e["section"] == sec):
                    spans, pos = self.typed_spans(part, sec, e["sentence"]), 0
                    for f in e["figures"]:
                        full = f["before"] + f["figure"] + f["after"]
                        i = e["sentence"].find(full, pos) + len(f["before"])
                        pos = i
                        if any(a <= i < b for a, b in spans):
                            self.check("typed-figure", f"{part} {sec} {f['before']}{f['figure']}{f['after']} (in a typed text)",
                                       f["figure"], f["figure"])
                        else:
                            derived.append(f)
                want = E.get(key, [])
                if len(want) != len(derived):
                    self.check("figure", f"{part} {sec}: number of derived figures", len(derived), len(want))
                for n, (f, w) in enumerate(zip(derived, want), 1):
                    where = f"{part} {sec} #{n} {f['before']}[{f['figure']}]{f['after']}"
                    kind, value = w[0], w[1]
                    got = wan(value) if kind in ("amt", "chg") else value
                    ok = num(f["figure"]) == got
                    if kind in ("chg", "pct") and len(w) > 2 and w[2] is not None:
                        said = direction(f["before"])
                        sign = w[2] if w[2] else -1  # unchanged is worded 减少 / 下降 in this document
                        ok = ok and said == sign
                        got = f"{'+' if sign > 0 else '-'}{got}"
                    self.check("figure", where, f["figure"], got, ok)

    # -- names and lists the sentences print -------------------------------------------------------------
    def names(self):
        L, N = self.L, self.G["narrative"]
        sent = lambda sec: [e["sentence"] for e in N if e["section"] == sec]
        ov2 = [e["sentence"] for e in self.G["overview"] if e["section"] == "二"][0]
        self.check("names", "第一部分 二 处室 list", ov2.split("分别是：")[1].rstrip("。").split("、"), L["divisions"])
        self.check("names", "第一部分 二 下属预算单位 (none)", "无下属预算单位" in ov2, not L["subordinate_units"])
        for n, (s, code) in enumerate(zip(sent("五(三)"), self.items53), 1):
            m = re.match(r"^\d+\.(.+?)（类）(.+?)（款）(.+?)（项）", s)
            self.check("names", f"五(三) #{n} 类/款/项 names", list(m.groups()),
                       [self.FUN[code[:3]], self.FUN[code[:5]], self.FUN[code]])
        eco = [f for f in self.eco if f["amount"]]
        for s in sent("六")[1:]:
            lab, lst = s.split("，主要包括：")
            classes = ("301", "303") if lab.startswith("人员经费") else ("302",)
            want = [self.ECO[c] for c in sorted({f["code"] for f in eco if f["code"][:3] in classes})]
            self.check("names", f"六 {lab[:4]} 款 list", lst.rstrip("。").split("、"), want)
        for i, p in enumerate(self.cur_projects):
            lines = dict(s.split("：", 1) for s in sent(f"七({'一二三四五六七八九十'[i]})"))
            self.check("names", f"七 project {p['seq']} 项目名称", lines["项目名称"], p["name"])
            self.check("names", f"七 project {p['seq']} 项目承担单位 (default: the unit)", lines["项目承担单位"], L["unit"]["name"])
            for k, v in p["texts"].items():
                self.check("text", f"七 project {p['seq']} {k}", lines.get(k), v)
        for s, p in zip(sent("十一")[1:], self.carry_projects):
            self.check("names", f"十一 carry-over project {p['seq']} name", s.split(".", 1)[1].startswith(p["name"]), True)
        lists = sent("一")
        self.check("names", "一 支出预算 类 list", lists[3].split("：")[1].rstrip("。").split("、"),
                   [self.FUN[c] for c in self.derived_rows(self.exp, (3,))])
        gp = [e for e in N if e["section"] == "五(二)"]
        gpb = [f for f in self.exp if f["source"] == GPB and f["period"] == CUR]
        self.check("names", "五(二) 类 names", [e["figures"][0]["before"] for e in gp],
                   [self.FUN[c] + "（类）" for c in self.derived_rows(gpb, (3,))])

    # -- typed texts ----------------------------------------------------------------------------------------
    def texts(self):
        for t in self.L["texts"]:
            sents = "".join(e["sentence"] for e in self.G[t["part"]] if e["section"] == t["section"])
            body = t["text"]
            found = body in sents or body.rstrip("。") in sents
            self.check("text", f"{t['part']} {t['section']} {t['subject'] or '-'}: {body[:16]}…", found, True)
        for p in self.carry_projects:
            s = next(e["sentence"] for e in self.G["narrative"] if e["section"] == "十一" and p["name"] in e["sentence"])
            self.check("text", f"十一 project {p['seq']} 主要用于", s.split("主要用于：")[1], p["texts"]["主要用于"])

    # -- the unit form, the closing --------------------------------------------------------------------------
    def form_and_closing(self):
        form, printed = self.L["unit_perf_form"], self.G["forms"][0]
        for k, v in form["funds"].items():
            self.figure(f"整体绩效目标表 {k} (typed as printed)", printed["funds"][k], D(v))
        self.check("text", "整体绩效目标表 联系人/电话", [printed["fields"]["单位联系人"], printed["fields"]["联系电话"]],
                   [form["contact"], form["phone"]])
        self.check("text", "整体绩效目标表 单位名称 (the unit)", printed["fields"]["单位名称（盖章）"], self.L["unit"]["name"])
        self.check("text", "整体绩效目标表 年度绩效目标", printed["texts"]["年度绩效目标"], "".join(form["goals"]))
        for n, (r, ind) in enumerate(zip(printed["indicators"], form["indicators"]), 1):
            self.check("text", f"整体绩效目标表 指标 {n}", r[:5], [ind["level1"], ind["level2"], ind["level3"], ind["value"], ind["basis"]])
            self.check("figure", f"整体绩效目标表 指标 {n} 分值权重 (typed)", r[5], ind["weight"])
        self.check("rows", "整体绩效目标表 indicator rows", len(printed["indicators"]), len(form["indicators"]))
        y, m, d = self.L["closing"]["date"].split("-")
        self.check("figure", "落款 date", self.G["closing"]["date"], f"{y}年{m}月{d}日")
        self.check("text", "落款 unit", self.G["closing"]["unit"], self.L["unit"]["name"])

    # -- identities of the leaves, and the document's relations that fail (slips) ----------------------
    def identities(self):
        L, exp, inc = self.L, self.exp, self.inc
        for src in FISCAL + NONFISCAL:
            for per in (CUR, CARRY):
                for lev in (BJ, SJ):
                    self.check("identity", f"income = expenditure: {src} {per} {lev}",
                               total(inc, source=src, period=per, level=lev), total(exp, source=src, period=per, level=lev))
        proj_facts = [f for f in exp if f["kind"] == PROJECT]
        for code in sorted({f["code"] for f in proj_facts}):
            for per, key in ((CUR, "current"), (CARRY, "carryover")):
                self.check("identity", f"项目支出 {code} {per} = Σ projects on that 项",
                           total(proj_facts, code=code, period=per),
                           sum((a for p in L["projects"] if p["code"] == code for a in p[key].values()), ZERO))
        for p in L["projects"]:
            if p["economic"]:
                self.check("identity", f"project {p['seq']} economic split = its current amount",
                           sum(p["economic"].values(), ZERO), sum(p["current"].values(), ZERO))
            self.check("identity", f"project {p['seq']} level = its 项 facts' level",
                       {f["level"] for f in proj_facts if f["code"] == p["code"] and f["period"] == CUR and p["current"]}
                       <= {p["level"]}, True)
        self.check("identity", "表6 合计 = 基本支出 (一般公共预算 当年)",
                   total(self.eco, source=GPB, period=CUR), total(exp, source=GPB, period=CUR, kind=BASIC))
        for eco, item in (("30217", "公务接待费"), ("30231", "公务用车运行维护费")):
            self.check("identity", f"三公 {item} = 表6 {eco}", total(self.tp, item=item), total(self.eco, code=eco))
        self.check("identity", "机关运行经费 = 公用经费 (参公 unit)", total(L["admin_running"]), total(self.eco, prefix="302"))
        for eco, codes in (("30108", ("2080505",)), ("30110", ("2101101",)), ("30111", ("2101103",)), ("30113", ("2210201",))):
            self.check("identity", f"表6 {eco} = 表5 {codes[0]}", total(self.eco, code=eco), total(exp, code=codes[0], kind=BASIC))
        self.check("identity", "表6 30302 + 30309 = 表5 2080501", total(self.eco, code="30302") + total(self.eco, code="30309"),
                   total(exp, code="2080501", kind=BASIC))
        pr = {k: D(v) for k, v in L["procurement"].items()}
        self.check("identity", "小微企业预留 ≤ 中小企业预留 ≤ 采购", pr["micro_reserved"] <= pr["sme_reserved"] <=
                   pr["goods"] + pr["works"] + pr["services"], True)
        # typed texts whose figures repeat leaves (study §3.2 #8, #9): the numbers agree
        t2 = next(t["text"] for t in L["texts"] if t["section"] == "二" and t["subject"] == "财政拨款结转")
        self.check("identity", "二 结转 reason figures = carry-over projects (万 / 万元 as typed)",
                   [D(x) for x in re.findall(r"(\d+\.\d+)万", t2)], [wan(sum(p["carryover"].values())) for p in self.carry_projects])
        for p in self.cur_projects:
            fig = re.findall(r"(\d+(?:\.\d+)?)万元", p["texts"]["资金分配情况"])
            self.check("identity", f"七 project {p['seq']} 资金分配情况 figure = its amount", [D(x) for x in fig],
                       [wan(sum(p["current"].values(), ZERO))])
        st = L["staffing"]
        for t in L["texts"]:
            for m in re.finditer(r"(离退休人员)?增加(\d+)人", t["text"]):
                k = "退休" if m.group(1) else "在职"
                self.check("identity", f"{t['section']} {t['subject'] or '-'}: typed 增加{m.group(2)}人 = staffing {k} change",
                           int(m.group(2)), st["current"][k] - st["prior"][k])
        # the document's relations that fail (slips): kept as differences, never forced into the leaves
        funds = {k: D(v) for k, v in L["unit_perf_form"]["funds"].items()}
        self.check("relation", "整体绩效目标表 本级资金 = 一般财力 (表1)", wan(funds["本级资金"]),
                   wan(total(inc, source=GPB, period=CUR, level=BJ)), slip="#1")
        self.check("relation", "整体绩效目标表 上级资金 = 上级转移支付 (表1)", wan(funds["上级资金"]),
                   wan(total(inc, source=GPB, period=CUR, level=SJ)), slip="#1")
        self.check("relation", "十二(四) 涉及金额 (Σ form funds) = 收支总预算", wan(sum(funds.values(), ZERO)), wan(total(inc)),
                   slip="#1")
        self.check("relation", "整体绩效目标表 分值权重 add to 100", sum(int(i["weight"]) for i in L["unit_perf_form"]["indicators"]),
                   100, slip="#2")


def main(argv):
    leaves, golden = load()
    v = Verify(leaves, golden)
    v.tables()
    v.narrative()
    v.names()
    v.texts()
    v.form_and_closing()
    v.identities()
    R = v.results
    by = lambda g, ok=True: sum(1 for r in R if r[0] == g and r[4] == ok)
    bad = [r for r in R if not r[4]]
    unlisted = [r for r in bad if not r[5]]
    print(f"hejing-2024 leaves: {len(leaves['income'])} income, {len(leaves['expenditure'])} expenditure, "
          f"{len(leaves['economic'])} economic, {len(leaves['three_public'])} 三公, {len(leaves['projects'])} projects, "
          f"{len(leaves['texts'])} texts (+{sum(len(p['texts']) for p in leaves['projects'])} project texts)")
    print(f"  figures reproduced: {by('figure')} of {by('figure') + by('figure', False)} printed numbers "
          f"(tables, sentences, form, closing); {by('blank')} blank cells come out 0; "
          f"{by('typed-figure')} numbers sit in typed texts")
    print(f"  rows/lists/names: {by('rows') + by('names')} of {sum(r[0] in ('rows', 'names') for r in R)}; "
          f"typed texts found: {by('text')} of {sum(r[0] == 'text' for r in R)}; "
          f"leaf identities: {by('identity')} of {sum(r[0] == 'identity' for r in R)}; "
          f"document relations: {by('relation')} hold, {by('relation', False)} fail")
    if "--verbose" in argv:
        for r in R:
            print(f"    {'ok ' if r[4] else 'BAD'} [{r[0]}] {r[1]}: printed {r[2]!r}, recomputed {r[3]!r}")
    print(f"  mismatches: {len(bad)} ({len(bad) - len(unlisted)} known slips, {len(unlisted)} unexplained)")
    for g, where, printed, expected, ok, slip in bad:
        tag = f"known slip {slip}: {SLIPS[slip]}" if slip else "NOT a listed slip"
        print(f"    [{g}] {where}: printed {printed}, recomputed {expected} — {tag}")
    return 1 if unlisted else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
