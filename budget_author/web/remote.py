"""`budget-author build DIR --queue redis://… --database …`: a folder's units built by the workers.

The same batch as batch.build_many, with the same refusals before anything is built (OUTPUT_COLLISION,
OUTPUT_IS_INPUT), the same Outcome for each unit and so the same progress bar, summary table, CSV and exit codes;
only the building happens on `budget-author worker` processes on any machines. Each workbook's bytes go into the
database (blobs) as a batch job; a worker runs batch.build_one on it in a private folder and stores the outputs
and the Outcome in the database; this process writes each unit's outputs beside the others, through the same
staging as a local build (all of a unit's files replaced together, or none). Nothing travels through a shared disk.

While it waits, this process sweeps too (jobs.sweep): a worker killed in the middle of a unit, or Redis
restarted without its messages, delays that unit but never loses it.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Callable

from sqlalchemy import select, update

from budget_author.batch import CRASHED, OUTPUT_FAILED, Outcome, _name, build_one, output_for, start_outcomes
from budget_author.web import jobs
from budget_author.web.db import JOB_DONE, JOB_FAILED, JOB_QUEUED, Job, open_database, utcnow
from budget_author.web.engine import Engine

POLL_SECONDS = 0.3
CANCELLED = "批量生成被中断，这个单位没有生成。"


def build_on_queue(workbooks: list[Path], *, queue: str, database: str, output_dir: Path | None = None,
                   draft: bool = False, html: bool = False, xlsx: bool = False,
                   on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Outcomes in the order given, as build_many's."""
    from budget_author.workbook.read import MAX_FILE_BYTES

    outcomes, record = start_outcomes(workbooks, output_dir, html, xlsx, on_done)
    sessions = open_database(None, database)
    engine = Engine(sessions, url=queue, worker=f"build {jobs.worker_name()}")
    batch = uuid.uuid4().hex
    waiting: dict[int, Path] = {}
    with sessions.begin() as session:
        for workbook in workbooks:
            if workbook in outcomes:
                continue
            output = output_for(workbook, output_dir)
            try:
                too_large = workbook.stat().st_size > MAX_FILE_BYTES
                data = None if too_large else workbook.read_bytes()
            except OSError:
                data = None
            if data is None:  # missing, unreadable or oversize: the local check says why, without building
                record(build_one(workbook, output, draft, html, xlsx))
                continue
            job = Job(state=JOB_QUEUED, stage="queued", batch=batch, workbook_sha256=jobs.put_blob(session, data),
                      workbook_name=workbook.name,
                      params_json=json.dumps({"pdf": output.name, "draft": draft, "html": html, "xlsx": xlsx},
                                             ensure_ascii=False))
            session.add(job)
            session.flush()
            waiting[job.id] = workbook
    engine.send(list(waiting))
    swept = time.monotonic()
    try:
        while waiting:
            time.sleep(POLL_SECONDS)
            if time.monotonic() - swept > jobs.SWEEP_SECONDS:
                swept = time.monotonic()
                try:
                    engine.sweep()
                except Exception:  # noqa: BLE001 - the database or the broker may be back next time
                    pass
            with sessions() as session:
                finished = session.scalars(select(Job.id).where(Job.id.in_(list(waiting)),
                                                                Job.state.in_((JOB_DONE, JOB_FAILED)))).all()
            for job_id in finished:
                workbook = waiting.pop(job_id)
                record(_fetch(sessions, job_id, workbook, output_dir, html, xlsx))
    except BaseException:
        with sessions.begin() as session:  # units not started yet are not built after the interruption
            session.execute(update(Job).where(Job.id.in_(list(waiting)), Job.state == JOB_QUEUED).values(
                state=JOB_FAILED, stage="failed", error=CANCELLED, finished_at=utcnow()))
        raise
    finally:
        sessions.kw["bind"].dispose()
    return [outcomes[w] for w in workbooks]


def _fetch(sessions, job_id: int, workbook: Path, output_dir: Path | None, html: bool, xlsx: bool) -> Outcome:
    """A finished unit: its outputs written where the local batch writes them, and its Outcome."""
    from budget_author.outputs import OutputError, os_error, output_lock, plan_outputs, staged

    with sessions() as session:
        job = session.get(Job, job_id)
        if job.state == JOB_FAILED:
            return Outcome(workbook, _name(workbook), CRASHED, message=job.error or "工作进程意外退出")
        result = json.loads(job.result_json or "{}")
        files = {name: jobs.get_blob(session, sha256) for name, sha256 in jobs.job_files(session, job_id).items()}
    pdf = None
    if files:
        outputs = plan_outputs(workbook, output_for(workbook, output_dir), html=html, xlsx=xlsx)
        targets = {**outputs.roles(), "manifest": outputs.manifest}
        try:
            outputs.pdf.parent.mkdir(parents=True, exist_ok=True)
            with output_lock(outputs.pdf, timeout=60), staged(outputs) as staging:
                for role, target in targets.items():
                    staging.temp(target).write_bytes(files[role])
                staging.commit()
        except OutputError as exc:
            return Outcome(workbook, result.get("unit") or _name(workbook), OUTPUT_FAILED, message=str(exc),
                           code=exc.code)
        except OSError as exc:
            error = os_error(exc, outputs.pdf)
            return Outcome(workbook, result.get("unit") or _name(workbook), OUTPUT_FAILED, message=str(error),
                           code=error.code)
        pdf = outputs.pdf
    return Outcome(workbook, result.get("unit") or _name(workbook), result.get("status", CRASHED),
                   int(result.get("problems", 0)), int(result.get("pages", 0)), float(result.get("seconds", 0.0)),
                   pdf, result.get("message", ""), result.get("code", ""), result.get("sha256", ""))
