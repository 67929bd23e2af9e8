"""Structure-aware fuzzing of the input side: check returns, or raises InputError; nothing else, never slowly.

hypothesis mutates the XML parts inside a valid workbook — deletes, duplicates,
moves, retags and rewrites elements, attributes and texts, swaps values between
elements, truncates parts, injects entities and stray bytes — and the package
itself (members removed, renamed, emptied, swapped, raw bytes flipped). Every
example runs the real `check_workbook` on a file; it must return a CheckResult
whose messages all format, or raise read.InputError whose catalogue message
formats; any other exception is a bug (fixed in read.py/parse.py, with a
regression test in test_hostile_*.py). Each example has a 10 s deadline.

The CI size is 3,000 examples (~1.5 min on one core). BUDGET_AUTHOR_FUZZ_EXAMPLES=N
runs about N examples in all, with a random seed instead of the fixed one.
"""

from __future__ import annotations

import copy
import functools
import io
import os
import random
import time
import zipfile
from xml.etree import ElementTree as ET

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from budget_author.check import check_workbook
from budget_author.issues import issue
from budget_author.workbook.read import InputError
from budget_author.workbook.template import build_workbook
from conftest import MINI
from corpus.make_corpus import MAIN, Package, q, set_cell

SCALED = int(os.environ.get("BUDGET_AUTHOR_FUZZ_EXAMPLES", "0") or 0)
CI_EXAMPLES = {"sheets": 1600, "workbook_parts": 800, "package": 600}  # 3,000 in all, ~1.5 min
TOTAL_CI = sum(CI_EXAMPLES.values())
DEADLINE_MS = 10_000


def _examples(group: str) -> int:
    if not SCALED:
        return CI_EXAMPLES[group]
    return max(1, SCALED * CI_EXAMPLES[group] // TOTAL_CI)


def fuzz_settings(group: str):
    return settings(
        max_examples=_examples(group),
        deadline=DEADLINE_MS,
        database=None,  # nothing written into the repository
        derandomize=not SCALED,  # CI: the same examples every run; scaled runs explore
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                               HealthCheck.function_scoped_fixture],
        print_blob=True,
    )


# ---------------------------------------------------------------- the valid workbook mutated
@functools.lru_cache(maxsize=1)
def base_package() -> bytes:
    """MINI, without the template's empty styled cells (faster), plus a few features worth mutating:
    a shared-string table, rich text, a merged range, a hidden row, a Chinese date format, a cached formula."""
    buffer = io.BytesIO()
    build_workbook(copy.deepcopy(MINI)).save(buffer)
    package = Package(buffer.getvalue())
    for name in list(package.members):
        if not name.startswith("xl/worksheets/sheet"):
            continue
        root = package.tree(name)
        data = root.find(q("sheetData"))
        for row in list(data):
            for cell in list(row):
                if len(cell) == 0:
                    row.remove(cell)
            if len(row) == 0:
                data.remove(row)
        validations = root.find(q("dataValidations"))
        if validations is not None:
            root.remove(validations)
        package.put(name, root)
    package.add_shared_strings(
        f'<sst xmlns="{MAIN}" count="3" uniqueCount="3"><si><t>一般公共预算</t></si><si><r><t>基本</t></r>'
        f'<r><t>支出</t></r></si><si><t xml:space="preserve"> 当年预算 </t></si></sst>'.encode())
    style = package.add_style(31)

    def sheet(root):
        set_cell(root, "C3", None, t="s", raw="0")
        set_cell(root, "D3", None, t="s", raw="1")
        set_cell(root, "E3", None, t="s", raw="2")
        set_cell(root, "G3", "公务员医疗补助", formula='IF(A3="","",VLOOKUP(A3,_lists!A:B,2,FALSE))')
        next(r for r in root.find(q("sheetData")) if r.get("r") == "5").set("hidden", "1")
        merges = ET.Element(q("mergeCells"), count="1")
        ET.SubElement(merges, q("mergeCell"), ref="B4:B5")
        root.insert(list(root).index(root.find(q("sheetData"))) + 1, merges)

    package.edit_sheet("支出", sheet)
    package.edit_sheet("国有资产", lambda root: set_cell(root, "B2", 45657, style=style))
    return package.to_bytes()


def sheet_parts() -> dict[str, str]:
    package = Package(base_package())
    titles = ["支出", "收入", "项目", "国有资产", "文本段落", "上年数", "基本支出经济分类", "绩效目标表", "_meta"]
    return {title: package.sheet_part(title) for title in titles}


# ---------------------------------------------------------------- mutations
VALUES = [
    "", "0", "1", "-1", "2", "3", "5", "07", "1.0", "1048576", "1048577", "16384", "99999999999999999999",
    "A1", "A0", "F3", "XFD1048576", "XFE1", "ZZZZ1", "$F$3", "A1:XFD1048576", "F3:F4", "B2:B3", "A1:A1", "1:3",
    "1e308", "1e999999999", "-1e999999999", "NaN", "INF", "-INF", "nan", "-0", "0x10", "1_000", "١٢٣",
    "9" * 40, "9" * 5000, "s", "n", "e", "str", "inlineStr", "b", "d", "shared", "array", "dataTable",
    "visible", "hidden", "veryHidden", "true", "false", "14", "31", "32", "58", "164", "999999",
    "rId1", "rId2", "rId999", "rIdSST", "../../../etc/passwd", "/xl/worksheets/sheet5.xml", "worksheets/sheet1.xml",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument", "External",
    "支出", "国有资产", "_meta", "合计", "金额（元）", "#DIV/0!", "#N/A", "=[1]Sheet1!A1", "[1]Sheet1!A1",
    "SUM(F3:F1002)", '"unterminated', "yyyy\"年\"m\"月\"d\"日\"", "[h]:mm:ss", "2024-12-31", "2024-13-45T99:99",
    "12万元", "(1,234.00)", "１２３４．５６", "-", "<script>alert(1)</script>", "x" * 40_000, "\t \n",
]
ATTRIBUTES = ["r", "t", "s", "hidden", "state", "ref", "si", "numFmtId", "formatCode", "date1904", "fullCalcOnLoad",
              "min", "max", "name", "sheetId", "Id", "Target", "Type", "TargetMode", "count", "spans",
              "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"]
TAGS = ["row", "c", "v", "f", "is", "t", "r", "rPh", "sheet", "sheets", "sheetData", "mergeCell", "mergeCells",
        "dimension", "col", "cols", "si", "sst", "xf", "cellXfs", "numFmt", "numFmts", "calcPr", "workbookPr",
        "worksheet", "workbook"]
TREE_OPS = ["delete", "duplicate", "duplicate_many", "move", "set_attribute", "delete_attribute", "set_text",
            "swap_text", "swap_attribute", "retag", "strip_namespace", "wrap", "reverse_children", "clear"]
BYTE_OPS = ["none"] * 8 + ["truncate", "entity", "entity_reference", "flip", "insert", "encoding"]


def _namespace(tag: str) -> str:
    return tag[: tag.index("}") + 1] if tag.startswith("{") else ""


def mutate_tree(root: ET.Element, data) -> None:
    for _ in range(data.draw(st.integers(1, 4), label="tree mutations")):
        elements = list(root.iter())
        parents = {child: parent for parent in elements for child in parent}
        target = elements[data.draw(st.integers(0, len(elements) - 1), label="element")]
        op = data.draw(st.sampled_from(TREE_OPS), label="op")
        parent = parents.get(target)
        value = data.draw(st.sampled_from(VALUES), label="value")
        if op == "delete" and parent is not None:
            parent.remove(target)
        elif op in ("duplicate", "duplicate_many") and parent is not None:
            copies = 1 if op == "duplicate" else data.draw(st.integers(2, 200), label="copies")
            at = list(parent).index(target)
            for _ in range(copies):
                parent.insert(at + 1, copy.deepcopy(target))
        elif op == "move" and parent is not None:
            destination = elements[data.draw(st.integers(0, len(elements) - 1), label="destination")]
            if destination is not target and target not in destination.iter() and destination is not None:
                parent.remove(target)
                destination.append(target)
        elif op == "set_attribute":
            target.set(data.draw(st.sampled_from(ATTRIBUTES), label="attribute"), value)
        elif op == "delete_attribute" and target.attrib:
            target.attrib.pop(data.draw(st.sampled_from(sorted(target.attrib)), label="attribute"))
        elif op == "set_text":
            target.text = value
        elif op in ("swap_text", "swap_attribute"):
            other = elements[data.draw(st.integers(0, len(elements) - 1), label="other")]
            if op == "swap_text":
                target.text, other.text = other.text, target.text
            else:
                name = data.draw(st.sampled_from(ATTRIBUTES), label="attribute")
                a, b = target.get(name), other.get(name)
                for element, new in ((target, b), (other, a)):
                    if new is None:
                        element.attrib.pop(name, None)
                    else:
                        element.set(name, new)
        elif op == "retag":
            target.tag = _namespace(target.tag) + data.draw(st.sampled_from(TAGS), label="tag")
        elif op == "strip_namespace":
            target.tag = target.tag.rpartition("}")[2]
        elif op == "wrap" and parent is not None:
            at = list(parent).index(target)
            wrapper = ET.Element(_namespace(target.tag) + data.draw(st.sampled_from(TAGS), label="tag"))
            parent.remove(target)
            wrapper.append(target)
            parent.insert(at, wrapper)
        elif op == "reverse_children":
            target[:] = list(reversed(list(target)))
        elif op == "clear":
            target.clear()


ENTITY_DECLARATIONS = [
    '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]>',
    '<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd">',
    '<!DOCTYPE x [<!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]>',
]


def mutate_bytes(body: bytes, data) -> bytes:
    op = data.draw(st.sampled_from(BYTE_OPS), label="byte op")
    if op == "none" or not body:
        return body
    at = data.draw(st.integers(0, len(body)), label="position")
    if op == "truncate":
        return body[:at]
    if op == "entity":
        declaration = data.draw(st.sampled_from(ENTITY_DECLARATIONS), label="declaration").encode()
        end = body.find(b"?>")
        return body[: end + 2] + declaration + body[end + 2:] if end != -1 else declaration + body
    if op == "entity_reference":
        return body[:at] + data.draw(st.sampled_from([b"&b;", b"&e;", b"&amp;", b"&#0;", b"&#x110000;", b"&#65;"]),
                                     label="reference") + body[at:]
    if op == "flip":
        out = bytearray(body)
        for _ in range(data.draw(st.integers(1, 8), label="flips")):
            index = data.draw(st.integers(0, len(out) - 1), label="index")
            out[index] ^= data.draw(st.integers(1, 255), label="mask")
        return bytes(out)
    if op == "insert":
        junk = data.draw(st.sampled_from([b"\x00", b"\xff\xfe", b"<", b"</row>", b"<c r='A1'>", b"]]>", b"<!--",
                                          "中".encode("utf-16"), b"\xe4\xb8"]), label="junk")
        return body[:at] + junk + body[at:]
    if op == "encoding":
        head = data.draw(st.sampled_from([b'<?xml version="1.0" encoding="UTF-16"?>', b'<?xml version="1.0" '
                                          b'encoding="cp037"?>', b'<?xml version="1.0" encoding="latin-1"?>',
                                          b'<?xml version="1.1"?>', b'<?xml version="1.0" encoding="nope"?>']))
        return head + body.split(b"?>", 1)[-1]
    return body


def mutate_part(package: Package, part: str, data) -> None:
    body = package.members[part]
    try:
        root = ET.fromstring(body)
    except Exception:  # noqa: BLE001 - an earlier mutation of this part may have broken it in any way
        root = None
    if root is not None and data.draw(st.booleans(), label="tree?"):
        mutate_tree(root, data)
        body = ET.tostring(root, encoding="UTF-8", xml_declaration=data.draw(st.booleans(), label="declaration"))
    package.members[part] = mutate_bytes(body, data)


# ---------------------------------------------------------------- the property
def run_check(data_bytes: bytes, folder) -> None:
    path = folder / "fuzz.xlsx"
    path.write_bytes(data_bytes)
    start = time.monotonic()
    try:
        result = check_workbook(path)
        assert all(isinstance(i.message, str) for i in result.issues)
        event("checked: " + ("no problems" if not result.issues else "errors" if not result.ok else "warnings"))
    except InputError as exc:
        issue(exc.code, **{"detail": "", "size": "", "limit": "", **exc.params})  # its message formats
        event(f"input error: {exc.code}")
    assert time.monotonic() - start < DEADLINE_MS / 1000


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def test_the_base_workbook_is_valid(folder):
    path = folder / "base.xlsx"
    path.write_bytes(base_package())
    assert [i.code for i in check_workbook(path).issues] == ["WB_HIDDEN_ROWS", "WB_MERGED_CELLS"]


@fuzz_settings("sheets")
@given(data=st.data())
def test_fuzz_sheet_xml(folder, data):
    package = Package(base_package())
    parts = sheet_parts()
    for _ in range(data.draw(st.integers(1, 2), label="parts")):
        mutate_part(package, parts[data.draw(st.sampled_from(sorted(parts)), label="sheet")], data)
    run_check(package.to_bytes(), folder)


WORKBOOK_PARTS = ["xl/workbook.xml", "xl/_rels/workbook.xml.rels", "_rels/.rels", "xl/styles.xml",
                  "xl/sharedStrings.xml", "[Content_Types].xml"]


@fuzz_settings("workbook_parts")
@given(data=st.data())
def test_fuzz_workbook_parts(folder, data):
    package = Package(base_package())
    for _ in range(data.draw(st.integers(1, 2), label="parts")):
        mutate_part(package, data.draw(st.sampled_from(WORKBOOK_PARTS), label="part"), data)
    run_check(package.to_bytes(), folder)


PACKAGE_OPS = ["delete", "rename", "empty", "swap", "copy_over", "junk_member", "flip_zip_bytes", "truncate_zip",
               "stored"]


@fuzz_settings("package")
@given(data=st.data())
def test_fuzz_package(folder, data):
    package = Package(base_package())
    names = list(package.members)
    op = data.draw(st.sampled_from(PACKAGE_OPS), label="op")
    name = data.draw(st.sampled_from(names), label="member")
    other = data.draw(st.sampled_from(names), label="other")
    compression = zipfile.ZIP_DEFLATED
    if op == "delete":
        del package.members[name]
    elif op == "rename":
        new = data.draw(st.sampled_from([name.upper(), name + ".bak", "/" + name, name.replace("xl/", "xl//"),
                                         "xl/worksheets/" + name.rsplit("/", 1)[-1]]), label="new name")
        package.members[new] = package.members.pop(name)
    elif op == "empty":
        package.members[name] = b""
    elif op == "swap":
        package.members[name], package.members[other] = package.members[other], package.members[name]
    elif op == "copy_over":
        package.members[name] = package.members[other]
    elif op == "junk_member":
        package.members[data.draw(st.sampled_from(["xl/vbaProject.bin", "xl/media/a.png", "customXml/x.xml",
                                                   "xl/worksheets/sheet99.xml"]))] = random.Random(
            data.draw(st.integers(0, 1000), label="seed")).randbytes(data.draw(st.integers(0, 4000), label="size"))
    elif op == "stored":
        compression = zipfile.ZIP_STORED
    body = io.BytesIO()
    with zipfile.ZipFile(body, "w", compression) as archive:
        for member, content in package.members.items():
            archive.writestr(member, content)
    raw = body.getvalue()
    if op in ("flip_zip_bytes", "truncate_zip"):
        raw = mutate_bytes(raw, data) if op == "flip_zip_bytes" else raw[: data.draw(st.integers(0, len(raw)))]
    run_check(raw, folder)
