"""No fact is entered twice; project codes and 序号 are unique.

Two projects may share a name (datong-2024 has two J社会保险管理经费); the same
name with the same amounts is only a warning.
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

from budget_author.issues import Issue, issue
from budget_author.rules.base import Context, rule
from budget_author.workbook import schema as S

# sheet key → (model attribute, key function, key description)
# The issue-14 dimensions (级次, 收入类别, 结转结余类型, 支出性质, 预算类型 of an economic line) are part of
# the key; every Shanxi row has their defaults, so its keys group exactly as before.
FACT_KEYS: dict[str, tuple[str, Callable, str]] = {
    "income": ("income", lambda f: (f.source, f.period, f.level, f.category, f.carry_kind), "资金来源+预算类型"),
    "expenditure": ("expenditure", lambda f: (f.code, f.source, f.kind, f.period, f.level, f.carry_kind, f.nature),
                    "科目+资金来源+支出类型+预算类型"),
    "basic_economic": ("basic_economic", lambda f: (f.code, f.source, f.level, f.period), "经济科目+资金来源"),
    "three_public": ("three_public", lambda f: (f.item, f.source, f.kind), "项目+资金来源+支出类型"),
    "income_items": ("income_items", lambda f: (f.fund, f.code), "预算类别+收入科目"),
    "custom_codes": ("custom_codes", lambda f: (f.scheme, f.code), "分类+编码"),
}


def _duplicates(rows: Iterable, key: Callable) -> Iterator[tuple[object, object]]:
    first: dict = {}
    for row in rows:
        k = key(row)
        if k in first:
            yield row, first[k]
        else:
            first[k] = row


@rule(codes=("DUP_FACT",), needs=())
def check_duplicate_facts(ctx: Context) -> Iterator[Issue]:
    """One row per fact: the same key twice would be counted twice."""
    for sheet_key, (attribute, key, description) in FACT_KEYS.items():
        if sheet_key in ctx.parsed.missing | ctx.parsed.failed:
            continue
        for row, first in _duplicates(getattr(ctx.budget, attribute), key):
            yield issue("DUP_FACT", ctx.at(sheet_key, _first_input(sheet_key), row.row),
                        related=[ctx.at(sheet_key, _first_input(sheet_key), first.row)],
                        other=first.row, key=description)


def _first_input(sheet_key: str) -> str:
    return next(c.key for c in S.sheet(sheet_key).columns if c.is_input)


@rule(codes=("DUP_PROJECT_CODE", "DUP_PROJECT_SEQ", "DUP_PROJECT_SAME"), needs=("projects",))
def check_duplicate_projects(ctx: Context) -> Iterator[Issue]:
    projects = ctx.budget.projects
    coded = [p for p in projects if p.code]
    for row, first in _duplicates(coded, lambda p: p.code):
        yield issue("DUP_PROJECT_CODE", ctx.at("projects", "code", row.row), code=row.code, other=first.row)
    numbered = [p for p in projects if p.seq]
    for row, first in _duplicates(numbered, lambda p: p.seq):
        yield issue("DUP_PROJECT_SEQ", ctx.at("projects", "seq", row.row), seq=row.seq, other=first.row)
    same = lambda p: (p.name, tuple(sorted(p.current.items())), tuple(sorted(p.carryover.items())))  # noqa: E731
    # Same name and same amounts; two rows without any amount yet (carried by init --from, still to be filled)
    # are not "the same amounts": PROJ_NO_AMOUNT already asks for them.
    with_amounts = [p for p in projects if any(p.current.values()) or any(p.carryover.values())]
    for row, first in _duplicates(with_amounts, same):
        yield issue("DUP_PROJECT_SAME", ctx.at("projects", "name", row.row), name=row.name, other=first.row)


@rule(codes=("DUP_PERF_FORM",), needs=("perf_forms", "projects"))
def check_duplicate_forms(ctx: Context) -> Iterator[Issue]:
    b = ctx.budget
    resolved = [(f, b.find_project(f.project)) for f in b.perf_forms]
    known = [(f, p) for f, p in resolved if p is not None]
    for (form, project), (first, _) in _duplicates(known, lambda fp: id(fp[1])):
        yield issue("DUP_PERF_FORM", ctx.at("perf_forms", "project", form.row), project=project.label,
                    other=first.row)


RULES = (check_duplicate_facts, check_duplicate_projects, check_duplicate_forms)
