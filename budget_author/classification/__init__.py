"""Classification code tables (功能分类, 部门/政府经济分类 and their correspondence).

The bundled tables are an attested subset of the official lists (see
data/PROVENANCE.md). A unit may add its own entries; those take precedence.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache

from budget_author.paths import package_data

FUNCTIONAL = "功能分类"
ECONOMIC_DEPT = "部门经济分类"
ECONOMIC_GOV = "政府经济分类"
INCOME = "收入分类"
SCHEMES = (FUNCTIONAL, ECONOMIC_DEPT, ECONOMIC_GOV, INCOME)

# Code lengths by level, per scheme.
LEVEL_LENGTHS = {
    FUNCTIONAL: (3, 5, 7),
    ECONOMIC_DEPT: (3, 5),
    ECONOMIC_GOV: (3, 5),
    INCOME: (3, 5, 7, 9),
}

# 人员经费 are the 部门经济分类 classes 301 and 303; everything else in 基本支出 is 公用经费.
PERSONNEL_CLASSES = ("301", "303")
PERSONNEL = "人员经费"
PUBLIC_USE = "公用经费"


def cost_kind(dept_code: str) -> str:
    return PERSONNEL if dept_code[:3] in PERSONNEL_CLASSES else PUBLIC_USE


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    scheme: str
    bundled: bool = True


@dataclass
class Classification:
    """Lookups over one scheme's codes: bundled rows plus the unit's own."""

    scheme: str
    entries: dict[str, Entry] = field(default_factory=dict)

    def get(self, code: str) -> Entry | None:
        return self.entries.get(code)

    def name(self, code: str) -> str | None:
        entry = self.entries.get(code)
        return entry.name if entry and entry.name else None

    def knows(self, code: str) -> bool:
        return code in self.entries

    def well_formed(self, code: str) -> bool:
        return code.isdigit() and code.isascii() and len(code) in LEVEL_LENGTHS[self.scheme]

    def parents(self, code: str) -> list[str]:
        """Ancestor codes, outermost first (2080109 → 208, 20801)."""
        lengths = [n for n in LEVEL_LENGTHS[self.scheme] if n < len(code)]
        return [code[:n] for n in lengths]

    def codes(self, length: int | None = None) -> list[str]:
        return sorted(c for c in self.entries if length is None or len(c) == length)

    def with_additions(self, additions: dict[str, str]) -> "Classification":
        merged = dict(self.entries)
        for code, name in additions.items():
            merged[code] = Entry(code, name, self.scheme, bundled=False)
        return Classification(self.scheme, merged)


def _read_csv(filename: str) -> list[dict[str, str]]:
    path = package_data("classification", "data", filename)
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=None)
def bundled(scheme: str) -> Classification:
    files = {
        FUNCTIONAL: "functional_classification.csv",
        ECONOMIC_DEPT: "economic_classification_dept.csv",
        ECONOMIC_GOV: "economic_classification_gov.csv",
    }
    entries: dict[str, Entry] = {}
    if scheme in files:
        for row in _read_csv(files[scheme]):
            entries[row["code"]] = Entry(row["code"], row["name"], scheme)
    return Classification(scheme, entries)


@lru_cache(maxsize=None)
def dept_to_gov() -> dict[str, tuple[str, str]]:
    """部门经济分类 款 → (政府经济分类 for 行政单位, for 事业单位); '' where unknown."""
    return {
        row["dept_code"]: (row["gov_code_for_admin_units"], row["gov_code_for_public_institutions"])
        for row in _read_csv("economic_dept_to_gov.csv")
    }


def derived_gov_code(dept_code: str, admin: bool) -> str:
    """The 政府经济分类 款 for a 部门经济分类 款 and unit kind: its own row, else its class's default row
    (a 事业单位's 301 → 50501, 302 → 50502, 310 → 50601); '' when the table cannot tell."""
    table = dept_to_gov()
    column = 0 if admin else 1
    return table.get(dept_code, ("", ""))[column] or table.get(dept_code[:3], ("", ""))[column]

