"""`budget-author serve` with no options needs nothing but itself: no database server, no Redis, no worker.

A real server (`python -m budget_author serve`, with only --port so that the test does not depend on port 8000
being free, in an empty folder: the default ./budget-author-data) with BUDGET_AUTHOR_DATABASE and
BUDGET_AUTHOR_QUEUE unset. A clerk's browser (the load benchmark's, standard library only) signs in and uploads;
the build runs on the server's own consumer thread and the page's files come back. The server's only child is its
render process, and the data folder holds the SQLite database, the SQLite queue, the session key and tmp/.
Then the load benchmark's own smoke run (2 clients, 4 workbooks, PostgreSQL, Redis and one worker).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed (pip install -e '.[test]')")
pytest.importorskip("huey", reason="the web extra is not installed (pip install -e '.[test]')")

from conftest import EXAMPLES, ROOT  # noqa: E402
from services import _wait_port, free_port, need, postgres_bin  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from load import Browser  # noqa: E402


def _children(pid: int) -> list[str]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as handle:
            for child in handle.read().split():
                with open(f"/proc/{child}/cmdline", "rb") as cmdline:
                    found.append(cmdline.read().replace(b"\0", b" ").decode().strip())
    return found


def test_serve_with_no_options_builds_with_nothing_but_itself(tmp_path, monkeypatch):
    from web_site import PASSWORD, make_site

    env = {k: v for k, v in os.environ.items() if k not in ("BUDGET_AUTHOR_DATABASE", "BUDGET_AUTHOR_QUEUE")}
    data = tmp_path / "budget-author-data"  # the default --data, relative to where serve starts
    monkeypatch.delenv("BUDGET_AUTHOR_DATABASE", raising=False)
    ids = make_site(data)
    port = free_port()
    log = open(tmp_path / "serve.log", "wb")
    server = subprocess.Popen([sys.executable, "-m", "budget_author", "serve", "--port", str(port)], cwd=tmp_path,
                              env={**env, "PYTHONPATH": str(ROOT)}, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_port(port, 60)
        browser = Browser(f"http://127.0.0.1:{port}")
        browser.sign_in("clerk1", PASSWORD)
        _, url = browser.upload(ids["141101"], EXAMPLES / "fenyang-2025.xlsx")
        deadline = time.monotonic() + 180
        while True:
            status = json.loads(browser.request(url + "/status.json")[2])
            if status["finished"] or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert status["state"] == "done", status
        code, headers, pdf = browser.request(url + "/files/pdf")
        assert code == 200 and pdf.startswith(b"%PDF")
        children = _children(server.pid)
        assert len(children) == 1 and "budget_author.render.worker" in children[0], children
        names = {p.name for p in data.iterdir()}
        assert {"budget-author.sqlite3", "queue.sqlite3", "secret.key", "tmp", ".serve.lock"} <= names
        assert names <= {"budget-author.sqlite3", "budget-author.sqlite3-wal", "budget-author.sqlite3-shm",
                         "queue.sqlite3", "queue.sqlite3-wal", "queue.sqlite3-shm", "secret.key", "tmp",
                         ".serve.lock"}, names
        assert "生成：本服务器的后台线程" in (tmp_path / "serve.log").read_text(errors="replace")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_the_load_benchmark_smoke_run(tmp_path):
    need("PostgreSQL (Debian package postgresql)", postgres_bin() is not None)
    need("Redis (Debian package redis-server)", shutil.which("redis-server") is not None)
    completed = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "load.py"), "--quick", "--results-dir",
                                str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    results = json.loads((tmp_path / "latest-load-quick.json").read_text(encoding="utf-8"))
    [run] = results["runs"]
    assert (run["workers"], run["clients"], run["workbooks"]) == (1, 2, 4)
    assert run["versions"] == 4 and run["built"] == run["outputs_consistent"] == 4 and run["lost"] == 0
    assert {"serve", "worker 1", "worker 1 的排版进程", "PostgreSQL（全部进程）", "Redis"} <= run["peak_rss_mb"].keys()
    assert run["check_latency_s"]["p50"] is not None and run["builds_per_minute"] is not None
