"""Output files: temporary files beside their target, renamed into place in one step.

A temporary file for `folder/name` is `folder/.~name~XXXXXXXX.tmp` (hidden, and
named after its target alone, so that the one build holding the target's lock
can recognise and remove the ones an earlier, killed build left behind).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Callable

TEMP_SUFFIX = ".tmp"
_RANDOM = r"[a-z0-9_]{8}"  # what tempfile.mkstemp puts between prefix and suffix


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def temp_prefix(path: Path) -> str:
    return f".~{Path(path).name}~"


def new_temp(path: Path) -> Path:
    """A new, empty temporary file in `path`'s folder (created exclusively: it never names an existing file)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path), suffix=TEMP_SUFFIX, dir=path.parent)
    os.close(fd)
    return Path(tmp)


def stale_temps(path: Path) -> list[Path]:
    """Temporary files of `path` left behind by a build that was killed (call only while holding its lock)."""
    path = Path(path)
    pattern = re.compile(re.escape(temp_prefix(path)) + _RANDOM + re.escape(TEMP_SUFFIX))
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    return [path.parent / name for name in names if pattern.fullmatch(name)]


def remove_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def finish_temp(tmp: Path) -> None:
    """Give a finished temporary file the permissions of a new file and flush it to the disk."""
    os.chmod(tmp, 0o666 & ~_umask())
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(folder: Path) -> None:
    """Make renames in `folder` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, write: Callable[[str], None], *, overwrite: bool = True) -> Path:
    """Call `write(tmp_path)`, then move the result onto `path` in one step.

    The target is never half-written: on any failure the temporary file is
    removed and an existing target is left untouched. With overwrite=False an
    existing target raises FileExistsError (checked before and after writing).
    """
    path = Path(path)
    if not overwrite and (path.exists() or path.is_symlink()):
        raise FileExistsError(str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = new_temp(path)
    try:
        write(str(tmp))
        finish_temp(tmp)
        if not overwrite:
            # link() fails if the target appeared meanwhile; never clobber it.
            os.link(tmp, path)
        else:
            os.replace(tmp, path)
    finally:
        remove_quietly(tmp)
    return path
