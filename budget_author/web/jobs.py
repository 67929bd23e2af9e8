"""Builds off the request path, on a task engine (Huey): jobs are rows in the database, messages in a broker.

The database row is the truth about a build (db.Job): queued → running → done | failed, the stage for the
progress bar, how often it was taken, and when it fails, the message the clerk reads. The broker only carries
"build job N" messages to the workers (engine.py): the data folder's SQLite queue in the embedded default, or
Redis for workers on other machines. Inputs and outputs travel through the database (blobs), never through a
shared disk: a worker reads the workbook's bytes from `blobs`, builds in a private temporary folder with its warm
render process (render/worker.py, fonts and stylesheets loaded once), and writes every output back in ONE
transaction, so a unit's outputs are all there or none are.

A worker takes a job by a conditional update (queued → running, with a fresh claim token and a lease) and keeps
the lease alive with a heartbeat while it builds. A worker that dies (SIGKILL, the machine lost) stops renewing;
when the lease has run out, the sweep queues the job again for another worker, or fails it with a message after
MAX_ATTEMPTS takes (a workbook that kills every worker that builds it). The sweep also sends again the queued
jobs that the broker does not hold (Redis restarted without its data, a message sent while Redis was down). An
outcome is recorded only under the claim that started it, so a job taken away from a stalled worker is never
written twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from budget_author.web.db import (BUILT, FAILED, JOB_DONE, JOB_FAILED, JOB_QUEUED, JOB_RUNNING, QUEUED, Blob, Job,
                                  JobFile, Version, utcnow)

log = logging.getLogger("budget_author.web")

MAX_ATTEMPTS = 3
LEASE_SECONDS = float(os.environ.get("BUDGET_AUTHOR_LEASE_SECONDS", "60"))  # renewed every third of it
SWEEP_SECONDS = float(os.environ.get("BUDGET_AUTHOR_SWEEP_SECONDS", "10"))
RESEND_AFTER = float(os.environ.get("BUDGET_AUTHOR_RESEND_SECONDS", "30"))  # a queued job the broker lost
STALLED_SECONDS = 900  # a job 'running' this long is no longer waited for (the render bound is 120 s a document)
STALLED = ("生成超过 15 分钟仍未完成，已不再等待。请联系财政局的系统管理员：重启服务器（budget-author serve）后"
           "会自动重新生成。")
PREVIEW_DPI = 80  # page images: an A4 page 662 px wide, readable on screen
STAGES = {"queued": ("排队等待生成", 5), "render": ("检查并排版生成 PDF", 30), "preview": ("生成页面预览", 75),
          "compare": ("与上一版比较", 90), "done": ("已完成", 100), "failed": ("生成失败", 100)}
INTERRUPTED_TOO_OFTEN = (f"生成被中断了 {MAX_ATTEMPTS} 次（服务器在生成时停止或重启），已停止重试。"
                         "请重新上传同一个填报表；如果仍然不行，请联系财政局的系统管理员。")
WORKERS_LOST = (f"生成这个填报表的工作进程 {MAX_ATTEMPTS} 次意外中止（例如排版超过内存上限被系统终止），"
                "已停止重试。请检查填报表中是否有特别长的文字或特别大的表格；如果仍然不行，请联系财政局的系统管理员。")
# Set to a workbook's file name (a version's uploaded name, a batch unit's file name) to make the worker that
# takes it die by SIGKILL: the fault tests' stand-in for a render that the kernel kills past its memory bound.
CRASH_HOOK = "BUDGET_AUTHOR_TEST_CRASH_ON"

# The outputs of a version's build, as named in job_files (and as the downloads know them).
PDF, HTML, MANIFEST, TABLES = "document.pdf", "document.html", "document.manifest.json", "document-公开表.xlsx"


def page_name(page: int) -> str:
    return f"pages/page-{int(page):03d}.png"


# ---------------------------------------------------------------- blobs


def put_blob(session: Session, data: bytes) -> str:
    """Store bytes under their SHA-256 (once: the same bytes stored again are the same row)."""
    sha256 = hashlib.sha256(data).hexdigest()
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(insert(Blob).values(sha256=sha256, size=len(data), data=data)
                    .on_conflict_do_nothing(index_elements=["sha256"]))
    return sha256


def get_blob(session: Session, sha256: str) -> bytes | None:
    data = session.scalar(select(Blob.data).where(Blob.sha256 == sha256))
    return bytes(data) if data is not None else None


def job_files(session: Session, job_id: int) -> dict[str, str]:
    """A finished job's outputs: name → SHA-256."""
    return dict(session.execute(select(JobFile.name, JobFile.sha256).where(JobFile.job_id == job_id)).all())


def built_job(session: Session, version: Version) -> Job | None:
    """The version's latest finished build (the one whose outputs the pages show)."""
    return session.scalar(select(Job).where(Job.version_id == version.id, Job.state == JOB_DONE)
                          .order_by(Job.id.desc()).limit(1))


def version_file(session: Session, version: Version, name: str) -> bytes | None:
    job = built_job(session, version)
    if job is None:
        return None
    sha256 = session.scalar(select(JobFile.sha256).where(JobFile.job_id == job.id, JobFile.name == name))
    return get_blob(session, sha256) if sha256 else None


# ---------------------------------------------------------------- queueing


def enqueue(session: Session, version: Version) -> Job:
    job = Job(version_id=version.id, state=JOB_QUEUED, stage="queued", workbook_sha256=version.sha256,
              workbook_name=f"{version.sha256}.xlsx")
    session.add(job)
    session.flush()
    return job


def queue_position(session: Session, job: Job) -> int:
    """How many jobs wait before this one."""
    return session.scalar(select(func.count()).select_from(Job).where(
        Job.state.in_((JOB_QUEUED, JOB_RUNNING)), Job.id < job.id)) or 0


def _fail(session: Session, job: Job, message: str) -> None:
    job.state, job.stage, job.error, job.finished_at = JOB_FAILED, "failed", message, utcnow()
    job.claim = job.lease_until = None
    if job.version_id is not None:
        version = session.get(Version, job.version_id)
        if version is not None and version.state == QUEUED:
            version.state = FAILED


def requeue_interrupted(sessions: sessionmaker) -> int:
    """The embedded server starting: it is the only builder of its data folder, so every job left 'running' was
    interrupted by its own stop. Queued again, or failed after MAX_ATTEMPTS. Returns how many were found."""
    with sessions.begin() as session:
        jobs = session.scalars(select(Job).where(Job.state == JOB_RUNNING)).all()
        for job in jobs:
            if job.attempts >= MAX_ATTEMPTS:
                _fail(session, job, INTERRUPTED_TOO_OFTEN)
            else:
                job.state, job.stage, job.started_at = JOB_QUEUED, "queued", None
                job.claim = job.lease_until = job.sent_at = None
                log.warning("job %s (version %s) was interrupted; queued again", job.id, job.version_id)
        return len(jobs)


def sweep(sessions: sessionmaker, pending) -> list[int]:
    """Jobs whose worker's lease ran out: queued again (or failed after MAX_ATTEMPTS takes). Queued jobs that
    the broker does not hold and that were sent more than RESEND_AFTER seconds ago: `pending(queued)` gives the
    job ids of the broker's messages (None when it cannot be asked, or when it holds at least `queued` messages
    and so has lost none worth listing); it is asked only when such jobs exist. Returns the job ids to send."""
    now = utcnow()
    resend: list[int] = []
    with sessions.begin() as session:
        expired = session.execute(select(Job.id, Job.claim, Job.attempts, Job.worker).where(
            Job.state == JOB_RUNNING, (Job.lease_until < now) | Job.lease_until.is_(None))).all()
        for job_id, claim, attempts, worker in expired:
            # Conditional on the claim: a worker that recorded its outcome meanwhile keeps it.
            still = (Job.id == job_id, Job.state == JOB_RUNNING,
                     Job.claim == claim if claim is not None else Job.claim.is_(None))
            if attempts >= MAX_ATTEMPTS:
                if session.execute(update(Job).where(*still).values(
                        state=JOB_FAILED, stage="failed", error=WORKERS_LOST, finished_at=now, claim=None,
                        lease_until=None)).rowcount:
                    log.error("job %s: its worker was lost %s times; failed", job_id, attempts)
                    session.execute(update(Version).where(
                        Version.id == select(Job.version_id).where(Job.id == job_id).scalar_subquery(),
                        Version.state == QUEUED).values(state=FAILED))
            elif session.execute(update(Job).where(*still).values(
                    state=JOB_QUEUED, stage="queued", started_at=None, claim=None, lease_until=None,
                    sent_at=now)).rowcount:
                log.warning("job %s: the lease of worker %s ran out; queued again", job_id, worker)
                resend.append(job_id)
        stale = now - timedelta(seconds=RESEND_AFTER)
        lost = session.scalars(select(Job.id).where(
            Job.state == JOB_QUEUED, (Job.sent_at < stale) | Job.sent_at.is_(None))).all()
        queued = session.scalar(select(func.count()).select_from(Job).where(Job.state == JOB_QUEUED)) or 0
        held = pending(queued) if lost else None
        if held is not None:
            for job_id in lost:
                if job_id not in held:
                    log.warning("job %s: queued but not in the broker; sent again", job_id)
                    session.execute(update(Job).where(Job.id == job_id).values(sent_at=now))
                    resend.append(job_id)
    return resend


def release(sessions: sessionmaker, worker: str) -> list[int]:
    """A worker stopping (SIGTERM): its running jobs go back to the queue at once, their take not counted."""
    with sessions.begin() as session:
        jobs = session.scalars(select(Job).where(Job.state == JOB_RUNNING, Job.worker == worker)).all()
        for job in jobs:
            job.state, job.stage, job.started_at = JOB_QUEUED, "queued", None
            job.claim = job.lease_until = None
            job.attempts = max(0, job.attempts - 1)
            job.sent_at = utcnow()
        return [job.id for job in jobs]


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


# ---------------------------------------------------------------- building


class Builder:
    """Takes a job, builds it under a lease, and records the outcome. One per worker thread."""

    def __init__(self, sessions: sessionmaker, worker: str | None = None) -> None:
        self.sessions = sessions
        self.worker = worker or worker_name()
        self.claims: dict[int, str] = {}
        remove_orphan_folders()

    def claim(self, job_id: int | None = None) -> int | None:
        """Take job `job_id` (or the oldest queued one) if it is still queued; None when another worker has it."""
        with self.sessions.begin() as session:
            if job_id is None:
                job_id = session.scalar(select(Job.id).where(Job.state == JOB_QUEUED).order_by(Job.id).limit(1))
                if job_id is None:
                    return None
            token = uuid.uuid4().hex
            now = utcnow()
            taken = session.execute(update(Job).where(Job.id == job_id, Job.state == JOB_QUEUED).values(
                state=JOB_RUNNING, stage="render", attempts=Job.attempts + 1, started_at=now, error=None,
                claim=token, worker=self.worker, lease_until=now + timedelta(seconds=LEASE_SECONDS)))
            if taken.rowcount != 1:
                return None
        self.claims[job_id] = token
        return job_id

    def _renew(self, job_id: int, token: str) -> bool:
        with self.sessions.begin() as session:
            renewed = session.execute(update(Job).where(Job.id == job_id, Job.claim == token).values(
                lease_until=utcnow() + timedelta(seconds=LEASE_SECONDS)))
            return renewed.rowcount == 1

    def _stage(self, job_id: int, stage: str) -> None:
        with self.sessions.begin() as session:
            session.execute(update(Job).where(Job.id == job_id, Job.claim == self.claims.get(job_id))
                            .values(stage=stage))

    def take_and_run(self, job_id: int) -> None:
        """The engine's task: build job `job_id` unless someone else has (a duplicate message is harmless)."""
        if self.claim(job_id) is not None:
            self.run_job(job_id)

    def run_job(self, job_id: int) -> None:
        """Build one claimed job; every failure ends as a failed job with its message."""
        from budget_author.exits import coded, internal_message

        token = self.claims[job_id]
        with self.sessions() as session:
            job = session.get(Job, job_id)
            if os.environ.get(CRASH_HOOK) and os.environ[CRASH_HOOK] in (job.workbook_name, _original_name(job)):
                os.kill(os.getpid(), signal.SIGKILL)  # the fault tests: a job that kills its worker
            batch = job.batch is not None
        stop = threading.Event()
        heartbeat = threading.Thread(target=self._heartbeat, args=(job_id, token, stop), daemon=True,
                                     name=f"heartbeat-{job_id}")
        heartbeat.start()
        folder = Path(tempfile.mkdtemp(prefix=f"{JOB_FOLDER}{os.getpid()}-"))
        try:
            try:
                outcome = self._build_batch(job_id, folder) if batch else self._build_version(job_id, folder)
            except coded() as exc:
                outcome = {"error": f"{exc}（{exc.code}）"}
            except Exception as exc:  # noqa: BLE001 - a bug: the clerk sees that it is one, the log has the stack
                log.exception("job %s failed", job_id)
                outcome = {"error": internal_message(exc)}
            self._record(job_id, token, outcome)
        finally:
            stop.set()
            shutil.rmtree(folder, ignore_errors=True)
            self.claims.pop(job_id, None)

    def _heartbeat(self, job_id: int, token: str, stop: threading.Event) -> None:
        while not stop.wait(LEASE_SECONDS / 3):
            try:
                if not self._renew(job_id, token):
                    log.warning("job %s was taken away from this worker; its outcome will not be recorded", job_id)
                    return
            except Exception:  # noqa: BLE001 - the database may be back before the lease runs out
                log.exception("job %s: the lease could not be renewed", job_id)

    def _record(self, job_id: int, token: str, outcome: dict) -> None:
        """The outcome and every output, in one transaction, and only under the claim that built them."""
        with self.sessions.begin() as session:
            job = session.get(Job, job_id, with_for_update=True)
            if job is None or job.claim != token or job.state != JOB_RUNNING:
                log.warning("job %s: no longer ours (another worker took it); outcome dropped", job_id)
                return
            if "error" in outcome:
                _fail(session, job, outcome["error"])
                return
            for name, data in outcome["files"].items():
                session.add(JobFile(job_id=job_id, name=name, sha256=put_blob(session, data)))
            job.state, job.stage, job.finished_at = JOB_DONE, "done", utcnow()
            job.claim = job.lease_until = None
            if "result" in outcome:
                job.result_json = json.dumps(outcome["result"], ensure_ascii=False)
            if job.version_id is not None:
                version = session.get(Version, job.version_id)
                version.pages, version.previews = outcome["pages"], outcome["previews"]
                version.pdf_sha256 = outcome["pdf_sha256"]
                version.redline_json = json.dumps(outcome["redline"], ensure_ascii=False)
                if version.state in (QUEUED, FAILED):
                    version.state = BUILT

    def _workbook(self, job_id: int, folder: Path) -> Path:
        with self.sessions() as session:
            job = session.get(Job, job_id)
            data = get_blob(session, job.workbook_sha256)
            name = Path(job.workbook_name).name or "workbook.xlsx"
        if data is None:
            raise RuntimeError(f"the workbook {job.workbook_sha256} is not in the database")
        path = folder / "in" / name
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        return path

    def _build_version(self, job_id: int, folder: Path) -> dict:
        from budget_author.build import build_document

        workbook = self._workbook(job_id, folder)
        out = folder / "out"
        out.mkdir()
        started = time.perf_counter()
        result = build_document(workbook, out / PDF, html=True, xlsx=True, lock_timeout=60)
        if not result.check.ok:
            return {"error": "填报表有错误，未生成 PDF。请查看上面的问题清单，改正后重新上传。"}
        log.info("job %s built: %s pages in %.1f s", job_id, result.pages, time.perf_counter() - started)
        self._stage(job_id, "preview")
        previews = make_previews(result.pdf, folder / "pages")
        self._stage(job_id, "compare")
        files = {name: (out / name).read_bytes() for name in (PDF, HTML, MANIFEST, TABLES) if (out / name).is_file()}
        for page in range(1, previews + 1):
            files[page_name(page)] = (folder / "pages" / f"page-{page:03d}.png").read_bytes()
        with self.sessions() as session:
            version = session.get(Version, session.get(Job, job_id).version_id)
            redline = self._redline(session, version, json.loads(files[MANIFEST]), folder)
        return {"files": files, "pages": result.pages, "previews": previews, "pdf_sha256": result.pdf_sha256,
                "redline": redline}

    def _build_batch(self, job_id: int, folder: Path) -> dict:
        """One unit of `build DIR --queue`: the same build_one as the local batch, its Outcome and outputs."""
        from budget_author.batch import build_one
        from budget_author.outputs import plan_outputs

        with self.sessions() as session:
            params = json.loads(session.get(Job, job_id).params_json or "{}")
        workbook = self._workbook(job_id, folder)
        out = folder / "out"
        out.mkdir()
        pdf = out / params["pdf"]
        outcome = build_one(workbook, pdf, params.get("draft", False), params.get("html", False),
                            params.get("xlsx", False))
        outputs = plan_outputs(workbook, pdf, html=params.get("html", False), xlsx=params.get("xlsx", False))
        files = {}
        if outcome.ok:
            for role, path in {**outputs.roles(), "manifest": outputs.manifest}.items():
                files[role] = path.read_bytes()
        result = {"unit": outcome.unit, "status": outcome.status, "problems": outcome.problems,
                  "pages": outcome.pages, "seconds": round(outcome.seconds, 3), "message": outcome.message,
                  "code": outcome.code, "sha256": outcome.sha256}
        return {"files": files, "result": result}

    def _redline(self, session: Session, version: Version, manifest: dict, folder: Path) -> dict | None:
        """What changed since the unit's previous built version: the figures (the same comparison as `build`) and
        the typed cells with the figures each one moved (the same report as `budget-author diff`)."""
        from budget_author.manifest import compare, redline_lines

        previous = session.scalar(select(Version).where(
            Version.unit_id == version.unit_id, Version.number < version.number, Version.pages.is_not(None))
            .order_by(Version.number.desc()).limit(1))
        if previous is None:
            return None
        old_bytes = version_file(session, previous, MANIFEST)
        if old_bytes is None:
            return None
        old = json.loads(old_bytes)
        return {"against": previous.number, "lines": redline_lines(compare(old["figures"], manifest["figures"])),
                "cells": self._cell_changes(session, previous, version, old["figures"], manifest["figures"], folder)}

    def _cell_changes(self, session: Session, previous: Version, version: Version, old_figures: dict,
                      new_figures: dict, folder: Path) -> list[str]:
        from budget_author.diff import diff_lines, diff_workbooks
        from budget_author.workbook.read import read_workbook

        if previous.sha256 == version.sha256:
            return []
        try:
            old_path = folder / "previous.xlsx"
            old_path.write_bytes(get_blob(session, previous.sha256))
            old_raw = read_workbook(old_path)
            new_raw = read_workbook(folder / "in" / f"{version.sha256}.xlsx")
            return diff_lines(diff_workbooks(old_raw, new_raw, old_figures, new_figures))
        except Exception:  # noqa: BLE001 - the figures' redline stands on its own; the log has the reason
            log.exception("cell diff against the previous version failed")
            return []


JOB_FOLDER = "budget-author-job-"  # + the builder's pid: a folder whose process is gone was left by a kill


def remove_orphan_folders() -> None:
    """The private build folders of workers that were killed (SIGKILL leaves no chance to remove them)."""
    root = Path(tempfile.gettempdir())
    for folder in root.glob(f"{JOB_FOLDER}*-*"):
        try:
            pid = int(folder.name[len(JOB_FOLDER):].split("-", 1)[0])
            os.kill(pid, 0)
        except ValueError:
            continue
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:  # another user's live process
            continue


def _original_name(job: Job) -> str:
    return job.version.original_name if job.version is not None else ""


def make_previews(pdf: Path, folder: Path) -> int:
    """PNG images of the PDF's pages (poppler's pdftoppm); 0 when pdftoppm is not installed."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        return 0
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("page-*.png"):
        old.unlink()
    subprocess.run([tool, "-png", "-r", str(PREVIEW_DPI), str(pdf), str(folder / "page")], check=True,
                   capture_output=True, timeout=300)
    images = sorted(folder.glob("page-*.png"))
    for index, image in enumerate(images, start=1):  # pdftoppm pads to the page count's width: one spelling
        image.rename(folder / f"page-{index:03d}.png")
    return len(images)
