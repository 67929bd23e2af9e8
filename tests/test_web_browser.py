"""`budget-author serve` end to end, in a real browser: Playwright for Python driving Debian's Chromium
(`executable_path`; Playwright's own browser download is not used) against a real server started by
`python -m budget_author serve` on a free loopback port.

The clerk of 大同市社会保险中心 drops a broken copy of datong-2024 onto the upload area and sees the problem on
its cell; uploads the good workbook with the file picker, waits for the build, sees the pages, downloads the
PDF (its text is the text of `budget-author build` of the same workbook); uploads a changed copy and sees
the redline; submits. Another unit's clerk cannot reach any of it (404). The region's reviewer approves.
Every page is photographed into the test's folder (BUDGET_AUTHOR_SCREENSHOTS=DIR keeps them there).
"""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("playwright", reason="playwright is not installed (pip install -e '.[test]')")
pytest.importorskip("starlette", reason="the web extra is not installed (pip install -e '.[test]')")

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from conftest import EXAMPLES, ROOT, example_data  # noqa: E402
from corpus import make_corpus  # noqa: E402
from web_site import PASSWORD, make_site  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--lang=zh-CN"]
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (`bash tasks.sh test` installs it)")
BUILD_WAIT_MS = 180_000
BUILT_OR_NOT = "#document, #failed, #error-page"  # what a finished build's page shows: its document, or why not


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    make_site(folder / "data")
    port = _free_port()
    log = open(folder / "serve.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "budget_author", "serve", "--port", str(port),
                                "--data", str(folder / "data")], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise AssertionError((folder / "serve.log").read_text(errors="replace"))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise AssertionError("serve did not start listening")
            time.sleep(0.2)
    yield {"url": f"http://127.0.0.1:{port}", "folder": folder}
    process.terminate()
    process.wait(timeout=30)
    log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = Path(os.environ.get("BUDGET_AUTHOR_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workbooks")
    canary = folder / "canary.txt"
    canary.write_text(make_corpus.CANARY_TEXT, encoding="utf-8")
    broken = make_corpus.generate(folder, canary, ["amount_with_wan_unit"])["amount_with_wan_unit"]
    changed = example_data("datong-2024")
    changed["procurement"]["goods"] = "418500.00"  # 政府采购货物 40.85 → 41.85 万元
    from budget_author.workbook.template import write_template

    return {"broken": broken, "good": EXAMPLES / "datong-2024.xlsx",
            "changed": write_template(folder / "大同-修改后.xlsx", changed)}


def sign_in(browser, server, username: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.goto(server["url"] + "/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_load_state()
    return page


def drop_file(page, path: Path) -> None:
    """Drop a file onto the upload area the way a browser does (a DataTransfer holding a File)."""
    data = base64.b64encode(path.read_bytes()).decode()
    page.evaluate("""([name, data]) => {
        const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], name, {type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}));
        const zone = document.querySelector("[data-drop]");
        zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true, cancelable: true}));
        zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
    }""", [path.name, data])


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True).stdout.decode()


@pytest.fixture(scope="module")
def clerk_run(browser, server, workbooks, shots, tmp_path_factory):
    """The clerk's whole path; returns what the later tests need."""
    page = sign_in(browser, server, "clerk3")
    assert page.locator("h1").inner_text() == "大同市社会保险中心"
    unit_url = page.url
    page.screenshot(path=shots / "unit-empty.png", full_page=True)

    # A broken copy, dropped onto the upload area: the problem is shown on its cell.
    with page.expect_navigation():
        drop_file(page, workbooks["broken"])
    problems = page.locator("#problems")
    expect(problems).to_contain_text("检查结果：1 个错误，0 个警告")
    row = problems.locator("h3:has-text('工作表“支出”') + table tr.sev-error")
    expect(row.locator("td.cell")).to_have_text("F3")
    expect(row).to_contain_text("VAL_AMOUNT_UNIT")
    expect(row).to_contain_text("“12万元”")
    page.screenshot(path=shots / "problems.png", full_page=True)

    # The good workbook, with the file picker: it builds in the background, then the pages appear.
    page.goto(unit_url)
    page.set_input_files("input[name=workbook]", workbooks["good"])
    expect(page.locator("[data-file-name]")).to_have_text("已选择：datong-2024.xlsx")
    page.click("button:has-text('上传并检查')")
    page.wait_for_url("**/versions/2")
    first_url = page.url
    if page.locator("#progress").count():
        page.screenshot(path=shots / "progress.png", full_page=True)
    page.wait_for_selector(BUILT_OR_NOT, timeout=BUILD_WAIT_MS)  # app.js reloads the page when the build is done
    assert page.locator("#document").count(), page.locator("main").inner_text()
    images = page.locator("#pages img")
    pages = int(page.locator("#document h2").inner_text().split("（")[1].split(" ")[0])
    expect(images).to_have_count(pages)
    expect(page.locator("#redline")).to_contain_text("第一个生成了公开文件的版本")
    page.screenshot(path=shots / "clerk.png")
    page.locator("#pages img").first.scroll_into_view_if_needed()
    assert page.evaluate("document.querySelector('#pages img').naturalWidth") > 300
    page.screenshot(path=shots / "version-built.png", full_page=True)
    with page.expect_download() as download:
        page.click("text=下载 PDF")
    pdf = tmp_path_factory.mktemp("download") / "downloaded.pdf"
    download.value.save_as(pdf)

    # A changed copy: the redline lists the figures that moved since version 2.
    page.goto(unit_url)
    page.set_input_files("input[name=workbook]", workbooks["changed"])
    page.click("button:has-text('上传并检查')")
    page.wait_for_url("**/versions/3")
    page.wait_for_selector(BUILT_OR_NOT, timeout=BUILD_WAIT_MS)
    assert page.locator("#document").count(), page.locator("main").inner_text()
    redline = page.locator("#redline")
    expect(redline).to_contain_text("与第 2 版相比，以下 2 处数字有变化")
    expect(redline).to_contain_text("九、政府采购情况 总计 40.85 → 41.85 万元")
    expect(redline.locator(".diff")).to_contain_text("政府采购!B2（政府采购货物预算）：408500 → 418500")
    page.locator("#redline").scroll_into_view_if_needed()
    page.screenshot(path=shots / "redline.png")

    # Submit it for review.
    page.click("button:has-text('提交财政局审核')")
    expect(page.locator(".alert.info")).to_contain_text("已于")
    expect(page.locator(".title-row .badge").first).to_have_text("已提交")
    page.goto(unit_url)
    page.screenshot(path=shots / "unit.png", full_page=True)
    page.context.close()
    return {"unit_url": unit_url, "first_url": first_url, "submitted_url": first_url[:-1] + "3", "pdf": pdf}


def test_the_clerk_sees_the_problem_on_its_cell_then_the_pages_and_the_redline(clerk_run):
    assert clerk_run["pdf"].read_bytes().startswith(b"%PDF")


def test_the_downloaded_pdf_has_the_text_of_budget_author_build(clerk_run, tmp_path):
    reference = tmp_path / "datong-2024.pdf"
    subprocess.run([sys.executable, "-m", "budget_author", "build", str(EXAMPLES / "datong-2024.xlsx"), "-o",
                    str(reference)], cwd=ROOT, check=True, capture_output=True)
    text = pdftotext(clerk_run["pdf"])
    assert "大同市社会保险中心" in text
    assert text == pdftotext(reference)


def test_another_units_clerk_cannot_reach_the_first_units_files(browser, server, clerk_run, shots):
    page = sign_in(browser, server, "clerk1")
    assert page.locator("h1").inner_text() == "汾阳市社会保险中心"
    for url in (clerk_run["unit_url"], clerk_run["first_url"], clerk_run["submitted_url"]):
        response = page.goto(url)
        assert response.status == 404
        expect(page.locator("h1")).to_have_text("找不到这个页面")
    page.screenshot(path=shots / "not-found.png")
    for suffix in ("/files/pdf", "/files/html", "/files/manifest", "/files/workbook", "/pages/1.png", "/status.json"):
        assert page.request.get(clerk_run["first_url"] + suffix).status == 404, suffix
    assert page.request.get(clerk_run["unit_url"] + "/template.xlsx").status == 404
    page.context.close()


def test_the_reviewer_sees_the_region_and_approves(browser, server, clerk_run, shots):
    page = sign_in(browser, server, "reviewer_dt")
    expect(page.locator("h1")).to_contain_text("各单位状态")
    row = page.locator("tr", has_text="大同市社会保险中心")
    expect(row.locator(".badge")).to_have_text("已提交")
    expect(page.locator("a.count.s-submitted b")).to_have_text("1")
    page.screenshot(path=shots / "review.png", full_page=True)
    page.goto(clerk_run["submitted_url"])
    expect(page.locator("#redline")).to_contain_text("九、政府采购情况 总计 40.85 → 41.85 万元")
    page.screenshot(path=shots / "review-version.png", full_page=True)
    page.click("button:has-text('审核通过并发布')")
    expect(page.locator(".alert.ok").first).to_contain_text("财政局已发布这个版本")
    page.goto(server["url"] + "/review?status=published")
    expect(page.locator("tr", has_text="大同市社会保险中心").locator(".badge")).to_have_text("已发布")
    with page.expect_download() as download:
        page.click("text=下载全部已发布的 PDF（zip）")
    assert download.value.suggested_filename == "大同市-已发布的单位预算公开文件.zip"
    page.goto(server["url"] + "/audit")
    for action in ("上传", "提交审核", "发布"):
        expect(page.locator("td", has_text=action).first).to_be_visible()
    page.screenshot(path=shots / "audit.png", full_page=True)
    page.context.close()
    clerk = sign_in(browser, server, "clerk3")
    expect(clerk.locator(".alert.ok")).to_contain_text("已发布：")
    clerk.context.close()


def test_the_sign_in_page(browser, server, shots):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(server["url"] + "/")
    expect(page.locator("h1")).to_have_text("登录")
    page.fill("input[name=username]", "clerk3")
    page.fill("input[name=password]", "wrong-password")
    page.click("button:has-text('登录')")
    expect(page.locator(".alert.error")).to_contain_text("用户名或密码不正确")
    page.screenshot(path=shots / "login.png")
    context.close()


def test_a_second_serve_on_the_same_data_folder_is_refused(server):
    result = subprocess.run([sys.executable, "-m", "budget_author", "serve", "--port", str(_free_port()),
                             "--data", str(server["folder"] / "data")], cwd=ROOT, capture_output=True, timeout=60)
    assert result.returncode == 2
    assert "另一个 budget-author serve 正在使用数据文件夹" in result.stderr.decode()
