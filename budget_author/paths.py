"""Locate the project's own resource folders (templates/, styles/).

In an installed wheel they live inside the package; in a source checkout or an
editable install they live at the repository's top level. Never resolved
against the current working directory.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return the folder `name` ("templates" or "styles")."""
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"resource folder {name!r} not found near {_PACKAGE_DIR}")


def package_data(*parts: str) -> Path:
    """A data file shipped inside the package (classification tables, profiles)."""
    return _PACKAGE_DIR.joinpath(*parts)
