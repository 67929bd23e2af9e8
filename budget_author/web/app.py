"""The web application (Starlette): sign-in, the clerk's unit pages, the reviewers' region pages.

Every page is rendered from our Jinja2 templates (templates/, autoescaped) and answers in Chinese. Access
is decided in one place, `_unit`: a clerk reaches only their own unit, a reviewer the units of their region,
an admin every unit; anything else answers 404, as if it did not exist (a clerk cannot even learn which
unit ids exist). Work that takes time runs off the event loop: the check of an upload in the thread pool,
the build on the task engine (engine.py: a consumer thread of this server, or workers on other machines).
Uploads and outputs are read from and written to the database (blobs); when the database cannot be reached,
every page answers 503 with a Chinese page that says so, and no upload is taken.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import logging
import os
import re
import tempfile
import threading
import zipfile
from pathlib import Path
from typing import Any

import jinja2
from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from budget_author import __version__, profiles
from budget_author.web import security
from budget_author.web.accounts import DUMMY_HASH, role_label, verify_password
from budget_author.web.db import (ADMIN, BUILT, CLERK, ERRORS, FAILED, JOB_DONE, JOB_FAILED, JOB_RUNNING, PUBLISHED,
                                  QUEUED, RETURNED, REVIEWER, STATE_LABELS, SUBMITTED, UNUSABLE, AuditEntry, Job, Unit, User,
                                  Version, open_database, utcnow)
from budget_author.web.engine import Engine
from budget_author.web.jobs import (MANIFEST, STAGES, STALLED, STALLED_SECONDS, TABLES, built_job, enqueue, get_blob,
                                    job_files, page_name, put_blob, queue_position, requeue_interrupted,
                                    version_file)
from budget_author.web.store import Store, TooLarge

log = logging.getLogger("budget_author.web")
HERE = Path(__file__).parent

# A unit's status, as reviewers see and filter it: the state of its latest version.
STATUSES = {"none": "未上传", "errors": "有错误", "building": "生成中", "built": "已生成", "submitted": "已提交",
            "returned": "已退回", "published": "已发布"}
_STATUS_OF_STATE = {UNUSABLE: "errors", ERRORS: "errors", FAILED: "errors", QUEUED: "building", BUILT: "built",
                    SUBMITTED: "submitted", RETURNED: "returned", PUBLISHED: "published"}
ACTIONS = {"login": "登录", "upload": "上传", "submit": "提交审核", "approve": "发布", "return": "退回"}
FILES = {  # kind → (file in the build folder, media type, the name the download gets)
    "pdf": ("document.pdf", "application/pdf", "{unit}-{year}年单位预算公开-第{n}版.pdf"),
    "html": ("document.html", "text/html; charset=utf-8", "{unit}-{year}年单位预算公开-第{n}版.html"),
    "manifest": ("document.manifest.json", "application/json", "{unit}-{year}年单位预算公开-第{n}版.manifest.json"),
    "xlsx": ("document-公开表.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "{unit}-{year}年单位预算公开表-第{n}版.xlsx"),
}
MAX_COMMENT = 2000
DATABASE_DOWN = ("服务器暂时连接不上数据库，现在不能登录、查看或上传。刚才如果在上传填报表，这次上传没有保存，"
                 "请过几分钟刷新页面后重新上传。已经保存的版本和生成的文件都不受影响。"
                 "如果长时间仍是这样，请联系财政局的系统管理员。")


class NeedSignIn(Exception):
    pass


def unit_status(latest: Version | None) -> str:
    return "none" if latest is None else _STATUS_OF_STATE.get(latest.state, "errors")


def _local(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.replace(tzinfo=dt.timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _size(value: int) -> str:
    if value >= 1024 * 1024:
        return f"{value / 1024 / 1024:.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(value / 1024))} KB"


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def safe_name(text: str) -> str:
    """A name made of a unit's name, for a file inside a zip or a download (never a path on this server)."""
    return _UNSAFE.sub("_", text).strip(" .") or "单位"


class Web:
    """The application's parts: the data folder, the database, the build queue and the templates."""

    def __init__(self, data_dir: Path, *, run_builds: bool = True, database: str | None = None,
                 queue: str | None = None) -> None:
        self.store = Store(Path(data_dir))
        self.sessions = open_database(Path(data_dir), database)
        self.engine = Engine(self.sessions, url=queue, data_dir=Path(data_dir), worker="serve")
        self.run_builds = run_builds
        # Checks are CPU-bound (and hold the GIL): more at once than cores only multiplies the memory of the
        # workbooks being read (20 at once took a server to 1 GB in the load test).
        self.checking = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, undefined=jinja2.StrictUndefined,
            trim_blocks=True, lstrip_blocks=True)
        self.templates.filters.update(local=_local, size=_size)
        self.templates.globals.update(tool_version=__version__, STATUSES=STATUSES, STATE_LABELS=STATE_LABELS,
                                      ACTIONS=ACTIONS, role_label=role_label,
                                      profile_label=lambda name: profiles.BUILT_IN.get(name, name))

    # ------------------------------------------------------------ helpers

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        user = context.pop("user", None)
        body = self.templates.get_template(name).render(user=user, csrf=security.csrf_token(request.session),
                                                        path=request.url.path, **context)
        return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})

    def user(self, request: Request, db: Session) -> User | None:
        uid = request.session.get("uid")
        if not uid:
            return None
        user = db.get(User, uid)
        if user is None or not user.active or request.session.get("sv") != user.session_version:
            request.session.pop("uid", None)
            return None
        return user

    def signed_in(self, request: Request, db: Session) -> User:
        user = self.user(request, db)
        if user is None:
            raise NeedSignIn()
        return user

    @staticmethod
    def can_see(user: User, unit: Unit) -> bool:
        if user.role == ADMIN:
            return True
        if user.role == REVIEWER:
            return unit.region == user.region
        return user.role == CLERK and unit.id == user.unit_id

    def _unit(self, db: Session, user: User, unit_id: int) -> Unit:
        """The unit, if this account may see it; otherwise 404 (the same answer as for a unit that does not exist)."""
        if not 0 < unit_id < 2 ** 63:  # no row has such an id; the database could not even compare it
            raise HTTPException(404)
        unit = db.get(Unit, unit_id)
        if unit is None or not self.can_see(user, unit):
            raise HTTPException(404)
        return unit

    def _version(self, db: Session, user: User, unit_id: int, number: int) -> tuple[Unit, Version]:
        unit = self._unit(db, user, unit_id)
        if not 0 < number < 2 ** 63:
            raise HTTPException(404)
        version = db.scalar(select(Version).where(Version.unit_id == unit.id, Version.number == number))
        if version is None:
            raise HTTPException(404)
        return unit, version

    @staticmethod
    def audit(db: Session, user: User, action: str, unit: Unit | None = None, version: Version | None = None,
              detail: str = "") -> None:
        db.add(AuditEntry(username=user.username, action=action, unit_id=unit.id if unit else None,
                          version_number=version.number if version else None, detail=detail))

    async def posted(self, request: Request):
        """The small form of a POST, after its CSRF token has been checked (403 otherwise)."""
        try:
            form = await request.form(max_files=0, max_fields=20, max_part_size=64 * 1024)
        except security.BodyTooLarge:
            raise HTTPException(413) from None
        except Exception:  # noqa: BLE001 - a malformed body
            raise HTTPException(400) from None
        if not security.csrf_ok(request.session, form.get("csrf")):
            raise HTTPException(403)
        return form

    def scope_units(self, db: Session, user: User, region: str | None = None) -> list[Unit]:
        query = select(Unit).order_by(Unit.region, Unit.code)
        if user.role == REVIEWER:
            query = query.where(Unit.region == user.region)
        elif user.role == ADMIN and region:
            query = query.where(Unit.region == region)
        elif user.role == CLERK:
            query = query.where(Unit.id == user.unit_id)
        return list(db.scalars(query))

    @staticmethod
    def latest_versions(db: Session, units: list[Unit]) -> dict[int, Version]:
        if not units:
            return {}
        newest = (select(Version.unit_id, func.max(Version.number).label("number"))
                  .where(Version.unit_id.in_([u.id for u in units])).group_by(Version.unit_id).subquery())
        rows = db.scalars(select(Version).join(newest, (Version.unit_id == newest.c.unit_id)
                                               & (Version.number == newest.c.number)))
        return {v.unit_id: v for v in rows}

    @staticmethod
    def job_of(db: Session, version: Version) -> Job | None:
        return db.scalar(select(Job).where(Job.version_id == version.id).order_by(Job.id.desc()).limit(1))

    # ------------------------------------------------------------ sign-in

    def home(self, request: Request) -> Response:
        with self.sessions() as db:
            user = self.user(request, db)
            if user is None:
                return RedirectResponse("/login", 303)
            if user.role == CLERK:
                return RedirectResponse(f"/units/{user.unit_id}", 303)
            return RedirectResponse("/review", 303)

    def login_page(self, request: Request) -> Response:
        with self.sessions() as db:
            if self.user(request, db) is not None:
                return RedirectResponse("/", 303)
        return self.page(request, "login.html", error=None, username="")

    async def login(self, request: Request) -> Response:
        form = await self.posted(request)
        username = str(form.get("username", "")).strip()[:64]
        password = str(form.get("password", ""))
        ip = request.client.host if request.client else "?"
        return await run_in_threadpool(self._login, request, username, password, ip)

    def _login(self, request: Request, username: str, password: str, ip: str) -> Response:
        with self.sessions.begin() as db:  # counted (and committed) before anything is checked
            attempt = security.count_attempt(db, username, ip)
        with self.sessions.begin() as db:
            if security.locked_out(db, username, ip):
                minutes = int(security.FAILURE_WINDOW.total_seconds() // 60)
                return self.page(request, "login.html", 429, username=username,
                                 error=f"这个账号登录失败的次数太多，已暂停登录。请 {minutes} 分钟后再试，"
                                       "或请管理员重设密码。")
            user = db.scalar(select(User).where(User.username == username))
            ok = verify_password(user.password_hash if user else DUMMY_HASH, password)
            ok = ok and user is not None and user.active
            if not ok:
                return self.page(request, "login.html", 400, username=username,
                                 error="用户名或密码不正确（或账号已停用）。请重新输入。")
            security.succeeded(db, attempt, username, ip)
            request.session.clear()
            request.session.update(uid=user.id, sv=user.session_version)
            security.csrf_token(request.session)
            self.audit(db, user, "login", user.unit, detail=f"来自 {ip}")
        return RedirectResponse("/", 303)

    async def logout(self, request: Request) -> Response:
        await self.posted(request)
        uid = request.session.get("uid")
        request.session.clear()
        if uid is not None:  # the cookie is signed, not stored: a copy of it must stop working too
            await run_in_threadpool(self._end_sessions, uid)
        return RedirectResponse("/login", 303)

    def _end_sessions(self, uid: int) -> None:
        with self.sessions.begin() as db:
            db.execute(update(User).where(User.id == uid).values(session_version=User.session_version + 1))

    # ------------------------------------------------------------ a unit and its versions

    def unit_page(self, request: Request) -> Response:
        with self.sessions() as db:
            user = self.signed_in(request, db)
            unit = self._unit(db, user, request.path_params["unit_id"])
            return self._unit_page(request, db, user, unit)

    def _unit_page(self, request: Request, db: Session, user: User, unit: Unit, status: int = 200,
                   error: str | None = None) -> Response:
        versions = list(db.scalars(select(Version).where(Version.unit_id == unit.id)
                                   .order_by(Version.number.desc())))
        latest = versions[0] if versions else None
        published = db.get(Version, unit.published_version_id) if unit.published_version_id else None
        returned = None  # the last return the clerk has not answered yet by a new submission
        for version in versions:
            if version.state in (SUBMITTED, PUBLISHED):
                break
            if version.state == RETURNED:
                returned = version
                break
        return self.page(request, "unit.html", status, user=user, unit=unit, versions=versions, latest=latest,
                         status_key=unit_status(latest), published=published, error=error, returned=returned,
                         can_upload=user.role == CLERK, limit=_size(self.upload_limit))

    @property
    def upload_limit(self) -> int:
        from budget_author.workbook.read import MAX_FILE_BYTES

        return MAX_FILE_BYTES

    def template_download(self, request: Request) -> Response:
        from budget_author.workbook.layout import layout_of
        from budget_author.workbook.template import build_workbook

        with self.sessions() as db:
            user = self.signed_in(request, db)
            unit = self._unit(db, user, request.path_params["unit_id"])
        workbook = build_workbook({"unit": {"name": unit.name, "year": unit.year, "region": unit.region}},
                                  layout_of(unit.profile))
        buffer = io.BytesIO()
        workbook.save(buffer)
        name = f"{safe_name(unit.name)}-{unit.year}年单位预算填报表.xlsx"
        return Response(buffer.getvalue(), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": _attachment(name, "workbook.xlsx")})

    async def upload(self, request: Request) -> Response:
        """Receive a workbook (never more than the size limit), store it as a new immutable version, check it
        with the same reader and rules as `check`, and queue its build when it has no errors."""
        unit_id = request.path_params["unit_id"]
        with self.sessions() as db:
            user = self.signed_in(request, db)
            unit = self._unit(db, user, unit_id)
            if user.role != CLERK:
                raise HTTPException(403)
        too_large = self.too_large_message()
        if request.scope.get("state", {}).get("body_declared_too_large"):
            return await run_in_threadpool(self._upload_refused, request, unit_id, too_large, 413)
        try:
            async with request.form(max_files=1, max_fields=5, max_part_size=64 * 1024) as form:
                if not security.csrf_ok(request.session, form.get("csrf")):
                    raise HTTPException(403)
                upload = form.get("workbook")
                if not isinstance(upload, UploadFile) or not upload.filename:
                    return await run_in_threadpool(self._upload_refused, request, unit_id,
                                                   "请先选择要上传的填报表文件（.xlsx）。", 400)
                try:
                    sha256, size, received = await run_in_threadpool(self.store.receive, _chunks(upload.file),
                                                                     self.upload_limit)
                except TooLarge:
                    return await run_in_threadpool(self._upload_refused, request, unit_id, too_large, 413)
                original = (upload.filename or "")[-255:]
        except security.BodyTooLarge:
            return await run_in_threadpool(self._upload_refused, request, unit_id, too_large, 413)
        try:
            number = await run_in_threadpool(self._new_version, request, unit_id, sha256, size, original, received)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(received)
        return RedirectResponse(f"/units/{unit_id}/versions/{number}", 303)

    def too_large_message(self) -> str:
        from budget_author.issues import issue

        return issue("FILE_TOO_LARGE", size="超过上限", limit=self.upload_limit).message

    def _upload_refused(self, request: Request, unit_id: int, message: str, status: int) -> Response:
        with self.sessions() as db:
            user = self.signed_in(request, db)
            return self._unit_page(request, db, user, self._unit(db, user, unit_id), status, message)

    def _new_version(self, request: Request, unit_id: int, sha256: str, size: int, original: str,
                     received: Path) -> int:
        """The upload as a version, in one transaction with its bytes and its build job: committed whole or not at
        all (a database error answers 503 and nothing was taken). Versions are keyed by the workbook's SHA-256: the
        same bytes uploaded again (a second click, a browser that sent the form twice) are the same version and
        are built once; only a version that was returned, or whose build failed, is taken again."""
        with self.checking:  # before the transaction (the unit's lock is held for no check); a few at a time
            issues, state = check_upload(received)
        with self.sessions.begin() as db:
            user = self.signed_in(request, db)
            unit = self._unit(db, user, unit_id)
            # Uploads to one unit one at a time: this row lock (the write lock, in SQLite) orders them, so that two
            # identical uploads at once see each other and the version numbers never collide.
            db.execute(update(Unit).where(Unit.id == unit.id).values(code=Unit.code))
            same = db.scalar(select(Version).where(Version.unit_id == unit.id, Version.sha256 == sha256,
                                                   Version.state != RETURNED).order_by(Version.number.desc()).limit(1))
            if same is not None:
                job_ids = []
                if same.state == FAILED:  # the advice after a failed build is to upload the same file again
                    same.state = QUEUED
                    job_ids.append(enqueue(db, same).id)
                self.audit(db, user, "upload", unit, same,
                           f"{original}（SHA-256 {sha256}，{_size(size)}，与第 {same.number} 版相同，未另建版本）")
                number = same.number
            else:
                errors = sum(i["severity"] == "error" for i in issues)
                put_blob(db, received.read_bytes())
                number = (db.scalar(select(func.max(Version.number)).where(Version.unit_id == unit.id)) or 0) + 1
                version = Version(unit_id=unit.id, number=number, sha256=sha256, size=size, original_name=original,
                                  uploaded_by=user.id, state=state, errors=errors, warnings=len(issues) - errors,
                                  issues_json=json.dumps(issues, ensure_ascii=False))
                db.add(version)
                db.flush()
                job_ids = [enqueue(db, version).id] if state == QUEUED else []
                self.audit(db, user, "upload", unit, version,
                           f"{original}（SHA-256 {sha256}，{_size(size)}，{STATE_LABELS[state]}）")
        self.engine.send(job_ids)
        return number

    def version_page(self, request: Request) -> Response:
        with self.sessions() as db:
            user = self.signed_in(request, db)
            unit, version = self._version(db, user, request.path_params["unit_id"], request.path_params["number"])
            return self._version_page(request, db, user, unit, version)

    def _version_page(self, request: Request, db: Session, user: User, unit: Unit, version: Version,
                      status: int = 200, error: str | None = None) -> Response:
        job = self.job_of(db, version)
        groups: dict[str, list[dict]] = {}
        for item in json.loads(version.issues_json or "[]"):
            groups.setdefault(item.get("sheet") or "", []).append(item)
        other_submitted = db.scalar(select(Version.number).where(
            Version.unit_id == unit.id, Version.state == SUBMITTED, Version.id != version.id))
        return self.page(
            request, "version.html", status, user=user, unit=unit, version=version, job=job, groups=groups,
            progress=self._progress(db, job), error=error,
            redline=json.loads(version.redline_json) if version.redline_json else None,
            built=version.pages is not None, other_submitted=other_submitted,
            has_tables=self._has_file(db, version, TABLES),
            is_published=unit.published_version_id == version.id,
            can_submit=user.role == CLERK and version.state == BUILT,
            can_review=user.role in (REVIEWER, ADMIN) and version.state == SUBMITTED)

    @staticmethod
    def _has_file(db: Session, version: Version, name: str) -> bool:
        job = built_job(db, version)
        return job is not None and name in job_files(db, job.id)

    def _progress(self, db: Session, job: Job | None) -> dict:
        if job is None:
            return {"state": "none", "finished": True}
        label, percent = STAGES.get(job.stage, (job.stage, 50))
        finished = job.state in (JOB_DONE, JOB_FAILED)
        started = job.started_at or job.created_at
        elapsed = int(((job.finished_at if finished and job.finished_at else utcnow()) - started).total_seconds())
        waiting = queue_position(db, job) if job.state == "queued" else 0
        if waiting:
            label = f"{label}（前面还有 {waiting} 个）"
        if job.state == JOB_RUNNING and elapsed > STALLED_SECONDS:  # the page stops waiting; a restart re-queues it
            return {"state": job.state, "stage": label, "percent": percent, "finished": True, "failed": True,
                    "error": STALLED, "elapsed": elapsed}
        return {"state": job.state, "stage": label, "percent": percent, "finished": finished,
                "failed": job.state == JOB_FAILED, "error": job.error, "elapsed": max(0, elapsed)}

    def version_status(self, request: Request) -> Response:
        with self.sessions() as db:
            user = self.signed_in(request, db)
            _, version = self._version(db, user, request.path_params["unit_id"], request.path_params["number"])
            return JSONResponse(self._progress(db, self.job_of(db, version)), headers={"Cache-Control": "no-store"})

    def version_file(self, request: Request) -> Response:
        kind = request.path_params["kind"]
        with self.sessions() as db:
            user = self.signed_in(request, db)
            unit, version = self._version(db, user, request.path_params["unit_id"], request.path_params["number"])
            if kind == "workbook":
                content = get_blob(db, version.sha256)
                name = f"{safe_name(unit.name)}-第{version.number}版填报表.xlsx"
                media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            elif kind in FILES and version.pages is not None:
                filename, media, pattern = FILES[kind]
                content = version_file(db, version, filename)
                name = pattern.format(unit=safe_name(unit.name), year=unit.year, n=version.number)
            else:
                raise HTTPException(404)
        if content is None:
            raise HTTPException(404)
        return Response(content, media_type=media,
                        headers={"Content-Disposition": _attachment(name, f"file.{name.rsplit('.', 1)[-1]}"),
                                 "Cache-Control": "private, no-store",
                                 "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; sandbox"})

    def page_image(self, request: Request) -> Response:
        page = request.path_params["page"]
        with self.sessions() as db:
            user = self.signed_in(request, db)
            _, version = self._version(db, user, request.path_params["unit_id"], request.path_params["number"])
            if not 1 <= page <= version.previews:
                raise HTTPException(404)
            content = version_file(db, version, page_name(page))
        if content is None:
            raise HTTPException(404)
        return Response(content, media_type="image/png", headers={"Cache-Control": "private, max-age=86400",
                                                                  "Content-Disposition": "inline"})

    # ------------------------------------------------------------ submit, approve, return

    async def submit(self, request: Request) -> Response:
        await self.posted(request)
        return await run_in_threadpool(self._decide, request, "submit", None)

    async def approve(self, request: Request) -> Response:
        await self.posted(request)
        return await run_in_threadpool(self._decide, request, "approve", None)

    async def send_back(self, request: Request) -> Response:
        form = await self.posted(request)
        comment = str(form.get("comment", "")).strip()
        return await run_in_threadpool(self._decide, request, "return", comment)

    @staticmethod
    def _move(db: Session, version: Version, expected: str, **values: object) -> bool:
        """Change a version's state only if it is still `expected`; False if another request changed it first."""
        moved = db.execute(update(Version).where(Version.id == version.id, Version.state == expected)
                           .values(**values)).rowcount == 1
        if moved:
            db.refresh(version)
        return moved

    def _decide(self, request: Request, action: str, comment: str | None) -> Response:
        unit_id, number = request.path_params["unit_id"], request.path_params["number"]
        target = f"/units/{unit_id}/versions/{number}"
        with self.sessions.begin() as db:
            user = self.signed_in(request, db)
            unit, version = self._version(db, user, unit_id, number)
            if action == "submit":
                if user.role != CLERK:
                    raise HTTPException(403)
                # one version under review at a time: the newer submission replaces it
                db.execute(update(Version).where(Version.unit_id == unit.id, Version.state == SUBMITTED,
                                                 Version.id != version.id).values(state=BUILT))
                if not self._move(db, version, BUILT, state=SUBMITTED, submitted_at=utcnow()):
                    raise HTTPException(409)
                self.audit(db, user, "submit", unit, version)
            else:
                if user.role not in (REVIEWER, ADMIN):
                    raise HTTPException(403)
                if version.state != SUBMITTED:
                    raise HTTPException(409)
                if action == "return" and not comment:
                    return self._version_page(request, db, user, unit, version, 400,
                                              "退回时请写明退回的原因，填报人员会看到这段说明。")
                # A conditional update: of two decisions on one version at once, only the first takes effect.
                reviewed = {"reviewed_by": user.id, "reviewed_at": utcnow()}
                if action == "return":
                    comment = comment[:MAX_COMMENT]
                    if not self._move(db, version, SUBMITTED, state=RETURNED, review_comment=comment, **reviewed):
                        raise HTTPException(409)
                    self.audit(db, user, "return", unit, version, comment)
                else:
                    if not self._move(db, version, SUBMITTED, state=PUBLISHED, **reviewed):
                        raise HTTPException(409)
                    unit.published_version_id = version.id
                    self.audit(db, user, "approve", unit, version, f"PDF 的 SHA-256 {version.pdf_sha256}")
        return RedirectResponse(target, 303)

    # ------------------------------------------------------------ reviewers

    def review(self, request: Request) -> Response:
        with self.sessions() as db:
            user = self.signed_in(request, db)
            if user.role not in (REVIEWER, ADMIN):
                raise HTTPException(404)
            region = request.query_params.get("region", "") if user.role == ADMIN else user.region
            rows = self._rows(db, user, region)
            counts = {key: 0 for key in STATUSES}
            for row in rows:
                counts[row["status"]] += 1
            wanted = request.query_params.get("status", "")
            query = request.query_params.get("q", "").strip()
            shown = [r for r in rows if (not wanted or r["status"] == wanted)
                     and (not query or query in r["unit"].name or query in r["unit"].code)]
            regions = sorted({u for u in db.scalars(select(Unit.region).distinct())}) if user.role == ADMIN else []
            return self.page(request, "review.html", user=user, rows=shown, counts=counts, total=len(rows),
                             wanted=wanted if wanted in STATUSES else "", query=query, region=region or "",
                             regions=regions)

    def _rows(self, db: Session, user: User, region: str | None) -> list[dict]:
        units = self.scope_units(db, user, region)
        latest = self.latest_versions(db, units)
        published = {v.id: v for v in db.scalars(select(Version).where(
            Version.id.in_([u.published_version_id for u in units if u.published_version_id])))}
        return [{"unit": u, "latest": latest.get(u.id), "status": unit_status(latest.get(u.id)),
                 "published": published.get(u.published_version_id)} for u in units]

    def _reviewer(self, request: Request, db: Session) -> tuple[User, str | None]:
        user = self.signed_in(request, db)
        if user.role not in (REVIEWER, ADMIN):
            raise HTTPException(404)
        return user, (request.query_params.get("region") or None) if user.role == ADMIN else user.region

    def published_zip(self, request: Request) -> Response:
        fd, temporary = tempfile.mkstemp(prefix="published-", suffix=".zip", dir=self.store.root / "tmp")
        try:
            with self.sessions() as db, os.fdopen(fd, "wb") as handle, \
                    zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
                user, region = self._reviewer(request, db)
                for row in self._rows(db, user, region):  # one PDF at a time, to disk: a region's can be large
                    if row["published"] is None:
                        continue
                    pdf = version_file(db, row["published"], FILES["pdf"][0])
                    if pdf is not None:
                        unit = row["unit"]
                        archive.writestr(f"{safe_name(unit.code)}-{safe_name(unit.name)}-{unit.year}年单位预算公开.pdf",
                                         pdf)
        except BaseException:
            os.unlink(temporary)
            raise
        name = f"{safe_name(region or '全部地区')}-已发布的单位预算公开文件.zip"
        return FileResponse(temporary, media_type="application/zip",
                            headers={"Content-Disposition": _attachment(name, "published.zip")},
                            background=BackgroundTask(os.unlink, temporary))

    STATUS_COLUMNS = ("单位代码", "单位名称", "地区", "公开标准", "年度", "状态", "最新版本", "上传时间", "上传人",
                      "错误数", "警告数", "页数", "发布版本", "发布时间", "发布 PDF 的 SHA-256")

    def _status_table(self, request: Request) -> tuple[str | None, list[list]]:
        with self.sessions() as db:
            user, region = self._reviewer(request, db)
            table = []
            for row in self._rows(db, user, region):
                unit, latest, published = row["unit"], row["latest"], row["published"]
                table.append([
                    unit.code, unit.name, unit.region, profiles.BUILT_IN.get(unit.profile, unit.profile), unit.year,
                    STATUSES[row["status"]], latest.number if latest else "", _local(latest.uploaded_at) if latest else "",
                    (latest.uploader.display_name or latest.uploader.username) if latest else "",
                    latest.errors if latest else "", latest.warnings if latest else "",
                    (latest.pages or "") if latest else "", published.number if published else "",
                    _local(published.reviewed_at) if published else "", published.pdf_sha256 if published else ""])
        return region, table

    def status_csv(self, request: Request) -> Response:
        region, table = self._status_table(request)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.STATUS_COLUMNS)
        writer.writerows([[_text_cell(cell) for cell in row] for row in table])
        name = f"{safe_name(region or '全部地区')}-各单位状态.csv"
        return Response(buffer.getvalue().encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": _attachment(name, "status.csv")})

    def status_xlsx(self, request: Request) -> Response:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        region, table = self._status_table(request)
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "各单位状态"
        sheet.append(self.STATUS_COLUMNS)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text as typed, never a formula (a name may start with "=")
        for column, width in zip("ABCDEFGHIJKLMNO", (12, 30, 12, 24, 8, 10, 10, 20, 12, 8, 8, 8, 10, 20, 66)):
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        workbook.save(buffer)
        name = f"{safe_name(region or '全部地区')}-各单位状态.xlsx"
        return Response(buffer.getvalue(),
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": _attachment(name, "status.xlsx")})

    def audit_page(self, request: Request) -> Response:
        with self.sessions() as db:
            user, region = self._reviewer(request, db)
            query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(500)
            if user.role == REVIEWER:
                query = query.join(Unit, AuditEntry.unit_id == Unit.id).where(Unit.region == user.region)
            entries = list(db.scalars(query))
            return self.page(request, "audit.html", user=user, entries=entries)

    # ------------------------------------------------------------ errors

    def unavailable_page(self, request: Request) -> Response:
        """The database cannot be reached: a page that says so, made without it."""
        body = self.templates.get_template("error.html").render(
            user=None, csrf="", path=request.url.path, code=503, title="系统暂时无法使用",
            text=DATABASE_DOWN)
        return HTMLResponse(body, status_code=503, headers={"Cache-Control": "no-store", "Retry-After": "30"})

    def error_page(self, request: Request, status: int) -> Response:
        messages = {
            400: ("请求无效", "提交的内容无法识别。请返回上一页重新操作。"),
            403: ("无法完成这个操作", "页面已过期，或这个操作不属于您的账号。请返回上一页，刷新后重新操作。"),
            404: ("找不到这个页面", "您要找的页面或文件不存在，或者不属于您的账号。"),
            405: ("无法完成这个操作", "这个地址不接受这种请求。请返回上一页重新操作。"),
            409: ("这个版本现在不能这样处理", "它的状态已经变了（例如已被提交、发布或退回）。请返回查看最新状态。"),
            413: ("文件太大", self.too_large_message()),
        }
        title, text = messages.get(status, ("出错了", "服务器内部错误。这是程序的问题，不是您的操作问题；请联系财政局的系统管理员。"))
        with self.sessions() as db:
            user = self.user(request, db)
            return self.page(request, "error.html", status, user=user, title=title, text=text, code=status)


def _unreachable(exc: DBAPIError) -> bool:
    """A database error that means the server is down or cannot be reached (not a bug in a query)."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    return isinstance(exc, (OperationalError, InterfaceError))


def _text_cell(value: Any) -> Any:
    """A value for the status CSV: text that Excel would take for a formula is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _attachment(name: str, fallback: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


def _chunks(handle, size: int = 1 << 16):
    handle.seek(0)
    while True:
        block = handle.read(size)
        if not block:
            return
        yield block


def check_upload(path: Path) -> tuple[list[dict], str]:
    """The problems `check` finds in a stored upload (as dicts, with each code's title), and the version's state.
    An unusable or hostile file gives its one problem; nothing here raises."""
    from budget_author.catalogue import CATALOGUE
    from budget_author.check import check_workbook
    from budget_author.exits import coded, internal_message, problem_of
    from budget_author.issues import has_errors

    try:
        result = check_workbook(path)
    except coded() as exc:
        problem = problem_of(exc)
        return [_issue_dict(problem, CATALOGUE)], UNUSABLE
    except Exception as exc:  # noqa: BLE001 - a bug must not take the server down with it
        log.exception("check of %s failed", path.name)
        return [{"code": "INTERNAL", "severity": "error", "sheet": None, "cell": None, "title": "程序内部错误",
                 "message": internal_message(exc), "related": []}], UNUSABLE
    issues = [_issue_dict(i, CATALOGUE) for i in result.issues]
    return issues, ERRORS if has_errors(result.issues) else QUEUED


def _issue_dict(problem, catalogue) -> dict:
    data = problem.as_dict()
    data["title"] = catalogue[problem.code].title
    return data


def create_app(data_dir: Path, *, run_builds: bool = True, database: str | None = None,
               queue: str | None = None) -> Starlette:
    """The application. database: a URL (default $BUDGET_AUTHOR_DATABASE, else the data folder's SQLite);
    queue: a Redis URL (default $BUDGET_AUTHOR_QUEUE, else the embedded queue, built by a thread of this server)."""
    web = Web(Path(data_dir), run_builds=run_builds, database=database, queue=queue)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        if web.run_builds:
            if web.engine.embedded:  # this server is the only builder: what it left running was interrupted
                requeue_interrupted(web.sessions)
                web.engine.sweep()
                web.engine.start_embedded()
            else:  # the workers build; this server sweeps too (a lost worker's jobs, a lost message)
                web.engine.start_sweeper()
        try:
            yield
        finally:
            web.engine.stop()

    async def http_error(request: Request, exc: HTTPException) -> Response:
        return await run_in_threadpool(web.error_page, request, exc.status_code)

    async def need_sign_in(request: Request, exc: NeedSignIn) -> Response:
        if request.url.path.endswith(".json"):
            return JSONResponse({"signed_in": False}, status_code=401)
        return RedirectResponse("/login", 303)

    async def database_error(request: Request, exc: DBAPIError) -> Response:
        if exc.connection_invalidated or _unreachable(exc):
            log.error("the database cannot be reached: %s", exc.orig)
            return web.unavailable_page(request)
        return await server_error(request, exc)

    async def server_error(request: Request, exc: Exception) -> Response:
        # Starlette answers a 500 from outside the middleware stack: the security headers are added here.
        log.exception("error on %s", request.url.path, exc_info=exc)
        response = await run_in_threadpool(web.error_page, request, 500)
        for name, value in security.HEADERS:
            response.headers.setdefault(name.decode("latin-1"), value.decode("latin-1"))
        return response

    version = "/units/{unit_id:int}/versions/{number:int}"
    routes = [
        Route("/", web.home),
        Route("/login", web.login_page, methods=["GET"]),
        Route("/login", web.login, methods=["POST"]),
        Route("/logout", web.logout, methods=["POST"]),
        Route("/units/{unit_id:int}", web.unit_page),
        Route("/units/{unit_id:int}/template.xlsx", web.template_download),
        Route("/units/{unit_id:int}/upload", web.upload, methods=["POST"]),
        Route(version, web.version_page),
        Route(version + "/status.json", web.version_status),
        Route(version + "/files/{kind:str}", web.version_file),
        Route(version + "/pages/{page:int}.png", web.page_image),
        Route(version + "/submit", web.submit, methods=["POST"]),
        Route(version + "/approve", web.approve, methods=["POST"]),
        Route(version + "/return", web.send_back, methods=["POST"]),
        Route("/review", web.review),
        Route("/review/published.zip", web.published_zip),
        Route("/review/status.csv", web.status_csv),
        Route("/review/status.xlsx", web.status_xlsx),
        Route("/audit", web.audit_page),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(security.SecurityHeaders),
        Middleware(security.BodyLimit, limit=web.upload_limit + security.FORM_OVERHEAD),
        Middleware(SessionMiddleware, secret_key=web.store.secret_key(), session_cookie="budget_author_session",
                   max_age=security.SESSION_SECONDS, same_site="lax"),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={HTTPException: http_error, NeedSignIn: need_sign_in, DBAPIError: database_error,
                                        500: server_error})
    app.state.web = web
    return app
