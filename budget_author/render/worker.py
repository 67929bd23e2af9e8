"""A long-lived render process with a time and a memory bound.

Layout time grows fast with pathological input (a 5,000-character cell inside a
table takes WeasyPrint half a minute). Rendering therefore happens in a separate
process: kept warm across builds (fonts and stylesheets stay loaded), given an
address-space limit when it starts, and killed and restarted when a document
passes its time bound. The caller gets a RenderError (exit code 4), never a hang.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from budget_author.render.pdf import PdfResult, RenderError

DEFAULT_TIMEOUT = float(os.environ.get("BUDGET_AUTHOR_RENDER_TIMEOUT", "120"))  # seconds per document
DEFAULT_MEMORY_MB = int(os.environ.get("BUDGET_AUTHOR_RENDER_MEMORY_MB", "2048"))  # address space


@dataclass(frozen=True)
class _Job:
    html: str
    target: str
    title: str
    author: str


def _serve(memory_mb: int) -> None:  # pragma: no cover - runs in the child process
    """The child's loop: jobs arrive on stdin, results leave on a private copy of stdout."""
    import resource
    from multiprocessing.connection import Connection

    jobs = Connection(os.dup(0), writable=False)
    replies = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # anything printed by libraries goes to stderr, never into the reply stream
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        from budget_author.render.pdf import write_pdf
    except MemoryError:
        replies.send(("error", "RENDER_MEMORY", {"limit": memory_mb}))
        return
    while True:
        try:
            job = jobs.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if job is None:
            return
        try:
            result = write_pdf(job.html, Path(job.target), title=job.title, author=job.author)
            replies.send(("ok", result))
        except RenderError as exc:
            replies.send(("error", exc.code, exc.params))
        except OSError as exc:  # the output could not be written: the caller's exit code 3
            replies.send(("oserror", exc.errno, exc.strerror, exc.filename))
        except MemoryError:
            replies.send(("error", "RENDER_MEMORY", {"limit": memory_mb}))
            return
        except Exception as exc:  # noqa: BLE001 - reported to the parent as a render failure
            replies.send(("error", "RENDER_FAILED", {"reason": f"{type(exc).__name__}: {exc}"[:300]}))


class RenderWorker:
    """A render process started with `python -m budget_author.render.worker` (no fork, no re-import of
    the caller's main module), talking over its standard input and output."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB):
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._process: subprocess.Popen | None = None
        self._jobs: Any = None
        self._replies: Any = None
        self._lock = threading.Lock()

    def _start(self) -> None:
        from multiprocessing.connection import Connection

        self._process = subprocess.Popen(
            [sys.executable, "-m", "budget_author.render.worker", str(self.memory_mb)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True,
        )
        self._jobs = Connection(os.dup(self._process.stdin.fileno()), readable=False)
        self._replies = Connection(os.dup(self._process.stdout.fileno()), writable=False)
        self._process.stdin.close()
        self._process.stdout.close()

    def _close(self) -> None:
        for conn in (self._jobs, self._replies):
            if conn is not None:
                conn.close()
        self._jobs = self._replies = None
        self._process = None

    def stop(self) -> None:
        if self._process is None:
            return
        try:
            self._jobs.send(None)
            self._process.wait(timeout=2)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait()
        self._close()

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._close()

    def render(self, html: str, target: Path, *, title: str, author: str) -> PdfResult:
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._close()
                self._start()
            try:
                self._jobs.send(_Job(html, str(target), title, author))
                if not self._replies.poll(self.timeout):
                    self._kill()
                    raise RenderError("RENDER_TIMEOUT", seconds=int(self.timeout))
                reply = self._replies.recv()
            except (EOFError, OSError):  # the process died: most likely its memory bound
                self._kill()
                raise RenderError("RENDER_FAILED",
                                  reason=f"排版进程意外退出（可能超出 {self.memory_mb} MB 内存上限）") from None
            if reply[0] == "ok":
                return reply[1]
            if reply[0] == "oserror":
                raise OSError(*reply[1:])
            _, code, params = reply
            if code == "RENDER_MEMORY":
                self._kill()
            raise RenderError(code, **params)


_default: RenderWorker | None = None


def default_worker() -> RenderWorker:
    """The process-wide render worker, started on first use and stopped at exit."""
    global _default
    if _default is None:
        _default = RenderWorker()
        atexit.register(_default.stop)
    return _default


if __name__ == "__main__":  # pragma: no cover - the child process
    _serve(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_MEMORY_MB)
