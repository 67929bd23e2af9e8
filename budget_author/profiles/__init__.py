"""Profiles: one folder per publication standard, holding its structure as data.

This module is the registry: the only Python in budget_author that names a province. A profile
is a folder (see docs/profiles-design.md): profile.toml (parts, narrative, glossary, forms,
vocabulary, rules), tables.toml (the table specs), optionally workbook.toml, templates/ and
style.css. The code that reads, checks, computes and renders is shared.

Built-in profiles live beside this file. More folders may be named in the environment variable
BUDGET_AUTHOR_PROFILES (folders holding profile folders, separated by os.pathsep): a bureau's own
standard, or the imaginary profile of the tests. Every file is validated when it is loaded
(budget_author.profiles.spec); a mistake is a ProfileError that names the file and the key.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from budget_author.paths import package_data

# name → the standard's Chinese name, as messages and the README print it.
BUILT_IN: dict[str, str] = {
    "shanxi": "山西省单位预算公开",
    "xinjiang": "新疆维吾尔自治区单位预算公开",
    "ningxia": "宁夏回族自治区部门预算",
}
# The profile of a workbook whose _meta names none (schema versions 1 and 2 were Shanxi-only).
DEFAULT = "shanxi"

ENVIRONMENT_VARIABLE = "BUDGET_AUTHOR_PROFILES"


class ProfileError(ValueError):
    """A profile that does not exist or does not validate. The message is for the profile's author.

    Like the reader's InputError it carries a catalogue code (PROFILE_INVALID) and its parameters, so
    that the CLI, watch and batch report it (exit 2) instead of crashing."""

    code = "PROFILE_INVALID"

    @property
    def params(self) -> dict[str, str]:
        return {"detail": str(self)}


@dataclass(frozen=True)
class Profile:
    name: str
    folder: Path
    settings: dict[str, Any]
    tables: tuple[dict[str, Any], ...]
    workbook: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.settings[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.settings.get(key, default)

    def part(self, key: str) -> dict[str, Any]:
        """The part named `key` (overview, tables, narrative, glossary, …)."""
        for part in self.settings.get("parts", []):
            if part["key"] == key:
                return part
        raise KeyError(key)

    @property
    def label(self) -> str:
        return self.settings.get("label", self.name)

    @property
    def templates(self) -> Path | None:
        folder = self.folder / "templates"
        return folder if folder.is_dir() else None

    @property
    def stylesheet(self) -> Path | None:
        path = self.folder / "style.css"
        return path if path.is_file() else None


def search_path() -> list[Path]:
    """The folders that hold profile folders: the environment's first, then the built-in one."""
    extra = [Path(p) for p in os.environ.get(ENVIRONMENT_VARIABLE, "").split(os.pathsep) if p.strip()]
    return [*extra, package_data("profiles")]


def available() -> list[str]:
    """Every profile name that can be loaded, built-in first, in a stable order."""
    names = list(BUILT_IN)
    for root in search_path():
        if root.is_dir():
            for child in sorted(root.iterdir()):
                if (child / "profile.toml").is_file() and child.name not in names:
                    names.append(child.name)
    return names


def _folder(name: str) -> Path:
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ProfileError(f"没有名为“{name}”的公开标准。可用的标准：{'、'.join(available())}")
    for root in search_path():
        folder = root / name
        if (folder / "profile.toml").is_file():
            return folder
    raise ProfileError(f"没有名为“{name}”的公开标准。可用的标准：{'、'.join(available())}")


def _toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: TOML 格式错误：{exc}") from exc


def is_known(name: str) -> bool:
    return name in available()


@lru_cache(maxsize=None)
def load_profile(name: str = DEFAULT) -> Profile:
    """The validated profile `name`. Raises ProfileError (a message naming the file and key)."""
    from budget_author.profiles.spec import validate

    folder = _folder(name)
    settings = _toml(folder / "profile.toml")
    tables_file = folder / "tables.toml"
    tables = _toml(tables_file).get("tables", []) if tables_file.is_file() else []
    workbook_file = folder / "workbook.toml"
    workbook = _toml(workbook_file) if workbook_file.is_file() else {}
    profile = Profile(name, folder, settings, tuple(tables), workbook)
    validate(profile)
    return profile
