"""Read the workbook: the only module that touches openpyxl for input.

It sniffs the format, reads the file into memory (and closes it at once), and
returns plain values with their sheet and cell, for exactly the ranges the
schema declares. Everything after it can be tested without a workbook.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from budget_author.workbook import schema as S

MAX_FILE_BYTES = 20 * 1024 * 1024


class InputError(Exception):
    """The file cannot be used at all (exit code 2). `code` is a catalogue code."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class RawCell:
    value: Any  # the cached value (what Excel shows)
    formula: str | None = None  # the formula text, if the cell holds one


@dataclass
class RawSheet:
    title: str
    headers: list[Any]
    rows: dict[int, list[RawCell]]  # row number → cells, one per schema column
    total_row: list[RawCell] | None = None


@dataclass
class RawWorkbook:
    path: str
    sheet_titles: list[str]
    sheets: dict[str, RawSheet] = field(default_factory=dict)  # by schema key
    meta: dict[str, Any] = field(default_factory=dict)
    has_meta: bool = False
    macros: bool = False


OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


def _sniff(data: bytes, path: Path) -> None:
    if not data:
        raise InputError("FILE_EMPTY")
    if data.startswith(OLE2_MAGIC):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise InputError("FILE_ENCRYPTED")
        if path.suffix.lower() == ".et" or b"W\x00P\x00S" in data[:4096]:
            raise InputError("FILE_WPS_ET")
        raise InputError("FILE_XLS")
    if not data.startswith(ZIP_MAGIC):
        raise InputError("FILE_NOT_XLSX")


def read_workbook(path: str | Path) -> RawWorkbook:
    """Read `path` into a RawWorkbook, or raise InputError."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError("FILE_TOO_LARGE", size=size, limit=MAX_FILE_BYTES)
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("FILE_NOT_FOUND") from exc
    except IsADirectoryError as exc:
        raise InputError("FILE_NOT_XLSX") from exc
    except PermissionError as exc:
        raise InputError("FILE_UNREADABLE") from exc
    _sniff(data, path)
    try:
        return _read_bytes(data, str(path))
    except InputError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise InputError("FILE_CORRUPT", detail=type(exc).__name__) from exc
    except (KeyError, ParseError, SyntaxError, IndexError, ValueError, TypeError, OSError,
            RuntimeError, NotImplementedError, AttributeError) as exc:
        raise InputError("FILE_CORRUPT", detail=type(exc).__name__) from exc


def _open(data: bytes, *, data_only: bool):
    import openpyxl  # imported here: the only place

    return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only, keep_links=False)


def _read_bytes(data: bytes, name: str) -> RawWorkbook:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        macros = any(n.lower().endswith("vbaproject.bin") for n in archive.namelist())
    values_wb = _open(data, data_only=True)
    formulas_wb = _open(data, data_only=False)
    try:
        titles = list(values_wb.sheetnames)
        raw = RawWorkbook(path=name, sheet_titles=titles, macros=macros)
        if S.META_TITLE in titles:
            raw.has_meta = True
            ws = values_wb[S.META_TITLE]
            for row in ws.iter_rows(min_row=1, max_row=len(S.META_KEYS) + 5, min_col=1, max_col=2, values_only=True):
                if row and row[0] is not None:
                    raw.meta[str(row[0])] = row[1] if len(row) > 1 else None
        for spec in S.SHEETS:
            if spec.title not in titles:
                continue
            raw.sheets[spec.key] = _read_sheet(spec, values_wb[spec.title], formulas_wb[spec.title])
        return raw
    finally:
        values_wb.close()
        formulas_wb.close()


def _bounded_rows(ws, first: int, last: int, width: int) -> list[tuple]:
    rows = list(ws.iter_rows(min_row=first, max_row=last, min_col=1, max_col=width, values_only=True))
    return rows


def _read_sheet(spec: S.Sheet, values_ws, formulas_ws) -> RawSheet:
    width = len(spec.columns)
    last = spec.last_data_row
    values = _bounded_rows(values_ws, 1, last, width)
    formulas = _bounded_rows(formulas_ws, 1, last, width)

    def cells(index: int) -> list[RawCell]:
        vrow = values[index] if index < len(values) else ()
        frow = formulas[index] if index < len(formulas) else ()
        out = []
        for col in range(width):
            value = vrow[col] if col < len(vrow) else None
            raw = frow[col] if col < len(frow) else None
            formula = raw if isinstance(raw, str) and raw.startswith("=") else None
            if formula is None and hasattr(raw, "text"):  # ArrayFormula / DataTableFormula
                formula = str(getattr(raw, "text", "")) or "="
            out.append(RawCell(value, formula))
        return out

    headers = [c.value for c in cells(0)] if values or formulas else []
    rows: dict[int, list[RawCell]] = {}
    for row_number in range(spec.first_data_row, last + 1):
        row_cells = cells(row_number - 1)
        if any(c.value is not None or c.formula for c in row_cells):
            rows[row_number] = row_cells
    total = cells(1) if spec.total_row else None
    return RawSheet(spec.title, headers, rows, total)
