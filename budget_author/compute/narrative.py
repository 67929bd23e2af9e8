"""The figures of 第三部分 (情况说明): computed once, registered by key, formatted for sentences.

The wording choices that depend on figures (增加/减少, 增长/下降, 持平) are made here,
in `change`, and nowhere else; the profile's sentences only place them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from budget_author.classification import cost_kind
from budget_author.compute import aggregate as A
from budget_author.compute.names import Names
from budget_author.compute.view import Figures
from budget_author.display import narrative_amount, percent, plain_number, share
from budget_author.model import Budget
from budget_author.money import round_half_up, to_wan
from budget_author.workbook import schema as S

GPB, GF, SOE = S.FISCAL_SOURCES
# The lead-ins a clerk types before a reason; the sentence already says 主要原因是.
_REASON_LEAD = re.compile(
    r"^(?:主要原因(?:是|为|在于|系)?|原因(?:是|为|在于|系)|主要是由于|主要是因为|主要是|主要由于|主要因为|主要系"
    r"|是由于|是因为|由于|因为)\s*[：:，,]?\s*")


def clean_reason(text: str) -> str:
    """A reason as a clause: no lead-in (主要原因是, 主要是, 原因是, 主要由于 …), no closing punctuation."""
    text = _REASON_LEAD.sub("", text.strip())
    return text.rstrip("。；;，, ")


class _Narrative:
    def __init__(self, budget: Budget, figures: Figures, names: Names):
        self.b = budget
        self.figures = figures
        self.names = names

    def money(self, key: str, yuan: Decimal) -> str:
        return self.figures.add(f"narrative.{key}", yuan, narrative_amount(yuan), "元")

    def pct(self, key: str, part: Decimal, whole: Decimal) -> str:
        value = share(part, whole)
        return self.figures.add(f"narrative.{key}", value, percent(value), "%")

    def count(self, key: str, n: int) -> str:
        return self.figures.add(f"narrative.{key}", Decimal(n), str(n), "个")

    def part(self, key: str, part: Decimal, whole: Decimal) -> dict[str, str]:
        return {"amount": self.money(f"{key}.amount", part), "share": self.pct(f"{key}.share", part, whole)}

    def change(self, key: str, current: Decimal, prior: Decimal | None, reason_key: str | None) -> dict[str, Any]:
        """Year-over-year change, worded. Shown equal when it rounds to 0.00 万元."""
        prior = prior if prior is not None else A.ZERO
        difference = current - prior
        same = round_half_up(to_wan(difference)) == 0
        ratio = share(abs(difference), prior)
        if not same and ratio is not None and round_half_up(ratio) == 0:
            ratio = None  # no sentence says 增长0.00%: a change too small to show as a percent is worded without one
        reason = clean_reason(self.b.reasons.get(reason_key, "")) if reason_key else ""
        return {
            "same": same,
            "up": difference > 0,
            "amount_verb": "增加" if difference > 0 else "减少",
            "percent_verb": "增长" if difference > 0 else "下降",
            "amount": self.money(f"{key}.change", abs(difference)),
            "percent": self.figures.add(f"narrative.{key}.change_percent", ratio, percent(ratio), "%")
            if ratio is not None else "",
            "reason": reason,
        }

    # ------------------------------------------------------------ sections
    def build(self) -> dict[str, Any]:
        b = self.b
        unit = b.unit
        n: dict[str, Any] = {"year": unit.year, "prior_year": unit.year - 1, "unit": unit.name,
                             "unit_type": unit.unit_type, "level": unit.level,
                             "project_wording": b.options.project_wording or S.PROJECT_WORDINGS[0]}
        n["income"] = self.income()
        n["expenditure"] = self.expenditure()
        n["fiscal"] = self.fiscal()
        n["gpb"] = self.gpb()
        n["basic"] = self.basic()
        n["three_public"] = self.three_public()
        n["admin_running"] = self.admin_running()
        n["procurement"] = self.procurement()
        n["performance"] = self.performance()
        n["assets"] = self.assets()
        return n

    def income(self) -> dict[str, Any]:
        b = self.b
        total = A.income(b)
        shares = {key: self.part(f"二.{key}", A.income(b, source=source, period=S.PERIOD_CURRENT), total)
                  for key, source in S.SOURCE_KEYS.items()}
        shares["carryover"] = self.part("二.carryover", A.income(b, period=S.PERIOD_CARRYOVER), total)
        return {
            "total": self.money("一.income.total", total),
            "current": self.money("一.income.current", A.income(b, period=S.PERIOD_CURRENT)),
            "carryover": self.money("一.income.carryover", A.income(b, period=S.PERIOD_CARRYOVER)),
            "change": self.change("一.income", total, b.prior.get("income_total"), "income_total"),
            "shares": shares,
        }

    def expenditure(self) -> dict[str, Any]:
        b = self.b
        total = A.expenditure(b)
        return {
            "total": self.money("一.expenditure.total", total),
            "current": self.money("一.expenditure.current", A.expenditure(b, period=S.PERIOD_CURRENT)),
            "carryover": self.money("一.expenditure.carryover", A.expenditure(b, period=S.PERIOD_CARRYOVER)),
            "change": self.change("一.expenditure", total, b.prior.get("expenditure_total"), "expenditure_total"),
            "basic": self.part("三.basic", A.expenditure(b, kind=S.KIND_BASIC), total),
            "project": self.part("三.project", A.expenditure(b, kind=S.KIND_PROJECT), total),
        }

    def fiscal(self) -> dict[str, Any]:
        b = self.b
        fiscal_income = [A.income(b, source=s) for s in S.FISCAL_SOURCES]
        classes = []
        for klass in self.names.functional_classes():
            amount = sum((A.expenditure(b, source=s, prefix=klass) for s in S.FISCAL_SOURCES), A.ZERO)
            if amount:
                classes.append({"name": self.names.functional(klass), "amount": self.money(f"四.class.{klass}", amount)})
        return {
            "total": self.money("四.total", sum(fiscal_income, A.ZERO)),
            "gpb": self.money("四.gpb", fiscal_income[0]),
            "gf": self.money("四.gf", fiscal_income[1]),
            "soe": self.money("四.soe", fiscal_income[2]),
            "current": self.money("四.current", sum((A.income(b, source=s, period=S.PERIOD_CURRENT)
                                                    for s in S.FISCAL_SOURCES), A.ZERO)),
            "carryover": self.money("四.carryover", sum((A.income(b, source=s, period=S.PERIOD_CARRYOVER)
                                                        for s in S.FISCAL_SOURCES), A.ZERO)),
            "classes": classes,
        }

    def gpb(self) -> dict[str, Any]:
        b = self.b
        current = A.expenditure(b, source=GPB, period=S.PERIOD_CURRENT)
        classes = []
        for klass in self.names.functional_classes():
            amount = A.expenditure(b, source=GPB, period=S.PERIOD_CURRENT, prefix=klass)
            if amount:
                classes.append({
                    "code": klass,
                    "name": self.names.functional(klass),
                    "value": amount,
                    "fraction": amount / current,
                    **self.part(f"五.class.{klass}", amount, current),
                })
        return {
            "current": self.money("五.current", current),
            "change": self.change("五", current, b.prior.get("gpb_current_expenditure"), None),
            "classes": classes,
        }

    def basic(self) -> dict[str, Any]:
        b = self.b
        facts = [f for f in b.basic_economic if f.source == GPB]

        def group(cost: str, key: str) -> dict[str, Any]:
            typed = [f.code for f in facts if f.amount and cost_kind(f.code) == cost]
            # 按填写顺序: the order of the 基本支出经济分类 rows; else code order (the standard's)
            codes = list(dict.fromkeys(typed)) if b.options.list_order == S.LIST_ORDERS[1] else sorted(set(typed))
            return {"amount": self.money(f"六.{key}", A.economic(b, source=GPB, cost=cost)),
                    "names": [self.names.economic(c) for c in codes]}

        return {
            "total": self.money("六.total", A.economic(b, source=GPB)),
            "personnel": group("人员经费", "personnel"),
            "public_use": group("公用经费", "public_use"),
        }

    def three_public(self) -> dict[str, Any]:
        b = self.b
        total = A.three_public(b)
        prior_total = b.prior.get("three_public_total") or A.ZERO
        order = ("abroad", "reception", "vehicle_running", "vehicle_purchase")
        items = []
        for key in order:
            item = S.THREE_PUBLIC_KEYS[key]
            amount = A.three_public(b, item=item)
            items.append({
                "label": "因公出国（境）费" if key == "abroad" else item,
                "amount": self.money(f"七.{key}", amount),
                "change": self.change(f"七.{key}", amount, b.prior.get(key), key),
            })
        return {
            "none": total == 0 and prior_total == 0,
            "total": self.money("七.total", total),
            "change": self.change("七.total", total, b.prior.get("three_public_total"), "three_public_total"),
            "entries": items,
        }

    def admin_running(self) -> dict[str, Any]:
        b = self.b
        amount = A.admin_running(b)
        return {
            "applicable": bool(b.unit.is_admin),
            "amount": self.money("八.amount", amount),
            "change": self.change("八", amount, b.prior.get("admin_running"), "admin_running"),
        }

    def procurement(self) -> dict[str, Any]:
        p = self.b.procurement
        values = {key: p.get(key) or A.ZERO for key in ("goods", "works", "services")}
        return {"total": self.money("九.total", sum(values.values(), A.ZERO)),
                **{key: self.money(f"九.{key}", value) for key, value in values.items()}}

    def performance(self) -> dict[str, Any]:
        b = self.b
        overall = b.overall_performance
        projects = [p for p in b.projects if p.current_total]
        # 部门（单位）项目支出总额: the 项目支出 of section 三 (carry-over included), as both references use it
        project_total = A.expenditure(b, kind=S.KIND_PROJECT)

        def categories(chosen, key: str) -> list[dict[str, Any]]:
            out = []
            for index, name in enumerate(S.PROJECT_CATEGORIES):
                mine = [p for p in chosen if p.category == name]
                out.append({"name": name, "count": self.count(f"十.{key}.{index}.count", len(mine)),
                            "amount": self.money(f"十.{key}.{index}.amount", A.total(p.current_total for p in mine))})
            return out

        published = [p for p in projects if p.published]
        published_amount = A.total(p.current_total for p in published)
        return {
            "overall": {
                "compiled": overall.is_compiled if overall else False,
                "count": self.count("十.overall.count", overall.count) if overall and overall.count else "",
                "amount": self.money("十.overall.amount", overall.amount if overall else A.ZERO),
            },
            "projects": {
                "count": self.count("十.projects.count", len(projects)),
                "amount": self.money("十.projects.amount", A.total(p.current_total for p in projects)),
                "categories": categories(projects, "projects"),
                "published": {
                    "count": self.count("十.published.count", len(published)),
                    "amount": self.money("十.published.amount", published_amount),
                    "share": self.pct("十.published.share", published_amount, project_total),
                    "categories": categories(published, "published"),
                },
            },
        }

    def assets(self) -> dict[str, Any]:
        a = self.b.assets
        if a is None:
            return {}
        return {
            "as_of": f"{a.as_of.year}年{a.as_of.month}月{a.as_of.day}日",
            "quota": self.count("十一.vehicle_quota", a.vehicle_quota),
            "actual": self.count("十一.vehicles_actual", a.vehicles_actual),
            "vehicles": [{"label": label, "count": self.count(f"十一.vehicles.{key}", a.vehicles[label])}
                         for key, label in S.VEHICLE_KINDS],
            "floor_area": self.figures.add("narrative.十一.floor_area", a.floor_area, plain_number(a.floor_area),
                                           "平方米"),
            "equipment_50": self.count("十一.equipment_50", a.equipment_50),
            "equipment_100": self.count("十一.equipment_100", a.equipment_100),
        }


# How the parts of a narrative figure's key read in the redline.
_WORDS = {
    "income": "预算收入", "expenditure": "预算支出", "total": "总计", "current": "本年", "carryover": "上年结转",
    "basic": "基本支出", "project": "项目支出", "gpb": "一般公共预算", "gf": "政府性基金预算",
    "soe": "国有资本经营预算", "special": "财政专户管理资金", "unit": "单位资金", "personnel": "人员经费",
    "public_use": "公用经费", "abroad": "因公出国（境）费", "reception": "公务接待费",
    "vehicle_running": "公务用车运行维护费", "vehicle_purchase": "公务用车购置费", "goods": "政府采购货物",
    "works": "政府采购工程", "services": "政府采购服务", "overall": "整体绩效目标", "projects": "纳入绩效目标管理的项目",
    "published": "公开绩效目标的项目", "vehicle_quota": "公务用车编制", "vehicles_actual": "实有公务用车",
    "floor_area": "办公用房建筑面积", "equipment_50": "50万元以上通用设备", "equipment_100": "100万元以上通用设备",
    "0": S.PROJECT_CATEGORIES[0], "1": S.PROJECT_CATEGORIES[1],
    **{key: label for key, label in S.VEHICLE_KINDS},
}
_MEASURES = {"amount": "", "share": "占比", "change": "增减额", "change_percent": "增减幅度", "count": "个数"}


def _label(parts: list[str], names: Names) -> tuple[str, str]:
    """(subject, measure) of a narrative key's parts after the section: ["三", "basic", "share"] → 基本支出, 占比."""
    measure = ""
    if parts and parts[-1] in _MEASURES:
        measure = _MEASURES[parts.pop()]
    words = []
    for index, part in enumerate(parts):
        if part in ("class", "vehicles"):
            continue
        if index and parts[index - 1] == "class":
            words.append(names.functional(part))
        else:
            words.append(_WORDS.get(part, part))
    return " ".join(words) or "金额", measure


def narrative_figures(budget: Budget, figures: Figures, names: Names,
                      section_titles: dict[str, str] | None = None) -> dict[str, Any]:
    n = _Narrative(budget, figures, names).build()
    for key in [k for k in figures.by_key if k.startswith("narrative.")]:
        section, *rest = key.split(".")[1:]
        subject, measure = _label(rest, names)
        figures.relabel(key, group=(section_titles or {}).get(section, section), subject=subject, measure=measure)
    return n
