"""The task engine: Huey, with Redis as the broker for workers on many machines, or the data folder's SQLite
queue and an in-process consumer thread for the embedded default (`budget-author serve` with no options).

Both run the same task, `build(job_id)`: Builder.take_and_run (jobs.py). The broker carries only job ids; the
database row is the truth about the job, so a message lost or delivered twice does no harm: a duplicate finds the
job no longer queued, a lost one is sent again by the sweep. Every process that runs builds or waits for them
(serve, each worker, `build DIR --queue`) also runs the sweep, every SWEEP_SECONDS.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import sessionmaker

from budget_author.web import jobs
from budget_author.web.db import Job, utcnow

log = logging.getLogger("budget_author.web")

QUEUE_ENV = "BUDGET_AUTHOR_QUEUE"  # redis://host:6379/0: workers on other machines (budget-author worker)
QUEUE_NAME = "budget-author"
QUEUE_FILE = "queue.sqlite3"  # the embedded broker, in the data folder


def queue_url(url: str | None = None) -> str | None:
    return url or os.environ.get(QUEUE_ENV) or None


class Engine:
    """The broker (a Huey instance), the build task registered on it, and the sweep."""

    def __init__(self, sessions: sessionmaker, *, url: str | None = None, data_dir: Path | None = None,
                 worker: str | None = None) -> None:
        from huey import RedisHuey, SqliteHuey

        self.sessions = sessions
        self.url = queue_url(url)
        if self.url:
            if not self.url.startswith(("redis://", "rediss://", "unix://")):
                raise ValueError(f"消息队列的地址应以 redis:// 开头：{self.url}")
            self.huey = RedisHuey(QUEUE_NAME, url=self.url, results=False, blocking=True, read_timeout=1)
        else:
            if data_dir is None:
                raise ValueError("没有消息队列的地址（--queue 或 BUDGET_AUTHOR_QUEUE），也没有数据文件夹")
            self.huey = SqliteHuey(QUEUE_NAME, filename=str(Path(data_dir).resolve() / QUEUE_FILE), results=False)
        self.builder = jobs.Builder(sessions, worker)
        self.task = self.huey.task(name="build")(self.builder.take_and_run)
        self._consumer = None
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    @property
    def embedded(self) -> bool:
        return not self.url

    # ------------------------------------------------------------ sending

    def send(self, job_ids) -> None:
        """A message for each job. The broker being down is not an error: the jobs stay queued in the database,
        and the sweep sends them when it is back."""
        for job_id in job_ids:
            try:
                self.task(job_id)
            except Exception as exc:  # noqa: BLE001 - Redis unreachable, …
                log.warning("job %s: could not reach the queue (%s); the sweep will send it again", job_id, exc)
                continue
            try:
                with self.sessions.begin() as session:
                    session.execute(update(Job).where(Job.id == job_id).values(sent_at=utcnow()))
            except Exception:  # noqa: BLE001 - only the resend clock
                log.exception("job %s: sent_at not recorded", job_id)

    def pending(self, queued: int) -> set[int] | None:
        """The job ids of the messages waiting in the broker; None when it holds at least `queued` messages (one
        for each queued job: nothing to list, the common case with a long queue) or cannot be asked."""
        try:
            if self.huey.pending_count() >= queued:
                return None
            return {int(task.args[0]) for task in self.huey.pending() if task.args}
        except Exception as exc:  # noqa: BLE001
            log.warning("the queue cannot be read (%s)", exc)
            return None

    def sweep(self) -> list[int]:
        resend = jobs.sweep(self.sessions, self.pending)
        self.send(resend)
        return resend

    # ------------------------------------------------------------ running

    def start_sweeper(self, every: float | None = None) -> None:
        every = jobs.SWEEP_SECONDS if every is None else every

        def run() -> None:
            while not self._stop.wait(every):
                try:
                    self.sweep()
                except Exception:  # noqa: BLE001 - the database or the broker may be back next time
                    log.exception("the sweep failed")

        self._sweeper = threading.Thread(target=run, name="budget-author-sweep", daemon=True)
        self._sweeper.start()

    def consumer(self, *, in_process: bool):
        """A Huey consumer with one build thread (each worker process keeps one warm render process; run more
        worker processes for more builds at once), on daemon threads: a worker told to stop at once (SIGTERM)
        hands its job back and exits without waiting for the build (Ctrl-C waits for it). in_process: inside
        `serve`: the server's signal handlers are left alone."""
        from huey.consumer import Consumer, ThreadEnvironment

        class DaemonThreads(ThreadEnvironment):
            def create_process(self, runnable, name):
                thread = threading.Thread(target=runnable, name=f"budget-author-{name}", daemon=True)
                return thread

        class BuildConsumer(Consumer):
            def get_environment(self, worker_type):
                return DaemonThreads()

            def _set_signal_handlers(self):
                if not in_process:
                    super()._set_signal_handlers()

        return BuildConsumer(self.huey, workers=1, worker_type="thread", periodic=False, initial_delay=0.1,
                             backoff=1.5, max_delay=1.0, check_worker_health=True)

    def start_embedded(self) -> None:
        """`serve` with no queue: the consumer runs as a thread of the server."""
        self._consumer = self.consumer(in_process=True)
        self._consumer.start()
        self.start_sweeper()

    def stop(self) -> None:
        self._stop.set()
        if self._consumer is not None:
            self._consumer.stop(graceful=False)
            self._consumer = None
