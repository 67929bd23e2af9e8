"""PDF rendering: CJK text round-trip, metadata, embedded fonts, atomic output,
the fetch sandbox (styles/ and data: only), warnings capture, font checks."""

from __future__ import annotations

import logging
import os
import socket
from pathlib import Path

import pytest
from pypdf import PdfReader

from budget_author import paths
from budget_author.render import pdf
from budget_author.render.pdf import RenderError, check_fonts, url_fetcher, write_pdf

TEXT = "单位预算公开 2,551.34 万元"
SECRET = "TOP-SECRET-hostname-7f3a9c"


def page(body: str, head: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<style>html { font-family: "Noto Serif CJK SC", serif; font-size: 12pt; }</style>'
        f"{head}</head><body>{body}</body></html>"
    )


@pytest.fixture
def styles(tmp_path, monkeypatch) -> Path:
    """A temporary styles/ folder standing in for the real one, plus a secret file next to it."""
    folder = tmp_path / "res" / "styles"
    folder.mkdir(parents=True)
    (folder / "print.css").write_text("@page { size: 100mm 50mm; margin: 5mm }\n", encoding="utf-8")
    secret = tmp_path / "res" / "secret.css"
    secret.write_text(f"/* {SECRET} */", encoding="utf-8")
    (folder / "leak.css").symlink_to(secret)
    real = paths.resource_dir

    def fake(name: str) -> Path:
        return folder if name == "styles" else real(name)

    monkeypatch.setattr(paths, "resource_dir", fake)
    return folder


@pytest.fixture
def fresh_font_cache():
    pdf._chinese_font_families.cache_clear()
    yield
    pdf._chinese_font_families.cache_clear()


def font_files(reader: PdfReader) -> list[tuple[str, bool]]:
    """(font name, has an embedded font program) for every font used on every page."""
    found = []
    for pdf_page in reader.pages:
        fonts = pdf_page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            leaves = [d.get_object() for d in font["/DescendantFonts"]] if "/DescendantFonts" in font else [font]
            for leaf in leaves:
                descriptor = leaf["/FontDescriptor"].get_object()
                embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
                found.append((str(leaf["/BaseFont"]), embedded))
    return found


# ---------------------------------------------------------------- round trip


def test_cjk_text_round_trips(tmp_path):
    target = tmp_path / "out.pdf"
    result = write_pdf(page(f"<p>{TEXT}</p>"), target, title="测试单位2025年单位预算", author="测试单位")

    assert result.path == target and target.is_file()
    assert result.pages == 1
    assert result.seconds > 0
    assert result.warnings == []
    reader = PdfReader(target)
    assert len(reader.pages) == 1
    assert reader.pages[0].extract_text().strip() == TEXT  # no tofu, nothing lost
    assert reader.metadata.title == "测试单位2025年单位预算"
    assert reader.metadata.author == "测试单位"
    fonts = font_files(reader)
    assert fonts and all(embedded for _, embedded in fonts)
    assert any("CJK" in name for name, _ in fonts)


def test_explicit_metadata_beats_template_tags(tmp_path):
    html = page(f"<p>{TEXT}</p>", head='<title>错误标题</title><meta name="author" content="错误作者">')
    write_pdf(html, tmp_path / "out.pdf", title="正确标题", author="正确作者")
    meta = PdfReader(tmp_path / "out.pdf").metadata
    assert (meta.title, meta.author) == ("正确标题", "正确作者")


def test_default_base_url_loads_print_css_from_styles(styles, tmp_path):
    html = page(f"<p>{TEXT}</p>", head='<link rel="stylesheet" href="print.css">')
    write_pdf(html, tmp_path / "out.pdf", title="t", author="a")
    box = PdfReader(tmp_path / "out.pdf").pages[0].mediabox
    # 100mm × 50mm from the temporary styles/print.css
    assert round(float(box.width)) == 283 and round(float(box.height)) == 142


# ---------------------------------------------------------------- atomic output


def test_target_appears_only_when_complete(tmp_path, monkeypatch):
    from weasyprint.document import Document

    target = tmp_path / "out.pdf"
    seen = {}
    original = Document.write_pdf

    def spy(self, target_path=None, *args, **kwargs):
        seen["target_existed"] = target.exists()
        seen["written_to"] = Path(target_path)
        return original(self, target_path, *args, **kwargs)

    monkeypatch.setattr(Document, "write_pdf", spy)
    write_pdf(page(f"<p>{TEXT}</p>"), target, title="t", author="a")
    assert seen["target_existed"] is False
    assert seen["written_to"] != target and seen["written_to"].parent == tmp_path
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]


def test_failed_render_keeps_old_target_and_leaves_no_temp_files(tmp_path, monkeypatch):
    from weasyprint.document import Document

    target = tmp_path / "out.pdf"
    target.write_bytes(b"%PDF-old")

    def broken(self, target_path=None, *args, **kwargs):
        Path(target_path).write_bytes(b"%PDF-half")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Document, "write_pdf", broken)
    with pytest.raises(RenderError) as caught:
        write_pdf(page(f"<p>{TEXT}</p>"), target, title="t", author="a")
    assert caught.value.code == "RENDER_FAILED"
    assert target.read_bytes() == b"%PDF-old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]


def test_forbidden_fetch_keeps_old_target(tmp_path):
    target = tmp_path / "out.pdf"
    target.write_bytes(b"%PDF-old")
    with pytest.raises(RenderError):
        write_pdf(page('<link rel="attachment" href="file:///etc/hostname">'), target, title="t", author="a")
    assert target.read_bytes() == b"%PDF-old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]


# ---------------------------------------------------------------- url_fetcher


def test_fetcher_serves_styles_files(styles):
    result = url_fetcher((styles / "print.css").as_uri())
    assert result["string"] == (styles / "print.css").read_bytes()
    assert result["mime_type"] == "text/css"


def test_fetcher_serves_data_urls():
    result = url_fetcher("data:text/plain;charset=utf-8,%E4%B8%AD")
    assert result["string"].decode("utf-8") == "中"
    assert result["mime_type"] == "text/plain"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/x.css",
        "https://example.com/x.css",
        "ftp://example.com/x.css",
        "file://otherhost/print.css",
        "//example.com/x.css",
        "print.css",
    ],
)
def test_fetcher_refuses_outside_urls(styles, url):
    with pytest.raises(RenderError) as caught:
        url_fetcher(url)
    assert caught.value.code == "RENDER_FORBIDDEN_FETCH"
    assert caught.value.params == {"url": url}


def test_fetcher_refuses_dotdot_escape(styles):
    url = styles.as_uri() + "/../secret.css"
    with pytest.raises(RenderError) as caught:
        url_fetcher(url)
    assert caught.value.code == "RENDER_FORBIDDEN_FETCH"


def test_fetcher_refuses_symlink_leaving_styles(styles):
    assert (styles / "leak.css").exists()
    with pytest.raises(RenderError) as caught:
        url_fetcher((styles / "leak.css").as_uri())
    assert caught.value.code == "RENDER_FORBIDDEN_FETCH"


def test_relative_escape_in_document_is_fatal(styles, tmp_path):
    html = page("<p>x</p>", head='<link rel="stylesheet" href="../secret.css">')
    with pytest.raises(RenderError) as caught:
        write_pdf(html, tmp_path / "out.pdf", title="t", author="a")
    assert caught.value.code == "RENDER_FORBIDDEN_FETCH"
    assert not (tmp_path / "out.pdf").exists()


# ---------------------------------------------------------------- the attachment attack


@pytest.mark.parametrize(
    "markup",
    [
        '<link rel="attachment" href="{url}">',
        '<img src="{url}">',
        '<a rel="attachment" href="{url}">附件</a>',
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="{url}" width="10" height="10"/></svg>',
        "<style>@import url({url});</style>",
        "<style>@font-face {{ font-family: x; src: url({url}) }}</style><p style='font-family: x'>中</p>",
    ],
)
@pytest.mark.parametrize("which", ["etc", "tmp"])
def test_local_file_is_never_embedded(tmp_path, markup, which):
    secret = tmp_path / "hostname"
    secret.write_text(SECRET, encoding="utf-8")
    url = "file:///etc/hostname" if which == "etc" else secret.as_uri()
    target = tmp_path / "out.pdf"
    with pytest.raises(RenderError) as caught:
        write_pdf(page("<p>正文</p>" + markup.format(url=url)), target, title="t", author="a")
    assert caught.value.code == "RENDER_FORBIDDEN_FETCH"
    assert caught.value.params["url"] == url
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hostname"]


# ---------------------------------------------------------------- no network, ever


def test_http_references_fail_before_any_network(tmp_path, monkeypatch):
    calls: list[str] = []

    def refuse(name):
        def spy(*args, **kwargs):
            calls.append(name)
            raise AssertionError(f"network used: {name}{args}")

        return spy

    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    html = page(
        '<p>正文</p><img src="http://example.com/logo.png">',
        head='<link rel="stylesheet" href="https://example.com/x.css">'
        "<style>@import url(http://example.com/y.css);</style>",
    )
    with pytest.raises(RenderError) as caught:
        write_pdf(html, tmp_path / "out.pdf", title="t", author="a")
    assert caught.value.code == "RENDER_FORBIDDEN_FETCH"
    assert caught.value.params["url"].startswith(("http://", "https://"))
    assert calls == []


# ---------------------------------------------------------------- warnings


def test_invalid_css_yields_warnings_not_output(tmp_path, capsys):
    html = page(f"<p>{TEXT}</p>", head="<style>p { colr: red }</style>")
    result = write_pdf(html, tmp_path / "out.pdf", title="t", author="a")
    assert result.warnings
    assert any("colr" in message for message in result.warnings)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_clean_html_yields_no_warnings(tmp_path):
    result = write_pdf(page(f"<p>{TEXT}</p>"), tmp_path / "out.pdf", title="t", author="a")
    assert result.warnings == []


def test_logger_state_is_restored(tmp_path):
    logger = logging.getLogger("weasyprint")
    before = (logger.level, logger.propagate, list(logger.handlers))
    write_pdf(page("<style>p { colr: red }</style><p>x</p>"), tmp_path / "out.pdf", title="t", author="a")
    assert (logger.level, logger.propagate, list(logger.handlers)) == before


# ---------------------------------------------------------------- fonts and subsetter


def test_harfbuzz_subsetter_is_used():
    assert pdf.uses_harfbuzz_subsetter() is True


def test_check_fonts_passes_here(fresh_font_cache):
    check_fonts()
    assert set(pdf.REQUIRED_FAMILIES) <= pdf._chinese_font_families()


def test_check_fonts_is_cached(fresh_font_cache, monkeypatch):
    calls = []
    real = pdf._families_from_fc_list

    def counting():
        calls.append(1)
        return real()

    monkeypatch.setattr(pdf, "_families_from_fc_list", counting)
    check_fonts()
    check_fonts()
    assert len(calls) == 1


def test_check_fonts_without_cjk_font_raises(fresh_font_cache, monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "_families_from_fc_list", lambda: set())
    with pytest.raises(RenderError) as caught:
        check_fonts()
    assert caught.value.code == "RENDER_NO_CJK_FONT"
    assert "fonts-noto-cjk" in str(caught.value)
    with pytest.raises(RenderError):
        write_pdf(page("<p>x</p>"), tmp_path / "out.pdf", title="t", author="a")
    assert not (tmp_path / "out.pdf").exists()


def test_check_fonts_falls_back_to_fontconfig_library(fresh_font_cache, monkeypatch):
    monkeypatch.setattr(pdf, "_families_from_fc_list", lambda: None)
    check_fonts()
    assert pdf._chinese_font_families() == frozenset(pdf.REQUIRED_FAMILIES)


def test_messages_are_complete():
    assert {"RENDER_NO_CJK_FONT", "RENDER_FORBIDDEN_FETCH", "RENDER_FAILED"} <= set(pdf.MESSAGES)
    assert "{url}" in pdf.MESSAGES["RENDER_FORBIDDEN_FETCH"]
    assert str(RenderError("RENDER_FORBIDDEN_FETCH", url="http://x/")).count("http://x/") == 1


def test_no_temp_files_left_in_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_pdf(page("<p>x</p>"), Path("out.pdf"), title="t", author="a")
    assert os.listdir(tmp_path) == ["out.pdf"]
