"""Batch builds: many units' documents in parallel, with the standard library's process pool.

A failing unit never stops the others, and a worker that dies (even a hard crash
inside WeasyPrint) loses nothing but its own unit: the units whose futures the
broken pool took down are built again, each in a fresh pool of its own, so the
one that crashes is found and reported and the rest still get their PDFs.

Nothing is lost silently either: files that are not workbooks are listed as
skipped; two workbooks that would write the same output (`a/单位.xlsx` and
`b/单位.xlsx` into one folder) are both refused before anything is built
(OUTPUT_COLLISION), and so is an output that is another unit's workbook
(OUTPUT_IS_INPUT). The summary is also written as a CSV file beside the outputs.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import multiprocessing
import os
import signal
import time
import unicodedata
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from budget_author.exits import (CRASHED, OK, OUTPUT_FAILED, PROBLEMS, RENDER_FAILED, SKIPPED, UNUSABLE,  # noqa: F401
                                  exit_for)
from budget_author.fileio import TEMP_SUFFIX
from budget_author.outputs import TABLES_SUFFIX, OutputError, Reads, check_outputs, display, plan_outputs

# Set to a workbook file name to make its worker die hard: lets the tests prove a crash loses nothing else.
CRASH_HOOK = "BUDGET_AUTHOR_TEST_CRASH_ON"

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
SUMMARY_PREFIX = "生成结果-"


@dataclass(frozen=True)
class Outcome:
    workbook: Path
    unit: str
    status: str
    problems: int = 0
    pages: int = 0
    seconds: float = 0.0
    pdf: Path | None = None
    message: str = ""
    code: str = ""  # the problem code of a failure (OUTPUT_COLLISION, FILE_CORRUPT, RENDER_TIMEOUT, …)
    sha256: str = ""  # of the PDF written

    @property
    def ok(self) -> bool:
        return self.status == OK


@dataclass
class Collected:
    workbooks: list[Path] = field(default_factory=list)
    skipped: list[Outcome] = field(default_factory=list)


def _skip_reason(path: Path) -> str | None:
    name = path.name
    if name.startswith(("~$", ".~lock.")):
        return "Excel/WPS/LibreOffice 的锁文件（填报表正在被打开）"
    if name.startswith("."):
        return "隐藏文件"
    if path.is_dir():
        return "子文件夹（批量生成不进入子文件夹）"
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return None
    if suffix in (".xls", ".et"):
        return f"{suffix} 格式不是 .xlsx 工作簿，请在 Excel/WPS 中另存为 .xlsx"
    return "不是填报表（.xlsx）"


def _own_outputs(files: list[Path]) -> set[str]:
    """Names this tool writes beside the workbooks of a folder: not inputs, and not worth listing as skipped.
    Not the tables workbook of --xlsx: NAME.xlsx beside NAME.pdf is also how a filled workbook is named."""
    names: set[str] = set()
    for path in files:
        if path.suffix.lower() in WORKBOOK_SUFFIXES:
            names.update(output.name for output in plan_outputs(path, html=True).files())
    return names


def _is_own_file(name: str, own: set[str]) -> bool:
    """An output (a tables workbook NAME-公开表.xlsx too), an earlier summary, or a temporary or lock file of ours
    (`.~NAME~XXXXXXXX.tmp`, `.~NAME.lock`)."""
    return (name in own or name.endswith(TABLES_SUFFIX) or (name.startswith(SUMMARY_PREFIX) and name.endswith(".csv"))
            or (name.startswith(".~") and (name.endswith(TEMP_SUFFIX) or name.endswith(".lock"))))


def collect_workbooks(paths: Iterable[Path]) -> Collected:
    """The workbooks named, or found directly in the folders named; every other file found is listed as
    skipped with its reason (lock files, hidden files, .xls, anything else). The tool's own outputs beside
    the workbooks (NAME.pdf, .html, .manifest.json, NAME-公开表.xlsx, 生成结果-….csv) are left out of both lists."""
    collected = Collected()
    seen: set[str] = set()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            candidates = sorted(path.iterdir())
            own = _own_outputs(candidates)
            for candidate in candidates:
                if _is_own_file(candidate.name, own):
                    continue
                reason = _skip_reason(candidate)
                if reason:
                    collected.skipped.append(Outcome(candidate, display(candidate.name), SKIPPED, message=reason,
                                                     code="BATCH_SKIPPED"))
                    continue
                _add(collected, candidate, seen)
        else:
            _add(collected, path, seen)  # named explicitly: built (or reported) whatever its name
    return collected


def _add(collected: Collected, path: Path, seen: set[str]) -> None:
    key = os.path.realpath(path)
    if key in seen:
        collected.skipped.append(Outcome(path, display(path.name), SKIPPED, message="同一个文件被列出了两次",
                                         code="BATCH_SKIPPED"))
        return
    seen.add(key)
    collected.workbooks.append(path)


def output_for(workbook: Path, output_dir: Path | None) -> Path:
    return (output_dir / workbook.name).with_suffix(".pdf") if output_dir else workbook.with_suffix(".pdf")


def _output_key(path: Path) -> str:
    """Two names that one file system may take for the same file (Windows and macOS ignore case, and macOS
    normalises Unicode) are one output."""
    folder = os.path.realpath(path.parent)
    return unicodedata.normalize("NFC", os.path.join(folder, path.name)).casefold()


def refuse_conflicts(workbooks: list[Path], output_dir: Path | None, html: bool,
                     xlsx: bool = False) -> dict[Path, Outcome]:
    """Units that must not be built, found before anything is built: outputs that collide, and outputs
    that are another unit's workbook (or the tool's own files)."""
    refused: dict[Path, Outcome] = {}
    by_output: dict[str, list[Path]] = {}
    reads = Reads(workbooks)
    for workbook in workbooks:
        outputs = plan_outputs(workbook, output_for(workbook, output_dir), html=html, xlsx=xlsx)
        for target in outputs.files():
            by_output.setdefault(_output_key(target), []).append(workbook)
        try:
            check_outputs(outputs, reads, workbook=workbook)
        except OutputError as exc:
            refused[workbook] = Outcome(workbook, _name(workbook), OUTPUT_FAILED, message=str(exc), code=exc.code)
    for key, group in by_output.items():
        group = list(dict.fromkeys(group))
        if len(group) < 2:
            continue
        target = output_for(group[0], output_dir)
        for workbook in group:
            other = next(w for w in group if w != workbook)
            message = str(OutputError("OUTPUT_COLLISION", workbook=display(workbook), other=display(other),
                                      output=display(target)))
            refused.setdefault(workbook, Outcome(workbook, _name(workbook), OUTPUT_FAILED, message=message,
                                                 code="OUTPUT_COLLISION"))
    return refused


def _name(workbook: Path) -> str:
    """A unit's name before its workbook is read: the file name, printable whatever its bytes."""
    return display(Path(workbook).stem)


_in_task = False
_stopping = False


def _on_terminate(signum, frame) -> None:  # pragma: no cover - runs in a pool worker
    """A pool worker told to stop: inside a build, unwind it (its temporary files go, its render process
    is killed), then leave; idle, leave at once. Units already handed to this worker are never started."""
    global _stopping
    _stopping = True
    if _in_task:
        raise KeyboardInterrupt
    os._exit(0)


def build_one(workbook: Path, output: Path, draft: bool, html: bool = False, xlsx: bool = False) -> Outcome:
    """Build one unit; every failure becomes an Outcome (this runs in a worker process)."""
    global _in_task
    from budget_author.build import build_document
    from budget_author.exits import coded
    from budget_author.issues import Severity
    from budget_author.workbook.read import InputError

    if os.environ.get(CRASH_HOOK) == workbook.name:
        os._exit(70)
    if _stopping:
        os._exit(0)
    started = time.perf_counter()
    _in_task = True
    try:
        result = build_document(workbook, output, draft=draft, html=html, xlsx=xlsx)
    except KeyboardInterrupt:  # told to stop (SIGTERM): the build has unwound; take nothing more from the queue
        os._exit(0)
    except coded() as exc:  # the unit's outcome, with the status exits.table() gives it; other exceptions: CRASHED
        unusable = isinstance(exc, InputError)  # counted as one problem, and named by its code (as always)
        return Outcome(workbook, _name(workbook), exit_for(exc).status, int(unusable),
                       seconds=time.perf_counter() - started, message=exc.code if unusable else str(exc),
                       code=exc.code)
    finally:
        _in_task = False
    budget = result.check.parsed.budget
    unit = budget.unit.name if budget.unit and budget.unit.name else _name(workbook)
    errors = sum(i.severity is Severity.ERROR for i in result.check.issues)
    if not result.check.ok:
        first = next(i for i in result.check.issues if i.severity is Severity.ERROR)
        return Outcome(workbook, unit, PROBLEMS, errors, seconds=time.perf_counter() - started,
                       message=f"{first.location} [{first.code}]", code=first.code)
    return Outcome(workbook, unit, OK, len(result.check.issues), result.pages, result.seconds, result.pdf,
                   sha256=result.pdf_sha256)


def _warm_up() -> None:
    """Worker initializer: Ctrl-C is the main process's to handle; SIGTERM unwinds a build, and the worker
    gets one when the main process dies, even by kill -9 (nothing is built after); and the rendering
    stack is loaded once per worker, not once per document."""
    from budget_author.render.worker import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_terminate)
    die_with_parent(os.getppid(), signal.SIGTERM)
    import budget_author.render.html  # noqa: F401
    import budget_author.render.pdf  # noqa: F401


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Ctrl-C in the main process: cancel what has not started, unwind what has (SIGTERM), and wait for
    the workers to clean up (each removes its temporary files and kills its render process)."""
    pool.shutdown(wait=False, cancel_futures=True)
    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    deadline = time.monotonic() + 10
    for child in children:
        child.join(max(0.0, deadline - time.monotonic()))
        if child.is_alive():
            child.kill()


def start_outcomes(workbooks: list[Path], output_dir: Path | None, html: bool, xlsx: bool,
                   on_done: Callable[[Outcome], None] | None) -> tuple[dict[Path, Outcome], Callable[[Outcome], None]]:
    """The outcomes of a batch so far (the units refused for colliding outputs already in) and the function that
    records one more, telling `on_done`: shared by the local batch and `build --queue`."""
    outcomes: dict[Path, Outcome] = {}

    def record(outcome: Outcome) -> None:
        outcomes[outcome.workbook] = outcome
        if on_done:
            on_done(outcome)

    for outcome in refuse_conflicts(workbooks, output_dir, html, xlsx).values():
        record(outcome)
    return outcomes, record


def build_many(workbooks: list[Path], *, output_dir: Path | None = None, draft: bool = False, html: bool = False,
               xlsx: bool = False, jobs: int | None = None,
               on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Build every workbook with `jobs` worker processes; outcomes in the order given. Units whose
    outputs collide or would overwrite another unit's workbook are refused without building."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    outcomes, record = start_outcomes(workbooks, output_dir, html, xlsx, on_done)
    todo = [w for w in workbooks if w not in outcomes]

    def run(batch: list[Path], workers: int) -> list[Path]:
        """Run a batch in one pool; return the workbooks lost to a broken pool."""
        lost: list[Path] = []
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_warm_up)
        try:
            futures: dict[Future, Path] = {
                pool.submit(build_one, w, output_for(w, output_dir), draft, html, xlsx): w for w in batch
            }
            for future in as_completed(futures):
                workbook = futures[future]
                try:
                    record(future.result())
                except BrokenProcessPool:
                    lost.append(workbook)
                except Exception as exc:  # noqa: BLE001 - a bug in one unit must not stop the batch
                    record(Outcome(workbook, _name(workbook), exit_for(exc).status, message=type(exc).__name__))
        except BaseException:
            _stop_workers(pool)
            raise
        pool.shutdown(wait=True)
        return lost

    if todo:
        lost = run(todo, min(jobs, len(todo)))
        for workbook in lost:  # isolate: each lost unit alone, so only the one that crashes fails
            if run([workbook], 1):
                record(Outcome(workbook, _name(workbook), CRASHED, message="工作进程意外退出"))
    return [outcomes[w] for w in workbooks]


SUMMARY_COLUMNS = ("填报表", "单位", "状态", "代码", "问题数", "页数", "用时（秒）", "PDF", "PDF 的 SHA-256", "说明")


def summary_folder(outcomes: list[Outcome], output_dir: Path | None) -> Path:
    """Beside the outputs: the output folder, or else the folder the units' PDFs share, or else (when that
    would be a root such as / or C:\\) the current folder."""
    if output_dir is not None:
        return output_dir
    folders = [str(Path(o.workbook).parent.resolve()) for o in outcomes if o.status != SKIPPED] or ["."]
    try:
        common = Path(os.path.commonpath(folders))
    except ValueError:  # folders on different drives (Windows)
        return Path.cwd()
    return Path.cwd() if common.parent == common else common


def write_summary(outcomes: list[Outcome], folder: Path, *, now: dt.datetime | None = None) -> Path:
    """The run's record as CSV (UTF-8 with BOM, so Excel and WPS open it as Chinese): one row per unit and
    per skipped file. Named by the time of the run, so a later run never overwrites it."""
    from budget_author.fileio import atomic_write

    now = now or dt.datetime.now()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(SUMMARY_COLUMNS)
    for o in outcomes:
        writer.writerow([display(o.workbook), display(o.unit), o.status, o.code,
                         o.problems if o.status != SKIPPED else "", o.pages or "",
                         f"{o.seconds:.1f}" if o.status != SKIPPED else "",
                         display(o.pdf) if o.pdf else "", o.sha256, display(o.message)])
    text = buffer.getvalue()
    target = Path(folder) / f"{SUMMARY_PREFIX}{now:%Y%m%d-%H%M%S}.csv"
    counter = 1
    while target.exists():
        counter += 1
        target = Path(folder) / f"{SUMMARY_PREFIX}{now:%Y%m%d-%H%M%S}-{counter}.csv"
    return atomic_write(target, lambda tmp: Path(tmp).write_text(text, encoding="utf-8-sig", newline=""))
