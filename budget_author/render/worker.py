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
import signal
import subprocess
import sys
import tempfile
import threading
import time
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


# What a worker that ran out of its address space leaves on its stderr: Python's MemoryError, C
# libraries' allocation failures, and GLib failing to map a new thread's stack.
_MEMORY_SIGNS = ("MemoryError", "out of memory", "Cannot allocate memory", "Resource temporarily unavailable",
                 "bad_alloc", "memory allocation", "Error creating thread")
# Signals a process dies of when an allocation fails in C code that does not check for it.
_CRASH_SIGNALS = {signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS, getattr(signal, "SIGTRAP", signal.SIGABRT)}


def die_with_parent(parent: int, sig: int = signal.SIGKILL) -> None:  # pragma: no cover - in child processes
    """Linux: the kernel kills this process when its parent dies (prctl PR_SET_PDEATHSIG), so a worker
    never outlives the build that started it and never writes after it. Elsewhere a watchdog thread
    notices the parent is gone.

    Caveat for servers: the signal fires when the parent *thread* that started the worker ends. Start
    the worker from a thread that lives as long as the process (the main thread, or one dedicated thread),
    not from a short-lived request thread."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(sig))  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(0)
        return
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os.kill(os.getpid(), sig)

    threading.Thread(target=watch, daemon=True).start()


def _serve(memory_mb: int, parent: int) -> None:  # pragma: no cover - runs in the child process
    """The child's loop: jobs arrive on stdin, results leave on a private copy of stdout."""
    import resource
    from multiprocessing.connection import Connection

    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it kills us
    jobs = Connection(os.dup(0), writable=False)
    replies = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # anything printed by libraries goes to stderr, never into the reply stream
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    def reply(message: tuple) -> None:
        try:
            replies.send(message)
        except (BrokenPipeError, EOFError, OSError):  # the parent is gone: nobody to tell
            os._exit(0)

    try:
        from budget_author.render.pdf import write_pdf
    except MemoryError:
        reply(("error", "RENDER_MEMORY", {"limit": memory_mb}))
        return
    while True:
        try:
            job = jobs.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            result = write_pdf(job.html, Path(job.target), title=job.title, author=job.author, atomic=False)
            reply(("ok", result))
        except RenderError as exc:
            reply(("error", exc.code, exc.params))
        except OSError as exc:  # the output could not be written: the caller's exit code 3
            reply(("oserror", exc.errno, exc.strerror, exc.filename))
        except MemoryError:
            reply(("error", "RENDER_MEMORY", {"limit": memory_mb}))
            return
        except Exception as exc:  # noqa: BLE001 - reported to the parent as a render failure
            reply(("error", "RENDER_FAILED", {"reason": f"{type(exc).__name__}: {exc}"[:300]}))


class RenderWorker:
    """A render process started with `python -m budget_author.render.worker` (no fork, no re-import of
    the caller's main module), talking over its standard input and output.

    Its standard error goes to a temporary file, never to the clerk's terminal (BUDGET_AUTHOR_DEBUG=1
    passes it through): a worker that dies is classified from it (RENDER_MEMORY when it ran out of
    memory), and Fontconfig's and GLib's complaints under the memory bound stay out of sight."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB):
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._process: subprocess.Popen | None = None
        self._jobs: Any = None
        self._replies: Any = None
        self._stderr: Any = None
        self._lock = threading.Lock()

    def _start(self) -> None:
        from multiprocessing.connection import Connection

        debug = bool(os.environ.get("BUDGET_AUTHOR_DEBUG"))
        self._stderr = None if debug else tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "budget_author.render.worker", str(self.memory_mb), str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, close_fds=True,
        )
        self._jobs = Connection(os.dup(self._process.stdin.fileno()), readable=False)
        self._replies = Connection(os.dup(self._process.stdout.fileno()), writable=False)
        self._process.stdin.close()
        self._process.stdout.close()

    def _close(self) -> None:
        for conn in (self._jobs, self._replies):
            if conn is not None:
                conn.close()
        if self._stderr is not None:
            self._stderr.close()
        self._jobs = self._replies = self._stderr = None
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

    def _death(self) -> RenderError:
        """Why the worker died in the middle of a job, from its exit status and its standard error."""
        process = self._process
        status = process.wait() if process is not None else None
        tail = ""
        if self._stderr is not None:
            self._stderr.seek(0, os.SEEK_END)
            self._stderr.seek(max(0, self._stderr.tell() - 65536))
            tail = self._stderr.read().decode("utf-8", "replace")
        self._close()
        died_of = -status if status is not None and status < 0 else None
        if any(sign in tail for sign in _MEMORY_SIGNS) or died_of in _CRASH_SIGNALS:
            return RenderError("RENDER_MEMORY", limit=self.memory_mb)
        if died_of is not None:
            name = signal.Signals(died_of).name if died_of in signal.Signals._value2member_map_ else died_of
            return RenderError("RENDER_FAILED", reason=f"排版进程被终止（信号 {name}）")
        return RenderError("RENDER_FAILED", reason=f"排版进程意外退出（退出码 {status}）")

    def warm(self) -> None:
        """Start the render process now (fonts and stylesheets load while nothing waits), from the thread that
        will render: the process dies with the thread that started it."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._close()
                self._start()

    def render(self, html: str, target: Path, *, title: str, author: str) -> PdfResult:
        """Write the PDF to `target` itself: a temporary file the caller renames into place (outputs.Staging).
        On any failure, Ctrl-C included, `target` is removed and the worker is left stopped or ready."""
        target = Path(target)
        with self._lock:
            try:
                return self._render(html, target, title, author)
            except BaseException:
                try:
                    os.unlink(target)
                except FileNotFoundError:
                    pass
                raise

    def _render(self, html: str, target: Path, title: str, author: str) -> PdfResult:
        if self._process is None or self._process.poll() is not None:
            self._close()
            self._start()
        if self._stderr is not None:  # only this job's complaints count when it dies (the offset is shared)
            self._stderr.seek(0)
            self._stderr.truncate()
        try:
            self._jobs.send(_Job(html, str(target), title, author))
            if not self._replies.poll(self.timeout):
                self._kill()
                raise RenderError("RENDER_TIMEOUT", seconds=int(self.timeout))
            reply = self._replies.recv()
        except (EOFError, OSError):  # the process died: most likely its memory bound
            raise self._death() from None
        except BaseException:  # Ctrl-C, SIGTERM: the document is abandoned, and so is the worker
            self._kill()
            raise
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
    _serve(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_MEMORY_MB,
           int(sys.argv[2]) if len(sys.argv) > 2 else os.getppid())
