"""`build --html` is a working web page: checked as text, then in a real browser (headless Chromium).

The page has no scripts. The browser is driven from outside over the DevTools protocol on a pipe
(`--remote-debugging-pipe`: JSON messages separated by NUL bytes on file descriptors 3 and 4; no port,
no extra Python package). Through it the test asks for what Chromium actually drew: the fonts used
for a node's glyphs (CSS.getPlatformFontsForNode), computed styles, element boxes, every URL the page
requested, and screenshots, which are measured (table rules as lines of dark pixels, the pie's slices
by colour, compared with the PDF's own chart page rendered by pdftoppm).

Chromium comes from Debian's `chromium` package (tasks.sh installs it for `bash tasks.sh test`); without
it the browser tests are skipped, saying so. The text tests always run.
"""

from __future__ import annotations

import base64
import fcntl
import io
import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from budget_author.build import build_document
from budget_author.paths import resource_dir
from budget_author.render.chart import PALETTE
from budget_author.render.html import (SCREEN_STYLESHEET, STYLESHEET, embedded_stylesheet,
                                       narrative_blocks, render_html, table_of_contents)
from conftest import EXAMPLES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_CHROMIUM = "chromium is not installed (Debian package `chromium`; `bash tasks.sh test` installs it)"
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)

WIDTH, HEIGHT = 1280, 900
MM = 96 / 25.4  # CSS pixels per millimetre


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web")
    result = build_document(EXAMPLES / "datong-2024.xlsx", folder / "datong-2024.pdf", html=True)
    assert result.check.ok and result.html is not None
    return result


# ---------------------------------------------------------------- the HTML text


def _style_elements(page: str) -> list[str]:
    return re.findall(r"<style>\n(.*?)</style>", page, flags=re.S)


def test_the_stylesheets_are_embedded_verbatim(web):
    print_css = (resource_dir("styles") / STYLESHEET).read_text(encoding="utf-8")
    screen_css = (resource_dir("styles") / SCREEN_STYLESHEET).read_text(encoding="utf-8")
    assert _style_elements(render_html(web.report, inline_css=print_css)) == [print_css, screen_css]
    # The page `build --html` wrote: what escaping destroyed is there as written.
    page = web.html.read_text(encoding="utf-8")
    head = page.split("</head>")[0]
    assert len(_style_elements(head)) == 2 and 'rel="stylesheet"' not in page
    assert 'font-family: "Noto Serif CJK SC"' in head and 'font-family: "Noto Sans CJK SC"' in head
    assert ".table-meta > span" in head and ".form-footer > span:last-child" in head
    assert "&#34;" not in head and "&gt;" not in head and "&#39;" not in head and "&amp;" not in head
    assert "<script" not in page


def test_only_a_stylesheet_that_cannot_end_its_style_element_is_embedded(web):
    assert embedded_stylesheet('a > b { font-family: "X" }') == 'a > b { font-family: "X" }'
    for hostile in ("p{}</style><script>alert(1)</script>", "p{}</STYLE >", "/* </style */"):
        with pytest.raises(ValueError):
            embedded_stylesheet(hostile)
        with pytest.raises(ValueError):
            render_html(web.report, inline_css=hostile)


def test_the_pdf_source_still_links_the_stylesheet(web):
    page = render_html(web.report)
    assert '<link rel="stylesheet" href="print.css">' in page and "<style" not in page


# ---------------------------------------------------------------- the page in Chromium


def _high_fd(fd: int) -> int:
    high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return high


class Chromium:
    """Headless Chromium on a DevTools pipe. call() returns a command's result; events are kept."""

    def __init__(self, profile: Path, timeout: float = 30.0):
        self.timeout = timeout
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # Chromium reads commands on fd 3 and writes replies on fd 4. A small Python trampoline puts our
        # pipe ends there, from fds of 10 and up (so neither is itself 3 or 4), and execs Chromium.
        to_browser_r, from_browser_w = (_high_fd(fd) for fd in (to_browser_r, from_browser_w))
        trampoline = ("import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
                      "os.execv(sys.argv[3], sys.argv[3:])")
        self.process = subprocess.Popen(
            [sys.executable, "-c", trampoline, str(to_browser_r), str(from_browser_w), CHROMIUM,
             "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--hide-scrollbars",
             "--no-first-run", "--force-device-scale-factor=1", f"--window-size={WIDTH},{HEIGHT}",
             f"--user-data-dir={profile}", "about:blank"],
            pass_fds=(to_browser_r, from_browser_w), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._id = 0
        self.events: list[dict] = []

    def _message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._message(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, event: str) -> dict:
        deadline = time.monotonic() + self.timeout
        while True:
            for i, message in enumerate(self.events):
                if message.get("method") == event:
                    return self.events.pop(i)
            self.events.append(self._message(deadline))

    def close(self):
        try:
            self.call("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


class Page:
    def __init__(self, browser: Chromium, session: str):
        self.browser, self.session = browser, session

    def call(self, method: str, params: dict | None = None) -> dict:
        return self.browser.call(method, params, self.session)

    def js(self, expression: str, wait: bool = False):
        """Evaluated by the test in the page's context (the page itself has no scripts)."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": wait})
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def node(self, selector: str) -> int:
        root = self.call("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = self.call("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, selector
        return node

    def fonts(self, selector: str) -> set[str]:
        """The fonts Chromium actually drew the node's own text with."""
        fonts = self.call("CSS.getPlatformFontsForNode", {"nodeId": self.node(selector)})["fonts"]
        return {f["familyName"] for f in fonts}

    def box(self, selector: str) -> dict:
        return self.js(f"(() => {{ const r = document.querySelector({json.dumps(selector)}).getBoundingClientRect();"
                       " return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}; })()")

    def screenshot(self, box: dict | None = None) -> Image.Image:
        params: dict = {"format": "png"}
        if box:
            params.update(clip={**{k: box[k] for k in ("x", "y", "width", "height")}, "scale": 1},
                          captureBeyondViewport=True)
        return Image.open(io.BytesIO(base64.b64decode(self.call("Page.captureScreenshot", params)["data"])))


@pytest.fixture(scope="module")
def page(web, tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    browser = Chromium(tmp_path_factory.mktemp("chromium-profile"))
    try:
        target = next(t for t in browser.call("Target.getTargets")["targetInfos"] if t["type"] == "page")
        attached = browser.call("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})
        tab = Page(browser, attached["sessionId"])
        for domain in ("Page", "Network", "DOM", "CSS"):
            tab.call(f"{domain}.enable")
        tab.call("Page.navigate", {"url": web.html.as_uri()})
        browser.wait_for("Page.loadEventFired")
        assert tab.js("document.fonts.ready.then(() => document.fonts.status)", wait=True) == "loaded"
        yield tab
    finally:
        browser.close()


@needs_chromium
def test_the_page_loads_nothing_but_itself(page, web):
    requested = [e["params"]["request"]["url"] for e in page.browser.events
                 if e.get("method") == "Network.requestWillBeSent" and e.get("sessionId") == page.session]
    assert requested == [web.html.as_uri()]


@needs_chromium
def test_the_page_keeps_its_fonts(page):
    serif, sans = "Noto Serif CJK SC", "Noto Sans CJK SC"
    assert page.js("getComputedStyle(document.querySelector('p.body')).fontFamily").startswith(f'"{serif}"')
    for selector in ("p.body", "table.budget td.name", "table.budget td.num", "table.form td", ".toc li a"):
        assert page.fonts(selector) == {serif}, selector
    for selector in (".cover-title", "h1", "h2.table-title", "figcaption", ".form-title", "figure.chart svg text"):
        assert page.fonts(selector) == {sans}, selector


@needs_chromium
def test_child_selectors_apply(page):
    """`.table-meta > .measure` (单位：万元) is right-aligned, `.form-footer > span:last-child` too."""
    assert page.js("getComputedStyle(document.querySelector('.table-meta > .measure')).textAlign") == "right"
    last = "document.querySelector('.form-footer > span:last-child')"
    assert page.js(f"getComputedStyle({last}).textAlign") == "right"
    meta, measure = page.box(".table-meta"), page.box(".table-meta > .measure")
    assert measure["x"] + measure["width"] > meta["x"] + meta["width"] - 2


@needs_chromium
def test_table_rules_are_drawn(page):
    """Table 1's rules, counted in a screenshot: one dark line per row boundary and per column boundary."""
    css = page.js("(() => { const s = getComputedStyle(document.querySelector('table.budget td'));"
                  " return [s.borderTopStyle, s.borderTopColor, parseFloat(s.borderTopWidth)]; })()")
    assert css[0] == "solid" and css[1] == "rgb(0, 0, 0)" and css[2] > 0
    rows = page.js("document.querySelector('table.budget').rows.length")
    columns = page.js("document.querySelector('table.budget').querySelectorAll('col').length")
    box = page.box("table.budget")
    shot = page.screenshot(box).convert("L")
    assert (shot.width, shot.height) == (round(box["width"]), round(box["height"]))

    def lines(image: Image.Image) -> int:
        """Runs of pixel rows that are at least 90% dark across the image."""
        data, width = image.tobytes(), image.width
        dark = bytes(range(100))
        full = [width - len(data[y * width:(y + 1) * width].translate(None, dark)) >= 0.9 * width
                for y in range(image.height)]
        return sum(1 for y, f in enumerate(full) if f and (y == 0 or not full[y - 1]))

    assert rows > 30 and columns == 6
    assert lines(shot) == rows + 1
    assert lines(shot.transpose(Image.Transpose.TRANSPOSE)) == columns + 1


@needs_chromium
def test_the_contents_links_reach_their_headings(page, web):
    links = page.js("[...document.querySelectorAll('nav.toc a')].map(a => {"
                    " const t = document.getElementById(decodeURIComponent(a.hash.slice(1)));"
                    " return [a.getAttribute('href'), a.textContent, t ? t.getBoundingClientRect().height : -1];"
                    " })")
    toc = table_of_contents(web.report, narrative_blocks(web.report))
    assert [(href, text) for href, text, _ in links] == [(f"#{e.anchor}", e.title) for e in toc]
    assert all(height > 0 for _, _, height in links)  # every target exists and is laid out
    # The leaders and page numbers of print (leader(), target-counter()) add nothing on screen.
    after = page.js("getComputedStyle(document.querySelector('nav.toc a'), '::after').content")
    assert after in ("none", "normal")
    # Following a link scrolls its heading to the top.
    for anchor in ("narrative-7", toc[5].anchor):
        page.js(f"document.querySelector('nav.toc a[href=\"#{anchor}\"]').click()")
        top = page.js(f"document.getElementById('{anchor}').getBoundingClientRect().top")
        assert 0 <= top < 40, (anchor, top)
    page.js("window.scrollTo(0, 0)")


def _slice_shares(image: Image.Image, colours: list[str]) -> list[float]:
    """Each colour's share of the pixels drawn in any of the colours (±6 per channel for smoothing)."""
    wanted = [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in colours]
    counts = [0] * len(wanted)
    for count, pixel in image.convert("RGB").getcolors(1 << 24):
        for i, rgb in enumerate(wanted):
            if all(abs(pixel[k] - rgb[k]) <= 6 for k in range(3)):
                counts[i] += count
    total = sum(counts)
    assert total > 0, "none of the chart's colours was drawn"
    return [c / total for c in counts]


@needs_chromium
def test_the_structure_chart_is_drawn_as_in_the_pdf(page, web, tmp_path):
    """The pie's slices, measured by colour, have the areas of their shares, on screen and in the PDF."""
    slices = web.report.chart
    assert len(slices) >= 2
    colours = list(PALETTE[:len(slices)])
    box = page.box("figure.chart svg")
    assert box["width"] > 140 * MM and box["height"] > 60 * MM  # drawn at about its print size (150 mm)
    screen = _slice_shares(page.screenshot(box), colours)
    # The PDF's page with the chart, rendered by poppler.
    pages = subprocess.run(["pdftotext", "-layout", str(web.pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    number = next(i for i, text in enumerate(pages, start=1) if web.report.profile["chart_title"] in text)
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-f", str(number), "-l", str(number), "-singlefile",
                    str(web.pdf), str(tmp_path / "chart")], check=True)
    printed = _slice_shares(Image.open(tmp_path / "chart.png"), colours)
    for s, on_screen, on_paper in zip(slices, screen, printed):
        assert abs(on_screen - float(s.fraction)) < 0.015, (s.label, on_screen, s.fraction)
        assert abs(on_paper - float(s.fraction)) < 0.015, (s.label, on_paper, s.fraction)
        assert abs(on_screen - on_paper) < 0.01, (s.label, on_screen, on_paper)


@needs_chromium
def test_the_screen_layout(page):
    """A reading column as wide as the A4 text, landscape tables wider, nothing wider than the window."""
    shot = page.screenshot()
    assert shot.convert("L").getextrema()[0] < 50  # not blank: the cover's title is there
    assert page.box(".cover-title")["height"] < 2 * 32 * 96 / 72  # 2024年度单位预算公开 on one line
    assert page.js("document.documentElement.scrollWidth") == page.js("document.documentElement.clientWidth")
    column = page.box("p.body")
    assert 160 * MM < column["width"] <= 171 * MM
    assert abs(column["x"] + column["width"] / 2 - WIDTH / 2) < 2  # centred
    wide = page.box(".table-block.wide")
    assert wide["width"] > 250 * MM
    # A phone-sized window: the page does not scroll sideways; a wide table scrolls inside its block.
    page.call("Emulation.setDeviceMetricsOverride", {"width": 400, "height": 800, "deviceScaleFactor": 1,
                                                     "mobile": False})
    try:
        assert page.js("document.documentElement.scrollWidth") == 400
        assert page.js("(() => { const b = document.querySelector('.table-block.wide');"
                       " return b.scrollWidth > b.clientWidth; })()")
    finally:
        page.call("Emulation.clearDeviceMetricsOverride")
