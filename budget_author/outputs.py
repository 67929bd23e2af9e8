"""A build's outputs (PDF, HTML, tables workbook, manifest) as one unit: checked, locked, written, then replaced together.

The promises, in order:
- Before anything is read, every output path is checked: none may be (after
  following links, or as a hard link) the input workbook, another workbook the
  same command reads, or one of the tool's own files; none may be a directory,
  a device or a FIFO; the PDF's name ends in .pdf (so the HTML, XLSX and
  manifest beside it get names of their own). Each refusal has its own code, exit 3.
- One build at a time per output: a lock file `.~NAME.manifest.json.lock` beside
  the PDF (removed afterwards). A second build waits for the first, then refuses with
  OUTPUT_BUSY if it waited too long.
- Every output is written to a temporary file first. Only when all are written
  are they renamed into place: PDF, HTML, XLSX, and the manifest last. The
  manifest records the SHA-256 of the PDF, HTML and XLSX it belongs to, so a
  build killed between two renames leaves a manifest that does not match its
  files; the next build sees that, says so, and writes them all again.
- Temporary files are removed on every failure the process lives through; the
  ones a killed process leaves are removed by the next build of the same output.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import signal
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from budget_author import fileio, paths

LOCK_TIMEOUT = float(os.environ.get("BUDGET_AUTHOR_LOCK_TIMEOUT", "300"))  # seconds a build waits for another

_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}


class OutputError(Exception):
    """An output that must not or could not be written: a catalogue code, exit code 3."""

    def __init__(self, code: str, **params: object) -> None:
        from budget_author.catalogue import message

        self.code = code
        self.params = params
        super().__init__(message(code, params))


@dataclass(frozen=True)
class OutputSet:
    pdf: Path
    manifest: Path
    html: Path | None = None
    xlsx: Path | None = None  # the published tables as a workbook (build --xlsx)

    def files(self) -> list[Path]:
        return [p for p in (self.html, self.xlsx, self.pdf, self.manifest) if p is not None]

    def roles(self) -> dict[str, Path]:
        """The outputs the manifest records by role: pdf, and html and xlsx when written."""
        return {"pdf": self.pdf, **({"html": self.html} if self.html else {}),
                **({"xlsx": self.xlsx} if self.xlsx else {})}


def manifest_path(pdf: Path) -> Path:
    return Path(pdf).with_name(Path(pdf).stem + ".manifest.json")


def default_output(workbook: Path) -> Path:
    return Path(workbook).with_suffix(".pdf")


# The tables workbook's name: the PDF's with this ending, never the PDF's name with .xlsx, which without -o
# would be the input workbook itself (build 填报表.xlsx --xlsx → 填报表.pdf and 填报表-公开表.xlsx).
TABLES_SUFFIX = "-公开表.xlsx"


def tables_path(pdf: Path) -> Path:
    return Path(pdf).with_name(Path(pdf).stem + TABLES_SUFFIX)


def plan_outputs(workbook: Path, output: Path | None = None, *, html: bool = False, xlsx: bool = False) -> OutputSet:
    """The PDF (default: the workbook's name with .pdf), and beside it, named after it, the manifest,
    the HTML (html=True) and the tables workbook (xlsx=True: NAME-公开表.xlsx)."""
    pdf = Path(output) if output else default_output(workbook)
    return OutputSet(pdf=pdf, manifest=manifest_path(pdf), html=pdf.with_suffix(".html") if html else None,
                     xlsx=tables_path(pdf) if xlsx else None)


def display(path: Path | str) -> str:
    """A path as text that can always be printed and encoded (undecodable bytes shown as \\xNN)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


# ---------------------------------------------------------------- checks before anything is read

_KINDS = ((stat.S_ISDIR, "文件夹"), (stat.S_ISCHR, "设备"), (stat.S_ISBLK, "设备"), (stat.S_ISFIFO, "管道（FIFO）"),
          (stat.S_ISSOCK, "套接字"))


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino)


@functools.cache
def _tool_folders() -> tuple[Path, ...]:
    folders = [paths.package_data()]
    for name in ("styles", "templates"):
        with contextlib.suppress(FileNotFoundError):
            folders.append(paths.resource_dir(name))
    return tuple(Path(os.path.realpath(f)) for f in folders)


class Reads:
    """The files a command reads, resolved once: by real path (symbolic links) and by identity (hard links)."""

    def __init__(self, paths: Iterable[Path]) -> None:
        self.paths = [Path(p) for p in paths]
        self.by_real = {os.path.realpath(p): p for p in self.paths}
        self.by_identity = {i: p for p in self.paths if (i := _identity(p)) is not None}

    def source_of(self, target: Path) -> Path | None:
        identity = _identity(target)
        return self.by_real.get(os.path.realpath(target)) or (self.by_identity.get(identity) if identity else None)


def check_outputs(outputs: OutputSet, reads: Reads | Iterable[Path], *, workbook: Path | None = None) -> None:
    """Refuse outputs that would overwrite something the command reads, or that are not regular files.
    `workbook`: the one whose outputs these are (default: the first of `reads`), for the message."""
    reads = reads if isinstance(reads, Reads) else Reads(reads)
    workbook = workbook if workbook is not None else (reads.paths[0] if reads.paths else None)
    tools = _tool_folders()
    for target in outputs.files():
        real = os.path.realpath(target)
        source = reads.source_of(target)
        if source is not None:
            kind = "填报表" if source == workbook else "同一命令读取的另一个填报表"
            raise OutputError("OUTPUT_IS_INPUT", output=display(target), source=display(source), kind=kind)
        if any(Path(real).is_relative_to(folder) for folder in tools):
            raise OutputError("OUTPUT_IS_INPUT", output=display(target), source=display(real), kind="本工具自身的文件")
        try:
            mode = os.stat(target).st_mode
        except FileNotFoundError:
            continue  # a new file (or a dangling link, which the rename replaces)
        except OSError:
            continue  # unreachable folder: reported when writing
        for test, kind in _KINDS:
            if test(mode):
                raise OutputError("OUTPUT_NOT_A_FILE", output=display(target), kind=kind)
        if not stat.S_ISREG(mode):
            raise OutputError("OUTPUT_NOT_A_FILE", output=display(target), kind="特殊文件")
    if outputs.pdf.suffix.lower() != ".pdf":
        raise OutputError("OUTPUT_NOT_PDF", output=display(outputs.pdf))


def os_error(exc: OSError, target: Path) -> OutputError:
    """An OSError met while writing `target`'s outputs, as the output error it stands for."""
    folder = display(Path(target).parent.resolve() if Path(target).parent.exists() else Path(target).parent)
    if exc.errno in _DISK_FULL:
        return OutputError("OUTPUT_DISK_FULL", folder=folder, output=display(target))
    reason = exc.strerror or type(exc).__name__
    return OutputError("OUTPUT_UNWRITABLE", output=display(target), reason=reason)


# ---------------------------------------------------------------- one build at a time per output


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def lock_path(pdf: Path) -> Path:
    """Named after the manifest, which `x.pdf` and `x.PDF` share: one lock for every spelling that writes it."""
    manifest = manifest_path(pdf)
    return manifest.with_name(f".~{manifest.name}.lock")


@contextlib.contextmanager
def output_lock(pdf: Path, *, timeout: float | None = None,
                on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the lock of one output for the block. Waits for another holder up to `timeout` seconds.

    The lock file is removed on release. A waiter that locked a file the holder had just removed
    sees that its file is no longer the one at the path, and tries again.
    """
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    path = lock_path(pdf)
    deadline = time.monotonic() + timeout
    told = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        if _try_lock(fd):
            st = os.fstat(fd)
            if _identity(path) == (st.st_dev, st.st_ino):
                break
        os.close(fd)
        if time.monotonic() >= deadline:
            raise OutputError("OUTPUT_BUSY", output=display(pdf), seconds=int(timeout))
        if not told and on_wait is not None:
            on_wait()
            told = True
        time.sleep(0.1)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)


# ---------------------------------------------------------------- written together


@dataclass
class Staging:
    """Temporary files for one build's outputs, renamed into place together by commit()."""

    outputs: OutputSet
    temps: dict[Path, Path] = field(default_factory=dict)

    def temp(self, final: Path) -> Path:
        tmp = fileio.new_temp(final)
        self.temps[final] = tmp
        return tmp

    def commit(self) -> None:
        """Rename the PDF, then the HTML and the XLSX, then the manifest. The manifest names the files it
        belongs to, so a kill between two renames leaves a mismatch that the next build detects; the PDF goes
        first so that when it cannot be replaced (held open by a viewer on Windows) nothing has been. Ctrl-C
        and SIGTERM wait until the renames are done."""
        order = [*self.outputs.roles().values(), self.outputs.manifest]
        for final in order:
            tmp = self.temps.get(final)
            if tmp is not None:
                fileio.finish_temp(tmp)
        _refuse_held_open(order)
        with _signals_held():
            for final in order:
                tmp = self.temps.get(final)
                if tmp is not None:
                    os.replace(tmp, final)
                    del self.temps[final]
        fileio.sync_folder(self.outputs.pdf.parent)

    def discard(self) -> None:
        for tmp in self.temps.values():
            fileio.remove_quietly(tmp)
        self.temps.clear()


def _refuse_held_open(finals: list[Path]) -> None:
    """On Windows a file open in Excel (the XLSX) or a PDF viewer cannot be replaced: find that out before
    the first rename, so that nothing is replaced rather than the files before it. (POSIX replaces open
    files; there is nothing to find out.)"""
    if os.name != "nt":
        return
    for final in finals:  # pragma: no cover - Windows
        try:
            with open(final, "r+b"):
                pass
        except FileNotFoundError:
            continue
        except PermissionError:
            raise OutputError("OUTPUT_UNWRITABLE", output=display(final),
                              reason="文件正在被其他程序（如 Excel、PDF 阅读器）打开") from None


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the block (POSIX, main thread); they are delivered when it ends."""
    held = {signal.SIGINT, signal.SIGTERM}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, OSError, ValueError):  # pragma: no cover - Windows
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def staged(outputs: OutputSet) -> Iterator[Staging]:
    """Stage the outputs; on any exit without commit (error, Ctrl-C, SIGTERM) the temporary files go."""
    for final in outputs.files():  # left by a build that was killed: we hold the lock, nobody else writes them
        for stale in fileio.stale_temps(final):
            fileio.remove_quietly(stale)
    staging = Staging(outputs)
    try:
        yield staging
    finally:
        staging.discard()
