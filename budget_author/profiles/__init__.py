"""Profiles: one folder per publication standard, holding its structure as data.

A profile is its tables (tables.toml), its parts, narrative sentences, glossary and
form layout (profile.toml). The code that reads, checks, computes and renders is shared.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from budget_author.paths import package_data


@dataclass(frozen=True)
class Profile:
    name: str
    settings: dict[str, Any]
    tables: tuple[dict[str, Any], ...]

    def __getitem__(self, key: str) -> Any:
        return self.settings[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.settings.get(key, default)


@lru_cache(maxsize=None)
def load_profile(name: str) -> Profile:
    folder = package_data("profiles", name)
    if not (folder / "profile.toml").is_file():
        raise KeyError(name)
    with (folder / "profile.toml").open("rb") as handle:
        settings = tomllib.load(handle)
    with (folder / "tables.toml").open("rb") as handle:
        tables = tomllib.load(handle)["tables"]
    numbers = [t["number"] for t in tables]
    if numbers != sorted(set(numbers)):
        raise ValueError(f"profile {name}: table numbers must be unique and in order: {numbers}")
    return Profile(name, settings, tuple(tables))
