"""The hejing-2024 leaves (examples/data/hejing-2024.leaves.json) reproduce the golden transcript.

tools/verify_hejing-2024_leaves.py recomputes every printed figure from the 元 leaves. These tests pin
its result: every derivable figure reproduced, and exactly the document's four known slips left as
differences. They also show that the verifier can fail: one leaf moved across its display window.
"""

from __future__ import annotations

import importlib.util
import json
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _verifier():
    spec = importlib.util.spec_from_file_location("verify_hejing_2024_leaves", ROOT / "tools" / "verify_hejing-2024_leaves.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _run(mod, mutate=None):
    leaves, golden = mod.load()
    if mutate:
        mutate(leaves)
    v = mod.Verify(leaves, golden)
    v.tables(), v.narrative(), v.names(), v.texts(), v.form_and_closing(), v.identities()
    return v.results


def test_every_figure_reproduced_and_only_the_known_slips_differ():
    mod = _verifier()
    results = _run(mod)
    figures = [r for r in results if r[0] == "figure"]
    assert len(figures) == 436 and all(r[4] for r in figures)
    assert sum(r[0] == "blank" and r[4] for r in results) == 493
    bad = [(r[1], r[2], r[3], r[5]) for r in results if not r[4]]
    assert bad == [
        ("整体绩效目标表 本级资金 = 一般财力 (表1)", Decimal("308.43"), Decimal("308.44"), "#1"),
        ("整体绩效目标表 上级资金 = 上级转移支付 (表1)", Decimal("87.40"), Decimal("81.89"), "#1"),
        ("十二(四) 涉及金额 (Σ form funds) = 收支总预算", Decimal("395.83"), Decimal("395.84"), "#1"),
        ("整体绩效目标表 分值权重 add to 100", 90, 100, "#2"),
    ]
    assert mod.main([]) == 0


def test_a_leaf_outside_its_window_is_caught():
    mod = _verifier()

    def shift(leaves):  # 2080109 基本支出 +50 元: 202.325 → 202.33 (half-up), and every total above it moves
        f = next(f for f in leaves["expenditure"] if f["code"] == "2080109")
        f["amount"] += 50

    bad = [r for r in _run(mod, shift) if not r[4] and not r[5]]
    where = {r[1] for r in bad}
    assert "表3 2080109 合计" in where and "表1 收入总计" not in where  # income was not moved: only 支出 side
    assert ("表1 支出总计", "395.84", Decimal("395.85")) in {(r[1], r[2], r[3]) for r in bad}


def test_leaves_file_keeps_its_shape():
    data = json.loads((ROOT / "examples" / "data" / "hejing-2024.leaves.json").read_text(encoding="utf-8"))
    assert data["profile"] == "xinjiang" and data["unit"]["name"] == "和静县社会保险中心"
    amounts = [f["amount"] for k in ("income", "expenditure", "economic", "three_public", "admin_running") for f in data[k]]
    assert all(a == f"{Decimal(a):.2f}" for a in amounts)  # strings in 元, two decimals
