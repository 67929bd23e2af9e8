"""The hejing-2024 golden transcript passes its checker (tests/golden/check_hejing-2024.py).

The checker fails on format errors, figures absent from the reference text and sentences not found
verbatim in it; the document's own inconsistencies are only reported. This test pins both: no fatal
problem, and exactly the four inconsistencies documented in tests/golden/hejing-2024.md.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"


def _run_checker():
    spec = importlib.util.spec_from_file_location("check_hejing_2024", GOLDEN / "check_hejing-2024.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # fresh module: its fatal/report/notes lists start empty
    rc = mod.main(["--quiet"])
    return rc, mod


def test_hejing_transcript_passes_its_checker():
    rc, mod = _run_checker()
    assert mod.fatal == []
    assert rc == 0


def test_hejing_transcript_reports_only_the_documented_inconsistencies():
    _, mod = _run_checker()
    inconsistent = sorted(m for m in mod.report if m.startswith("inconsistent"))
    assert inconsistent == sorted([
        "inconsistent: N16 十二(四) 整体目标 涉及金额 = 收入总计 (表1): 395.83 != 395.84",
        "inconsistent: N16 form 本级资金 = 表1 一般财力 = 基本支出: 308.43 != 308.44",
        "inconsistent: N16 form 上级资金 = 表1 上级转移支付: 87.40 != 81.89",
        "inconsistent: N18 form 分值权重 add to 100: 90 != 100",
    ])
    # every other stronger check (rows, labels, texts found; no unlisted number) passes
    assert [m for m in mod.report if m.startswith(("source:", "figures:"))] == []
