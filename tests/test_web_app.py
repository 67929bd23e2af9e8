"""`budget-author serve`: the application through Starlette's test client.

One site (a data folder with three units, clerks, reviewers and an admin) and one running app for the module;
fenyang-2025 is uploaded and built once (and once more for the submit → approve path). Every route is asked
by every role; a clerk asking for another unit's page, version or file gets 404; forms without the session's
CSRF token are refused; hostile and oversize uploads get their message and leave the server serving.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed (pip install -e '.[test]')")

from openpyxl import load_workbook  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from budget_author.catalogue import CATALOGUE  # noqa: E402
from budget_author.web import accounts  # noqa: E402
from budget_author.web.app import create_app  # noqa: E402
from budget_author.web.db import (JOB_DONE, JOB_FAILED, JOB_QUEUED, JOB_RUNNING, PUBLISHED, RETURNED,  # noqa: E402
                                  SUBMITTED, AuditEntry, Blob, Job, Unit, User, Version, open_database)
from budget_author.web.jobs import INTERRUPTED_TOO_OFTEN, MAX_ATTEMPTS, STALLED, STALLED_SECONDS  # noqa: E402
from conftest import EXAMPLES  # noqa: E402
from corpus import make_corpus  # noqa: E402
from web_site import PASSWORD, csrf_of, make_site, sign_in  # noqa: E402

FENYANG = EXAMPLES / "fenyang-2025.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("web-corpus")
    canary = out / "canary.txt"
    canary.write_text(make_corpus.CANARY_TEXT, encoding="utf-8")
    names = ["amount_with_wan_unit", "xml_billion_laughs_in_sheet", "xml_xxe_in_sheet", "random_bytes",
             "encrypted_ole2", "old_xls", "limit_zip_members", "limit_file_size", "truncated_half"]
    return make_corpus.generate(out, canary, names)


@pytest.fixture(scope="module")
def site(tmp_path_factory, database_factory):
    """The site, on SQLite and then on PostgreSQL (BUDGET_AUTHOR_DATABASE, as the administrator would set it)."""
    folder = tmp_path_factory.mktemp("site")
    with pytest.MonkeyPatch.context() as patch:
        url = database_factory()
        if url:
            patch.setenv("BUDGET_AUTHOR_DATABASE", url)
        ids = make_site(folder)
        app = create_app(folder)
        with TestClient(app) as server:  # runs the lifespan: migrations, the build thread
            yield {"folder": folder, "ids": ids, "app": app, "server": server, "database": url}


def client_for(site, username: str | None) -> TestClient:
    client = TestClient(site["app"])
    if username:
        response = sign_in(client, username)
        assert response.status_code == 303, response.text
    return client


def csrf(client) -> str:
    return csrf_of(client.get("/login" if not client.cookies else "/").text)


def upload(client, unit_id: int, path: Path, name: str | None = None, token: str | None = None):
    page = client.get(f"/units/{unit_id}")
    data = {"csrf": token if token is not None else csrf_of(page.text)}
    with open(path, "rb") as handle:
        return client.post(f"/units/{unit_id}/upload", data=data, files={"workbook": (name or path.name, handle, XLSX)},
                           follow_redirects=False)


def wait_built(client, version_url: str) -> dict:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        status = client.get(version_url + "/status.json").json()
        if status["finished"]:
            return status
        time.sleep(0.3)
    raise AssertionError("the build did not finish")


@pytest.fixture(scope="module")
def built_version(site):
    clerk = client_for(site, "clerk1")
    response = upload(clerk, site["ids"]["141101"], FENYANG)
    assert response.status_code == 303
    url = response.headers["location"]
    assert re.fullmatch(r"/units/\d+/versions/1", url)
    status = wait_built(clerk, url)
    assert status["state"] == JOB_DONE, status
    return url


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True).stdout.decode()


# ---------------------------------------------------------------- sign-in, sessions, CSRF


def test_every_page_asks_for_sign_in_first(site, built_version):
    anonymous = client_for(site, None)
    unit = site["ids"]["141101"]
    for path in ["/", f"/units/{unit}", f"/units/{unit}/template.xlsx", built_version,
                 built_version + "/files/pdf", built_version + "/pages/1.png", "/review", "/review/status.csv",
                 "/review/status.xlsx", "/review/published.zip", "/audit"]:
        response = anonymous.get(path, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, "/login"), path
    assert anonymous.get(built_version + "/status.json").status_code == 401
    page = anonymous.get("/login")
    assert page.status_code == 200 and "登录" in page.text and 'name="csrf"' in page.text


def test_the_session_cookie_is_httponly_and_samesite(site):
    client = TestClient(site["app"])
    response = sign_in(client, "clerk1")
    cookie = response.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert response.headers["location"] == "/"
    assert client.get("/", follow_redirects=False).headers["location"] == f"/units/{site['ids']['141101']}"
    reviewer = client_for(site, "reviewer")
    assert reviewer.get("/", follow_redirects=False).headers["location"] == "/review"


def test_a_wrong_password_is_refused_and_repeated_failures_lock_the_account_for_that_address(site):
    client = TestClient(site["app"], client=("10.9.8.7", 50000))
    for _ in range(5):
        response = sign_in(client, "clerk2", "wrong-password")
        assert response.status_code == 400 and "用户名或密码不正确" in response.text
    locked = sign_in(client, "clerk2", PASSWORD)  # even the right password now waits
    assert locked.status_code == 429 and "15 分钟后再试" in locked.text
    elsewhere = TestClient(site["app"], client=("10.9.8.8", 50000))
    assert sign_in(elsewhere, "clerk2").status_code == 303  # another address is not locked out
    unknown = sign_in(TestClient(site["app"]), "nobody", "whatever")
    assert unknown.status_code == 400 and "用户名或密码不正确" in unknown.text


def test_forms_without_the_sessions_csrf_token_are_refused(site, built_version):
    clerk = client_for(site, "clerk1")
    unit = site["ids"]["141101"]
    versions_before = _count(site, Version)
    for token in ("", "forged-token"):
        response = upload(clerk, unit, FENYANG, token=token)
        assert response.status_code == 403 and "页面已过期" in response.text
        assert clerk.post(built_version + "/submit", data={"csrf": token}).status_code == 403
        assert clerk.post("/logout", data={"csrf": token}).status_code == 403
    assert _count(site, Version) == versions_before
    login = TestClient(site["app"]).post("/login", data={"username": "clerk1", "password": PASSWORD})
    assert login.status_code == 403  # the sign-in form too (no token: a login CSRF)
    reviewer = client_for(site, "reviewer")
    assert reviewer.post(built_version + "/approve", data={"csrf": csrf_of(clerk.get("/").text)}).status_code == 403


def test_sign_out_and_a_password_change_end_the_session(site):
    clerk = client_for(site, "clerk3")
    assert clerk.get("/", follow_redirects=False).headers["location"].startswith("/units/")
    sessions = open_database(site["folder"])
    with sessions.begin() as session:
        accounts.set_password(session, "clerk3", "another-password-1")
    assert clerk.get(f"/units/{site['ids']['140201']}", follow_redirects=False).headers["location"] == "/login"
    with sessions.begin() as session:
        accounts.set_password(session, "clerk3", PASSWORD)
        accounts.set_active(session, "clerk3", False)
    assert sign_in(TestClient(site["app"]), "clerk3").status_code == 400  # disabled
    with sessions.begin() as session:
        accounts.set_active(session, "clerk3", True)
    clerk = client_for(site, "clerk3")
    home = clerk.get("/")
    assert clerk.post("/logout", data={"csrf": csrf_of(home.text)}, follow_redirects=False).headers["location"] == "/login"
    assert clerk.get("/", follow_redirects=False).headers["location"] == "/login"


# ---------------------------------------------------------------- the clerk's path


def test_the_blank_workbook_is_the_units_own(site):
    clerk = client_for(site, "clerk1")
    response = clerk.get(f"/units/{site['ids']['141101']}/template.xlsx")
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    info = workbook["单位信息"]
    values = [cell.value for row in info.iter_rows() for cell in row]
    assert "汾阳市社会保险中心" in values and 2025 in values
    meta = {row[0].value: row[1].value for row in workbook["_meta"].iter_rows()}
    assert "shanxi" in meta.values()


def test_an_uploaded_example_builds_the_same_pdf_as_the_command_line(site, built_version, built):
    clerk = client_for(site, "clerk1")
    page = clerk.get(built_version)
    assert page.status_code == 200
    assert "检查通过：没有发现问题。" in page.text and "生成的公开文件（" in page.text
    assert "这是本单位第一个生成了公开文件的版本" in page.text
    pdf = clerk.get(built_version + "/files/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]
    got = site["folder"] / "got.pdf"
    got.write_bytes(pdf.content)
    assert pdftotext(got) == pdftotext(built["fenyang-2025"][0].pdf)
    assert clerk.get(built_version + "/files/html").text.startswith("<!DOCTYPE html>")
    tables = load_workbook(io.BytesIO(clerk.get(built_version + "/files/xlsx").content))
    assert len(tables.sheetnames) >= 13  # the published tables (build --xlsx), one sheet each
    manifest = json.loads(clerk.get(built_version + "/files/manifest").content)
    assert manifest["unit"] == "汾阳市社会保险中心" and manifest["input"]["sha256"] == _version(site, 1).sha256
    assert clerk.get(built_version + "/files/workbook").content == FENYANG.read_bytes()
    pages = manifest["pages"]
    assert _version(site, 1).previews == pages
    image = clerk.get(built_version + "/pages/1.png")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert f"/pages/{pages}.png" in page.text and f"/pages/{pages + 1}.png" not in page.text
    assert clerk.get(built_version + f"/pages/{pages + 1}.png").status_code == 404
    assert clerk.get(built_version + "/files/anything").status_code == 404


def test_the_stored_upload_is_named_by_its_hash_never_by_the_uploaded_name(site, built_version):
    version = _version(site, 1)
    with open_database(site["folder"])() as session:
        stored = session.get(Blob, version.sha256)
        assert bytes(stored.data) == FENYANG.read_bytes() and stored.size == FENYANG.stat().st_size
    assert version.original_name == "fenyang-2025.xlsx"
    names = {p.name for p in site["folder"].rglob("*")}
    assert "fenyang-2025.xlsx" not in names
    assert not list((site["folder"] / "tmp").iterdir())  # the received file, once in the database, is removed


def test_a_broken_workbook_lists_its_problem_on_its_cell_grouped_by_sheet(site, corpus):
    clerk = client_for(site, "clerk1")
    response = upload(clerk, site["ids"]["141101"], corpus["amount_with_wan_unit"], name="有错误的填报表.xlsx")
    page = clerk.get(response.headers["location"])
    assert "检查结果：1 个错误，0 个警告" in page.text
    assert "工作表“支出”（1 个）" in page.text
    row = re.search(r'<tr class="sev-error">(.*?)</tr>', page.text, re.S).group(1)
    assert '<td class="cell">F3</td>' in row and "VAL_AMOUNT_UNIT" in row
    assert CATALOGUE["VAL_AMOUNT_UNIT"].title in row and "“12万元”" in row
    assert "正在生成" not in page.text and "/submit" not in page.text  # nothing is built from it


@pytest.mark.parametrize("case", ["xml_billion_laughs_in_sheet", "xml_xxe_in_sheet", "random_bytes", "encrypted_ole2",
                                  "old_xls", "limit_zip_members", "truncated_half"])
def test_a_hostile_or_unusable_file_gets_its_message_and_the_server_goes_on(site, corpus, case):
    expected = next(c["issues"][0][0] for c in make_corpus.load_manifest() if c["name"] == case)
    clerk = client_for(site, "clerk1")
    response = upload(clerk, site["ids"]["141101"], corpus[case], name="input.xlsx")
    assert response.status_code == 303
    page = clerk.get(response.headers["location"])
    assert page.status_code == 200 and "这个文件无法使用" in page.text and expected in page.text
    assert CATALOGUE[expected].title in page.text
    assert make_corpus.CANARY_TEXT not in page.text
    assert clerk.get(f"/units/{site['ids']['141101']}").status_code == 200


def test_an_oversize_upload_is_refused_before_it_is_read_whole_and_nothing_is_kept(site, corpus):
    clerk = client_for(site, "clerk1")
    versions_before = _count(site, Version)
    response = upload(clerk, site["ids"]["141101"], corpus["limit_file_size"])
    assert response.status_code == 413
    assert CATALOGUE["FILE_TOO_LARGE"].render({"size": "超过上限", "limit": 20 * 1024 * 1024}) in response.text
    assert _count(site, Version) == versions_before
    assert not list((site["folder"] / "tmp").iterdir())
    # A body that says it is too large is refused without reading it: the body below is never pulled.
    pulled = []

    def body():
        for _ in range(400):
            pulled.append(1)
            yield b"x" * 65536

    token = csrf_of(clerk.get("/").text)
    refused = clerk.post(f"/units/{site['ids']['141101']}/upload?csrf={token}", content=body(),
                         headers={"content-type": "multipart/form-data; boundary=b",
                                  "content-length": str(400 * 65536)})
    assert refused.status_code == 413
    assert len(pulled) < 400


def test_a_chunked_body_is_cut_at_the_limit(site):
    """Without a Content-Length, the body is counted as it arrives and reading stops past the limit."""
    from budget_author.web.security import BodyLimit, BodyTooLarge

    chunks = [{"type": "http.request", "body": b"x" * 1000, "more_body": True} for _ in range(10)]
    taken = []

    async def receive():
        taken.append(1)
        return chunks[len(taken) - 1]

    async def app(scope, receive, send):
        while True:
            await receive()

    async def run():
        await BodyLimit(app, limit=3500)({"type": "http", "method": "POST", "headers": []}, receive, None)

    import anyio

    with pytest.raises(BodyTooLarge):
        anyio.run(run)
    assert len(taken) == 4  # 4,000 bytes: the first chunk past 3,500


def test_an_upload_without_a_file_says_so(site):
    clerk = client_for(site, "clerk1")
    token = csrf_of(clerk.get("/").text)
    response = clerk.post(f"/units/{site['ids']['141101']}/upload", data={"csrf": token},
                          files={"other": ("x.txt", b"x", "text/plain")})
    assert response.status_code == 400 and "请先选择要上传的填报表文件" in response.text


# ---------------------------------------------------------------- isolation


def test_a_clerk_reaches_no_other_units_page_version_or_file(site, built_version):
    other = client_for(site, "clerk2")
    unit = site["ids"]["141101"]
    gets = [f"/units/{unit}", f"/units/{unit}/template.xlsx", built_version, built_version + "/status.json",
            built_version + "/pages/1.png",
            *(built_version + f"/files/{k}" for k in ("pdf", "html", "manifest", "xlsx", "workbook")),
            f"/units/{unit}/versions/999", "/units/99999", "/review", "/review/status.csv", "/review/status.xlsx",
            "/review/published.zip", "/audit"]
    for path in gets:
        response = other.get(path)
        assert response.status_code == 404, path
        assert "找不到这个页面" in response.text or path.endswith(".json"), path
    token = csrf_of(other.get("/").text)
    for action in ("submit", "approve", "return"):
        assert other.post(built_version + f"/{action}", data={"csrf": token, "comment": "x"}).status_code == 404
    assert upload(other, unit, FENYANG, token=token).status_code == 404
    # Nor does a reviewer of another region; an admin sees every unit.
    reviewer_dt = client_for(site, "reviewer_dt")
    assert reviewer_dt.get(f"/units/{unit}").status_code == 404
    assert reviewer_dt.get(built_version + "/files/pdf").status_code == 404
    assert "汾阳市社会保险中心" not in reviewer_dt.get("/review").text
    assert client_for(site, "admin").get(built_version).status_code == 200
    # Reviewers and admins look; they do not upload.
    reviewer = client_for(site, "reviewer")
    assert upload(reviewer, unit, FENYANG).status_code == 403


# ---------------------------------------------------------------- submit, return, approve, the region's view


def test_submit_return_resubmit_approve(site, built_version, built):
    unit = site["ids"]["141101"]
    clerk, reviewer = client_for(site, "clerk1"), client_for(site, "reviewer")
    assert "提交财政局审核" in clerk.get(built_version).text
    assert "审核通过并发布" not in reviewer.get(built_version).text  # not submitted yet
    assert reviewer.post(built_version + "/approve", data={"csrf": csrf_of(reviewer.get("/review").text)}).status_code == 409
    token = csrf_of(clerk.get("/").text)
    assert clerk.post(built_version + "/submit", data={"csrf": token}).status_code == 200
    assert _version(site, 1).state == "submitted"
    assert clerk.post(built_version + "/approve", data={"csrf": token}).status_code == 403  # clerks do not approve
    page = reviewer.get(built_version)
    assert "审核通过并发布" in page.text and "退回修改" in page.text
    token = csrf_of(page.text)
    empty = reviewer.post(built_version + "/return", data={"csrf": token, "comment": "  "})
    assert empty.status_code == 400 and "退回时请写明退回的原因" in empty.text
    comment = "第三部分的<b>变动原因</b>写得太简单，请补充。"
    reviewer.post(built_version + "/return", data={"csrf": token, "comment": comment})
    assert _version(site, 1).state == "returned" and _version(site, 1).review_comment == comment
    unit_page = clerk.get(f"/units/{unit}").text
    assert "已被财政局退回" in unit_page and "第三部分的&lt;b&gt;变动原因&lt;/b&gt;写得太简单" in unit_page
    assert clerk.post(built_version + "/submit", data={"csrf": csrf_of(unit_page)}).status_code == 409
    # The clerk uploads again; this version is submitted and published.
    response = upload(clerk, unit, FENYANG, name="汾阳-修改后.xlsx")
    second = response.headers["location"]
    assert wait_built(clerk, second)["state"] == JOB_DONE
    page = clerk.get(second).text
    assert re.search(r"与第 1 版相比，公开文件中的数字没有变化", page)
    clerk.post(second + "/submit", data={"csrf": csrf_of(page)})
    reviewer.post(second + "/approve", data={"csrf": csrf_of(reviewer.get(second).text)})
    published = _version(site, int(second.rsplit("/", 1)[1]))
    assert published.state == "published"
    assert "当前发布的版本" in clerk.get(second).text and "已发布：" in clerk.get(f"/units/{unit}").text
    # The region's view: status, counts, filter, search; downloads.
    review = reviewer.get("/review").text
    assert re.search(r"<b>1</b>已发布", review) and re.search(r"<b>1</b>未上传", review)
    assert "汾阳市财政局机关" in review and "大同市社会保险中心" not in review
    assert "汾阳市财政局机关" not in reviewer.get("/review?status=published").text
    assert "汾阳市社会保险中心" in reviewer.get("/review?status=published").text
    searched = reviewer.get("/review", params={"q": "财政局"}).text
    assert "汾阳市财政局机关" in searched and "汾阳市社会保险中心</a>" not in searched
    archive = zipfile.ZipFile(io.BytesIO(reviewer.get("/review/published.zip").content))
    assert not list((site["folder"] / "tmp").iterdir())  # the zip was written to a temporary file, then removed
    [name] = archive.namelist()
    assert name == "141101-汾阳市社会保险中心-2025年单位预算公开.pdf"
    assert archive.read(name) == clerk.get(second + "/files/pdf").content
    rows = list(csv.reader(io.StringIO(reviewer.get("/review/status.csv").content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["单位代码", "单位名称", "地区", "公开标准", "年度", "状态"]
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {"141101", "141102"}
    assert by_code["141101"][5] == "已发布" and by_code["141102"][5] == "未上传"
    assert by_code["141101"][14] == published.pdf_sha256
    sheet = load_workbook(io.BytesIO(reviewer.get("/review/status.xlsx").content))["各单位状态"]
    assert [[c.value for c in row][:6] for row in sheet.iter_rows(min_row=2)] == \
        [[r[0], r[1], r[2], r[3], int(r[4]), r[5]] for r in rows[1:]]
    # The audit log says who did what.
    log = reviewer.get("/audit").text
    for action in ("上传", "提交审核", "退回", "发布"):
        assert f"<td>{action}</td>" in log
    with open_database(site["folder"])() as session:
        actions = [(e.username, e.action) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert ("clerk1", "submit") in actions and ("reviewer", "return") in actions and ("reviewer", "approve") in actions
    assert "<td>上传</td>" not in client_for(site, "reviewer_dt").get("/audit").text  # not another region's log


def test_what_users_typed_is_escaped_and_every_response_has_the_security_headers(site, built_version):
    with open_database(site["folder"]).begin() as session:
        accounts.add_unit(session, "<x>", '<script>alert("单位")</script>', "汾阳市", "shanxi", 2025)
    reviewer = client_for(site, "reviewer")
    page = reviewer.get("/review")
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(&#34;单位&#34;)&lt;/script&gt;" in page.text
    clerk = client_for(site, "clerk1")
    hostile_name = "<img src=x onerror=alert(1)>.xlsx"
    response = upload(clerk, site["ids"]["141101"], make_corpus_file(site, "random"), name=hostile_name)
    version_page = clerk.get(response.headers["location"]).text
    assert "<img src=x" not in version_page and "&lt;img src=x onerror=alert(1)&gt;.xlsx" in version_page
    for response in (page, clerk.get("/units/99999"), clerk.get(built_version + "/files/pdf"), clerk.get("/login"),
                     clerk.get("/static/app.js")):
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert re.findall(r"<script[^>]*>", page.text) == ['<script src="/static/app.js" defer>']
    assert not re.search(r'(src|href)="(https?:)?//', page.text)  # nothing from another server (no CDN)


def make_corpus_file(site, name: str) -> Path:
    path = site["folder"] / f"{name}.bin"
    path.write_bytes(b"not a workbook at all" * 10)
    return path


# ---------------------------------------------------------------- builds survive restarts; failures are shown


@pytest.fixture()
def quiet_site(tmp_path, database_factory, monkeypatch):
    """A second site whose app runs no build thread: the test drives the queue itself."""
    url = database_factory()
    if url:
        monkeypatch.setenv("BUDGET_AUTHOR_DATABASE", url)
    ids = make_site(tmp_path)
    app = create_app(tmp_path, run_builds=False)
    return {"folder": tmp_path, "ids": ids, "app": app, "database": url}


def test_a_failed_build_shows_its_message_and_the_page_stops_waiting(quiet_site, monkeypatch):
    clerk = client_for(quiet_site, "clerk1")
    url = upload(clerk, quiet_site["ids"]["141101"], FENYANG).headers["location"]
    page = clerk.get(url).text
    assert "正在生成公开文件" in page and "排队等待生成" in page and 'data-poll="' in page
    assert '<meta http-equiv="refresh"' in page  # without JavaScript the page refreshes itself
    web = quiet_site["app"].state.web
    import budget_author.build
    from budget_author.render.pdf import RenderError

    def timed_out(*args, **kwargs):  # the render passed its time bound
        raise RenderError("RENDER_TIMEOUT", seconds=120)

    monkeypatch.setattr(budget_author.build, "build_document", timed_out)
    job_id = web.engine.builder.claim()
    web.engine.builder.run_job(job_id)
    status = clerk.get(url + "/status.json").json()
    assert status["finished"] and status["failed"] and "RENDER_TIMEOUT" in status["error"]
    page = clerk.get(url).text
    assert "生成失败" in page and "RENDER_TIMEOUT" in page and "data-poll" not in page
    assert "refresh" not in page
    assert "有错误" in clerk.get(f"/units/{quiet_site['ids']['141101']}").text


def test_a_restarted_server_queues_an_interrupted_build_again_and_finishes_it(quiet_site):
    clerk = client_for(quiet_site, "clerk1")
    url = upload(clerk, quiet_site["ids"]["141101"], FENYANG).headers["location"]
    web = quiet_site["app"].state.web
    assert web.engine.builder.claim() is not None  # taken, as if the server were then killed mid-build
    with web.sessions() as session:
        job = session.scalar(select(Job))
        assert (job.state, job.attempts) == (JOB_RUNNING, 1)
    restarted = create_app(quiet_site["folder"])
    with TestClient(restarted):
        status = wait_built(clerk, url)
    assert status["state"] == JOB_DONE
    with web.sessions() as session:
        job = session.scalar(select(Job))
        assert (job.state, job.attempts) == (JOB_DONE, 2)
    assert "生成的公开文件（" in clerk.get(url).text


def test_a_build_running_far_too_long_is_no_longer_waited_for(quiet_site):
    clerk = client_for(quiet_site, "clerk1")
    url = upload(clerk, quiet_site["ids"]["141101"], FENYANG).headers["location"]
    web = quiet_site["app"].state.web
    web.engine.builder.claim()
    assert clerk.get(url + "/status.json").json()["finished"] is False
    with web.sessions.begin() as session:  # as if the build thread had been stuck for 16 minutes
        job = session.scalar(select(Job))
        job.started_at = job.started_at - dt.timedelta(seconds=STALLED_SECONDS + 60)
    status = clerk.get(url + "/status.json").json()
    assert status["finished"] and status["failed"] and status["error"] == STALLED
    page = clerk.get(url).text
    assert STALLED in page and "data-poll" not in page


def test_a_job_interrupted_too_often_fails_with_a_message_instead_of_waiting_forever(quiet_site):
    clerk = client_for(quiet_site, "clerk1")
    url = upload(clerk, quiet_site["ids"]["141101"], FENYANG).headers["location"]
    web = quiet_site["app"].state.web
    with web.sessions.begin() as session:
        job = session.scalar(select(Job))
        job.state, job.attempts = JOB_RUNNING, MAX_ATTEMPTS
    from budget_author.web.jobs import requeue_interrupted

    assert requeue_interrupted(web.sessions) == 1
    with web.sessions() as session:
        assert session.scalar(select(Job)).state == JOB_FAILED
    page = clerk.get(url).text
    assert INTERRUPTED_TOO_OFTEN in page
    with web.sessions.begin() as session:  # a queued job stays queued
        job = session.scalar(select(Job))
        job.state = JOB_QUEUED
    assert requeue_interrupted(web.sessions) == 0


# ---------------------------------------------------------------- the schema


def test_the_migrations_make_exactly_the_models_tables(tmp_path, database_factory, monkeypatch):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from budget_author.web.db import Base, make_engine, database_url

    url = database_factory()
    if url:
        monkeypatch.setenv("BUDGET_AUTHOR_DATABASE", url)
    open_database(tmp_path)
    engine = make_engine(database_url(tmp_path))
    assert engine.dialect.name == ("postgresql" if url else "sqlite")
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    open_database(tmp_path)  # a second start upgrades nothing and loses nothing


def _count(site, model) -> int:
    with open_database(site["folder"])() as session:
        return len(session.scalars(select(model)).all())


def _version(site, number: int, unit_code: str = "141101") -> Version:
    with open_database(site["folder"])() as session:
        return session.scalar(select(Version).where(Version.unit_id == site["ids"][unit_code],
                                                    Version.number == number))


def test_the_admin_sees_every_region_and_can_narrow_to_one(site):
    admin = client_for(site, "admin")
    everything = admin.get("/review").text
    assert "汾阳市社会保险中心" in everything and "大同市社会保险中心" in everything
    assert '<option value="大同市">' in everything
    one = admin.get("/review", params={"region": "大同市"}).text
    assert "大同市社会保险中心" in one and "汾阳市社会保险中心" not in one
    rows = admin.get("/review/status.csv", params={"region": "大同市"}).content.decode("utf-8-sig").splitlines()
    assert len(rows) == 2 and rows[1].startswith("140201,大同市社会保险中心")
    assert admin.get("/audit").status_code == 200
    assert admin.get("/", follow_redirects=False).headers["location"] == "/review"


def test_accounts_hash_passwords_with_argon2(site):
    with open_database(site["folder"])() as session:
        user = session.scalar(select(User).where(User.username == "clerk1"))
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


# ---------------------------------------------------------------- found by the review: races, sessions, limits


def _at_once(count: int, action) -> list:
    """`action(i)` in `count` threads released together; their results in order."""
    import threading

    barrier, results = threading.Barrier(count), [None] * count

    def run(i: int) -> None:
        barrier.wait()
        results[i] = action(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_uploads_to_one_unit_at_the_same_time_each_get_a_version(quiet_site):
    unit = quiet_site["ids"]["141102"]
    clients = [client_for(quiet_site, "clerk2") for _ in range(6)]
    tokens = [csrf_of(c.get(f"/units/{unit}").text) for c in clients]

    def send(i: int) -> int:
        return clients[i].post(f"/units/{unit}/upload", data={"csrf": tokens[i]},
                               files={"workbook": ("a.xlsx", b"not a workbook %d" % i, XLSX)},
                               follow_redirects=False).status_code

    assert _at_once(6, send) == [303] * 6
    with open_database(quiet_site["folder"])() as db:
        numbers = sorted(db.scalars(select(Version.number).where(Version.unit_id == unit)))
    assert numbers == [1, 2, 3, 4, 5, 6]


def test_approve_and_return_of_one_version_at_once_only_the_first_takes_effect(quiet_site):
    unit = quiet_site["ids"]["141101"]
    sessions = open_database(quiet_site["folder"])
    reviewer, admin = client_for(quiet_site, "reviewer"), client_for(quiet_site, "admin")
    outcomes = []
    for round_ in range(4):
        with sessions.begin() as db:
            clerk = db.scalar(select(User).where(User.username == "clerk1"))
            number = (db.scalar(select(func.max(Version.number)).where(Version.unit_id == unit)) or 0) + 1
            db.add(Version(unit_id=unit, number=number, sha256=f"{round_:064x}", size=1, original_name="x.xlsx",
                           uploaded_by=clerk.id, state=SUBMITTED))
        url = f"/units/{unit}/versions/{number}"
        tokens = [csrf_of(c.get(url).text) for c in (reviewer, admin)]
        codes = _at_once(2, lambda i: (reviewer, admin)[i].post(
            url + ("/approve", "/return")[i], data={"csrf": tokens[i], "comment": "请补充"},
            follow_redirects=False).status_code)
        assert sorted(codes) == [303, 409], codes
        with sessions() as db:
            version = db.scalar(select(Version).where(Version.unit_id == unit, Version.number == number))
            published = db.get(Unit, unit).published_version_id
            decisions = db.scalars(select(AuditEntry.action).where(AuditEntry.unit_id == unit,
                                                                   AuditEntry.version_number == number)).all()
        assert (version.state == PUBLISHED) == (published == version.id) == (codes[0] == 303)
        assert len([d for d in decisions if d in ("approve", "return")]) == 1
        outcomes.append(version.state)
    assert set(outcomes) <= {PUBLISHED, RETURNED}


def test_signing_out_ends_a_copied_cookie_too(site):
    clerk = client_for(site, "clerk2")
    copied = TestClient(site["app"], cookies=dict(clerk.cookies))
    unit = f"/units/{site['ids']['141102']}"
    assert copied.get(unit).status_code == 200
    clerk.post("/logout", data={"csrf": csrf_of(clerk.get("/").text)})
    assert copied.get(unit, follow_redirects=False).headers["location"] == "/login"


def test_simultaneous_wrong_passwords_are_counted_before_they_are_checked(quiet_site):
    client = TestClient(quiet_site["app"], client=("10.1.2.3", 50000))
    token = csrf_of(client.get("/login").text)
    codes = _at_once(12, lambda i: client.post("/login", data={"username": "clerk2", "password": "wrong",
                                                               "csrf": token}).status_code)
    assert codes.count(400) <= 6 and codes.count(429) >= 6, codes  # FAILURE_LIMIT 5: not 12 passwords checked


def test_one_password_tried_on_many_accounts_from_one_address_is_stopped(quiet_site):
    client = TestClient(quiet_site["app"], client=("10.1.2.4", 50000))
    codes = [sign_in(client, f"user{i}", "guess").status_code for i in range(35)]
    assert codes[:30] == [400] * 30 and set(codes[30:]) == {429}
    assert sign_in(TestClient(quiet_site["app"], client=("10.1.2.5", 50000)), "clerk2").status_code == 303


def test_an_id_no_row_can_have_is_not_found(site):
    clerk = client_for(site, "clerk1")
    for url in ("/units/99999999999999999999999", "/units/9223372036854775808/template.xlsx",
                f"/units/{site['ids']['141101']}/versions/99999999999999999999999"):
        response = clerk.get(url)
        assert response.status_code == 404 and "找不到这个页面" in response.text, url


def test_a_server_error_page_has_the_security_headers(quiet_site, monkeypatch):
    web = quiet_site["app"].state.web
    clerk = client_for(quiet_site, "clerk1")

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(web, "_unit_page", broken)
    response = TestClient(quiet_site["app"], raise_server_exceptions=False,
                          cookies=dict(clerk.cookies)).get(f"/units/{quiet_site['ids']['141101']}")
    assert response.status_code == 500 and "boom" not in response.text
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_names_starting_like_a_formula_stay_text_in_the_status_tables(quiet_site):
    with open_database(quiet_site["folder"]).begin() as db:
        accounts.add_unit(db, "141199", '=HYPERLINK("http://evil.example/","点击")', "汾阳市", "shanxi", 2025)
    reviewer = client_for(quiet_site, "reviewer")
    rows = list(csv.reader(io.StringIO(reviewer.get("/review/status.csv").content.decode("utf-8-sig"))))
    assert ["'=HYPERLINK(\"http://evil.example/\",\"点击\")"] == [r[1] for r in rows if r[0] == "141199"]
    sheet = load_workbook(io.BytesIO(reviewer.get("/review/status.xlsx").content)).active
    cell = next(row[1] for row in sheet.iter_rows() if row[0].value == "141199")
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
