"""The data folder (`serve --data DIR`): the database, the session key, and the files.

    DIR/budget-author.sqlite3           the database (db.py)
    DIR/secret.key                      signs the session cookies (made on first start, readable by the owner only)
    DIR/uploads/ab/<sha256>.xlsx        every uploaded workbook, named by its SHA-256, read-only, never changed
    DIR/builds/<version id>/            document.pdf, .html, .manifest.json, document-公开表.xlsx, pages/page-NNN.png
    DIR/tmp/                            uploads being received

No name a user typed or uploaded is ever part of a path: uploads are named by their hash, outputs by the
version's number in the database. Back up the whole folder (with the server stopped, or with SQLite's
`.backup`), and everything is kept.
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
        for sub in ("uploads", "builds", "tmp"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    def secret_key(self) -> str:
        path = self.root / "secret.key"
        if not path.exists():
            fd = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
            os.replace(path.with_suffix(".tmp"), path)
        return path.read_text().strip()

    def upload_path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
            raise ValueError("not a SHA-256")
        return self.root / "uploads" / sha256[:2] / f"{sha256}.xlsx"

    def build_dir(self, version_id: int) -> Path:
        return self.root / "builds" / str(int(version_id))

    def pdf(self, version_id: int) -> Path:
        return self.build_dir(version_id) / "document.pdf"

    def html(self, version_id: int) -> Path:
        return self.build_dir(version_id) / "document.html"

    def manifest(self, version_id: int) -> Path:
        return self.build_dir(version_id) / "document.manifest.json"

    def tables(self, version_id: int) -> Path:
        """The published tables as a workbook (build --xlsx names it after the PDF)."""
        from budget_author.outputs import tables_path

        return tables_path(self.pdf(version_id))

    def page_image(self, version_id: int, page: int) -> Path:
        return self.build_dir(version_id) / "pages" / f"page-{int(page):03d}.png"

    def receive(self, chunks, limit: int) -> tuple[str, int]:
        """Store an upload from an iterable of byte chunks: hashed while written to DIR/tmp, then renamed to
        its content address. Returns (sha256, size); TooLarge (nothing kept) past `limit` bytes."""
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
                handle.flush()
                os.fsync(handle.fileno())
            sha256 = digest.hexdigest()
            target = self.upload_path(sha256)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():  # the same bytes uploaded before: one stored copy serves both versions
                os.unlink(tmp)
            else:
                os.chmod(tmp, 0o444)
                os.replace(tmp, target)
            return sha256, size
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise


def _temp(folder: Path) -> tuple[int, str]:
    import tempfile

    return tempfile.mkstemp(prefix="upload-", suffix=".part", dir=folder)
