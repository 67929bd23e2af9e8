"""Every typed text fits the page, and shows as typed (issue 12, item 5).

One PDF is built (module fixture) from the template with the worst allowed texts: 2,000 letters in a
paragraph, 1,000 letters in a reason, a 500-digit project name, 1,000 W in a form cell, a 60-character
unit name, a bidi override in the unit name and in a reason, Excel escapes in a paragraph. Word
positions come from `pdftotext -bbox` (poppler). The other tests only run `check`.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from budget_author.check import check_workbook
from budget_author.workbook import characters as T
from budget_author.workbook.parse import MAX_UNIT_NAME_CHARS
from budget_author.workbook.read import decode_xstring
from budget_author.workbook.template import write_template
from conftest import MINI, ROOT
from corpus.make_corpus import Package, set_cell

MM = 72 / 25.4  # PDF points per millimetre
YEAR_TITLE = "2025年度单位预算公开"
UNIT_NAME = "汾阳市社会保险中心" * 3 + "Q" * 33  # 60 characters: the longest allowed
REASON_WITH_OVERRIDE = "业务量\u202e增加了一成"


def problems(result) -> list[tuple[str, str | None, str | None]]:
    return [(i.code, i.sheet, i.cell) for i in result.issues]


# ---------------------------------------------------------------- the one built PDF
@dataclass(frozen=True)
class Word:
    page: int  # 1-based
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    words: tuple[Word, ...]

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def text(self) -> str:
        return "".join(w.text for w in self.words)


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>')


def pdf_pages(path: Path) -> list[Page]:
    xhtml = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True,
                           text=True).stdout
    pages = []
    for number, (width, height, body) in enumerate(_PAGE.findall(xhtml), start=1):
        words = tuple(Word(number, _unescape(text), float(a), float(b), float(c), float(d))
                      for a, b, c, d, text in _WORD.findall(body))
        pages.append(Page(number, float(width), float(height), words))
    return pages


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    from budget_author.build import build_document

    data = copy.deepcopy(MINI)
    data["unit"]["name"] = "汾阳市社会保险中心" * 3 + "\u202e" + "Q" * 33  # the override is removed: 60 left
    data["paragraphs"][0]["text"] = "A" * 2000  # 本单位职责
    data["paragraphs"][1]["text"] = "内设办公室_x000D_\n财务科_x0001_。文字_x005F_x000D_照印。"  # 机构设置
    data["reasons"]["income_total"] = "Z" * 1000
    data["reasons"]["expenditure_total"] = REASON_WITH_OVERRIDE
    data["projects"][0]["name"] = "9" * 500  # published: also the form's 项目名称
    data["perf_forms"][0]["overview"] = "W" * 1000
    folder = tmp_path_factory.mktemp("text-display")
    workbook = write_template(folder / "long.xlsx", data)
    result = build_document(workbook, folder / "long.pdf")
    assert result.pdf is not None, problems(result.check)
    return result, pdf_pages(result.pdf)


def test_the_worst_allowed_texts_build_with_one_warning_per_cleaned_cell(rendered):
    result, pages = rendered
    assert problems(result.check) == [
        ("TEXT_BIDI_CONTROL", "单位信息", "B2"),
        ("TEXT_CONTROL_CHAR", "文本段落", "B3"),
        ("TEXT_BIDI_CONTROL", "变动原因", "F3"),
    ]
    assert result.pages == len(pages)
    assert result.report.unit_name == UNIT_NAME and len(UNIT_NAME) == MAX_UNIT_NAME_CHARS


def test_long_unbroken_text_wraps_inside_the_page_and_is_all_there(rendered):
    _, pages = rendered
    text = "".join(p.text for p in pages)
    assert text.count("A") == 2000  # the paragraph
    assert text.count("Z") == 1000  # the reason
    assert text.count("W") == 1000  # the form's 项目概况
    for page in pages:
        side = 18 * MM if page.landscape else 20 * MM  # the page margins of print.css
        for word in page.words:
            assert word.x0 >= side - 1 and word.x1 <= page.width - side + 1, word
            assert word.y0 >= 0 and word.y1 <= page.height, word
    lines = [w for p in pages for w in p.words if set(w.text) == {"A"}]
    assert len(lines) >= 2000 // 60  # wrapped into lines, not one line cut at the edge


def test_a_500_digit_project_name_wraps_in_its_column_clear_of_the_amounts(rendered):
    _, pages = rendered
    (page,) = [p for p in pages if any(w.text == "预算公开表12" for w in p.words)]  # 项目支出预算表（本年预算）
    name = [w for w in page.words if set(w.text) == {"9"}]
    assert sum(len(w.text) for w in name) == 500
    assert len(name) >= 500 // 60
    amounts = [w for w in page.words if re.fullmatch(r"\d+\.\d\d", w.text)]
    total_header = next(w for w in page.words if w.text == "合计")
    assert amounts and max(w.x1 for w in name) < min(w.x0 for w in amounts)
    assert max(w.x1 for w in name) < total_header.x0
    (form_page,) = [p for p in pages if "项目支出绩效目标表" in p.text and "项目名称" in p.text]
    assert sum(len(w.text) for w in form_page.words if set(w.text) == {"9"}) == 500


def test_a_60_character_unit_name_keeps_the_cover_title_on_the_cover(rendered):
    _, pages = rendered
    cover = pages[0]
    assert cover.text == UNIT_NAME + YEAR_TITLE
    for word in cover.words:
        assert word.x0 >= 20 * MM and word.x1 <= cover.width - 20 * MM, word
    assert YEAR_TITLE not in pages[1].text


def test_the_running_head_stays_in_the_top_margin_and_reads_forward(rendered):
    _, pages = rendered
    checked = 0
    for page in pages[2:]:
        top = (18 if page.landscape else 22) * MM
        head = [w for w in page.words if w.y0 < top]
        assert "".join(w.text for w in head) == UNIT_NAME + YEAR_TITLE, page.number
        assert all(w.y1 <= top for w in head), page.number  # no line of it reaches the body
        assert all(w.y0 >= top for w in page.words if w not in head)
        checked += 1
    assert checked == len(pages) - 2
    portrait = next(p for p in pages[2:] if not p.landscape)
    assert len({round(w.y0) for w in portrait.words if w.y0 < 22 * MM}) == 2  # two lines in portrait


def test_bidi_override_does_not_reverse_the_tools_sentence(rendered):
    _, pages = rendered
    text = "".join(p.text for p in pages)
    assert "主要原因是业务量增加了一成。" in text
    assert "成一了加增" not in text


def test_excel_escapes_print_as_the_characters_they_stand_for(rendered):
    _, pages = rendered
    text = "".join(p.text for p in pages)
    assert "内设办公室财务科。文字_x000D_照印。" in text  # CR LF shows as a line break (a space); _x005F_ keeps "_x000D_"
    assert "_x0001_" not in text and "_x005F_" not in text and text.count("_x000D_") == 1


# ---------------------------------------------------------------- check only
def test_unit_name_longer_than_60_characters_is_refused(mini, make_workbook):
    mini["unit"]["name"] = "测" * MAX_UNIT_NAME_CHARS
    assert problems(check_workbook(make_workbook(mini))) == []
    mini["unit"]["name"] = "测" * (MAX_UNIT_NAME_CHARS + 1)
    result = check_workbook(make_workbook(mini))
    assert problems(result) == [("UNIT_NAME_TOO_LONG", "单位信息", "B2")]
    assert "61 个字" in result.issues[0].message and "60 字" in result.issues[0].message
    assert not result.ok


def test_characters_without_a_glyph_are_errors_in_names_and_warnings_in_free_text(mini, make_workbook):
    mini["unit"]["name"] = "测试𠀀中心"  # U+20000, Extension B
    mini["projects"][1]["name"] = "专项\ue000补助"  # private use
    mini["perf_indicators"][0]["level3"] = "运维𪚥系统数"  # U+2A6A5
    mini["custom_codes"][0]["name"] = "公务接待费😀"
    mini["paragraphs"][0]["text"] = "负责全市社会保险经办工作𰀀。"  # U+30000, Extension G
    mini["reasons"]["income_total"] = "业务量增加😀。"
    mini["perf_forms"][0]["overview"] = "运维𠀀。"
    result = check_workbook(make_workbook(mini))
    assert problems(result) == [
        ("TEXT_NO_GLYPH_NAME", "单位信息", "B2"),
        ("TEXT_NO_GLYPH_NAME", "项目", "C4"),
        ("TEXT_NO_GLYPH", "文本段落", "B2"),
        ("TEXT_NO_GLYPH", "变动原因", "F2"),
        ("TEXT_NO_GLYPH_NAME", "自定义科目", "C2"),
        ("TEXT_NO_GLYPH", "绩效目标表", "R2"),
        ("TEXT_NO_GLYPH_NAME", "绩效指标", "E2"),
    ]
    messages = {(i.sheet, i.cell): i for i in result.issues}
    unit = messages[("单位信息", "B2")]
    assert unit.severity.value == "error" and "无法在公开文件中显示" in unit.message
    assert "“𠀀”（U+20000" in unit.message and "单位名称" in unit.message
    assert "U+E000（私用区造字）" in messages[("项目", "C4")].message
    assert messages[("变动原因", "F2")].severity.value == "warning"
    assert not result.ok


def test_uncommon_characters_the_fonts_have_are_accepted(mini, make_workbook):
    mini["unit"]["name"] = "测试市第①社会保险中心（㎡≥℃‰№）"
    mini["projects"][0]["name"] = "Lǚ 项目 Ⅲ期 α·β “引号” 䶮 𬌗"  # pinyin, roman numeral, Greek, Ext A, a covered Ext E
    mini["paragraphs"][0]["text"] = "负责\u200b全市\ufe0f工作\u3000。\t（一）\n（二）"  # invisible and white space
    assert problems(check_workbook(make_workbook(mini))) == []


def test_the_glyph_table_matches_the_installed_fonts():
    """The committed table is what tools/glyph_coverage.py reads from the fonts the stylesheet names."""
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "glyph_coverage.py"), "--check"],
                         capture_output=True, text=True)
    if run.returncode == 2:
        pytest.skip("Noto Serif/Sans CJK SC are not installed")
    assert run.returncode == 0, run.stdout + run.stderr
    assert T.covered("中") and T.covered("①") and not T.covered("𠀀") and not T.covered("😀")
    assert T.missing_glyphs("a\u200d b\ufe0f\u00ad") == []  # joiners, selectors, soft hyphen draw nothing


def test_bidi_controls_are_removed_from_every_text_with_a_warning(mini, make_workbook):
    controls = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    mini["unit"]["dept_name"] = "测试市\u2067人力资源和社会保障局\u2069"
    mini["projects"][0]["name"] = "信息系统\u202e运维"
    mini["glossary"] = [{"term": "社保\u200f经办", "text": controls + "社会保险经办。"}]
    result = check_workbook(make_workbook(mini))
    assert problems(result) == [
        ("TEXT_BIDI_CONTROL", "单位信息", "B7"),
        ("TEXT_BIDI_CONTROL", "项目", "C3"),
        ("TEXT_BIDI_CONTROL", "名词解释补充", "A2"),
        ("TEXT_BIDI_CONTROL", "名词解释补充", "B2"),
    ]
    budget = result.parsed.budget
    assert budget.unit.dept_name == "测试市人力资源和社会保障局"
    assert budget.projects[0].name == "信息系统运维"
    assert (budget.glossary[0].term, budget.glossary[0].text) == ("社保经办", "社会保险经办。")
    message = result.issues[3].message
    assert "12 个" in message and "U+202A" in message and "等 12 种" in message
    assert all(i.severity.value == "warning" for i in result.issues) and result.ok


def test_excel_escapes_are_decoded_and_control_characters_dropped(mini, make_workbook):
    assert decode_xstring("a_x000D_b") == "a\rb"
    assert decode_xstring("_x005F_x000D_") == "_x000D_"  # an escaped underscore: the text itself
    assert decode_xstring("_x005f_") == "_" and decode_xstring("_x41_") == "_x41_"  # 4 hex digits, either case
    assert decode_xstring("_xD840__xDC00_") == "𠀀"  # a surrogate pair is one character
    assert decode_xstring("x_xD800_y") == "x\ufffdy"  # a lone surrogate cannot be a character
    # shared strings (openpyxl writes the text as given), an inline string and a formula's cached string
    mini["paragraphs"][0]["text"] = "第一段_x000D_\n第二段_x0007_"
    mini["reasons"]["income_total"] = "业务量_x005F_x000D_增加"
    path = make_workbook(mini)
    package = Package(path.read_bytes())
    package.edit_sheet("项目", lambda root: set_cell(root, "C3", "信息_x0009_系统_x001B_运维"))
    package.edit_sheet("名词解释补充", lambda root: (set_cell(root, "A2", "社保_x0000_", formula='"社保"'),
                                                  set_cell(root, "B2", "经办_xD800_。")))
    path.write_bytes(package.to_bytes())
    result = check_workbook(path)
    assert problems(result) == [
        ("TEXT_CONTROL_CHAR", "项目", "C3"),
        ("TEXT_CONTROL_CHAR", "文本段落", "B2"),
        ("TEXT_CONTROL_CHAR", "名词解释补充", "A2"),
        ("TEXT_CONTROL_CHAR", "名词解释补充", "B2"),
    ]
    budget = result.parsed.budget
    assert budget.paragraphs[0].text == "第一段\n第二段"  # CR LF → LF, BEL dropped
    assert budget.reasons["income_total"] == "业务量_x000D_增加"  # no warning: it is the typed text
    assert budget.projects[0].name == "信息\t系统运维"  # tab kept (white space), ESC dropped
    assert (budget.glossary[0].term, budget.glossary[0].text) == ("社保", "经办。")
    assert "U+001B" in result.issues[0].message and "1 个" in result.issues[0].message
    assert "U+FFFD" in result.issues[3].message


def test_a_required_value_of_only_invisible_characters_is_empty(mini, make_workbook):
    invisible = "\u200b\u200c\u200d\u2060\ufeff \u3000\u00a0"
    mini["unit"]["region"] = invisible
    mini["projects"][1]["name"] = "\u200b"
    mini["paragraphs"].append({"section": "其他说明", "text": "\ufeff\u2060"})
    mini["unit"]["name"] = "\ufeff\u200b测试市测试中心\u200b"  # visible text: kept, edges trimmed
    result = check_workbook(make_workbook(mini))
    assert problems(result) == [
        ("VAL_REQUIRED", "单位信息", "B4"),
        ("VAL_REQUIRED", "项目", "C4"),
        ("VAL_REQUIRED", "文本段落", "B4"),
    ]
    assert "“地区名称”必须填写" in result.issues[0].message


def test_messages_name_control_characters_instead_of_printing_them(mini, make_workbook):
    path = make_workbook(mini)
    package = Package(path.read_bytes())
    package.edit_sheet("项目", lambda root: set_cell(root, "C1", "项目_x001B_[2J名称"))  # a renamed header
    path.write_bytes(package.to_bytes())
    result = check_workbook(path)
    assert problems(result) == [("WB_HEADER_MISMATCH", "项目", "C1")]
    assert "项目<U+001B>[2J名称" in result.issues[0].message and "\x1b" not in result.issues[0].message
