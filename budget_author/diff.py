"""`diff`: which typed cells changed between two workbooks, and which figures of the document each moved.

The input side compares the raw cells the clerk types (formula and 序号 columns are
not input). The figures come from the same manifest keys a rebuild compares, so the
list cannot disagree with the PDF. To put each changed figure under the input that
moved it, every changed row is applied alone to the old workbook and the document
recomputed: the figures that change are that row's. A figure that only moves when
rows change together (a new row typed in several steps) is listed once at the end.
Text cells (reasons, 职责, 机构设置 …) are listed after the figures.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from budget_author.compute.report import compute_report
from budget_author.manifest import Change, compare, figures_of, redline_lines
from budget_author.workbook import schema as S
from budget_author.workbook.layout import layout_of
from budget_author.workbook.parse import normalize_text, parse_workbook, shown, workbook_profile
from budget_author.workbook.read import EMPTY, RawCell, RawWorkbook

MAX_ROUNDS = 60  # rows applied one by one; beyond that the figures are listed together (a few seconds at most)


@dataclass(frozen=True)
class CellChange:
    sheet_key: str
    sheet: str  # the sheet's title
    ref: str  # "C3"
    row: int
    label: str  # the column header, or the fixed row's label
    old: Any
    new: Any
    text: bool  # a text cell (reasons, 职责): listed with the texts

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.ref}"


@dataclass
class RowChange:
    sheet_key: str
    row: int
    cells: list[CellChange]
    figures: list[Change] = field(default_factory=list)
    alone: bool = True  # False: not applied alone (too many rows, or the old workbook does not compute with it)


@dataclass
class WorkbookDiff:
    rows: list[RowChange]  # rows with a changed non-text cell, in sheet and row order
    texts: list[CellChange]  # changed text cells, in sheet and cell order
    together: list[Change]  # figures that no single row explains
    figures: list[Change]  # every changed figure, in document order


def _value(cell: RawCell | None) -> Any:
    value = (cell or EMPTY).value
    if isinstance(value, str):
        value = normalize_text(value)
        return None if value == "" else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _cells(raw: RawWorkbook, key: str) -> dict[int, list[RawCell]]:
    sheet = raw.sheets.get(key)
    return sheet.rows if sheet is not None else {}


NUMERIC = ("money", "int", "number")


def _textual(spec: S.Sheet) -> bool:
    """A sheet of words only (文本段落): all its cells are listed with the texts."""
    if spec.is_fixed:
        return all(spec.fixed_kind(row) not in NUMERIC for row in spec.fixed_rows)
    return all(c.kind not in NUMERIC for c in spec.columns if c.is_input)


def _row_name(spec: S.Sheet, cells: list[RawCell], index: int) -> str:
    """What the row is about, from its first typed column (a code, a source, a name), unless that is the cell."""
    first = next((i for i, c in enumerate(spec.columns) if c.is_input), None)
    if spec.is_fixed or first is None or first == index or first >= len(cells):
        return ""
    value = _value(cells[first])
    if value is None:
        return ""
    text = shown(value)
    return text if len(text) <= 20 else text[:20] + "……"


def input_changes(old: RawWorkbook, new: RawWorkbook, layout: S.Layout | None = None) -> list[CellChange]:
    """Every typed cell whose value differs, in the workbook's sheet, row and column order
    (the sheets and columns of `layout`: the new workbook's profile's by default)."""
    changes = []
    layout = layout or layout_of(workbook_profile(new))
    for spec in layout.sheets:
        textual = _textual(spec)
        before, after = _cells(old, spec.key), _cells(new, spec.key)
        for row in sorted(set(before) | set(after)):
            if spec.is_fixed and not 2 <= row <= spec.last_data_row:
                continue
            a, b = before.get(row, []), after.get(row, [])
            for index, column in enumerate(spec.columns):
                if not column.is_input:
                    continue
                x = _value(a[index] if index < len(a) else None)
                y = _value(b[index] if index < len(b) else None)
                if x == y:
                    continue
                if spec.is_fixed:
                    fixed = spec.fixed_rows[row - 2]
                    label, kind = fixed.label, spec.fixed_kind(fixed)
                else:
                    label, kind = column.header, column.kind
                name = _row_name(spec, b, index) or _row_name(spec, a, index)
                changes.append(CellChange(spec.key, spec.title, f"{S.column_letter(index + 1)}{row}", row,
                                          f"{name}，{label}" if name else label, x, y, textual or kind == "text"))
    return changes


def _with_row(old: RawWorkbook, new: RawWorkbook, key: str, row: int) -> RawWorkbook:
    """The old workbook with one row as the new workbook has it. Saved totals are ignored (they are the
    new workbook's or the old one's, neither of which matches the mixture)."""
    sheet = old.sheets[key]
    rows = dict(sheet.rows)
    if row in _cells(new, key):
        rows[row] = new.sheets[key].rows[row]
    else:
        rows.pop(row, None)
    sheets = {**old.sheets, key: dataclasses.replace(sheet, rows=rows, total_row=None)}
    return dataclasses.replace(old, sheets=sheets, full_calc_on_load=True)


def _figures(raw: RawWorkbook) -> dict[str, dict[str, Any]] | None:
    try:
        parsed = parse_workbook(raw)
        return figures_of(compute_report(parsed.budget, parsed.load_profile()))
    except Exception:  # noqa: BLE001 - a mixture that does not compute: its figures are listed together
        return None


def diff_workbooks(old: RawWorkbook, new: RawWorkbook, old_figures: dict | None = None,
                   new_figures: dict | None = None) -> WorkbookDiff:
    """Both workbooks must check clean (their figures are computed here when not given)."""
    old_figures = old_figures if old_figures is not None else _figures(old) or {}
    new_figures = new_figures if new_figures is not None else _figures(new) or {}
    everything = compare(old_figures, new_figures)
    cells = input_changes(old, new)
    texts = [c for c in cells if c.text]
    grouped: dict[tuple[str, int], RowChange] = {}
    for change in cells:
        if not change.text:
            grouped.setdefault((change.sheet_key, change.row), RowChange(change.sheet_key, change.row, [])).cells.append(change)
    rows = list(grouped.values())
    explained: set[str] = set()
    if len(rows) <= MAX_ROUNDS and everything:
        order = {c.key: i for i, c in enumerate(everything)}
        for row in rows:
            if row.sheet_key not in old.sheets:
                row.alone = False
                continue
            mixed = _figures(_with_row(old, new, row.sheet_key, row.row))
            if mixed is None:
                row.alone = False
                continue
            moved = [c for c in compare(old_figures, mixed) if c.key in order]
            # the row's own figures, with the values the new document shows
            row.figures = [everything[order[c.key]] for c in sorted(moved, key=lambda c: order[c.key])]
            explained.update(c.key for c in moved)
    else:
        for row in rows:
            row.alone = False
    together = [c for c in everything if c.key not in explained]
    return WorkbookDiff(rows, texts, together, everything)


def _cell_line(change: CellChange) -> str:
    before = "（空）" if change.old is None else shown(change.old)
    after = "（空）" if change.new is None else shown(change.new)
    return f"{change.where}（{change.label}）：{before} → {after}"


def diff_lines(diff: WorkbookDiff) -> list[str]:
    """The report, one line each; figure lines indented under their row."""
    lines: list[str] = []
    if diff.rows:
        lines.append(f"填写的数据有 {sum(len(r.cells) for r in diff.rows)} 处变化：")
        for row in diff.rows:
            for cell in row.cells:
                lines.append(f"  {_cell_line(cell)}")
            if row.figures:
                for line in redline_lines(row.figures):
                    lines.append(f"      {line}")
            elif row.alone:
                lines.append("      文件中的数字没有因此变化")
    if diff.together:
        head = "以下数字由上面几处共同引起：" if diff.rows else "以下数字有变化："
        lines.append(head)
        lines.extend(f"      {line}" for line in redline_lines(diff.together))
    if diff.texts:
        lines.append(f"文字有 {len(diff.texts)} 处变化：")
        lines.extend(f"  {_cell_line(cell)}" for cell in diff.texts)
    return lines
