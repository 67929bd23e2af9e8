"""Hostile and malformed files: format sniffing, the limits checked before parsing, bounded reading.

Every unusable file ends in read.InputError with its own catalogue code (exit 2);
nothing else may escape from the reader.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import zipfile

import pytest

from budget_author.catalogue import CATALOGUE
from budget_author.check import check_workbook
from budget_author.issues import issue
from budget_author.workbook import read
from budget_author.workbook.read import InputError, ole2_entry_names, read_workbook
from conftest import EXAMPLES
from corpus.make_corpus import Package, mark_encrypted, ole2, q, set_cell

DATONG = EXAMPLES / "datong-2024.xlsx"


def _code(path) -> str:
    with pytest.raises(InputError) as info:
        read_workbook(path)
    # every input error's message formats with the parameters it is raised with (plus the CLI's defaults)
    issue(info.value.code, **{"detail": "", "size": "", "limit": "", **info.value.params})
    return info.value.code


def _write(tmp_path, data: bytes, name: str = "input.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- format from the first bytes
def test_ole2_directory_is_read_not_searched():
    names = ole2_entry_names(ole2({"Workbook": b"\0" * 700, "\x05SummaryInformation": b"\0" * 10}))
    assert names == ["Root Entry", "Workbook", "\x05SummaryInformation"]
    assert ole2_entry_names(ole2({"A": b""}, sector_shift=12)) == ["Root Entry", "A"]
    assert ole2_entry_names(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600) is None  # no usable header


@pytest.mark.parametrize("shift", [9, 12])
def test_encrypted_workbook_by_its_directory(tmp_path, shift):
    data = ole2({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\0" * 64}, sector_shift=shift)
    assert _code(_write(tmp_path, data)) == "FILE_ENCRYPTED"


def test_encryptedpackage_in_stream_content_is_not_encryption(tmp_path):
    data = ole2({"Workbook": b"\0" * 32 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 32})
    assert _code(_write(tmp_path, data)) == "FILE_XLS"


def test_wps_by_directory_entry_or_name(tmp_path):
    assert _code(_write(tmp_path, ole2({"WpsCustomData": b"\0"}), "a.xlsx")) == "FILE_WPS_ET"
    assert _code(_write(tmp_path, ole2({"Workbook": b"\0"}), "b.et")) == "FILE_WPS_ET"
    assert _code(_write(tmp_path, ole2({"Workbook": b"\0"}), "c.xlsx")) == "FILE_XLS"


def test_a_real_xls_saved_by_libreoffice(tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    source = tmp_path / "in.xlsx"
    shutil.copy(DATONG, source)
    subprocess.run([soffice, "--headless", "--convert-to", "xls", "--outdir", str(tmp_path / "out"), str(source)],
                   check=True, capture_output=True, timeout=180)
    xls = tmp_path / "out" / "in.xls"
    assert "Workbook" in (ole2_entry_names(xls.read_bytes()) or [])
    renamed = xls.rename(tmp_path / "renamed.xlsx")
    assert _code(renamed) == "FILE_XLS"


@pytest.mark.parametrize("members, code", [
    ([("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", b"<a/>")], "FILE_NOT_XLSX"),
    ([("word/document.xml", b"<a/>"), ("[Content_Types].xml", b"<a/>")], "FILE_NOT_XLSX"),
    ([("hello.txt", b"hi")], "FILE_CORRUPT"),
])
def test_other_zip_packages(tmp_path, members, code):
    path = tmp_path / "p.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, body in members:
            archive.writestr(name, body)
    assert _code(path) == code


def test_zip_encryption_flag(tmp_path):
    assert _code(_write(tmp_path, mark_encrypted(DATONG.read_bytes()))) == "FILE_ENCRYPTED"


def test_directory_given_as_the_file(tmp_path):
    assert _code(tmp_path) == "FILE_NOT_XLSX"


# ---------------------------------------------------------------- limits, each with its own code
def _package_with(**members: bytes) -> bytes:
    package = Package.example()
    package.members.update(members)
    return package.to_bytes()


@pytest.mark.parametrize("limit, value, data, code", [
    ("MAX_FILE_BYTES", 50_000, lambda: DATONG.read_bytes(), "FILE_TOO_LARGE"),
    ("MAX_UNCOMPRESSED_BYTES", 500_000, lambda: DATONG.read_bytes(), "FILE_UNZIPPED_TOO_LARGE"),
    ("MAX_ZIP_MEMBERS", 40, lambda: DATONG.read_bytes(), "FILE_TOO_MANY_PARTS"),
    ("MAX_XML_TAGS", 5_000, lambda: DATONG.read_bytes(), "FILE_TOO_MANY_ELEMENTS"),
    ("MAX_SHEET_ROWS", 100, lambda: DATONG.read_bytes(), "FILE_SHEET_TOO_LARGE"),
    ("MAX_SHEET_COLUMNS", 3, lambda: DATONG.read_bytes(), "FILE_SHEET_TOO_LARGE"),
    ("RATIO_MIN_BYTES", 1_000, lambda: _package_with(**{"customXml/zeros.xml": b"<a>" + b" " * 200_000 + b"</a>"}),
     "FILE_COMPRESSION_RATIO"),
])
def test_each_limit_is_checked_before_parsing(tmp_path, monkeypatch, limit, value, data, code):
    path = _write(tmp_path, data())
    monkeypatch.setattr(read, limit, value)
    parsed = []
    monkeypatch.setattr(read, "_shared_strings", lambda *a: parsed.append(a) or [])
    monkeypatch.setattr(read._SheetReader, "place", lambda *a: parsed.append(a))
    assert _code(path) == code
    assert parsed == []  # no sheet row and no string was parsed
    assert code in CATALOGUE and CATALOGUE[code].severity == "error"


def test_the_limits_are_what_the_readme_says():
    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 限制与安全")[1].split("\n## ")[0]
    assert read.MAX_FILE_BYTES == 20 * 1024 * 1024 and "20 MB" in section
    assert read.MAX_UNCOMPRESSED_BYTES == 50 * 1024 * 1024 and "50 MB" in section
    assert read.MAX_COMPRESSION_RATIO == 100 and "100:1" in section
    assert read.MAX_ZIP_MEMBERS == 1000 and "1,000 |" in section
    assert read.MAX_XML_TAGS == 1_000_000 and "1,000,000" in section
    assert (read.MAX_SHEET_ROWS, read.MAX_SHEET_COLUMNS) == (100_000, 1_000) and "100,000 行、1,000 列" in section
    assert read.MAX_CELL_CHARS == 32_767 and "32,767" in section


def test_the_real_example_is_far_inside_every_limit():
    data = DATONG.read_bytes()
    with zipfile.ZipFile(DATONG) as archive:
        infos = archive.infolist()
        tags = sum(archive.read(i).count(b"<") for i in infos)
    assert len(data) * 50 < read.MAX_FILE_BYTES
    assert sum(i.file_size for i in infos) * 50 < read.MAX_UNCOMPRESSED_BYTES
    assert len(infos) * 10 < read.MAX_ZIP_MEMBERS
    assert tags * 20 < read.MAX_XML_TAGS
    assert max(i.file_size / i.compress_size for i in infos) * 5 < read.MAX_COMPRESSION_RATIO


# ---------------------------------------------------------------- bounded reading
def _with_far_cell(keep_dimension: bool) -> bytes:
    def edit(root):
        dimension = root.find(q("dimension"))
        if keep_dimension:
            dimension.set("ref", "A1:XFD1048576")
        else:
            root.remove(dimension)
        set_cell(root, "XFD1048576", 1)
        set_cell(root, "F1048576", 123)  # an amount column, far below the rows read

    package = Package.example()
    package.edit_sheet("支出", edit)
    return package.to_bytes()


def test_a_cell_at_xfd1048576_is_refused_quickly_when_the_dimension_says_so(tmp_path):
    path = _write(tmp_path, _with_far_cell(keep_dimension=True))
    start = time.monotonic()
    assert _code(path) == "FILE_SHEET_TOO_LARGE"
    assert time.monotonic() - start < 5


def test_a_cell_at_xfd1048576_without_dimension_is_read_within_bounds(tmp_path):
    path = _write(tmp_path, _with_far_cell(keep_dimension=False))
    start = time.monotonic()
    result = check_workbook(path)
    assert time.monotonic() - start < 5
    # the amount far below is not lost silently; the stray cell in column XFD is not the schema's
    assert [(i.code, i.sheet, i.cell) for i in result.issues] == [("WB_DATA_BEYOND_ROWS", "支出", "A1048576")]


def test_many_rows_below_the_read_range_stay_cheap(tmp_path):
    def edit(root):
        data = root.find(q("sheetData"))
        root.remove(root.find(q("dimension")))
        for number in range(5_000, 105_000):
            row = data.makeelement(q("row"), {"r": str(number)})
            cell = row.makeelement(q("c"), {"r": f"H{number}"})
            row.append(cell)
            data.append(row)

    package = Package.example()
    package.edit_sheet("支出", edit)
    path = _write(tmp_path, package.to_bytes())
    start = time.monotonic()
    assert check_workbook(path).issues == []
    assert time.monotonic() - start < 5


# ---------------------------------------------------------------- damaged packages: one error type
def _damaged(kind: str) -> bytes:
    package = Package.example()
    sheet = package.sheet_part("支出")
    text = package.members[sheet]
    edits = {
        "row number": lambda: text.replace(b'<row r="3"', b'<row r="x3"', 1),
        "row number zero": lambda: text.replace(b'<row r="3"', b'<row r="0"', 1),
        "huge row number": lambda: text.replace(b'<row r="3"', b'<row r="99999999999999999999"', 1),
        "cell beyond XFD": lambda: text.replace(b'r="F3"', b'r="XFE3"', 1),
        "undefined prefix": lambda: text.replace(b"<sheetData>", b"<sheetData><x:c/>", 1),
        "not xml": lambda: b"\xff\xfe\x00garbage",
        "utf-32": lambda: text.decode().encode("utf-32"),
        "unknown encoding": lambda: b'<?xml version="1.0" encoding="no-such-codec"?>' + text,
    }
    package.members[sheet] = edits[kind]()
    return package.to_bytes()


@pytest.mark.parametrize("kind", ["row number", "row number zero", "huge row number", "cell beyond XFD",
                                  "undefined prefix", "not xml", "utf-32", "unknown encoding"])
def test_damaged_sheet_xml_is_an_input_error(tmp_path, kind):
    assert _code(_write(tmp_path, _damaged(kind))) == "FILE_CORRUPT"


@pytest.mark.parametrize("part, body", [
    ("xl/workbook.xml", b"<workbook xmlns='x'/>"),  # not SpreadsheetML: no sheets at all
    ("xl/_rels/workbook.xml.rels", b"<Relationships/>"),  # every sheet's part unreachable
    ("xl/styles.xml", b"<styleSheet><cellXfs><xf numFmtId='x'/></cellXfs></styleSheet>"),
    ("_rels/.rels", b"<Relationships><Relationship Id='a' Target='../../../etc/passwd' Type='x/officeDocument'/>"
                    b"</Relationships>"),
])
def test_damaged_package_parts_never_crash(tmp_path, part, body):
    path = _write(tmp_path, _package_with(**{part: body}))
    try:
        check_workbook(path)
    except InputError:
        pass


@pytest.mark.parametrize("formula", ['"unterminated', "SUM(A1:A2", "#REF!+{1,2", "'x"])
def test_unparseable_shared_formulas_are_inspected_not_translated(tmp_path, formula):
    """Dependent cells of a shared formula take the master's text as is: nothing tokenizes it."""
    def edit(root):
        for ref, text in (("F3", formula), ("F4", None)):
            cell = set_cell(root, ref, 5, formula=text or "")
            f = cell.find(q("f"))
            f.attrib.update({"t": "shared", "si": "0", **({"ref": "F3:F4"} if text else {})})

    package = Package.example()
    package.edit_sheet("支出", edit)
    result = check_workbook(_write(tmp_path, package.to_bytes()))
    # the changed amounts' consequences only (支出总计 now falls, against its reason: REASON_DIRECTION)
    assert all(i.code.startswith(("TOTAL_", "BASIC_", "PROJ_", "REASON_DIRECTION")) for i in result.issues)


def test_an_external_reference_in_a_shared_formula_is_found_in_every_cell(tmp_path):
    def edit(root):
        for ref, text in (("F3", "[1]Sheet1!A1"), ("F4", None)):
            cell = set_cell(root, ref, 5, formula=text or "")
            cell.find(q("f")).attrib.update({"t": "shared", "si": "0", **({"ref": "F3:F4"} if text else {})})

    package = Package.example()
    package.edit_sheet("支出", edit)
    result = check_workbook(_write(tmp_path, package.to_bytes()))
    assert [(i.code, i.cell) for i in result.issues] == [("VAL_FORMULA_EXTERNAL", "F3"), ("VAL_FORMULA_EXTERNAL", "F4")]


# ---------------------------------------------------------------- the worst cases inside the limits
def _sheet_with(body: str, *, at_end: bool = False) -> bytes:
    package = Package.example()
    part = package.sheet_part("支出")
    text = package.members[part].decode()
    text = text.replace("</sheetData>", body + "</sheetData>", 1) if at_end else \
        text.replace("<sheetData>", "<sheetData>" + body, 1)
    package.members[part] = text.encode()
    return package.to_bytes()


def test_a_row_with_more_cells_than_excel_has_columns_is_refused_in_constant_memory(tmp_path):
    import random
    import tracemalloc

    rng = random.Random(1)  # random values: the part must not compress beyond the ratio limit
    cells = "".join(f'<c r="{rng.choice("ABCDEFG")}3"><v>{rng.getrandbits(30)}</v></c>' for _ in range(230_000))
    path = _write(tmp_path, _sheet_with(f'<row r="3">{cells}</row>'))
    tracemalloc.start()
    start = time.monotonic()
    try:
        assert _code(path) == "FILE_CORRUPT"
        assert time.monotonic() - start < 5
        assert tracemalloc.get_traced_memory()[1] < 100_000_000  # the cells are dropped as they are read
    finally:
        tracemalloc.stop()


def test_the_slowest_workbook_inside_the_limits_is_checked_in_seconds(tmp_path):
    """~860,000 tags of duplicate cells inside the rows read: every one is parsed and compared."""
    import random

    rng = random.Random(2)
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{rng.getrandbits(30)}</v></c>' for c in "ABCDEFG" * 30)
                   + "</row>" for r in range(3, 1003))
    path = _write(tmp_path, _sheet_with(rows))
    start = time.monotonic()
    result = check_workbook(path)
    assert time.monotonic() - start < 10
    assert {i.code for i in result.issues} == {"VAL_DUPLICATE_CELL"}


def test_regression_a_named_pipe_hung_and_dev_zero_ran_out_of_memory(tmp_path):
    """The reader opened whatever it was given: a named pipe blocked it for ever, /dev/zero (size 0 to stat)
    was read until MemoryError. Only regular files are opened now, and never read past the size limit."""
    import os

    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    assert _code(fifo) == "FILE_NOT_XLSX"
    if os.path.exists("/dev/zero"):
        assert _code("/dev/zero") == "FILE_NOT_XLSX"


def test_a_name_with_a_nul_byte():
    assert _code("bad\0name.xlsx") == "FILE_UNREADABLE"
