"""Classification codes: well formed, known (or named), at the right level, named right.

Tolerance: none; codes and names are compared exactly after NFKC folding and
removal of white space (so 维修(护)费 and 维修（护）费 are the same name).
"""

from __future__ import annotations

import unicodedata
from typing import Iterable, Iterator

from budget_author import classification as C
from budget_author.issues import Issue, Where, issue
from budget_author.rules.base import Context, rule


def fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _lengths(scheme: str) -> str:
    return "/".join(str(n) for n in C.LEVEL_LENGTHS[scheme])


def _segments(code: str, scheme: str) -> list[str]:
    """The levels below the class: 2080109 → ['01', '09']."""
    lengths = [n for n in C.LEVEL_LENGTHS[scheme] if n <= len(code)]
    return [code[a:b] for a, b in zip(lengths, lengths[1:])]


def _quoted(codes: list[str]) -> str:
    return "、".join(f"“{c}”" for c in codes)


def also_at(rows: list[int]) -> str:
    """The other rows where the same code was typed: a problem is reported once per distinct code."""
    if len(rows) < 2:
        return ""
    return f"同一编码共填写在第 {'、'.join(str(r) for r in rows)} 行，只在第一处报告一次。"


def code_problem(table: C.Classification, code: str, typed_name: str, leaf_length: int, level: str,
                 classes_complete: bool, where: Where, related: Iterable[Where] = (), also: str = "") -> Issue | None:
    """The first problem with one leaf code, at `where`, or None.

    Always about the code as typed: an unnamed parent (款 21301 of a typed 2130101) is named in the
    message, never reported as a problem of its own."""
    scheme = table.scheme
    if not table.well_formed(code):
        return issue("CODE_MALFORMED", where, related=related, scheme=scheme, value=code,
                     lengths=str(leaf_length), also=also)
    if len(code) != leaf_length:
        return issue("CODE_NOT_LEAF_LEVEL", where, related=related, scheme=scheme, level=level, length=leaf_length,
                     value=code, also=also)
    if "00" in _segments(code, scheme):
        return issue("CODE_ZERO_LEVEL", where, related=related, scheme=scheme, value=code, level=level, also=also)
    klass = code[:3]
    if classes_complete and not table.knows(klass):
        return issue("CODE_CLASS_UNKNOWN", where, related=related, scheme=scheme, value=code, klass=klass, also=also)
    unnamed = [parent for parent in table.parents(code) if not table.name(parent)]
    if not table.knows(code) and not typed_name:
        unnamed.append(code)
    if unnamed:
        hint = "，或在本行“科目名称”一栏填写它的名称" if unnamed == [code] and scheme != C.ECONOMIC_GOV else ""
        return issue("CODE_NAME_NEEDED", where, related=related, scheme=scheme, value=code,
                     missing=_quoted(unnamed), hint=hint, also=also)
    if not table.knows(code):
        return issue("CODE_UNKNOWN", where, related=related, scheme=scheme, value=code, name=typed_name, also=also)
    return None


def _name_mismatch(table: C.Classification, code: str, typed: str, where: Where) -> Issue | None:
    official = table.name(code)
    if typed and official and fold(typed) != fold(official):
        return issue("CODE_NAME_MISMATCH", where, code=code, official=official, typed=typed)
    return None


def _by_code(facts) -> dict[str, list]:
    """Facts grouped by their typed code, in row order: one problem per distinct code."""
    groups: dict[str, list] = {}
    for fact in facts:
        groups.setdefault(fact.code, []).append(fact)
    return groups


def _distinct_code_problem(ctx: Context, sheet: str, table: C.Classification, code: str, facts, length: int, level: str,
                           classes_complete: bool) -> Issue | None:
    """The one problem of a code typed on `facts`' rows (at the first row, the others related), or None."""
    typed = next((f.name for f in facts if f.name), "")
    rows = [f.row for f in facts]
    return code_problem(table, code, typed, length, level, classes_complete, ctx.at(sheet, "code", rows[0]),
                        related=[ctx.at(sheet, "code", r) for r in rows[1:]], also=also_at(rows))


@rule(codes=("CODE_MALFORMED", "CODE_NOT_LEAF_LEVEL", "CODE_ZERO_LEVEL", "CODE_CLASS_UNKNOWN",
             "CODE_NAME_NEEDED", "CODE_UNKNOWN", "CODE_NAME_MISMATCH"), needs=("expenditure", "custom_codes"))
def check_functional_codes(ctx: Context) -> Iterator[Issue]:
    """功能分类: 项 level (7 digits), 类 among the 30, 款 and 项 named; typed name = official name.
    One problem per distinct code, at its first row, naming the code as typed."""
    for code, facts in _by_code(ctx.budget.expenditure).items():
        problem = _distinct_code_problem(ctx, "expenditure", ctx.functional, code, facts, 7, "项", True)
        if problem:
            yield problem
            if problem.code != "CODE_UNKNOWN":
                continue
        for fact in facts:
            if mismatch := _name_mismatch(ctx.functional, fact.code, fact.name, ctx.at("expenditure", "name", fact.row)):
                yield mismatch


@rule(codes=("CODE_MALFORMED", "CODE_NOT_LEAF_LEVEL", "CODE_ZERO_LEVEL", "CODE_NAME_NEEDED", "CODE_UNKNOWN",
             "CODE_NAME_MISMATCH", "CODE_GOV_UNKNOWN", "BASIC_COST_KIND_MISMATCH"),
      needs=("basic_economic", "custom_codes", "unit"))
def check_economic_codes(ctx: Context) -> Iterator[Issue]:
    """部门经济分类 款 (5 digits); its 政府经济分类 from the column, the unit's 自定义科目, or derived from
    the correspondence table and the unit type. One problem per distinct code."""
    b = ctx.budget
    admin = bool(b.unit and b.unit.is_admin)
    for code, facts in _by_code(b.basic_economic).items():
        typed = next((f.name for f in facts if f.name), "")
        problem = _distinct_code_problem(ctx, "basic_economic", ctx.economic_dept, code, facts, 5, "款", False)
        if problem:
            yield problem
            if problem.code != "CODE_UNKNOWN":
                continue
        for fact in facts:
            if mismatch := _name_mismatch(ctx.economic_dept, fact.code, fact.name,
                                          ctx.at("basic_economic", "name", fact.row)):
                yield mismatch
            if fact.cost_kind and fact.cost_kind != C.cost_kind(fact.code):
                yield issue("BASIC_COST_KIND_MISMATCH", ctx.at("basic_economic", "cost_kind", fact.row),
                            code=fact.code, expected=C.cost_kind(fact.code), typed=fact.cost_kind)
        derived = ctx.names.default_gov_code(code)
        untyped = [f.row for f in facts if not f.gov_code]
        if untyped and not derived:
            yield issue("CODE_GOV_UNKNOWN", ctx.at("basic_economic", "gov_code", untyped[0]),
                        related=[ctx.at("basic_economic", "gov_code", r) for r in untyped[1:]], also=also_at(untyped),
                        code=code, name=ctx.economic_dept.name(code) or typed,
                        unit_kind=(f"{ctx.budget.unit.unit_type}，按{'行政单位' if admin else '事业单位'}对照"
                                   if ctx.budget.unit and ctx.budget.unit.unit_type
                                   else ("行政单位" if admin else "事业单位")))
        govs: dict[str, list[int]] = {}
        for fact in facts:
            if gov := fact.gov_code or derived:
                govs.setdefault(gov, []).append(fact.row)
        for gov, gov_rows in govs.items():
            problem = code_problem(ctx.economic_gov, gov, "", 5, "款", False,
                                   ctx.at("basic_economic", "gov_code", gov_rows[0]),
                                   related=[ctx.at("basic_economic", "gov_code", r) for r in gov_rows[1:]],
                                   also=also_at(gov_rows))
            if problem:
                yield problem


@rule(codes=("CODE_MALFORMED",), needs=("income_items",))
def check_income_codes(ctx: Context) -> Iterator[Issue]:
    """收入分类 codes: digits, 3/5/7/9 long, starting with 1. The bundled data has no income table."""
    table = C.Classification(C.INCOME)
    for item in ctx.budget.income_items:
        if not table.well_formed(item.code) or not item.code.startswith("1"):
            yield issue("CODE_MALFORMED", ctx.at("income_items", "code", item.row),
                        scheme=C.INCOME, value=item.code, lengths=_lengths(C.INCOME), also="")


@rule(codes=("CODE_MALFORMED", "CODE_CUSTOM_CONFLICT"), needs=("custom_codes",))
def check_custom_codes(ctx: Context) -> Iterator[Issue]:
    """The unit's own entries: well formed; a differing name for a bundled code is flagged."""
    for entry in ctx.budget.custom_codes:
        table = C.bundled(entry.scheme) if entry.scheme != C.INCOME else C.Classification(C.INCOME)
        if not table.well_formed(entry.code):
            yield issue("CODE_MALFORMED", ctx.at("custom_codes", "code", entry.row),
                        scheme=entry.scheme, value=entry.code, lengths=_lengths(entry.scheme), also="")
            continue
        official = table.name(entry.code)
        if official and fold(official) != fold(entry.name):
            yield issue("CODE_CUSTOM_CONFLICT", ctx.at("custom_codes", "name", entry.row),
                        code=entry.code, name=entry.name, official=official)


RULES = (check_functional_codes, check_economic_codes, check_income_codes, check_custom_codes)
