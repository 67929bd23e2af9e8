"""Generate the bad-input corpus from examples/datong-2024.xlsx.

Every case is a function that turns the example's bytes into a damaged,
hostile or oddly written file. The expected outcome of each (exit code, and
the exact (code, sheet, cell) problems `budget-author check` prints) is in
cases.json next to this script; tests/test_corpus_check.py generates the files
into a temporary folder at test time and checks every one.

    python tests/corpus/make_corpus.py OUT_DIR     # write the files, to look at them

The helpers here (package editing, a minimal OLE2 writer, the XML attacks) are
also used by the hostile-input tests.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import struct
import sys
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from xml.etree import ElementTree as ET

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BASE = ROOT / "examples" / "datong-2024.xlsx"
MANIFEST = HERE / "cases.json"
CANARY_TEXT = "CANARY-9f3a1c-本机机密文件内容"

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
for prefix, uri in (("", MAIN), ("r", REL), ("mc", "http://schemas.openxmlformats.org/markup-compatibility/2006"),
                    ("x14ac", "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac")):
    ET.register_namespace(prefix, uri)


def q(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


# ---------------------------------------------------------------- the package
class Package:
    """An .xlsx as an ordered dict of member name → bytes, with helpers to edit its parts."""

    def __init__(self, data: bytes):
        self.members: dict[str, bytes] = {}
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                self.members[info.filename] = archive.read(info)

    @classmethod
    def example(cls) -> "Package":
        return cls(BASE.read_bytes())

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.members.items():
                archive.writestr(name, data)
        return buffer.getvalue()

    # -- parts
    def sheet_part(self, title: str) -> str:
        workbook = ET.fromstring(self.members["xl/workbook.xml"])
        rels = ET.fromstring(self.members["xl/_rels/workbook.xml.rels"])
        targets = {r.get("Id"): r.get("Target") for r in rels}
        for sheet in workbook.iter(q("sheet")):
            if sheet.get("name") == title:
                target = targets[sheet.get(f"{{{REL}}}id")]
                return target.lstrip("/") if target.startswith("/") else "xl/" + target
        raise KeyError(title)

    def tree(self, part: str) -> ET.Element:
        return ET.fromstring(self.members[part])

    def put(self, part: str, root: ET.Element) -> None:
        self.members[part] = ET.tostring(root, encoding="UTF-8", xml_declaration=True)

    def edit_sheet(self, title: str, edit: Callable[[ET.Element], None]) -> None:
        part = self.sheet_part(title)
        root = self.tree(part)
        edit(root)
        self.put(part, root)

    def edit_workbook(self, edit: Callable[[ET.Element], None]) -> None:
        root = self.tree("xl/workbook.xml")
        edit(root)
        self.put("xl/workbook.xml", root)

    def add_style(self, number_format_id: int) -> int:
        """Append a cell style with this number format; return its index (the cells' s attribute)."""
        root = self.tree("xl/styles.xml")
        xfs = root.find(q("cellXfs"))
        ET.SubElement(xfs, q("xf"), numFmtId=str(number_format_id), fontId="0", fillId="0", borderId="0",
                      applyNumberFormat="1")
        xfs.set("count", str(len(xfs)))
        self.put("xl/styles.xml", root)
        return len(xfs) - 1

    def add_shared_strings(self, xml: bytes) -> None:
        """Add (or replace) xl/sharedStrings.xml with its relationship and content type."""
        self.members["xl/sharedStrings.xml"] = xml
        rels = self.tree("xl/_rels/workbook.xml.rels")
        if not any(r.get("Target", "").endswith("sharedStrings.xml") for r in rels):
            ET.SubElement(rels, f"{{{PKG_REL}}}Relationship", Id="rIdSST", Target="sharedStrings.xml",
                          Type=f"{REL}/sharedStrings")
            self.put("xl/_rels/workbook.xml.rels", rels)
        types = self.tree("[Content_Types].xml")
        if not any(o.get("PartName") == "/xl/sharedStrings.xml" for o in types):
            ET.SubElement(types, f"{{{CT}}}Override", PartName="/xl/sharedStrings.xml",
                          ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
            self.put("[Content_Types].xml", types)


# ---------------------------------------------------------------- cells
_REF = re.compile(r"([A-Z]+)([0-9]+)")


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def find_cell(root: ET.Element, ref: str, *, create: bool = True) -> ET.Element | None:
    letters, digits = _REF.fullmatch(ref).groups()
    row_number, col_number = int(digits), _col(letters)
    data = root.find(q("sheetData"))
    row = None
    for index, candidate in enumerate(list(data)):
        number = int(candidate.get("r"))
        if number == row_number:
            row = candidate
            break
        if number > row_number:
            if not create:
                return None
            row = ET.Element(q("row"), r=str(row_number))
            data.insert(index, row)
            break
    if row is None:
        if not create:
            return None
        row = ET.SubElement(data, q("row"), r=str(row_number))
    for index, cell in enumerate(list(row)):
        letters_here = _REF.fullmatch(cell.get("r")).group(1)
        if letters_here == letters:
            return cell
        if _col(letters_here) > col_number:
            if not create:
                return None
            cell = ET.Element(q("c"), r=ref)
            row.insert(index, cell)
            return cell
    if not create:
        return None
    return ET.SubElement(row, q("c"), r=ref)


def set_cell(root: ET.Element, ref: str, value: object = None, *, t: str | None = None, formula: str | None = None,
             style: int | None = None, raw: str | None = None) -> ET.Element:
    """Write a cell exactly: a number (<v>), text as an inline string, or `raw` as the <v> text with type `t`."""
    cell = find_cell(root, ref)
    keep_style = cell.get("s")
    for child in list(cell):
        cell.remove(child)
    cell.attrib.clear()
    cell.set("r", ref)
    if style is not None:
        cell.set("s", str(style))
    elif keep_style is not None:
        cell.set("s", keep_style)
    if formula is not None:
        ET.SubElement(cell, q("f")).text = formula
    if raw is not None:
        if t:
            cell.set("t", t)
        ET.SubElement(cell, q("v")).text = raw
    elif isinstance(value, str):
        if formula is not None:
            cell.set("t", "str")
            ET.SubElement(cell, q("v")).text = value
        else:
            cell.set("t", "inlineStr")
            ET.SubElement(ET.SubElement(cell, q("is")), q("t")).text = value
    elif value is not None:
        ET.SubElement(cell, q("v")).text = repr(value) if isinstance(value, float) else str(value)
    elif formula is not None:
        ET.SubElement(cell, q("v"))  # empty: no cached value, as openpyxl writes it
    return cell


def _row(root: ET.Element, number: int) -> ET.Element:
    return next(r for r in root.find(q("sheetData")) if r.get("r") == str(number))


def set_text(package: Package, title: str, ref: str, value: object, **kw) -> Package:
    package.edit_sheet(title, lambda root: set_cell(root, ref, value, **kw))
    return package


# ---------------------------------------------------------------- OLE2 (Compound File) writer
def ole2(streams: dict[str, bytes], *, sector_shift: int = 9) -> bytes:
    """A minimal but valid Compound File: header, one FAT sector, one directory sector, stream data.

    Streams are stored in regular sectors (fine for a reader that only lists names).
    """
    size = 1 << sector_shift
    free, end, fat_marker = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    names = list(streams)
    entries_per_sector = size // 128
    if len(names) + 1 > entries_per_sector:
        raise ValueError("too many streams for this writer")
    data_sectors: list[bytes] = []
    starts: list[int] = []
    chains: list[list[int]] = []
    next_sector = 2  # 0: FAT, 1: directory
    for name in names:
        body = streams[name]
        count = max(1, -(-len(body) // size))
        starts.append(next_sector)
        chains.append(list(range(next_sector, next_sector + count)))
        for i in range(count):
            data_sectors.append(body[i * size:(i + 1) * size].ljust(size, b"\0"))
        next_sector += count
    fat = [free] * (size // 4)
    fat[0], fat[1] = fat_marker, end
    for chain in chains:
        for a, b in zip(chain, chain[1:] + [end]):
            fat[a] = b
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3 if sector_shift == 9 else 4, 0xFFFE, sector_shift, 6)
    struct.pack_into("<IIIIIIII", header, 0x28, 0, 1, 1, 0, 4096, end, 0, end)
    struct.pack_into("<I", header, 0x48, 0)
    difat = [0] + [free] * 108
    struct.pack_into("<109I", header, 0x4C, *difat)

    def entry(name: str, kind: int, start: int, length: int, child: int = free, right: int = free) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        out = bytearray(128)
        out[0:len(raw)] = raw
        struct.pack_into("<HBB", out, 0x40, len(raw), kind, 1)
        struct.pack_into("<III", out, 0x44, free, right, child)
        struct.pack_into("<IQ", out, 0x74, start, length)
        return bytes(out)

    directory = bytearray()
    directory += entry("Root Entry", 5, end, 0, child=1 if names else free)
    for i, name in enumerate(names):
        directory += entry(name, 2, starts[i], len(streams[name]), right=i + 2 if i + 1 < len(names) else free)
    directory = bytes(directory).ljust(size, b"\0")
    head = bytes(header).ljust(size, b"\0")  # v4 pads the header to 4096
    return head + struct.pack(f"<{size // 4}I", *fat) + directory + b"".join(data_sectors)


# ---------------------------------------------------------------- XML attacks
def billion_laughs(root: str) -> str:
    lines = ['<!ENTITY lol "lol">']
    for n in range(1, 10):
        prev = "lol" if n == 1 else f"lol{n - 1}"
        lines.append(f'<!ENTITY lol{n} "{("&" + prev + ";") * 10}">')
    return f"<!DOCTYPE {root} [{''.join(lines)}]>"


def quadratic_blowup(root: str) -> tuple[str, str]:
    return f'<!DOCTYPE {root} [<!ENTITY a "{"x" * 50_000}">]>', "&a;" * 5_000


def xxe(root: str, canary: Path) -> str:
    return f'<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "{canary.as_uri()}">]>'


ATTACKS = ("billion_laughs", "quadratic_blowup", "xxe", "xxe_parameter_entity", "external_dtd")


def attack(kind: str, root: str, canary: Path) -> tuple[str, str]:
    """(declaration, reference) for one attack, to put before the root element and inside a text node."""
    if kind == "billion_laughs":
        return billion_laughs(root), "&lol9;"
    if kind == "quadratic_blowup":
        return quadratic_blowup(root)
    if kind == "xxe":
        return xxe(root, canary), "&xxe;"
    if kind == "xxe_parameter_entity":
        return f'<!DOCTYPE {root} [<!ENTITY % p SYSTEM "{canary.as_uri()}"> %p;]>', "x"
    if kind == "external_dtd":
        return f'<!DOCTYPE {root} SYSTEM "{canary.as_uri()}">', "x"
    raise KeyError(kind)


def _with_declaration(xml: bytes, declaration: str) -> bytes:
    text = xml.decode("utf-8")
    if text.startswith("<?xml"):
        end = text.index("?>") + 2
        return (text[:end] + declaration + text[end:]).encode("utf-8")
    return (declaration + text).encode("utf-8")


def hostile_part(package: Package, where: str, kind: str, canary: Path) -> Package:
    """Put an XML attack into sharedStrings, workbook.xml, a sheet, or the package relationships."""
    if where == "sharedStrings":
        declaration, reference = attack(kind, "sst", canary)
        package.add_shared_strings(_with_declaration(
            f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>{reference}</t></si></sst>'.encode(), declaration))
        set_text(package, "文本段落", "B2", None, t="s", raw="0")
    elif where == "workbook":
        declaration, reference = attack(kind, "workbook", canary)
        text = package.members["xl/workbook.xml"].decode("utf-8")
        text = text.replace("<definedNames>", f'<definedNames><definedName name="canary">{reference}</definedName>', 1)
        package.members["xl/workbook.xml"] = _with_declaration(text.encode(), declaration)
    elif where == "sheet":
        declaration, reference = attack(kind, "worksheet", canary)
        part = package.sheet_part("文本段落")
        set_text(package, "文本段落", "B2", "PLACEHOLDER-TEXT")
        text = package.members[part].decode("utf-8").replace("PLACEHOLDER-TEXT", reference)
        package.members[part] = _with_declaration(text.encode(), declaration)
    elif where == "rels":
        declaration, reference = attack(kind, "Relationships", canary)
        package.members["_rels/.rels"] = _with_declaration(package.members["_rels/.rels"], declaration)
    else:
        raise KeyError(where)
    return package


# ---------------------------------------------------------------- raw zip surgery
def corrupt_deflate(data: bytes, member: str) -> bytes:
    """Flip bytes in the middle of one member's compressed data (the zip directory stays intact)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    middle = start + info.compress_size // 2
    out = bytearray(data)
    for i in range(middle, middle + 16):
        out[i] ^= 0x5A
    return bytes(out)


def raw_zip(members: list[tuple[str, bytes]], *, compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compress) as archive:
        for name, body in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = compress
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # duplicate names on purpose
                archive.writestr(info, body)
    return buffer.getvalue()


def mark_encrypted(data: bytes) -> bytes:
    """Set the 'encrypted' bit (bit 0 of the general-purpose flags) in every local and central header."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (found := out.find(signature, start)) != -1:
            out[found + offset] |= 0x01
            start = found + 4
    return bytes(out)


# ---------------------------------------------------------------- the cases
@dataclass
class Context:
    base: bytes
    canary: Path

    def package(self) -> Package:
        return Package(self.base)


Builder = Callable[[Context], tuple[str, bytes]]
CASES: dict[str, Builder] = {}


def case(name: str, filename: str = "input.xlsx"):
    def register(func: Callable[[Context], bytes]) -> Callable[[Context], bytes]:
        CASES[name] = lambda ctx: (filename, func(ctx))
        return func

    return register


def _edited(ctx: Context, title: str, ref: str, value: object = None, **kw) -> bytes:
    return set_text(ctx.package(), title, ref, value, **kw).to_bytes()


# -- unusable files
case("empty_file")(lambda ctx: b"")
case("random_bytes")(lambda ctx: random.Random(7).randbytes(4096))
case("csv_named_xlsx")(lambda ctx: "单位名称,金额\n大同市社会保险中心,100\n".encode("utf-8"))
case("truncated_half")(lambda ctx: ctx.base[: len(ctx.base) // 2])
case("truncated_tail")(lambda ctx: ctx.base[:-200])
case("corrupt_deflate")(lambda ctx: corrupt_deflate(ctx.base, "xl/worksheets/sheet5.xml"))


@case("missing_workbook_part")
def _(ctx):
    package = ctx.package()
    del package.members["xl/workbook.xml"]
    return package.to_bytes()


@case("missing_sheet_part")
def _(ctx):
    package = ctx.package()
    del package.members[package.sheet_part("支出")]
    return package.to_bytes()


@case("malformed_sheet_xml")
def _(ctx):
    package = ctx.package()
    part = package.sheet_part("支出")
    package.members[part] = package.members[part][:5000] + b"<row r='9'><c></row>"
    return package.to_bytes()


@case("malformed_workbook_xml")
def _(ctx):
    package = ctx.package()
    package.members["xl/workbook.xml"] = package.members["xl/workbook.xml"].replace(b"<sheets>", b"<sheets><sheet", 1)
    return package.to_bytes()


@case("bad_cell_reference")
def _(ctx):
    package = ctx.package()
    part = package.sheet_part("支出")
    package.members[part] = package.members[part].replace(b'r="F3"', b'r="F3X"', 1)
    return package.to_bytes()


case("old_xls")(lambda ctx: ole2({"Workbook": b"\x09\x08" + b"\0" * 600, "\x05SummaryInformation": b"\0" * 64}))
case("old_xls_named_xlsx_no_directory")(lambda ctx: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048)
case("wps_et", "input.et")(lambda ctx: ole2({"Workbook": b"\0" * 600}))
case("encrypted_ole2")(lambda ctx: ole2({"EncryptionInfo": b"\x04\x00\x04\x00" + b"\0" * 200,
                                          "EncryptedPackage": os.urandom(1500)}))
case("encrypted_ole2_4096_sectors")(lambda ctx: ole2({"EncryptionInfo": b"\0" * 100, "EncryptedPackage": b"\0" * 100},
                                                     sector_shift=12))
# The bytes of "EncryptedPackage" inside a stream's content, but no such stream: not encrypted.
case("xls_mentioning_encryptedpackage")(lambda ctx: ole2({"Workbook": b"\0" * 64 + "EncryptedPackage".encode("utf-16-le")
                                                                      + b"\0" * 600}))
case("zip_member_encrypted")(lambda ctx: mark_encrypted(ctx.base))
case("opendocument_spreadsheet", "input.ods")(lambda ctx: raw_zip(
    [("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", b"<office:document-content/>")],
    compress=zipfile.ZIP_STORED))


@case("xlsb_binary_workbook")
def _(ctx):
    rels = (f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
            f'Target="xl/workbook.bin"/></Relationships>').encode()
    return raw_zip([("[Content_Types].xml", b"<Types/>"), ("_rels/.rels", rels), ("xl/workbook.bin", b"\0" * 64)])


@case("duplicate_zip_member")
def _(ctx):
    package = ctx.package()
    members = list(package.members.items())
    return raw_zip(members + [("xl/workbook.xml", package.members["xl/workbook.xml"])])


@case("macro_workbook", "input.xlsm")
def _(ctx):
    package = ctx.package()
    package.members["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b"\0" * 60
    return package.to_bytes()


# -- limits
@case("limit_file_size")
def _(ctx):
    return raw_zip([("xl/media/image1.png", os.urandom(21 * 1024 * 1024))], compress=zipfile.ZIP_STORED)


@case("limit_unzipped_total")
def _(ctx):
    package = ctx.package()
    for i in range(60):  # 1 MB each: under the per-member ratio check, 60 MB together
        package.members[f"customXml/item{i}.xml"] = b"<a>" + b" " * (1024 * 1024 - 7) + b"</a>"
    return package.to_bytes()


@case("limit_compression_ratio")
def _(ctx):
    package = ctx.package()
    package.members["xl/printerSettings/printerSettings1.bin"] = b"\0" * (3 * 1024 * 1024)
    return package.to_bytes()


@case("limit_zip_members")
def _(ctx):
    package = ctx.package()
    for i in range(1000):
        package.members[f"customXml/item{i}.xml"] = b"<a/>"
    return package.to_bytes()


@case("limit_xml_tags")
def _(ctx):
    package = ctx.package()
    rng = random.Random(3)
    junk = "".join(f'<x a="{rng.getrandbits(40):010x}"/>' for _ in range(1_050_000))
    package.members["customXml/item1.xml"] = f"<root>{junk}</root>".encode()
    return package.to_bytes()


@case("limit_sheet_dimension")
def _(ctx):
    def edit(root):
        root.find(q("dimension")).set("ref", "A1:XFD1048576")
        set_cell(root, "XFD1048576", 1)

    package = ctx.package()
    package.edit_sheet("支出", edit)
    return package.to_bytes()


@case("cell_at_xfd1048576_without_dimension")
def _(ctx):
    def edit(root):
        root.remove(root.find(q("dimension")))
        set_cell(root, "XFD1048576", 1)

    package = ctx.package()
    package.edit_sheet("支出", edit)
    return package.to_bytes()


case("limit_cell_chars_text")(lambda ctx: _edited(ctx, "文本段落", "B2", "很" * 40_000))
case("limit_cell_chars_amount")(lambda ctx: _edited(ctx, "支出", "F3", "1" * 5_000))
case("limit_cell_chars_code")(lambda ctx: _edited(ctx, "支出", "A3", "2080109" * 200))
case("number_1e300")(lambda ctx: _edited(ctx, "支出", "F3", raw="1e300"))
case("number_16_digit_integer")(lambda ctx: _edited(ctx, "支出", "F3", raw="1152772500000000000"))


# -- XML attacks
for _where in ("sharedStrings", "workbook", "sheet", "rels"):
    for _kind in ATTACKS:
        if _where == "rels" and _kind not in ("xxe", "billion_laughs"):
            continue
        case(f"xml_{_kind}_in_{_where}")(
            lambda ctx, w=_where, k=_kind: hostile_part(ctx.package(), w, k, ctx.canary).to_bytes())


@case("xml_doctype_in_utf16_sheet")
def _(ctx):
    package = ctx.package()
    part = package.sheet_part("文本段落")
    text = package.members[part].decode("utf-8").replace("<?xml version='1.0' encoding='UTF-8'?>", "")
    text = text.replace('<?xml version="1.0" encoding="UTF-8"?>', "")
    declaration, _ = attack("xxe", "worksheet", ctx.canary)
    package.members[part] = ('<?xml version="1.0" encoding="UTF-16"?>' + declaration + text).encode("utf-16")
    return package.to_bytes()


# -- values openpyxl reads silently wrong
case("formula_without_cached_value")(lambda ctx: _edited(ctx, "支出", "F3", formula="11527725"))
case("formula_cached_zero_full_calc_on_load")(lambda ctx: _edited(ctx, "支出", "F3", 0, formula="A1*0"))


@case("formula_cached_value_without_full_calc")
def _(ctx):
    package = ctx.package()
    package.edit_workbook(lambda root: root.find(q("calcPr")).attrib.pop("fullCalcOnLoad"))
    return set_text(package, "支出", "F3", 11527725, formula="11527725*1").to_bytes()


@case("stale_cached_total")
def _(ctx):
    package = ctx.package()
    package.edit_workbook(lambda root: root.find(q("calcPr")).attrib.pop("fullCalcOnLoad"))
    return set_text(package, "支出", "F2", 1234567.89, formula="SUM(F3:F202)").to_bytes()


case("formula_external_reference")(lambda ctx: _edited(ctx, "支出", "F3", 11527725, formula="[1]Sheet1!$F$3"))
case("formula_external_reference_by_path")(lambda ctx: _edited(
    ctx, "支出", "F3", 11527725, formula="'C:\\预算\\[去年.xlsx]支出'!F3"))
case("cached_error_value")(lambda ctx: _edited(ctx, "支出", "F3", formula="1/0", t="e", raw="#DIV/0!"))
case("cached_error_value_unknown_code")(lambda ctx: _edited(ctx, "支出", "F3", formula="X()", t="e", raw="#BLOCKED!"))


@case("duplicate_cell_reference")
def _(ctx):
    def edit(root):
        twin = ET.SubElement(_row(root, 3), q("c"), r="F3")  # a second F3 after G3
        ET.SubElement(twin, q("v")).text = "1"

    package = ctx.package()
    package.edit_sheet("支出", edit)
    return package.to_bytes()


@case("rows_out_of_order")
def _(ctx):
    def edit(root):
        data = root.find(q("sheetData"))
        third = _row(root, 3)
        data.remove(third)
        data.append(third)  # row 3 after row 202: openpyxl's reader drops it

    package = ctx.package()
    package.edit_sheet("支出", edit)
    return package.to_bytes()


def _merge(root, ref):
    merges = root.find(q("mergeCells"))
    if merges is None:
        merges = ET.Element(q("mergeCells"))
        children = list(root)
        anchor = next(i for i, el in enumerate(children) if el.tag == q("sheetData"))
        root.insert(anchor + 1, merges)
    ET.SubElement(merges, q("mergeCell"), ref=ref)
    merges.set("count", str(len(merges)))


@case("merged_amount_cells")
def _(ctx):
    package = ctx.package()
    package.edit_sheet("支出", lambda root: _merge(root, "F3:F4"))
    return package.to_bytes()


@case("merged_source_cells")
def _(ctx):
    package = ctx.package()
    package.edit_sheet("支出", lambda root: _merge(root, "C3:C4"))
    return package.to_bytes()


@case("hidden_rows_with_amounts")
def _(ctx):
    def edit(root):
        _row(root, 5).set("hidden", "1")
        _row(root, 7).set("hidden", "1")

    package = ctx.package()
    package.edit_sheet("支出", edit)
    return package.to_bytes()


@case("hidden_column_with_amounts")
def _(ctx):
    def edit(root):
        cols = root.find(q("cols"))
        for col in cols:
            if col.get("min") == "6":
                col.set("hidden", "1")

    package = ctx.package()
    package.edit_sheet("支出", edit)
    return package.to_bytes()


@case("hidden_sheet_with_amounts")
def _(ctx):
    package = ctx.package()
    package.edit_workbook(lambda root: next(s for s in root.iter(q("sheet")) if s.get("name") == "支出")
                          .set("state", "hidden"))
    return package.to_bytes()


@case("date_in_chinese_format_31")
def _(ctx):
    package = ctx.package()
    style = package.add_style(31)  # yyyy"年"m"月"d"日", not defined in the file: openpyxl reads 45291
    return set_text(package, "国有资产", "B2", 45291, style=style).to_bytes()


@case("date_in_chinese_format_58")
def _(ctx):
    package = ctx.package()
    style = package.add_style(58)  # m"月"d"日"
    return set_text(package, "国有资产", "B2", 45291, style=style).to_bytes()


@case("time_in_chinese_format_32_for_a_date")
def _(ctx):
    package = ctx.package()
    style = package.add_style(32)  # h"时"mm"分"
    return set_text(package, "国有资产", "B2", 0.5, style=style).to_bytes()


case("serial_number_without_date_format")(lambda ctx: _edited(ctx, "国有资产", "B2", 45291, style=0))
case("nan_stored_as_number")(lambda ctx: _edited(ctx, "支出", "F3", raw="NaN"))
case("infinity_stored_as_number")(lambda ctx: _edited(ctx, "支出", "F3", raw="INF"))
case("exponent_1e999999999_stored_as_number")(lambda ctx: _edited(ctx, "支出", "F3", raw="1e999999999"))
case("nan_typed_as_text")(lambda ctx: _edited(ctx, "支出", "F3", "NaN"))
case("infinity_typed_as_text")(lambda ctx: _edited(ctx, "支出", "F3", "Infinity"))
case("exponent_1e999999999_typed_as_text")(lambda ctx: _edited(ctx, "支出", "F3", "1e999999999"))
case("amount_16_significant_digits")(lambda ctx: _edited(ctx, "支出", "F3", "1152772500000000"))
case("number_cell_holding_letters")(lambda ctx: _edited(ctx, "支出", "F3", raw="12abc"))


@case("shared_string_index_out_of_range")
def _(ctx):
    package = ctx.package()
    package.add_shared_strings(f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>一般公共预算</t></si></sst>'.encode())
    return set_text(package, "支出", "C3", None, t="s", raw="7").to_bytes()


@case("shared_strings_used_properly")
def _(ctx):
    package = ctx.package()
    package.add_shared_strings(
        f'<sst xmlns="{MAIN}" count="2" uniqueCount="2"><si><t>一般公共预算</t></si>'
        f'<si><r><t>基本</t></r><r><t>支出</t></r><rPh><t>ji ben</t></rPh></si></sst>'.encode())
    set_text(package, "支出", "C3", None, t="s", raw="0")
    return set_text(package, "支出", "D3", None, t="s", raw="1").to_bytes()


case("data_beyond_last_row")(lambda ctx: _edited(ctx, "收入", "C60", 1000))


# -- how clerks type amounts
case("amount_with_wan_unit")(lambda ctx: _edited(ctx, "支出", "F3", "12万元"))
case("amount_in_parentheses")(lambda ctx: _edited(ctx, "支出", "F3", "(1,234.00)"))
case("amount_full_width")(lambda ctx: _edited(ctx, "支出", "F3", "１１５２７７２５．００"))
case("amount_full_width_with_separators")(lambda ctx: _edited(ctx, "支出", "F3", "１１，５２７，７２５．００"))
case("amount_full_width_1234_56_in_procurement")(lambda ctx: _edited(ctx, "政府采购", "B3", "１２３４．５６"))
case("amount_dash_where_zero_was")(lambda ctx: _edited(ctx, "政府采购", "B3", "-"))
case("amount_dash_changes_a_total")(lambda ctx: _edited(ctx, "支出", "F3", "-"))


# -- structure
@case("renamed_sheet")
def _(ctx):
    package = ctx.package()
    package.edit_workbook(lambda root: next(s for s in root.iter(q("sheet")) if s.get("name") == "三公经费")
                          .set("name", "三公经费表"))
    return package.to_bytes()


@case("missing_sheet")
def _(ctx):
    package = ctx.package()
    part = package.sheet_part("三公经费")

    def edit(root):
        sheets = root.find(q("sheets"))
        sheets.remove(next(s for s in sheets if s.get("name") == "三公经费"))

    package.edit_workbook(edit)
    del package.members[part]
    return package.to_bytes()


@case("html_and_script_in_text_cells")
def _(ctx):
    package = ctx.package()
    set_text(package, "文本段落", "B2", "<script>alert('x')</script>负责全市社会保险经办工作。")
    set_text(package, "文本段落", "B3", '<link rel="attachment" href="file:///etc/passwd"><img src=x onerror=alert(1)>')
    set_text(package, "名词解释补充", "A2", "<i>名词</i>")
    return set_text(package, "名词解释补充", "B2", "<b>&amp;</b> {{ 7*7 }} {% raw %}").to_bytes()


# ---------------------------------------------------------------- driver
def load_manifest() -> list[dict]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def generate(out: Path, canary: Path, names: list[str] | None = None) -> dict[str, Path]:
    """Write each case into out/<name>/<file>; return name → path."""
    ctx = Context(BASE.read_bytes(), canary)
    paths = {}
    for name in names or list(CASES):
        filename, data = CASES[name](ctx)
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / filename
        path.write_bytes(data)
        paths[name] = path
    return paths


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path("corpus-out")
    out.mkdir(parents=True, exist_ok=True)
    canary = out / "canary.txt"
    canary.write_text(CANARY_TEXT, encoding="utf-8")
    paths = generate(out, canary)
    print(f"{len(paths)} cases written to {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv))
