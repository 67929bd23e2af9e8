"""Problems are values: one Issue type, built only from the catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterable, Iterator, Mapping

from budget_author.catalogue import CATALOGUE


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return "错误" if self is Severity.ERROR else "警告"


Where = tuple[str, str | None]  # (sheet title, cell) — cell None for a whole sheet


class Params(Mapping[str, str]):
    """An issue's parameters: exactly the ones its catalogue message asks for, as text; frozen and hashable."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, str] | None = None) -> None:
        self._items = tuple(sorted((items or {}).items()))

    def __getitem__(self, key: str) -> str:
        for name, value in self._items:
            if name == key:
                return value
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __repr__(self) -> str:
        return f"Params({dict(self._items)!r})"


@dataclass(frozen=True)
class Issue:
    code: str
    severity: Severity
    sheet: str | None
    cell: str | None
    params: Params = field(default_factory=Params)
    related: tuple[Where, ...] = field(default=())

    @property
    def message(self) -> str:
        """The catalogue message filled with this issue's parameters (and nothing else)."""
        return CATALOGUE[self.code].render(self.params)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message,
            "related": [{"sheet": s, "cell": c} for s, c in self.related],
        }

    @property
    def location(self) -> str:
        if not self.sheet:
            return "（整个文件）"
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet


def issue(code: str, where: Where | None = None, /, related: Iterable[Where] = (), **params: Any) -> Issue:
    """Build an Issue from its catalogue entry. An unknown code, or a parameter the message asks for and
    the caller did not supply, is a programming error (KeyError, catalogue.MissingParams)."""
    entry = CATALOGUE[code]
    sheet, cell = where if where else (None, None)
    return Issue(
        code=code,
        severity=Severity(entry.severity),
        sheet=sheet,
        cell=cell,
        params=Params(entry.params_of(code, params)),
        related=tuple(related),
    )


def has_errors(issues: Iterable[Issue]) -> bool:
    return any(i.severity is Severity.ERROR for i in issues)
