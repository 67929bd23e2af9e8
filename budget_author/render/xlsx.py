"""write_xlsx: the report's published tables (公开表) as an Excel workbook, one sheet per table, as printed.

Each sheet holds what the PDF prints for one table, in document order: the label line (预算公开表1,
表 1, …; none when the profile has none), the title (merged across the table, centred, bold), the meta
line (编制单位：… on the left, 单位：万元 on the right), the header rows with the HTML's colspans and
rowspans as merged cells, the body and footer rows, and the empty-table note under an empty table.

Figures are numbers: the rounded Decimal the PDF shows (Cell.shown), never a float computed here, with a
number format that makes Excel, WPS and LibreOffice display exactly the PDF's text (display.NumberFormat →
`number_format`); a figure whose text a number format cannot give is written as that text. Codes and
names are text. openpyxl writes a number with "%.16g": exact for every value a table can show (below
10^13 万元 with two decimals: at most 15 significant digits, which a double holds exactly).

The file is deterministic: the same report gives the same bytes (docProps/core.xml's creation and
modification times are 1 January of the budget year, every zip entry has one fixed time), so watch, diff and batch see no spurious change.

Only `build --xlsx` imports this module (it imports openpyxl, which check and build otherwise avoid).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
import zipfile
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from budget_author.compute.report import Report
from budget_author.compute.view import Cell, TableView
from budget_author.display import NumberFormat

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold: no clock in the file
PAGE_WIDTH = {False: 95.0, True: 140.0}  # Excel column-width units across the printable A4 width (portrait, landscape)
BODY_FONT = "宋体"  # the PDF's serif (Noto Serif CJK SC) as Excel and WPS users have it
TITLE_FONT = "黑体"  # the PDF's sans (Noto Sans CJK SC)
LINE_HEIGHT = 13.5  # points per line of 10-point text
TEXT = "@"  # the text number format: codes stay text ("2080501"), whatever is typed over them later

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


# ---------------------------------------------------------------- numbers
def _pattern(decimals: int, thousands: bool) -> str:
    whole = "#,##0" if thousands else "0"
    return f"{whole}.{'0' * decimals}" if decimals else whole


def number_format(fmt: NumberFormat, shown: Decimal) -> str | None:
    """The Excel number format that displays `shown` (already rounded) exactly as `fmt.number(shown)`,
    or None when none does. Three sections (positive; negative; zero): the zero section gives the
    format's `zero` ("" blank, "0", "0.00", "-", …). `trim` (2.90 → 2.9, 18.00 → 18) is a pattern with the
    value's own significant decimals, since "0.##" would leave "18."."""
    decimals = fmt.decimals
    if fmt.trim and shown != 0:
        exponent = shown.normalize().as_tuple().exponent
        decimals = max(0, -exponent) if isinstance(exponent, int) else decimals
    pattern = _pattern(decimals, fmt.thousands)
    if re.fullmatch(r"\d+(?:\.\d+)?", fmt.zero):  # "0", "0.00": a pattern that writes zero so
        zero = _pattern(len(fmt.zero.partition(".")[2]), False)
    elif '"' in fmt.zero:
        return None
    else:  # "" (blank), "-", "—", …: literal text
        zero = f'"{fmt.zero}"' if fmt.zero else ""
    return f"{pattern};-{pattern};{zero}"


def _figure(cell: Cell) -> tuple[Decimal, str] | None:
    """(number, number format) for a figure cell whose text a number format reproduces; else None."""
    if cell.shown is None or cell.fmt is None:
        return None
    if cell.fmt.number(cell.shown) != cell.text:  # never write a number that would read differently
        return None
    code = number_format(cell.fmt, cell.shown)
    return None if code is None else (cell.shown, code)


def _plain_number(cell: Cell) -> tuple[Decimal, str] | None:
    """A number typed into the spec as text (an empty table's placeholder "0.00"): as a number."""
    if cell.cls != "num" or not _NUMBER.fullmatch(cell.text):
        return None
    value = Decimal(cell.text)
    decimals = len(cell.text.partition(".")[2])
    pattern = _pattern(decimals, False)
    return (abs(value) if value == 0 else value), f"{pattern};-{pattern};{pattern}"


# ---------------------------------------------------------------- sheets
def sheet_names(tables: list[TableView]) -> list[str]:
    """A name per table: its label (预算公开表1, 表 1, 一、…) or 表N, made legal for Excel (at most 31
    characters, none of []:*?/\\, no leading or trailing apostrophe) and unique (case-insensitive)."""
    names: list[str] = []
    taken: set[str] = set()
    for table in tables:
        base = _SHEET_NAME_BAD.sub("", table.label).strip().strip("'") or f"表{table.number}"
        base = base[:31].strip("'") or f"表{table.number}"
        name, counter = base, 1
        while name.casefold() in taken or name.casefold() == "history":
            counter += 1
            suffix = f"({counter})"
            name = base[:31 - len(suffix)] + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def _columns(table: TableView) -> int:
    first = table.header[0] if table.header else []
    return max(len(table.widths), sum(c.colspan for c in first), 1)


def _place(rows: list[list[Cell]], top: int) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) of an HTML table's rows from sheet row `top`: each cell at the next column its
    row has free, after the cells above whose rowspan reaches down into it (1-based)."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(rows, start=top):
        column = 1
        for cell in row:
            while (r, column) in taken:
                column += 1
            placed.append((r, column, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, column + dc))
            column += cell.colspan
    return placed


def _text_width(text: str) -> float:
    """The width of `text` in column-width units (a CJK character about two)."""
    return sum(1.9 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text)


def _lines(text: str, width: float, indent: int = 0) -> int:
    """How many lines wrapped text takes in a column `width` units wide (an estimate: neither Excel
    nor LibreOffice sizes the rows of a file it opens, so the writer gives each row its height)."""
    room = max(1.0, width - 1.0 - indent * 2.0)
    return max(1, math.ceil(_text_width(text) / room))


def _fit_rows(ws: Worksheet, placed: list[tuple[int, int, Cell]], widths: list[float]) -> None:
    """Give each row with wrapped text the height of its tallest cell (a cell spanning rows shares its
    lines among them)."""
    tallest: dict[int, int] = {}
    for r, c, cell in placed:
        if not cell.text or "code" in cell.cls.split() or cell.cls == "num":
            continue
        width = sum(widths[c - 1:c - 1 + cell.colspan])
        each = math.ceil(_lines(cell.text, width, _indent(cell.cls)) / cell.rowspan)
        for row in range(r, r + cell.rowspan):
            tallest[row] = max(tallest.get(row, 1), each)
    for r, lines in tallest.items():
        if lines > 1:
            ws.row_dimensions[r].height = LINE_HEIGHT * lines + 3


def _indent(cls: str) -> int:
    match = re.search(r"\blv(\d+)\b", cls)
    return max(0, int(match.group(1)) - 1) if match else 0


def _write_table(ws: Worksheet, table: TableView) -> None:
    width = _columns(table)
    body_font, title_font = Font(name=BODY_FONT, size=10), Font(name=TITLE_FONT, size=16, bold=True)
    row = 1
    if table.label:
        ws.cell(row, 1, table.label).font = body_font
        row += 1
    title = ws.cell(row, 1, table.title)
    title.font, title.alignment = title_font, Alignment(horizontal="center", vertical="center", wrap_text=True)
    if width > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.row_dimensions[row].height = 30
    row += 1
    if table.unit_line:
        ws.cell(row, 1, table.unit_line).font = body_font
    if table.measure:
        measure = ws.cell(row, width, table.measure)
        measure.font, measure.alignment = body_font, Alignment(horizontal="right")
    row += 1
    header_top = row
    for r, c, cell in _place(table.header, header_top):
        target = ws.cell(r, c, cell.text)
        if cell.colspan > 1 or cell.rowspan > 1:
            ws.merge_cells(start_row=r, start_column=c, end_row=r + cell.rowspan - 1, end_column=c + cell.colspan - 1)
        target.font = body_font
        target.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        target.number_format = TEXT
        for dr in range(cell.rowspan):  # a merged range's border is drawn from each of its cells
            for dc in range(cell.colspan):
                ws.cell(r + dr, c + dc).border = _BORDER
    header_rows = len(table.header)
    body_top = header_top + header_rows
    for r, c, cell in _place(table.body, body_top):
        target = ws.cell(r, c)
        number = _figure(cell) or _plain_number(cell)
        if number is not None:
            target.value, target.number_format = number
            target.alignment = Alignment(horizontal="right", vertical="center")
        else:
            target.value = cell.text or None
            target.number_format = TEXT
            wrap = "code" not in cell.cls.split()
            horizontal = "right" if cell.cls == "num" else "left"
            target.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=wrap,
                                         indent=_indent(cell.cls))
        target.font = body_font
        if cell.colspan > 1:
            ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=c + cell.colspan - 1)
        for dc in range(cell.colspan):
            ws.cell(r, c + dc).border = _BORDER
    row = body_top + len(table.body)
    if table.empty and table.empty_note:
        ws.cell(row, 1, table.empty_note).font = body_font
    total = sum(table.widths) or 1
    widths = [round((table.widths[i] if i < len(table.widths) else total / width) / total * PAGE_WIDTH[table.landscape], 1)
              for i in range(width)]
    for index, column_width in enumerate(widths):
        ws.column_dimensions[get_column_letter(index + 1)].width = column_width
    _fit_rows(ws, _place(table.header, header_top) + _place(table.body, body_top), widths)
    setup = ws.page_setup
    setup.orientation = "landscape" if table.landscape else "portrait"
    setup.paperSize = ws.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    if header_rows:
        ws.print_title_rows = f"{header_top}:{body_top - 1}"
        ws.freeze_panes = ws.cell(body_top, 1)


def workbook_of(report: Report) -> Workbook:
    """The workbook of the report's tables (those the PDF prints), one sheet each, in document order."""
    wb = Workbook()
    wb.remove(wb.active)
    tables = [t for t in report.tables if not t.omit]
    for table, name in zip(tables, sheet_names(tables)):
        _write_table(wb.create_sheet(name), table)
    if not tables:  # a workbook needs a sheet
        wb.create_sheet("公开表")
    props = wb.properties
    props.title = f"{report.unit_name}{report.title}"
    props.creator = report.unit_name
    # No clock in the file (the same report, the same bytes): openpyxl requires both times; 1 January of
    # the budget year stands for them.
    props.created = props.modified = dt.datetime(int(report.year), 1, 1)
    props.lastModifiedBy = None
    return wb


def write_xlsx(report: Report, path: Path) -> Path:
    """Write the tables workbook to `path` (an existing temporary file is fine: it is overwritten)."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook_of(report), archive).save()  # not save_workbook(): it stamps the time
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return Path(path)
