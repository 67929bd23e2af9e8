"""The figures of the narrative (情况说明): declared in the profile, computed here, registered by key.

A profile section declares its figures as data (`[parts.sections.figures]` in profile.toml):
each is one expression over the same datasets the tables read (compute.facts), and the engine
evaluates it, formats it, and registers it as `<part>.<section>.<key>` (narrative.三.basic.share). The sentence templates
then only place the shown texts and choose words (the wording flags come from compute.compare).
No section is written in Python.

Expressions (exactly one kind per figure):
- `sum = DATASET` (+ `filter`): money in 元, summed over the dataset's facts;
- `value = "path.on.budget"`: a typed value of the model (assets.floor_area, unit.is_admin, …);
- `share = [PART, WHOLE]`: PART / WHOLE × 100;
- `change = CURRENT` with `prior = PRIOR` (+ `reason`): compute.compare of the two (`format = "count"`:
  a change of people or things, its amount a count);
- `count = DATASET` with `distinct = DIMENSION`: how many distinct values have a non-zero sum;
- `zero = [A, B, …]`: true when every operand is zero;
- `names = DATASET` (+ `filter`, `order`): the names of the codes with a non-zero amount;
- `each = "codes" | "items" | "projects" | "key_projects"` with `figures`: a loop. `codes` walks the code
  hierarchy of `dataset` at `level` (non-zero only); `items` walks a fixed list; `projects` the projects;
  `key_projects` the 重点项目 sheet's rows in order (item fields: name, heading as typed, text). Inside the loop, sums over the loop's
  dataset are restricted to the item, and `{code}` / `{key}` in filters and keys name the item.
An operand is the name of another figure (looked up in the loop item, then the section, then
`一.income.total`-style in any earlier section) or an inline expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Union

from pydantic import BaseModel, ConfigDict, model_validator

from budget_author.compute.compare import Comparison, compare
from budget_author.compute.facts import Fact, select
from budget_author.compute.names import Names
from budget_author.compute.view import Figures
from budget_author.display import NARRATIVE, NARRATIVE_PERCENT, NumberFormat, plain_number, share
from budget_author.model import Budget
from budget_author.workbook import schema as S

ZERO = Decimal(0)
HUNDRED = Decimal(100)

# The lead-ins a clerk types before a reason; the sentence already says 主要原因是.
_REASON_LEAD = re.compile(
    r"^(?:主要原因(?:是|为|在于|系)?|原因(?:是|为|在于|系)|主要是由于|主要是因为|主要是|主要由于|主要因为|主要系"
    r"|是由于|是因为|由于|因为)\s*[：:，,]?\s*")


def clean_reason(text: str) -> str:
    """A reason as a clause: no lead-in (主要原因是, 主要是, 原因是, 主要由于 …), no closing punctuation."""
    text = _REASON_LEAD.sub("", text.strip())
    return text.rstrip("。；;，, ")


# ---------------------------------------------------------------- the declaration
KINDS = ("sum", "value", "share", "change", "count", "zero", "names", "each", "text", "length")
FORMATS = ("money", "percent", "count", "area", "date", "text", "flag")


class Item(BaseModel):
    """One entry of a fixed loop: its key (in figure keys), its label, and the filter it adds."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    label: str = ""
    filter: dict[str, Any] = {}
    words: dict[str, str] = {}  # free wording a sentence may use for this item (e.g. its name when zero)


class TextRef(BaseModel):
    """Typed texts of one 文本段落 栏目, optionally only those about one subject ({code}, {key} of a loop)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    section: str
    subject: str | None = None


class FigureSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    # the kind: exactly one
    sum: str | None = None
    value: str | None = None
    share: list[Union[str, "FigureSpec"]] | None = None
    change: Union[str, "FigureSpec", None] = None
    count: str | None = None
    zero: list[Union[str, "FigureSpec"]] | None = None
    names: str | None = None
    each: str | None = None  # "codes", "items", "projects" or "key_projects"
    text: TextRef | None = None  # typed text(s): a list of paragraphs
    length: str | None = None  # how many entries a list-valued figure (texts, names) has
    # modifiers
    filter: dict[str, Any] | None = None
    key: str | None = None  # the figure key below <part>.<section>.; default: the figure's name
    label: str | None = None  # what the figure is about, as the redline and diff name it ({name}, {code} of a loop)
    format: str | None = None
    style: str | None = None  # a named number format of the profile's [formats] (money / percent figures)
    percent_style: str | None = None  # change: the number format of its percentage
    blank_zero: bool = False  # zero or missing shows as "" and is not registered
    prior: Union[str, "FigureSpec", None] = None
    reason: Union[str, TextRef, None] = None  # the 变动原因: a 变动原因 row key, "上年预算:<key>" (typed beside
    # last year's figure), or typed texts by 栏目 and subject
    zero_base: Decimal | None = None  # change: the percentage printed from a zero base (100), else none
    keep_zero: bool = False  # change: print a percentage even when it rounds to zero or nothing changed (下降0.00%)
    clean: bool = False  # text: drop a lead-in such as 主要原因是 and the closing punctuation
    distinct: str | None = None
    order: str = "code"  # names: "code" or "workbook" (文档选项's 列举顺序); each = "codes": "code" or "current_first"
    dataset: str | None = None  # each: the dataset the loop walks and restricts
    datasets: list[str] | None = None  # each = "codes": more datasets whose codes join the walk (last year's)
    level: int | None = None  # each = "codes": 3 (类), 5 (款), 7 (项)
    items: list[Item] | None = None  # each = "items"
    nonzero: bool = False  # each = "items" / "projects": only the entries whose loop dataset sums to non-zero
    figures: dict[str, "FigureSpec"] | None = None  # each: the figures of every item

    @model_validator(mode="after")
    def _one_kind(self) -> "FigureSpec":
        kinds = [kind for kind in KINDS if getattr(self, kind) is not None]
        if len(kinds) != 1:
            raise ValueError(f"一个数字只能有一种计算方式（{'、'.join(KINDS)}），实为：{kinds or '无'}")
        if self.format is not None and self.format not in FORMATS:
            raise ValueError(f"format 只能是 {'、'.join(FORMATS)}")
        if self.names is not None and self.order not in ("code", "workbook"):
            raise ValueError("names 的 order 只能是 code 或 workbook")
        if self.change is not None and self.prior is None:
            raise ValueError("change 需要 prior（比较的上年数）")
        if self.each is not None:
            if self.each not in ("codes", "items", "projects", "key_projects") or not self.dataset or self.figures is None:
                raise ValueError("each 只能是 codes、items、projects 或 key_projects，且需要 dataset 和 figures")
            if self.order not in ("code", "current_first"):
                raise ValueError("each 的 order 只能是 code 或 current_first")
            if self.each == "codes" and self.level not in (3, 5, 7):
                raise ValueError("each = \"codes\" 需要 level = 3、5 或 7")
            if self.each == "items" and not self.items:
                raise ValueError("each = \"items\" 需要 items")
        return self


Operand = Union[str, FigureSpec]


# ---------------------------------------------------------------- evaluation
@dataclass(frozen=True)
class Compared:
    """One comparison with last year that a `change` figure made: its prior operand (a sum over a comparison
    dataset with its filter and the loop restrictions on that dataset, or a value path) and the exact current
    value it was compared with. `init --from` carries these current values as next year's prior figures, so
    that a carried figure is by construction what this document compared (budget_author/carry.py)."""

    key: str  # the change figure's key (narrative.七.abroad.change)
    dataset: str  # the prior's dataset ("上年预算.totals"), or "" when the prior is a value path
    filter: dict[str, Any] | None
    restrict: tuple[Callable[[Fact], bool], ...]  # the enclosing loops' predicates on that dataset
    path: str  # the prior's value path ("staffing.active_prior"), or ""
    current: Decimal

    def selects(self, fact: Fact) -> bool:
        """Whether the prior operand sums `fact` (a fact of self.dataset)."""
        return bool(select([fact], self.filter)) and all(predicate(fact) for predicate in self.restrict)


@dataclass
class _Scope:
    """Where names resolve: a loop item's figures, then its section's, then earlier sections'."""

    section: str
    prefix: str = "narrative"  # the part's key: figure keys are <prefix>.<section>.<key>
    styles: dict[str, str] = field(default_factory=dict)  # "money" / "percent" → a format name, for this section
    values: dict[str, Any] = field(default_factory=dict)  # name → raw value
    parent: "_Scope | None" = None
    item: dict[str, str] = field(default_factory=dict)  # code / key / label of a loop item
    restrict: tuple[frozenset[str], Callable[[Fact], bool]] | None = None  # (datasets, predicate) of a loop item

    def lookup(self, name: str) -> Any:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.values:
                return scope.values[name]
            scope = scope.parent
        raise KeyError(name)


def _nest(out: dict[str, Any], name: str, shown: Any) -> None:
    *path, last = name.split(".")
    for part in path:
        out = out.setdefault(part, {})
    out[last] = shown


DEFAULT_FORMATS = {"money": NARRATIVE, "percent": NARRATIVE_PERCENT}


class NarrativeEngine:
    def __init__(self, budget: Budget, data: dict[str, list[Fact]], figures: Figures, names: Names,
                 formats: dict[str, NumberFormat] | None = None):
        self.b = budget
        self.data = data
        self.figures = figures
        self.names = names
        self.formats = {**DEFAULT_FORMATS, **(formats or {})}
        self.labels: dict[str, str] = {}  # figure key → the label its declaration gives
        self.sections: dict[str, _Scope] = {}
        self.root = _Scope("")
        self.compared: list[Compared] | None = None  # when a list: every comparison with last year is noted

    # ------------------------------------------------------------ formatting and registering
    def style(self, scope: _Scope, kind: str, name: str | None) -> NumberFormat:
        """The number format of a money or percent figure: its own, else its section's, else the profile's."""
        chosen = name or self._section_style(scope, kind) or kind
        return self.formats[chosen]

    @staticmethod
    def _section_style(scope: _Scope, kind: str) -> str | None:
        s: _Scope | None = scope
        while s is not None:
            if kind in s.styles:
                return s.styles[kind]
            s = s.parent
        return None

    def register(self, scope: _Scope, key: str, value: Any, fmt: str, blank_zero: bool = False,
                 style: str | None = None) -> Any:
        if fmt == "flag":
            return bool(value)
        if fmt == "text":
            return "" if value is None else str(value)
        if fmt == "date":
            return "" if value is None else f"{value.year}年{value.month}月{value.day}日"
        if value is None and fmt == "money" and not blank_zero:
            value = ZERO  # a sum of nothing, or a money value the workbook left blank
        if value is None or (blank_zero and not value):
            return ""
        full = f"{scope.prefix}.{scope.section}.{key}"
        if fmt == "money":
            return self.figures.add(full, value, self.style(scope, "money", style).amount(value), "元")
        if fmt == "percent":
            text = self.style(scope, "percent", style).number(value) + "%"
            return self.figures.add(full, value, text, "%")
        if fmt == "count":
            return self.figures.add(full, Decimal(value), str(int(value)), "个")
        if fmt == "area":
            return self.figures.add(full, value, plain_number(value), "平方米")
        raise ValueError(fmt)

    # ------------------------------------------------------------ evaluation
    def facts(self, dataset: str, flt: dict[str, Any] | None, scope: _Scope) -> list[Fact]:
        if dataset not in self.data:
            raise KeyError(f"unknown dataset {dataset}")
        facts = self.data[dataset]
        s: _Scope | None = scope
        while s is not None:
            if s.restrict and dataset in s.restrict[0]:
                facts = [f for f in facts if s.restrict[1](f)]
            s = s.parent
        return select(facts, self._filled(flt, scope))

    @staticmethod
    def _filled(flt: dict[str, Any] | None, scope: _Scope) -> dict[str, Any] | None:
        """A filter with {code} / {key} / {label} of the enclosing loop items filled in."""
        if not flt:
            return flt
        fields: dict[str, str] = {}
        s: _Scope | None = scope
        while s is not None:
            fields = {**s.item, **fields}
            s = s.parent
        return {dim: value.format(**fields) if isinstance(value, str) and "{" in value else value
                for dim, value in flt.items()}

    def operand(self, op: Operand, scope: _Scope) -> Any:
        if isinstance(op, str):
            if "." in op and op.split(".", 1)[0] in self.sections:
                section, rest = op.split(".", 1)
                return self.sections[section].lookup(rest)
            return scope.lookup(op)
        return self.raw(op, scope)

    def raw(self, spec: FigureSpec, scope: _Scope) -> Any:
        """The exact value of an expression (no registering)."""
        if spec.sum is not None:
            return sum((f.amount for f in self.facts(spec.sum, spec.filter, scope)), ZERO)
        if spec.value is not None:
            return self.path(spec.value)
        if spec.share is not None:
            part, whole = (self.operand(op, scope) for op in spec.share)
            return share(part or ZERO, whole or ZERO)
        if spec.count is not None:
            totals: dict[Any, Decimal] = {}
            for fact in self.facts(spec.count, spec.filter, scope):
                key = fact.dims.get(spec.distinct)
                totals[key] = totals.get(key, ZERO) + fact.amount
            return sum(1 for amount in totals.values() if amount != 0)
        if spec.zero is not None:
            def nought(value: Any) -> bool:
                if isinstance(value, Comparison):  # a change: zero when both years are
                    return not value.current and not value.prior
                return not (value or ZERO)
            return all(nought(self.operand(op, scope)) for op in spec.zero)
        raise ValueError("not a scalar expression")

    def path(self, dotted: str) -> Any:
        value: Any = self.b
        for part in dotted.split("."):
            if value is None:
                return None
            value = getattr(value, part)
        return value

    def default_format(self, spec: FigureSpec) -> str:
        if spec.format:
            return spec.format
        if spec.share is not None:
            return "percent"
        if spec.count is not None:
            return "count"
        if spec.zero is not None:
            return "flag"
        return "money"

    def evaluate(self, name: str, spec: FigureSpec, scope: _Scope, key: str) -> Any:
        """Evaluate, register and return what the template sees; the raw value goes into the scope."""
        if spec.each is not None:
            return self.loop(name, spec, scope, key)
        if spec.names is not None or spec.text is not None:
            shown = self.code_names(spec, scope) if spec.names is not None else self.texts(spec.text, scope, spec.clean)
            scope.values[name] = shown
            return shown
        if spec.length is not None:
            value = len(self.operand(spec.length, scope) or ())
            scope.values[name] = value
            return self.register(scope, key, value, spec.format or "count")
        if spec.change is not None:
            return self.change(name, spec, scope, key)
        value = self.raw(spec, scope)
        scope.values[name] = value
        self._label(spec, scope, key)
        return self.register(scope, key, value, self.default_format(spec), spec.blank_zero, spec.style)

    def _label(self, spec: FigureSpec, scope: _Scope, key: str) -> None:
        if spec.label:
            self.labels[f"{scope.prefix}.{scope.section}.{key}"] = self._filled({"label": spec.label}, scope)["label"]

    def change(self, name: str, spec: FigureSpec, scope: _Scope, key: str) -> dict[str, Any]:
        current = self.operand(spec.change, scope)
        prior = self.operand(spec.prior, scope)
        c = compare(current, prior)
        scope.values[name] = c
        self._note_comparison(spec, scope, key, c)
        self._label(spec, scope, key)
        self._label(spec, scope, f"{key}_percent")
        money = self.style(scope, "money", spec.style)
        # Unchanged as the sentence shows the change: in its own number format (0.00 万元, or to the 元)
        same = c.difference == 0 if spec.format == "count" else money.shows_zero(abs(c.difference))
        ratio = c.shown_ratio(zero_base=spec.zero_base, drop_zero=not spec.keep_zero, same=same)
        if ratio is None and spec.keep_zero and c.difference == 0:
            ratio = ZERO  # unchanged from a zero base: 下降0.00%, as keep_zero asks
        counted = spec.format == "count"  # a change of people or things, not of money
        reason = ""
        if isinstance(spec.reason, TextRef):
            reason = "；".join(self.texts(spec.reason, scope, clean=True))
        elif spec.reason:
            reason_key = self._filled({"reason": spec.reason}, scope)["reason"]
            if ":" in reason_key:  # "上年预算:公务接待费": typed beside last year's figure (Comparison.reasons)
                comparison, key = reason_key.split(":", 1)
                reason = clean_reason(self.b.comparison(comparison).reasons.get(key, ""))
            else:  # a row of the 变动原因 sheet
                reason = clean_reason(self.b.reasons.get(reason_key, ""))
        return {
            "same": same,
            "up": c.up,
            "zero_base": c.zero_base,
            "amount_verb": "增加" if c.up else "减少",
            "percent_verb": "增长" if c.up else "下降",
            "amount": self.register(scope, key, abs(c.difference), "count" if counted else "money", style=spec.style),
            "percent": self.register(scope, f"{key}_percent", ratio, "percent", style=spec.percent_style)
            if ratio is not None else "",
            "reason": reason,
        }

    def _note_comparison(self, spec: FigureSpec, scope: _Scope, key: str, c: Comparison) -> None:
        prior = spec.prior
        if self.compared is None or not isinstance(prior, FigureSpec) or (prior.sum is None and prior.value is None):
            return
        restrict: list[Callable[[Fact], bool]] = []
        s: _Scope | None = scope
        while s is not None:
            if prior.sum is not None and s.restrict and prior.sum in s.restrict[0]:
                restrict.append(s.restrict[1])
            s = s.parent
        self.compared.append(Compared(f"{scope.prefix}.{scope.section}.{key}", prior.sum or "",
                                      self._filled(prior.filter, scope), tuple(restrict), prior.value or "",
                                      c.current))

    def texts(self, ref: TextRef, scope: _Scope, clean: bool = False) -> list[str]:
        section = ref.section
        if ref.subject is None:
            found = [p.text for p in self.b.paragraphs if p.section == section]
        else:
            subject = self._filled({"subject": ref.subject}, scope)["subject"]
            found = [p.text for p in self.b.paragraphs
                     if p.section == section and getattr(p, "subject", "") == subject]
        return [clean_reason(t) for t in found] if clean else found

    def code_names(self, spec: FigureSpec, scope: _Scope) -> list[str]:
        facts = [f for f in self.facts(spec.names, spec.filter, scope) if f.amount]
        typed = [f.dims["code"] for f in facts]
        if spec.order == "workbook" and self.b.options.list_order == S.LIST_ORDERS[1]:
            codes = list(dict.fromkeys(typed))
        else:
            codes = sorted(set(typed))
        lookup = self.names.economic if spec.names == "economic" else self.names.functional
        return [lookup(code) for code in codes]

    def loop(self, name: str, spec: FigureSpec, scope: _Scope, key: str) -> list[dict[str, Any]]:
        dataset = spec.dataset
        walked = [dataset, *(spec.datasets or [])]
        items: list[tuple[dict[str, str], Callable[[Fact], bool]]] = []

        def filled(flt: dict[str, Any] | None, fields: dict[str, str]) -> dict[str, Any] | None:
            """A loop's or item's filter with {code} / {key} … of this item and the enclosing ones filled in."""
            return self._filled(flt, _Scope(scope.section, scope.prefix, parent=scope, item=fields))

        if spec.each == "codes":
            level = spec.level
            present: list[set[str]] = []
            for one in walked:
                amounts: dict[str, Decimal] = {}
                for fact in self.facts(one, spec.filter, scope):
                    code = fact.dims["code"]
                    if len(code) >= level:
                        amounts[code[:level]] = amounts.get(code[:level], ZERO) + fact.amount
                present.append({c for c, amount in amounts.items() if amount != 0})
            codes = sorted(set().union(*present))
            if spec.order == "current_first":  # this year's codes in code order, then last year's only
                codes = sorted(present[0]) + sorted(set(codes) - present[0])
            name_of = self.names.economic if dataset == "economic" else self.names.functional
            for code in codes:
                fields = {"code": code, "key": code, "label": name_of(code), "name": name_of(code),
                          "class_name": name_of(code[:3]), "kuan_name": name_of(code[:5]) if level >= 5 else ""}
                items.append((fields, lambda f, p=code, flt=filled(spec.filter, fields): f.dims["code"].startswith(p)
                              and select([f], flt) != []))
        elif spec.each == "items":
            for item in spec.items:
                fields = {"key": item.key, "code": item.key, "label": item.label, "name": item.label, **item.words}
                flt = {**(filled(spec.filter, fields) or {}), **(filled(item.filter, fields) or {})}
                items.append((fields, lambda f, flt=flt: select([f], flt) != []))
        elif spec.each == "key_projects":  # the 重点项目 sheet's rows, in its order, each on its project
            for kp in self.b.key_projects:
                project = self.b.find_project(kp.project)
                index = next((i for i, p in enumerate(self.b.projects) if p is project), -1)
                name = project.name if project is not None else ""
                fields = {"key": kp.project, "code": getattr(project, "code", ""), "seq": getattr(project, "seq", ""),
                          "label": name, "name": name, "heading": kp.heading, "text": kp.text}
                items.append((fields, lambda f, i=index, flt=filled(spec.filter, fields): f.dims.get("project") == i
                              and select([f], flt) != []))
        else:  # projects, in sheet order; the loop dataset's facts carry the project's index
            for index, project in enumerate(self.b.projects):
                fields = {"key": project.seq, "code": project.code, "seq": project.seq, "label": project.name,
                          "name": project.name}
                items.append((fields, lambda f, i=index, flt=filled(spec.filter, fields): f.dims.get("project") == i
                              and select([f], flt) != []))
        if spec.nonzero and spec.each != "codes":
            items = [(fields, predicate) for fields, predicate in items
                     if sum((f.amount for f in self.facts(dataset, None, scope) if predicate(f)), ZERO) != 0]
        out = []
        raws = []
        for fields, predicate in items:
            inner = _Scope(scope.section, scope.prefix, parent=scope, item=fields,
                           restrict=(frozenset(walked), predicate))
            shown: dict[str, Any] = {**fields}
            for figure_name, figure in (spec.figures or {}).items():
                figure_key = (figure.key or f"{key}.{{key}}.{figure_name}").format(**fields)
                _nest(shown, figure_name, self.evaluate(figure_name, figure, inner, figure_key))
            shown["raw"] = {k: v for k, v in inner.values.items()}
            out.append(shown)
            raws.append(inner.values)
        scope.values[name] = raws
        return out

    # ------------------------------------------------------------ sections
    def section(self, prefix: str, section_key: str, figures: dict[str, FigureSpec],
                styles: dict[str, str] | None = None) -> dict[str, Any]:
        scope = _Scope(section_key, prefix, styles=dict(styles or {}), parent=self.root)
        self.sections[section_key] = scope
        shown: dict[str, Any] = {}
        for name, spec in figures.items():
            _nest(shown, name, self.evaluate(name, spec, scope, spec.key or name))
        return shown


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


def globals_of(budget: Budget) -> dict[str, Any]:
    unit = budget.unit
    return {"year": unit.year, "prior_year": unit.year - 1, "unit": unit.name, "unit_type": unit.unit_type,
            "unit_short": getattr(unit, "short_name", "") or unit.name, "unit_code": getattr(unit, "code", ""),
            "level": unit.level, "project_wording": budget.options.project_wording or S.PROJECT_WORDINGS[0]}


def part_figures(budget: Budget, data: dict[str, list[Fact]], figures: Figures, names: Names,
                 part: dict[str, Any], formats: dict[str, NumberFormat] | None = None,
                 compared: list[Compared] | None = None) -> dict[str, Any]:
    """`n` for one part's sentence templates: the globals, and each section's figures under its key.
    Figure keys are <part key>.<section key>.<figure key> (narrative.三.basic.share). `compared`, when a
    list, receives every comparison with last year the part makes."""
    engine = NarrativeEngine(budget, data, figures, names, formats)
    engine.compared = compared
    prefix = part["key"]
    n = globals_of(budget)
    sections = part.get("sections", [])
    for section in sections:
        specs = {name: FigureSpec.model_validate(spec) for name, spec in section.get("figures", {}).items()}
        n[section["key"]] = engine.section(prefix, section["key"], specs, section.get("formats"))
    titles = {s["key"]: s["title"] for s in sections}
    for key in [k for k in figures.by_key if k.startswith(prefix + ".")]:
        section, *rest = key[len(prefix) + 1:].split(".")
        subject, measure = _label(rest, names)
        subject = engine.labels.get(key, subject)
        figures.relabel(key, group=titles.get(section, section), subject=subject, measure=measure)
    return n
