"""Read the workbook: the only module that reads input files.

It sniffs the format from the first bytes, reads the file into memory (and
closes it at once), checks the limits below *before* parsing anything, and
returns plain values with their sheet and cell, for exactly the ranges the
schema declares. Everything after it can be tested without a workbook.

The package (zip) and its XML parts are read here directly, with defusedxml
and with explicit bounds, rather than through openpyxl's loader: openpyxl
reads every shared string and style into Python objects at ~20 µs each and
keeps only one of two duplicate cells, drops rows that come out of order and
does not expose merged ranges in read-only mode. Not even openpyxl's pure helpers
are imported (0.16 s a run): workbook/numfmt.py restates the two it needed.

Every way a file can be unusable ends in one exception type, InputError, whose
`code` is a catalogue code (exit 2). Anything else escaping from here is a bug.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import pyexpat
import re
import stat
import struct
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.common import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring as _defused_fromstring
from defusedxml.ElementTree import iterparse as _defused_iterparse
from budget_author.workbook import schema as S
from budget_author.workbook.numfmt import (BUILTIN_DATE_FORMATS, MAC_EPOCH, WINDOWS_EPOCH, from_excel,
                                           is_date_format, is_timedelta_format)

# ---------------------------------------------------------------- limits
# All checked before the part they guard is parsed. A real filled template is
# ~100 KB on disk, ~0.7 MB unzipped, 47 parts, ~20,000 XML tags; the largest
# possible one (every row of every sheet filled) stays under 10 MB unzipped.
MAX_FILE_BYTES = 20 * 1024 * 1024  # the file on disk
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # all zip members together, as declared (zipfile enforces it)
MAX_COMPRESSION_RATIO = 100  # per member, for members over RATIO_MIN_BYTES (deflate allows ~1000:1)
RATIO_MIN_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 1000
MAX_XML_TAGS = 1_000_000  # '<' in all XML parts together; bounds parse time (~1.5 µs a tag) and memory
MAX_SHEET_ROWS = 100_000  # a sheet's used range (<dimension>); the schema reads at most 3,001 rows
MAX_SHEET_COLUMNS = 1_000  # … and at most 25 columns
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell; longer text is cut here and reported by parse
EXCEL_MAX_ROW = 1_048_576
EXCEL_MAX_COLUMN = 16_384


class InputError(Exception):
    """The file cannot be used at all (exit code 2). `code` is a catalogue code."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


class _Corrupt(Exception):
    """Internal: the package is damaged in a way we can describe (→ FILE_CORRUPT)."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


# ---------------------------------------------------------------- results
@dataclass(frozen=True)
class RawCell:
    value: Any  # the cached value (what Excel shows); text longer than MAX_CELL_CHARS is cut
    formula: str | None = None  # the formula text ("=…"), if the cell holds one
    error: bool = False  # the cached value is an error value (t="e")
    copies: int = 1  # how many times the sheet XML defines this cell (>1: duplicate references)
    corrupt: str | None = None  # the stored text of a value that cannot be decoded
    length: int | None = None  # the original length when the text was cut at MAX_CELL_CHARS


EMPTY = RawCell(None)


@dataclass
class RawSheet:
    title: str
    headers: list[Any]
    rows: dict[int, list[RawCell]]  # row number → cells, one per schema column
    total_row: list[RawCell] | None = None
    state: str = "visible"  # "hidden" / "veryHidden" when the clerk hid the sheet
    hidden_rows: frozenset[int] = frozenset()  # within the rows read
    hidden_columns: frozenset[int] = frozenset()  # 1-based, within the columns read
    merged: tuple[tuple[int, int, int, int], ...] = ()  # (min_col, min_row, max_col, max_row) touching the range read
    rows_beyond: tuple[int, ...] = ()  # rows after the last row read that hold values in input columns
    rows_beyond_count: int = 0


@dataclass
class RawWorkbook:
    path: str
    sheet_titles: list[str]
    sheets: dict[str, RawSheet] = field(default_factory=dict)  # by schema key
    meta: dict[str, Any] = field(default_factory=dict)
    has_meta: bool = False
    macros: bool = False
    full_calc_on_load: bool = False  # workbook.xml asks for recalculation: cached values are not trustworthy
    # Sheets with a title the schema does not know, read only when a schema sheet is missing (a renamed
    # sheet is recognised from them): title → (row 1's values, column A of the next rows).
    strays: dict[str, tuple[list[Any], list[Any]]] = field(default_factory=dict)


# ---------------------------------------------------------------- format sniffing
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_ENDOFCHAIN_MIN = 0xFFFFFFFA  # MAXREGSECT + 1: every value from here is a marker, not a sector


def ole2_entry_names(data: bytes) -> list[str] | None:
    """The names in an OLE2 (Compound File) directory, or None if the header is not usable.

    Follows the FAT chain of the directory from the header's DIFAT (including
    extended DIFAT sectors), with every loop bounded by the file size.
    """
    if len(data) < 512 or not data.startswith(OLE2_MAGIC):
        return None
    major, _order, shift = struct.unpack_from("<HHH", data, 0x1A)
    if (major, shift) not in ((3, 9), (4, 12)):
        return None
    size = 1 << shift
    sectors = (len(data) - 512) // size  # sector n sits at (n + 1) * size; v4 headers pad to 4096
    if major == 4:
        sectors = max(0, (len(data) - size) // size)

    def sector(n: int) -> bytes | None:
        if n >= sectors:
            return None
        offset = (n + 1) * size
        chunk = data[offset: offset + size]
        return chunk if len(chunk) == size else None

    fat_count, first_dir = struct.unpack_from("<II", data, 0x2C)
    first_difat, difat_count = struct.unpack_from("<II", data, 0x44)
    difat = [n for n in struct.unpack_from("<109I", data, 0x4C) if n < _ENDOFCHAIN_MIN]
    next_difat, seen = first_difat, set()
    while next_difat < _ENDOFCHAIN_MIN and next_difat not in seen and len(seen) < min(difat_count, sectors):
        seen.add(next_difat)
        chunk = sector(next_difat)
        if chunk is None:
            break
        entries = struct.unpack(f"<{size // 4}I", chunk)
        difat.extend(n for n in entries[:-1] if n < _ENDOFCHAIN_MIN)
        next_difat = entries[-1]
    fat: list[int] = []
    for n in difat[: min(fat_count, sectors)]:
        chunk = sector(n)
        if chunk is not None:
            fat.extend(struct.unpack(f"<{size // 4}I", chunk))
    names: list[str] = []
    current, visited = first_dir, set()
    while current < _ENDOFCHAIN_MIN and current not in visited and len(visited) <= sectors:
        visited.add(current)
        chunk = sector(current)
        if chunk is None:
            break
        for start in range(0, size, 128):
            entry = chunk[start: start + 128]
            name_bytes, kind = struct.unpack_from("<H", entry, 0x40)[0], entry[0x42]
            if kind in (1, 2, 5) and 2 <= name_bytes <= 64 and name_bytes % 2 == 0:
                names.append(entry[: name_bytes - 2].decode("utf-16-le", "replace"))
        current = fat[current] if current < len(fat) else _ENDOFCHAIN_MIN
    return names


def _sniff(data: bytes, path: Path) -> None:
    """Say what a file is from its first bytes (the name only picks between .xls and .et advice)."""
    if not data:
        raise InputError("FILE_EMPTY")
    if data.startswith(OLE2_MAGIC):
        names = ole2_entry_names(data)
        if names is None:  # no usable directory: fall back to looking for the stream names anywhere
            encrypted = "EncryptedPackage".encode("utf-16-le") in data
            wps = b"W\x00P\x00S" in data[:4096]
        else:
            encrypted = bool({"EncryptedPackage", "EncryptionInfo"} & set(names))
            wps = any("wps" in name.lower() for name in names)
        if encrypted:
            raise InputError("FILE_ENCRYPTED")
        if path.suffix.lower() in (".et", ".ett") or wps:
            raise InputError("FILE_WPS_ET")
        raise InputError("FILE_XLS")
    if not data.startswith(ZIP_MAGIC):
        raise InputError("FILE_NOT_XLSX")


# ---------------------------------------------------------------- the entry point
def read_workbook(path: str | Path) -> RawWorkbook:
    """Read `path` into a RawWorkbook, or raise InputError."""
    path = Path(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a folder, a pipe or a device: never opened (a pipe would block)
            raise InputError("FILE_NOT_XLSX")
        if info.st_size > MAX_FILE_BYTES:
            raise InputError("FILE_TOO_LARGE", size=info.st_size, limit=MAX_FILE_BYTES)
        with path.open("rb") as handle:  # read into memory and closed at once; never more than the limit
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError as exc:
        raise InputError("FILE_NOT_FOUND") from exc
    except PermissionError as exc:
        raise InputError("FILE_UNREADABLE") from exc
    except (OSError, ValueError) as exc:  # an I/O error; a name the system cannot represent (NUL)
        raise InputError("FILE_UNREADABLE") from exc
    if len(data) > MAX_FILE_BYTES:  # it grew between stat and read
        raise InputError("FILE_TOO_LARGE", size=len(data), limit=MAX_FILE_BYTES)
    _sniff(data, path)
    return read_bytes(data, str(path))


def read_bytes(data: bytes, name: str = "") -> RawWorkbook:
    """Read an .xlsx held in memory (already sniffed as a zip), or raise InputError."""
    package = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # never print a library's English warning to the clerk
            package = _Package(data)
            return _Reader(package, name).read()
    except InputError:
        raise
    except DefusedXmlException as exc:
        raise InputError("FILE_XML_FORBIDDEN", part=_part(package), detail=type(exc).__name__) from exc
    except _Corrupt as exc:
        raise InputError("FILE_CORRUPT", detail=exc.detail) from exc
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else "?"
        raise InputError("FILE_CORRUPT", detail=f"{_part(package)} 的 XML 格式错误，第 {line} 行") from exc
    except pyexpat.ExpatError as exc:
        raise InputError("FILE_CORRUPT", detail=f"{_part(package)} 的 XML 格式错误，第 {exc.lineno} 行") from exc
    except zipfile.BadZipFile as exc:
        raise InputError("FILE_CORRUPT", detail=f"压缩包结构损坏{_at(package)}") from exc
    except (zlib.error, EOFError) as exc:
        raise InputError("FILE_CORRUPT", detail=f"压缩数据损坏{_at(package)}") from exc
    except NotImplementedError as exc:  # e.g. a compression method zipfile does not support
        raise InputError("FILE_CORRUPT", detail=f"不支持的压缩方式{_at(package)}") from exc
    except (KeyError, IndexError, LookupError, SyntaxError, ValueError, TypeError, OSError, RuntimeError,
            AttributeError, ArithmeticError, struct.error) as exc:
        raise InputError("FILE_CORRUPT", detail=f"{type(exc).__name__}{_at(package)}") from exc
    finally:
        if package is not None:
            package.close()


def _part(package: "_Package | None") -> str:
    return (package.current if package is not None else "") or "（未知部件）"


def _at(package: "_Package | None") -> str:
    return f"，部件 {package.current}" if package is not None and package.current else ""


# ---------------------------------------------------------------- the package
_DTD_MARKERS = tuple(
    marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY") for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
_XML_ENCODING = re.compile(rb"""\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")


def _has_dtd(data: bytes) -> bool:
    """Does an XML part hold a document type declaration or an entity declaration?

    Searched as bytes in UTF-8 (and every ASCII-compatible encoding) and UTF-16, and, when the
    part declares another encoding Python knows (EBCDIC, say), in the text decoded with it.
    """
    if any(marker in data for marker in _DTD_MARKERS):
        return True
    declared = _XML_ENCODING.match(data)
    if declared:
        encoding = declared.group(1).decode("ascii").lower()
        if encoding not in ("utf-8", "utf8", "utf-16", "utf16"):
            try:
                text = data.decode(encoding, errors="replace")
            except LookupError:
                return False  # unknown to Python, and so to the parser: it fails as a damaged part
            return "<!DOCTYPE" in text or "<!ENTITY" in text
    return False


_BINARY_SUFFIXES = (".bin", ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".wdp")


class _Package:
    """The zip, with its limits checked before any member is decompressed."""

    def __init__(self, data: bytes):
        self.current = ""
        self.tags = 0
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        infos = self.zip.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise InputError("FILE_TOO_MANY_PARTS", count=len(infos), limit=MAX_ZIP_MEMBERS)
        names = [info.filename for info in infos]
        if len({name.lower() for name in names}) != len(names):
            raise _Corrupt("压缩包中有重名的部件")
        if any(info.flag_bits & 0x1 for info in infos):
            raise InputError("FILE_ENCRYPTED")
        total = sum(info.file_size for info in infos)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise InputError("FILE_UNZIPPED_TOO_LARGE", size=total, limit=MAX_UNCOMPRESSED_BYTES)
        for info in infos:
            if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
                raise InputError("FILE_COMPRESSION_RATIO", part=info.filename,
                                 ratio=info.file_size // max(info.compress_size, 1), limit=MAX_COMPRESSION_RATIO)
        self.infos = {info.filename: info for info in infos}
        self.folded = {name.lower(): name for name in names}  # part names are case-insensitive (OPC)
        self.macros = any(name.lower().endswith("vbaproject.bin") for name in names)
        # Every XML member, used or not, is decompressed once (CRC-checked by zipfile) and screened
        # before anything is parsed: no DTD or entity anywhere, and a bounded number of tags.
        self.xml: dict[str, bytes] = {}
        for info in infos:
            lower = info.filename.lower()
            if not info.is_dir() and not lower.endswith(_BINARY_SUFFIXES) and "/media/" not in lower \
                    and "/embeddings/" not in lower:
                self._screen(info.filename)
        self.current = ""

    def _screen(self, name: str) -> bytes:
        self.current = name
        data = self.zip.read(self.infos[name])
        if _has_dtd(data):
            raise InputError("FILE_XML_FORBIDDEN", part=name, detail="DOCTYPE/ENTITY")
        self.tags += data.count(b"<")
        if self.tags > MAX_XML_TAGS:
            raise InputError("FILE_TOO_MANY_ELEMENTS", part=name, count=self.tags, limit=MAX_XML_TAGS)
        self.xml[name] = data
        return data

    def close(self) -> None:
        self.zip.close()

    def find(self, name: str) -> str | None:
        if name in self.infos:
            return name
        return self.folded.get(name.lower())

    def read(self, name: str) -> bytes:
        """One XML part, as screened when the package was opened."""
        real = self.find(name)
        if real is None:
            raise _Corrupt(f"缺少部件 {name}")
        self.current = real
        return self.xml[real] if real in self.xml else self._screen(real)

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """The relationships of `part`: id → (type, resolved target). External targets are left out."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if self.find(rels_name) is None:
            return {}
        root = _parse(self.read(rels_name))
        out: dict[str, tuple[str, str]] = {}
        for element in root:
            if _local(element.tag) != "Relationship" or element.get("TargetMode", "").lower() == "external":
                continue
            rid, target = element.get("Id"), element.get("Target")
            if rid is None or not target:
                continue
            out[rid] = (element.get("Type", ""), _resolve(part, target))
        return out


def _resolve(source: str, target: str) -> str:
    target = target.replace("\\", "/")
    path = target[1:] if target.startswith("/") else posixpath.join(posixpath.dirname(source), target)
    path = posixpath.normpath(path)
    return "" if path.startswith("..") or path == "." else path


def _parse(data: bytes):
    """A small part (rels, workbook, styles) as an element tree: defusedxml, no DTD at all."""
    return _defused_fromstring(data, forbid_dtd=True)


def _iterparse(data: bytes) -> Iterator[tuple[str, Any]]:
    return _defused_iterparse(io.BytesIO(data), events=("start", "end"), forbid_dtd=True)


_LOCAL: dict[str, str] = {}


def _local(tag: Any) -> str:
    """The local name of a tag ('{ns}row' → 'row'); tags are interned in a small cache."""
    if not isinstance(tag, str):  # comments and processing instructions
        return ""
    name = _LOCAL.get(tag)
    if name is None:
        name = tag.rpartition("}")[2]
        if len(_LOCAL) < 10_000:
            _LOCAL[tag] = name
    return name


# Transitional and Strict SpreadsheetML: the same local names in two namespaces.
_MAIN_NS = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")


def _tags(local: str) -> frozenset[str]:
    return frozenset(f"{{{ns}}}{local}" for ns in _MAIN_NS)


TEXT_TAGS, RUN_TAGS, SI_TAGS = _tags("t"), _tags("r"), _tags("si")
SHEETDATA_TAGS, DIMENSION_TAGS = _tags("sheetData"), _tags("dimension")

# ---------------------------------------------------------------- number formats
# Built-in formats Excel defines only per locale, which openpyxl does not know and reads as plain
# numbers (ECMA-376 Part 1, 18.8.30, zh-CN): 年月日 dates and 时分 times.
CN_DATE_FORMAT_IDS = frozenset({27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 57, 58})
CN_TIME_FORMAT_IDS = frozenset({32, 33, 34, 35, 55, 56})


def _classify_format(format_id: int, custom: dict[int, str]) -> str | None:
    """'date', 'time', 'timedelta' or None (a plain number)."""
    code = custom.get(format_id)
    if code is None:
        if format_id in CN_DATE_FORMAT_IDS:
            return "date"
        if format_id in CN_TIME_FORMAT_IDS:
            return "time"
        code = BUILTIN_DATE_FORMATS.get(format_id)
    if not code:
        return None
    try:
        if is_timedelta_format(code):
            return "timedelta"
        return "date" if is_date_format(code) else None
    except (TypeError, ValueError, re.error):
        return None


def _int_attr(text: str | None, default: int | None = None) -> int | None:
    if text is None or not text.isascii() or not text.isdigit() or len(text) > 9:
        return default
    return int(text)


def _styles(data: bytes | None) -> list[str | None]:
    """The date kind of every cell style (index = the cell's s attribute)."""
    if data is None:
        return []
    root = _parse(data)
    custom: dict[int, str] = {}
    kinds: list[str | None] = []
    for element in root:
        local = _local(element.tag)
        if local == "numFmts":
            for fmt in element:
                format_id = _int_attr(fmt.get("numFmtId"))
                if format_id is not None:
                    custom[format_id] = fmt.get("formatCode") or ""
        elif local == "cellXfs":
            for xf in element:
                if _local(xf.tag) == "xf":
                    kinds.append(_classify_format(_int_attr(xf.get("numFmtId"), 0) or 0, custom))
    return kinds


# ECMA-376 Part 1, 22.9.2.19 (ST_Xstring): in shared strings, inline strings and cached formula
# strings, any UTF-16 code unit may be written as _xHHHH_ — Excel writes the characters XML cannot
# hold this way (_x000D_ before each line break of text pasted from Windows, _x0001_ …), and _x005F_
# escapes the underscore of a literal "_xHHHH_" ("_x005F_x000D_" is the text "_x000D_").
_XSTRING_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_SURROGATE = re.compile("[\ud800-\udfff]")


def decode_xstring(text: str) -> str:
    """Decode Excel's _xHHHH_ escapes, left to right as Excel does. Escaped surrogate pairs become
    the one character they encode; a lone surrogate (no character, and not writable as UTF-8)
    becomes U+FFFD, which parse drops with a warning like any other control character."""
    if "_x" not in text:
        return text
    decoded = _XSTRING_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)
    if _SURROGATE.search(decoded):
        decoded = decoded.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return decoded


def _string_item(element) -> str:
    """The text of a shared-string item or an inline string: <t>, or the <t> of each run (not phonetic runs)."""
    parts: list[str] = []
    for child in element:
        if child.tag in TEXT_TAGS:
            parts.append(child.text or "")
        elif child.tag in RUN_TAGS:
            for grandchild in child:
                if grandchild.tag in TEXT_TAGS:
                    parts.append(grandchild.text or "")
    return decode_xstring("".join(parts))


def _shared_strings(data: bytes) -> list[str]:
    strings: list[str] = []
    root = None
    for event, element in _iterparse(data):
        if event == "start":
            if root is None:
                root = element
            continue
        if element.tag in SI_TAGS:
            strings.append(_string_item(element))
            element.clear()
            if root is not None and len(root) and root[-1] is element:
                del root[-1]
    return strings


# ---------------------------------------------------------------- cells
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})", re.ASCII)
_XML_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_XML_SPECIAL_FLOATS = {"NaN": "nan", "INF": "inf", "-INF": "-inf", "Infinity": "inf", "-Infinity": "-inf"}


def column_index(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index


def parse_ref(ref: str) -> tuple[int, int] | None:
    """'F5' → (row 5, column 6); None if it is not a cell reference inside Excel's grid."""
    match = _CELL_REF.fullmatch(ref)
    if not match:
        return None
    row, col = int(match.group(2)), column_index(match.group(1))
    if not (1 <= row <= EXCEL_MAX_ROW and 1 <= col <= EXCEL_MAX_COLUMN):
        return None
    return row, col


def parse_range(ref: str) -> tuple[int, int, int, int] | None:
    """'A1:G202' → (min_col, min_row, max_col, max_row); a single cell is a 1×1 range."""
    first, _, last = ref.strip().partition(":")
    start, end = parse_ref(first), parse_ref(last or first)
    if start is None or end is None:
        return None
    return (min(start[1], end[1]), min(start[0], end[0]), max(start[1], end[1]), max(start[0], end[0]))


def _number(text: str) -> int | float | None:
    """An XML number as openpyxl reads it (int, or float when it has '.' or an exponent); None if not a number."""
    text = text.strip()
    if text in _XML_SPECIAL_FLOATS:
        return float(_XML_SPECIAL_FLOATS[text])
    if len(text) > 4000 or not _XML_NUMBER.fullmatch(text):  # int() refuses more than 4,300 digits
        return None
    if "." in text or "e" in text or "E" in text:
        return float(text)
    return int(text)


def _dimension(data: bytes) -> str | None:
    """The sheet's declared used range (<dimension ref>): only the part before <sheetData> is parsed."""
    end = data.find(b"sheetData")
    head = data[:end] if end > 0 else data
    try:
        for event, element in _iterparse(head):
            if event == "start" and element.tag in SHEETDATA_TAGS:
                return None
            if event == "end" and element.tag in DIMENSION_TAGS:
                return element.get("ref") or ""
    except ParseError:  # the cut-off head ends in the middle of the document, as intended
        return None
    return None


def _check_dimension(title: str, ref: str | None) -> None:
    bounds = parse_range(ref) if ref else None
    if bounds is None:
        return  # absent or unreadable: only a hint, and the reading is bounded anyway
    _, _, max_col, max_row = bounds
    if max_row > MAX_SHEET_ROWS or max_col > MAX_SHEET_COLUMNS:
        raise InputError("FILE_SHEET_TOO_LARGE", title=title, ref=ref.strip()[:40], rows=max_row, cols=max_col,
                         max_rows=MAX_SHEET_ROWS, max_cols=MAX_SHEET_COLUMNS)


@dataclass
class _Book:
    sheets: list[tuple[str, str, str | None]]  # (title, state, relationship id)
    date1904: bool
    full_calc_on_load: bool


def _true(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true")


class _Reader:
    def __init__(self, package: _Package, name: str):
        self.package = package
        self.name = name
        self._strings: list[str] | None = None
        self.strings_part: str | None = None
        self.styles: list[str | None] = []
        self.epoch = WINDOWS_EPOCH

    # -- workbook level
    def workbook_part(self) -> str:
        package = self.package
        for rel_type, target in package.rels("").values():
            if rel_type.endswith("/officeDocument") and target and package.find(target):
                return package.find(target) or target
        for candidate in ("xl/workbook.xml",):
            if package.find(candidate):
                return package.find(candidate) or candidate
        names = {name.lower() for name in package.infos}
        if "xl/workbook.bin" in names or "mimetype" in names or "content.xml" in names or "word/document.xml" in names:
            raise InputError("FILE_NOT_XLSX")  # .xlsb, OpenDocument (.ods), .docx
        raise _Corrupt("缺少工作簿部件 xl/workbook.xml")

    def book(self, part: str) -> _Book:
        if part.lower().endswith(".bin"):
            raise InputError("FILE_NOT_XLSX")
        root = _parse(self.package.read(part))
        if _local(root.tag) != "workbook":
            raise _Corrupt(f"{part} 不是工作簿")
        sheets: list[tuple[str, str, str | None]] = []
        date1904 = full_calc = False
        for element in root:
            local = _local(element.tag)
            if local == "sheets":
                for sheet in element:
                    if _local(sheet.tag) != "sheet":
                        continue
                    rid = next((v for k, v in sheet.attrib.items() if k.startswith("{") and k.endswith("}id")), None)
                    sheets.append((sheet.get("name") or "", sheet.get("state") or "visible", rid))
            elif local == "workbookPr":
                date1904 = _true(element.get("date1904"))
            elif local == "calcPr":
                full_calc = _true(element.get("fullCalcOnLoad"))
        folded = [title.casefold() for title, _, _ in sheets]
        if len(set(folded)) != len(folded):
            raise _Corrupt("工作表名称重复")
        return _Book(sheets, date1904, full_calc)

    def strings(self) -> list[str]:
        if self._strings is None:
            self._strings = _shared_strings(self.package.read(self.strings_part)) if self.strings_part else []
        return self._strings

    def read(self) -> RawWorkbook:
        part = self.workbook_part()
        book = self.book(part)
        rels = self.package.rels(part)
        for rel_type, target in rels.values():
            if rel_type.endswith("/sharedStrings") and self.package.find(target):
                self.strings_part = target
            elif rel_type.endswith("/styles") and self.package.find(target):
                self.styles = _styles(self.package.read(target))
        self.strings()  # parsed whether or not a cell uses it: a damaged table is a damaged file
        if book.date1904:
            self.epoch = MAC_EPOCH
        titles = [title for title, _, _ in book.sheets]
        raw = RawWorkbook(path=self.name, sheet_titles=titles, macros=self.package.macros,
                          full_calc_on_load=book.full_calc_on_load)
        where = {title: (state, rels.get(rid or "", ("", ""))[1]) for title, state, rid in book.sheets}

        def sheet_part(title: str) -> str:
            target = where[title][1]
            real = self.package.find(target) if target else None
            if real is None:
                raise _Corrupt(f"缺少工作表“{title}”的内容")
            return real

        wanted = [title for title in (S.META_TITLE, *(spec.title for spec in S.ALL_SHEETS)) if title in where]
        for title in wanted:  # every sheet's size, before any of them is parsed
            _check_dimension(title, _dimension(self.package.read(sheet_part(title))))
        if S.META_TITLE in where:
            raw.has_meta = True
            meta = _SheetReader(self, sheet_part(S.META_TITLE), S.META_TITLE, width=2,
                                last_row=len(S.META_KEYS) + 5, input_columns=frozenset()).read()
            for number in sorted(meta.cells_by_row):
                cells = meta.row(number)
                if cells[0].value is not None:
                    raw.meta[str(cells[0].value)] = cells[1].value
        for spec in S.ALL_SHEETS:
            if spec.title not in where:
                continue
            inputs = frozenset(i + 1 for i, c in enumerate(spec.columns) if c.is_input)
            scan = _SheetReader(self, sheet_part(spec.title), spec.title, width=len(spec.columns),
                                last_row=spec.last_data_row, input_columns=inputs).read()
            raw.sheets[spec.key] = scan.to_raw(spec, where[spec.title][0])
        if any(spec.title not in where for spec in _expected_sheets(raw.meta)):
            self._read_strays(raw, titles, sheet_part)
        return raw

    def _read_strays(self, raw: RawWorkbook, titles: list[str], sheet_part: Callable[[str], str]) -> None:
        """The header row and row labels of sheets the schema does not name (at most 20, within the limits)."""
        known = {S.META_TITLE, S.LISTS_TITLE, S.INSTRUCTIONS_TITLE, *(spec.title for spec in S.ALL_SHEETS)}
        last_row = 1 + max(len(spec.fixed_rows) for spec in S.ALL_SHEETS)
        for title in [t for t in titles if t not in known][:20]:
            try:
                part = sheet_part(title)
                _check_dimension(title, _dimension(self.package.read(part)))
                scan = _SheetReader(self, part, title, width=S.MAX_COLUMNS, last_row=last_row,
                                    input_columns=frozenset()).read()
            except (_Corrupt, InputError, ParseError, pyexpat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError,
                    NotImplementedError) as exc:
                if isinstance(exc, InputError) and exc.code != "FILE_SHEET_TOO_LARGE":
                    raise  # the limits and the XML defences hold for every part read
                continue  # a damaged sheet that is not one of ours: ignored, as before strays were read
            raw.strays[title] = ([c.value for c in scan.row(1)],
                                 [scan.row(n)[0].value for n in range(2, last_row + 1)])


def _expected_sheets(meta: dict[str, Any]) -> tuple[S.Sheet, ...]:
    """The sheets of the workbook's profile (its layout): when one is missing, strays are read so that
    parse can recognise a renamed sheet."""
    from budget_author.profiles import ProfileError
    from budget_author.workbook.layout import layout_of, meta_profile

    try:
        return layout_of(meta_profile(meta)).sheets
    except ProfileError:  # a broken profile folder: parse reports it; here, the default workbook
        return S.SHEETS


class _XmlCell:
    """One <c> element as the sheet streams past: its attributes and the leading text of its children."""

    __slots__ = ("attrs", "value_text", "formula_attrs", "formulas", "inline", "any_value")

    def __init__(self, attrs: dict[str, str]):
        self.attrs = attrs
        self.value_text: str | None = None  # <v>
        self.formula_attrs: dict[str, str] | None = None  # of the <f> being read
        self.formulas: list[tuple[dict[str, str] | None, str]] = []  # every <f>, in order (shared-formula masters)
        self.inline: list[str] | None = None  # the <t> texts of <is>, if present
        self.any_value = False  # some <v> or <is> of it is not blank

    def has_value(self) -> bool:
        return self.any_value


_EXPAT_NS = "}"  # pyexpat joins namespace and local name with it: "ns}row"
_KINDS = {f"{ns}{_EXPAT_NS}{local}": local for ns in _MAIN_NS
          for local in ("row", "c", "v", "f", "is", "t", "r", "col", "mergeCell")}


def _hardened_expat():
    """A pyexpat parser with defusedxml's guards: no DTD, no entity declarations, no external references.

    (Every part was already screened for DOCTYPE/ENTITY when the package was opened; this is the second wall.)
    """
    parser = pyexpat.ParserCreate(namespace_separator=_EXPAT_NS)
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.ordered_attributes = False

    def doctype(name, sysid, pubid, has_internal_subset):
        raise DTDForbidden(name, sysid, pubid)

    def entity(name, is_parameter_entity, value, base, sysid, pubid, notation_name):
        raise EntitiesForbidden(name, value, base, sysid, pubid, notation_name)

    def unparsed_entity(name, base, sysid, pubid, notation_name):
        raise EntitiesForbidden(name, None, base, sysid, pubid, notation_name)

    def external(context, base, sysid, pubid):
        raise ExternalReferenceForbidden(context, base, sysid, pubid)

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = unparsed_entity
    parser.ExternalEntityRefHandler = external
    return parser


@dataclass
class _Scan:
    title: str
    width: int
    cells_by_row: dict[int, dict[int, RawCell]]
    hidden_rows: set[int]
    hidden_columns: set[int]
    merged: list[tuple[int, int, int, int]]
    beyond: set[int]

    def row(self, number: int) -> list[RawCell]:
        cells = self.cells_by_row.get(number, {})
        return [cells.get(col, EMPTY) for col in range(1, self.width + 1)]

    def to_raw(self, spec: S.Sheet, state: str) -> RawSheet:
        def filled(cells: list[RawCell]) -> bool:
            return any(c.value is not None or c.formula is not None or c.corrupt is not None or c.copies > 1
                       for c in cells)

        rows = {}
        for number in range(spec.first_data_row, spec.last_data_row + 1):
            if number in self.cells_by_row:
                cells = self.row(number)
                if filled(cells):
                    rows[number] = cells
        return RawSheet(
            title=self.title,
            headers=[c.value for c in self.row(1)],
            rows=rows,
            total_row=self.row(2) if spec.total_row else None,
            state=state,
            hidden_rows=frozenset(self.hidden_rows),
            hidden_columns=frozenset(self.hidden_columns),
            merged=tuple(self.merged),
            rows_beyond=tuple(sorted(self.beyond)[:5]),
            rows_beyond_count=len(self.beyond),
        )


class _SheetReader:
    """One pass over a sheet's XML: the cells of rows 1..last_row × columns 1..width, and the layout facts."""

    MAX_MERGED = 1000  # merged ranges kept (only those touching the range read)

    def __init__(self, reader: _Reader, part: str, title: str, *, width: int, last_row: int,
                 input_columns: frozenset[int]):
        self.reader = reader
        self.part = part
        self.title = title
        self.width = width
        self.last_row = last_row
        self.input_columns = input_columns
        self.shared_formulas: dict[str, str] = {}

    def corrupt(self, what: str) -> _Corrupt:
        return _Corrupt(f"工作表“{self.title}”{what}")

    def read(self) -> _Scan:
        """Stream the sheet with pyexpat callbacks: each cell is handled when it ends and then
        dropped, so a row of a million cells costs no more memory than a row of one."""
        self.scan = _Scan(self.title, self.width, {}, set(), set(), [], set())
        data = self.reader.package.read(self.part)
        parser = _hardened_expat()
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._chars
        self.stack: list[str] = []  # the kinds of the open elements
        self.row_number = self.row_counter = self.column = self.cells_in_row = 0
        self.current: _XmlCell | None = None
        self.cell_depth = self.inline_depth = -1
        self.owner: tuple[str, int] | None = None  # the element whose leading text (ElementTree's .text) is collected
        self.interrupted = False  # a child started inside it: what follows is a tail, not its text
        self.buffer: list[str] = []
        self.layout: list[dict[str, str]] = []  # attributes of the open <col>/<mergeCell> elements
        self.outer: list[tuple] = []  # cells interrupted by a nested row's cell (never written by Excel)
        parser.Parse(data, True)
        return self.scan

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        stack = self.stack
        kind = _KINDS.get(name, "")
        parent = stack[-1] if stack else ""
        depth = len(stack)
        stack.append(kind)
        self.interrupted = True
        if not kind:
            return
        if kind == "row":
            self.row_number = self.row_counter = self.row_number_of(attrs.get("r"), self.row_counter)
            self.column = self.cells_in_row = 0
            if self.row_number <= self.last_row and _true(attrs.get("hidden")):
                self.scan.hidden_rows.add(self.row_number)
            return
        if kind in ("col", "mergeCell"):
            self.layout.append(attrs)
            return
        current = self.current
        if kind == "c":
            if parent == "row":
                self.cells_in_row += 1
                if self.cells_in_row > EXCEL_MAX_COLUMN:
                    raise self.corrupt(f"第 {self.row_number} 行的单元格超过 {EXCEL_MAX_COLUMN} 个")
                if current is not None:
                    self.outer.append((current, self.cell_depth, self.inline_depth, self.owner, self.buffer))
                self.current, self.cell_depth, self.inline_depth, self.owner = _XmlCell(attrs), depth, -1, None
        elif current is not None and depth == self.cell_depth + 1:
            if kind == "v" or kind == "f":
                if kind == "f":
                    current.formula_attrs = attrs
                self.owner, self.interrupted, self.buffer = (kind, depth), False, []
            elif kind == "is":
                current.inline, self.inline_depth = [], depth
        elif kind == "t" and current is not None and current.inline is not None and self.inline_depth >= 0 and (
                depth == self.inline_depth + 1 or (depth == self.inline_depth + 2 and parent == "r")):
            self.owner, self.interrupted, self.buffer = ("t", depth), False, []

    def _chars(self, text: str) -> None:
        if self.owner is not None and not self.interrupted:
            self.buffer.append(text)

    def _end(self, name: str) -> None:
        stack = self.stack
        kind = stack.pop()
        depth = len(stack)
        if kind in ("col", "mergeCell"):
            attrs = self.layout.pop()
            if kind == "col":
                if _true(attrs.get("hidden")):
                    low, high = _int_attr(attrs.get("min"), 0) or 0, _int_attr(attrs.get("max"), 0) or 0
                    self.scan.hidden_columns.update(range(max(low, 1), min(high, self.width) + 1))
            else:
                bounds = parse_range(attrs.get("ref") or "")
                merged = self.scan.merged
                if bounds and bounds[0] <= self.width and bounds[1] <= self.last_row and len(merged) < self.MAX_MERGED:
                    merged.append(bounds)
            return
        current = self.current
        if not kind or current is None:
            return
        if self.owner == (kind, depth):
            text, self.owner, self.buffer = "".join(self.buffer), None, []
            if kind == "v":
                current.value_text = text
                current.any_value = current.any_value or bool(text.strip())
            elif kind == "f":
                current.formulas.append((current.formula_attrs, text))
            else:
                current.inline.append(text)
        elif kind == "is" and depth == self.inline_depth:
            current.any_value = current.any_value or bool("".join(current.inline).strip())
            self.inline_depth = -1
        elif kind == "c" and depth == self.cell_depth:
            self.column = self.place(current, self.row_number, self.column, self.scan)
            if self.outer:
                self.current, self.cell_depth, self.inline_depth, self.owner, self.buffer = self.outer.pop()
            else:
                self.current, self.cell_depth, self.owner = None, -1, None

    def row_number_of(self, r: str | None, previous: int) -> int:
        if r is None:
            return previous + 1
        number = _int_attr(r.strip(), None)
        if number is None:
            value = _number(r) if r.strip() else None
            if isinstance(value, float) and value.is_integer() and 0 < value <= EXCEL_MAX_ROW:
                number = int(value)  # "5.0", as openpyxl accepts
        if number is None or not 1 <= number <= EXCEL_MAX_ROW:
            raise self.corrupt(f"中的行号“{r[:20]}”无效")
        return number

    def place(self, element: "_XmlCell", number: int, column: int, scan: _Scan) -> int:
        """Record one <c> of row `number`; return its column (the next cell without a reference follows it)."""
        ref = element.attrs.get("r")
        if ref is None:
            row, column = number, column + 1
        else:
            position = parse_ref(ref)
            if position is None:
                raise self.corrupt(f"中的单元格引用“{ref[:20]}”无效")
            row, column = position
        if row > self.last_row or column > self.width:
            if row > self.last_row and column in self.input_columns and element.has_value():
                scan.beyond.add(row)
            return column
        cell = self.cell(element)
        cells = scan.cells_by_row.setdefault(row, {})
        if column in cells:
            first = cells[column]
            cells[column] = RawCell(first.value, first.formula, first.error, first.copies + 1, first.corrupt,
                                    first.length)
        else:
            cells[column] = cell
        return column

    def cell(self, element: "_XmlCell") -> RawCell:
        value_text, inline = element.value_text, element.inline
        formula = None
        for attrs, text in element.formulas:  # each <f> registers its shared-formula master; the last one counts
            formula = self.formula(attrs, text)
        if value_text is None and formula is None and inline is None:
            return EMPTY  # a styled empty cell: most of a template's cells
        kind = element.attrs.get("t") or "n"
        value: Any = None
        corrupt = None
        error = False
        if kind == "inlineStr":
            value = decode_xstring("".join(inline)) if inline is not None else None
        elif value_text is None or value_text == "":
            value = None
        elif kind == "s":
            index = _int_attr(value_text.strip())
            strings = self.reader.strings()
            if index is None or index >= len(strings):
                corrupt = value_text
            else:
                value = strings[index]
        elif kind == "str":
            value = decode_xstring(value_text)
        elif kind == "b":
            flag = value_text.strip().lower()
            if flag in ("0", "1", "true", "false"):
                value = flag in ("1", "true")
            else:
                corrupt = value_text
        elif kind == "e":
            value, error = value_text.strip(), True
        elif kind == "d":
            value = self.iso_date(value_text)
            if value is None:
                corrupt = value_text
        else:
            number = _number(value_text)
            if number is None:
                corrupt = value_text
            else:
                value = self.dated(number, element.attrs.get("s"))
        length = None
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            length, value = len(value), value[:MAX_CELL_CHARS]
        if corrupt is not None and len(corrupt) > 40:
            corrupt = corrupt[:40] + "…"
        return RawCell(value, formula, error, 1, corrupt, length)

    def formula(self, attrs: dict[str, str] | None, text: str) -> str:
        attrs = attrs or {}
        if attrs.get("t") == "shared":
            index = attrs.get("si")
            if index is not None:
                if text:
                    if len(self.shared_formulas) < 10_000:
                        self.shared_formulas[index] = text
                else:
                    text = self.shared_formulas.get(index, "")  # the master's text: references not shifted
        return "=" + text

    def dated(self, number: int | float, style: str | None) -> Any:
        """A number with a date or time format becomes a date/time, as Excel shows it."""
        index = _int_attr(style, 0) or 0
        styles = self.reader.styles
        kind = styles[index] if index < len(styles) else None
        if kind is None or number != number or number in (float("inf"), float("-inf")):
            return number
        try:
            converted = from_excel(number, self.reader.epoch, timedelta=kind == "timedelta")
        except (ValueError, OverflowError, TypeError, ArithmeticError):
            return number  # outside the calendar: let the parser report the number
        return converted

    @staticmethod
    def iso_date(text: str) -> dt.datetime | dt.date | None:
        try:
            return dt.datetime.fromisoformat(text.strip().rstrip("Z"))
        except ValueError:
            return None


ReadFn = Callable[[str | Path], RawWorkbook]
