"""A profile's workbook: workbook.toml validated and turned into a schema.Layout.

workbook/schema.py declares every sheet, column, fixed row and list any standard's workbook may
have (the superset). A profile's workbook.toml says which of them its workbook has:

    sheets = ["prior_expenditure", "staffing"]     # extra sheets (Sheet.extra) this workbook adds
    omit = ["purchase_catalogue"]                  # base sheets this standard does not use
    [columns]                                      # extra columns (Column.extra), per sheet
    income = ["level", "category"]
    [rows]                                         # extra fixed rows (FixedRow.extra), per sheet
    unit = ["code", "short_name"]
    [required]                                     # input columns or rows that must be filled
    income = ["level"]
    [optional]                                     # required ones this standard does not need
    perf_forms = ["overview"]
    [lists]                                        # the values a dropdown offers: a subset, in order
    "收入类别" = ["事业收入", "其他收入"]

Sheets, columns and rows are named by their schema keys; lists by their Chinese names (the
_lists sheet's headers). Anything unknown is a ProfileError naming the file and the key.
A profile without workbook.toml has the default (version-2) workbook.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from pydantic import BaseModel, ConfigDict, ValidationError

from budget_author.profiles import ProfileError
from budget_author.workbook import schema as S

# Base sheets every workbook has: the facts, and the sheets other sheets' formulas refer to.
NOT_OMITTABLE = ("unit", "income", "expenditure", "projects", "custom_codes")


class WorkbookSpec(BaseModel):
    """workbook.toml, as pydantic checks its shape (the names are checked by validate_workbook)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    sheets: list[str] = []
    omit: list[str] = []
    columns: dict[str, list[str]] = {}
    rows: dict[str, list[str]] = {}
    required: dict[str, list[str]] = {}
    optional: dict[str, list[str]] = {}
    lists: dict[str, list[str]] = {}


class WorkbookError(ProfileError):
    """A workbook.toml that does not validate."""


def _known(names: Any) -> str:
    return "、".join(names) or "（无）"


def validate_workbook(data: Mapping[str, Any], path: Path | str = "workbook.toml") -> WorkbookSpec:
    """The validated workbook.toml, or WorkbookError naming the file and the key."""
    try:
        spec = WorkbookSpec.model_validate(dict(data))
    except ValidationError as exc:
        lines = []
        for error in exc.errors()[:10]:
            where = ".".join(str(part) for part in error["loc"])
            if error["type"] == "extra_forbidden":
                lines.append(f"  {where}: 未知的键（拼写错误？）；可用：{_known(WorkbookSpec.model_fields)}")
            else:
                lines.append(f"  {where}: {error['msg']}")
        raise WorkbookError(f"{path}:\n" + "\n".join(lines)) from None
    extras = [s.key for s in S.ALL_SHEETS if s.extra]
    bases = [s.key for s in S.ALL_SHEETS if not s.extra]
    for index, key in enumerate(spec.sheets):
        if key not in extras:
            raise WorkbookError(f"{path}: sheets[{index}] = “{key}” 不是可选的工作表；可选：{_known(extras)}")
    for index, key in enumerate(spec.omit):
        if key not in bases or key in NOT_OMITTABLE:
            allowed = [k for k in bases if k not in NOT_OMITTABLE]
            raise WorkbookError(f"{path}: omit[{index}] = “{key}” 不是可省略的工作表；可省略：{_known(allowed)}")
    present = {k for k in bases if k not in spec.omit} | set(spec.sheets)
    if "reasons" in present and "prior" not in present:  # 变动原因's formulas read 上年数
        raise WorkbookError(f"{path}: omit: 省略“prior”（上年数）时也要省略“reasons”（变动原因）")

    def sheet_of(table: str, key: str) -> S.Sheet:
        if key not in present:
            raise WorkbookError(f"{path}: [{table}] {key}: 填报表中没有这个工作表；有：{_known(sorted(present))}")
        return S.ALL_SHEETS_BY_KEY[key]

    for key, names in spec.columns.items():
        allowed = [c.key for c in sheet_of("columns", key).columns if c.extra]
        for name in names:
            if name not in allowed:
                raise WorkbookError(f"{path}: [columns] {key}: “{name}” 不是可选的栏目；可选：{_known(allowed)}")
    for key, names in spec.rows.items():
        allowed = [r.key for r in sheet_of("rows", key).fixed_rows if r.extra]
        for name in names:
            if name not in allowed:
                raise WorkbookError(f"{path}: [rows] {key}: “{name}” 不是可选的行；可选：{_known(allowed)}")
    for table in ("required", "optional"):
        for key, names in getattr(spec, table).items():
            sheet = sheet_of(table, key)
            chosen = set(spec.columns.get(key, ())) | set(spec.rows.get(key, ()))
            allowed = ([r.key for r in sheet.fixed_rows if not r.extra or r.key in chosen] if sheet.is_fixed else
                       [c.key for c in sheet.columns if c.is_input and (not c.extra or c.key in chosen)])
            for name in names:
                if name not in allowed:
                    raise WorkbookError(f"{path}: [{table}] {key}: 没有可填写的“{name}”；有：{_known(allowed)}")
    both = {(k, n) for k, names in spec.required.items() for n in names} & {
        (k, n) for k, names in spec.optional.items() for n in names}
    if both:
        key, name = sorted(both)[0]
        raise WorkbookError(f"{path}: {key}.{name} 同时列在 [required] 和 [optional] 中")
    for name, values in spec.lists.items():
        if name not in S.LIST_VALUES:
            raise WorkbookError(f"{path}: [lists] “{name}” 不是已知的下拉列表；可用：{_known(S.LIST_VALUES)}")
        if not values:
            raise WorkbookError(f"{path}: [lists] “{name}” 不能为空")
        for value in values:
            if value not in S.LIST_VALUES[name]:
                raise WorkbookError(f"{path}: [lists] “{name}” 没有取值“{value}”；可用：{_known(S.LIST_VALUES[name])}")
        if len(set(values)) != len(values):
            raise WorkbookError(f"{path}: [lists] “{name}” 有重复的取值")
    return spec


def make_layout(profile: str, spec: WorkbookSpec | Mapping[str, Any] | None) -> S.Layout:
    """The Layout of a profile's workbook from its (validated) workbook.toml."""
    if spec is None or not isinstance(spec, WorkbookSpec):
        spec = validate_workbook(spec or {})
    if spec == WorkbookSpec():
        return replace(S.DEFAULT_LAYOUT, profile=profile)
    sheets = []
    for sheet in S.ALL_SHEETS:
        if (sheet.extra and sheet.key not in spec.sheets) or sheet.key in spec.omit:
            continue
        chosen = set(spec.columns.get(sheet.key, ())) | set(spec.rows.get(sheet.key, ()))
        required = set(spec.required.get(sheet.key, ()))
        optional = set(spec.optional.get(sheet.key, ()))

        def adjust(item):
            if item.key in required and not item.required:
                return replace(item, required=True)
            if item.key in optional and item.required:
                return replace(item, required=False)
            return item

        # An extra sheet is entirely the profile's: all its columns and rows are in it.
        columns = tuple(adjust(c) for c in sheet.columns if sheet.extra or not c.extra or c.key in chosen)
        rows = tuple(adjust(r) for r in sheet.fixed_rows if sheet.extra or not r.extra or r.key in chosen)
        sheets.append(replace(sheet, columns=columns, fixed_rows=rows))
    used = {c.choices for s in sheets for c in s.columns if c.choices} | {
        r.choices for s in sheets for r in s.fixed_rows if r.choices}
    lists = dict(S.LISTS)
    lists.update({name: values for name, values in S.EXTRA_LISTS.items() if name in used})
    lists.update({name: tuple(values) for name, values in spec.lists.items()})
    return S.Layout(profile, tuple(sheets), lists)


def named_profile(meta: Mapping[str, Any]) -> str:
    """The profile a workbook's _meta names ("" when it names none)."""
    value = meta.get("profile")
    if value is None:
        return ""
    return str(int(value) if isinstance(value, float) and value.is_integer() else value).strip()


def meta_profile(meta: Mapping[str, Any]) -> str:
    """The profile a workbook is read with: the one _meta names if it is known, else the default (a
    workbook of schema version 1 or 2 names the default profile or nothing; an unknown name is
    reported by parse as WB_PROFILE_UNKNOWN)."""
    from budget_author import profiles

    named = named_profile(meta)
    return named if named and profiles.is_known(named) else profiles.DEFAULT


@lru_cache(maxsize=None)
def layout_of(profile: str) -> S.Layout:
    """The workbook layout of a known profile (ProfileError if it does not exist or validate)."""
    from budget_author.profiles import load_profile

    return make_layout(profile, load_profile(profile).workbook)
