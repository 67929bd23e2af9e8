"""The zhongwei-2024 (Ningxia) leaves reproduce the golden transcript, and the check can fail.

tools/verify_zhongwei-2024_leaves.py rebuilds every derivable table cell and narrative figure from
examples/data/zhongwei-2024.leaves.json (元, rounded once half-up) and compares it with
tests/golden/zhongwei-2024.json; only the document's listed slips may differ. The mutations below
move one leaf across a 万元 window the notes (examples/data/zhongwei-2024-NOTES.md) say is forced.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "verify_zhongwei-2024_leaves.py"
LEAVES = ROOT / "examples" / "data" / "zhongwei-2024.leaves.json"


def _tool():
    spec = importlib.util.spec_from_file_location("verify_zhongwei_2024_leaves", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(capsys, argv):
    code = _tool().main(argv)
    return code, capsys.readouterr().out


def _mutated(tmp_path, change) -> str:
    doc = json.loads(LEAVES.read_text(encoding="utf-8"))
    change(doc)
    path = tmp_path / "leaves.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _set(rows, amount, **match):
    hits = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(hits) == 1, match
    hits[0]["amount"] = amount


def test_leaves_reproduce_the_transcript_except_the_listed_slips(capsys):
    code, out = _run(capsys, [])
    assert code == 0, out
    assert "derived figures: 687/689 reproduced" in out
    assert "(6 known slips, 0 failures)" in out
    # the two unreproducible figures are the 三公 小计 2.9 of the 2023 and 2024 budget groups
    assert out.count("slip #2 ") == 2 and "leaves give '2.75'" in out


def test_2023_basic_total_at_displayed_values_prints_52_35(tmp_path, capsys):
    # 2080109 2023 basic at 306.66 - 66.00 (2406600 元) gives Σ basic 344.18: 二(一) would print 52.35
    path = _mutated(tmp_path, lambda d: _set(d["comparisons"]["上年执行数"]["expenditure"], "2406600.00",
                                             code="2080109", kind="基本支出"))
    code, out = _run(capsys, ["--quiet", "--leaves", path])
    assert code == 1
    assert "FAIL 二(一) sentence 2 figure 1 (比2023年执行数增加): printed '52.34', leaves give '52.35'" in out


def test_2101102_equal_to_the_displayed_30110_plus_30111_breaks_table_one(tmp_path, capsys):
    # rounding case (a): 12.32 + 5.88 = 18.20, but 表一/表二 print 18.19
    path = _mutated(tmp_path, lambda d: _set(d["expenditure"], "182000.00", code="2101102", kind="基本支出"))
    code, out = _run(capsys, ["--quiet", "--leaves", path])
    assert code == 1
    assert "printed '18.19', leaves give '18.20'" in out


def test_a_changed_typed_text_is_a_failure(tmp_path, capsys):
    def change(doc):
        text = next(t for t in doc["texts"] if t["section"] == "二(二)" and t["subject"] == "2089999")
        text["text"] = text["text"].replace("刚性增长", "增长")
    code, out = _run(capsys, ["--quiet", "--leaves", _mutated(tmp_path, change)])
    assert code == 1
    assert "FAIL 二(二) 2089999 typed text" in out
