"""Batch builds: many units' documents in parallel, with the standard library's process pool.

A failing unit never stops the others, and a worker that dies (even a hard crash
inside WeasyPrint) loses nothing but its own unit: the units whose futures the
broken pool took down are built again, each in a fresh pool of its own, so the
one that crashes is found and reported and the rest still get their PDFs.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

# Set to a workbook file name to make its worker die hard: lets the tests prove a crash loses nothing else.
CRASH_HOOK = "BUDGET_AUTHOR_TEST_CRASH_ON"

OK, PROBLEMS, UNUSABLE, RENDER_FAILED, OUTPUT_FAILED, CRASHED = (
    "成功", "有错误", "无法读取", "无法生成", "无法写入", "进程崩溃")


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

    @property
    def ok(self) -> bool:
        return self.status == OK


def collect_workbooks(paths: Iterable[Path]) -> list[Path]:
    """The .xlsx/.xlsm files named, or found directly in the folders named; lock and temp files skipped."""
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        candidates = sorted(path.iterdir()) if path.is_dir() else [path]
        for candidate in candidates:
            name = candidate.name
            if candidate.is_dir() or name.startswith(("~$", ".~", ".")):
                continue
            if candidate.suffix.lower() in (".xlsx", ".xlsm") or not path.is_dir():
                found.append(candidate)
    return found


def output_for(workbook: Path, output_dir: Path | None) -> Path:
    return (output_dir / workbook.name).with_suffix(".pdf") if output_dir else workbook.with_suffix(".pdf")


def build_one(workbook: Path, output: Path, draft: bool) -> Outcome:
    """Build one unit; every failure becomes an Outcome (this runs in a worker process)."""
    from budget_author.build import build_document
    from budget_author.issues import Severity
    from budget_author.render.pdf import RenderError
    from budget_author.workbook.read import InputError

    if os.environ.get(CRASH_HOOK) == workbook.name:
        os._exit(70)
    started = time.perf_counter()
    try:
        result = build_document(workbook, output, draft=draft)
    except InputError as exc:
        return Outcome(workbook, workbook.stem, UNUSABLE, 1, seconds=time.perf_counter() - started, message=exc.code)
    except RenderError as exc:
        return Outcome(workbook, workbook.stem, RENDER_FAILED, seconds=time.perf_counter() - started,
                       message=exc.code)
    except OSError as exc:
        return Outcome(workbook, workbook.stem, OUTPUT_FAILED, seconds=time.perf_counter() - started,
                       message=exc.strerror or str(exc))
    budget = result.check.parsed.budget
    unit = budget.unit.name if budget.unit else workbook.stem
    errors = sum(i.severity is Severity.ERROR for i in result.check.issues)
    if not result.check.ok:
        first = next(i for i in result.check.issues if i.severity is Severity.ERROR)
        return Outcome(workbook, unit, PROBLEMS, errors, seconds=time.perf_counter() - started,
                       message=f"{first.location} [{first.code}]")
    return Outcome(workbook, unit, OK, len(result.check.issues), result.pages, result.seconds, result.pdf)


def _warm_up() -> None:
    """Worker initializer: load the rendering stack once per worker, not once per document."""
    import budget_author.render.html  # noqa: F401
    import budget_author.render.pdf  # noqa: F401


def build_many(workbooks: list[Path], *, output_dir: Path | None = None, draft: bool = False,
               jobs: int | None = None, on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Build every workbook with `jobs` worker processes; outcomes in the order given."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    outcomes: dict[Path, Outcome] = {}

    def record(outcome: Outcome) -> None:
        outcomes[outcome.workbook] = outcome
        if on_done:
            on_done(outcome)

    def run(batch: list[Path], workers: int) -> list[Path]:
        """Run a batch in one pool; return the workbooks lost to a broken pool."""
        lost: list[Path] = []
        with ProcessPoolExecutor(max_workers=workers, initializer=_warm_up) as pool:
            futures: dict[Future, Path] = {
                pool.submit(build_one, w, output_for(w, output_dir), draft): w for w in batch
            }
            for future in as_completed(futures):
                workbook = futures[future]
                try:
                    record(future.result())
                except BrokenProcessPool:
                    lost.append(workbook)
                except Exception as exc:  # noqa: BLE001 - a bug in one unit must not stop the batch
                    record(Outcome(workbook, workbook.stem, CRASHED, message=type(exc).__name__))
        return lost

    lost = run(workbooks, min(jobs, len(workbooks)) or 1)
    for workbook in lost:  # isolate: each lost unit alone, so only the one that crashes fails
        if run([workbook], 1):
            record(Outcome(workbook, workbook.stem, CRASHED, message="工作进程意外退出"))
    return [outcomes[w] for w in workbooks]
