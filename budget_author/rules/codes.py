"""Classification codes: well formed, known (or named), at the right level, named right.

Tolerance: none; codes and names are compared exactly after NFKC folding and
removal of white space (so 维修(护)费 and 维修（护）费 are the same name).
"""

from __future__ import annotations

import unicodedata
from typing import Iterator

from budget_author import classification as C
from budget_author.issues import Issue, issue
from budget_author.rules.base import Context, rule


def fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _lengths(scheme: str) -> str:
    return "/".join(str(n) for n in C.LEVEL_LENGTHS[scheme])


def code_problem(table: C.Classification, code: str, typed_name: str, leaf_length: int,
                 level: str, classes_complete: bool) -> tuple[str, dict] | None:
    """The first problem with one leaf code, as (catalogue code, params), or None."""
    scheme = table.scheme
    if not table.well_formed(code):
        return "CODE_MALFORMED", {"scheme": scheme, "value": code, "lengths": str(leaf_length)}
    if len(code) != leaf_length:
        return "CODE_NOT_LEAF_LEVEL", {"scheme": scheme, "level": level, "length": leaf_length, "value": code}
    klass = code[:3]
    if classes_complete and not table.knows(klass):
        return "CODE_CLASS_UNKNOWN", {"scheme": scheme, "value": code, "klass": klass}
    for parent in table.parents(code):
        if not table.name(parent):
            return "CODE_NAME_NEEDED", {"scheme": scheme, "value": parent}
    if not table.knows(code):
        if not typed_name:
            return "CODE_NAME_NEEDED", {"scheme": scheme, "value": code}
        return "CODE_UNKNOWN", {"scheme": scheme, "value": code, "name": typed_name}
    return None


def _name_mismatch(table: C.Classification, code: str, typed: str) -> dict | None:
    official = table.name(code)
    if typed and official and fold(typed) != fold(official):
        return {"code": code, "official": official, "typed": typed}
    return None


@rule(codes=("CODE_MALFORMED", "CODE_NOT_LEAF_LEVEL", "CODE_CLASS_UNKNOWN", "CODE_NAME_NEEDED",
             "CODE_UNKNOWN", "CODE_NAME_MISMATCH"), needs=("expenditure", "custom_codes"))
def check_functional_codes(ctx: Context) -> Iterator[Issue]:
    """功能分类: 项 level (7 digits), 类 among the 30, 款 and 项 named; typed name = official name."""
    for fact in ctx.budget.expenditure:
        problem = code_problem(ctx.functional, fact.code, fact.name, 7, "项", classes_complete=True)
        if problem:
            yield issue(problem[0], ctx.at("expenditure", "code", fact.row), **problem[1])
        elif mismatch := _name_mismatch(ctx.functional, fact.code, fact.name):
            yield issue("CODE_NAME_MISMATCH", ctx.at("expenditure", "name", fact.row), **mismatch)


@rule(codes=("CODE_MALFORMED", "CODE_NOT_LEAF_LEVEL", "CODE_NAME_NEEDED", "CODE_UNKNOWN",
             "CODE_NAME_MISMATCH", "CODE_GOV_UNKNOWN", "BASIC_COST_KIND_MISMATCH"),
      needs=("basic_economic", "custom_codes", "unit"))
def check_economic_codes(ctx: Context) -> Iterator[Issue]:
    """部门经济分类 款 (5 digits); its 政府经济分类 from the column or the correspondence table."""
    b = ctx.budget
    custom_gov = {c.code: c.gov_code for c in b.custom_codes if c.scheme == C.ECONOMIC_DEPT and c.gov_code}
    admin = bool(b.unit and b.unit.is_admin)
    for fact in b.basic_economic:
        problem = code_problem(ctx.economic_dept, fact.code, fact.name, 5, "款", classes_complete=False)
        if problem:
            yield issue(problem[0], ctx.at("basic_economic", "code", fact.row), **problem[1])
            continue
        if mismatch := _name_mismatch(ctx.economic_dept, fact.code, fact.name):
            yield issue("CODE_NAME_MISMATCH", ctx.at("basic_economic", "name", fact.row), **mismatch)
        if fact.cost_kind and fact.cost_kind != C.cost_kind(fact.code):
            yield issue("BASIC_COST_KIND_MISMATCH", ctx.at("basic_economic", "cost_kind", fact.row),
                        code=fact.code, expected=C.cost_kind(fact.code), typed=fact.cost_kind)
        gov = fact.gov_code or custom_gov.get(fact.code) or C.dept_to_gov().get(fact.code, ("", ""))[0 if admin else 1]
        if not gov:
            yield issue("CODE_GOV_UNKNOWN", ctx.at("basic_economic", "gov_code", fact.row), code=fact.code,
                        name=ctx.economic_dept.name(fact.code) or fact.name,
                        unit_kind="行政单位" if admin else "事业单位")
            continue
        problem = code_problem(ctx.economic_gov, gov, "", 5, "款", classes_complete=False)
        if problem:
            yield issue(problem[0], ctx.at("basic_economic", "gov_code", fact.row), **problem[1])


@rule(codes=("CODE_MALFORMED",), needs=("income_items",))
def check_income_codes(ctx: Context) -> Iterator[Issue]:
    """收入分类 codes: digits, 3/5/7/9 long, starting with 1. The bundled data has no income table."""
    table = C.Classification(C.INCOME)
    for item in ctx.budget.income_items:
        if not table.well_formed(item.code) or not item.code.startswith("1"):
            yield issue("CODE_MALFORMED", ctx.at("income_items", "code", item.row),
                        scheme=C.INCOME, value=item.code, lengths=_lengths(C.INCOME))


@rule(codes=("CODE_MALFORMED", "CODE_CUSTOM_CONFLICT"), needs=("custom_codes",))
def check_custom_codes(ctx: Context) -> Iterator[Issue]:
    """The unit's own entries: well formed; a differing name for a bundled code is flagged."""
    for entry in ctx.budget.custom_codes:
        table = C.bundled(entry.scheme) if entry.scheme != C.INCOME else C.Classification(C.INCOME)
        if not table.well_formed(entry.code):
            yield issue("CODE_MALFORMED", ctx.at("custom_codes", "code", entry.row),
                        scheme=entry.scheme, value=entry.code, lengths=_lengths(entry.scheme))
            continue
        official = table.name(entry.code)
        if official and fold(official) != fold(entry.name):
            yield issue("CODE_CUSTOM_CONFLICT", ctx.at("custom_codes", "name", entry.row),
                        code=entry.code, name=entry.name, official=official)


RULES = (check_functional_codes, check_economic_codes, check_income_codes, check_custom_codes)
