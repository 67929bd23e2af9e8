"""`budget-author build`: the PDF of both examples, checked against the computed model.

Each example is built once per module (normal and --draft); the tests read the
PDFs with pdftotext (poppler) and pypdf.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from budget_author.cli import cli
from budget_author.render.html import narrative_blocks, table_of_contents
from conftest import EXAMPLES

NAMES = ["datong-2024", "fenyang-2025"]
FRONT_PAGES = 2  # the cover and the 目录 carry no folio


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def pages_text(path: Path) -> list[str]:
    return pdftotext(path, "-layout").split("\f")[:-1]


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def plain(markup: str) -> str:
    parser = _Text()
    parser.feed(str(markup))
    return "".join(parser.parts)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("name", NAMES)
def test_build_writes_a_pdf_without_warnings(built, name):
    normal, draft = built[name]
    assert normal.check.ok and normal.pdf.exists() and normal.pages > 20
    assert normal.warnings == [] and draft.warnings == []
    reader = PdfReader(normal.pdf)
    assert len(reader.pages) == normal.pages
    assert reader.metadata.title == f"{normal.report.unit_name}{normal.report.title}"
    assert reader.metadata.author == normal.report.unit_name


def _in_order(wanted: list[str], tokens: list[str]) -> bool:
    it = iter(tokens)
    return all(any(token == w for token in it) for w in wanted)


@pytest.mark.parametrize("name", NAMES)
def test_every_table_row_is_printed_as_computed(built, name):
    """Each body row's non-empty cells appear, in order, on one line of the PDF text."""
    normal, _ = built[name]
    lines = [line.split() for page in pages_text(normal.pdf) for line in page.splitlines()]
    for table in normal.report.tables:
        for row in table.body:
            amounts = [c.text for c in row if c.cls == "num" and c.text]
            if not amounts:
                continue
            label = squeeze(next(c.text for c in row if c.text))[:4]
            # A long name may wrap: its start is on the amounts' line or the line above or below.
            found = any(
                _in_order(amounts, line) and any(label in squeeze("".join(lines[j][:2]))
                                                 for j in (i - 1, i, i + 1) if 0 <= j < len(lines))
                for i, line in enumerate(lines)
            )
            assert found, f"表{table.number}: row {label} {amounts} not found in the PDF text"


@pytest.mark.parametrize("name", NAMES)
def test_every_narrative_sentence_is_printed_with_its_figures(built, name):
    normal, _ = built[name]
    report = normal.report
    text = pdftotext(normal.pdf)
    text = text.replace(report.running_head, "")
    text = squeeze(re.sub(r"-\d+-", "", text))
    for block in narrative_blocks(report):
        for paragraph in block.paragraphs:
            sentence = squeeze(plain(paragraph))
            assert sentence in text, f"{block.title}: {sentence[:60]}… not in the PDF"


@pytest.mark.parametrize("name", NAMES)
def test_outline_matches_the_table_of_contents(built, name):
    normal, _ = built[name]
    reader = PdfReader(normal.pdf)

    def walk(items, level=1):
        for item in items:
            if isinstance(item, list):
                yield from walk(item, level + 1)
            else:
                yield level, item.title, reader.get_destination_page_number(item)

    outline = list(walk(reader.outline))
    toc = table_of_contents(normal.report, narrative_blocks(normal.report))
    assert [(level, title) for level, title, _ in outline] == [(e.level, e.title) for e in toc]
    # The 目录's printed page numbers are the outline's pages, counted from 第一部分.
    toc_page = pages_text(normal.pdf)[1]
    for level, title, page_index in outline:
        folio = page_index - FRONT_PAGES + 1
        line = next(line for line in toc_page.splitlines() if squeeze(title) in squeeze(line))
        assert line.rstrip().endswith(str(folio)), (title, folio, line)


@pytest.mark.parametrize("name", NAMES)
def test_folios_run_from_the_first_part(built, name):
    normal, _ = built[name]
    pages = pages_text(normal.pdf)
    assert "-" not in pages[0].strip()[-4:]  # the cover carries no folio
    for number, page in enumerate(pages[FRONT_PAGES:], start=1):
        assert page.rstrip().endswith(f"-{number}-"), number


@pytest.mark.parametrize("name", NAMES)
def test_draft_watermark_on_every_page_and_only_in_drafts(built, name):
    normal, draft = built[name]
    # pypdf: poppler's layout mode leaves the rotated watermark out.
    assert all("仅供内部审核" in squeeze(page.extract_text()) for page in PdfReader(draft.pdf).pages)
    assert not any("仅供内部审核" in squeeze(page.extract_text()) for page in PdfReader(normal.pdf).pages)


@pytest.mark.parametrize("name", NAMES)
def test_empty_tables_carry_the_note(built, name):
    normal, _ = built[name]
    empty = [t.number for t in normal.report.tables if t.empty]
    assert empty  # both examples have tables without data (表七, 表八, 表九, …)
    text = squeeze(pdftotext(normal.pdf))
    assert text.count("注：本表无数据") == len(empty)
    for table in normal.report.tables:
        assert table.empty == all(not c.text for row in table.body for c in row if c.cls == "num")


@pytest.mark.parametrize("name", NAMES)
def test_wide_tables_are_on_landscape_pages(built, name):
    normal, _ = built[name]
    reader = PdfReader(normal.pdf)
    shapes = {"landscape" if p.mediabox.width > p.mediabox.height else "portrait" for p in reader.pages}
    assert shapes == {"landscape", "portrait"}
    pages = pages_text(normal.pdf)
    for table in normal.report.tables:
        index = next(i for i, page in enumerate(pages) if squeeze(table.title) in squeeze(page)
                     and i >= FRONT_PAGES)
        page = reader.pages[index]
        assert (page.mediabox.width > page.mediabox.height) == table.landscape, table.title


@pytest.mark.parametrize("name", NAMES)
def test_fonts_are_embedded(built, name):
    normal, _ = built[name]
    reader = PdfReader(normal.pdf)
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None:
                    descriptor = descriptor.get_object()
                    fonts[descriptor["/FontName"]] = any(k in descriptor for k in ("/FontFile", "/FontFile2",
                                                                                  "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
    names = [str(n).replace("-", "") for n in fonts]
    assert any("NotoSerifCJK" in n for n in names) and any("NotoSansCJK" in n for n in names)


def test_html_version_is_self_contained(built):
    normal, _ = built["datong-2024"]
    page = normal.html.read_text(encoding="utf-8")
    assert "<style>" in page and 'rel="stylesheet"' not in page
    assert "2,551.34" in page


def test_build_refuses_a_workbook_with_errors(tmp_path, mini, make_workbook):
    mini["expenditure"][0]["code"] = "20801O9"
    path = make_workbook(mini)
    result = CliRunner().invoke(cli, ["build", str(path), "-o", str(tmp_path / "out.pdf")])
    assert result.exit_code == 1
    assert "CODE_MALFORMED" in result.output and "未生成" in result.output
    assert not (tmp_path / "out.pdf").exists()


def test_build_command_reports_path_pages_and_time(tmp_path):
    source = tmp_path / "fenyang.xlsx"
    shutil.copy(EXAMPLES / "fenyang-2025.xlsx", source)
    before = source.read_bytes()
    result = CliRunner().invoke(cli, ["build", str(source)])
    assert result.exit_code == 0, result.output
    assert re.search(r"已生成：.*fenyang\.pdf（\d+ 页，\d+\.\d 秒）", result.output)
    assert source.read_bytes() == before  # the input is never touched
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".~")] == []


def _font_cmap(family: str) -> set[int]:
    from fontTools.ttLib import TTCollection, TTFont

    path, index = subprocess.run(["fc-match", "-f", "%{file}|%{index}", family], check=True,
                                 capture_output=True, text=True).stdout.split("|")
    if path.lower().endswith(".ttc"):
        font = TTCollection(path).fonts[int(index)]
    else:
        font = TTFont(path)
    return set(font.getBestCmap())


@pytest.mark.parametrize("name", NAMES)
def test_no_tofu_every_character_has_a_glyph(built, name):
    """Every character of the document is in the embedded CJK fonts (no .notdef boxes)."""
    normal, _ = built[name]
    covered = _font_cmap("Noto Serif CJK SC") & _font_cmap("Noto Sans CJK SC")
    text = plain(normal.html.read_text(encoding="utf-8").split("<body>", 1)[1])
    missing = sorted({ch for ch in text if not ch.isspace() and ord(ch) not in covered})
    assert missing == []


def test_profile_macros_take_everything_as_arguments():
    """The macros are compiled once per process (budget_author/templating.py): they must not read `n` nor keep state."""
    import tomllib

    import budget_author.profiles as profiles_package

    for toml in Path(profiles_package.__file__).parent.glob("*/profile.toml"):
        macros = tomllib.loads(toml.read_text(encoding="utf-8")).get("macros", "")
        outside = re.sub(r"\{%-?\s*macro.*?endmacro\s*-?%\}", "", macros, flags=re.S)
        assert outside.strip() == "", toml  # nothing but macro definitions
        assert not re.search(r"\b[ns]\.", macros), toml  # no figure reached around the arguments
