"""The rule machinery: a Rule is a named function with the codes it may emit."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Iterable

from budget_author import classification as C
from budget_author.compute.names import Names
from budget_author.issues import Issue
from budget_author.model import Budget
from budget_author.money import format_wan, format_yuan
from budget_author.workbook import schema as S
from budget_author.workbook.parse import ParseResult


@dataclass
class Context:
    """What a rule reads: the parse result, and the budget's code names (the report's own resolver, Names)."""

    parsed: ParseResult
    names: Names = field(init=False)
    settings: dict = field(init=False)  # the workbook's standard's [rules] (profile.toml)

    def __post_init__(self) -> None:
        self.names = Names(self.budget)
        # A profile that does not load is a ProfileError (PROFILE_INVALID, exit 2); an unknown one was
        # reported by the parser (WB_PROFILE_UNKNOWN), which then read the workbook as the default standard.
        self.settings = self.parsed.load_profile().get("rules", {})

    @property
    def budget(self) -> Budget:
        return self.parsed.budget

    @property
    def functional(self) -> C.Classification:
        return self.names.functional_table

    @property
    def economic_dept(self) -> C.Classification:
        return self.names.economic_table

    @property
    def economic_gov(self) -> C.Classification:
        return self.names.gov_table

    @staticmethod
    def at(sheet_key: str, column_key: str, row: int) -> tuple[str, str]:
        spec = S.sheet(sheet_key)
        return spec.title, spec.cell(column_key, row)

    @staticmethod
    def total_at(sheet_key: str, column_key: str) -> tuple[str, str]:
        spec = S.sheet(sheet_key)
        return spec.title, spec.cell(column_key, 2)

    @staticmethod
    def fixed_at(sheet_key: str, row_key: str) -> tuple[str, str]:
        spec = S.sheet(sheet_key)
        return spec.title, spec.cell(spec.input_column().key, spec.fixed_row_number(row_key))

    @staticmethod
    def sheet_at(sheet_key: str) -> tuple[str, None]:
        return S.sheet(sheet_key).title, None


@dataclass(frozen=True)
class Rule:
    name: str
    check: Callable[[Context], Iterable[Issue]]
    codes: tuple[str, ...]
    needs: tuple[str, ...]  # sheet keys that must be present and cleanly parsed

    @property
    def qualified_name(self) -> str:
        """The rule as a developer finds it: `totals.check_typed_totals` (module within rules/, function)."""
        module = getattr(self.check, "__module__", "") or ""
        return f"{module.removeprefix('budget_author.rules.')}.{self.name}" if module else self.name

    def applies(self, ctx: Context) -> bool:
        blocked = ctx.parsed.missing | ctx.parsed.failed
        return not blocked.intersection(self.needs)


def rule(*, codes: tuple[str, ...], needs: tuple[str, ...]) -> Callable[[Callable], Rule]:
    def wrap(func: Callable[[Context], Iterable[Issue]]) -> Rule:
        return Rule(func.__name__, func, codes, needs)

    return wrap


def yuan(amount: Decimal) -> str:
    return format_yuan(amount)


def wan(amount: Decimal) -> str:
    return format_wan(amount, thousands=True)


def row_spans(numbers: Iterable[int]) -> str:
    """Rows as a clerk reads them: 第 2、5–9 行（共 6 行）; '没有这样的行' for none."""
    unique = sorted(set(numbers))
    if not unique:
        return "没有这样的行"
    spans: list[list[int]] = []
    for n in unique:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    text = "、".join(str(a) if a == z else f"{a}–{z}" for a, z in spans)
    return f"第 {text} 行" + (f"（共 {len(unique)} 行）" if len(unique) > 1 else "")
