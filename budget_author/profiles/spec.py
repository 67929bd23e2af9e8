"""Validation of a profile's files. Every key is declared here; an unknown one is an error.

pydantic models with extra="forbid" describe profile.toml and tables.toml. Filters are checked
against the datasets' declared dimensions (compute.facts.DIMENSIONS): a misspelt dimension or a
value the dimension cannot take fails when the profile is loaded, naming the file, the table and
the key, instead of printing a silently blank column.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from budget_author.profiles import Profile, ProfileError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- profile.toml
class Parts(_Strict):
    overview: str
    tables: str
    narrative: str
    glossary: str


class Overview(_Strict):
    duties: str
    organisation: str


class Subsection(_Strict):
    title: str
    paragraphs: list[str] = []
    toc: bool = False
    chart: bool = False
    texts: str | None = None
    catalogue: bool = False
    default: str | None = None


class Section(_Strict):
    key: str
    title: str
    paragraphs: list[str] = []
    subsections: list[Subsection] = []
    forms: bool = False


class Narrative(_Strict):
    macros: str = ""
    sections: list[Section]


class GlossaryEntry(_Strict):
    term: str
    text: str


class FundRow(_Strict):
    label: str
    key: str
    prefix: str = ""


class TextRow(_Strict):
    label: str
    key: str


class IndicatorGroup(_Strict):
    level1: str
    level2: list[str]


class Form(_Strict):
    fund_rows: list[FundRow]
    text_rows: list[TextRow]
    indicator_levels: list[IndicatorGroup]
    footer: list[str]


class Level(_Strict):
    departments: str


class Settings(_Strict):
    name: str
    label: str
    document_title: str
    running_head: str
    table_label: str
    table_toc: str
    empty_note: str
    form_title: str
    form_year: str
    chart_title: str
    parts: Parts
    overview: Overview
    narrative: Narrative
    glossary: list[GlossaryEntry]
    form: Form
    levels: dict[str, Level] = {}


# ---------------------------------------------------------------- tables.toml
def _where(error: dict[str, Any]) -> str:
    return ".".join(str(part) for part in error["loc"])


def _explain(errors: list[dict[str, Any]]) -> str:
    lines = []
    for error in errors[:10]:
        if error["type"] == "extra_forbidden":
            lines.append(f"  {_where(error)}: 未知的键（拼写错误？）")
        elif error["type"] == "missing":
            lines.append(f"  {_where(error)}: 缺少必填的键")
        else:
            lines.append(f"  {_where(error)}: {error['msg']}")
    return "\n".join(lines)


def check_filter(flt: Any, dataset: str, where: str) -> None:
    """A filter {dimension: value | [values]} against the dataset's declared dimensions."""
    from budget_author.compute.facts import DIMENSIONS

    if flt is None:
        return
    if not isinstance(flt, dict):
        raise ProfileError(f"{where}: 筛选条件应为表（如 {{source = \"一般公共预算\"}}），实为 {flt!r}")
    dims = DIMENSIONS.get(dataset)
    if dims is None:
        raise ProfileError(f"{where}: 未知的数据集“{dataset}”；可用：{'、'.join(DIMENSIONS)}")
    for dim, wanted in flt.items():
        if dim not in dims:
            raise ProfileError(f"{where}: 数据集“{dataset}”没有维度“{dim}”；可用：{'、'.join(dims)}")
        allowed = dims[dim]
        values = wanted if isinstance(wanted, list) else [wanted]
        if allowed is not None:
            for value in values:
                if value not in allowed:
                    raise ProfileError(f"{where}: 维度“{dim}”没有取值“{value}”；可用：{'、'.join(map(str, allowed))}")


def validate_tables(profile: Profile) -> None:
    """tables.toml: each table's keys, and every filter against its dataset's dimensions."""
    from budget_author.compute.tables import validate_table

    path = profile.folder / "tables.toml"
    seen: set[Any] = set()
    for index, table in enumerate(profile.tables):
        where = f"{path}: tables[{index}]（表 {table.get('number', '?')}）"
        key = table.get("id", table.get("number"))
        if key in seen:
            raise ProfileError(f"{where}: 表号重复：{key}")
        seen.add(key)
        validate_table(table, where)


def validate(profile: Profile) -> None:
    try:
        Settings.model_validate(profile.settings)
    except ValidationError as exc:
        raise ProfileError(f"{profile.folder / 'profile.toml'}:\n{_explain(exc.errors())}") from None
    if profile.settings.get("name") != profile.name:
        raise ProfileError(f"{profile.folder / 'profile.toml'}: name = “{profile.settings.get('name')}”，"
                           f"应与文件夹名“{profile.name}”相同")
    validate_tables(profile)
    from budget_author.workbook.layout import validate_workbook

    validate_workbook(profile.workbook, profile.folder / "workbook.toml")
