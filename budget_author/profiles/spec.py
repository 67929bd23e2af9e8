"""Validation of a profile's files. Every key is declared here; an unknown one is an error.

pydantic models with extra="forbid" describe profile.toml and tables.toml. Filters are checked
against the datasets' declared dimensions (compute.facts.DIMENSIONS): a misspelt dimension or a
value the dimension cannot take fails when the profile is loaded, naming the file, the table and
the key, instead of printing a silently blank column.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from budget_author.compute.narrative import FigureSpec
from budget_author.profiles import Profile, ProfileError
from budget_author.profiles.tablespec import Format


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- profile.toml
class Subsection(_Strict):
    key: str | None = None  # a form's `place` may name it
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
    anchor: str | None = None
    paragraphs: list[str] = []
    texts: str | None = None  # a 文本段落 栏目 whose paragraphs print here, after the sentences
    default: str | None = None  # printed when those texts are missing
    subsections: list[Subsection] = []
    figures: dict[str, FigureSpec] = {}
    formats: dict[str, str] = {}  # "money" / "percent" → a name of [formats], for this section's figures


class NumberFormatSpec(Format):
    """A named display.NumberFormat of [formats]: the table language's Format (what is unset takes
    NumberFormat's default) with its unit."""

    unit: Literal["万元", "元"] = "万元"


class Part(_Strict):
    key: str
    kind: Literal["sections", "tables", "glossary"] = "sections"
    title: str
    title_page: bool = False  # the title alone on a page that opens the part (Ningxia)
    numbering: Literal["一、", "（一）", "1.", "1、", "（1）"] = "一、"  # glossary entries
    sections: list[Section] = []

    @model_validator(mode="after")
    def _unique_sections(self) -> "Part":
        keys = [section.key for section in self.sections]
        if len(keys) != len(set(keys)):
            raise ValueError(f"部分“{self.key}”中的节 key 重复：{keys}")
        if self.kind != "sections" and self.sections:
            raise ValueError(f"部分“{self.key}”（{self.kind}）不能有 sections")
        return self


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


class FormSpec(_Strict):
    """One kind of 绩效目标表 the document prints (compute/forms.py)."""

    kind: Literal["project", "unit"]
    place: str  # the key of the narrative (sub)section the forms follow, or a tables part's key
    include: Literal["published", "all"] = "published"  # project forms: which projects
    template: str | None = None  # the partial that lays the form out
    title: str
    subtitle: str = ""
    heading: str = ""  # printed once before the first form (e.g. 九、部门项目支出预算绩效目标表)
    meta: str = ""  # a line under the title (e.g. 单位：万元)
    meta_once: bool = False  # …on the first form only
    money: str | None = None  # a name of [formats]; none: 元 with thousands separators
    periods: list[Literal["实施期", "年度"]] = ["实施期", "年度"]
    fund_rows: list[FundRow] = []
    text_rows: list[TextRow] = []
    indicator_levels: list[IndicatorGroup] = []  # a fixed 一级/二级 skeleton; none: the typed rows only
    footer: list[str] = []
    rating: list[str] = []  # 综合评定等级 options; the form's typed one is ticked
    dept_with_code: bool = True  # 主管部门及代码 as "code-name" when the form leaves it blank


class Level(_Strict):
    departments: str


class PriorItems(_Strict):
    """Every 项 this year (dataset + filter) must have a row in a comparison dataset (PRIOR_ITEM_MISSING)."""

    comparison: Literal["上年预算", "上年执行数"]
    filter: dict[str, Any] = {}
    where: str = ""  # where the document prints the comparison, for the message (e.g. 表二)


class Rules(_Strict):
    """The standard's validation set: the same rule functions, with switches and severities."""

    off: list[str] = []  # codes never reported under this standard
    severity: dict[str, Literal["error", "warning"]] = {}  # code → severity under this standard
    required_texts: dict[str, str] = {}  # 文本段落 栏目 → where the document prints it (TEXT_SECTION_MISSING)
    prior_items: list[PriorItems] = []


class Settings(_Strict):
    name: str
    label: str
    document_title: str
    running_head: str
    table_label: str
    table_toc: str
    empty_note: str
    chart_title: str = ""  # the structure chart's caption (with chart_loop)
    chart_loop: str = ""
    cover: bool = True
    toc: bool = True
    macros: str = ""
    formats: dict[str, NumberFormatSpec] = {}  # named number formats; "money" and "percent" are the defaults
    closing: bool = False  # 落款: the unit's name and the closing date after the last part (Xinjiang)
    parts: list[Part]
    glossary: list[GlossaryEntry]
    forms: list[FormSpec] = []
    rules: Rules = Rules()
    levels: dict[str, Level] = {}


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


# ---------------------------------------------------------------- placeholders and paths
# The fields each kind of profile text is formatted with ({year}, {unit}, …): a placeholder not
# among them would fail at build time, so it fails when the profile is loaded.
DOCUMENT_FIELDS = frozenset({"year", "unit"})  # document_title, part titles (compute/report.py)
RUNNING_HEAD_FIELDS = frozenset({"unit", "title"})
TABLE_LABEL_FIELDS = frozenset({"number", "numeral", "title"})  # table_label, table_toc
EMPTY_NOTE_FIELDS = frozenset({"year", "prior_year", "unit", "unit_code", "title"})
SECTION_TITLE_FIELDS = frozenset({"year", "prior_year"})  # compute/sentences._title
FORM_FIELDS = frozenset({"region", "level", "year", "unit", "dept"})  # compute/forms.py
# What each narrative loop's items carry (compute/narrative.Engine.each); an item of `items` adds its own words.
LOOP_FIELDS = {
    "codes": frozenset({"code", "key", "label", "name", "class_name", "kuan_name"}),
    "items": frozenset({"key", "code", "label", "name"}),
    "projects": frozenset({"key", "code", "seq", "label", "name"}),
    "key_projects": frozenset({"key", "code", "seq", "label", "name", "heading", "text"}),
}


def placeholders(text: str) -> set[str]:
    """The field names of a str.format template ("{code}年" → {"code"}); ValueError on unbalanced braces."""
    from string import Formatter

    return {name.split(".")[0].split("[")[0] for _, name, _, _ in Formatter().parse(text) if name is not None}


def check_placeholders(text: Any, allowed: frozenset[str], where: str) -> None:
    if not isinstance(text, str) or "{" not in text and "}" not in text:
        return
    try:
        names = placeholders(text)
    except ValueError:
        raise ProfileError(f"{where} = “{text}”: 花括号不成对（要印出花括号本身请写成 {{{{ 或 }}}}）") from None
    unknown = sorted(names - allowed)
    if unknown:
        raise ProfileError(f"{where} = “{text}”: 未知的占位符 {{{unknown[0]}}}；这里可用："
                           f"{'、'.join('{' + name + '}' for name in sorted(allowed)) or '（无）'}")


def check_value_path(dotted: str, where: str) -> None:
    """A `value` figure's path (assets.floor_area) walks the model's fields or properties from Budget."""
    import types
    import typing

    from budget_author.model import Budget

    cls: Any = Budget
    walked: list[str] = []
    for part in dotted.split("."):
        fields = getattr(cls, "model_fields", None)
        if fields is None:
            raise ProfileError(f"{where}: value = “{dotted}”：“{'.'.join(walked)}”不是可以再往下取的对象")
        if part in fields:
            annotation = fields[part].annotation
            if typing.get_origin(annotation) in (typing.Union, types.UnionType):  # X | None → X
                annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
            cls = annotation
        elif isinstance(getattr(cls, part, None), property):
            cls = typing.get_type_hints(getattr(cls, part).fget).get("return")
        else:
            known = sorted([*fields, *(n for n in dir(cls) if isinstance(getattr(cls, n, None), property)
                                       and not n.startswith("_") and not n.startswith("model_"))])
            raise ProfileError(f"{where}: value = “{dotted}”：{'.'.join(walked) or 'Budget'} 没有“{part}”；"
                               f"可用：{'、'.join(known)}")
        walked.append(part)


# ---------------------------------------------------------------- tables.toml
# The filter check of the table specs, for other parts of a profile that filter datasets too.
from budget_author.profiles.tablespec import check_filter  # noqa: E402,F401


def validate_tables(profile: Profile) -> None:
    """tables.toml: every table against the spec language (profiles/tablespec.py) and the datasets' dimensions."""
    from budget_author.profiles.tablespec import validate_table

    path = profile.folder / "tables.toml"
    seen: set[Any] = set()
    for index, table in enumerate(profile.tables):
        where = f"{path}: tables[{index}]（表 {table.get('number', '?')}）"
        key = table.get("number")
        if key in seen:
            raise ProfileError(f"{where}: 表号重复：{key}")
        seen.add(key)
        validate_table(table, where)


def _check_figures(figures: dict[str, Any], where: str, loop_dataset: str | None = None,
                   styles: frozenset[str] = frozenset({"money", "percent"}),
                   fields: frozenset[str] = frozenset()) -> None:
    """Every dataset and filter a narrative figure names, against the declared dimensions; every number
    format it names, against the profile's [formats]; every {placeholder} in a filter, key or text subject,
    against the fields of the enclosing loops; every `value` path, against the model."""
    from budget_author.compute.facts import DIMENSIONS

    for name, spec in figures.items():
        here = f"{where} figures.{name}"
        clash = [part for part in name.split(".") if hasattr(dict, part)]
        if clash:  # in a sentence, s.items would be the dict's method, not the figure
            raise ProfileError(f"{here}: 数字名中的“{clash[0]}”与模板中字典的方法同名，句子里取不到它；请换一个名字")
        if not isinstance(spec, dict):
            continue
        if isinstance(spec.get("value"), str):
            check_value_path(spec["value"], here)
        check_placeholders(spec.get("key"), fields, f"{here} key")
        for dim, value in (spec.get("filter") or {}).items():
            check_placeholders(value, fields, f"{here} filter.{dim}")
        for ref_key in ("text", "reason"):
            if isinstance(spec.get(ref_key), dict):
                check_placeholders(spec[ref_key].get("subject"), fields, f"{here} {ref_key}.subject")
        for key in ("style", "percent_style"):
            if spec.get(key) is not None and spec[key] not in styles:
                raise ProfileError(f"{here}: {key} = “{spec[key]}” 不是 [formats] 中的格式；可用：{'、'.join(sorted(styles))}")
        for kind in ("sum", "count", "names"):
            if kind in spec:
                check_filter(spec.get("filter"), spec[kind], here)
        if "count" in spec:
            dims = DIMENSIONS.get(spec["count"], {})
            if spec.get("distinct") not in dims:
                raise ProfileError(f"{here}: count 需要 distinct（数出哪一维度的不同取值），应为 "
                                   f"{'、'.join(dims)} 之一，实为 {spec.get('distinct')!r}")
        if "each" in spec:
            datasets = [spec.get("dataset"), *spec.get("datasets", [])]
            for dataset in datasets:
                if dataset not in DIMENSIONS:
                    raise ProfileError(f"{here}: 未知的数据集“{dataset}”；可用：{'、'.join(DIMENSIONS)}")
                check_filter(spec.get("filter"), dataset, here)
            inner = fields | LOOP_FIELDS.get(spec["each"], frozenset())
            if spec["each"] == "items":  # every item's own words (its filter may use them)
                words = [frozenset(item.get("words", {})) for item in spec.get("items", [])]
                inner |= frozenset.intersection(*words) if words else frozenset()
            for index, item in enumerate(spec.get("items", [])):
                for dataset in datasets:  # an item's filter restricts every dataset the loop walks
                    check_filter(item.get("filter"), dataset, f"{here} items[{index}]")
                for dim, value in (item.get("filter") or {}).items():
                    check_placeholders(value, inner | frozenset(item.get("words", {})),
                                       f"{here} items[{index}] filter.{dim}")
            _check_figures(spec.get("figures", {}), here, spec["dataset"], styles, inner)
        for operand_key in ("share", "zero"):
            for index, operand in enumerate(spec.get(operand_key, [])):
                if isinstance(operand, dict):
                    _check_figures({f"{operand_key}[{index}]": operand}, here, styles=styles, fields=fields)
        for operand_key in ("change", "prior"):
            if isinstance(spec.get(operand_key), dict):
                _check_figures({operand_key: spec[operand_key]}, here, styles=styles, fields=fields)


def _check_names(figures: dict[str, Any], where: str, visible: set[str], sections: dict[str, set[str]]) -> set[str]:
    """Every figure an operand names exists when it is evaluated: an earlier figure of this loop item or of the
    enclosing section (in declaration order), or `<earlier section>.<name>`. Returns the names defined here."""
    defined: set[str] = set()

    def known(ref: str) -> bool:
        if ref in visible or ref in defined:
            return True
        head, _, rest = ref.partition(".")
        return bool(rest) and head in sections and rest in sections[head]

    for name, spec in figures.items():
        if not isinstance(spec, dict):
            continue
        refs = [*spec.get("share", []), *spec.get("zero", []),
                *(spec[key] for key in ("change", "prior", "length") if key in spec)]
        for ref in refs:
            if isinstance(ref, str) and not known(ref):
                raise ProfileError(f"{where} figures.{name}: 引用的数字“{ref}”在它之前没有定义（本节前面的数字、"
                                   f"循环中前面的数字，或“前面的节.数字”）")
            if isinstance(ref, dict):
                _check_names({name: ref}, where, visible | defined, sections)
        if "each" in spec:
            _check_names(spec.get("figures", {}), f"{where} figures.{name}", visible | defined, sections)
        defined.add(name)
    return defined


def _check_chart_loop(settings: dict[str, Any], where: str) -> None:
    """chart_loop = "节.循环": a loop of that narrative section whose items have amount and share."""
    where_to = settings["chart_loop"]
    section_key, _, loop = where_to.partition(".")
    sections = {section["key"]: section for part in settings["parts"] for section in part.get("sections", [])}
    spec = sections.get(section_key, {}).get("figures", {}).get(loop)
    if not isinstance(spec, dict) or "each" not in spec or not {"amount", "share"} <= set(spec.get("figures", {})):
        raise ProfileError(f"{where} = “{where_to}”：应为“节的 key.循环数字名”，且这个循环的每一项有 amount 和 share "
                           f"两个数字（结构图按它画）")


def _check_form(form: dict[str, Any], where: str) -> None:
    """Placeholders of a form's texts; each fund row and text row names a field of the form's data."""
    from budget_author.model import PerfForm, PerfFunds, UnitPerfForm

    for key in ("title", "subtitle", "heading"):
        check_placeholders(form.get(key), FORM_FIELDS, f"{where} {key}")
    funds = PerfFunds if form.get("kind") == "project" else UnitPerfForm
    for index, row in enumerate(form.get("fund_rows", [])):
        if row.get("key") not in funds.model_fields:
            raise ProfileError(f"{where} fund_rows[{index}]: key = “{row.get('key')}” 不是资金栏目；可用："
                               f"{'、'.join(k for k, f in funds.model_fields.items() if 'Decimal' in str(f.annotation))}")
    texts = [k for k, f in PerfForm.model_fields.items() if f.annotation is str]
    for index, row in enumerate(form.get("text_rows", [])):
        if row.get("key") not in texts:
            raise ProfileError(f"{where} text_rows[{index}]: key = “{row.get('key')}” 不是绩效目标表的文字栏目；"
                               f"可用：{'、'.join(texts)}")


def validate(profile: Profile) -> None:
    try:
        Settings.model_validate(profile.settings)
    except ValidationError as exc:
        raise ProfileError(f"{profile.folder / 'profile.toml'}:\n{_explain(exc.errors())}") from None
    if profile.settings.get("name") != profile.name:
        raise ProfileError(f"{profile.folder / 'profile.toml'}: name = “{profile.settings.get('name')}”，"
                           f"应与文件夹名“{profile.name}”相同")
    validate_tables(profile)
    path = profile.folder / "profile.toml"
    from budget_author.catalogue import CATALOGUE

    rules = profile.settings.get("rules", {})
    for code in [*rules.get("off", []), *rules.get("severity", {})]:
        if code not in CATALOGUE:
            raise ProfileError(f"{path} [rules]: 未知的问题代码“{code}”")
    for index, item in enumerate(rules.get("prior_items", [])):
        check_filter(item.get("filter"), "expenditure", f"{path} [rules] prior_items[{index}]")
    styles = frozenset({"money", "percent", *profile.settings.get("formats", {})})
    for part in profile.settings["parts"]:
        for section in part.get("sections", []):
            where = f"{path}: parts（{part['key']}）节“{section['key']}”"
            for kind, style in section.get("formats", {}).items():
                if kind not in ("money", "percent") or style not in styles:
                    raise ProfileError(f"{where} formats: {kind} = “{style}”：键只能是 money 或 percent，"
                                       f"取值须是 [formats] 中的格式（{'、'.join(sorted(styles))}）")
            _check_figures(section.get("figures", {}), where, styles=styles)
    for part in profile.settings["parts"]:
        sections: dict[str, set[str]] = {}
        for section in part.get("sections", []):
            where = f"{path}: parts（{part['key']}）节“{section['key']}”"
            sections[section["key"]] = _check_names(section.get("figures", {}), where, set(), sections)
    places = {part["key"] for part in profile.settings["parts"]}
    places |= {key for part in profile.settings["parts"] for section in part.get("sections", [])
               for key in (section["key"], *(sub.get("key") for sub in section.get("subsections", [])))}
    settings = profile.settings
    for key, allowed in (("document_title", DOCUMENT_FIELDS), ("running_head", RUNNING_HEAD_FIELDS),
                         ("table_label", TABLE_LABEL_FIELDS), ("table_toc", TABLE_LABEL_FIELDS),
                         ("empty_note", EMPTY_NOTE_FIELDS)):
        check_placeholders(settings.get(key), allowed, f"{path}: {key}")
    for part in settings["parts"]:
        check_placeholders(part.get("title"), DOCUMENT_FIELDS, f"{path}: parts（{part['key']}）title")
        for section in part.get("sections", []):
            for sub_index, sub in enumerate([section, *section.get("subsections", [])]):
                at = f"{path}: parts（{part['key']}）节“{section['key']}”" + (f" subsections[{sub_index - 1}]" if sub_index else "")
                check_placeholders(sub.get("title"), SECTION_TITLE_FIELDS, f"{at} title")
    if settings.get("chart_loop"):
        _check_chart_loop(settings, f"{path}: chart_loop")
    for index, form in enumerate(settings.get("forms", [])):
        _check_form(form, f"{path} forms[{index}]")
    for index, form in enumerate(profile.settings.get("forms", [])):
        if form.get("place") not in places:
            raise ProfileError(f"{path} forms[{index}]: place = “{form.get('place')}” 不是任何部分或节的 key；"
                               f"可用：{'、'.join(sorted(p for p in places if p))}")
        if form.get("money") and form["money"] not in styles:
            raise ProfileError(f"{path} forms[{index}]: money = “{form['money']}” 不是 [formats] 中的格式")
    from budget_author.workbook.layout import validate_workbook

    validate_workbook(profile.workbook, profile.folder / "workbook.toml")
