"""The bad-input corpus: every case gives exactly the outcome its manifest entry states.

The files are generated at test time from examples/datong-2024.xlsx
(tests/corpus/make_corpus.py) into a temporary folder, one folder per case;
tests/corpus/cases.json states each case's exit code and the exact
(code, sheet, cell) problems. `budget-author check` must also leave the folder
as it was: no file written next to the input, the input's bytes unchanged, and
nothing of the canary file (a stand-in for a local secret) in any output.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner

from budget_author.cli import cli
from corpus import make_corpus

CASES = make_corpus.load_manifest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    secret = out / "secret"
    secret.mkdir()
    canary = secret / "canary.txt"
    canary.write_text(make_corpus.CANARY_TEXT, encoding="utf-8")
    return make_corpus.generate(out, canary)


def test_the_manifest_states_every_case_once():
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names)) >= 30
    assert set(names) == set(make_corpus.CASES)
    for case in CASES:
        assert set(case) == {"name", "about", "exit", "issues"} and case["about"]
        assert case["exit"] in (0, 1, 2)
        assert case["exit"] != 2 or len(case["issues"]) == 1  # an unusable file: one input error


def test_the_corpus_covers_what_issue_7_lists():
    names = {case["name"] for case in CASES}
    codes = {issue[0] for case in CASES for issue in case["issues"]}
    for code in ("FILE_EMPTY", "FILE_NOT_XLSX", "FILE_CORRUPT", "FILE_XLS", "FILE_WPS_ET", "FILE_ENCRYPTED",
                 "FILE_TOO_LARGE", "FILE_UNZIPPED_TOO_LARGE", "FILE_COMPRESSION_RATIO", "FILE_TOO_MANY_PARTS",
                 "FILE_TOO_MANY_ELEMENTS", "FILE_SHEET_TOO_LARGE", "FILE_XML_FORBIDDEN", "WB_MACROS",
                 "WB_SHEET_MISSING", "VAL_AMOUNT_UNIT", "VAL_AMOUNT_NEGATIVE", "VAL_TEXT_TOO_LONG", "VAL_CELL_TOO_LONG",
                 "VAL_FORMULA_NO_CACHE", "VAL_FORMULA_CACHED_ZERO", "VAL_FORMULA_EXTERNAL", "VAL_CELL_ERROR",
                 "VAL_DUPLICATE_CELL", "VAL_MERGED_AMOUNT", "VAL_DATE", "VAL_AMOUNT_TOO_LONG", "VAL_AMOUNT_NOT_NUMBER",
                 "VAL_NUMBER_TOO_LARGE", "WB_HIDDEN_ROWS", "WB_HIDDEN_SHEET"):
        assert code in codes, code
    for kind in make_corpus.ATTACKS[:3]:
        for place in ("sharedStrings", "workbook", "sheet"):
            assert f"xml_{kind}_in_{place}" in names
    for name in ("empty_file", "random_bytes", "truncated_half", "corrupt_deflate", "missing_workbook_part",
                 "malformed_sheet_xml", "renamed_sheet", "missing_sheet", "amount_full_width", "amount_dash_where_zero_was",
                 "html_and_script_in_text_cells"):
        assert name in names


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_case(corpus, case):
    path = corpus[case["name"]]
    before = (sorted(p.name for p in path.parent.iterdir()), _digest(path), path.stat().st_mtime_ns)
    runner = CliRunner()
    result = runner.invoke(cli, ["check", str(path), "--format", "json"], catch_exceptions=False)
    payload = json.loads(result.stdout)
    assert result.exit_code == case["exit"], result.output
    assert [[i["code"], i["sheet"], i["cell"]] for i in payload["issues"]] == case["issues"]
    text = runner.invoke(cli, ["check", str(path)], catch_exceptions=False)
    assert text.exit_code == case["exit"]
    for output in (result.stdout, result.stderr, text.stdout, text.stderr):
        assert make_corpus.CANARY_TEXT not in output
        assert "Traceback" not in output
    for issue in payload["issues"]:
        assert len(issue["message"]) < 500  # quoted values are cut; no 40,000-character messages
    after = (sorted(p.name for p in path.parent.iterdir()), _digest(path), path.stat().st_mtime_ns)
    assert after == before  # nothing written next to it, the input untouched
