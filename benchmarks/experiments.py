"""Layout experiments behind the recommendations in benchmarks/README.md.

    python benchmarks/experiments.py css [--repeat 5] [--inputs datong-2024,fenyang-2025,scaled-10x]
    python benchmarks/experiments.py gc  [--repeat 3]

`css`: lays out the same documents with the stylesheet as shipped and with
candidate changes, each applied to a COPY of styles/print.css (an override block
appended to it, passed through render_html(report, inline_css=...)) or to the
rendered HTML; styles/ and templates/ are never touched. Variants run
in one process after a warm-up (fonts loaded once), in a shuffled order each
round; times are CPU seconds of this process (time.process_time: less
disturbed than wall time by other work on a shared machine), medians over the
rounds, and the page count (a change that moves page breaks shows up there).

`gc`: layout + PDF writing (CPU seconds) of the same HTML under Python's
default garbage collector settings and with the collector off or tuned during
the render, each in a fresh process, with that process's peak memory.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

# name → (description, CSS appended to a copy of print.css, HTML rewrite or None)
VARIANTS: dict[str, tuple[str, str, object]] = {
    "baseline": ("print.css as shipped", "", None),
    "rows-break-auto": (
        "table rows may split across pages (drop `tr { break-inside: avoid }` in both table kinds)",
        "table.budget tr, table.form tr { break-inside: auto; }", None),
    "short-tables-auto": (
        "short tables may split (drop `.table-block.short { break-inside: avoid }`)",
        ".table-block.short { break-inside: auto; }", None),
    "no-break-after-avoid": (
        "drop every `break-after: avoid` (h2, h3, table label, title, meta line)",
        "h2, h3, .table-label, h2.table-title, .table-meta { break-after: auto; }", None),
    "meta-not-flex": (
        "`.table-meta` and `.form-footer` as a one-row CSS table instead of flex",
        ".table-meta, .form-footer { display: table; width: 100%; }"
        " .table-meta > span, .form-footer > span { display: table-cell; }"
        " .table-meta > .measure, .form-footer > span:last-child { text-align: right; }", None),
    "no-justify": (
        "left-aligned instead of justified text (changes the look; for scale only)",
        "p.body, table.form td.text { text-align: left; }", None),
    "borders-separate": (
        "separate instead of collapsed table borders (changes the look; for scale only)",
        "table { border-collapse: separate; border-spacing: 0; }", None),
    "no-data-key": (
        "HTML without the data-key attributes on every figure cell",
        "", "strip-data-key"),
    "col-classes": (
        "no inline style= on <col>: widths from a <style> block via classes (same widths)",
        "", "col-classes"),
    "one-font-family": (
        "headings in Noto Serif CJK SC too: one CJK face to load and subset instead of two (changes the look)",
        "h1, h2, h3, .table-title, .toc-title, .form-title, .cover-title, figcaption"
        " { font-family: \"Noto Serif CJK SC\", \"Source Han Serif SC\", \"Noto Serif CJK\", serif; }", None),
    "no-toc-leaders": (
        "目录 without leader(\".\") (page numbers kept)",
        ".toc li a::after { content: \"  \" target-counter(attr(href), page); }", None),
    "no-chart": (
        "without the SVG structure chart (to price it, not a proposal)",
        "", "strip-chart"),
    "all-safe": (
        "rows-break-auto + meta-not-flex + no-data-key + col-classes",
        "table.budget tr, table.form tr { break-inside: auto; }"
        " .table-meta, .form-footer { display: table; width: 100%; }"
        " .table-meta > span, .form-footer > span { display: table-cell; }"
        " .table-meta > .measure, .form-footer > span:last-child { text-align: right; }",
        "strip-data-key+col-classes"),
}


def rewrite_html(html: str, how: str | None) -> str:
    if not how:
        return html
    if "strip-chart" in how:
        html = re.sub(r'<figure class="chart">.*?</figure>', "", html, flags=re.S)
    if "strip-data-key" in how:
        html = re.sub(r' data-key="[^"]*"', "", html)
    if "col-classes" in how:
        widths: dict[str, str] = {}

        def to_class(match: re.Match) -> str:
            width = match.group(1)
            name = "w" + width.replace(".", "_").replace("%", "")
            widths[name] = width
            return f'<col class="{name}">'

        html = re.sub(r'<col style="width: ([0-9.]+%)">', to_class, html)
        rules = " ".join(f"col.{name} {{ width: {width}; }}" for name, width in sorted(widths.items()))
        html = html.replace("</style>", rules + "</style>", 1)
    return html


def _inputs(names: list[str], work: Path) -> dict[str, object]:
    """name → Report, for the examples and scaled datong workbooks ("scaled-10x")."""
    from scaled import write_scaled

    from budget_author.check import check_workbook
    from budget_author.compute.report import compute_report

    reports = {}
    for name in names:
        if name.startswith("scaled-"):
            path = write_scaled(int(name.split("-")[1].rstrip("x")), work / f"{name}.xlsx")
        else:
            path = ROOT / "examples" / f"{name}.xlsx"
        checked = check_workbook(path)
        assert checked.ok, (name, [i.code for i in checked.issues])
        reports[name] = compute_report(checked.parsed.budget)
    return reports


def run_css(names: list[str], repeat: int, variants: list[str]) -> dict:
    from budget_author.paths import resource_dir
    from budget_author.render import pdf as P
    from budget_author.render.html import STYLESHEET, render_html

    css = (resource_dir("styles") / STYLESHEET).read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        reports = _inputs(names, Path(tmp))
    P.check_fonts()
    with P.capture_weasyprint_warnings():
        P.render_document("<p>字</p>")  # fonts loaded before the first measured layout
    documents = {
        (name, variant): rewrite_html(render_html(report, inline_css=css + "\n/* experiment */\n" + VARIANTS[variant][1]),
                                      VARIANTS[variant][2])
        for name, report in reports.items() for variant in variants
    }
    times: dict[tuple[str, str], list[float]] = {key: [] for key in documents}
    writes: dict[tuple[str, str], list[float]] = {key: [] for key in documents}
    pages: dict[tuple[str, str], int] = {}
    order = list(documents)
    shuffle = random.Random(8)  # a fixed seed: the same order on every run of the experiment
    for round_number in range(repeat):
        shuffle.shuffle(order)  # no variant always runs first (or right after a big document)
        for key in order:
            html = documents[key]
            gc.collect()
            with P.capture_weasyprint_warnings(), tempfile.TemporaryDirectory() as tmp:
                started = time.process_time()
                document = P.render_document(html)
                times[key].append(time.process_time() - started)
                started = time.process_time()
                document.write_pdf(str(Path(tmp) / "out.pdf"))
                writes[key].append(time.process_time() - started)
            pages[key] = len(document.pages)
            del document
        print(f"round {round_number + 1}/{repeat} done", file=sys.stderr, flush=True)
    out: dict = {"repeat": repeat, "inputs": {}}
    for name in reports:
        base = statistics.median(times[(name, "baseline")])
        base_write = statistics.median(writes[(name, "baseline")])
        rows = {}
        for variant in variants:
            median = statistics.median(times[(name, variant)])
            write = statistics.median(writes[(name, variant)])
            rows[variant] = {"layout_s": round(median, 3), "change": round(median / base - 1, 4),
                             "pdf_write_s": round(write, 3), "write_change": round(write / base_write - 1, 4),
                             "pages": pages[(name, variant)], "runs": [round(t, 3) for t in times[(name, variant)]]}
        out["inputs"][name] = rows
    return out


GC_MODES = {
    "default": "gc as Python starts it (threshold 700, 10, 10)",
    "off": "gc.disable() for the render, gc.collect() after",
    "threshold-100k": "gc.set_threshold(100_000, 10, 10)",
    "freeze": "gc.freeze() after warm-up (imports, fonts), default thresholds",
}


def _gc_child(html_path: str, mode: str) -> dict:
    from budget_author.render import pdf as P

    html = Path(html_path).read_text(encoding="utf-8")
    P.check_fonts()
    with P.capture_weasyprint_warnings():
        P.render_document("<p>字</p>")
    if mode == "threshold-100k":
        gc.set_threshold(100_000, 10, 10)
    elif mode == "freeze":
        gc.freeze()
    elif mode == "off":
        gc.disable()
    with P.capture_weasyprint_warnings():
        started = time.process_time()
        document = P.render_document(html)
        layout = time.process_time() - started
        started = time.process_time()
        with tempfile.TemporaryDirectory() as tmp:
            document.write_pdf(str(Path(tmp) / "out.pdf"))
        write = time.process_time() - started
    if mode == "off":
        gc.enable()
        gc.collect()
    with open("/proc/self/status", encoding="ascii") as handle:
        peak = next(int(line.split()[1]) / 1024 for line in handle if line.startswith("VmHWM:"))
    return {"layout_s": layout, "pdf_write_s": write, "pages": len(document.pages), "peak_mb": peak}


def run_gc(names: list[str], repeat: int) -> dict:
    from budget_author.render.html import render_html

    out: dict = {"repeat": repeat, "modes": GC_MODES, "inputs": {}}
    with tempfile.TemporaryDirectory() as tmp:
        reports = _inputs(names, Path(tmp))
        for name, report in reports.items():
            html_path = Path(tmp) / f"{name}.html"
            html_path.write_text(render_html(report), encoding="utf-8")
            results: dict[str, list[dict]] = {mode: [] for mode in GC_MODES}
            for _ in range(repeat):
                for mode in GC_MODES:
                    completed = subprocess.run([sys.executable, __file__, "--gc-child", str(html_path), mode],
                                               capture_output=True, text=True, check=True, cwd=ROOT)
                    results[mode].append(json.loads(completed.stdout.strip().splitlines()[-1]))
            rows = {}
            for mode, runs in results.items():
                rows[mode] = {key: round(statistics.median(r[key] for r in runs), 3)
                              for key in ("layout_s", "pdf_write_s", "peak_mb")}
                rows[mode]["pages"] = runs[0]["pages"]
                rows[mode]["s_per_page"] = round((rows[mode]["layout_s"] + rows[mode]["pdf_write_s"])
                                                 / rows[mode]["pages"], 4)
            out["inputs"][name] = rows
            print(f"{name} done", file=sys.stderr, flush=True)
    return out


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--gc-child":
        print(json.dumps(_gc_child(sys.argv[2], sys.argv[3])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("css", "gc"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--inputs", default="datong-2024,fenyang-2025,scaled-10x")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args()
    names = args.inputs.split(",")
    if args.what == "css":
        variants = args.variants.split(",")
        if "baseline" not in variants:
            variants.insert(0, "baseline")
        results = run_css(names, args.repeat, variants)
        for name, rows in results["inputs"].items():
            print(f"\n{name}: CPU seconds, median of {args.repeat}; change against print.css as shipped")
            print(f"  {'variant':<22}{'layout s':>9}{'change':>9}{'PDF s':>8}{'change':>9}{'pages':>6}")
            for variant, row in rows.items():
                print(f"  {variant:<22}{row['layout_s']:>9.3f}{row['change']:>+9.1%}{row['pdf_write_s']:>8.3f}"
                      f"{row['write_change']:>+9.1%}{row['pages']:>6}   {VARIANTS[variant][0]}")
    else:
        results = run_gc(names, args.repeat)
        for name, rows in results["inputs"].items():
            print(f"\n{name}: CPU seconds, a fresh process per run, median of {args.repeat}")
            for mode, row in rows.items():
                print(f"  {mode:<16} layout {row['layout_s']:>6.2f} s  PDF {row['pdf_write_s']:>5.2f} s  "
                      f"{row['s_per_page']:.4f} s/page  peak {row['peak_mb']:.0f} MB   {GC_MODES[mode]}")
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
