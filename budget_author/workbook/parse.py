"""Cells → model. Leniency lives here and only here.

Full-width digits, thousands separators, stray spaces and numbers stored as
text are accepted. Every value that cannot be read becomes an Issue at its
cell; a sheet with such a problem is marked failed, so that rules which add it
up are skipped instead of reporting follow-on problems.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Mapping

from pydantic import ValidationError

from budget_author import model as M
from budget_author import profiles
from budget_author import vocabulary as V
from budget_author.issues import Issue, issue
from budget_author.money import EXCEL_DIGITS, AmountError, has_more_than_cents, parse_amount, round_half_up
from budget_author.workbook import characters as T
from budget_author.workbook import schema as S
from budget_author.workbook.layout import layout_of, meta_profile
from budget_author.workbook.layout import named_profile as _named_profile
from budget_author.workbook.read import EMPTY, RawCell, RawSheet, RawWorkbook

EXCEL_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA", "#SPILL!", "#CALC!"}
MAX_SHORT_CELL_CHARS = 100  # amounts, numbers, dates, codes and dropdown values; texts have their column's max_chars
MAX_SHOWN_CHARS = 50  # a cell's value quoted in a message is cut to this
MAX_LISTED = 10  # rows or sheets listed in one message

# Which typed texts print, and how a character the fonts cannot draw is judged there (issue 12):
# in free text (paragraphs, reasons, the forms' texts) a box is a warning; in a name or title
# (unit, project, indicator, code names, form fields) it is an error. (sheet key, column key);
# fixed-row sheets by their input column. Text columns not listed here are names.
FREE_TEXT = frozenset({
    ("paragraphs", "text"), ("reasons", "reason"), ("glossary", "text"), ("perf_indicators", "value"),
    *(("perf_forms", key) for key in ("overview", "basis", "necessity", "measures", "plan", "goal_impl", "goal_year")),
    ("prior_other", "reason"), ("key_projects", "text"), ("unit_perf_indicators", "value"),
    ("unit_perf_indicators", "basis"),
})
# The unit name prints on the cover (26 pt) and in every page's running head (9 pt, with the
# document title). At 60 characters the cover takes four lines and the running head two, inside
# the page margins; the text limit of the column (500) would push the cover title off its page and
# the running head into the body. Real unit names are shorter than 30 characters.
MAX_UNIT_NAME_CHARS = 60
NOT_PRINTED = frozenset({  # read, but never printed: references, codes typed as text, notes
    ("income", "note"), ("projects", "code"), ("custom_codes", "code"), ("custom_codes", "gov_code"),
    ("perf_forms", "project"), ("perf_indicators", "project"),
    ("paragraphs", "subject"), ("project_economic", "project"), ("key_projects", "project"), ("asset_items", "note"),
})


@dataclass(frozen=True)
class TypedTotal:
    """A total cell that holds a typed number instead of the template's formula — or, with
    formula=True, the template's formula and the result the file saved for it."""

    sheet_key: str
    column_key: str
    row: int | None  # None: the sheet's 合计 row; else the data row it totals
    where: tuple[str, str]
    typed: Decimal
    formula: bool = False


@dataclass
class ParseResult:
    budget: M.Budget
    issues: list[Issue] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    typed_totals: list[TypedTotal] = field(default_factory=list)
    text_amounts: dict[str, str] = field(default_factory=dict)  # sheet key → first amount cell stored as text
    meta_year: int | None = None
    profile: str = profiles.DEFAULT  # the workbook's profile (_meta.profile; the default when it names none)
    layout: S.Layout = S.DEFAULT_LAYOUT  # that profile's sheets, columns and lists

    def load_profile(self) -> profiles.Profile:
        """The workbook's profile, for compute_report."""
        return profiles.load_profile(self.profile)


class _Bad(Exception):
    def __init__(self, code: str, **params: Any):
        self.code = code
        self.params = params


def normalize_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return T.strip_edges(str(value))  # white space, and a pasted BOM or zero-width space


def _visible(text: str) -> list[str]:
    """Control and bidi characters named by code point (a message never carries them to the terminal),
    as the pieces a cut may fall between."""
    return [f"<U+{ord(ch):04X}>" if T.is_control(ch) or ch in T.BIDI_CONTROLS else ch for ch in text]


def shown(value: Any) -> str:
    """A cell's value as quoted in a message: never more than MAX_SHOWN_CHARS characters as shown
    (a control character shown as <U+001F> counts as its eight)."""
    if isinstance(value, float) and not (abs(value) < 1e15):  # 1e300, inf, nan: as written, not 301 digits
        return repr(value)
    text = normalize_text(value)
    pieces = _visible(text[:MAX_SHOWN_CHARS + 1])
    if sum(map(len, pieces)) <= MAX_SHOWN_CHARS and len(text) <= MAX_SHOWN_CHARS:
        return "".join(pieces)
    kept, length = [], 0
    for piece in pieces:
        if length + len(piece) > MAX_SHOWN_CHARS:
            break
        kept.append(piece)
        length += len(piece)
    return f"{''.join(kept)}……（共 {len(text)} 个字符）"


def _listed(items: list[Any]) -> str:
    head = "、".join(str(i) for i in items[:MAX_LISTED])
    return head + (f" 等 {len(items)} 处" if len(items) > MAX_LISTED else "")


# A reference to another workbook, outside string literals: [1]Sheet1!A1, '[1]Sheet 1'!A1, [1]!Name,
# or a file name in brackets ('C:\dir\[book.xlsx]Sheet1'!A1). Structured references (Table[Column]) are not.
_EXTERNAL_REF = re.compile(r"\[[1-9][0-9]*\]|\[[^\[\]]+\.(?:xl[a-z]{0,2}|et|ods|csv)\]", re.IGNORECASE)
_STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')


def external_reference(formula: str | None) -> bool:
    return bool(formula) and bool(_EXTERNAL_REF.search(_STRING_LITERAL.sub('""', formula)))


def _fold(text: str) -> str:
    """Comparison form of a label: NFKC, no white space, no required-marker."""
    return "".join(unicodedata.normalize("NFKC", text).split()).rstrip("*")


def header_text(value: Any) -> str:
    return _fold(normalize_text(value))


def same_label(actual: Any, expected: str) -> bool:
    """A header or row label as the schema has it; one written before its unit was added (“（元）”,
    “（元，自动）” → “（自动）”) is the same column."""
    text, want = header_text(actual), _fold(expected)
    return text in (want, want.replace("(元)", ""), want.replace("(元,自动)", "(自动)"))


# ---------------------------------------------------------------- value coercion
def _bounded(number: Decimal | None, value: Any, label: str) -> Decimal | None:
    """Refuse numbers of 10^15 or more: beyond what Excel keeps exactly, and beyond Decimal's
    28-digit context once cents are added (1e300 from a cell would make quantize() raise)."""
    if number is not None and number != 0 and number.adjusted() >= EXCEL_DIGITS:
        raise _Bad("VAL_NUMBER_TOO_LARGE", field=label, value=shown(value))
    return number


def _money(value: Any, label: str) -> Decimal | None:
    try:
        amount = parse_amount(value)
    except AmountError as exc:
        raise _Bad(exc.code, value=shown(value), field=label) from exc
    amount = _bounded(amount, value, label)
    if amount is None:
        return None
    if amount < 0:
        raise _Bad("VAL_AMOUNT_NEGATIVE", value=shown(value))
    if has_more_than_cents(amount):
        raise _Bad("VAL_AMOUNT_PRECISION", value=shown(value))
    return amount


def _integer(value: Any, label: str) -> int | None:
    try:
        number = parse_amount(value)
    except AmountError as exc:
        raise _Bad("VAL_NOT_INTEGER", field=label, value=shown(value)) from exc
    number = _bounded(number, value, label)
    if number is None:
        return None
    if number < 0 or number != number.to_integral_value():
        raise _Bad("VAL_NOT_INTEGER", field=label, value=shown(value))
    return int(number)


def _number(value: Any, label: str) -> Decimal | None:
    try:
        number = parse_amount(value)
    except AmountError as exc:
        raise _Bad("VAL_NOT_NUMBER", field=label, value=shown(value)) from exc
    number = _bounded(number, value, label)
    if number is not None and number < 0:
        raise _Bad("VAL_NOT_NUMBER", field=label, value=shown(value))
    return number


_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def _date(value: Any, label: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = _DATE_TEXT.fullmatch(unicodedata.normalize("NFKC", value).strip())
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                pass
    # dt.time / dt.timedelta (a 时分 format), a plain number (a serial without a date format), other text
    raise _Bad("VAL_DATE", field=label, value=shown(value))


def _choice(value: Any, label: str, list_name: str, strict: bool = True,
            lists: Mapping[str, tuple[str, ...]] | None = None) -> str:
    text = normalize_text(value)
    if not text:
        return ""
    options = (lists if lists is not None else S.LISTS)[list_name]
    folded = _fold(text)
    for option in options:
        if _fold(option) == folded or _fold(option) == folded + "指标":
            return option
    for alias, option in S.CHOICE_ALIASES.get(list_name, {}).items():
        if _fold(alias) == folded:
            return option
    if not strict:
        return text
    raise _Bad("VAL_CHOICE", field=label, value=shown(text), choices="、".join(options))


def _code(value: Any) -> str:
    text = normalize_text(value)
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not (ch.isspace() or ch in T.INVISIBLE))


def _text(value: Any, label: str, limit: int) -> str:
    text = normalize_text(value)
    if len(text) > limit:
        raise _Bad("VAL_TEXT_TOO_LONG", field=label, length=len(text), limit=limit)
    return text


def coerce(kind: S.Kind, value: Any, label: str, *, choices: str | None = None, strict: bool = True,
           limit: int = 500, lists: Mapping[str, tuple[str, ...]] | None = None) -> Any:
    if kind not in ("text", "seq", "formula") and isinstance(value, str) and len(value) > MAX_SHORT_CELL_CHARS:
        raise _Bad("VAL_CELL_TOO_LONG", field=label, length=len(value), limit=MAX_SHORT_CELL_CHARS)
    if kind == "money":
        return _money(value, label)
    if kind == "int":
        return _integer(value, label)
    if kind == "number":
        return _number(value, label)
    if kind == "date":
        return _date(value, label)
    if kind == "choice":
        return _choice(value, label, choices or "", strict, lists)
    if kind == "code":
        return _code(value)
    return _text(value, label, limit)


def _is_finite_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_blank(value: Any) -> bool:
    """Empty, or nothing visible: white space, zero-width and other invisible characters only."""
    return value is None or (isinstance(value, str) and T.is_blank_text(value))


# ---------------------------------------------------------------- the parser
class _Parser:
    def __init__(self, raw: RawWorkbook):
        self.raw = raw
        self.result = ParseResult(budget=M.Budget())
        self.issues = self.result.issues
        self._claimed: set[str] = set()  # stray sheets already recognised as a renamed schema sheet
        named = named_profile(raw)
        self.unknown_profile = "" if not named or profiles.is_known(named) else named
        self.result.profile = workbook_profile(raw)
        self.layout = self.result.layout = layout_of(self.result.profile)

    def spec(self, key: str) -> S.Sheet:
        """A sheet as this workbook's profile lays it out."""
        return self.layout.sheet(key)

    def fixed_cell(self, sheet_key: str, row_key: str) -> str:
        """The input cell of a fixed-row sheet's row, in this workbook's layout."""
        spec = self.spec(sheet_key)
        return spec.cell(spec.input_column().key, spec.fixed_row_number(row_key))

    def add(self, code: str, sheet_key: str | None, cell: str | None, **params: Any) -> None:
        where = (S.sheet(sheet_key).title, cell) if sheet_key else None
        self.issues.append(issue(code, where, **params))
        if sheet_key and code.startswith(("VAL_", "WB_")):
            self.result.failed.add(sheet_key)

    def cell_value(self, sheet_key: str, ref: str, raw: RawCell, *, kind: S.Kind = "text", label: str = "",
                   limit: int = 500) -> Any:
        """The value of an input cell, or raise _Bad for what openpyxl would have read silently wrong."""
        value = raw.value
        if raw.copies > 1:
            raise _Bad("VAL_DUPLICATE_CELL", ref=ref, count=raw.copies)
        if raw.corrupt is not None:
            raise _Bad("VAL_CELL_CORRUPT", value=raw.corrupt)
        if external_reference(raw.formula):
            raise _Bad("VAL_FORMULA_EXTERNAL", formula=shown(raw.formula))
        if raw.formula is not None and value is None:
            raise _Bad("VAL_FORMULA_NO_CACHE")
        if raw.error or (isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS):
            raise _Bad("VAL_CELL_ERROR", value=shown(value).strip())
        if (raw.formula is not None and self.raw.full_calc_on_load and not isinstance(value, bool)
                and (value == 0 or value == "")):
            raise _Bad("VAL_FORMULA_CACHED_ZERO")
        if raw.length is not None:
            if kind == "text":
                raise _Bad("VAL_TEXT_TOO_LONG", field=label, length=raw.length, limit=limit)
            raise _Bad("VAL_CELL_TOO_LONG", field=label, length=raw.length, limit=MAX_SHORT_CELL_CHARS)
        if isinstance(value, str):
            value = self.clean(sheet_key, ref, label, value)
        return value

    def clean(self, sheet_key: str, ref: str, label: str, text: str) -> str:
        """The text without bidi and control characters, with a warning for each kind removed."""
        cleaned, bidi, controls = T.clean(text)
        where = (S.sheet(sheet_key).title, ref)
        if bidi:
            self.issues.append(issue("TEXT_BIDI_CONTROL", where, field=label, count=len(bidi),
                                     chars=T.listed_controls(bidi)))
        if controls:
            self.issues.append(issue("TEXT_CONTROL_CHAR", where, field=label, count=len(controls),
                                     chars=T.listed_controls(controls)))
        return cleaned

    def check_glyphs(self, sheet_key: str, column_key: str, ref: str, label: str, text: Any) -> None:
        """A printed text with characters the document's fonts cannot draw: one problem for the cell."""
        if not isinstance(text, str) or (sheet_key, column_key) in NOT_PRINTED:
            return
        missing = T.missing_glyphs(text)
        if missing:
            code = "TEXT_NO_GLYPH" if (sheet_key, column_key) in FREE_TEXT else "TEXT_NO_GLYPH_NAME"
            self.issues.append(issue(code, (S.sheet(sheet_key).title, ref), field=label, chars=T.listed(missing)))

    # -- structure
    def check_structure(self) -> None:
        raw = self.raw
        if raw.macros:
            self.issues.append(issue("WB_MACROS"))
        if not raw.has_meta:
            self.issues.append(issue("WB_META_MISSING"))
        else:
            version = raw.meta.get("schema_version")
            try:
                version_number = int(version)
            except (TypeError, ValueError, OverflowError):
                version_number = S.SCHEMA_VERSION
            if version_number > S.SCHEMA_VERSION:
                self.issues.append(issue("WB_SCHEMA_NEWER", found=shown(version), supported=S.SCHEMA_VERSION))
            try:
                self.result.meta_year = int(raw.meta.get("year") or 0) or None
            except (TypeError, ValueError, OverflowError):
                self.result.meta_year = None
            if self.unknown_profile:
                known = "、".join(f"{name}（{profiles.BUILT_IN[name]}）" if name in profiles.BUILT_IN else name
                                 for name in profiles.available())
                self.issues.append(issue("WB_PROFILE_UNKNOWN", found=shown(self.unknown_profile), known=known))
        # Sheets this profile's workbook does not have count as missing (rules that need them do not run).
        self.result.missing.update(key for key in S.ALL_SHEETS_BY_KEY if not self.layout.has(key))
        before = len(self.issues)
        for spec in self.layout.sheets:
            sheet = raw.sheets.get(spec.key)
            if sheet is None:
                self.result.missing.add(spec.key)
                renamed = self.renamed_as(spec)
                if renamed is not None:
                    self.issues.append(issue("WB_SHEET_RENAMED", (renamed, None), title=spec.title, actual=renamed))
                elif not spec.optional:  # an optional sheet came after version 1: an older workbook has none
                    self.issues.append(issue("WB_SHEET_MISSING", (spec.title, None), title=spec.title))
                continue
            problem = self.misfit(spec, sheet)
            if problem is not None:
                code, cell, params = problem
                self.add(code, spec.key, cell, **params)
        if len(self.issues) > before and raw.has_meta and not self.unknown_profile:
            other = self.other_profile()
            if other is not None:  # one clear error instead of every sheet that does not fit
                del self.issues[before:]
                self.issues.append(other)

    @staticmethod
    def misfit(spec: S.Sheet, sheet: RawSheet) -> tuple[str, str, dict[str, Any]] | None:
        """The first header or row label of a present sheet that is not the layout's, as (code, cell, params)."""
        for index, col in enumerate(spec.columns):
            actual = sheet.headers[index] if index < len(sheet.headers) else None
            if col.optional and _is_blank(actual):
                continue  # an older workbook without this column: read as blank
            if not same_label(actual, col.header):
                return ("WB_HEADER_MISMATCH", f"{S.column_letter(index + 1)}1",
                        {"expected": col.header, "actual": shown(actual)})
        if spec.is_fixed:
            for row_spec in spec.fixed_rows:
                number = spec.fixed_row_number(row_spec.key)
                cells = sheet.rows.get(number)
                label = normalize_text(cells[0].value) if cells else ""
                if row_spec.optional and not label:
                    continue  # an older workbook without this row: read as blank
                if not same_label(label, row_spec.label):
                    return "WB_ROW_LABEL_MISMATCH", f"A{number}", {"expected": row_spec.label, "actual": shown(label)}
        return None

    def other_profile(self) -> Issue | None:
        """The sheets do not fit the profile _meta names: if they fit another profile's workbook exactly,
        WB_PROFILE_MISMATCH naming both."""
        def label(name: str) -> str:
            return f"{name}（{profiles.BUILT_IN[name]}）" if name in profiles.BUILT_IN else name

        for name in profiles.available():
            if name == self.result.profile:
                continue
            try:
                layout = layout_of(name)
            except profiles.ProfileError:
                continue
            fits = all(
                (spec.key in self.raw.sheets and self.misfit(spec, self.raw.sheets[spec.key]) is None)
                or (spec.optional and spec.key not in self.raw.sheets)
                for spec in layout.sheets)
            if fits:
                return issue("WB_PROFILE_MISMATCH", found=label(self.result.profile), expected=label(name))
        return None

    def renamed_as(self, spec: S.Sheet) -> str | None:
        """The title of a sheet the schema does not name whose header row (and, for a fixed-row sheet,
        row labels) are this sheet's: the clerk renamed it. None when no such sheet is unclaimed."""
        def same(actual: list[Any], expected: list[tuple[str, bool]]) -> bool:
            """Each expected (label, optional) matches; an optional one may be blank (an older workbook)."""
            actual = list(actual) + [None] * (len(expected) - len(actual))
            return any(not _is_blank(a) for a in actual) and all(
                same_label(a, label) or (optional and _is_blank(a)) for a, (label, optional) in zip(actual, expected))

        for title, (headers, labels) in self.raw.strays.items():
            if title in self._claimed:
                continue
            if same(headers, [(c.header, c.optional) for c in spec.columns]) and (
                    not spec.is_fixed or same(labels, [(r.label, r.optional) for r in spec.fixed_rows])):
                self._claimed.add(title)
                return title
        return None

    def usable(self, key: str) -> RawSheet | None:
        if key in self.result.missing or key in self.result.failed or not self.layout.has(key):
            return None
        return self.raw.sheets.get(key)

    def covered(self, key: str) -> Callable[[int, int], bool]:
        """Is (row, column) hidden under a merged range (inside it, not its top-left cell)?

        Excel shows such a cell as blank whatever the file stores, so it is read as blank.
        Per column, the merged row spans are joined into disjoint intervals (bounded work
        however many ranges overlap).
        """
        sheet = self.raw.sheets.get(key)
        if sheet is None or not sheet.merged:
            return lambda row, col: False
        width = len(self.spec(key).columns)
        spans: dict[int, list[tuple[int, int]]] = {}
        anchors = set()
        for min_col, min_row, max_col, max_row in sheet.merged:
            anchors.add((min_row, min_col))
            for col in range(min_col, min(max_col, width) + 1):
                spans.setdefault(col, []).append((min_row, max_row))
        joined: dict[int, tuple[list[int], list[int]]] = {}
        for col, pairs in spans.items():
            starts: list[int] = []
            ends: list[int] = []
            for low, high in sorted(pairs):
                if starts and low <= ends[-1] + 1:
                    ends[-1] = max(ends[-1], high)
                else:
                    starts.append(low)
                    ends.append(high)
            joined[col] = (starts, ends)

        def test(row: int, col: int) -> bool:
            if col not in joined or (row, col) in anchors:
                return False
            starts, ends = joined[col]
            at = bisect.bisect_right(starts, row) - 1
            return at >= 0 and row <= ends[at]

        return test

    # -- generic readers
    def read_fixed(self, key: str) -> dict[str, Any]:
        """A fixed-row sheet's values by row key (blank rows absent)."""
        sheet = self.usable(key)
        if sheet is None:
            return {}
        spec = self.spec(key)
        column = spec.input_column()
        index = spec.columns.index(column)
        covered = self.covered(key)
        values: dict[str, Any] = {}
        for row_spec in spec.fixed_rows:
            number = spec.fixed_row_number(row_spec.key)
            ref = f"{S.column_letter(index + 1)}{number}"
            cells = sheet.rows.get(number) or [EMPTY] * len(spec.columns)
            if row_spec.optional and _is_blank(cells[0].value):
                continue  # an older workbook without this row
            raw_cell = EMPTY if covered(number, index + 1) else cells[index]
            kind = spec.fixed_kind(row_spec)
            try:
                value = self.cell_value(key, ref, raw_cell, kind=kind, label=row_spec.label, limit=column.max_chars)
                if _is_blank(value):
                    if row_spec.required:
                        raise _Bad("VAL_REQUIRED", field=row_spec.label, hint="请补充此项。")
                    continue
                values[row_spec.key] = coerce(kind, value, row_spec.label, choices=row_spec.choices,
                                              limit=column.max_chars, lists=self.layout.lists)
                if kind == "text":
                    self.check_glyphs(key, column.key, ref, row_spec.label, values[row_spec.key])
                if (key, row_spec.key) == ("unit", "name") and len(values["name"]) > MAX_UNIT_NAME_CHARS:
                    self.issues.append(issue("UNIT_NAME_TOO_LONG", (spec.title, ref), length=len(values["name"]),
                                             limit=MAX_UNIT_NAME_CHARS))
            except _Bad as bad:
                self.add(bad.code, key, ref, **bad.params)
        return values

    def read_table(self, key: str) -> list[tuple[int, dict[str, Any]]]:
        """A table sheet's non-empty rows: (row number, {column key: value})."""
        sheet = self.usable(key)
        if sheet is None:
            return []
        spec = self.spec(key)
        out: list[tuple[int, dict[str, Any]]] = []
        covered = self.covered(key)
        for number, cells in sorted(sheet.rows.items()):
            if sheet.merged:
                cells = [EMPTY if covered(number, i + 1) else c for i, c in enumerate(cells)]
            inputs = [(i, c) for i, c in enumerate(spec.columns) if c.is_input]
            if all(_is_blank(cells[i].value) and cells[i].formula is None and cells[i].corrupt is None
                   and cells[i].copies == 1 for i, _ in inputs):
                continue
            record: dict[str, Any] = {}
            row_ok = True
            for index, col in enumerate(spec.columns):
                ref = f"{S.column_letter(index + 1)}{number}"
                raw_cell = cells[index]
                if col.kind == "seq":
                    value = raw_cell.value
                    record[col.key] = normalize_text(self.clean(key, ref, col.header, value)
                                                     if isinstance(value, str) else value)
                    continue
                if col.kind == "formula":
                    self.note_typed_total(key, col.key, number, ref, raw_cell)
                    continue
                try:
                    value = self.cell_value(key, ref, raw_cell, kind=col.kind, label=col.header, limit=col.max_chars)
                    if _is_blank(value):
                        if col.required:
                            raise _Bad("VAL_REQUIRED", field=col.header, hint="请补充此项，或删除整行。")
                        record[col.key] = None if col.kind in ("money", "int", "number", "date") else ""
                        continue
                    record[col.key] = coerce(col.kind, value, col.header, choices=col.choices,
                                             strict=col.strict_choices, limit=col.max_chars, lists=self.layout.lists)
                    if col.kind == "text" or (col.kind == "choice" and not col.strict_choices):
                        self.check_glyphs(key, col.key, ref, col.header, record[col.key])
                    if col.kind == "money" and isinstance(value, str):  # accepted, but Excel's SUM skips it
                        self.result.text_amounts.setdefault(key, ref)
                except _Bad as bad:
                    self.add(bad.code, key, ref, **bad.params)
                    row_ok = False
            if row_ok:
                out.append((number, record))
        if spec.total_row and sheet.total_row:
            for index, col in enumerate(spec.columns):
                if index and (col.kind == "money" or col.key.endswith("total")):
                    self.note_typed_total(key, col.key, None, f"{S.column_letter(index + 1)}2", sheet.total_row[index])
        return out

    def note_typed_total(self, key: str, column_key: str, row: int | None, ref: str, raw_cell: RawCell) -> None:
        """Remember a total cell's number, typed over the formula or saved as the formula's result."""
        if _is_blank(raw_cell.value) or raw_cell.copies > 1 or raw_cell.error:
            return
        if row is not None and not column_key.endswith("total"):
            return  # other computed columns (names, flags) are display only
        formula = raw_cell.formula is not None
        if formula and (self.raw.full_calc_on_load or not _is_finite_number(raw_cell.value)):
            return  # Excel recalculates it on opening (our template asks so), or there is no saved number
        if isinstance(raw_cell.value, str) and len(raw_cell.value) > MAX_SHORT_CELL_CHARS:
            return
        try:
            typed = parse_amount(raw_cell.value)
        except AmountError:
            return
        if typed is not None and (typed == 0 or typed.adjusted() < EXCEL_DIGITS):
            if formula:  # a sum saved in binary floating point: 1234.5600000001 is 1234.56
                typed = round_half_up(typed, 2)
            spec = S.sheet(key)
            self.result.typed_totals.append(TypedTotal(key, column_key, row, (spec.title, ref), typed, formula))

    # -- sheets → model
    def parse(self) -> ParseResult:
        self.check_structure()
        b: dict[str, Any] = {}
        unit = self.read_fixed("unit")
        if unit and "unit" not in self.result.failed:
            year = unit.get("year")
            if year is not None and not 2000 <= year <= 2100:
                self.add("VAL_YEAR", "unit", self.fixed_cell("unit", "year"), value=year)
            else:
                b["unit"] = M.Unit(**unit)
        b["income"] = tuple(M.IncomeFact(row=n, **_leveled(r)) for n, r in self.read_table("income"))
        b["income_items"] = tuple(M.IncomeItem(row=n, **r) for n, r in self.read_table("income_items"))
        b["expenditure"] = tuple(M.ExpenditureFact(row=n, **_leveled(r)) for n, r in self.read_table("expenditure"))
        b["basic_economic"] = tuple(
            M.BasicEconomicFact(row=n, **{**_leveled(r), "source": r.get("source") or V.SOURCES[0],
                                          "period": r.get("period") or V.PERIOD_CURRENT})
            for n, r in self.read_table("basic_economic")
        )
        b["three_public"] = tuple(M.ThreePublicFact(row=n, **r) for n, r in self.read_table("three_public"))
        admin = self.read_fixed("admin_running")
        b["admin_running"] = {S.SOURCE_KEYS[k]: v for k, v in admin.items()}
        b["projects"] = self.with_economic(tuple(self._project(n, r) for n, r in self.read_table("projects")))
        b["paragraphs"] = tuple(M.Paragraph(row=n, **r) for n, r in self.read_table("paragraphs"))
        b["reasons"] = self.read_fixed("reasons")
        b["glossary"] = tuple(M.GlossaryEntry(row=n, **r) for n, r in self.read_table("glossary"))
        b["custom_codes"] = tuple(
            M.CustomCode(row=n, **{**r, "code": _code(r["code"]), "gov_code": _code(r.get("gov_code"))})
            for n, r in self.read_table("custom_codes")
        )
        if self.usable("prior") is not None:
            prior = self.read_fixed("prior")
            b["prior"] = {row.key: prior.get(row.key) for row in S.PRIOR_ROWS}
        procurement = self.read_fixed("procurement")
        b["procurement"] = {k: v for k, v in procurement.items() if k not in RESERVED}
        b["procurement_reserved"] = {k: v for k, v in procurement.items() if k in RESERVED}
        assets = self.read_fixed("assets")
        if "assets" not in self.result.failed and "assets" not in self.result.missing:
            b["assets"] = M.Assets(
                as_of=assets["as_of"],
                vehicle_quota=assets.get("vehicle_quota") or 0,
                vehicles={label: assets.get(f"vehicles_{key}") or 0 for key, label in S.VEHICLE_KINDS},
                floor_area=assets["floor_area"],
                equipment_50=assets.get("equipment_50") or 0,
                equipment_100=assets.get("equipment_100") or 0,
            )
        overall = self.read_fixed("overall_perf")
        if (overall.get("amount") is None and overall.get("compiled") != "否"
                and "overall_perf" not in self.result.failed and "overall_perf" not in self.result.missing):
            self.add("VAL_REQUIRED", "overall_perf", self.fixed_cell("overall_perf", "amount"),
                     field="整体绩效目标涉及资金", hint="请填写金额（元）；没有编报整体绩效目标的，在“是否编报整体绩效目标”中选“否”。")
        if "overall_perf" not in self.result.failed and "overall_perf" not in self.result.missing:
            b["overall_performance"] = M.OverallPerformance(
                count=overall.get("count"), amount=overall.get("amount") or 0,
                compiled={"是": True, "否": False}.get(overall.get("compiled", "")))
        b["options"] = M.Options(**self.read_fixed("options"))
        b["purchase_catalogue"] = tuple(M.CatalogueRow(row=n, **r) for n, r in self.read_table("purchase_catalogue"))
        b["perf_forms"] = tuple(self._perf_form(n, r) for n, r in self.read_table("perf_forms"))
        b["indicators"] = tuple(
            M.Indicator(row=n, **{**r, "project": _code(r["project"])}) for n, r in self.read_table("perf_indicators")
        )
        b["comparisons"] = self.comparisons(b.get("prior"), b["reasons"])
        if self.usable("staffing") is not None:
            b["staffing"] = M.Staffing(**self.read_fixed("staffing"))
        b["asset_items"] = tuple(M.AssetItem(row=n, **r) for n, r in self.read_table("asset_items"))
        b["unit_perf_form"] = self.unit_perf_form()
        b["key_projects"] = tuple(
            M.KeyProject(row=n, project=_code(r["project"]), heading=r.get("heading") or "", text=r["text"])
            for n, r in self.read_table("key_projects"))
        self.drop_discontinued(b)
        self.check_references(b["projects"], b["key_projects"])
        self.check_layout()
        try:
            self.result.budget = M.Budget(**b)
        except ValidationError as exc:  # a bug in the parser: never show pydantic's English
            raise RuntimeError(f"model validation failed after parsing: {exc}") from exc
        return self.result

    # -- issue 14: comparison datasets and typed blocks
    def comparisons(self, prior: dict[str, Any] | None, reasons: dict[str, str]) -> dict[str, M.Comparison]:
        """上年预算 / 上年执行数 from the sheets that state them: 上年数 (the default workbook's totals and
        their 变动原因), 上年支出 (leaves per 项) and 上年其他 (income lines, items and totals)."""
        parts: dict[str, dict[str, Any]] = {}

        def part(name: str) -> dict[str, Any]:
            return parts.setdefault(name, {"expenditure": [], "three_public": {}, "admin_running": None,
                                           "income": [], "totals": {}, "reasons": {}})

        if prior is not None:
            budget = part(V.PRIOR_BUDGET)
            for key, amount in prior.items():
                if amount is None:
                    continue
                budget["totals"][key] = amount
                if key in S.THREE_PUBLIC_KEYS:
                    budget["three_public"][S.THREE_PUBLIC_KEYS[key]] = amount
                elif key == "admin_running":
                    budget["admin_running"] = amount
            budget["reasons"].update({k: v for k, v in reasons.items() if v})
        seen: dict[tuple, int] = {}

        def once(sheet_key: str, number: int, key: tuple, described: str) -> bool:
            """The first row of a fact; a repeated one is DUP_FACT (it would count twice)."""
            if key in seen:
                spec = self.spec(sheet_key)
                self.issues.append(issue("DUP_FACT", (spec.title, spec.cell("dataset", number)),
                                         related=[(spec.title, spec.cell("dataset", seen[key]))],
                                         other=seen[key], key=described))
                return False
            seen[key] = number
            return True

        for n, r in self.read_table("prior_expenditure"):
            fact = M.ComparisonExpenditure(
                row=n, code=r["code"], name=r.get("name") or "", source=r["source"], kind=r["kind"],
                period=r.get("period") or V.PERIOD_CURRENT, level=r.get("level") or V.LEVEL_OWN, amount=r["amount"])
            if once("prior_expenditure", n, ("E", r["dataset"], fact.code, fact.source, fact.kind, fact.period,
                                             fact.level), "数据集+科目+资金来源+支出类型+预算类型+级次"):
                part(r["dataset"])["expenditure"].append(fact)
        for n, r in self.read_table("prior_other"):
            if not once("prior_other", n, ("O", r["dataset"], r["item"], r.get("source") or "",
                                           r.get("level") or V.LEVEL_OWN, r.get("period") or V.PERIOD_CURRENT),
                        "数据集+项目+资金来源+级次+预算类型"):
                continue
            target = part(r["dataset"])
            item, reason = r["item"], r.get("reason") or ""
            if item == "收入":
                if not r.get("source"):
                    self.add("VAL_REQUIRED", "prior_other", self.spec("prior_other").cell("source", n),
                             field="资金来源", hint="收入行请选择资金来源。")
                    continue
                line = M.ComparisonIncome(row=n, source=r["source"], level=r.get("level") or V.LEVEL_OWN,
                                          period=r.get("period") or V.PERIOD_CURRENT, amount=r["amount"])
                target["income"].append(line)
                key = M.income_key(line.source, line.level, line.period)
            else:
                key = PRIOR_ITEM_KEYS[item]
                target["totals"][key] = r["amount"]
                if key in S.THREE_PUBLIC_KEYS:
                    target["three_public"][item] = r["amount"]
                elif key == "admin_running":
                    target["admin_running"] = r["amount"]
            if reason:
                target["reasons"][key] = reason
        return {name: M.Comparison(**{k: tuple(v) if isinstance(v, list) else v for k, v in value.items()})
                for name, value in parts.items()}

    def with_economic(self, projects: tuple[M.Project, ...]) -> tuple[M.Project, ...]:
        """The projects with their economic split (项目经济分类), summed per project and code."""
        rows = self.read_table("project_economic")
        if not rows:
            return projects
        index = M.ProjectIndex(projects, ())
        split: dict[int, dict[str, Decimal]] = {}
        for n, r in rows:
            project = index.find(_code(r["project"]))
            if project is None:
                self.unknown_reference("project_economic", n, r["project"])
                continue
            codes = split.setdefault(id(project), {})
            code = _code(r["code"])
            codes[code] = codes.get(code, Decimal(0)) + r["amount"]
        return tuple(p.model_copy(update={"economic": split[id(p)]}) if id(p) in split else p for p in projects)

    def drop_discontinued(self, b: dict[str, Any]) -> None:
        """Projects whose 本年继续 is 否 (carried from last year, not continued) are left out of this year's
        budget, with the 绩效目标表, 绩效指标 and 重点项目 rows that name them; PROJECT_DROPPED reminds the
        clerk to delete the rows."""
        dropped = [p for p in b["projects"] if p.continued == S.CONTINUE_CHOICES[2]]
        if not dropped:
            return
        index = M.ProjectIndex(b["projects"], ())
        gone = {id(p) for p in dropped}

        def kept(ref: str) -> bool:
            project = index.find(ref)
            return project is None or id(project) not in gone

        b["projects"] = tuple(p for p in b["projects"] if id(p) not in gone)
        for key in ("perf_forms", "indicators", "key_projects"):
            b[key] = tuple(item for item in b[key] if kept(item.project))
        spec = self.spec("projects")
        for project in dropped:
            self.issues.append(issue("PROJECT_DROPPED", (spec.title, spec.cell("continued", project.row)),
                                     name=project.name))

    def unknown_reference(self, key: str, number: int, ref: Any) -> None:
        spec = self.spec(key)
        self.issues.append(issue("PERF_PROJECT_UNKNOWN", (spec.title, spec.cell("project", number)),
                                 ref=shown(ref), rows=f"“{spec.title}”第 {number} 行"))

    def check_references(self, projects: tuple[M.Project, ...], key_projects: tuple[M.KeyProject, ...]) -> None:
        if not key_projects:
            return  # no index to build (the rules and compute build theirs once, on the Budget)
        index = M.ProjectIndex(projects, ())
        for key_project in key_projects:
            if index.find(key_project.project) is None:
                self.unknown_reference("key_projects", key_project.row, key_project.project)

    def unit_perf_form(self) -> M.UnitPerfForm | None:
        if self.usable("unit_perf_form") is None and self.usable("unit_perf_indicators") is None:
            return None
        values = self.read_fixed("unit_perf_form")
        indicators = tuple(
            M.UnitIndicator(row=n, **{**r, "basis": r.get("basis") or ""})
            for n, r in self.read_table("unit_perf_indicators"))
        if not values and not indicators:
            return None
        return M.UnitPerfForm(**values, indicators=indicators)

    # -- what the clerk cannot see: merged, hidden, and rows past the end
    def check_layout(self) -> None:
        for spec in self.layout.sheets:
            sheet = self.raw.sheets.get(spec.key)
            if sheet is None or spec.key in self.result.missing:
                continue
            first = 2 if spec.is_fixed else spec.first_data_row
            inputs = [i + 1 for i, c in enumerate(spec.columns) if c.is_input]
            money = self._money_cells(spec, sheet)
            for min_col, min_row, max_col, max_row in sheet.merged:
                cols = [c for c in inputs if min_col <= c <= max_col]
                single = (min_col, min_row) == (max_col, max_row)
                if not cols or max_row < first or min_row > spec.last_data_row or single:
                    continue
                span = f"{S.column_letter(min_col)}{min_row}:{S.column_letter(max_col)}{max_row}"
                anchor = f"{S.column_letter(min_col)}{min_row}"
                if self._is_money_area(spec, cols, max(min_row, first), min(max_row, spec.last_data_row)):
                    self.add("VAL_MERGED_AMOUNT", spec.key, anchor, range=span, first=anchor)
                else:
                    self.issues.append(issue("WB_MERGED_CELLS", (spec.title, anchor), range=span, first=anchor))
            hidden_rows = sorted({row for row, _col in money if row in sheet.hidden_rows})
            if hidden_rows:
                self.issues.append(issue("WB_HIDDEN_ROWS", (spec.title, None), title=spec.title,
                                         rows=_listed(hidden_rows)))
            hidden_cols = sorted({col for _row, col in money if col in sheet.hidden_columns})
            if hidden_cols:
                self.issues.append(issue("WB_HIDDEN_COLUMNS", (spec.title, None), title=spec.title,
                                         columns=_listed([S.column_letter(c) for c in hidden_cols])))
            if sheet.state != "visible" and money:
                self.issues.append(issue("WB_HIDDEN_SHEET", (spec.title, None), title=spec.title, count=len(money)))
            if sheet.rows_beyond:
                rows = list(sheet.rows_beyond)
                more = sheet.rows_beyond_count - len(rows)
                listed = "、".join(str(r) for r in rows) + (f" 等 {sheet.rows_beyond_count} 行" if more > 0 else "")
                self.add("WB_DATA_BEYOND_ROWS", spec.key, f"A{rows[0]}", title=spec.title, rows=listed,
                         last=spec.last_data_row)

    @staticmethod
    def _is_money_area(spec: S.Sheet, cols: list[int], low: int, high: int) -> bool:
        if spec.is_fixed:
            if not any(spec.columns[c - 1].key in ("value", "amount") for c in cols):
                return False
            return any(spec.fixed_kind(spec.fixed_rows[r - 2]) == "money"
                       for r in range(low, high + 1) if 0 <= r - 2 < len(spec.fixed_rows))
        return any(spec.columns[c - 1].kind == "money" for c in cols)

    @staticmethod
    def _money_cells(spec: S.Sheet, sheet: RawSheet) -> list[tuple[int, int]]:
        """(row, column) of every non-blank amount cell the sheet holds."""
        out = []
        for number, cells in sheet.rows.items():
            for index, col in enumerate(spec.columns):
                if spec.is_fixed:
                    if not 0 <= number - 2 < len(spec.fixed_rows) or col.key not in ("value", "amount"):
                        continue
                    if spec.fixed_kind(spec.fixed_rows[number - 2]) != "money":
                        continue
                elif col.kind != "money":
                    continue
                if index < len(cells) and not _is_blank(cells[index].value):
                    out.append((number, index + 1))
        return out

    @staticmethod
    def _project(number: int, r: dict[str, Any]) -> M.Project:
        current = {S.SOURCE_KEYS[k[4:]]: r[k] for k in r if k.startswith("cur_") and r[k] is not None}
        carry = {S.SOURCE_KEYS[k[3:]]: r[k] for k in r if k.startswith("co_") and r[k] is not None}
        return M.Project(
            row=number, seq=r.get("seq", ""), code=_code(r.get("code")), name=r["name"],
            category=r["category"], current=current, carryover=carry, published=r.get("published") == "是",
            level=r.get("level") or V.LEVEL_OWN, function=_code(r.get("function")), continued=r.get("continued") or "",
        )

    @staticmethod
    def _perf_form(number: int, r: dict[str, Any]) -> M.PerfForm:
        def funds(prefix: str) -> M.PerfFunds:
            return M.PerfFunds(
                central=r.get(f"{prefix}_central"), provincial=r.get(f"{prefix}_provincial"),
                local=r.get(f"{prefix}_local"), self_raised=r.get(f"{prefix}_self"), other=r.get(f"{prefix}_other"),
            )

        texts = {k: r[k] for k in ("dept", "attribute", "term", "overview", "basis", "necessity", "measures",
                                   "plan", "goal_impl", "goal_year", "filled_at")}
        texts.update({k: r.get(k) or "" for k in ("signer", "handler", "phone", "rating")})
        return M.PerfForm(row=number, project=_code(r["project"]), impl=funds("impl"), year=funds("year"), **texts)


RESERVED = ("sme_reserved", "micro_reserved")  # 政府采购's reservation rows (Budget.procurement_reserved)
# 上年其他's 项目 → the Comparison.totals key it states.
PRIOR_ITEM_KEYS = {
    "收入总计": "income_total",
    "支出总计": "expenditure_total",
    "基本支出": "basic_total",
    "项目支出": "project_total",
    "一般公共预算当年支出": "gpb_current_expenditure",
    "“三公”经费合计": "three_public_total",
    **{item: key for key, item in S.THREE_PUBLIC_KEYS.items()},
    "机关运行经费": "admin_running",
}


def _leveled(record: dict[str, Any]) -> dict[str, Any]:
    """A fact row with a blank 级次 read as 本级 (the extra column absent or left blank)."""
    if "level" in record and not record["level"]:
        return {**record, "level": V.LEVEL_OWN}
    return record


def named_profile(raw: RawWorkbook) -> str:
    """The profile _meta names ("" when it names none)."""
    return _named_profile(raw.meta) if raw.has_meta else ""


def workbook_profile(raw: RawWorkbook) -> str:
    """The profile a workbook is read with (layout.meta_profile)."""
    return meta_profile(raw.meta) if raw.has_meta else profiles.DEFAULT


def parse_workbook(raw: RawWorkbook) -> ParseResult:
    return _Parser(raw).parse()

