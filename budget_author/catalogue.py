"""Every problem code, its severity and its Chinese message template.

A code, once released, never changes meaning. Messages say what is wrong,
what was expected, and what to do. A message's {placeholders} are its parameters: every place that
raises a code supplies each of them (tests/test_core_cleanup.py scans the source for it), and the
message is filled with exactly those, never with a dict padded with defaults.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cached_property
from typing import Mapping


class MissingParams(KeyError):
    """A code raised without a parameter its message needs: a programming error, caught by the tests."""

    def __init__(self, code: str, missing: frozenset[str]) -> None:
        super().__init__(f"{code} needs {', '.join(sorted(missing))}")
        self.code = code
        self.missing = missing


@dataclass(frozen=True)
class Entry:
    severity: str  # "error" | "warning"
    title: str
    message: str

    @cached_property
    def fields(self) -> frozenset[str]:
        """The parameters the message asks for: the names of its {placeholders}."""
        return frozenset(name for _, name, _, _ in string.Formatter().parse(self.message) if name)

    def params_of(self, code: str, supplied: Mapping[str, object]) -> dict[str, str]:
        """The parameters this message asks for, as the text it shows; others supplied are not kept."""
        missing = self.fields - supplied.keys()
        if missing:
            raise MissingParams(code, frozenset(missing))
        return {name: str(supplied[name]) for name in sorted(self.fields)}

    def render(self, params: Mapping[str, object]) -> str:
        return self.message.format_map(params)


def message(code: str, params: Mapping[str, object]) -> str:
    """A code's message with its parameters; MissingParams if one it asks for is not supplied."""
    entry = CATALOGUE[code]
    return entry.render(entry.params_of(code, params))


E, W = "error", "warning"

CATALOGUE: dict[str, Entry] = {
    # ---------------------------------------------------------- unusable file (exit 2)
    "FILE_NOT_FOUND": Entry(E, "文件不存在", "找不到文件。请检查路径和文件名是否正确。"),
    "FILE_UNREADABLE": Entry(E, "无法读取", "没有权限读取该文件。请检查文件权限，或先把文件复制到自己的文件夹。"),
    "FILE_EMPTY": Entry(E, "空文件", "文件是空的（0 字节），可能在复制或保存时中断。请重新保存后再试。"),
    "FILE_TOO_LARGE": Entry(E, "文件过大", "文件大小 {size} 字节，超过上限 {limit} 字节。请确认选择的是预算填报表。"),
    "FILE_XLS": Entry(E, "旧版 Excel 格式", "这是旧版 .xls 格式（或内容为 .xls 的文件）。请在 Excel/WPS 中“另存为” .xlsx 格式后再试。"),
    "FILE_WPS_ET": Entry(E, "WPS 表格格式", "这是 WPS 表格 .et 格式。请在 WPS 中“另存为” Excel 工作簿（.xlsx）后再试。"),
    "FILE_ENCRYPTED": Entry(E, "文件设有打开密码", "文件设有打开密码，无法读取。请在 Excel/WPS 中取消密码（文件→信息→保护工作簿）后另存一份再试。"),
    "FILE_NOT_XLSX": Entry(E, "不是 Excel 工作簿", "该文件不是 .xlsx 工作簿。请用 budget-author init 生成的填报表填写。"),
    "FILE_CORRUPT": Entry(E, "文件已损坏", "工作簿已损坏或不完整（{detail}），可能在保存或复制时中断。请在 Excel/WPS 中重新打开并保存后再试。"),
    # limits, checked before anything is parsed (read.py); each with its own code
    "FILE_UNZIPPED_TOO_LARGE": Entry(E, "解压后过大", "工作簿解压后共 {size} 字节，超过上限 {limit} 字节（填报表解压后通常不到 1 MB）。文件可能夹带了大量其他内容，或是恶意构造的“压缩炸弹”。请确认选择的是预算填报表；如是，请删除无关的工作表和图片后另存再试。"),
    "FILE_COMPRESSION_RATIO": Entry(E, "压缩比异常", "工作簿中的部件 {part} 压缩比为 {ratio}:1，超过上限 {limit}:1，疑似恶意构造的“压缩炸弹”，为安全起见不予读取。如确为正常的填报表，请在 Excel/WPS 中打开后另存一份再试。"),
    "FILE_TOO_MANY_PARTS": Entry(E, "部件过多", "工作簿压缩包中有 {count} 个部件，超过上限 {limit} 个（填报表约 50 个）。请确认选择的是预算填报表；如是，请删除无关的工作表、图片和附件后另存再试。"),
    "FILE_TOO_MANY_ELEMENTS": Entry(E, "内容过于复杂", "读到部件 {part} 时，工作簿的 XML 标记已有 {count} 个，超过上限 {limit} 个（填报表通常只有几万个）。文件可能含有大量无关内容或被恶意构造。请只保留填报表的工作表，删除多余的格式、行和列后另存再试。"),
    "FILE_SHEET_TOO_LARGE": Entry(E, "工作表范围过大", "工作表“{title}”的已用区域为 {ref}（到第 {rows} 行、第 {cols} 列），超过上限 {max_rows} 行、{max_cols} 列。填报表最多只用到几千行、几十列；请删除表格下方和右侧多余的行和列（选中后右键“删除”，不是只清除内容），保存后再试。"),
    "FILE_XML_FORBIDDEN": Entry(E, "文件含有不允许的内容", "工作簿的部件 {part} 含有 XML 文档类型定义或实体（{detail}）。Excel、WPS 和 LibreOffice 保存的文件都不会有这些内容，它们可用来读取本机文件或耗尽内存，为安全起见不予读取。请使用 Excel/WPS 保存的原始填报表。"),
    # ---------------------------------------------------------- workbook structure
    "WB_SHEET_MISSING": Entry(E, "缺少工作表", "缺少工作表“{title}”。应有填报表中的全部工作表；请不要删除或重命名工作表，可从 budget-author init 生成的新表中复制该表。"),
    "WB_HEADER_MISMATCH": Entry(E, "表头被改动", "表头应为“{expected}”，实际为“{actual}”。请不要修改、插入或删除列；请恢复原表头后再填写。"),
    "WB_ROW_LABEL_MISMATCH": Entry(E, "行标题被改动", "此行应为“{expected}”，实际为“{actual}”。请不要插入、删除或改写此表的行标题。"),
    "WB_META_MISSING": Entry(W, "缺少版本信息", "工作簿中没有隐藏的版本信息表（_meta），可能不是由 budget-author 生成。将按当前版本的格式读取。"),
    "WB_SCHEMA_NEWER": Entry(E, "填报表版本过新", "填报表格式版本为 {found}，本程序只支持到 {supported}。请升级 budget-author。"),
    "PROFILE_INVALID": Entry(E, "公开标准有错误", "所用的公开标准文件有错误，无法按它处理填报表：{detail}。这是标准文件的问题，不是填报表的问题；请把这条信息发给维护该标准的人员。"),
    "WB_PROFILE_UNKNOWN": Entry(E, "未知的公开标准", "填报表的版本信息表（_meta）记录的公开标准“{found}”不是本程序认识的标准；可用的标准：{known}。请用 budget-author init --profile 标准名 生成的填报表填写；在这之前按默认标准读取。"),
    "WB_PROFILE_MISMATCH": Entry(E, "公开标准不符", "填报表记录的公开标准是“{found}”，但它的工作表和栏目是“{expected}”标准的填报表。请用 budget-author init --profile 生成所需标准的填报表，把数据复制过去。"),
    "WB_MACROS": Entry(W, "含宏的工作簿", "工作簿含有宏（.xlsm），宏不会被执行，只读取单元格中的数据。"),
    "WB_MERGED_CELLS": Entry(W, "合并单元格", "{range} 是合并单元格：只有左上角的 {first} 有值，其余单元格一律按空白读取。请取消合并，在每一行分别填写。"),
    "WB_HIDDEN_ROWS": Entry(W, "隐藏的行中有金额", "工作表“{title}”第 {rows} 行被隐藏，这些行填有金额，仍会计入合计和公开文件。请取消隐藏（选中上下相邻的行，右键“取消隐藏”），核对这些金额；不需要的请删除整行。"),
    "WB_HIDDEN_COLUMNS": Entry(W, "隐藏的列中有金额", "工作表“{title}”的 {columns} 列被隐藏，其中填有金额，仍会计入合计和公开文件。请取消隐藏，核对这些金额。"),
    "WB_HIDDEN_SHEET": Entry(W, "隐藏的工作表中有金额", "工作表“{title}”被隐藏，其中有 {count} 个金额，仍会计入合计和公开文件。请取消隐藏（右键工作表标签→“取消隐藏”），核对这些金额。"),
    "WB_DATA_BEYOND_ROWS": Entry(E, "数据超出可填写范围", "工作表“{title}”第 {rows} 行还有数据，但本表只读取到第 {last} 行，这些数据不会计入。请把它们移到第 {last} 行以内（可合并同一科目、同一来源的行），或删除。"),
    # ---------------------------------------------------------- cell values
    "VAL_REQUIRED": Entry(E, "必填项为空", "“{field}”必须填写。{hint}"),
    "VAL_AMOUNT_NOT_NUMBER": Entry(E, "金额不是数字", "金额应为数字，实际填写了“{value}”。请填写以元为单位的数字，如 12345.67。"),
    "VAL_AMOUNT_UNIT": Entry(E, "金额带有单位", "金额“{value}”带有单位。金额一律以元为单位，只填数字，不要写“万元”“元”等字样。"),
    "VAL_AMOUNT_NEGATIVE": Entry(E, "金额为负数", "金额“{value}”为负数，预算金额不能为负。请填写非负数。"),
    "VAL_AMOUNT_PRECISION": Entry(E, "金额超过两位小数", "金额 {value} 超过两位小数。金额以元为单位，应精确到分（最多两位小数）。"),
    "VAL_AMOUNT_TOO_LONG": Entry(E, "金额位数过多", "金额“{value}”超过 15 位有效数字，Excel 无法准确保存。请检查是否多输了数字。"),
    "VAL_NOT_INTEGER": Entry(E, "应为整数", "“{field}”应为非负整数，实际为“{value}”。"),
    "VAL_NOT_NUMBER": Entry(E, "应为数字", "“{field}”应为非负数字，实际为“{value}”。"),
    "VAL_CHOICE": Entry(E, "取值不在列表中", "“{field}”填写了“{value}”，应为以下之一：{choices}。请从下拉列表中选择。"),
    "VAL_DATE": Entry(E, "日期无法识别", "“{field}”应为日期（如 2024-12-31），实际为“{value}”。"),
    "VAL_YEAR": Entry(E, "年度不合理", "预算年度应为四位年份（如 2025），实际为“{value}”。"),
    "VAL_TEXT_TOO_LONG": Entry(E, "文字过长", "“{field}”有 {length} 个字，超过上限 {limit} 字。请拆成多段（多行）填写。"),
    "VAL_FORMULA_NO_CACHE": Entry(E, "公式没有计算结果", "此单元格是公式，但文件中没有保存计算结果。请直接填写数值，或在 Excel/WPS 中打开并保存一次。"),
    "VAL_CELL_ERROR": Entry(E, "单元格显示错误值", "此单元格的值是错误值“{value}”。请改正公式或直接填写数值。"),
    "VAL_CELL_TOO_LONG": Entry(E, "单元格内容过长", "“{field}”一栏的单元格有 {length} 个字符，最多 {limit} 个字符。请检查是否误粘贴了其他内容，只填写应有的数值、编码或选项。"),
    "VAL_NUMBER_TOO_LARGE": Entry(E, "数值过大", "“{field}”填写的数值 {value} 不小于 10 的 15 次方，超出 Excel 能准确保存的范围，不可能是预算数。请检查是否多输了数字或误用了科学计数法（如 1E+20）。"),
    "VAL_CELL_CORRUPT": Entry(E, "单元格的值已损坏", "文件中此单元格保存的值“{value}”无法识别（文件内部数据损坏，或由其他程序写错）。请在 Excel/WPS 中重新输入此单元格，保存后再试。"),
    "VAL_DUPLICATE_CELL": Entry(E, "单元格重复", "文件中单元格 {ref} 被定义了 {count} 次，无法确定哪一个是真实的取值（Excel 只会显示其中一个）。这是生成该文件的程序出错；请在 Excel/WPS 中核对并重新输入此单元格，另存后再试。"),
    "VAL_FORMULA_EXTERNAL": Entry(E, "公式引用了其他工作簿", "此单元格的公式“{formula}”引用了其他工作簿。其他工作簿的数据无法核实，文件中保存的结果可能已经过期。请把公式换成数值（复制后“选择性粘贴→数值”）。"),
    "VAL_FORMULA_CACHED_ZERO": Entry(E, "公式结果可能未计算", "此单元格是公式，文件中保存的结果是 0，但该文件要求打开时重新计算全部公式（由程序生成、尚未在 Excel/WPS 中计算过），所以 0 可能不是真实结果。请直接填写数值，或在 Excel/WPS 中打开并保存一次。"),
    "VAL_MERGED_AMOUNT": Entry(E, "金额单元格被合并", "金额单元格 {range} 被合并：合并后只有 {first} 有值，其余单元格的金额一律按空白读取。请取消合并，在每一行分别填写金额。"),
    # ---------------------------------------------------------- classification codes
    "CODE_MALFORMED": Entry(E, "编码格式不对", "{scheme}编码“{value}”格式不对，应为 {lengths} 位数字。请检查是否多输、少输或混入了其他字符。{also}"),
    "CODE_NOT_LEAF_LEVEL": Entry(E, "编码级次不对", "这里应填写{scheme}{level}级编码（{length} 位），实际为“{value}”。上级合计由系统汇总，只填最明细的编码。{also}"),
    "CODE_CLASS_UNKNOWN": Entry(E, "类级编码不存在", "{scheme}编码“{value}”的类“{klass}”不存在。请检查编码是否正确。{also}"),
    "CODE_UNKNOWN": Entry(W, "编码未收录", "{scheme}编码“{value}”格式正确，但内置科目表未收录（内置表不完整，这不一定是错误）。公开文件将使用这里填写的名称“{name}”。请确认编码和名称无误；在“自定义科目”表中补充此编码（分类选“{scheme}”）及其规范名称后，此提示不再出现。{also}"),
    "CODE_NAME_NEEDED": Entry(E, "缺少科目名称", "{scheme}编码“{value}”：内置科目表未收录{missing}，公开文件的表格要列出科目名称，现在无法确定。请在“自定义科目”表中补充{missing}（每个编码一行，分类选“{scheme}”，填编码和名称）{hint}。{also}"),
    "CODE_NAME_MISMATCH": Entry(W, "科目名称与编码不符", "编码“{code}”的规范名称是“{official}”，这里填写的是“{typed}”。公开文件将使用规范名称；请改正或清空此名称。"),
    "CODE_GOV_UNKNOWN": Entry(E, "缺少政府经济分类", "部门经济科目“{code} {name}”在对照表中没有对应的政府经济科目（{unit_kind}）。无法由部门经济科目和单位类型推定。请在“政府经济科目编码”一栏填写对应编码，或在“自定义科目”表中该部门经济科目一行的“对应政府经济科目编码”一栏填写。{also}"),
    "CODE_CUSTOM_CONFLICT": Entry(W, "自定义科目与内置表不同", "自定义科目“{code}”的名称“{name}”与内置科目表的“{official}”不同，将以自定义名称为准。"),
    # ---- issue 13, items 4 and 5: unknown codes, the template guards its input
    "CODE_ZERO_LEVEL": Entry(E, "编码的款或项为 00", "{scheme}编码“{value}”中有一级为“00”，没有这样的科目：看起来是上级编码补了 0。请填写最明细的{level}级编码（如 2080109），上级合计由系统汇总。{also}"),
    "WB_SHEET_RENAMED": Entry(E, "工作表被改名", "工作表“{actual}”应命名为“{title}”：它的表头与“{title}”相同，看起来是被改了名。请把它改回原名（右键工作表标签→重命名，输入“{title}”），填好的数据都会保留；不要从新表中复制空白的工作表来代替它。"),
    # ---------------------------------------------------------- duplicates
    "DUP_FACT": Entry(E, "重复的数据行", "此行与第 {other} 行重复（{key}）。同一组合只能填一行，请合并金额或删除其中一行。"),
    "DUP_PROJECT_CODE": Entry(E, "项目编码重复", "项目编码“{code}”与第 {other} 行重复。项目编码必须唯一。"),
    "DUP_PROJECT_SEQ": Entry(E, "项目序号重复", "项目序号“{seq}”与第 {other} 行重复。请保持序号唯一，不要手工修改序号。"),
    "DUP_PROJECT_SAME": Entry(W, "疑似重复项目", "项目“{name}”与第 {other} 行名称相同且金额相同，可能重复录入。名称相同的项目可以并存；如确为两个项目，可忽略此提示。"),
    "DUP_PERF_FORM": Entry(E, "绩效目标表重复", "项目“{project}”已在第 {other} 行填写了绩效目标表。每个项目只能有一张绩效目标表。"),
    # ---------------------------------------------------------- totals
    "TOTAL_INCOME_EXPENDITURE": Entry(E, "收支不平衡", "收入总计 {income} 元，支出总计 {expenditure} 元，相差 {difference} 元。收入总计应等于支出总计。{detail}请核对“收入”表和“支出”表。"),
    "TOTAL_SOURCE": Entry(E, "分来源收支不一致", "{source}（{period}）收入 {income} 元，支出 {expenditure} 元，相差 {difference} 元。各资金来源的收入应等于其支出；请核对“收入”表中资金来源为“{source}”、预算类型为“{period}”的行（{income_rows}）和“支出”表中资金来源、预算类型相同的行（{expenditure_rows}）。"),
    "TOTAL_TYPED": Entry(E, "手工填写的合计与明细不符", "此处手工填写的合计为 {typed} 元，明细相加为 {computed} 元，相差 {difference} 元。合计由系统计算，请删除手工填写的数字（或恢复原公式），并核对明细。"),
    "TOTAL_STALE": Entry(W, "合计公式保存的结果已过期", "此处合计公式在文件中保存的结果为 {cached} 元，明细相加为 {computed} 元，相差 {difference} 元：文件保存时没有重新计算（例如由其他程序生成或修改），在 Excel 中看到的合计与公开文件不同。公开文件按明细计算，不受影响；请在 Excel 中打开、按 F9 重新计算后保存，再核对合计。"),
    "TOTAL_STALE_TEXT": Entry(W, "合计公式没有计入文本格式的金额", "此处合计公式在文件中保存的结果为 {cached} 元，明细相加为 {computed} 元，相差 {difference} 元：明细中有以文本形式保存的金额（如 {cell}），Excel 求和时不计入它们，所以在 Excel 中看到的合计与公开文件不同。公开文件按全部明细计算；请把这些单元格转换为数字（选中后点左上角的提示“转换为数字”），再核对合计。"),
    # ---------------------------------------------------------- basic expenditure
    "BASIC_COST_KIND_MISMATCH": Entry(E, "经费类型与经济科目不符", "经济科目“{code}”属于{expected}，这里填写为“{typed}”。人员经费为 301、303 类，其余为公用经费；请改正或清空此栏。"),
    "BASIC_ECON_TOTAL": Entry(E, "基本支出经济分类合计不符", "按经济分类填列的基本支出（{source}）合计 {economic} 元，“支出”表中{source}当年基本支出为 {functional} 元，相差 {difference} 元。两者应相等；请核对“基本支出经济分类”表中资金来源为“{source}”的行（{economic_rows}；资金来源不填即为一般公共预算）和“支出”表中资金来源为“{source}”、支出类型为“基本支出”、预算类型为“当年预算”的行（{functional_rows}）。"),
    # ---------------------------------------------------------- projects and performance
    "PROJ_TOTAL": Entry(E, "项目合计与项目支出不符", "各项目{period}{source}合计 {projects} 元，“支出”表中{source}{period}项目支出为 {functional} 元，相差 {difference} 元。两者应相等；请核对“项目”表的{column}和“支出”表中资金来源为“{source}”、支出类型为“项目支出”、预算类型为“{period}”的行（{functional_rows}）。"),
    "PROJECT_UNCONFIRMED": Entry(E, "项目尚未确认本年是否继续", "项目“{name}”是从上年填报表带来的，“本年继续”仍为“待确认”。本年继续的请选“是”，并填写它本年的金额；不再继续的请选“否”（这个项目和它的绩效目标表、绩效指标不列入本年的公开文件）。"),
    "PROJECT_DROPPED": Entry(W, "项目本年不再继续", "项目“{name}”的“本年继续”选了“否”，它和它的绩效目标表、绩效指标、重点项目说明都不列入本年的公开文件。确认不再需要后，请删除这一行和“绩效目标表”“绩效指标”中引用它的行（删除整行前可在“审阅”中撤销工作表保护）。"),
    # ---- init --from (issue 15): the source workbook cannot be carried forward; nothing is written
    "CARRY_SOURCE_ERRORS": Entry(E, "上年填报表有错误", "上年填报表有 {errors} 个错误（见上），不能据此生成下一年的填报表，什么都没有写入。请先改正这些错误（budget-author check 上年填报表），检查通过后再运行 init --from。"),
    "CARRY_PROFILE_MISMATCH": Entry(E, "上年填报表的公开标准不同", "上年填报表按公开标准“{found}”填写，--profile 指定的是“{expected}”，什么都没有写入。下一年的填报表沿用上年的标准：请去掉 --profile（或改为 --profile {found}）；确需改用其他标准时，请用 init --profile {expected} 生成空白填报表重新填写。"),
    "CARRY_SCHEMA_NEWER": Entry(E, "上年填报表版本过新", "上年填报表的格式版本为 {found}，本程序只支持到 {supported}，无法读出它的全部内容，什么都没有写入。请升级 budget-author 后再运行 init --from。"),
    "PROJ_NO_AMOUNT": Entry(W, "项目没有金额", "项目“{name}”没有填写任何金额。请补充金额，或删除该行。"),
    "PERF_PROJECT_UNKNOWN": Entry(E, "找不到项目", "“{ref}”在“项目”表中找不到（应为项目的序号或项目编码），引用它的有{rows}。如果删除了这个项目或改了它的序号，请改正这些行的引用，或把它们一并删除。"),
    "PERF_FORM_MISSING": Entry(E, "缺少绩效目标表", "项目“{project}”标明公开绩效目标表，但“绩效目标表”中没有它。请补充，或把“公开绩效目标表”改为“否”。"),
    "PERF_FORM_UNPUBLISHED": Entry(W, "绩效目标表未标明公开", "项目“{project}”填写了绩效目标表，但“项目”表中“公开绩效目标表”不是“是”，该表不会公开。如需公开，请改为“是”。"),
    "PERF_FORM_AMOUNT": Entry(E, "绩效目标表年度资金与项目金额不符", "项目“{project}”绩效目标表的年度资金总额为 {form} 元，“项目”表中当年金额为 {project_amount} 元（{wan} 万元），相差 {difference} 元。两者应相等。"),
    "PERF_NO_INDICATORS": Entry(W, "缺少绩效指标", "项目“{project}”的绩效目标表没有{period}绩效指标。请在“绩效指标”表中补充。"),
    # ---------------------------------------------------------- 三公, 机关运行经费, 采购
    "THREE_PUBLIC_ECON_MISMATCH": Entry(E, "三公经费与经济科目不符", "“三公”经费中基本支出安排的{item}（{source}）为 {three_public} 元，基本支出经济科目 {code}（{econ_name}）为 {economic} 元，相差 {difference} 元。两者应相等。"),
    "ADMIN_RUNNING_MISMATCH": Entry(W, "机关运行经费与公用经费不符", "机关运行经费（{source}）为 {admin} 元，基本支出中{source}公用经费为 {public_use} 元，相差 {difference} 元。行政单位和参公事业单位的机关运行经费一般等于财政拨款安排的公用经费；请核对。"),
    "ADMIN_RUNNING_NOT_APPLICABLE": Entry(E, "不应有机关运行经费", "单位类型为“{unit_type}”，机关运行经费只适用于行政单位和参照公务员法管理的事业单位。请清空“机关运行经费”表。"),
    "PROCUREMENT_EQUIPMENT_ZERO": Entry(W, "可能漏填政府采购", "基本支出安排了设备购置（{items}），但政府采购预算为 0。请确认是否需要填写政府采购预算。"),
    # ---------------------------------------------------------- texts, prior year
    "TEXT_SECTION_MISSING": Entry(E, "缺少文字说明", "“文本段落”中没有“{section}”。公开文件的{part}需要这段文字；请补充。"),
    "REASON_MISSING": Entry(E, "缺少增减变动原因", "{label}本年 {current} 万元，上年 {prior} 万元，{direction} {change} 万元，需要说明原因。请在此填写原因。"),
    "PRIOR_ITEM_MISSING": Entry(E, "缺少该科目的上年数", "{code} {name}本年有支出，但“上年支出”表中没有它的{comparison}；{where}要列出它的上年数和增减。请在“上年支出”表补上这一科目的{comparison}（没有则填 0）。"),
    "PRIOR_MISSING": Entry(E, "缺少上年数", "“{label}”的上年数没有填写，无法计算增减变化。请填写上年预算数（没有则填 0）。"),
    # ---- plausibility: scale slips (万元 typed where 元 is asked), the prior year, reasons (issue 13)
    "PLAUS_TOTAL_WAN": Entry(E, "金额看起来是以万元填写的", "收入（支出）总计只有 {total} 元，{detail}。看起来是以万元填写的，应以元填写：填报表中的金额一律以元为单位（1 万元 = 10000 元{wan}）。请把各表的金额都改为以元填写，上年数也一样。"),
    "PLAUS_CENTS_WAN": Entry(W, "金额看起来是以万元填写的", "“支出”表的 {count} 个金额中有 {cents} 个带角分（如 616.77），总计 {total} 元：看起来是以万元填写的，应以元填写（1 万元 = 10000 元；以万元填写时总计应为 {wan} 元）。以元编制的预算很少每行都有角分；如金额确实如此，可忽略此提示。"),
    "PLAUS_TOTAL_SMALL": Entry(W, "总计金额偏小", "收入（支出）总计只有 {total} 元（{wan} 万元），单位的全年预算一般不少于 10 万元。如果是以万元填写的，应以元填写（1 万元 = 10000 元）；如金额确实如此，可忽略此提示。"),
    "PLAUS_ROW_WAN": Entry(E, "此行金额看起来是以万元填写的", "此处金额 {amount} 元，看起来是以万元填写的，应以元填写（{amount} 万元 = {wan} 元）：{what}相差 {difference} 元，正好是把{together}按元改正后消除的差额。请改为以元为单位的金额。"),
    "PLAUS_SHEET_WAN": Entry(E, "整张表看起来是以万元填写的", "“{title}”表的金额合计 {small} 元，而应与之相等的一方为 {big} 元，约为它的 {times} 倍（{what}）。“{title}”表看起来是以万元填写的，应以元填写：请把这张表的每个金额乘以 10000，改为以元为单位。"),
    "PLAUS_PRIOR_SCALE": Entry(E, "上年数与本年相差上千倍", "{label}本年 {current} 元，上年数 {prior} 元，两者相差约 {times} 倍，不可能是真实的增减：{which}看起来是以万元填写的，应以元填写（{fix}）。金额一律以元为单位（1 万元 = 10000 元）。"),
    "PLAUS_CHANGE_LARGE": Entry(W, "比上年增长超过 10 倍", "{label}本年 {current} 万元，是上年 {prior} 万元的 {times} 倍（超过 {limit} 倍）。请核对上年数和本年数是否都以元填写、是否填错了行；如确实如此，请在“变动原因”中写明原因，可忽略此提示。"),
    "PLAUS_PRIOR_ZERO": Entry(W, "上年数全部为 0", "“上年数”表全部为 0，公开文件将写成每一项都“比上年增加”（如{label}比上年增加 {current} 万元）{reasons}。新成立的单位可忽略此提示；否则请填写上年预算数（以元为单位）。"),
    "REASON_DIRECTION": Entry(W, "原因与增减方向不符", "{label}比上年{direction} {change} 万元，但原因中说的是{said}，与增减方向相反。请核对原因（或上年数）是否填错了行。"),
    "UNIT_YEAR_META": Entry(W, "年度与填报表不符", "“单位信息”中的预算年度为 {year}，填报表生成时记录的年度为 {meta_year}。请确认年度无误。"),
    # issue 13, unit wording (developer b)
    "OVERALL_PERF_CONFLICT": Entry(E, "整体绩效目标前后矛盾", "“是否编报整体绩效目标”选了“否”，公开文件将写“未编报……涉及资金0万元”，但填写了个数 {count} 个、涉及资金 {amount} 万元。编报了的请改选“是”；没有编报的请清空个数和涉及资金。"),
    # ---------------------------------------------------------- the program's own fault, found while checking
    "RULE_INTERNAL": Entry(E, "检查程序出错", "检查规则 {rule} 运行时出错（{error}），这是本程序的问题，不是填报表的问题。这条规则的检查没有完成，公开文件不能据此生成；请把填报表和这条信息发给财政局或维护人员。本次列出的其他问题是真实的，请照常改正。"),
    # ---------------------------------------------------------- rendering (exit 4)
    "RENDER_NO_CJK_FONT": Entry(E, "缺少中文字体", "没有找到中文字体（Noto Serif CJK SC / Noto Sans CJK SC），生成的 PDF 会出现方框乱码。请安装中文字体后重试：sudo apt-get install fonts-noto-cjk"),
    "RENDER_FORBIDDEN_FETCH": Entry(E, "拒绝加载外部资源", "文档试图加载外部资源 {url}，为安全起见已拒绝，PDF 未生成。文档只能使用 styles/ 文件夹中的样式文件；请检查模板，删除对网络地址或本机其他文件的引用。"),
    "RENDER_FAILED": Entry(E, "生成 PDF 失败", "生成 PDF 失败：{reason}。原有的 PDF 文件（如有）保持不变。"),
    "RENDER_TIMEOUT": Entry(E, "排版超时", "排版超过 {seconds} 秒仍未完成，已中止，原有的 PDF 文件（如有）保持不变。通常是某个单元格文字过长：请把长文字拆成多段，或缩短表格中的文字。"),
    "RENDER_MEMORY": Entry(E, "排版内存超限", "排版所需内存超过上限（{limit} MB），已中止，原有的 PDF 文件（如有）保持不变。请检查填报表中是否有异常大量的文字或行。"),
    # ---------------------------------------------------------- outputs (exit 3): the workbook is never written
    "OUTPUT_IS_INPUT": Entry(E, "输出会覆盖输入", "输出文件 {output} 就是{kind} {source}，生成会覆盖它，已拒绝，什么都没有写入。请用 -o 另选一个文件名（如“公开文件.pdf”）；填报表本身从不修改。"),
    "OUTPUT_NOT_A_FILE": Entry(E, "输出位置不是普通文件", "输出位置 {output} 是{kind}，不是普通文件，不能用来保存生成的文件，已拒绝。请用 -o 指定一个文件名，如“公开文件/单位.pdf”。"),
    "OUTPUT_NOT_PDF": Entry(E, "输出文件名应以 .pdf 结尾", "PDF 的保存位置 {output} 不以 .pdf 结尾。网页版（.html）、公开表工作簿（.xlsx）和变化清单（.manifest.json）按 PDF 的文件名命名，为免互相覆盖或覆盖其他文件，请用 -o 指定以 .pdf 结尾的文件名。"),
    "OUTPUT_BUSY": Entry(E, "另一个生成正在写入", "另一个生成正在写入 {output}，等待 {seconds} 秒后仍未结束，本次未生成。同一个文件同一时间只能由一个生成写入；请等它完成后再试，或用 -o 另选文件名。"),
    "OUTPUT_DISK_FULL": Entry(E, "磁盘已满", "文件夹 {folder} 所在的磁盘已满（或超出磁盘配额），无法写入 {output}。原有文件保持不变，临时文件已删除。请清理磁盘空间，或用 -o 保存到其他位置后重试。"),
    "OUTPUT_UNWRITABLE": Entry(E, "无法写入", "无法写入 {output}：{reason}。原有文件保持不变。请检查文件夹是否存在、是否可写，或先在 PDF 阅读器中关闭该文件后重试。"),
    "OUTPUT_REPAIRED": Entry(W, "PDF 与变化清单不一致", "{output} 与其变化清单（.manifest.json）不一致：上一次生成在替换文件的途中被中断，或 PDF 在生成之后被改动过（如加盖电子印章）。这次已把 PDF、网页版和清单全部重新生成，无法列出与上次相比的变化。"),
    "OUTPUT_COLLISION": Entry(E, "多个填报表生成同一个文件", "填报表 {workbook} 和 {other} 会生成同一个文件 {output}，一个会覆盖另一个，两者都未生成。请给其中一个填报表改名，或分两次生成到不同的文件夹。"),
    "BATCH_SKIPPED": Entry(W, "已跳过", "{path}：{reason}，已跳过。"),
    "INTERRUPTED": Entry(E, "已中断", "已中断，原有文件保持不变。"),
    "ASSETS_VEHICLES_OVER_QUOTA": Entry(W, "实有车辆超过编制", "实有公务用车 {actual} 辆，超过编制数 {quota} 辆。请核对。"),
    # ---- text display (issue 12, item 5)
    "TEXT_NO_GLYPH_NAME": Entry(E, "名称中有无法显示的字符", "“{field}”中有公开文件的字体（Noto Serif/Sans CJK SC）没有收录的字符：{chars}。该字符无法在公开文件中显示，会印成方框。名称和标题中不能有这样的字符：请改用字体收录的写法（生僻字换成通行的写法，或用常用字加注），删除表情符号和私用区的造字。"),
    "TEXT_NO_GLYPH": Entry(W, "文字中有无法显示的字符", "“{field}”中有公开文件的字体（Noto Serif/Sans CJK SC）没有收录的字符：{chars}。该字符无法在公开文件中显示，会印成方框。请删除这些字符或改用常用字；不改也能生成，但公开文件中这些位置是方框。"),
    "TEXT_BIDI_CONTROL": Entry(W, "文字中有方向控制字符", "“{field}”中有 {count} 个看不见的文字方向控制字符（{chars}），通常是从网页或其他软件复制时带入的，会使公开文件中其后的文字（包括本工具生成的句子）倒序显示。已删除这些字符，其余文字照常使用；如需避免再次带入，请在 Excel 中重新输入，或“选择性粘贴→文本”。"),
    "TEXT_CONTROL_CHAR": Entry(W, "文字中有控制字符", "“{field}”中有 {count} 个看不见的控制字符（{chars}），无法印在公开文件中（多为其他程序导出的文件带入的）。已删除这些字符，其余文字照常使用；请核对此单元格的文字是否完整，必要时重新输入。"),
    "UNIT_NAME_TOO_LONG": Entry(E, "单位名称过长", "单位名称有 {length} 个字，超过上限 {limit} 字。单位名称印在封面和每一页的页眉中，过长会挤出封面、遮住正文。请填写单位的规范全称（常见的单位全称不超过 30 字）；如确需更长的名称，请与维护人员联系。"),
}
