"""Write the input workbook: blank (`init`) or filled from data (examples, tests).

The layout comes entirely from `schema`. Computed cells hold Excel formulas so
that Excel, WPS and LibreOffice show totals while the clerk types; the tool
never trusts them on reading.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from budget_author import __version__
from budget_author.fileio import atomic_write
from budget_author.classification import ECONOMIC_DEPT, ECONOMIC_GOV, FUNCTIONAL, bundled
from budget_author.workbook import schema as S
from budget_author.workbook.row_totals import in_total_row, optional_parts_present, parts_span, row_total_parts
from budget_author.workbook.layout import layout_of

HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
INPUT_FILL = PatternFill("solid", fgColor="FFF8DC")
COMPUTED_FILL = PatternFill("solid", fgColor="E7E6E6")
TOTAL_FILL = PatternFill("solid", fgColor="D0CECE")
COMPUTED_FONT = Font(color="595959", italic=True)
HEADER_FONT = Font(bold=True)
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TAB_COLORS = {S.GROUP_FIGURES: "2F75B5", S.GROUP_TEXTS: "548235", S.GROUP_OTHER: "C65911"}

NUMBER_FORMATS = {
    "money": "#,##0.00",
    "int": "0",
    "number": "#,##0.00",
    "date": "yyyy-mm-dd",
    "code": "@",
    "text": "@",
    "choice": "@",
}
STYLED_ROWS = 200  # rows given the input look in a blank template
UNLOCKED = Protection(locked=False)
# What a clerk types, said as each fill-in cell is selected (an input prompt; at most 255 characters).
PROMPTS = {
    "money": "以元为单位填写数字，精确到分（最多两位小数），如 12345.67。不要写“万元”，不要把万元数填进来。",
    "int": "填写非负整数。",
    "number": "填写非负数字。",
    "date": "填写日期，如 2024-12-31。",
    "choice": "请从下拉列表中选择。",
    "text": "最多 {limit} 字。",
}

# Code lists offered as dropdowns, and looked up for the 规范名称 column.
CODE_LISTS = {
    FUNCTIONAL: lambda: bundled(FUNCTIONAL).codes(7),
    ECONOMIC_DEPT: lambda: bundled(ECONOMIC_DEPT).codes(5),
    ECONOMIC_GOV: lambda: bundled(ECONOMIC_GOV).codes(5),
}


def write_template(path: Path, data: Mapping[str, Any] | None = None, *, overwrite: bool = False,
                   profile: str | None = None) -> Path:
    """Write the workbook of `profile` (default: the default profile) to `path` (atomically).
    Refuses to overwrite unless asked. ProfileError for a profile that does not exist."""
    workbook = build_workbook(data or {}, layout_of(profile) if profile else None)
    return atomic_write(Path(path), workbook.save, overwrite=overwrite)


def build_workbook(data: Mapping[str, Any], layout: S.Layout | None = None) -> Workbook:
    layout = layout or S.DEFAULT_LAYOUT
    workbook = Workbook()
    workbook.remove(workbook.active)
    instructions = workbook.create_sheet(S.INSTRUCTIONS_TITLE)
    lists = _ListSheet(workbook.create_sheet(S.LISTS_TITLE), layout.lists)
    for spec in layout.sheets:
        ws = workbook.create_sheet(spec.title)
        ws.sheet_properties.tabColor = TAB_COLORS[spec.group]
        _layout_sheet(ws, spec, lists)
        _fill_sheet(ws, spec, data.get(spec.key))
        _set_print_area(ws, spec, data.get(spec.key))
    _write_instructions(instructions, layout)
    for ws in workbook.worksheets:
        _protect(ws)
    lists.ws.sheet_state = "hidden"
    meta = workbook.create_sheet(S.META_TITLE)
    year = (data.get("unit") or {}).get("year", "")
    for row, (key, value) in enumerate(
        zip(S.META_KEYS, (S.SCHEMA_VERSION, layout.profile, year, f"budget-author {__version__}")), start=1
    ):
        meta.cell(row, 1, key)
        meta.cell(row, 2, value)
    _protect(meta)
    meta.sheet_state = "hidden"
    workbook.active = 0
    # Our formulas carry no cached values: ask Excel, WPS and LibreOffice to compute them on opening.
    workbook.calculation.fullCalcOnLoad = True
    return workbook


# ---------------------------------------------------------------- lists
class _ListSheet:
    """The hidden sheet that holds dropdown sources, one list per column."""

    def __init__(self, ws: Worksheet, lists: Mapping[str, tuple[str, ...]]):
        self.ws = ws
        self.ranges: dict[str, str] = {}
        self.next_col = 1
        for name, values in lists.items():
            self._add(name, [(v,) for v in values])
        for scheme, codes in CODE_LISTS.items():
            table = bundled(scheme)
            self._add(scheme, [(c, table.name(c) or "") for c in codes()])
        self._add("指标级次", list(S.INDICATOR_LEVELS.items()))

    def _add(self, name: str, rows: list[tuple[str, ...]]) -> None:
        col = self.next_col
        width = len(rows[0]) if rows else 1
        self.ws.cell(1, col, name)
        for r, values in enumerate(rows, start=2):
            for offset, value in enumerate(values):
                self.ws.cell(r, col + offset, value)
        first, last = S.column_letter(col), S.column_letter(col + width - 1)
        end = max(2, len(rows) + 1)
        self.ranges[name] = f"{S.LISTS_TITLE}!${first}$2:${first}${end}"
        self.ranges[name + "#table"] = f"{S.LISTS_TITLE}!${first}$2:${last}${end}"
        self.next_col += width + 1


# ---------------------------------------------------------------- layout
def _layout_sheet(ws: Worksheet, spec: S.Sheet, lists: _ListSheet) -> None:
    for index, col in enumerate(spec.columns, start=1):
        cell = ws.cell(1, index, col.header + (" *" if col.required else ""))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if col.help:
            cell.comment = Comment(col.help, "budget-author")
        ws.column_dimensions[S.column_letter(index)].width = col.width
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = ws.cell(spec.first_data_row, 1)
    _fit_to_page_width(ws)
    if spec.is_fixed:
        _layout_fixed(ws, spec, lists)
    else:
        _layout_table(ws, spec, lists)


def _protect(ws: Worksheet) -> None:
    """Headers, labels and computed cells locked, fill-in cells not; no password (审阅→撤销工作表保护).
    Formatting, column widths, inserting rows, sorting and filtering stay allowed."""
    protection = ws.protection
    protection.sheet = True
    protection.formatCells = protection.formatColumns = protection.formatRows = False
    protection.insertRows = protection.sort = protection.autoFilter = False
    protection.selectLockedCells = protection.selectUnlockedCells = False


def _set_print_area(ws: Worksheet, spec: S.Sheet, data: Any) -> None:
    """Print the filled rows (at least a page of blank ones), not all the styled empty rows."""
    if spec.is_fixed:
        last = spec.last_data_row
    else:
        last = spec.first_data_row + max(len(data or ()), 20) - 1
    ws.print_area = f"A1:{S.column_letter(len(spec.columns))}{last}"


def _fit_to_page_width(ws: Worksheet) -> None:
    """Printed, a sheet is landscape A4, one page wide, header row repeated."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def _style_input(cell, kind: S.Kind) -> None:
    cell.protection = UNLOCKED
    cell.fill = INPUT_FILL
    cell.border = BORDER
    cell.number_format = NUMBER_FORMATS.get(kind, "General")
    if kind in ("text",):
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _style_computed(cell, number_format: str = "General") -> None:
    cell.fill = COMPUTED_FILL
    cell.font = COMPUTED_FONT
    cell.border = BORDER
    cell.number_format = number_format


def _guarded(dv: DataValidation, title: str, prompt: str) -> DataValidation:
    """Switch on the input prompt and the error alert (openpyxl writes both off by default)."""
    dv.showInputMessage = True
    dv.showErrorMessage = True
    dv.promptTitle = title[:32]
    dv.prompt = prompt[:255]
    if dv.errorTitle:
        dv.errorTitle = dv.errorTitle[:32]
    return dv


def _prompt(kind: S.Kind, help_text: str, required: bool, limit: int, code_scheme: str | None) -> str:
    if kind == "code" and code_scheme not in CODE_LISTS:
        text = f"填写{code_scheme}编码（数字，按级次 3、5、7 或 9 位）。"
    elif kind == "code":
        text = f"填写{code_scheme}编码（可从下拉列表选择，也可直接输入）。内置表未收录的编码请在“自定义科目”表中补充名称。"
    else:
        text = PROMPTS.get(kind, "").format(limit=limit)
    return "".join(part for part in ("必填。" if required else "", help_text and help_text + "。", text) if part)


def _guarded_validation(kind: S.Kind, choices: str | None, strict: bool, lists: "_ListSheet", *, title: str,
                        help_text: str = "", required: bool = False, limit: int = 500,
                        code_scheme: str | None = None) -> DataValidation | None:
    """The cell's validation with its prompt and alert; a prompt-only one for dates and texts."""
    dv = _validation(kind, choices, strict, lists, code_scheme)
    if dv is None and kind == "text":
        dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(limit), allow_blank=True)
        dv.errorStyle = "warning"
        dv.errorTitle = "文字过长"
        dv.error = f"这一栏最多 {limit} 字，请拆成多段（多行）填写。"
    elif dv is None and kind in ("date", "code"):
        dv = DataValidation(allow_blank=True)
    if dv is None:
        return None
    return _guarded(dv, title.rstrip(" *"), _prompt(kind, help_text, required, limit, code_scheme))


# Numeric columns: Excel's validation type, the alert's title and message (every one a warning, every one >= 0).
_NUMERIC = {
    "money": ("decimal", "金额", "请填写以元为单位的非负数字，最多两位小数。"),
    "int": ("whole", "应为整数", "请填写非负整数。"),
    "number": ("decimal", "应为数字", "请填写非负数字。"),
}


def _validation(spec_kind: S.Kind, choices: str | None, strict: bool, lists: _ListSheet,
                code_scheme: str | None = None) -> DataValidation | None:
    if spec_kind == "choice" and choices:
        dv = DataValidation(type="list", formula1="=" + lists.ranges[choices], allow_blank=True)
        dv.error = "请从下拉列表中选择"
        dv.errorTitle = "取值不在列表中"
        dv.errorStyle = "stop" if strict else "warning"
        return dv
    if spec_kind == "code" and code_scheme in lists.ranges:
        dv = DataValidation(type="list", formula1="=" + lists.ranges[code_scheme], allow_blank=True)
        dv.errorStyle = "warning"
        dv.errorTitle = "编码不在内置科目表中"
        dv.error = "内置科目表未收录该编码。如确属有效编码，可继续填写，并在“自定义科目”表中补充名称。"
        return dv
    if spec_kind in _NUMERIC:
        kind, title, message = _NUMERIC[spec_kind]
        dv = DataValidation(type=kind, operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        dv.errorStyle = "warning"
        dv.errorTitle = title
        dv.error = message
        return dv
    return None


def _layout_table(ws: Worksheet, spec: S.Sheet, lists: _ListSheet) -> None:
    first, last = spec.first_data_row, spec.last_data_row
    styled_last = min(last, first + STYLED_ROWS - 1)
    for index, col in enumerate(spec.columns, start=1):
        letter = S.column_letter(index)
        dv = _guarded_validation(col.kind, col.choices, col.strict_choices, lists, title=col.header,
                                 help_text=col.help, required=col.required, limit=col.max_chars,
                                 code_scheme=col.code_scheme) if col.is_input else None
        if col.is_input:
            ws.column_dimensions[letter].protection = UNLOCKED  # rows past the styled ones stay fillable
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(f"{letter}{first}:{letter}{last}")
        for row in range(first, styled_last + 1):
            cell = ws.cell(row, index)
            if col.kind == "formula":
                formula = _row_formula(spec, col.key, row, lists)
                if formula:
                    cell.value = formula
                _style_computed(cell, NUMBER_FORMATS["money"] if col.key.endswith("total") else "General")
            elif col.kind == "seq":
                if row - first < spec.prefill_seq:
                    cell.value = row - first + 1
                _style_computed(cell, "0")
                if cell.value is None:  # past the prefilled 序号 the clerk numbers further projects
                    cell.protection = UNLOCKED
            else:
                _style_input(cell, col.kind)
    if spec.total_row:
        for index, col in enumerate(spec.columns, start=1):
            cell = ws.cell(2, index)
            letter = S.column_letter(index)
            if index == 1:
                cell.value = "合计"
            elif in_total_row(spec, col):
                cell.value = f"=SUM({letter}{first}:{letter}{last})"
            cell.fill = TOTAL_FILL
            cell.font = Font(bold=True)
            cell.border = BORDER
            cell.number_format = NUMBER_FORMATS["money"]


def _layout_fixed(ws: Worksheet, spec: S.Sheet, lists: _ListSheet) -> None:
    value_columns = [(i, c) for i, c in enumerate(spec.columns, start=1) if c.kind != "seq"]
    for row_spec in spec.fixed_rows:
        row = spec.fixed_row_number(row_spec.key)
        label = ws.cell(row, 1, row_spec.label + (" *" if row_spec.required else ""))
        _style_computed(label)
        label.font = Font(bold=True, color="404040")
        if row_spec.help:
            label.comment = Comment(row_spec.help, "budget-author")
        for index, col in value_columns:
            cell = ws.cell(row, index)
            if col.kind == "formula":
                cell.value = _reason_formula(col.key, row_spec.key, row)
                _style_computed(cell, "General" if col.key == "flag" else NUMBER_FORMATS["money"])
                continue
            kind = spec.fixed_kind(row_spec)
            _style_input(cell, kind)
            dv = _guarded_validation(kind, row_spec.choices if col.key == "value" else col.choices, True, lists,
                                     title=row_spec.label if col.key in ("value", "amount") else col.header,
                                     help_text=row_spec.help if col.key in ("value", "amount") else col.help,
                                     required=row_spec.required and col.key in ("value", "amount"),
                                     limit=row_spec.max_chars if col.key in ("value", "amount") else col.max_chars)
            if dv is not None:
                ws.add_data_validation(dv)
                dv.add(cell.coordinate)


def _range(sheet_key: str, column_key: str) -> str:
    spec = S.sheet(sheet_key)
    letter = spec.letter(column_key)
    return f"'{spec.title}'!${letter}${spec.first_data_row}:${letter}${spec.last_data_row}"


def _row_formula(spec: S.Sheet, key: str, row: int, lists: _ListSheet) -> str | None:
    def at(column_key: str) -> str:
        return spec.cell(column_key, row)

    if spec.key in ("expenditure", "basic_economic") and key == "official":
        scheme = FUNCTIONAL if spec.key == "expenditure" else ECONOMIC_DEPT
        table = lists.ranges[scheme + "#table"]
        custom_codes, custom_names = _range("custom_codes", "code"), _range("custom_codes", "name")
        typed = f'IF({at("name")}<>"",{at("name")},"（内置表未收录）")'
        return (f'=IF({at("code")}="","",IFERROR(INDEX({custom_names},MATCH({at("code")}&"",{custom_codes},0)),'
                f'IFERROR(VLOOKUP({at("code")}&"",{table},2,FALSE),{typed})))')
    if row_total_parts(spec.key, key):
        first, last = parts_span(spec, key)
        span = ",".join([f"{at(first)}:{at(last)}", *(at(k) for k in optional_parts_present(spec, key))])
        return f'=IF(COUNT({span})=0,"",SUM({span}))'
    if key == "project_name":
        ref = at("project")
        names, seqs, codes = _range("projects", "name"), _range("projects", "seq"), _range("projects", "code")
        return (
            f'=IF({ref}="","",IFERROR(INDEX({names},MATCH(VALUE({ref}),{seqs},0)),'
            f'IFERROR(INDEX({names},MATCH({ref}&"",{codes},0)),"（找不到该项目）")))'
        )
    if key == "level1":
        return f'=IF({at("level2")}="","",IFERROR(VLOOKUP({at("level2")},{lists.ranges["指标级次#table"]},2,FALSE),""))'
    return None


def _has(spec: S.Sheet, column_key: str) -> bool:
    return any(c.key == column_key for c in spec.columns)


def _reason_current_formula(row_key: str) -> str:
    if row_key == "income_total":
        return f"SUM({_range('income', 'amount')})"
    if row_key == "expenditure_total":
        return f"SUM({_range('expenditure', 'amount')})"
    if row_key == "three_public_total":
        return f"SUM({_range('three_public', 'amount')})"
    if row_key in S.THREE_PUBLIC_KEYS:
        item = S.THREE_PUBLIC_KEYS[row_key]
        return f'SUMIFS({_range("three_public", "amount")},{_range("three_public", "item")},"{item}")'
    if row_key == "admin_running":
        spec = S.sheet("admin_running")
        return f"SUM('{spec.title}'!$B$2:$B${spec.last_data_row})"
    raise KeyError(row_key)


def _reason_formula(column_key: str, row_key: str, row: int) -> str:
    prior = S.sheet("prior")
    if column_key == "current":
        return "=" + _reason_current_formula(row_key)
    if column_key == "prior":
        return f"='{prior.title}'!$B${prior.fixed_row_number(row_key)}"
    if column_key == "change":
        return f"=B{row}-C{row}"
    if column_key == "flag":
        return f'=IF(ROUND(D{row}/10000,2)<>0,"需要说明","")'
    raise KeyError(column_key)


# ---------------------------------------------------------------- data
def _cell_value(kind: S.Kind, value: Any) -> Any:
    if value is None:
        return None
    if kind == "money" or kind == "number":
        return Decimal(str(value))
    if kind == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _fill_sheet(ws: Worksheet, spec: S.Sheet, data: Any) -> None:
    if not data:
        return
    if spec.is_fixed:
        column = spec.columns.index(spec.input_column()) + 1
        for key, value in data.items():
            kind = spec.fixed_kind(spec.fixed_row(key))
            cell = ws.cell(spec.fixed_row_number(key), column, _cell_value(kind, value))
            if kind == "date":
                cell.number_format = NUMBER_FORMATS["date"]
        return
    for offset, record in enumerate(data):
        row = spec.first_data_row + offset
        for key, value in record.items():
            col = spec.column(key)
            index = spec.columns.index(col) + 1
            ws.cell(row, index, _cell_value(col.kind, value))
            if row - spec.first_data_row >= STYLED_ROWS:
                _style_input(ws.cell(row, index), col.kind)


# ---------------------------------------------------------------- instructions
def _write_instructions(ws: Worksheet, layout: S.Layout) -> None:
    widths = {"A": 22, "B": 12, "C": 100}
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    rules = [
        "本表由 budget-author 生成。填好后运行 budget-author check 检查，再生成公开文件。",
        "",
        "填写规则",
        "· 金额一律以“元”为单位，精确到分（最多两位小数）；公开文件中显示为万元，由系统统一四舍五入。",
        "· 只填写明细（项级功能科目、款级经济科目、每个项目）；类、款合计和各种总计由系统计算，表中的合计公式仅供参考。",
        "· 浅黄色单元格为填写区；灰色单元格为自动计算或固定内容，请勿修改。表头、行标题和自动计算的单元格已锁定（工作表保护，没有密码）；"
        "确需删除整行或修改表头时，可在“审阅”中点“撤销工作表保护”，改完再点“保护工作表”。",
        "· 带 * 的栏目必须填写。编码可从下拉列表选择，也可直接输入；内置表未收录的编码请在“自定义科目”中补充名称。",
        "· 可以使用全角数字、千分位逗号；“-”视为 0。请不要在金额中写“万元”等单位。",
        "· 蓝色标签的工作表是数据，绿色是文字说明，橙色是上年数、资产、采购和绩效。",
        "",
    ]
    ws.cell(1, 1, "单位预算公开 数据填报表").font = Font(bold=True, size=14)
    row = 2
    for text in rules:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        cell = ws.cell(row, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if text == "填写规则":
            cell.font = Font(bold=True)
        row += 1
    for col, text in enumerate(("工作表", "分组", "说明"), start=1):
        cell = ws.cell(row, col, text)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = BORDER
    for spec in layout.sheets:
        row += 1
        for col, text in enumerate((spec.title, spec.group, spec.intro), start=1):
            cell = ws.cell(row, col, text)
            cell.border = BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _fit_to_page_width(ws)
    ws.page_setup.orientation = "portrait"
    ws.sheet_properties.tabColor = "7F7F7F"
