"""Builds off the request path: jobs are rows in the database, built one at a time by one long-lived thread.

The thread owns the warm render process (render/worker.py: started on the first build and kept for the
next ones; started from this thread because it dies with the thread that started it). A job goes
queued → running → done | failed, with its stage (检查并排版, 生成页面预览) for the progress bar and, when
it fails, the message the clerk reads. On start, jobs that a stopped or killed server left 'running'
are queued again (at most MAX_ATTEMPTS times in all; then failed with a message): no job is lost, and no
page waits for a job nobody is running.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import threading
import time
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from budget_author.web.db import (BUILT, FAILED, JOB_DONE, JOB_FAILED, JOB_QUEUED, JOB_RUNNING, QUEUED, Job, Version,
                                  utcnow)
from budget_author.web.store import Store

log = logging.getLogger("budget_author.web")

MAX_ATTEMPTS = 3
STALLED_SECONDS = 900  # a job 'running' this long is no longer waited for (the render bound is 120 s a document)
STALLED = ("生成超过 15 分钟仍未完成，已不再等待。请联系财政局的系统管理员：重启服务器（budget-author serve）后"
           "会自动重新生成。")
PREVIEW_DPI = 80  # page images: an A4 page 662 px wide, readable on screen
STAGES = {"queued": ("排队等待生成", 5), "render": ("检查并排版生成 PDF", 30), "preview": ("生成页面预览", 75),
          "compare": ("与上一版比较", 90), "done": ("已完成", 100), "failed": ("生成失败", 100)}
INTERRUPTED_TOO_OFTEN = (f"生成被中断了 {MAX_ATTEMPTS} 次（服务器在生成时停止或重启），已停止重试。"
                         "请重新上传同一个填报表；如果仍然不行，请联系财政局的系统管理员。")


def enqueue(session: Session, version: Version) -> Job:
    job = Job(version_id=version.id, state=JOB_QUEUED, stage="queued")
    session.add(job)
    session.flush()
    return job


def requeue_interrupted(sessions: sessionmaker) -> int:
    """Jobs left 'running' by a server that stopped mid-build: queued again, or failed after MAX_ATTEMPTS."""
    with sessions.begin() as session:
        jobs = session.scalars(select(Job).where(Job.state == JOB_RUNNING)).all()
        for job in jobs:
            if job.attempts >= MAX_ATTEMPTS:
                _fail(session, job, INTERRUPTED_TOO_OFTEN)
            else:
                job.state, job.stage, job.started_at = JOB_QUEUED, "queued", None
                log.warning("job %s (version %s) was interrupted; queued again", job.id, job.version_id)
        return len(jobs)


def queue_position(session: Session, job: Job) -> int:
    """How many jobs wait before this one."""
    return session.scalar(select(func.count()).select_from(Job).where(
        Job.state.in_((JOB_QUEUED, JOB_RUNNING)), Job.id < job.id)) or 0


def _fail(session: Session, job: Job, message: str) -> None:
    job.state, job.stage, job.error, job.finished_at = JOB_FAILED, "failed", message, utcnow()
    version = session.get(Version, job.version_id)
    if version is not None and version.state == QUEUED:
        version.state = FAILED


class BuildQueue:
    """One thread that takes the oldest queued job, builds it, and records the outcome."""

    def __init__(self, store: Store, sessions: sessionmaker, *, poll_seconds: float = 2.0) -> None:
        self.store = store
        self.sessions = sessions
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        requeue_interrupted(self.sessions)
        self._thread = threading.Thread(target=self._run, name="budget-author-builds", daemon=True)
        self._thread.start()

    def notify(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop taking jobs. A build in progress is left to finish (or, if the process ends first, to be
        queued again on the next start)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                job_id = self._claim()
            except Exception:  # noqa: BLE001 - a database hiccup must not end the thread
                log.exception("could not take a job")
                job_id = None
            if job_id is None:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()
                continue
            try:
                self.run_job(job_id)
            except Exception:  # noqa: BLE001 - recording the outcome failed (database busy …): keep the thread
                log.exception("job %s: the outcome could not be recorded", job_id)
                time.sleep(self.poll_seconds)

    def _claim(self) -> int | None:
        with self.sessions.begin() as session:
            job_id = session.scalar(select(Job.id).where(Job.state == JOB_QUEUED).order_by(Job.id).limit(1))
            if job_id is None:
                return None
            claimed = session.execute(update(Job).where(Job.id == job_id, Job.state == JOB_QUEUED).values(
                state=JOB_RUNNING, stage="render", attempts=Job.attempts + 1, started_at=utcnow(), error=None))
            return job_id if claimed.rowcount == 1 else None

    def _stage(self, job_id: int, stage: str) -> None:
        with self.sessions.begin() as session:
            session.execute(update(Job).where(Job.id == job_id).values(stage=stage))

    def run_job(self, job_id: int) -> None:
        """Build one claimed job's version; every failure ends as a failed job with its message."""
        from budget_author.exits import coded, internal_message

        with self.sessions() as session:
            job = session.get(Job, job_id)
            version_id, sha256 = job.version_id, job.version.sha256
        try:
            outcome = self._build(job_id, version_id, sha256)
        except coded() as exc:
            outcome = {"error": f"{exc}（{exc.code}）"}
        except Exception as exc:  # noqa: BLE001 - a bug: the clerk sees that it is one, the log has the stack
            log.exception("build of version %s failed", version_id)
            outcome = {"error": internal_message(exc)}
        with self.sessions.begin() as session:
            job = session.get(Job, job_id)
            version = session.get(Version, version_id)
            if "error" in outcome:
                _fail(session, job, outcome["error"])
                return
            job.state, job.stage, job.finished_at = JOB_DONE, "done", utcnow()
            version.pages, version.previews = outcome["pages"], outcome["previews"]
            version.pdf_sha256 = outcome["pdf_sha256"]
            version.redline_json = json.dumps(outcome["redline"], ensure_ascii=False)
            if version.state == QUEUED:
                version.state = BUILT

    def _build(self, job_id: int, version_id: int, sha256: str) -> dict:
        from budget_author.build import build_document

        folder = self.store.build_dir(version_id)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        result = build_document(self.store.upload_path(sha256), self.store.pdf(version_id), html=True, xlsx=True,
                                lock_timeout=60)
        if not result.check.ok:
            return {"error": "填报表有错误，未生成 PDF。请查看上面的问题清单，改正后重新上传。"}
        log.info("version %s built: %s pages in %.1f s", version_id, result.pages, time.perf_counter() - started)
        self._stage(job_id, "preview")
        previews = make_previews(result.pdf, folder / "pages")
        self._stage(job_id, "compare")
        with self.sessions() as session:
            redline = self._redline(session, session.get(Version, version_id))
        return {"pages": result.pages, "previews": previews, "pdf_sha256": result.pdf_sha256, "redline": redline}

    def _redline(self, session: Session, version: Version) -> dict | None:
        """What changed since the unit's previous built version: the figures (the same comparison as `build`) and
        the typed cells with the figures each one moved (the same report as `budget-author diff`)."""
        from budget_author.manifest import compare, read_manifest, redline_lines

        previous = session.scalar(select(Version).where(
            Version.unit_id == version.unit_id, Version.number < version.number, Version.pages.is_not(None))
            .order_by(Version.number.desc()).limit(1))
        if previous is None:
            return None
        old, new = read_manifest(self.store.manifest(previous.id)), read_manifest(self.store.manifest(version.id))
        if old is None or new is None:
            return None
        return {"against": previous.number, "lines": redline_lines(compare(old["figures"], new["figures"])),
                "cells": self._cell_changes(previous.sha256, version.sha256, old["figures"], new["figures"])}

    def _cell_changes(self, old_sha256: str, new_sha256: str, old_figures: dict, new_figures: dict) -> list[str]:
        from budget_author.diff import diff_lines, diff_workbooks
        from budget_author.workbook.read import read_workbook

        if old_sha256 == new_sha256:
            return []
        try:
            old_raw = read_workbook(self.store.upload_path(old_sha256))
            new_raw = read_workbook(self.store.upload_path(new_sha256))
            return diff_lines(diff_workbooks(old_raw, new_raw, old_figures, new_figures))
        except Exception:  # noqa: BLE001 - the figures' redline stands on its own; the log has the reason
            log.exception("cell diff against the previous version failed")
            return []


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
