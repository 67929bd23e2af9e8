"""Atomic output: write to a temporary file in the target folder, then rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, write: Callable[[str], None], *, overwrite: bool = True) -> Path:
    """Call `write(tmp_path)`, then move the result onto `path` in one step.

    The target is never half-written: on any failure the temporary file is
    removed and an existing target is left untouched. With overwrite=False an
    existing target raises FileExistsError (checked before and after writing).
    """
    path = Path(path)
    if not overwrite and path.exists():
        raise FileExistsError(str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".~{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        if not overwrite:
            # link() fails if the target appeared meanwhile; never clobber it.
            os.link(tmp, path)
        else:
            os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
