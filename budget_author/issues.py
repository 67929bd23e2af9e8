"""Problems are values: one Issue type, built only from the catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterable

from budget_author.catalogue import CATALOGUE


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return "错误" if self is Severity.ERROR else "警告"


Where = tuple[str, str | None]  # (sheet title, cell) — cell None for a whole sheet


@dataclass(frozen=True)
class Issue:
    code: str
    severity: Severity
    sheet: str | None
    cell: str | None
    message: str
    related: tuple[Where, ...] = field(default=())

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
    """Build an Issue from its catalogue entry. Unknown codes are a programming error."""
    entry = CATALOGUE[code]
    sheet, cell = where if where else (None, None)
    return Issue(
        code=code,
        severity=Severity(entry.severity),
        sheet=sheet,
        cell=cell,
        message=entry.message.format(**params),
        related=tuple(related),
    )


def has_errors(issues: Iterable[Issue]) -> bool:
    return any(i.severity is Severity.ERROR for i in issues)
