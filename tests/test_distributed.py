"""Distributed builds with real processes: PostgreSQL, Redis, the web app, and `budget-author worker` processes.

The faults are the real ones: a worker SIGKILLed in the middle of a build, a job that kills every worker that takes
it, Redis restarted (and Redis losing its messages) during a batch, the database stopped under the web pages, and
the same upload sent twice at once. Leases are short here (3 s, swept every second) so that each test ends within
seconds of the fault; every wait is bounded.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed (pip install -e '.[test]')")
pytest.importorskip("huey", reason="the web extra is not installed (pip install -e '.[test]')")

from sqlalchemy import select  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from budget_author.web import jobs  # noqa: E402
from budget_author.web.app import DATABASE_DOWN, create_app  # noqa: E402
from budget_author.web.db import JOB_DONE, JOB_FAILED, Job, JobFile, Version, open_database  # noqa: E402
from conftest import EXAMPLES, ROOT  # noqa: E402
from services import Redis, need  # noqa: E402
from test_web_app import client_for, upload, wait_built  # noqa: E402

FENYANG = EXAMPLES / "fenyang-2025.xlsx"
FAST = {"BUDGET_AUTHOR_LEASE_SECONDS": "3", "BUDGET_AUTHOR_SWEEP_SECONDS": "1", "BUDGET_AUTHOR_RESEND_SECONDS": "3"}


@pytest.fixture(scope="module")
def redis_server():
    need("Redis (Debian package redis-server)", shutil.which("redis-server") is not None)
    server = Redis()
    yield server
    server.close()


class Workers:
    """`budget-author worker` processes, as systemd would run them on other machines."""

    def __init__(self, queue: str, database: str) -> None:
        self.queue, self.database = queue, database
        self.processes: list[subprocess.Popen] = []

    def start(self, **env: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "budget_author", "worker", "--queue", self.queue, "--database", self.database],
            cwd=ROOT, env={**os.environ, **FAST, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.processes.append(process)
        return process

    @staticmethod
    def name(process: subprocess.Popen) -> str:
        return f"{socket.gethostname()}:{process.pid}"

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, postgres, redis_server):
    """The web app (in this process, sweeping) on PostgreSQL with Redis as the queue; workers started by each test."""
    folder = tmp_path_factory.mktemp("cluster")
    url = postgres.new_database()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BUDGET_AUTHOR_DATABASE", url)
        patch.setattr(jobs, "LEASE_SECONDS", 3.0)
        patch.setattr(jobs, "SWEEP_SECONDS", 1.0)
        patch.setattr(jobs, "RESEND_AFTER", 3.0)
        from web_site import make_site

        ids = make_site(folder)
        app = create_app(folder, queue=redis_server.url)
        workers = Workers(redis_server.url, url)
        with TestClient(app) as server:
            yield {"folder": folder, "ids": ids, "app": app, "server": server, "database": url,
                   "workers": workers, "redis": redis_server, "postgres": postgres}
        workers.stop_all()


@pytest.fixture()
def workers(cluster):
    yield cluster["workers"]
    cluster["workers"].stop_all()


def _session(cluster):
    return open_database(None, cluster["database"])()


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _job_of(cluster, url: str) -> Job:
    unit_id, number = int(url.split("/")[2]), int(url.split("/")[4])
    with _session(cluster) as session:
        version = session.scalar(select(Version).where(Version.unit_id == unit_id, Version.number == number))
        return session.scalar(select(Job).where(Job.version_id == version.id).order_by(Job.id.desc()).limit(1))


def test_serve_with_a_queue_builds_nothing_itself_the_workers_do(cluster, workers):
    clerk = client_for(cluster, "clerk3")
    url = upload(clerk, cluster["ids"]["140201"], EXAMPLES / "datong-2024.xlsx").headers["location"]
    time.sleep(1.5)
    assert _job_of(cluster, url).state == "queued"  # no worker yet: the web server does not build
    worker = workers.start()
    assert wait_built(clerk, url)["state"] == JOB_DONE
    assert _job_of(cluster, url).worker == Workers.name(worker)
    assert clerk.get(url + "/files/pdf").content.startswith(b"%PDF")


def test_a_worker_killed_mid_build_the_job_is_built_by_another_and_its_outputs_are_whole(cluster, workers):
    clerk = client_for(cluster, "clerk1")
    first = workers.start()
    url = upload(clerk, cluster["ids"]["141101"], FENYANG).headers["location"]
    running = _wait(lambda: (job := _job_of(cluster, url)).state == "running" and job.worker == Workers.name(first)
                    and job, 120, "the first worker to take the job")
    first.send_signal(signal.SIGKILL)  # mid-build: no goodbye, no release; its lease runs out
    first.wait()
    second = workers.start()
    assert wait_built(clerk, url)["state"] == JOB_DONE
    job = _job_of(cluster, url)
    assert (job.id, job.attempts, job.worker) == (running.id, 2, Workers.name(second))
    with _session(cluster) as session:
        names = set(session.scalars(select(JobFile.name).where(JobFile.job_id == job.id)))
        version = session.get(Version, job.version_id)
    pdf = clerk.get(url + "/files/pdf").content
    manifest = json.loads(clerk.get(url + "/files/manifest").content)
    assert manifest["outputs"]["pdf"]["sha256"] == hashlib.sha256(pdf).hexdigest() == version.pdf_sha256
    assert manifest["outputs"]["html"]["sha256"] == hashlib.sha256(clerk.get(url + "/files/html").content).hexdigest()
    assert manifest["outputs"]["xlsx"]["sha256"] == hashlib.sha256(clerk.get(url + "/files/xlsx").content).hexdigest()
    assert manifest["input"]["sha256"] == hashlib.sha256(FENYANG.read_bytes()).hexdigest()
    assert version.pages == manifest["pages"] == version.previews
    assert names == {jobs.PDF, jobs.HTML, jobs.MANIFEST, jobs.TABLES} | {jobs.page_name(p)
                                                                         for p in range(1, version.pages + 1)}
    import tempfile

    left = Path(tempfile.gettempdir()).glob(f"{jobs.JOB_FOLDER}{first.pid}-*")
    assert list(left) == []  # the killed worker's build folder, removed by the next worker to start


def test_a_job_that_kills_every_worker_is_tried_a_bounded_number_of_times_then_failed(cluster, workers):
    clerk, other = client_for(cluster, "clerk2"), client_for(cluster, "clerk3")
    poison = {"BUDGET_AUTHOR_TEST_CRASH_ON": "毒.xlsx"}
    workers.start(**poison)
    workers.start(**poison)
    url = upload(clerk, cluster["ids"]["141102"], FENYANG, name="毒.xlsx").headers["location"]
    good = upload(other, cluster["ids"]["140201"], EXAMPLES / "zhongwei-2024.xlsx").headers["location"]
    deadline = time.monotonic() + 180
    while _job_of(cluster, url).state not in (JOB_DONE, JOB_FAILED) and time.monotonic() < deadline:
        for process in list(workers.processes):  # what systemd's Restart=always does
            if process.poll() is not None:
                workers.processes.remove(process)
                workers.start(**poison)
        time.sleep(0.2)
    job = _job_of(cluster, url)
    assert (job.state, job.attempts, job.error) == (JOB_FAILED, jobs.MAX_ATTEMPTS, jobs.WORKERS_LOST)
    page = clerk.get(url).text
    assert "生成失败" in page and "工作进程 3 次意外中止" in page
    assert wait_built(other, good)["state"] == JOB_DONE  # the others' builds go on


def test_the_same_upload_sent_twice_at_once_is_one_version_built_once(cluster, workers):
    clerk = client_for(cluster, "clerk3")
    workbook = EXAMPLES / "hejing-2024.xlsx"
    barrier = threading.Barrier(2)
    answers = []

    def send():
        barrier.wait()
        answers.append(upload(clerk, cluster["ids"]["140201"], workbook).headers["location"])

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answers) == 2 and answers[0] == answers[1]
    workers.start()
    assert wait_built(clerk, answers[0])["state"] == JOB_DONE
    sha256 = hashlib.sha256(workbook.read_bytes()).hexdigest()
    with _session(cluster) as session:
        versions = session.scalars(select(Version).where(Version.sha256 == sha256)).all()
        assert len(versions) == 1
        built = session.scalars(select(Job).where(Job.version_id == versions[0].id)).all()
        assert [(job.state, job.attempts) for job in built] == [(JOB_DONE, 1)]
    again = upload(clerk, cluster["ids"]["140201"], workbook)  # later, the same file once more
    assert again.headers["location"] == answers[0]
    with _session(cluster) as session:
        assert len(session.scalars(select(Job).where(Job.version_id == versions[0].id)).all()) == 1


def test_the_database_down_the_pages_say_so_and_no_upload_is_taken(cluster):
    clerk = client_for(cluster, "clerk2")
    unit = cluster["ids"]["141102"]
    with _session(cluster) as session:
        before = len(session.scalars(select(Version).where(Version.unit_id == unit)).all())
    token_page = clerk.get(f"/units/{unit}").text
    cluster["postgres"].stop()
    try:
        for path in ("/login", f"/units/{unit}", "/review"):
            page = clerk.get(path)
            assert page.status_code == 503 and DATABASE_DOWN in page.text and "系统暂时无法使用" in page.text
            assert page.headers["retry-after"] == "30"
        from web_site import csrf_of

        with open(EXAMPLES / "datong-2024.xlsx", "rb") as handle:
            refused = clerk.post(f"/units/{unit}/upload", data={"csrf": csrf_of(token_page)},
                                 files={"workbook": ("datong.xlsx", handle, "application/octet-stream")},
                                 follow_redirects=False)
        assert refused.status_code == 503 and "这次上传没有保存" in refused.text
    finally:
        cluster["postgres"].start()
    assert not list((cluster["folder"] / "tmp").iterdir())
    page = _wait(lambda: (r := clerk.get(f"/units/{unit}")).status_code == 200 and r, 30, "the pages to come back")
    assert "上传" in page.text
    with _session(cluster) as session:
        assert len(session.scalars(select(Version).where(Version.unit_id == unit)).all()) == before


def _batch_folder(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "各单位"
    folder.mkdir()
    examples = sorted(EXAMPLES.glob("*.xlsx"))
    for index in range(count):
        source = examples[index % len(examples)]
        shutil.copy(source, folder / f"{index + 1:02d}-{source.name}")
    return folder


def _run_batch(folder: Path, out: Path, cluster, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "budget_author", "build", str(folder), "-o", str(out),
                             "--queue", cluster["redis"].url, "--database", cluster["database"], *extra],
                            cwd=ROOT, env={**os.environ, **FAST}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_a_batch_on_the_queue_survives_redis_restarting_and_losing_its_messages(cluster, workers, tmp_path):
    folder, out = _batch_folder(tmp_path, 5), tmp_path / "公开文件"
    (folder / "说明.txt").write_text("不是填报表", encoding="utf-8")
    batch = _run_batch(folder, out, cluster, "--xlsx")
    worker = workers.start()
    with _session(cluster) as session:
        _wait(lambda: session.scalar(select(Job).where(Job.batch.is_not(None), Job.state == JOB_DONE)
                                     .execution_options(populate_existing=True)), 120, "the first unit")
    cluster["redis"].restart()  # a real restart: the append-only file brings the queued messages back
    cluster["redis"].client().flushall()  # and then a loss: the sweep sends the still-queued jobs again
    output, _ = batch.communicate(timeout=300)
    text = output.decode()
    assert batch.returncode == 0, text
    assert "共 5 个单位：成功 5 个，失败 0 个，跳过 1 个文件。" in text
    summary = next(out.glob("生成结果-*.csv"))
    rows = list(csv.DictReader(summary.open(encoding="utf-8-sig")))
    assert sorted(row["状态"] for row in rows if row["填报表"].endswith(".xlsx")) == ["成功"] * 5
    for row in rows:
        if row["填报表"].endswith(".xlsx"):
            pdf = Path(row["PDF"])
            assert hashlib.sha256(pdf.read_bytes()).hexdigest() == row["PDF 的 SHA-256"]
            manifest = json.loads(pdf.with_suffix(".manifest.json").read_text(encoding="utf-8"))
            assert manifest["outputs"]["pdf"]["sha256"] == row["PDF 的 SHA-256"]
            assert manifest["input"]["name"] == Path(row["填报表"]).name
            assert pdf.with_name(pdf.stem + "-公开表.xlsx").is_file()
    assert worker.poll() is None  # the worker rode out the restart
