"""Table specs (profile data) + facts → TableViews. One builder per row kind, none per table."""

from __future__ import annotations

from decimal import Decimal
from itertools import zip_longest
from typing import Any, Callable, Mapping

from budget_author.compute.facts import Fact, select, total
from budget_author.compute.names import Names
from budget_author.compute.view import Cell, Figures, TableView
from budget_author.display import chinese_numeral, table_amount
from budget_author.model import Budget

Spec = Mapping[str, Any]

# How a column is named in the redline, unless its spec gives a "label".
COLUMN_LABELS = {
    "total": "合计", "current": "当年预算安排", "carryover": "上年结转", "basic": "基本支出", "project": "项目支出",
    "gpb": "一般公共预算", "gf": "政府性基金预算", "soe": "国有资本经营预算", "special": "财政专户管理资金",
    "unit": "单位资金", "personnel": "人员经费", "public_use": "公用经费", "amount": "金额",
}


class TableContext:
    def __init__(self, spec: Spec, budget: Budget, data: dict[str, list[Fact]], names: Names, figures: Figures,
                 fmt: Callable[[str], str]):
        self.spec = spec
        self.budget = budget
        self.data = data
        self.names = names
        self.figures = figures
        self.fmt = fmt
        self.number = spec["number"]
        self.columns = spec.get("columns", [])
        self.group = ""  # the table's 目录 title, set by build_table

    def amount_cell(self, key: str, value: Decimal, subject: str = "", measure: str = "") -> Cell:
        text = table_amount(value)
        full_key = f"table.{self.number}.{key}"
        self.figures.add(full_key, value, text, "元", group=self.group, subject=subject, measure=measure)
        return Cell(text, "num", key=full_key)

    def column_cells(self, row_key: str, facts: list[Fact], subject: str = "") -> list[Cell]:
        return [self.amount_cell(f"{row_key}.{col['key']}", total(facts, col.get("filter")), subject,
                                 col.get("label", COLUMN_LABELS.get(col["key"], col["key"])))
                for col in self.columns]


def _scoped(ctx: TableContext, dataset: str, scope_key: str = "scope") -> list[Fact]:
    return select(ctx.data[dataset], ctx.spec.get(scope_key))


def _by_prefix(facts: list[Fact], lengths: tuple[int, ...]) -> dict[tuple[int, str], list[Fact]]:
    """Facts by (n, first n characters of the code), for every n in `lengths` the code is long enough for,
    in their order: `groups[(len(p), p)]` is `[f for f in facts if f.dims["code"].startswith(p)]`, in one pass."""
    groups: dict[tuple[int, str], list[Fact]] = {}
    for fact in facts:
        code = fact.dims["code"]
        for n in lengths:
            if len(code) >= n:
                groups.setdefault((n, code[:n]), []).append(fact)
    return groups


# ---------------------------------------------------------------- builders
def _functional_rows(ctx: TableContext, facts: list[Fact]) -> list[list[Cell]]:
    """合计, then every 类/款/项 that has a non-zero figure, in code order."""
    present = sorted({f.dims["code"] for f in facts if f.amount != 0})
    rows = [[Cell("合计", "label"), Cell(""), *ctx.column_cells("total", facts, "合计")]]
    prefixes = sorted({code[:n] for code in present for n in (3, 5, 7)}, key=lambda c: (c[:3], c[:5], c))
    groups = _by_prefix(facts, tuple(sorted({len(code) for code in prefixes})))
    for code in prefixes:
        within = groups.get((len(code), code), [])
        level = {3: 1, 5: 2, 7: 3}[len(code)]
        name = ctx.names.functional(code)
        rows.append([Cell(code, "code"), Cell(name, f"name lv{level}"),
                     *ctx.column_cells(code, within, f"{code} {name}")])
    return rows


def build_functional(ctx: TableContext) -> list[list[Cell]]:
    return _functional_rows(ctx, _scoped(ctx, "expenditure"))


def build_economic(ctx: TableContext) -> list[list[Cell]]:
    facts = _scoped(ctx, "economic")
    rows = [[Cell("合计", "label"), Cell(""), *ctx.column_cells("total", facts, "合计")]]
    codes = sorted({f.dims["code"] for f in facts if f.amount != 0})
    classes = sorted({c[:3] for c in codes})
    by_class = _by_prefix(facts, tuple(sorted({len(k) for k in classes})))
    by_code: dict[str, list[Fact]] = {}
    for fact in facts:
        by_code.setdefault(fact.dims["code"], []).append(fact)
    for klass in classes:
        within = by_class.get((len(klass), klass), [])
        rows.append([Cell(ctx.names.economic(klass), "name lv1"), Cell(""),
                     *ctx.column_cells(klass, within, f"{klass} {ctx.names.economic(klass)}")])
        for code in (c for c in codes if c.startswith(klass)):
            mine = by_code[code]
            rows.append([Cell(ctx.names.economic(code), "name lv2"), Cell(ctx.names.gov_name_for(code), "name"),
                         *ctx.column_cells(code, mine, f"{code} {ctx.names.economic(code)}")])
    return rows


def _income_item_rows(ctx: TableContext, facts: list[Fact], prefix: str = "") -> list[list[Cell]]:
    def cell(key: str, value: Decimal, subject: str) -> Cell:
        return ctx.amount_cell(f"{prefix}{key}", value, subject, "收入")

    rows = [[Cell("合计", "label"), Cell(""), cell("total.amount", total(facts), "收入合计")]]
    for fact in sorted(facts, key=lambda f: f.dims["code"]):
        if fact.amount != 0:
            rows.append([Cell(fact.dims["code"], "code"), Cell(fact.dims["name"], "name"),
                         cell(f"{fact.dims['code']}.amount", fact.amount, f"{fact.dims['code']} {fact.dims['name']}")])
    return rows


def build_income_items(ctx: TableContext) -> list[list[Cell]]:
    return _income_item_rows(ctx, _scoped(ctx, "income_items"))


def build_soe_balance(ctx: TableContext) -> list[list[Cell]]:
    left = _income_item_rows(ctx, _scoped(ctx, "income_items", "income_scope"), prefix="income.")
    right = _functional_rows(ctx, _scoped(ctx, "expenditure"))
    right[0][0] = Cell("", "label")  # one 合计 row for both sides: labelled once, on the left
    blank_left = [Cell(""), Cell(""), Cell("", "num")]
    blank_right = [Cell(""), Cell("")] + [Cell("", "num") for _ in ctx.columns]
    return [(a or blank_left) + (b or blank_right) for a, b in zip_longest(left, right)]


def build_balance(ctx: TableContext) -> list[list[Cell]]:
    """Income by source on the left, expenditure by every 功能分类 类 on the right, then the footer."""
    spec = ctx.spec
    income = select(ctx.data["income"], spec.get("scope"))
    spending = select(ctx.data["expenditure"], spec.get("scope"))
    left = []
    for index, item in enumerate(spec["income_rows"]):
        left.append([Cell(item["label"], "label"),
                     ctx.amount_cell(f"income.{index}", total(income, item["filter"]), item["label"], "收入")])
    right = []
    for index, klass in enumerate(ctx.names.functional_classes(), start=1):
        within = [f for f in spending if f.dims["code"].startswith(klass)]
        label = f"{chinese_numeral(index)}、{ctx.names.functional(klass)}"
        right.append([Cell(label, "label"), *ctx.column_cells(klass, within, label)])
    blank_left = [Cell(""), Cell("", "num")]
    blank_right = [Cell("")] + [Cell("", "num") for _ in ctx.columns]
    rows = [(a or blank_left) + (b or blank_right) for a, b in zip_longest(left, right)]
    for index, foot in enumerate(spec.get("footer", [])):
        cells = [Cell(foot["left"], "label")]
        if "income" in foot:
            cells.append(ctx.amount_cell(f"footer.{index}.income", total(income, foot["income"]), foot["left"]))
        else:
            cells.append(Cell("", "num"))
        cells.append(Cell(foot.get("right", ""), "label"))
        if foot.get("sums"):
            cells.extend(ctx.column_cells(f"footer.{index}", spending, foot.get("right", "")))
        else:
            cells.extend(Cell("", "num") for _ in ctx.columns)
        rows.append(cells)
    return rows


def build_fixed(ctx: TableContext) -> list[list[Cell]]:
    facts = _scoped(ctx, ctx.spec["dataset"])
    rows = []
    for item in ctx.spec["fixed_rows"]:
        within = select(facts, item.get("filter"))
        cls = f"label lv{1 + item.get('indent', 0)}"
        rows.append([Cell(item["label"], cls), *ctx.column_cells(item["key"], within, item["label"])])
    if ctx.spec.get("unit_row") and total(facts) != 0:
        rows.append([Cell(ctx.budget.unit.name, "label lv2"), *ctx.column_cells("unit", facts, ctx.budget.unit.name)])
    return rows


def build_projects(ctx: TableContext) -> list[list[Cell]]:
    facts = _scoped(ctx, "projects")
    rows = [[Cell(ctx.budget.unit.name, "label"), *ctx.column_cells("unit", facts, ctx.budget.unit.name)]]
    by_project: dict[int, list[Fact]] = {}
    for fact in facts:
        by_project.setdefault(fact.dims["project"], []).append(fact)
    for index, project in enumerate(ctx.budget.projects):
        mine = by_project.get(index, [])
        if total(mine) != 0:
            rows.append([Cell(project.name, "name lv2"),
                         *ctx.column_cells(f"project{index + 1}", mine, f"{project.name}（序号{project.seq}）")])
    return rows


BUILDERS: dict[str, Callable[[TableContext], list[list[Cell]]]] = {
    "functional": build_functional,
    "economic": build_economic,
    "income_items": build_income_items,
    "soe_balance": build_soe_balance,
    "balance": build_balance,
    "fixed": build_fixed,
    "projects": build_projects,
}


def _is_empty(figures: Figures, number: int) -> bool:
    prefix = f"table.{number}."
    return all(f.value == 0 for k, f in figures.by_key.items() if k.startswith(prefix))


def _empty_body(spec: Spec, body: list[list[Cell]]) -> list[list[Cell]]:
    """What an empty table still shows: its 合计 (or fixed) rows, blank; none for project lists."""
    kind = spec["rows"]
    if kind == "projects":
        return []
    if kind in ("fixed", "balance"):
        keep = body if kind == "balance" else body[: len(spec["fixed_rows"])]
    else:
        keep = body[:1]
    return [[Cell("" if c.cls == "num" else c.text, c.cls, c.colspan, c.rowspan) for c in row] for row in keep]


def build_table(spec: Spec, budget: Budget, data: dict[str, list[Fact]], names: Names, figures: Figures,
                fmt: Callable[[str], str], label: str, toc: str, empty_note: str) -> TableView:
    ctx = TableContext(spec, budget, data, names, figures, fmt)
    title = fmt(spec["title"])
    toc_title = toc.format(numeral=chinese_numeral(spec["number"]), title=title)
    ctx.group = toc_title
    body = BUILDERS[spec["rows"]](ctx)
    empty = _is_empty(figures, spec["number"])
    header = [[Cell(fmt(c["text"]), "head", c.get("colspan", 1), c.get("rowspan", 1)) for c in row]
              for row in spec["header"]]
    return TableView(
        number=spec["number"],
        anchor=f"table-{spec['number']}",
        label=label.format(number=spec["number"]),
        title=title,
        toc_title=toc_title,
        unit_line=f"单位名称：{budget.unit.name}",
        measure="单位：万元",
        header=header,
        body=_empty_body(spec, body) if empty else body,
        widths=list(spec["widths"]),
        empty=empty,
        empty_note=empty_note,
        landscape=bool(spec.get("landscape")),
    )



# ---------------------------------------------------------------- validation (profiles.spec)
_COMMON_KEYS = {"number", "title", "rows", "landscape", "widths", "header", "columns", "scope"}
_BUILDER_KEYS = {
    "functional": set(), "economic": set(), "income_items": set(),
    "soe_balance": {"income_scope"}, "balance": {"income_rows", "footer"},
    "fixed": {"dataset", "fixed_rows", "unit_row"}, "projects": set(),
}
# The dataset each builder's columns (and scope) filter.
_BUILDER_DATASET = {"functional": "expenditure", "economic": "economic", "income_items": "income_items",
                    "soe_balance": "expenditure", "balance": "expenditure", "projects": "projects"}


def validate_table(spec: Spec, where: str) -> None:
    """One table spec: its keys, its builder, and every filter against the dataset it reads."""
    from budget_author.profiles import ProfileError
    from budget_author.profiles.spec import check_filter

    kind = spec.get("rows")
    if kind not in BUILDERS:
        raise ProfileError(f"{where}: rows = “{kind}” 不是已知的行来源；可用：{'、'.join(BUILDERS)}")
    for key in ("number", "title", "widths", "header"):
        if key not in spec:
            raise ProfileError(f"{where}: 缺少必填的键“{key}”")
    unknown = set(spec) - _COMMON_KEYS - _BUILDER_KEYS[kind]
    if unknown:
        raise ProfileError(f"{where}: 未知的键（拼写错误？）：{'、'.join(sorted(unknown))}")
    dataset = spec.get("dataset") if kind == "fixed" else _BUILDER_DATASET[kind]
    check_filter(spec.get("scope"), dataset, f"{where} scope")
    for index, column in enumerate(spec.get("columns", [])):
        extra = set(column) - {"key", "filter", "label"}
        if extra or "key" not in column:
            raise ProfileError(f"{where} columns[{index}]: 列只能有 key、filter、label，实为 {sorted(column)}")
        check_filter(column.get("filter"), dataset, f"{where} columns[{index}]（{column['key']}）")
    if kind == "soe_balance":
        check_filter(spec.get("income_scope"), "income_items", f"{where} income_scope")
    if kind == "balance":
        for index, row in enumerate(spec.get("income_rows", [])):
            check_filter(row.get("filter"), "income", f"{where} income_rows[{index}]")
        for index, foot in enumerate(spec.get("footer", [])):
            extra = set(foot) - {"left", "income", "right", "sums"}
            if extra:
                raise ProfileError(f"{where} footer[{index}]: 未知的键：{'、'.join(sorted(extra))}")
            check_filter(foot.get("income"), "income", f"{where} footer[{index}] income")
    if kind == "fixed":
        for index, row in enumerate(spec.get("fixed_rows", [])):
            extra = set(row) - {"key", "label", "filter", "indent"}
            if extra:
                raise ProfileError(f"{where} fixed_rows[{index}]: 未知的键：{'、'.join(sorted(extra))}")
            check_filter(row.get("filter"), dataset, f"{where} fixed_rows[{index}]（{row.get('label')}）")
