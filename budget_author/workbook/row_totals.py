"""Which columns a total adds up: one declaration, read by the template (the formulas it writes) and by the
totals rule (what a total cell should hold, recomputed from the model).

A row total sums named columns of its own row (a project's 当年合计, a 绩效目标表's 年度资金总额); the sheet's
合计 row (row 2) sums, down the sheet, every money column and every row total.
"""

from __future__ import annotations

from budget_author.workbook import schema as S

_FUNDS = ("central", "provincial", "local", "self", "other")

ROW_TOTALS: dict[tuple[str, str], tuple[str, ...]] = {
    ("projects", "cur_total"): ("cur_gpb", "cur_gf", "cur_soe", "cur_special", "cur_unit"),
    ("projects", "co_total"): ("co_gpb", "co_gf", "co_soe"),
    ("perf_forms", "impl_total"): tuple(f"impl_{fund}" for fund in _FUNDS),
    ("perf_forms", "year_total"): tuple(f"year_{fund}" for fund in _FUNDS),
}


# Parts a row total also adds up where a profile's workbook has those columns (after the base columns):
# 项目's 非财政拨款结转 (Xinjiang 表11).
OPTIONAL_PARTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("projects", "co_total"): ("co_special", "co_unit"),
}


def row_total_parts(sheet_key: str, column_key: str) -> tuple[str, ...] | None:
    """The columns a row-total column adds up (optional parts included), or None when it is not a row total."""
    parts = ROW_TOTALS.get((sheet_key, column_key))
    if parts is None:
        return None
    return parts + OPTIONAL_PARTS.get((sheet_key, column_key), ())


def optional_parts_present(spec: S.Sheet, column_key: str) -> tuple[str, ...]:
    """The optional parts of a row total that this sheet (in this profile's workbook) has."""
    keys = {c.key for c in spec.columns}
    return tuple(k for k in OPTIONAL_PARTS.get((spec.key, column_key), ()) if k in keys)


def in_total_row(spec: S.Sheet, column: S.Column) -> bool:
    """Whether the sheet's 合计 row adds this column up: money columns and row totals (not the label column)."""
    return bool(spec.total_row) and (column.kind == "money" or (spec.key, column.key) in ROW_TOTALS)


def parts_span(spec: S.Sheet, column_key: str) -> tuple[str, str]:
    """The first and last column keys of a row total's parts, which must be adjacent in the sheet, in order (the
    template writes one SUM over the range)."""
    parts = ROW_TOTALS[(spec.key, column_key)]  # the base parts; optional ones are added one by one
    keys = [c.key for c in spec.columns]
    first = keys.index(parts[0])
    if tuple(keys[first:first + len(parts)]) != parts:
        raise ValueError(f"{spec.key}.{column_key}: its parts {parts} are not adjacent columns of the sheet")
    return parts[0], parts[-1]
