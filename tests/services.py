"""Real PostgreSQL and Redis servers for the tests, on free loopback ports in temporary folders.

Debian's `postgresql` and `redis-server` (tasks.sh installs them for `bash tasks.sh test`). PostgreSQL refuses
to run as root, so as root (CI) it runs as `nobody` in a folder that `nobody` owns. Tests that need a server
skip when its binaries are not installed, except under CI (CI=true), where a missing server is a failure.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def need(what: str, present: bool) -> None:
    if present:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not installed (tasks.sh installs it for the tests)")
    pytest.skip(f"{what} is not installed (apt-get install postgresql redis-server)")


class Postgres:
    """A throw-away PostgreSQL cluster: initdb, pg_ctl start/stop; a new database per caller."""

    def __init__(self) -> None:
        self.bin = postgres_bin()
        self.root = Path(tempfile.mkdtemp(prefix="budget-author-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.user = None
        if os.geteuid() == 0:  # PostgreSQL will not run as root
            import pwd

            self.user = "nobody"
            entry = pwd.getpwnam("nobody")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        os.chmod(self.root, 0o700)
        self._run([self.bin / "initdb", "-D", self.data, "-U", "budget", "--auth=trust", "-E", "UTF8",
                   "--locale=C.UTF-8"])
        self.start()

    def _run(self, command, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run([str(c) for c in command], check=True, capture_output=True, user=self.user,
                              cwd=self.root, timeout=120, **kwargs)

    def start(self) -> None:
        options = (f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=200")
        self._run([self.bin / "pg_ctl", "start", "-w", "-D", self.data, "-o", options, "-l", self.root / "log"])

    def stop(self) -> None:
        self._run([self.bin / "pg_ctl", "stop", "-w", "-m", "fast", "-D", self.data])

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://budget@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=budget dbname=postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def close(self) -> None:
        try:
            self.stop()
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(self.root, ignore_errors=True)


class Redis:
    """redis-server on a free loopback port, with its append-only file in a temporary folder (persistence:
    a restarted server has every message it had)."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        self.root = Path(tempfile.mkdtemp(prefix="budget-author-redis-"))
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.root),
             "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--protected-mode", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_port(self.port)

    def stop(self) -> None:
        """A clean stop (SIGTERM: Redis writes its append-only file and exits)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
