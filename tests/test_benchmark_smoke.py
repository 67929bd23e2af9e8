"""Smoke test of the benchmark (issue 8): `benchmarks/run.py --quick` runs and writes the JSON it promises.

The quick mode measures the smallest input once. Nothing here asserts a timing:
only that the benchmark runs and that its results have the expected shape.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = {"read", "check", "compute", "html", "layout", "pdf_write"}
TARGETS = {"ours_share:datong-2024", "harfbuzz_subsetter", "scaling_10x_per_page", "batch_speedup_jobs2",
           "watch_warm_faster", "peak_memory:datong-2024"}


def test_quick_benchmark_writes_results(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--results-dir", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Targets:" in completed.stdout

    latest = tmp_path / "latest-quick.json"
    stamped = [p for p in tmp_path.glob("*-quick.json") if p.name != latest.name]
    assert latest.is_file() and len(stamped) == 1
    assert not (tmp_path / "latest.json").exists()  # a quick run never replaces the full run's figures
    results = json.loads(latest.read_text(encoding="utf-8"))

    assert {"schema", "timestamp", "revision", "quick", "repeat", "machine", "harfbuzz_subsetter", "examples",
            "scaling", "batch", "watch", "targets", "contention", "elapsed_s"} <= results.keys()
    assert results["quick"] is True and results["repeat"] == 1
    assert isinstance(results["harfbuzz_subsetter"], bool)
    assert {"cpus", "weasyprint", "harfbuzz", "harfbuzz_subsetter"} <= results["machine"].keys()

    datong = results["examples"]["datong-2024"]
    assert set(datong["stages_s"]) == STAGES
    assert set(datong["stages_cpu_s"]) == STAGES
    assert all(value >= 0 for value in datong["stages_s"].values())
    assert datong["pages"] > 0 and datong["peak_mb"] > 0
    assert {"ours_s", "ours_warm_s", "weasyprint_in_pipeline_s", "ours_share_of_weasyprint", "s_per_page",
            "imports_s"} <= datong.keys()

    one = results["scaling"]["1x"]
    assert one["pages"] > 0 and {"s_per_page", "layout_s_per_page", "stages_s", "peak_mb"} <= one.keys()
    assert one["warnings"] == []  # the generated workbook checks clean

    # Parts the quick mode skips are present, and say so.
    assert results["batch"] is None and results["watch"] is None

    targets = {t["name"]: t for t in results["targets"]}
    assert TARGETS <= targets.keys()
    for target in targets.values():
        assert {"target", "measured", "holds"} <= target.keys()
    assert targets["harfbuzz_subsetter"]["holds"] is results["harfbuzz_subsetter"]
    assert targets["batch_speedup_jobs2"]["holds"] is None  # not measured in quick mode


def test_scaled_workbooks_check_clean(tmp_path):
    """The generator scales projects, forms and indicators exactly, and the result still checks clean."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from scaled import scaled_data, write_scaled
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    from budget_author.check import check_workbook

    base = scaled_data(1)
    four = scaled_data(4)
    assert len(four["projects"]) == 4 * len(base["projects"])
    assert len(four["perf_forms"]) == 4 * len(base["perf_forms"])
    assert len(four["perf_indicators"]) == 4 * len(base["perf_indicators"])
    assert len({f["code"] for f in four["expenditure"]}) > len({f["code"] for f in base["expenditure"]})
    checked = check_workbook(write_scaled(4, tmp_path / "scaled-4x.xlsx"))
    assert checked.issues == []
