"""`build --xlsx` (issue 15, item 3): the published tables as an Excel workbook, one sheet per 公开表, as printed.

Each example is built once (the Shanxi ones by conftest's session fixture, Xinjiang and Ningxia here), PDF
and XLSX together. The workbooks are read back three ways:
- openpyxl: every cell's value (figures as numbers equal to the rounded Decimal the PDF shows, codes and
  names as text), the merged cells (the header's colspans and rowspans, the title), the page setup;
- LibreOffice (headless, one run for every workbook): each sheet exported as CSV with the cells' text as
  shown, which must equal the table's cells as the PDF prints them, blank zeros and all;
- the PDF's text (pdftotext -layout): each row's figures as LibreOffice shows them, in order on one line.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from budget_author.build import build_document
from budget_author.compute.view import Cell, TableView
from budget_author.display import NumberFormat
from budget_author.render.xlsx import number_format, sheet_names, write_xlsx
from conftest import EXAMPLES, ROOT
from golden_align import squeeze

SHANXI = ["datong-2024", "fenyang-2025"]
OTHERS = ["hejing-2024", "zhongwei-2024"]
NAMES = SHANXI + OTHERS


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def results(built, tmp_path_factory) -> dict:
    """name → BuildResult with pdf and xlsx: the Shanxi examples from the session build, the others here."""
    out = {name: built[name][0] for name in SHANXI}
    for name in OTHERS:
        folder = tmp_path_factory.mktemp(name)
        out[name] = build_document(EXAMPLES / f"{name}.xlsx", folder / f"{name}.pdf", xlsx=True)
    for name, result in out.items():
        assert result.xlsx is not None and result.xlsx.is_file(), name
    return out


@pytest.fixture(scope="module")
def formats_book(tmp_path_factory) -> tuple[Path, list[Cell]]:
    """A one-table workbook of figures in formats no example uses: thousands, "-" for zero, trimmed, 元."""
    cases = [
        (NumberFormat(thousands=True), Decimal("1234567.50")),
        (NumberFormat(thousands=True), Decimal("-1234.50")),
        (NumberFormat(thousands=True, zero="0"), Decimal("0.00")),
        (NumberFormat(zero="-"), Decimal("0.00")),
        (NumberFormat(zero="0.00"), Decimal("0.00")),
        (NumberFormat(zero=""), Decimal("0.00")),
        (NumberFormat(zero="", decimals=1), Decimal("-3.5")),
        (NumberFormat(trim=True, zero="0"), Decimal("2.90")),
        (NumberFormat(trim=True, zero="0"), Decimal("18.00")),
        (NumberFormat(trim=True, zero="0"), Decimal("100.00")),
        (NumberFormat(trim=True, thousands=True), Decimal("-12345.60")),
        (NumberFormat(decimals=0, thousands=True), Decimal("2957000")),
        (NumberFormat(unit="元", thousands=True), Decimal("0.07")),
        (NumberFormat(zero='"无"'), Decimal("0.00")),  # no number format can say that: written as text
    ]
    cells = [Cell(fmt.number(value), "num", key=f"k{i}", shown=value, fmt=fmt) for i, (fmt, value) in enumerate(cases)]
    body = [[Cell("2080109", "code"), Cell("社会保险经办机构", "name lv3"), cell] for cell in cells]
    body.append([Cell("合计", "label", colspan=2), Cell("", "num")])  # a percentage over a zero base: blank text
    table = TableView(number=1, anchor="t1", label="表[1]/格式?", title="格式", toc_title="格式", unit_line="",
                      measure="单位：元", header=[[Cell("科目编码", "head"), Cell("科目名称", "head"),
                                                 Cell("金额", "head")]],
                      body=body, widths=[20, 50, 30], empty=False, empty_note="")
    report = SimpleNamespace(tables=[table], unit_name="测试单位", title="格式测试", year=2025)
    path = tmp_path_factory.mktemp("formats") / "formats.xlsx"
    write_xlsx(report, path)
    return path, cells


@pytest.fixture(scope="module")
def shown(results, formats_book, tmp_path_factory) -> dict[str, dict[str, list[list[str]]]]:
    """Every sheet of every workbook as LibreOffice shows it: name → sheet name → rows of text (one run)."""
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (bash tasks.sh test installs it)")
    work = tmp_path_factory.mktemp("soffice")
    sources = {name: work / "in" / f"{name}.xlsx" for name in [*NAMES, "formats"]}
    sources["formats"].parent.mkdir()
    for name, target in sources.items():
        shutil.copy(formats_book[0] if name == "formats" else results[name].xlsx, target)
    # CSV: UTF-8 (76), cells as shown (token 9), every sheet to its own file (token 12 = -1).
    done = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{work}/profile", "--convert-to",
                           "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
                           "--outdir", str(work / "out"), *map(str, sources.values())],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out: dict[str, dict[str, list[list[str]]]] = {}
    for name in sources:
        sheets = load_workbook(sources[name], read_only=True).sheetnames
        out[name] = {}
        for sheet in sheets:
            path = work / "out" / f"{name}-{sheet}.csv"
            assert path.is_file(), f"LibreOffice did not export {name} / {sheet}"
            out[name][sheet] = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    return out


# ---------------------------------------------------------------- what the PDF prints, laid out as a sheet
def printed_tables(result) -> list[TableView]:
    return [t for t in result.report.tables if not t.omit]


def expected_sheet(table: TableView) -> tuple[list[list[str]], set[str], int, int]:
    """(rows of text, merged ranges, first header row, first body row) of a table as the PDF prints it,
    laid out like an HTML table (a cell takes the next column its row has free)."""
    width = len(table.widths)
    rows: list[list[str]] = []
    merges: set[str] = set()

    def letter(column: int) -> str:
        return chr(ord("A") + column - 1)

    if table.label:
        rows.append([table.label] + [""] * (width - 1))
    rows.append([table.title] + [""] * (width - 1))
    merges.add(f"A{len(rows)}:{letter(width)}{len(rows)}")
    meta = [""] * width
    meta[0], meta[-1] = table.unit_line, table.measure
    rows.append(meta)
    header_top = len(rows) + 1
    grid: dict[tuple[int, int], str] = {}
    for offset, block in ((header_top, table.header), (header_top + len(table.header), table.body)):
        for r, line in enumerate(block, start=offset):
            column = 1
            for cell in line:
                while (r, column) in grid:
                    column += 1
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        grid[(r + dr, column + dc)] = ""
                grid[(r, column)] = cell.text
                if cell.colspan > 1 or cell.rowspan > 1:
                    merges.add(f"{letter(column)}{r}:{letter(column + cell.colspan - 1)}{r + cell.rowspan - 1}")
                column += cell.colspan
    body_top = header_top + len(table.header)
    for r in range(header_top, body_top + len(table.body)):
        rows.append([grid.get((r, c), "") for c in range(1, width + 1)])
    if table.empty and table.empty_note:
        rows.append([table.empty_note] + [""] * (width - 1))
    return rows, merges, header_top, body_top


def padded(rows: list[list[str]], width: int) -> list[list[str]]:
    rows = [row + [""] * (width - len(row)) for row in rows]
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def pdf_lines(pdf: Path) -> list[list[str]]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in text.splitlines()]


def _in_order(wanted: list[str], tokens: list[str]) -> bool:
    it = iter(tokens)
    return all(any(token == w for token in it) for w in wanted)


# ---------------------------------------------------------------- read back with openpyxl
@pytest.mark.parametrize("name", NAMES)
def test_one_sheet_per_printed_table_in_document_order(results, name):
    result = results[name]
    tables = printed_tables(result)
    wb = load_workbook(result.xlsx)
    assert wb.sheetnames == sheet_names(tables)
    assert len(wb.sheetnames) == len(tables) == len(set(wb.sheetnames))
    if name in SHANXI:
        assert wb.sheetnames == [f"预算公开表{n}" for n in range(1, 14)]
    elif name == "hejing-2024":
        assert wb.sheetnames[0] == "表 1"
    else:
        assert wb.sheetnames[0] == "一、财政拨款收支预算总表"
    for sheet, table in zip(wb.worksheets, tables):
        assert sheet.page_setup.orientation == ("landscape" if table.landscape else "portrait"), table.title
        assert int(sheet.page_setup.paperSize) == 9  # A4
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        _, _, header_top, body_top = expected_sheet(table)
        assert sheet.print_title_rows == f"${header_top}:${body_top - 1}"  # the header repeats on every page
        widths = [sheet.column_dimensions[chr(ord("A") + i)].width for i in range(len(table.widths))]
        assert widths.index(max(widths)) == table.widths.index(max(table.widths))  # proportional to the spec
    assert wb.properties.creator == result.report.unit_name


@pytest.mark.parametrize("name", NAMES)
def test_every_cell_is_the_tables_cell_figures_as_numbers(results, name):
    result = results[name]
    wb = load_workbook(result.xlsx)
    figures = 0
    for sheet, table in zip(wb.worksheets, printed_tables(result)):
        rows, merges, header_top, body_top = expected_sheet(table)
        assert {str(r) for r in sheet.merged_cells.ranges} == merges, table.title
        for r, row in enumerate(rows, start=1):
            for c, text in enumerate(row, start=1):
                cell = sheet.cell(r, c)
                if not isinstance(cell.value, (int, float)):
                    assert (cell.value or "") == text, (table.title, cell.coordinate)
                    continue
                figures += 1  # a number: the rounded value the PDF shows, with a format that shows it so
                assert r >= body_top, (table.title, cell.coordinate)
                source = _cell_at(table, r - body_top + 1, c)
                assert cell.number_format not in ("General", "@")
                if source.fmt is None:  # a placeholder typed in the spec ("0.00" in an empty table)
                    assert Decimal(repr(cell.value)) == Decimal(text), cell.coordinate
                    continue
                assert source.shown is not None and Decimal(repr(cell.value)) == source.shown, cell.coordinate
                assert source.fmt.number(source.shown) == text
                if name in SHANXI:  # 万元, two decimals, no separators, zero left blank
                    assert cell.number_format == "0.00;-0.00;"
    assert figures > 100


def _cell_at(table: TableView, body_row: int, column: int) -> Cell:
    """The body cell at a 1-based row and column (body cells only span columns)."""
    line = table.body[body_row - 1]
    at = 1
    for cell in line:
        if at <= column < at + cell.colspan:
            return cell
        at += cell.colspan
    raise AssertionError((table.title, body_row, column))


def test_real_figures_and_codes(results):
    """datong-2024 as the reference prints it (tests/golden/datong-2024.json): 表1 一般公共预算 2551.34,
    表3 合计 2551.34 / 2005.48 / 545.86 and 2080109 社会保险经办机构 1625.58 / 1152.77 / 472.81."""
    path = results["datong-2024"].xlsx
    wb = load_workbook(path)
    one, three = wb["预算公开表1"], wb["预算公开表3"]
    row = next(r for r in one.iter_rows(values_only=True) if r[0] == "一、一般公共预算")
    assert row[1] == 2551.34 and row[2] == "一、一般公共服务支出" and row[3] == 0  # a zero, shown blank
    zero = next(c for c in one["D"] if c.row > 5 and c.value == 0)
    assert zero.number_format == "0.00;-0.00;"  # (LibreOffice shows it blank: the tests below)
    rows = {r[0]: r for r in three.iter_rows(values_only=True) if r[0]}
    assert rows["合计"][2:5] == (2551.34, 2005.48, 545.86)
    assert rows["2080109"][1:5] == ("社会保险经办机构", 1625.58, 1152.77, 472.81)
    code = next(c for c in three["A"] if c.value == "2080109")
    assert code.data_type == "s" and code.number_format == "@"  # a code stays text
    # The XML holds the Decimal's digits, not a float's: <v>2551.34</v>.
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet3.xml").decode()
    assert "<v>2551.34</v>" in xml and "<v>1625.58</v>" in xml


@pytest.mark.parametrize("name", NAMES)
def test_empty_tables_carry_the_note(results, name):
    result = results[name]
    wb = load_workbook(result.xlsx)
    empty = 0
    for sheet, table in zip(wb.worksheets, printed_tables(result)):
        rows, *_ = expected_sheet(table)
        last = [c.value for c in sheet[sheet.max_row]]
        if table.empty and table.empty_note:
            empty += 1
            assert last[0] == table.empty_note and sheet.max_row == len(rows)
        else:
            assert last[0] != table.empty_note or not table.empty_note
    if name in SHANXI:
        assert empty >= 3 and all(t.empty_note == "注：本表无数据" for t in printed_tables(result) if t.empty)
    if name == "hejing-2024":
        notes = [t.empty_note for t in printed_tables(result) if t.empty]
        assert notes and all(n.startswith("备注：和静县社会保险中心2024年没有") for n in notes)


def test_the_same_report_gives_the_same_bytes(results, tmp_path):
    report = results["fenyang-2025"].report
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_xlsx(report, first)
    write_xlsx(report, second)
    assert first.read_bytes() == second.read_bytes() == results["fenyang-2025"].xlsx.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "2025-01-01T00:00:00Z" in core  # the budget year, not the clock


# ---------------------------------------------------------------- as LibreOffice shows it, and as the PDF prints it
@pytest.mark.parametrize("name", NAMES)
def test_libreoffice_shows_every_cell_as_the_pdf_prints_it(results, shown, name):
    result = results[name]
    tables = printed_tables(result)
    for sheet, table in zip(sheet_names(tables), tables):
        rows, *_ = expected_sheet(table)
        assert padded(shown[name][sheet], len(table.widths)) == padded(rows, len(table.widths)), table.title


@pytest.mark.parametrize("name", NAMES)
def test_each_rows_figures_as_shown_are_on_one_line_of_the_pdf(results, shown, name):
    """The chain closes on the PDF itself: the figures LibreOffice shows for a row are, in order, on one
    line of pdftotext's layout (the row's label on that line or next to it, where a long name wraps)."""
    result = results[name]
    lines = pdf_lines(result.pdf)
    text = squeeze("".join("".join(line) for line in lines))
    tables = printed_tables(result)
    checked = 0
    for sheet, table in zip(sheet_names(tables), tables):
        rows, _, _, body_top = expected_sheet(table)
        for part in (table.label, table.title, table.unit_line, table.measure, table.empty_note if table.empty else ""):
            assert squeeze(part) in text, part
        for row in shown[name][sheet][body_top - 1:body_top - 1 + len(table.body)]:
            figures = [v for v in row if re.fullmatch(r"-?[\d,]+(?:\.\d+)?", v)]  # and codes: also on the line
            labels = [v for v in row if v and v not in figures]
            if not figures:
                continue
            head = squeeze(labels[0])[:4] if labels else ""
            found = any(_in_order(figures, line) and any(head in squeeze("".join(lines[j]))
                                                         for j in (i - 1, i, i + 1) if 0 <= j < len(lines))
                        for i, line in enumerate(lines))
            assert found, f"{table.title}: {row} not on one line of the PDF text"
            checked += 1
    assert checked > 10


def test_number_formats_libreoffice_shows_as_our_text(formats_book, shown):
    """Formats beyond the examples': thousands, negative, "-" / "0" / "0.00" / blank zero, trimmed, 元."""
    path, cells = formats_book
    assert shown["formats"].keys() == {"表1格式"}  # the label, made a legal sheet name
    rows = shown["formats"]["表1格式"]
    assert rows[0][0] == "表[1]/格式?"  # … and printed as it is
    body = rows[4:4 + len(cells)]
    assert [row[2] for row in body] == [cell.text for cell in cells]
    assert [row[2] for row in body][:4] == ["1,234,567.50", "-1,234.50", "0", "-"]
    sheet = load_workbook(path).active
    assert sheet.cell(5 + len(cells) - 1, 3).value == "\"无\""  # text, where no number format can say it
    assert sheet.cell(5 + len(cells), 3).value is None
    assert {str(r) for r in sheet.merged_cells.ranges} == {"A2:C2", f"A{5 + len(cells)}:B{5 + len(cells)}"}


def test_number_format_codes():
    assert number_format(NumberFormat(), Decimal("1.00")) == "0.00;-0.00;"
    assert number_format(NumberFormat(zero="0"), Decimal("1.00")) == "0.00;-0.00;0"
    assert number_format(NumberFormat(zero="0.00"), Decimal("0.00")) == "0.00;-0.00;0.00"
    assert number_format(NumberFormat(zero="-", thousands=True), Decimal("0")) == '#,##0.00;-#,##0.00;"-"'
    assert number_format(NumberFormat(trim=True, zero="0"), Decimal("2.90")) == "0.0;-0.0;0"
    assert number_format(NumberFormat(trim=True, zero="0"), Decimal("18.00")) == "0;-0;0"
    assert number_format(NumberFormat(zero='"'), Decimal("0")) is None


def test_sheet_names_are_legal_and_unique():
    long = "一" * 40
    tables = [SimpleNamespace(label=label, number=n) for n, label in
              enumerate(["预算公开表1", "预算公开表1", "a:b*c?", "", long, "'引号'", "History"], start=1)]
    names = sheet_names(tables)
    assert names[:4] == ["预算公开表1", "预算公开表1(2)", "abc", "表4"]
    assert names[4] == "一" * 31 and names[5] == "引号" and names[6] != "History"
    assert len({n.casefold() for n in names}) == len(names) and all(len(n) <= 31 for n in names)


def test_check_and_build_do_not_import_openpyxl_or_the_xlsx_writer():
    code = ("import sys, budget_author.check, budget_author.build, budget_author.batch, budget_author.cli; "
            "print('openpyxl' in sys.modules, 'budget_author.render.xlsx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                         env=dict(os.environ, PYTHONPATH=str(ROOT))).stdout
    assert out.split() == ["False", "False"]
