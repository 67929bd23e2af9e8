"""watch: rebuild each time the workbook is saved, with the rendering stack kept warm.

Excel, WPS and LibreOffice save by writing a temporary file and renaming it,
and leave lock files (~$name.xlsx, .~lock.name.xlsx#); one save can raise
several events. watchfiles debounces them; only events on the workbook itself
start a round. A file caught half-written is retried a few times before its
problem is shown. While the workbook has errors, the last good PDF stays.

One save, one round: a program that saves in place writes the file in several
bursts, and watchfiles may yield after the first burst; the rest arrive while the
round builds and would start a second round on the very same bytes. Events are
therefore collected for `step_ms` of quiet, and a round starts only when the
workbook's content (SHA-256) differs from the content the last round read.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from watchfiles import watch

from budget_author.build import BuildResult, build_document
from budget_author.exits import coded, problem_of
from budget_author.issues import Issue
from budget_author.manifest import file_sha256
from budget_author.outputs import plan_outputs
from budget_author.workbook.read import InputError

# Codes a half-written or still-locked file produces: worth a retry before reporting.
TRANSIENT = {"FILE_EMPTY", "FILE_CORRUPT", "FILE_NOT_XLSX", "FILE_NOT_FOUND", "FILE_UNREADABLE"}


@dataclass
class Round:
    number: int
    result: BuildResult | None  # None when the file could not be read
    problems: list[Issue]
    seconds: float
    input_sha256: str | None = None  # the workbook's content as the round's last attempt found it

    @property
    def built(self) -> bool:
        return self.result is not None and self.result.pdf is not None


def build_round(workbook: Path, output: Path, draft: bool, number: int, *, retries: int = 6,
                retry_delay: float = 0.5) -> Round:
    started = time.perf_counter()
    for attempt in range(retries):
        digest = _sha256(workbook)
        try:
            result = build_document(workbook, output, draft=draft)
        except coded() as exc:  # an unusable file, a full disk, a PDF held open, a render bound (exits.coded): the
            # round's problem; the next save (even of the same content) tries again
            if isinstance(exc, InputError) and exc.code in TRANSIENT and attempt < retries - 1:
                time.sleep(retry_delay)
                continue
            return Round(number, None, [problem_of(exc)], time.perf_counter() - started, digest)
        return Round(number, result, result.check.issues, time.perf_counter() - started, digest)
    raise AssertionError("unreachable")  # pragma: no cover


def _sha256(path: Path) -> str | None:
    try:
        return file_sha256(path)
    except OSError:
        return None


def _is_the_workbook(target: Path) -> Callable[[object, str], bool]:
    name = target.name

    def accept(change: object, path: str) -> bool:
        return Path(path).name == name

    return accept


def watch_workbook(workbook: Path, output: Path | None = None, *, draft: bool = False,
                   on_round: Callable[[Round], None], stop_event: threading.Event | None = None,
                   debounce_ms: int = 800, step_ms: int = 300) -> None:
    """Build now, then after every save until stopped (stop_event, or Ctrl-C in the caller). An output that
    must not be written (the workbook itself, a folder) is reported in every round; `watch` refuses it first."""
    workbook = Path(workbook).resolve()
    output = plan_outputs(workbook, Path(output).resolve() if output else None).pdf
    number = 1
    last = build_round(workbook, output, draft, number)
    on_round(last)
    for _changes in watch(workbook.parent, watch_filter=_is_the_workbook(workbook), debounce=debounce_ms,
                          step=step_ms, stop_event=stop_event, raise_interrupt=True):
        if last.result is not None and last.input_sha256 is not None and _sha256(workbook) == last.input_sha256:
            continue  # the rest of a save the last round already read, or a save that changed nothing
        number += 1
        last = build_round(workbook, output, draft, number)
        on_round(last)
