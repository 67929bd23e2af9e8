"""The data folder (`serve --data DIR`): the database (unless it is PostgreSQL), the session key, the queue.

    DIR/budget-author.sqlite3           the database (db.py), unless --database / BUDGET_AUTHOR_DATABASE names one
    DIR/queue.sqlite3                   the embedded broker (engine.py), unless --queue names a Redis
    DIR/secret.key                      signs the session cookies (made on first start, readable by the owner only;
                                        BUDGET_AUTHOR_SECRET_KEY instead, for several web servers behind one address)
    DIR/tmp/                            uploads being received and checked, published zips being sent

Every uploaded workbook and every build output is in the database (table blobs, by SHA-256), so that workers
on other machines need nothing but the database and the broker. No name a user typed or uploaded is ever part
of a path. Back up the database (and secret.key), and everything is kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 16


class TooLarge(Exception):
    """An upload over the size limit (read.MAX_FILE_BYTES), found while receiving it."""


@dataclass(frozen=True)
class Store:
    root: Path

    def __post_init__(self) -> None:
        (self.root / "tmp").mkdir(parents=True, exist_ok=True)

    def secret_key(self) -> str:
        if os.environ.get("BUDGET_AUTHOR_SECRET_KEY"):
            return os.environ["BUDGET_AUTHOR_SECRET_KEY"]
        path = self.root / "secret.key"
        if not path.exists():
            fd = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
            os.replace(path.with_suffix(".tmp"), path)
        return path.read_text().strip()

    def receive(self, chunks, limit: int) -> tuple[str, int, Path]:
        """Receive an upload from an iterable of byte chunks into DIR/tmp, hashed while written. Returns
        (sha256, size, the temporary file: the caller stores it in the database and removes it); TooLarge
        (nothing kept) past `limit` bytes."""
        digest = hashlib.sha256()
        size = 0
        fd, tmp = _temp(self.root / "tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge()
                    digest.update(chunk)
                    handle.write(chunk)
            return digest.hexdigest(), size, Path(tmp)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise


def _temp(folder: Path) -> tuple[int, str]:
    import tempfile

    return tempfile.mkstemp(prefix="upload-", suffix=".xlsx", dir=folder)
