"""The performance benchmark of issue 8: one command, a table, and a JSON file.

    python benchmarks/run.py               # full run (3 repeats, medians), < 10 min on 2 cores
    python benchmarks/run.py --repeat 5    # more repeats
    python benchmarks/run.py --quick       # the smallest input once (the smoke test runs this)
    python benchmarks/run.py --forms-only  # only the 300-form row (results/latest-forms.json)
    python benchmarks/run.py --results-dir DIR

Every measurement runs in a fresh Python subprocess (this file with `--child`),
so that no import, font configuration or cache carries over between them; peak
memory is that subprocess's VmHWM (/proc/self/status) and, for process trees,
the largest process's ru_maxrss from os.wait4.

Results go to benchmarks/results/<timestamp>.json and benchmarks/results/latest.json.
Compare two runs with `python benchmarks/compare.py OLD.json NEW.json`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLES = ROOT / "examples"
EXAMPLE_NAMES = ("datong-2024", "fenyang-2025")
SCALES = (1, 4, 10)
FORMS = 300                    # the 绩效目标表 row: the most forms (and projects) the workbook reads …
INDICATORS_PER_FORM = 10       # … with 3,000 indicators, the most it reads
BATCH_UNITS = 8
SCHEMA = 1

# Targets of issue 8.
TARGET_OURS_SHARE = 0.10       # read+check+compute+HTML ≤ 10% of WeasyPrint (layout + PDF writing); also at 300 forms
TARGET_SCALING = 1.2           # s/page at 10× ≤ 1.2 × s/page at 1×
TARGET_BATCH_SPEEDUP = 1.7     # --jobs 2 ≥ 1.7 × the throughput of --jobs 1
TARGET_WATCH_FASTER = 0.20     # warm watch round ≥ 20% faster than a cold build
TARGET_PEAK_MB = 350           # peak memory of a build of either example


# ====================================================================== child side
# Each function below runs in its own fresh interpreter and returns a JSON-able dict.


def _vm_hwm_mb() -> float:
    """This process's peak resident set size (VmHWM), in MB."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _children_maxrss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def child_stages(workbook: str, out_dir: str) -> dict:
    """read → check → compute → HTML → layout → PDF writing, in-process, each stage timed.

    Our stages run twice: first cold (as in a `build`), then warm (as in a later
    `watch` round). Layout and writing call WeasyPrint directly with the same
    fetcher and base URL as render/pdf.py's write_pdf.
    """
    t0 = time.perf_counter()
    from budget_author.check import check_raw
    from budget_author.compute.report import compute_report
    from budget_author.render.html import render_html
    from budget_author.workbook.read import read_workbook
    t1 = time.perf_counter()
    from budget_author.render import pdf as P
    import weasyprint  # noqa: F401
    t2 = time.perf_counter()

    cpu: dict[str, float] = {}

    class timed:
        """Wall time into `into[name]`, CPU time of this process into cpu[name]."""

        def __init__(self, into: dict, name: str):
            self.into, self.name = into, name

        def __enter__(self):
            self.wall, self.cpu = time.perf_counter(), time.process_time()

        def __exit__(self, *exc):
            self.into[self.name] = time.perf_counter() - self.wall
            if self.into is not warm_times:
                cpu[self.name] = time.process_time() - self.cpu

    cold_times: dict[str, float] = {}
    warm_times: dict[str, float] = {}

    def ours(times: dict) -> tuple[object, str]:
        with timed(times, "read"):
            raw = read_workbook(workbook)
        with timed(times, "check"):
            checked = check_raw(raw)
        if not checked.ok:
            raise SystemExit(f"{workbook} does not check clean: {[i.code for i in checked.issues][:10]}")
        with timed(times, "compute"):
            report = compute_report(checked.parsed.budget)
        with timed(times, "html"):
            html = render_html(report)
        return report, html

    report, html = ours(cold_times)
    ours(warm_times)
    P.check_fonts()
    fetcher = P.make_fetcher()
    target = Path(out_dir) / (Path(workbook).stem + ".pdf")
    with P.capture_weasyprint_warnings():
        # As write_pdf does: the cyclic GC paused for layout and writing, one collection after,
        # counted in "pdf_write".
        paused = P.cyclic_gc_paused()
        paused.__enter__()
        with timed(cold_times, "layout"):
            document = P.render_document(html, base_url=P.styles_base_url(), fetcher=fetcher)
        document.metadata.title = f"{report.unit_name}{report.title}"
        document.metadata.authors = [report.unit_name]
        with timed(cold_times, "pdf_write"):
            document.write_pdf(str(target))
            pages = len(document.pages)
            del document
            paused.__exit__(None, None, None)
    html_path = Path(out_dir) / (Path(workbook).stem + ".html")
    html_path.write_text(html, encoding="utf-8")
    return {
        "imports": {"ours": t1 - t0, "weasyprint": t2 - t1},
        "stages": cold_times,
        "stages_cpu": cpu,
        "warm_ours": warm_times,
        "pages": pages,
        "html_bytes": len(html.encode("utf-8")),
        "pdf_bytes": target.stat().st_size,
        "html_path": str(html_path),
        "peak_mb": _vm_hwm_mb(),
    }


def child_weasyprint(html_path: str, out_dir: str) -> dict:
    """WeasyPrint alone on the same HTML: import, layout and writing in a fresh process."""
    t0 = time.perf_counter()
    import weasyprint

    from budget_author.render import pdf as P
    t1 = time.perf_counter()
    html = Path(html_path).read_text(encoding="utf-8")
    fetcher = P.make_fetcher()
    with P.capture_weasyprint_warnings():
        s = time.perf_counter()
        document = weasyprint.HTML(string=html, base_url=P.styles_base_url(), url_fetcher=fetcher).render()
        layout = time.perf_counter() - s
        s = time.perf_counter()
        document.write_pdf(str(Path(out_dir) / "weasyprint-alone.pdf"))
        write = time.perf_counter() - s
    return {"import": t1 - t0, "layout": layout, "pdf_write": write, "seconds": layout + write,
            "pages": len(document.pages), "peak_mb": _vm_hwm_mb()}


def child_cli_build(workbook: str, output: str, result_file: str) -> None:
    """`budget-author build WORKBOOK -o OUTPUT`, as the console script runs it, in this fresh process.

    Our atexit handler is registered before the CLI's (atexit runs last-in,
    first-out), so it runs after any render worker the build started has been
    stopped and reaped: RUSAGE_CHILDREN then covers it.
    """
    import atexit

    started = time.perf_counter()
    state: dict = {}

    def report() -> None:
        state.update(seconds_in_process=time.perf_counter() - started, peak_mb=_vm_hwm_mb(),
                     children_peak_mb=_children_maxrss_mb())
        Path(result_file).write_text(json.dumps(state), encoding="utf-8")

    atexit.register(report)
    sys.argv = ["budget-author", "build", workbook, "-o", output]
    from budget_author.cli import main

    try:
        main()
    except SystemExit as exc:
        state["exit_code"] = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)


def child_watch(workbook: str, out_dir: str, rounds: int) -> dict:
    """watch: a first (cold) round, then `rounds` warm rounds after re-saving the workbook.

    Also measures one real save → new PDF through `watch_workbook` (watchfiles,
    debounce and all): the workbook is saved the way Excel does (temp + rename).
    """
    import threading

    from budget_author.watch import build_round, watch_workbook

    work = Path(out_dir) / "watched.xlsx"
    shutil.copyfile(workbook, work)
    output = Path(out_dir) / "watched.pdf"

    def save() -> None:
        tmp = work.with_name("~$tmp" + work.name)
        shutil.copyfile(workbook, tmp)
        os.replace(tmp, work)

    first = build_round(work, output, False, 1)
    if not first.built:
        raise SystemExit("watch: first round did not build")
    warm = []
    for number in range(2, rounds + 2):
        time.sleep(1.0)  # the clerk edits between saves: no real save follows the new PDF at once
        save()
        result = build_round(work, output, False, number)
        assert result.built
        warm.append(result.seconds)

    done = threading.Event()
    rounds_seen: list[float] = []
    stop = threading.Event()

    def on_round(r) -> None:
        rounds_seen.append(time.perf_counter())
        if len(rounds_seen) >= 2:
            done.set()

    thread = threading.Thread(target=watch_workbook, args=(work, output),
                              kwargs={"on_round": on_round, "stop_event": stop}, daemon=True)
    thread.start()
    while not rounds_seen:
        time.sleep(0.05)
    time.sleep(0.5)  # let watchfiles start watching
    # watch skips a save whose bytes it has already built (issue 13), so this save writes the
    # same workbook with other bytes: every member recompressed at another level.
    variant = work.with_name("variant.xlsx")
    with zipfile.ZipFile(workbook) as source, \
            zipfile.ZipFile(variant, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item))
    saved_at = time.perf_counter()
    os.replace(variant, work)
    save_to_pdf = rounds_seen[1] - saved_at if done.wait(120) else None
    stop.set()
    thread.join(5)
    return {"first_round": first.seconds, "warm_rounds": warm, "warm_round": statistics.median(warm),
            "save_to_pdf_via_watch": save_to_pdf, "peak_mb": _vm_hwm_mb()}


def child_batch(workbooks_dir: str, out_dir: str, jobs: int) -> dict:
    """budget_author.batch.build_many on every workbook in a folder with `jobs` workers."""
    from budget_author.batch import build_many, collect_workbooks

    workbooks = collect_workbooks([Path(workbooks_dir)]).workbooks
    started = time.perf_counter()
    outcomes = build_many(workbooks, output_dir=Path(out_dir), jobs=jobs)
    seconds = time.perf_counter() - started
    failed = [o.workbook.name for o in outcomes if not o.ok]
    if failed:
        raise SystemExit(f"batch: units failed: {failed}")
    return {"units": len(outcomes), "jobs": jobs, "seconds": seconds,
            "docs_per_minute": len(outcomes) / seconds * 60, "pages": sum(o.pages for o in outcomes)}


def child_generate(k: int, target: str) -> dict:
    sys.path.insert(0, str(HERE))
    from scaled import write_scaled

    from budget_author.check import check_workbook

    write_scaled(k, Path(target))
    checked = check_workbook(target)
    return {"k": k, "issues": [f"{i.code} {i.sheet}!{i.cell}" for i in checked.issues], "ok": checked.ok}


def child_generate_forms(forms: int, per_form: int, target: str) -> dict:
    sys.path.insert(0, str(HERE))
    from scaled import write_forms

    from budget_author.check import check_workbook

    write_forms(Path(target), forms, per_form)
    checked = check_workbook(target)
    b = checked.parsed.budget
    return {"forms": len(b.perf_forms), "indicators": len(b.indicators), "projects": len(b.projects),
            "issues": [f"{i.code} {i.sheet}!{i.cell}" for i in checked.issues], "ok": checked.ok}


CHILDREN = {"stages": child_stages, "weasyprint": child_weasyprint, "watch": child_watch,
            "batch": child_batch, "generate": child_generate, "generate-forms": child_generate_forms}


def _child_main(argv: list[str]) -> None:
    name, *args = argv
    if name == "cli-build":
        child_cli_build(*args)
        return
    function = CHILDREN[name]
    converted = [int(a) if a.isdigit() else a for a in args]
    result = function(*converted)
    sys.stdout.write("\n@@RESULT@@" + json.dumps(result) + "\n")


# ====================================================================== parent side


def _busy_seconds() -> float:
    """CPU seconds spent by the whole machine (all CPUs, every process) since boot."""
    with open("/proc/stat", encoding="ascii") as handle:
        fields = [int(v) for v in handle.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


CONTENTION: list[dict] = []  # one entry per child run: how busy the rest of the machine was meanwhile


def _record_contention(label: str, wall: float, own_cpu: float, busy_before: float) -> None:
    other = max(0.0, _busy_seconds() - busy_before - own_cpu)
    CONTENTION.append({"what": label, "wall_s": wall, "own_cpu_s": own_cpu,
                       "other_cpu_share": other / (wall * (os.cpu_count() or 1))})


def wait_for_quiet(limit: float) -> None:
    """Wait (up to `limit` seconds) until other processes use < 10% of the machine over one second."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = _busy_seconds()
        time.sleep(1)
        if (_busy_seconds() - before) / (os.cpu_count() or 1) < 0.10:
            return


WAIT_IDLE = 0.0


def run_child(*args: object, timeout: float = 600) -> tuple[dict, float, float]:
    """Run this file with --child in a fresh interpreter.

    Returns (result, wall seconds, tree peak MB): the peak is os.wait4's
    ru_maxrss, the largest resident set of the child or of any process it reaped.
    """
    if WAIT_IDLE:
        wait_for_quiet(WAIT_IDLE)
    with tempfile.TemporaryFile() as stderr:
        busy = _busy_seconds()
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child", *map(str, args)],
                                   stdout=subprocess.PIPE, stderr=stderr, cwd=ROOT)
        try:
            stdout = process.stdout.read()
        finally:
            process.stdout.close()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        _record_contention(" ".join(map(str, args[:2])), wall, usage.ru_utime + usage.ru_stime, busy)
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        err = stderr.read().decode("utf-8", "replace")
    text = stdout.decode("utf-8", "replace")
    if process.returncode != 0 or "@@RESULT@@" not in text:
        raise RuntimeError(f"benchmark child {args} failed ({process.returncode}):\n{text[-2000:]}\n{err[-4000:]}")
    result = json.loads(text.rsplit("@@RESULT@@", 1)[1])
    return result, wall, usage.ru_maxrss / 1024


def run_cli_build(workbook: Path, output: Path) -> dict:
    """A cold `budget-author build` in a fresh process: wall time and memory of the whole process tree."""
    result_file = output.with_suffix(".bench.json")
    if WAIT_IDLE:
        wait_for_quiet(WAIT_IDLE)
    busy = _busy_seconds()
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child", "cli-build",
                                str(workbook), str(output), str(result_file)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    stdout = process.stdout.read()
    process.stdout.close()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    _record_contention(f"cli-build {workbook.name}", wall, usage.ru_utime + usage.ru_stime, busy)
    code = os.waitstatus_to_exitcode(status)
    state = json.loads(result_file.read_text(encoding="utf-8")) if result_file.exists() else {}
    if code != 0 or state.get("exit_code", 0) != 0:
        raise RuntimeError(f"budget-author build {workbook} failed ({code}): {stdout.decode('utf-8', 'replace')}")
    own, children = state["peak_mb"], state["children_peak_mb"]
    return {
        "seconds": wall,
        "peak_mb_largest_process": max(own, children, usage.ru_maxrss / 1024),
        "peak_mb_main_process": own,
        "peak_mb_render_process": children,
        # Upper bound on the whole tree at once: the two peaks need not coincide.
        "peak_mb_sum": own + children,
        "message": stdout.decode("utf-8", "replace").strip(),
    }


def median(values: list[float]) -> float:
    return statistics.median(values)


def med_dict(runs: list[dict]) -> dict:
    return {key: median([r[key] for r in runs]) for key in runs[0]}


def machine_info() -> dict:
    import weasyprint

    from budget_author.render.pdf import uses_harfbuzz_subsetter
    from weasyprint.text.ffi import pango

    hb = None
    try:  # WeasyPrint's cffi binding does not declare hb_version_string
        import ctypes
        import ctypes.util

        library = ctypes.CDLL(ctypes.util.find_library("harfbuzz") or "libharfbuzz.so.0")
        library.hb_version_string.restype = ctypes.c_char_p
        hb = library.hb_version_string().decode()
    except (OSError, AttributeError):  # informative only
        pass
    version = pango.pango_version()  # major * 10000 + minor * 100 + micro
    pango_version = f"{version // 10000}.{version // 100 % 100}.{version % 100}"
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "weasyprint": weasyprint.__version__,
        "harfbuzz": hb,
        "pango": pango_version,
        "harfbuzz_subsetter": uses_harfbuzz_subsetter(),
    }


def git_revision() -> str | None:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return None


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bench_example(workbook: Path, work: Path, repeat: int, *, weasyprint_alone: bool, cli_build: bool) -> dict:
    runs = []
    for i in range(repeat):
        result, wall, tree_peak = run_child("stages", workbook, work)
        runs.append(result)
        log(f"  {workbook.stem} stages run {i + 1}/{repeat}: {sum(result['stages'].values()):.2f} s, "
            f"{result['pages']} pages")
    stages = med_dict([r["stages"] for r in runs])
    ours = sum(stages[k] for k in ("read", "check", "compute", "html"))
    wp = stages["layout"] + stages["pdf_write"]
    entry: dict = {
        "workbook": str(workbook.relative_to(ROOT) if workbook.is_relative_to(ROOT) else workbook),
        "runs": len(runs),
        "pages": runs[0]["pages"],
        "stages_s": stages,
        "stages_cpu_s": med_dict([r["stages_cpu"] for r in runs]),
        "total_s": sum(stages.values()),
        "s_per_page": sum(stages.values()) / runs[0]["pages"],
        "imports_s": med_dict([r["imports"] for r in runs]),
        "ours_s": ours,
        "ours_warm_s": median([sum(r["warm_ours"].values()) for r in runs]),
        "ours_warm_stages_s": med_dict([r["warm_ours"] for r in runs]),
        "weasyprint_in_pipeline_s": wp,
        "ours_share_of_weasyprint": ours / wp,
        "peak_mb": median([r["peak_mb"] for r in runs]),
        "html_bytes": runs[0]["html_bytes"],
        "pdf_bytes": runs[0]["pdf_bytes"],
        "html_path": runs[0]["html_path"],
        "weasyprint_alone": None,
        "cli_build": None,
    }
    if weasyprint_alone:
        alone = []
        for _ in range(repeat):
            result, _, _ = run_child("weasyprint", runs[0]["html_path"], work)
            alone.append(result)
        entry["weasyprint_alone"] = med_dict(alone)
        entry["ours_share_of_weasyprint_alone"] = ours / entry["weasyprint_alone"]["seconds"]
        log(f"  {workbook.stem} WeasyPrint alone: {entry['weasyprint_alone']['seconds']:.2f} s")
    if cli_build:
        builds = [run_cli_build(workbook, work / f"{workbook.stem}-cli.pdf") for _ in range(repeat)]
        entry["cli_build"] = {**med_dict([{k: v for k, v in b.items() if k != "message"} for b in builds]),
                              "message": builds[-1]["message"]}
        log(f"  {workbook.stem} cold budget-author build: {entry['cli_build']['seconds']:.2f} s, "
            f"peak {entry['cli_build']['peak_mb_largest_process']:.0f} MB")
    return entry


def bench_scaling(work: Path, repeat: int, scales: tuple[int, ...]) -> dict:
    out: dict = {}
    for k in scales:
        target = work / f"scaled-{k}x.xlsx"
        generated, _, _ = run_child("generate", k, target)
        if not generated["ok"]:
            raise RuntimeError(f"scaled {k}× workbook does not check clean: {generated['issues']}")
        entry = bench_example(target, work, repeat, weasyprint_alone=False, cli_build=False)
        entry["warnings"] = generated["issues"]
        out[f"{k}x"] = {key: entry[key] for key in ("pages", "stages_s", "total_s", "s_per_page", "ours_s",
                                                       "ours_share_of_weasyprint", "peak_mb", "html_bytes",
                                                       "warnings")}
        out[f"{k}x"]["layout_s_per_page"] = entry["stages_s"]["layout"] / entry["pages"]
        out[f"{k}x"]["html_kb_per_page"] = entry["html_bytes"] / 1024 / entry["pages"]
        out[f"{k}x"]["s_per_100kb_html"] = entry["total_s"] / (entry["html_bytes"] / 1024 / 100)
    if "1x" in out and f"{max(scales)}x" in out and max(scales) > 1:
        top = f"{max(scales)}x"
        out["ratio_s_per_page"] = out[top]["s_per_page"] / out["1x"]["s_per_page"]
        out["ratio_layout_s_per_page"] = out[top]["layout_s_per_page"] / out["1x"]["layout_s_per_page"]
        out["ratio_s_per_100kb_html"] = out[top]["s_per_100kb_html"] / out["1x"]["s_per_100kb_html"]
    return out


def bench_forms(work: Path, repeat: int, forms: int = FORMS, per_form: int = INDICATORS_PER_FORM) -> dict:
    """The 绩效目标表 row: datong with `forms` published projects, each with its form and `per_form` indicators."""
    target = work / f"forms-{forms}.xlsx"
    generated, _, _ = run_child("generate-forms", forms, per_form, target)
    if not generated["ok"]:
        raise RuntimeError(f"{forms}-form workbook does not check clean: {generated['issues']}")
    entry = bench_example(target, work, repeat, weasyprint_alone=False, cli_build=False)
    out = {key: generated[key] for key in ("forms", "indicators", "projects")}
    out.update({key: entry[key] for key in ("pages", "stages_s", "stages_cpu_s", "total_s", "s_per_page", "ours_s",
                                            "ours_warm_s", "ours_warm_stages_s", "weasyprint_in_pipeline_s",
                                            "ours_share_of_weasyprint", "peak_mb", "html_bytes", "pdf_bytes")})
    out["warnings"] = generated["issues"]
    log(f"  {forms} forms: ours {out['ours_s']:.2f} s, WeasyPrint {out['weasyprint_in_pipeline_s']:.1f} s "
        f"({out['ours_share_of_weasyprint']:.1%})")
    return out


def run_concurrently(count: int, name: str, html_path: str, work: Path) -> float:
    """Wall seconds for `count` identical children started together (until the last one ends)."""
    if WAIT_IDLE:
        wait_for_quiet(WAIT_IDLE)
    folders = [work / f"concurrent-{i}" for i in range(count)]
    for folder in folders:
        folder.mkdir(exist_ok=True)
    started = time.perf_counter()
    processes = [subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child", name, html_path,
                                   str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
                 for folder in folders]
    codes = [process.wait() for process in processes]
    if any(codes):
        raise RuntimeError(f"concurrent children {name} {html_path} failed: {codes}")
    return time.perf_counter() - started


def parallel_ceiling(html_path: str, work: Path, repeat: int) -> dict:
    """What two cores give two independent WeasyPrint processes on this machine (the batch's ceiling)."""
    one = median([run_concurrently(1, "weasyprint", html_path, work) for _ in range(repeat)])
    two = median([run_concurrently(2, "weasyprint", html_path, work) for _ in range(repeat)])
    return {"one_process_s": one, "two_processes_s": two, "speedup": 2 * one / two}


def bench_batch(work: Path, repeat: int, html_path: str | None = None) -> dict:
    units = work / "batch-units"
    units.mkdir(exist_ok=True)
    for i in range(BATCH_UNITS):
        name = EXAMPLE_NAMES[i % len(EXAMPLE_NAMES)]
        shutil.copyfile(EXAMPLES / f"{name}.xlsx", units / f"unit-{i + 1:02d}-{name}.xlsx")
    out: dict = {"units": BATCH_UNITS, "cpus": os.cpu_count()}
    for jobs in (1, 2):
        runs = []
        for i in range(repeat):
            out_dir = work / f"batch-out-{jobs}-{i}"
            out_dir.mkdir(exist_ok=True)
            result, _, tree_peak = run_child("batch", units, out_dir, jobs)
            result["largest_process_mb"] = tree_peak
            result["cpu_s"] = CONTENTION[-1]["own_cpu_s"]
            result["other_cpu_share"] = CONTENTION[-1]["other_cpu_share"]
            runs.append(result)
            log(f"  batch --jobs {jobs} run {i + 1}/{repeat}: {result['seconds']:.1f} s "
                f"({result['docs_per_minute']:.1f} documents/min)")
        out[f"jobs{jobs}"] = med_dict([{k: v for k, v in r.items()} for r in runs])
    out["speedup"] = out["jobs2"]["docs_per_minute"] / out["jobs1"]["docs_per_minute"]
    if html_path:
        out["ceiling"] = parallel_ceiling(html_path, work, repeat)
        log(f"  two WeasyPrint processes at once: {out['ceiling']['speedup']:.2f}× the throughput of one")
    return out


def bench_watch(work: Path, repeat: int, cold_build_s: float | None) -> dict:
    workbook = EXAMPLES / "datong-2024.xlsx"
    runs = []
    for _ in range(repeat):
        watch_dir = work / "watch"
        watch_dir.mkdir(exist_ok=True)
        result, _, _ = run_child("watch", workbook, watch_dir, 3)
        runs.append(result)
        log(f"  watch: warm round {result['warm_round']:.2f} s, save → PDF via watch "
            f"{result['save_to_pdf_via_watch'] or float('nan'):.2f} s")
    saves = [r["save_to_pdf_via_watch"] for r in runs if r["save_to_pdf_via_watch"] is not None]
    out = {
        "workbook": "examples/datong-2024.xlsx",
        "first_round_s": median([r["first_round"] for r in runs]),
        "warm_round_s": median([r["warm_round"] for r in runs]),
        "save_to_pdf_via_watch_s": median(saves) if saves else None,
        "cold_build_s": cold_build_s,
    }
    if cold_build_s:
        out["warm_faster_by"] = 1 - out["warm_round_s"] / cold_build_s
    return out


def evaluate_targets(results: dict) -> list[dict]:
    targets = []

    def add(name: str, target: str, measured: object, holds: bool | None) -> None:
        targets.append({"name": name, "target": target, "measured": measured, "holds": holds})

    for name, entry in results["examples"].items():
        add(f"ours_share:{name}", f"≤ {TARGET_OURS_SHARE:.0%} of WeasyPrint (layout + PDF writing)",
            round(entry["ours_share_of_weasyprint"], 4), entry["ours_share_of_weasyprint"] <= TARGET_OURS_SHARE)
    add("harfbuzz_subsetter", "True", results["harfbuzz_subsetter"], bool(results["harfbuzz_subsetter"]))
    scaling = results.get("scaling") or {}
    if "ratio_s_per_page" in scaling:
        add("scaling_10x_per_page", f"≤ {TARGET_SCALING}× the s/page at 1×", round(scaling["ratio_s_per_page"], 3),
            scaling["ratio_s_per_page"] <= TARGET_SCALING)
    else:
        add("scaling_10x_per_page", f"≤ {TARGET_SCALING}× the s/page at 1×", None, None)
    forms = results.get("forms")
    add(f"ours_share:{FORMS}-forms", f"≤ {TARGET_OURS_SHARE:.0%} of WeasyPrint (layout + PDF writing)",
        round(forms["ours_share_of_weasyprint"], 4) if forms else None,
        forms["ours_share_of_weasyprint"] <= TARGET_OURS_SHARE if forms else None)
    batch = results.get("batch")
    add("batch_speedup_jobs2", f"≥ {TARGET_BATCH_SPEEDUP}×", round(batch["speedup"], 3) if batch else None,
        batch["speedup"] >= TARGET_BATCH_SPEEDUP if batch else None)
    watch = results.get("watch")
    faster = watch.get("warm_faster_by") if watch else None
    add("watch_warm_faster", f"≥ {TARGET_WATCH_FASTER:.0%} faster than a cold build",
        round(faster, 3) if faster is not None else None, faster >= TARGET_WATCH_FASTER if faster is not None else None)
    for name, entry in results["examples"].items():
        peak = entry["cli_build"]["peak_mb_largest_process"] if entry.get("cli_build") else entry["peak_mb"]
        add(f"peak_memory:{name}", f"< {TARGET_PEAK_MB} MB", round(peak, 1), peak < TARGET_PEAK_MB)
    return targets


# ---------------------------------------------------------------------- printing


def print_table(results: dict) -> None:
    p = print
    p(f"\nbudget-author benchmark  {results['timestamp']}  rev {results['revision']}  "
      f"({results['repeat']} run(s), medians; {results['machine']['cpus']} CPUs, "
      f"WeasyPrint {results['machine']['weasyprint']}, HarfBuzz {results['machine']['harfbuzz']})")
    if results["examples"]:  # none in a --forms-only run
        p("\nPer example (seconds, fresh process; our stages cold):")
        head = f"{'workbook':<16}{'read':>7}{'check':>7}{'comp':>7}{'HTML':>7}{'layout':>8}{'PDF':>7}{'total':>8}" \
               f"{'pages':>6}{'s/page':>8}{'peak MB':>9}"
        p(head)
        for name, e in results["examples"].items():
            s = e["stages_s"]
            p(f"{name:<16}{s['read']:>7.3f}{s['check']:>7.3f}{s['compute']:>7.3f}{s['html']:>7.3f}{s['layout']:>8.2f}"
              f"{s['pdf_write']:>7.2f}{e['total_s']:>8.2f}{e['pages']:>6}{e['s_per_page']:>8.3f}{e['peak_mb']:>9.0f}")
        p("\nOur stages against WeasyPrint:")
        p(f"{'workbook':<16}{'ours cold':>10}{'ours warm':>10}{'WP in build':>12}{'WP alone':>10}{'share':>8}"
          f"{'imports ours/WP':>17}")
        for name, e in results["examples"].items():
            alone = e["weasyprint_alone"]["seconds"] if e.get("weasyprint_alone") else float("nan")
            imp = e["imports_s"]
            p(f"{name:<16}{e['ours_s']:>10.3f}{e['ours_warm_s']:>10.3f}{e['weasyprint_in_pipeline_s']:>12.2f}"
              f"{alone:>10.2f}{e['ours_share_of_weasyprint']:>8.1%}{imp['ours']:>9.2f}/{imp['weasyprint']:.2f}")
    builds = {n: e["cli_build"] for n, e in results["examples"].items() if e.get("cli_build")}
    if builds:
        p("\nCold `budget-author build` (fresh process, wall):")
        p(f"{'workbook':<16}{'seconds':>9}{'peak MB (largest process)':>27}{'main':>7}{'render':>8}{'sum':>7}")
        for name, b in builds.items():
            p(f"{name:<16}{b['seconds']:>9.2f}{b['peak_mb_largest_process']:>27.0f}{b['peak_mb_main_process']:>7.0f}"
              f"{b['peak_mb_render_process']:>8.0f}{b['peak_mb_sum']:>7.0f}")
    scaling = results.get("scaling")
    if scaling:
        p("\nScaling (datong × k: projects, forms, indicators; 功能科目 rows):")
        p(f"{'k':<6}{'pages':>6}{'total s':>9}{'layout s':>10}{'PDF s':>7}{'s/page':>8}{'layout s/page':>15}"
          f"{'KB HTML/page':>14}{'s/100 KB':>10}{'peak MB':>9}")
        for key, e in scaling.items():
            if not isinstance(e, dict):
                continue
            p(f"{key:<6}{e['pages']:>6}{e['total_s']:>9.2f}{e['stages_s']['layout']:>10.2f}"
              f"{e['stages_s']['pdf_write']:>7.2f}{e['s_per_page']:>8.3f}{e['layout_s_per_page']:>15.3f}"
              f"{e['html_kb_per_page']:>14.1f}{e['s_per_100kb_html']:>10.2f}{e['peak_mb']:>9.0f}")
        if "ratio_s_per_page" in scaling:
            p(f"s/page at {max(SCALES)}× / 1×: {scaling['ratio_s_per_page']:.2f} "
              f"(layout only: {scaling['ratio_layout_s_per_page']:.2f}; per 100 KB of HTML: "
              f"{scaling['ratio_s_per_100kb_html']:.2f})")
    forms = results.get("forms")
    if forms:
        s = forms["stages_s"]
        p(f"\n绩效目标表 ({forms['forms']} forms, {forms['indicators']} indicators, {forms['projects']} projects; "
          f"seconds, fresh process, our stages cold):")
        p(f"{'read':>7}{'check':>7}{'comp':>7}{'HTML':>7}{'layout':>8}{'PDF':>7}{'total':>8}{'pages':>6}"
          f"{'ours':>7}{'ours warm':>10}{'share':>8}{'peak MB':>9}")
        p(f"{s['read']:>7.3f}{s['check']:>7.3f}{s['compute']:>7.3f}{s['html']:>7.3f}{s['layout']:>8.2f}"
          f"{s['pdf_write']:>7.2f}{forms['total_s']:>8.2f}{forms['pages']:>6}{forms['ours_s']:>7.2f}"
          f"{forms['ours_warm_s']:>10.2f}{forms['ours_share_of_weasyprint']:>8.1%}{forms['peak_mb']:>9.0f}")
    batch = results.get("batch")
    if batch:
        p(f"\nBatch ({batch['units']} units, build_many):")
        for jobs in (1, 2):
            b = batch[f"jobs{jobs}"]
            p(f"  --jobs {jobs}: {b['seconds']:.1f} s, {b['docs_per_minute']:.1f} documents/min")
        p(f"  speed-up: {batch['speedup']:.2f}×")
        if batch.get("ceiling"):
            c = batch["ceiling"]
            p(f"  ceiling: two independent WeasyPrint processes on the same HTML take {c['two_processes_s']:.2f} s "
              f"against {c['one_process_s']:.2f} s for one: {c['speedup']:.2f}× the throughput")
    watch = results.get("watch")
    if watch:
        p("\nwatch (datong-2024):")
        p(f"  cold budget-author build: {watch['cold_build_s']:.2f} s; first round in-process "
          f"{watch['first_round_s']:.2f} s; warm round {watch['warm_round_s']:.2f} s"
          + (f" ({watch['warm_faster_by']:.0%} faster)" if watch.get("warm_faster_by") is not None else ""))
        if watch.get("save_to_pdf_via_watch_s") is not None:
            p(f"  save → new PDF through watch_workbook (watchfiles + round): {watch['save_to_pdf_via_watch_s']:.2f} s")
    p("\nTargets:")
    for t in results["targets"]:
        verdict = {True: "holds", False: "MISSED", None: "not measured"}[t["holds"]]
        p(f"  {t['name']:<28} {str(t['measured']):>10}  target {t['target']:<45} {verdict}")
    contention = results.get("contention") or {}
    if contention.get("median") is not None:
        p(f"\nother processes used {contention['median']:.0%} of the CPUs during a median measurement "
          f"(max {contention['max']:.0%})" + ("  -- BUSY MACHINE: timings are inflated" if contention["max"] > 0.1
                                              else ""))
    p(f"benchmark wall time: {results['elapsed_s']:.0f} s")


# ---------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--quick", action="store_true", help="smallest input only, once (smoke test)")
    only.add_argument("--forms-only", action="store_true",
                        help=f"only the {FORMS}-form row; writes results/latest-forms.json, never latest.json")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; medians reported (default 3)")
    parser.add_argument("--results-dir", type=Path, default=HERE / "results")
    parser.add_argument("--keep", type=Path, help="keep the generated workbooks and PDFs in this folder")
    parser.add_argument("--wait-idle", type=float, default=0.0, metavar="SECONDS",
                        help="before each measurement, wait up to SECONDS for other processes to go quiet")
    args = parser.parse_args(argv)
    global WAIT_IDLE
    WAIT_IDLE = args.wait_idle
    CONTENTION.clear()
    repeat = 1 if args.quick else max(1, args.repeat)
    started = time.perf_counter()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")

    with tempfile.TemporaryDirectory(prefix="budget-author-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        machine = machine_info()
        results: dict = {
            "schema": SCHEMA,
            "timestamp": stamp,
            "revision": git_revision(),
            "quick": args.quick,
            "forms_only": args.forms_only,
            "repeat": repeat,
            "machine": machine,
            "harfbuzz_subsetter": machine["harfbuzz_subsetter"],
            "examples": {},
            "scaling": None,
            "forms": None,
            "batch": None,
            "watch": None,
        }
        names = () if args.forms_only else EXAMPLE_NAMES[:1] if args.quick else EXAMPLE_NAMES
        for name in names:
            log(f"example {name}")
            results["examples"][name] = bench_example(EXAMPLES / f"{name}.xlsx", work, repeat,
                                                      weasyprint_alone=not args.quick, cli_build=not args.quick)
        if not args.forms_only:
            log("scaling")
            results["scaling"] = bench_scaling(work, repeat, SCALES[:1] if args.quick else SCALES)
        if not args.quick:
            log(f"{FORMS} forms")
            results["forms"] = bench_forms(work, repeat)
        if not args.quick and not args.forms_only:
            log("batch")
            results["batch"] = bench_batch(work, repeat, results["examples"]["datong-2024"].get("html_path"))
            log("watch")
            cold = results["examples"]["datong-2024"]["cli_build"]["seconds"]
            results["watch"] = bench_watch(work, repeat, cold)
        results["elapsed_s"] = time.perf_counter() - started
        shares = [c["other_cpu_share"] for c in CONTENTION]
        results["contention"] = {
            "note": "share of the machine's CPU used by other processes during each measurement",
            "median": median(shares) if shares else None,
            "max": max(shares) if shares else None,
            "runs": CONTENTION,
        }
        results["targets"] = evaluate_targets(results)

    for entry in results["examples"].values():
        entry.pop("html_path", None)
    args.results_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, ensure_ascii=False, indent=2) + "\n"
    # A quick or forms-only run never replaces latest.json, the full run whose figures the README quotes.
    suffix = "-quick" if args.quick else "-forms" if args.forms_only else ""
    (args.results_dir / f"{stamp}{suffix}.json").write_text(text, encoding="utf-8")
    latest = args.results_dir / f"latest{suffix}.json"
    latest.write_text(text, encoding="utf-8")
    print_table(results)
    print(f"\nresults: {latest}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child_main(sys.argv[2:])
    else:
        sys.exit(main())
