"""The table spec language of tables.toml, validated (pydantic, extra="forbid").

A table is one or two *sides* (two = side by side, zipped line by line), each with a column tree
and a list of row sources; then footer lines. The header rows and their spans are derived from
the column trees, so there is no separate header list to keep in step.

    [[tables]]
    number = 3                          # figure keys: table.<number>.<row key>.<column key>
    title = "{year}年预算支出总表"
    label = "预算公开表{number}"         # optional ({number}, {numeral}, {title}); default: the profile's
    meta = "单位名称：{unit}"            # the line above the table, left; "" for none
    unit = "万元"                        # 万元 | 元: the measure line and the amounts' scale
    format = {zero = "", decimals = 2}  # a NumberFormat (display.py); any column node may set its own
    widths = [13, 39, 8, 8, 8, 8, 8]    # one per leaf column, in %
    dataset = "expenditure"              # the default dataset of value columns and row sources
    scope = {source = "一般公共预算"}     # a filter on every value column of every side
    totals = {position = "first", label = "合计"}
    empty = {note = "注：本表无数据"}     # or {rows = "none"}, {placeholder = {...}}, {omit = true}
    columns = [
      {text = "项目", children = [{text = "科目编码", show = "code"}, {text = "科目名称", show = "label"}]},
      {text = "上年执行数", key = "prior", sum = "上年执行数.expenditure"},
      {text = "{year}年预算数", children = [
        {text = "合计", key = "total"},
        {text = "基本支出", key = "basic", filter = {kind = "基本支出"}},
      ]},
      {text = "增减额", key = "change", change = ["total", "prior"]},
      {text = "增减%", key = "change_pct", percent = ["total", "prior"]},
    ]
    rows = {source = "codes", levels = [3, 5, 7], union = ["上年执行数.expenditure"]}

A column node is a group (`children`), a label leaf (`show` = label | code (with `part` 类/款/项) |
gov_name | project), a value leaf (`key`, `sum` = dataset, default the side's `dataset`, and a
`filter`), or a derived leaf (`change = [a, b]` a − b, `percent = [a, b]` (a − b) / b × 100,
`add = [a, b, …]`) over other leaves of the same row. Row sources: `fixed` (items with a label, a
filter, an indent; `literal` rows carry no figures), `codes` (a code hierarchy, non-zero codes over
the union of datasets, plus `codes` always listed, optional `projects` on the deepest level),
`projects` (one row per project with a non-zero fact; a column on a dataset without projects is blank on
those rows and counts in the totals), `aggregate` (one row). Text fields may use {year}, {prior_year}, {unit} and {unit_code}.

Validation checks every key, every dataset and every filter against the datasets' dimensions
(compute.facts.DIMENSIONS, or the table passed in), every derived column's references and the
widths; an error is a ProfileError naming the file, the table and the key.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Mapping, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from budget_author.display import NumberFormat
from budget_author.profiles import ProfileError

Dimensions = Mapping[str, Mapping[str, Any]]
FilterSpec = dict[str, Any]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Format(_Strict):
    """A NumberFormat as data. Unset fields are inherited from the enclosing node (then the table)."""

    decimals: int | None = Field(default=None, ge=0, le=6)
    trim: bool | None = None
    zero: str | None = None
    thousands: bool | None = None
    zero_base: str | None = None

    def over(self, base: NumberFormat) -> NumberFormat:
        changes = {k: v for k, v in self.model_dump().items() if v is not None}
        return NumberFormat(**{**base.__dict__, **changes})


class Column(_Strict):
    """One node of a column tree: a group, a label leaf, a value leaf or a derived leaf."""

    text: str = ""
    children: list["Column"] | None = None
    show: Literal["label", "code", "gov_name", "project"] | None = None
    part: Literal["类", "款", "项"] | None = None
    key: str | None = None
    sum: str | None = None
    filter: FilterSpec | None = None
    change: list[str] | None = None
    percent: list[str] | None = None
    add: list[str] | None = None
    measure: str | None = None  # what the redline calls the column's figures; default: its text
    format: Format | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> "Column":
        derived = [name for name in ("change", "percent", "add") if getattr(self, name) is not None]
        if self.children is not None:
            if self.show or self.key is not None or self.sum or self.filter is not None or derived:
                raise ValueError("分组列（children）不能同时有 show、key、sum、filter 或派生值")
            if not self.children:
                raise ValueError("children 不能为空")
        elif self.show is not None:
            if self.key is not None or self.sum or self.filter is not None or derived:
                raise ValueError("标签列（show）不能同时有 key、sum、filter 或派生值")
            if self.part and self.show != "code":
                raise ValueError("part 只用于 show = \"code\"")
        else:
            if self.key is None:
                raise ValueError("数值列需要 key（派生列也需要）")
            if self.part:
                raise ValueError("part 只用于 show = \"code\"")
            if len(derived) > 1 or (derived and (self.sum or self.filter is not None)):
                raise ValueError("一列只能是 sum/filter、change、percent、add 之一")
            for name in ("change", "percent"):
                if getattr(self, name) is not None and len(getattr(self, name)) != 2:
                    raise ValueError(f"{name} 需要两个列键：[新, 旧]")
        return self

    @property
    def derived(self) -> tuple[str, list[str]] | None:
        for name in ("change", "percent", "add"):
            refs = getattr(self, name)
            if refs is not None:
                return name, refs
        return None


class FixedRow(_Strict):
    key: str | None = None  # default: the row's index in its list
    label: str = ""
    filter: FilterSpec = {}
    indent: int = Field(default=0, ge=0, le=3)
    literal: bool = False  # a row without figures ("……", a heading line)
    omit_zero: bool = False  # left out when all its figures are zero
    measure: str | None = None  # overrides the columns' measure for this row's figures


class FixedSource(_Strict):
    source: Literal["fixed"]
    items: list[FixedRow]
    prefix: str = ""  # prepended to every row key


class CodesSource(_Strict):
    source: Literal["codes"]
    dataset: str | None = None  # where the codes come from; default the side's dataset
    union: list[str] = []  # further datasets whose non-zero codes are listed too (e.g. a comparison)
    levels: list[int] = [3, 5, 7]  # code lengths listed; [] lists the facts' own codes
    names: Literal["functional", "economic", "facts"] = "functional"
    codes: list[str] = []  # always listed, with zeros (a fixed 款 list)
    nonzero: bool = True  # also list every code with a non-zero fact
    all_classes: bool = False  # list every 类 of the functional classification (levels = [3])
    label: str | dict[str, str] = "{name}"  # template, or one per level ("3" = "{code} {numeral}、{name}")
    subject: str = "{code} {name}"  # how the redline names the row
    projects: bool = False  # the deepest level: one row per project on it (facts need `project`)
    project_label: str = "{name}"
    prefix: str = ""

    @model_validator(mode="after")
    def _levels(self) -> "CodesSource":
        if sorted(set(self.levels)) != list(self.levels) or any(n < 1 for n in self.levels):
            raise ValueError("levels 应为递增的代码长度，如 [3, 5, 7]")
        if self.all_classes and (self.levels != [3] or self.names != "functional"):
            raise ValueError("all_classes 只用于 levels = [3]、names = \"functional\"")
        if isinstance(self.label, dict):
            unknown = set(self.label) - {str(n) for n in self.levels}
            if unknown:
                raise ValueError(f"label 的层级 {sorted(unknown)} 不在 levels 中")
        return self


class ProjectsSource(_Strict):
    source: Literal["projects"]
    dataset: str | None = None
    label: str = "{name}"
    subject: str = "{name}（序号{seq}）"
    indent: int = Field(default=1, ge=0, le=3)
    prefix: str = ""


class AggregateSource(_Strict):
    source: Literal["aggregate"]
    key: str = "total"
    label: str = ""


Source = Annotated[Union[FixedSource, CodesSource, ProjectsSource, AggregateSource], Field(discriminator="source")]


class Totals(_Strict):
    position: Literal["first", "last", "none"] = "none"
    label: str = "合计"
    subject: str | None = None  # default: the label
    key: str | None = None  # default: "total" ("unit" for a unit row)
    unit: bool = False  # a synthetic unit row: unit code in code columns, unit name as the label
    span: bool = False  # the label spans the leading label columns


class Side(_Strict):
    dataset: str | None = None  # the default dataset of value columns and row sources
    scope: FilterSpec | None = None
    columns: list[Column]
    rows: list[Source]
    totals: Totals = Totals()

    @model_validator(mode="before")
    @classmethod
    def _one_source(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("rows"), dict):
            data = {**data, "rows": [data["rows"]]}
        return data


class FooterLine(_Strict):
    left: FixedRow | None = None
    right: FixedRow | None = None


class Placeholder(_Strict):
    rows: int = Field(ge=1, le=50)
    labels: list[str] = []  # the label cells, in order ("无", "无")
    value: str = ""  # every value cell


class Empty(_Strict):
    """What a table whose figures are all zero shows."""

    note: str | None = None  # a sentence below; default: the profile's empty_note. {unit}, {year}, {title}
    rows: Literal["skeleton", "none"] = "skeleton"  # skeleton: its totals, fixed and literal rows, blank
    placeholder: Placeholder | None = None  # instead: N placeholder rows
    omit: bool = False  # the table is left out


class TableSpec(_Strict):
    number: int | str
    title: str
    label: str | None = None
    meta: str = "单位名称：{unit}"
    unit: Literal["万元", "元"] = "万元"
    format: Format = Format()
    landscape: bool = False
    widths: list[int | float]
    numbers_row: bool = False  # a header row numbering the leaf columns 1, 2, 3 …
    rename: dict[str, str] = {}  # code → the name this table prints
    empty: Empty = Empty()
    # one side (the keys of Side at the top level) or two (`sides`)
    dataset: str | None = None
    scope: FilterSpec | None = None
    columns: list[Column] | None = None
    rows: list[Source] | None = None
    totals: Totals | None = None
    sides: list[Side] | None = None
    footer: list[FooterLine] = []

    @model_validator(mode="before")
    @classmethod
    def _one_source(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("rows"), dict):
            data = {**data, "rows": [data["rows"]]}
        return data

    @model_validator(mode="after")
    def _shape(self) -> "TableSpec":
        single = self.columns is not None or self.rows is not None
        if self.sides is not None:
            if single or self.totals is not None:
                raise ValueError("有 sides 时，columns、rows、totals 写在每一侧")
            if len(self.sides) != 2:
                raise ValueError("sides 应有两侧（左、右）")
        elif self.columns is None or self.rows is None:
            raise ValueError("需要 columns 与 rows（或两侧的 sides）")
        if self.footer and self.sides is None:
            raise ValueError("footer 只用于左右两侧的表（sides）")
        return self

    def all_sides(self) -> list[Side]:
        """The sides with the table-level dataset and scope filled in."""
        if self.sides is None:
            return [Side(dataset=self.dataset, scope=self.scope, columns=self.columns or [], rows=self.rows or [],
                         totals=self.totals or Totals())]
        out = []
        for side in self.sides:
            scope = {**(self.scope or {}), **(side.scope or {})} if (self.scope or side.scope) else None
            out.append(side.model_copy(update={"dataset": side.dataset or self.dataset, "scope": scope}))
        return out

    def number_format(self) -> NumberFormat:
        return self.format.over(NumberFormat(unit=self.unit))


Column.model_rebuild()


# ---------------------------------------------------------------- the column tree
def leaves(columns: list[Column]) -> list[Column]:
    out: list[Column] = []
    for column in columns:
        out.extend(leaves(column.children) if column.children is not None else [column])
    return out


def leaf_formats(columns: list[Column], base: NumberFormat) -> list[NumberFormat]:
    """Each leaf's NumberFormat: the table's, overridden down the tree by every node's `format`."""
    out: list[NumberFormat] = []
    for column in columns:
        here = column.format.over(base) if column.format else base
        out.extend(leaf_formats(column.children, here) if column.children is not None else [here])
    return out


def depth(columns: list[Column]) -> int:
    return max((1 + depth(c.children) if c.children is not None else 1) for c in columns)


def header_rows(columns: list[Column]) -> list[list[tuple[str, int, int]]]:
    """(text, colspan, rowspan) per header row: a group spans its leaves, a leaf spans down to the last row."""
    rows: list[list[tuple[str, int, int]]] = [[] for _ in range(depth(columns))]

    def place(nodes: list[Column], level: int) -> None:
        for node in nodes:
            if node.children is not None:
                rows[level].append((node.text, len(leaves(node.children)), 1))
                place(node.children, level + 1)
            else:
                rows[level].append((node.text, 1, len(rows) - level))

    place(columns, 0)
    return rows


# ---------------------------------------------------------------- validation
def _explain(errors: list[Any]) -> str:
    lines = []
    for error in errors[:10]:
        where = ".".join(str(part) for part in error["loc"]) or "（整张表）"
        if error["type"] == "extra_forbidden":
            lines.append(f"  {where}: 未知的键（拼写错误？）")
        elif error["type"] == "missing":
            lines.append(f"  {where}: 缺少必填的键")
        elif error["type"] == "union_tag_invalid":
            tag = error.get("ctx", {}).get("tag", "?")
            lines.append(f"  {where}: source = “{tag}” 不是已知的行来源；可用：fixed、codes、projects、aggregate")
        else:
            lines.append(f"  {where}: {error['msg']}")
    return "\n".join(lines)


def check_filter(flt: Any, dataset: str | None, where: str, dimensions: Dimensions | None = None) -> None:
    """A filter {dimension: value | [values]} against the dataset's declared dimensions."""
    if dimensions is None:
        from budget_author.compute.facts import DIMENSIONS as dimensions  # noqa: N811
    if flt is None:
        return
    if dataset is None:
        raise ProfileError(f"{where}: 没有指定数据集（sum = …，或表/侧的 dataset）")
    if not isinstance(flt, dict):
        raise ProfileError(f"{where}: 筛选条件应为表（如 {{source = \"一般公共预算\"}}），实为 {flt!r}")
    dims = dimensions.get(dataset)
    if dims is None:
        raise ProfileError(f"{where}: 未知的数据集“{dataset}”；可用：{'、'.join(dimensions)}")
    for dim, wanted in flt.items():
        if dim not in dims:
            raise ProfileError(f"{where}: 数据集“{dataset}”没有维度“{dim}”；可用：{'、'.join(dims)}")
        allowed = dims[dim]
        values = wanted if isinstance(wanted, list) else [wanted]
        if dim == "code" and any(not isinstance(v, str) for v in values):
            raise ProfileError(f"{where}: 维度“code”的取值是文字，须加引号（如 code = \"2080109\"），实为 {wanted!r}")
        if allowed is not None:
            for value in values:
                if isinstance(value, str) and "{" in value:
                    continue  # {code} / {key} of a narrative loop item: known only when it runs
                if value not in allowed:
                    raise ProfileError(f"{where}: 维度“{dim}”没有取值“{value}”；可用：{'、'.join(map(str, allowed))}")


def _check_dataset(name: str | None, where: str, dimensions: Dimensions, needs: tuple[str, ...] = ()) -> None:
    if name is None:
        raise ProfileError(f"{where}: 没有指定数据集（dataset）")
    if name not in dimensions:
        raise ProfileError(f"{where}: 未知的数据集“{name}”；可用：{'、'.join(dimensions)}")
    for dim in needs:
        if dim not in dimensions[name]:
            raise ProfileError(f"{where}: 数据集“{name}”没有维度“{dim}”，不能用作这种行来源")


def _check_side(side: Side, where: str, dimensions: Dimensions) -> None:
    value_leaves = [leaf for leaf in leaves(side.columns) if leaf.show is None]
    keys = [leaf.key for leaf in value_leaves]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ProfileError(f"{where} columns: 列键重复：{'、'.join(map(str, duplicates))}")
    column_sets = []
    for leaf in value_leaves:
        here = f"{where} columns（{leaf.key or leaf.text}）"
        if leaf.derived is not None:
            name, refs = leaf.derived
            for ref in refs:
                if ref not in keys:
                    raise ProfileError(f"{here}: {name} 引用的列“{ref}”不存在；本侧的列：{'、'.join(map(str, keys))}")
            continue
        dataset = leaf.sum or side.dataset
        _check_dataset(dataset, here, dimensions)
        check_filter(leaf.filter, dataset, f"{here} filter", dimensions)
        check_filter(side.scope, dataset, f"{where} scope（用于列 {leaf.key or leaf.text}）", dimensions)
        column_sets.append(dataset)
    _check_cycles(value_leaves, where)
    for index, source in enumerate(side.rows):
        here = f"{where} rows[{index}]（{source.source}）"
        if isinstance(source, FixedSource):
            for i, item in enumerate(source.items):
                _check_row_filter(item, f"{here} items[{i}]（{item.label}）", column_sets, dimensions)
        elif isinstance(source, CodesSource):
            dataset = source.dataset or side.dataset
            _check_dataset(dataset, f"{here} dataset", dimensions, ("code",) + (("project",) if source.projects else ()))
            for extra in source.union:
                _check_dataset(extra, f"{here} union", dimensions, ("code",))
            for dataset in column_sets:
                _check_dataset(dataset, f"{here}（列的数据集）", dimensions, ("code",))
        elif isinstance(source, ProjectsSource):
            # A column on a dataset without projects (carry-over 基本支出 by 人员/公用 beside carry-over
            # projects) is blank on every project row and counts in the totals.
            _check_dataset(source.dataset or side.dataset, f"{here} dataset", dimensions, ("project",))
            for dataset in column_sets:
                _check_dataset(dataset, f"{here}（列的数据集）", dimensions, ())
    if any(leaf.show == "project" for leaf in leaves(side.columns)) and not any(
            isinstance(s, (CodesSource, ProjectsSource)) for s in side.rows):
        raise ProfileError(f"{where}: show = \"project\" 需要 projects 行来源或 codes 的 projects = true")


def _check_row_filter(item: FixedRow, where: str, column_sets: list[str], dimensions: Dimensions) -> None:
    if item.literal:
        if item.filter:
            raise ProfileError(f"{where}: literal 行没有数字，不能有 filter")
        return
    for dataset in column_sets:
        check_filter(item.filter, dataset, f"{where} filter", dimensions)


def _check_cycles(value_leaves: list[Column], where: str) -> None:
    refs = {leaf.key: (leaf.derived[1] if leaf.derived else []) for leaf in value_leaves}
    state: dict[str, int] = {}

    def visit(key: str, path: list[str]) -> None:
        if state.get(key) == 2:
            return
        if state.get(key) == 1:
            raise ProfileError(f"{where} columns: 派生列循环引用：{' → '.join(path + [key])}")
        state[key] = 1
        for ref in refs.get(key, []):
            visit(ref, path + [key])
        state[key] = 2

    for key in refs:
        visit(key, [])


# The fields a table's texts are formatted with (compute/tables.TableInputs.text and its callers):
# the document's, and a row's own (its code, name, numbering, project) where the text is a row's.
TABLE_TEXT_FIELDS = frozenset({"year", "prior_year", "unit", "unit_code", "title", "number", "code", "name", "numeral",
                               "index", "label", "seq"})


def _check_texts(raw: Any, where: str, path: str = "") -> None:
    """Every {placeholder} in any text of the table, against TABLE_TEXT_FIELDS."""
    from budget_author.profiles.spec import check_placeholders

    if isinstance(raw, Mapping):
        for key, value in raw.items():
            _check_texts(value, where, f"{path}.{key}" if path else str(key))
    elif isinstance(raw, (list, tuple)):
        for index, value in enumerate(raw):
            _check_texts(value, where, f"{path}[{index}]")
    elif isinstance(raw, str):
        check_placeholders(raw, TABLE_TEXT_FIELDS, f"{where} {path}")


def validate_table(raw: Mapping[str, Any], where: str, dimensions: Dimensions | None = None) -> TableSpec:
    """One table of tables.toml → its TableSpec, or a ProfileError naming `where` and the key."""
    if dimensions is None:
        from budget_author.compute.facts import DIMENSIONS as dimensions  # noqa: N811
    try:
        spec = TableSpec.model_validate(dict(raw))
    except ValidationError as exc:
        raise ProfileError(f"{where}:\n{_explain(exc.errors())}") from None
    _check_texts(raw, where)
    sides = spec.all_sides()
    for index, side in enumerate(sides):
        _check_side(side, where if len(sides) == 1 else f"{where} sides[{index}]", dimensions)
    width_count = sum(len(leaves(side.columns)) for side in sides)
    if len(spec.widths) != width_count:
        raise ProfileError(f"{where}: widths 有 {len(spec.widths)} 个，叶列有 {width_count} 个")
    if spec.footer:
        for index, line in enumerate(spec.footer):
            for side_index, item in enumerate((line.left, line.right)):
                if item is not None:
                    side = sides[side_index]
                    sets = [leaf.sum or side.dataset for leaf in leaves(side.columns)
                            if leaf.show is None and leaf.derived is None]
                    _check_row_filter(item, f"{where} footer[{index}]", [s for s in sets if s], dimensions)
    return spec
