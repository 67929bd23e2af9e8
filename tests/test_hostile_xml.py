"""XML attacks: billion laughs, quadratic blowup and XXE are refused, wherever they are put.

Two layers: read.py refuses any part holding <!DOCTYPE or <!ENTITY before parsing
anything, and every XML it parses goes through defusedxml with DTDs forbidden.
Each layer is tested on its own. A canary file stands for a local secret: its
content must appear in no output, in either format, on either stream.
"""

from __future__ import annotations

import json
import subprocess
import sys

import defusedxml
import openpyxl
import pytest
from click.testing import CliRunner

from budget_author.cli import cli
from budget_author.workbook import read
from budget_author.workbook.read import InputError, read_workbook
from conftest import ROOT
from corpus.make_corpus import ATTACKS, CANARY_TEXT, Package, hostile_part

PLACES = ("sharedStrings", "workbook", "sheet", "rels")


@pytest.fixture
def canary(tmp_path):
    path = tmp_path / "secret" / "canary.txt"
    path.parent.mkdir()
    path.write_text(CANARY_TEXT, encoding="utf-8")
    return path


def _hostile(tmp_path, canary, place: str, kind: str):
    path = tmp_path / f"{place}-{kind}.xlsx"
    path.write_bytes(hostile_part(Package.example(), place, kind, canary).to_bytes())
    return path


def _cases():
    return [(place, kind) for place in PLACES for kind in ATTACKS
            if place != "rels" or kind in ("xxe", "billion_laughs")]


def test_openpyxl_itself_parses_with_defusedxml():
    """openpyxl (used to write templates, and by anyone loading our files) picks defusedxml up automatically."""
    from defusedxml.ElementTree import fromstring, iterparse
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML is True and openpyxl.LXML is False
    assert functions.fromstring is fromstring and functions.iterparse is iterparse


def test_openpyxl_refuses_the_attacks_too(tmp_path, canary):
    for place in ("sharedStrings", "workbook", "sheet"):
        path = _hostile(tmp_path, canary, place, "billion_laughs")
        with pytest.raises(ValueError) as info:  # openpyxl wraps some of them in its own ValueError
            workbook = openpyxl.load_workbook(path, read_only=True)
            for ws in workbook.worksheets:
                list(ws.iter_rows(values_only=True))
        chain = [info.value, info.value.__cause__, info.value.__context__]
        assert any(isinstance(e, defusedxml.DefusedXmlException) for e in chain)


@pytest.mark.parametrize("place, kind", _cases())
def test_attack_is_refused_before_parsing(tmp_path, canary, place, kind):
    path = _hostile(tmp_path, canary, place, kind)
    with pytest.raises(InputError) as info:
        read_workbook(path)
    assert info.value.code == "FILE_XML_FORBIDDEN"
    assert CANARY_TEXT not in repr(info.value.params)


@pytest.mark.parametrize("place, kind", _cases())
def test_defusedxml_refuses_it_without_the_first_layer(tmp_path, canary, monkeypatch, place, kind):
    monkeypatch.setattr(read, "_DTD_MARKERS", ())  # switch the byte screen off: the parser alone must hold
    path = _hostile(tmp_path, canary, place, kind)
    with pytest.raises(InputError) as info:
        read_workbook(path)
    assert info.value.code == "FILE_XML_FORBIDDEN"
    assert isinstance(info.value.__cause__, defusedxml.DefusedXmlException)


@pytest.mark.parametrize("place, kind", _cases())
@pytest.mark.parametrize("output_format", ["text", "json"])
def test_check_exits_2_and_prints_nothing_of_the_canary(tmp_path, canary, place, kind, output_format):
    path = _hostile(tmp_path, canary, place, kind)
    result = CliRunner().invoke(cli, ["check", str(path), "--format", output_format], catch_exceptions=False)
    assert result.exit_code == 2
    assert CANARY_TEXT not in result.stdout and CANARY_TEXT not in result.stderr
    assert "FILE_XML_FORBIDDEN" in result.stdout
    if output_format == "json":
        assert [i["code"] for i in json.loads(result.stdout)["issues"]] == ["FILE_XML_FORBIDDEN"]


@pytest.mark.parametrize("place", ["sharedStrings", "workbook", "sheet"])
def test_the_real_command_in_a_subprocess(tmp_path, canary, place):
    """The installed entry point, both streams, and the debug switch that would print a stack trace."""
    path = _hostile(tmp_path, canary, place, "xxe")
    for env in ({}, {"BUDGET_AUTHOR_DEBUG": "1"}):
        done = subprocess.run([sys.executable, "-m", "budget_author", "check", str(path), "--format", "json"],
                              capture_output=True, text=True, timeout=60, cwd=ROOT,
                              env={**_clean_env(), **env})
        assert done.returncode == 2, done.stderr
        assert CANARY_TEXT not in done.stdout + done.stderr
        assert json.loads(done.stdout)["issues"][0]["code"] == "FILE_XML_FORBIDDEN"
        assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["secret", path.name])


def _clean_env() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("BUDGET_AUTHOR_")}


@pytest.mark.parametrize("encoding", ["cp037", "utf-16-le", "utf-16-be", "utf-16"])
def test_a_doctype_in_another_encoding_is_still_found(tmp_path, monkeypatch, encoding):
    """The byte screen decodes parts that declare an encoding it knows (EBCDIC here), and finds UTF-16 as bytes."""
    package = Package.example()
    part = package.sheet_part("文本段落")
    body = package.members[part].decode("utf-8")
    body = body.split("?>", 1)[1] if body.startswith("<?xml") else body
    name = "UTF-16" if encoding.startswith("utf-16") else encoding
    text = f'<!DOCTYPE worksheet [<!ENTITY a "b">]>{body}'
    head = f'<?xml version="1.0" encoding="{name}"?>'
    if encoding == "cp037":
        package.members[part] = head.encode("ascii") + text.encode(encoding, errors="xmlcharrefreplace")
    else:
        package.members[part] = (head + text).encode(encoding)
    path = tmp_path / "e.xlsx"
    path.write_bytes(package.to_bytes())
    with pytest.raises(InputError) as info:
        read_workbook(path)
    assert info.value.code == "FILE_XML_FORBIDDEN"
