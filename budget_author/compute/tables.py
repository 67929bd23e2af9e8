"""Table specs (profiles/tablespec.py) + facts → TableViews. One engine; no code per table or per province.

A side's rows come from its row sources (fixed list, code hierarchy, projects, one aggregate row)
plus an optional totals row; its cells from its leaf columns: label leaves show what the row is,
value leaves sum a dataset's facts under the side's scope, the column's filter and the row's own
selection (a code prefix, a project, a fixed row's filter); derived leaves combine other leaves of
the same row. Two sides are zipped line by line, then the footer lines follow. Every value shown
is registered as the figure `table.<number>.<row key>.<column key>`.

The engine reads only `Fact(dims, amount)` lists by dataset name: it does not know which dimensions
exist, beyond `code` for code rows and `project` for project rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import zip_longest
from typing import Any, Callable, Mapping, Protocol, Sequence

from budget_author.compute.facts import Fact, matches
from budget_author.compute.view import Cell, Figures, TableView
from budget_author.display import NumberFormat, change_percent, chinese_numeral
from budget_author.profiles.tablespec import (
    AggregateSource, CodesSource, Column, FixedRow, FixedSource, ProjectsSource, Side, TableSpec, header_rows,
    leaf_formats, leaves, validate_table,
)

ZERO = Decimal(0)
_PARTS = {"类": (0, 3), "款": (3, 5), "项": (5, 7)}


class NameSource(Protocol):
    def functional(self, code: str) -> str: ...
    def economic(self, code: str) -> str: ...
    def gov_name_for(self, dept_code: str) -> str: ...
    def functional_classes(self) -> list[str]: ...


@dataclass(frozen=True)
class ProjectRef:
    name: str
    seq: Any = ""


@dataclass
class TableInputs:
    """Everything a table reads besides its spec: the datasets, names, the unit and the projects."""

    data: Mapping[str, Sequence[Fact]]
    names: NameSource
    unit_name: str = ""
    unit_code: str = ""
    year: int | str = ""
    projects: Sequence[ProjectRef] = ()

    _scoped: dict[tuple[str, str], list[Fact]] = field(default_factory=dict, repr=False)

    def text(self, template: str, **extra: Any) -> str:
        prior_year = int(self.year) - 1 if str(self.year).isdigit() else ""
        return template.format(year=self.year, prior_year=prior_year, unit=self.unit_name, unit_code=self.unit_code,
                               **extra)

    def scoped(self, dataset: str, scope: Mapping[str, Any] | None) -> list[Fact]:
        """The dataset's facts within a scope, computed once per (dataset, scope)."""
        key = (dataset, repr(sorted((scope or {}).items())))
        if key not in self._scoped:
            self._scoped[key] = [f for f in self.data.get(dataset, ()) if matches(f, scope)]
        return self._scoped[key]


# ---------------------------------------------------------------- rows
@dataclass
class Row:
    """One body line of a side before its cells are written."""

    key: str | None  # None: a literal line (no figures)
    label: str = ""
    subject: str = ""
    code: str = ""
    level: int = 0  # 1, 2, 3 … for code rows; 0 otherwise
    label_cls: str = "label"
    select: Callable[["ColumnFacts"], Decimal] | None = None  # the row's amount within one column
    project: str = ""
    total: bool = False
    unit_row: bool = False
    measure: str | None = None
    omit_zero: bool = False
    skeleton: bool = True  # shown (blank) when the table is empty


class ColumnFacts:
    """The facts one value column sums (its dataset, the scope, its filter), with lazy indexes."""

    def __init__(self, facts: list[Fact]):
        self.facts = facts
        self._prefix: dict[tuple[int, tuple[str, ...]], dict[tuple[Any, ...], Decimal]] = {}
        self._by: dict[tuple[str, ...], dict[tuple[Any, ...], Decimal]] = {}

    def all(self) -> Decimal:
        return sum((f.amount for f in self.facts), ZERO)

    def prefix(self, code: str, **also: Any) -> Decimal:
        """The sum of the facts whose code starts with `code` (and whose dimensions `also` have those values)."""
        n, dims = len(code), tuple(sorted(also)) if also else ()
        if (n, dims) not in self._prefix:
            sums: dict[tuple[Any, ...], Decimal] = {}
            for f in self.facts:
                c = str(f.dims.get("code", ""))
                if len(c) >= n:
                    k = (c[:n], *(f.dims.get(d) for d in dims))
                    sums[k] = sums.get(k, ZERO) + f.amount
            self._prefix[(n, dims)] = sums
        return self._prefix[(n, dims)].get((code, *(also[d] for d in dims)) if dims else (code,), ZERO)

    def where(self, **wanted: Any) -> Decimal:
        dims = tuple(sorted(wanted))
        if dims not in self._by:
            sums: dict[tuple[Any, ...], Decimal] = {}
            for f in self.facts:
                k = tuple(f.dims.get(d) for d in dims)
                sums[k] = sums.get(k, ZERO) + f.amount
            self._by[dims] = sums
        return self._by[dims].get(tuple(wanted[d] for d in dims), ZERO)

    def filtered(self, flt: Mapping[str, Any]) -> Decimal:
        return sum((f.amount for f in self.facts if matches(f, flt)), ZERO)


def _label_template(source: CodesSource, code: str) -> str:
    if isinstance(source.label, dict):
        return source.label.get(str(len(code)), "{name}")
    return source.label


def _code_name(source: CodesSource, inputs: TableInputs, rename: Mapping[str, str], code: str,
               fact_names: Mapping[str, str]) -> str:
    if code in rename:
        return rename[code]
    if source.names == "economic":
        return inputs.names.economic(code)
    if source.names == "facts":
        return fact_names.get(code, "")
    return inputs.names.functional(code)


def _code_rows(source: CodesSource, side: Side, inputs: TableInputs, rename: Mapping[str, str]) -> list[Row]:
    dataset = source.dataset or side.dataset or ""
    facts = inputs.scoped(dataset, side.scope)
    present: set[str] = set(source.codes)
    fact_names: dict[str, str] = {}
    for f in facts:
        if "name" in f.dims and f.dims["name"]:
            fact_names.setdefault(str(f.dims["code"]), str(f.dims["name"]))
    if source.nonzero:
        for name in [dataset, *source.union]:
            pool = facts if name == dataset else inputs.scoped(name, side.scope)
            present.update(str(f.dims["code"]) for f in pool if f.amount != 0)
    if source.all_classes:
        present.update(inputs.names.functional_classes())
    levels = source.levels
    if levels:
        codes = {code[:n] for code in present for n in levels if len(code) >= n}
        ordered = sorted(codes, key=lambda c: tuple(c[:n] for n in levels))
    else:
        ordered = sorted(present)
    counters: dict[int, int] = {}
    by_project: dict[str, list[int]] = {}
    if source.projects:
        deepest = levels[-1] if levels else None
        for f in facts:
            code = str(f.dims["code"])
            if f.amount != 0 and (deepest is None or len(code) >= deepest):
                key = code[:deepest] if deepest else code
                if f.dims["project"] not in by_project.setdefault(key, []):
                    by_project[key].append(f.dims["project"])
    rows = []
    for code in ordered:
        level = (levels.index(len(code)) + 1) if len(code) in levels else 0
        counters[level] = counters.get(level, 0) + 1
        for deeper in [lv for lv in counters if lv > level]:
            counters[deeper] = 0
        name = _code_name(source, inputs, rename, code, fact_names)
        values = {"code": code, "name": name, "numeral": chinese_numeral(counters[level]) if counters[level] < 100 else "",
                  "index": counters[level]}
        label = inputs.text(_label_template(source, code), **values)
        subject = inputs.text(source.subject, label=label, **values)
        cls = f"name lv{level}" if levels else "name"
        exact = not levels

        def pick(col: ColumnFacts, code: str = code, exact: bool = exact) -> Decimal:
            return col.where(code=code) if exact else col.prefix(code)

        if source.projects and code in by_project and (not levels or len(code) == levels[-1]):
            for index in sorted(by_project[code]):
                project = inputs.projects[index] if index < len(inputs.projects) else ProjectRef(str(index))
                pname = inputs.text(source.project_label, name=project.name, seq=project.seq, code=code)

                def pick_project(col: ColumnFacts, code: str = code, index: int = index) -> Decimal:
                    return col.where(code=code, project=index) if exact else col.prefix(code, project=index)

                rows.append(Row(key=f"{source.prefix}{code}.project{index + 1}", label=label, code=code, level=level,
                                label_cls=cls, select=pick_project, project=pname, skeleton=False,
                                subject=f"{subject} {pname}"))
            continue
        always = code in source.codes or (source.all_classes and len(code) == 3)
        rows.append(Row(key=f"{source.prefix}{code}", label=label, subject=subject, code=code, level=level,
                        label_cls=cls, select=pick, skeleton=always))
    return rows


def _fixed_row(item: FixedRow, key: str, inputs: TableInputs) -> Row:
    label = inputs.text(item.label)
    flt = dict(item.filter)
    return Row(key=None if item.literal else key, label=label, subject=label, label_cls=f"label lv{1 + item.indent}",
               select=None if item.literal else (lambda col: col.filtered(flt) if flt else col.all()),
               measure=item.measure, omit_zero=item.omit_zero)


def _source_rows(side: Side, inputs: TableInputs, rename: Mapping[str, str]) -> list[Row]:
    rows: list[Row] = []
    for source in side.rows:
        if isinstance(source, FixedSource):
            for index, item in enumerate(source.items):
                rows.append(_fixed_row(item, f"{source.prefix}{item.key if item.key is not None else index}", inputs))
        elif isinstance(source, CodesSource):
            rows.extend(_code_rows(source, side, inputs, rename))
        elif isinstance(source, ProjectsSource):
            dataset = source.dataset or side.dataset or ""
            present = {f.dims["project"] for f in inputs.scoped(dataset, side.scope) if f.amount != 0}
            for index in sorted(present):
                project = inputs.projects[index] if index < len(inputs.projects) else ProjectRef(str(index))
                label = inputs.text(source.label, name=project.name, seq=project.seq)
                rows.append(Row(key=f"{source.prefix}project{index + 1}", label=label,
                                subject=inputs.text(source.subject, name=project.name, seq=project.seq),
                                label_cls=f"name lv{1 + source.indent}", skeleton=False,
                                select=lambda col, index=index: col.where(project=index), omit_zero=True))
        elif isinstance(source, AggregateSource):
            label = inputs.text(source.label)
            rows.append(Row(key=source.key, label=label, subject=label or "合计", select=lambda col: col.all()))
    totals = side.totals
    if totals.position != "none":
        label = inputs.unit_name if totals.unit else inputs.text(totals.label)
        total = Row(key=totals.key or ("unit" if totals.unit else "total"), label=label,
                    subject=inputs.text(totals.subject) if totals.subject is not None else label,
                    code=inputs.unit_code if totals.unit else "", select=lambda col: col.all(), total=True,
                    unit_row=totals.unit)
        rows = [total, *rows] if totals.position == "first" else [*rows, total]
    return rows


# ---------------------------------------------------------------- cells
@dataclass
class SideEngine:
    side: Side
    number: Any
    group: str
    inputs: TableInputs
    figures: Figures
    base_format: NumberFormat
    span_totals: bool = False
    leaves: list[Column] = field(init=False)
    formats: list[NumberFormat] = field(init=False)
    columns: dict[str, ColumnFacts] = field(init=False)

    def __post_init__(self) -> None:
        self.leaves = leaves(self.side.columns)
        self.formats = leaf_formats(self.side.columns, self.base_format)
        self.columns = {}
        for leaf in self.leaves:
            if leaf.show is None and leaf.derived is None:
                dataset = leaf.sum or self.side.dataset or ""
                scoped = self.inputs.scoped(dataset, self.side.scope)
                self.columns[leaf.key or ""] = ColumnFacts([f for f in scoped if matches(f, leaf.filter)]
                                                           if leaf.filter else scoped)
        self.by_key = {leaf.key: leaf for leaf in self.leaves if leaf.show is None}
        self.derived = {key: leaf.derived for key, leaf in self.by_key.items()}
        self.registered: list[Decimal | None] = []  # every value this side showed (is the table empty?)
        self.measures = {leaf.key: leaf.measure if leaf.measure is not None else self.inputs.text(leaf.text)
                         for leaf in self.leaves if leaf.show is None}

    def values(self, row: Row) -> dict[str, Decimal | None]:
        out: dict[str, Decimal | None] = {}

        def value(key: str) -> Decimal | None:
            if key in out:
                return out[key]
            derived = self.derived[key]
            result: Decimal | None
            if derived is None:
                result = row.select(self.columns[key]) if row.select else ZERO
            else:
                kind, refs = derived
                got = [value(r) or ZERO for r in refs]
                if kind == "change":
                    result = got[0] - got[1]
                elif kind == "add":
                    result = sum(got, ZERO)
                else:
                    result = change_percent(got[0] - got[1], got[1])
            out[key] = result
            return result

        for key in self.by_key:
            value(key)
        return out

    def label_cells(self, row: Row) -> list[Cell]:
        cells: list[Cell] = []
        first = True
        for leaf in self.leaves:
            if leaf.show is None:
                continue
            if row.total and not row.unit_row:
                cells.append(Cell(row.label, "label") if first else Cell(""))
            elif leaf.show == "code":
                start, end = _PARTS[leaf.part] if leaf.part else (0, None)
                text = row.code[start:end] if row.code else ""
                cells.append(Cell(text, "code") if text else Cell(""))
            elif leaf.show == "label":
                cells.append(Cell(row.label, "label" if row.unit_row else row.label_cls))
            elif leaf.show == "gov_name":
                text = self.inputs.names.gov_name_for(row.code) if len(row.code) == 5 else ""
                cells.append(Cell(text, "name") if text else Cell(""))
            else:  # project
                cells.append(Cell(row.project, "name") if row.project else Cell(""))
            first = False
        return cells

    def cells(self, row: Row) -> list[Cell] | None:
        """The row's cells, its figures registered; None when an omit_zero row is all zero."""
        labels = self.label_cells(row)
        if row.key is None:  # literal
            return labels + [Cell("", "num") for leaf in self.leaves if leaf.show is None]
        values = self.values(row)
        if row.omit_zero and all(v in (None, ZERO) for v in values.values()):
            return None
        cells = list(labels)
        for leaf, fmt in zip(self.leaves, self.formats):
            if leaf.show is not None:
                continue
            value = values[leaf.key]
            derived = self.derived[leaf.key]
            if derived is not None and derived[0] == "percent":
                refs = derived[1]
                new, old = values[refs[0]] or ZERO, values[refs[1]] or ZERO
                text = fmt.percent(new - old, old)
                shown = None if value is None else fmt.rounded(value)
                unit = "%"
            else:
                text = fmt.amount(value or ZERO)
                shown = fmt.rounded_amount(value or ZERO)
                unit = "元"
            key = ".".join(part for part in (row.key, leaf.key) if part)
            full_key = f"table.{self.number}.{key}"
            measure = row.measure if row.measure is not None else self.measures[leaf.key]
            self.figures.add(full_key, value, text, unit, group=self.group, subject=row.subject, measure=measure,
                             shown_unit=fmt.unit if unit == "元" else "")
            self.registered.append(value)
            cells.append(Cell(text, "num", key=full_key, shown=shown, fmt=fmt))
        if row.total and self.span_totals:
            n = next((i for i, leaf in enumerate(self.leaves) if leaf.show is None), len(self.leaves))
            if n > 1:
                cells = [Cell(row.label, "label", colspan=n)] + cells[n:]
        return cells

    def blank(self) -> list[Cell]:
        return [Cell("", "num") if leaf.show is None else Cell("") for leaf in self.leaves]


def _blanked(row: list[Cell]) -> list[Cell]:
    return [Cell("" if c.cls == "num" else c.text, c.cls, c.colspan, c.rowspan) for c in row]


# ---------------------------------------------------------------- the table
_PARSED: dict[int, tuple[Mapping[str, Any], TableSpec]] = {}


def parse(spec: TableSpec | Mapping[str, Any]) -> TableSpec:
    """A table spec as loaded from tables.toml (already validated with the profile) → its TableSpec, once."""
    if isinstance(spec, TableSpec):
        return spec
    known = _PARSED.get(id(spec))
    if known is not None and known[0] is spec:
        return known[1]
    parsed = validate_table(spec, "tables.toml")
    _PARSED[id(spec)] = (spec, parsed)  # holds the dict, so its id is not reused
    return parsed


def render_table(spec: TableSpec, inputs: TableInputs, figures: Figures, *, label: str = "预算公开表{number}",
                 toc: str = "表{numeral}{title}", empty_note: str = "") -> TableView:
    """One table: its header from the column trees, its body from the row sources, its figures registered."""
    fmt = inputs.text
    title = fmt(spec.title)
    numeral = chinese_numeral(spec.number) if isinstance(spec.number, int) and 0 < spec.number < 100 else str(spec.number)
    toc_title = toc.format(numeral=numeral, title=title, number=spec.number)
    base = spec.number_format()
    sides = spec.all_sides()
    engines = [SideEngine(side, spec.number, toc_title, inputs, figures, base,
                          span_totals=side.totals.span) for side in sides]
    side_rows = [_source_rows(side, inputs, spec.rename) for side in sides]
    # (cells, shown when empty) per side, in order
    written: list[list[tuple[list[Cell], bool]]] = []
    for engine, rows in zip(engines, side_rows):
        out = []
        for row in rows:
            cells = engine.cells(row)
            if cells is not None:
                out.append((cells, row.skeleton))
        written.append(out)
    footer: list[tuple[list[Cell], bool]] = []
    for index, line in enumerate(spec.footer):
        cells: list[Cell] = []
        for engine, item in zip(engines, (line.left, line.right)):
            if item is None:
                cells.extend(engine.blank())
                continue
            row = _fixed_row(item, item.key if item.key is not None else f"footer.{index}", inputs)
            cells.extend(engine.cells(row) or engine.blank())
        footer.append((cells, True))
    if len(engines) == 1:
        body = written[0]
    else:
        body = []
        for left, right in zip_longest(*written):
            a, keep_a = left or (engines[0].blank(), True)
            b, keep_b = right or (engines[1].blank(), True)
            body.append((a + b, keep_a and keep_b))
    body = body + footer
    empty = all(value in (None, ZERO) for engine in engines for value in engine.registered)
    empty_spec = spec.empty
    if empty:
        if empty_spec.placeholder is not None:
            p = empty_spec.placeholder
            shown = [[Cell(text, "label") for text in p.labels]
                     + [Cell(p.value, "num") for _ in range(sum(len(e.leaves) for e in engines) - len(p.labels))]
                     for _ in range(p.rows)]
        elif empty_spec.rows == "none":
            shown = []
        else:
            shown = [_blanked(cells) for cells, keep in body if keep]
    else:
        shown = [cells for cells, _ in body]
    header = [[Cell(fmt(text), "head", colspan, rowspan) for text, colspan, rowspan in row]
              for row in header_rows([column for side in sides for column in side.columns])]
    if spec.numbers_row:
        header.append([Cell(str(i), "head") for i in range(1, sum(len(e.leaves) for e in engines) + 1)])
    note = empty_spec.note if empty_spec.note is not None else empty_note
    return TableView(
        number=spec.number,
        anchor=f"table-{spec.number}",
        label=(spec.label if spec.label is not None else label).format(number=spec.number, numeral=numeral,
                                                                       title=title),
        title=title,
        toc_title=toc_title,
        unit_line=fmt(spec.meta),
        measure=f"单位：{spec.unit}",
        header=header,
        body=shown,
        widths=list(spec.widths),
        empty=empty,
        empty_note=fmt(note, title=title) if note else "",
        landscape=spec.landscape,
        omit=empty and empty_spec.omit,
    )


def build_table(spec: TableSpec | Mapping[str, Any], budget: Any, data: Mapping[str, Sequence[Fact]], names: NameSource,
                figures: Figures, fmt: Callable[[str], str], label: str, toc: str, empty_note: str) -> TableView:
    """A profile's table for a budget (compute_report's entry point)."""
    unit = budget.unit
    inputs = TableInputs(data=data, names=names, unit_name=unit.name, unit_code=getattr(unit, "code", "") or "",
                         year=unit.year, projects=[ProjectRef(p.name, p.seq) for p in budget.projects])
    return render_table(parse(spec), inputs, figures, label=label, toc=toc, empty_note=empty_note)
