"""Rendering is bounded, safe with hostile workbook text, and never half-writes its output."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from budget_author.build import build_document
from budget_author.check import check_workbook
from budget_author.cli import cli
from budget_author.compute.report import compute_report
from budget_author.render.html import environment, render_html
from budget_author.render.pdf import RenderError
from budget_author.render.worker import RenderWorker
from conftest import EXAMPLES, ROOT, example_data

HOSTILE = '<link rel="attachment" href="file:///etc/hostname"><script>alert(1)</script>&amp;"\''


@pytest.fixture(scope="module")
def html():
    return render_html(compute_report(check_workbook(EXAMPLES / "fenyang-2025.xlsx").parsed.budget))


def test_render_time_bound_kills_the_worker_and_it_recovers(tmp_path, html):
    worker = RenderWorker(timeout=0.05)
    target = tmp_path / "out.pdf"
    try:
        with pytest.raises(RenderError) as info:
            worker.render(html, target, title="t", author="a")
        assert info.value.code == "RENDER_TIMEOUT"
        assert not target.exists() and list(tmp_path.iterdir()) == []
        worker.timeout = 120
        result = worker.render(html, target, title="t", author="a")
        assert result.pages > 20 and target.exists()
    finally:
        worker.stop()


def test_render_memory_bound(tmp_path, html):
    worker = RenderWorker(memory_mb=150)
    try:
        with pytest.raises(RenderError) as info:
            worker.render(html, tmp_path / "out.pdf", title="t", author="a")
        assert info.value.code == "RENDER_MEMORY"
        assert not (tmp_path / "out.pdf").exists()
    finally:
        worker.stop()


def test_build_past_its_time_bound_exits_4(tmp_path):
    source = tmp_path / "unit.xlsx"
    shutil.copy(EXAMPLES / "fenyang-2025.xlsx", source)
    env = dict(os.environ, BUDGET_AUTHOR_RENDER_TIMEOUT="0.05")
    done = subprocess.run([sys.executable, "-m", "budget_author", "build", str(source)], env=env,
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 4, done.stdout + done.stderr
    assert "RENDER_TIMEOUT" in done.stderr and "Traceback" not in done.stderr
    assert not source.with_suffix(".pdf").exists()


def test_workbook_text_is_escaped_and_cannot_embed_a_local_file(tmp_path, make_workbook):
    data = example_data("fenyang-2025")
    data["paragraphs"][0]["text"] = HOSTILE
    data["projects"][1]["name"] = HOSTILE[:60]
    path = make_workbook(data)
    result = build_document(path, tmp_path / "out.pdf", html=True)
    assert result.check.ok
    page = result.html.read_text(encoding="utf-8")
    assert "&lt;link rel=&#34;attachment&#34;" in page and "<script>" not in page
    pdf = (tmp_path / "out.pdf").read_bytes()
    assert b"/EmbeddedFile" not in pdf
    hostname = open("/etc/hostname", "rb").read().strip()
    if len(hostname) > 6:
        assert hostname not in pdf


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [v for k, v in attrs if k in ("href", "src") and v]


def test_the_document_references_nothing_outside_our_stylesheet(html):
    parser = _Links()
    parser.feed(html)
    outside = [u for u in parser.urls if not (u.startswith("#") or u == "print.css")]
    assert outside == []


def test_every_template_autoescapes_whatever_its_name():
    env = environment()
    assert env.autoescape is True
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    for name in env.list_templates():
        source = env.loader.get_source(env, name)[0]
        assert "|safe" not in source.replace(" ", "") and "Markup" not in source, name


def test_output_folder_unusable_exits_3_and_keeps_the_old_pdf(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = CliRunner().invoke(cli, ["build", str(EXAMPLES / "fenyang-2025.xlsx"), "-o",
                                      str(blocker / "out.pdf")])
    assert result.exit_code == 3 and "无法写入" in result.output
    target = tmp_path / "busy.pdf"
    target.mkdir()  # something that cannot be replaced by a file (a PDF held open, on some systems)
    (target / "keep").write_text("old")
    result = CliRunner().invoke(cli, ["build", str(EXAMPLES / "fenyang-2025.xlsx"), "-o", str(target)])
    assert result.exit_code == 3
    assert (target / "keep").read_text() == "old"
    assert not [p for p in tmp_path.iterdir() if re.match(r"\.~", p.name)]


def test_a_pdf_held_open_by_a_viewer_is_left_as_it_was(tmp_path, monkeypatch):
    """On Windows a viewer holding the PDF makes os.replace fail with a sharing violation (PermissionError).
    The new PDF is thrown away, the old one is untouched, and the error is an OSError: the CLI's exit 3
    (the worker relays it; test_output_folder_unusable_exits_3_and_keeps_the_old_pdf drives that path)."""
    from budget_author.render import pdf

    target = tmp_path / "公开文件.pdf"
    target.write_bytes(b"%PDF-old")
    real_replace = os.replace

    def held_open(src, dst, *args, **kwargs):
        if os.fspath(dst) == os.fspath(target):
            raise PermissionError(13, "另一个程序正在使用此文件，进程无法访问。", os.fspath(dst))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", held_open)
    with pytest.raises(PermissionError):
        pdf.write_pdf("<html><body><p>预算</p></body></html>", target, title="t", author="a")
    assert target.read_bytes() == b"%PDF-old"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left behind
