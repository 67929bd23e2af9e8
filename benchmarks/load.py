"""Load test of the distributed web version, on loopback only (issue 17): one command.

    .venv/bin/python benchmarks/load.py                 # 20 clients upload 200 workbooks; 1 worker, then 2
    .venv/bin/python benchmarks/load.py --quick         # 2 clients, 4 workbooks, 1 worker (the test suite's smoke run)

For each worker count it starts, on 127.0.0.1 only: a PostgreSQL and a Redis (tests/services.py: temporary
folders, free ports), `budget-author serve --database … --queue …`, and N `budget-author worker` processes. It
registers one unit and one clerk per client; each client signs in and uploads its share of the workbooks one after
another (the four examples with varied figures, all different, so every upload is a new version), as a clerk's
browser would (the same form post). Then it waits until every version is built or has its message.

It measures
- the check latency the page sees: from sending the upload to the answer (received, checked with the same rules
  as `check`, stored in the database, its build queued): p50 and p95;
- the build throughput: versions built per minute, from the first upload to the last build finished;
- the memory (peak resident set) of every process: serve, each worker and its render process, PostgreSQL (all its
  processes together), Redis;
and it checks that nothing was lost: as many versions as uploads, each with its outputs (a PDF whose SHA-256 the
manifest records) or with its message. It exits 1 when anything is lost; timings are reported, never asserted.
Results: benchmarks/results/load-<time>.json and latest-load.json (latest-load-quick.json with --quick).
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import hashlib
import http.cookiejar
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from services import Postgres, Redis, free_port  # noqa: E402

EXAMPLES = ("datong-2024", "fenyang-2025", "hejing-2024", "zhongwei-2024")
PASSWORD = "load-test-password-1"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------- workbooks with varied figures


def varied(data: dict, delta: int) -> dict:
    """The example with `delta` 元 more income, spent as more 基本支出 on salaries: the first current-year general
    budget income row, the first such 基本支出 fact and the 30101 row (the same level) all grow by delta, so every
    total still agrees (the way benchmarks/scaled.py keeps its copies clean)."""
    data = copy.deepcopy(data)
    income = next(r for r in data["income"] if r["source"] == "一般公共预算" and r["period"] == "当年预算")
    level = income.get("level")
    fact = next(r for r in data["expenditure"] if r["source"] == "一般公共预算" and r["kind"] == "基本支出"
                and r["period"] == "当年预算" and r.get("level") == level)
    salary = next(r for r in data["basic_economic"] if r["code"] == "30101" and r.get("level") == level
                  and r.get("source", "一般公共预算") == "一般公共预算" and r.get("period", "当年预算") == "当年预算")
    for row in (income, fact, salary):
        row["amount"] = f"{Decimal(row['amount']) + delta:.2f}"
    return data


def make_workbooks(folder: Path, count: int) -> list[Path]:
    from budget_author.workbook.template import write_template

    folder.mkdir(parents=True, exist_ok=True)
    sources = {name: json.loads((ROOT / "examples" / "data" / f"{name}.json").read_text(encoding="utf-8"))
               for name in EXAMPLES}
    paths = []
    for index in range(count):
        name = EXAMPLES[index % len(EXAMPLES)]
        path = folder / f"{index + 1:03d}-{name}.xlsx"
        if not path.exists():
            data = varied(sources[name], 100 * (index // len(EXAMPLES) + 1))
            write_template(path, data, overwrite=True, profile=data.get("profile"))
        paths.append(path)
    return paths


# ---------------------------------------------------------------- a clerk's browser (standard library only)


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _NoRedirect())

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None):
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=300) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def csrf(self, path: str) -> str:
        _, _, body = self.request(path)
        return re.search(rb'name="csrf" value="([^"]+)"', body).group(1).decode()

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        token = self.csrf("/login")
        form = urllib.parse.urlencode({"username": username, "password": password, "csrf": token}).encode()
        status, _, _ = self.request("/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 303:
            raise RuntimeError(f"{username} could not sign in ({status})")

    def upload(self, unit_id: int, path: Path) -> tuple[float, str]:
        """(seconds until the page's answer, the version's address)."""
        token = self.csrf(f"/units/{unit_id}")
        boundary = uuid.uuid4().hex
        body = b"".join([
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{token}\r\n'.encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="workbook"; filename="{path.name}"\r\n'
            f"Content-Type: {XLSX}\r\n\r\n".encode(), path.read_bytes(), f"\r\n--{boundary}--\r\n".encode()])
        started = time.perf_counter()
        status, headers, _ = self.request(f"/units/{unit_id}/upload", body,
                                          {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        seconds = time.perf_counter() - started
        if status != 303:
            raise RuntimeError(f"upload of {path.name} answered {status}")
        return seconds, headers["location"]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# ---------------------------------------------------------------- processes and their memory


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    """Children of every thread of `pid` (a worker starts its render process from its build thread)."""
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(p) for p in handle.read().split()]
    except OSError:
        pass
    return found


def _postgres_pids(port: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = open(f"/proc/{entry}/cmdline", "rb").read()
            except OSError:
                continue
            if b"postgres" in cmdline:
                pids.append(int(entry))
    return pids


class MemorySampler(threading.Thread):
    """Peak RSS (MB) of each named process (and, for workers, their render processes), sampled twice a second."""

    def __init__(self, named: dict[str, int], postgres_port: int, redis_pid: int) -> None:
        super().__init__(daemon=True)
        self.named, self.postgres_port, self.redis_pid = named, postgres_port, redis_pid
        self.peaks: dict[str, float] = {}
        self.stop = threading.Event()

    def _note(self, key: str, kb: int) -> None:
        self.peaks[key] = max(self.peaks.get(key, 0.0), round(kb / 1024, 1))

    def run(self) -> None:
        while not self.stop.wait(0.5):
            for name, pid in self.named.items():
                self._note(name, _rss_kb(pid))
                if name.startswith("worker"):
                    for child in _children(pid):
                        self._note(f"{name} 的排版进程", _rss_kb(child))
            self._note("PostgreSQL（全部进程）", sum(_rss_kb(p) for p in _postgres_pids(self.postgres_port)))
            self._note("Redis", _rss_kb(self.redis_pid))


# ---------------------------------------------------------------- one run


def run(workbooks: list[Path], clients: int, workers: int, work: Path) -> dict:
    from sqlalchemy import func, select

    from budget_author.web import accounts
    from budget_author.web.db import JOB_DONE, JOB_FAILED, Job, JobFile, Version, open_database
    from budget_author.web.jobs import MANIFEST, PDF, get_blob

    postgres, redis = Postgres(), Redis()
    processes: list[subprocess.Popen] = []
    try:
        database = postgres.new_database()
        sessions = open_database(None, database)
        units = {}
        with sessions.begin() as session:
            for client in range(clients):
                code = f"LOAD{client + 1:03d}"
                units[client] = accounts.add_unit(session, code, f"负载测试单位{client + 1}", "负载测试", "shanxi",
                                                  2025).id
                accounts.add_user(session, f"clerk{client + 1}", "clerk", password=PASSWORD, unit_code=code)
        port = free_port()
        env = {**os.environ, "BUDGET_AUTHOR_DATABASE": database, "BUDGET_AUTHOR_QUEUE": redis.url}
        logs = open(work / f"processes-{workers}.log", "wb")
        serve = subprocess.Popen([sys.executable, "-m", "budget_author", "serve", "--port", str(port), "--data",
                                  str(work / f"serve-{workers}")], cwd=ROOT, env=env, stdout=logs, stderr=logs)
        processes.append(serve)
        named = {"serve": serve.pid}
        for index in range(workers):
            worker = subprocess.Popen([sys.executable, "-m", "budget_author", "worker"], cwd=ROOT, env=env,
                                      stdout=logs, stderr=logs)
            processes.append(worker)
            named[f"worker {index + 1}"] = worker.pid
        from services import _wait_port

        _wait_port(port, 60)
        sampler = MemorySampler(named, postgres.port, redis.process.pid)
        sampler.start()
        base = f"http://127.0.0.1:{port}"
        shares = [workbooks[i::clients] for i in range(clients)]
        latencies: list[float] = []
        failures: list[str] = []
        lock = threading.Lock()

        def client(index: int) -> None:
            browser = Browser(base)
            try:
                browser.sign_in(f"clerk{index + 1}")
                for path in shares[index]:
                    seconds, _ = browser.upload(units[index], path)
                    with lock:
                        latencies.append(seconds)
            except Exception as exc:  # noqa: BLE001 - reported as lost uploads
                with lock:
                    failures.append(f"client {index + 1}: {exc}")

        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        uploaded = time.monotonic() - started
        deadline = time.monotonic() + 60 + 30 * len(workbooks)  # bounded: far beyond any build's time
        while time.monotonic() < deadline:
            with sessions() as session:
                open_jobs = session.scalar(select(func.count()).select_from(Job).where(
                    Job.state.not_in((JOB_DONE, JOB_FAILED))))
            if not open_jobs:
                break
            time.sleep(1)
        sampler.stop.set()
        sampler.join()
        with sessions() as session:
            versions = session.scalars(select(Version)).all()
            jobs = session.scalars(select(Job)).all()
            done = [j for j in jobs if j.state == JOB_DONE]
            first = min(v.uploaded_at for v in versions) if versions else None
            last = max((j.finished_at for j in done), default=None)
            whole = 0
            for job in done:  # complete and consistent: the manifest names the PDF that is stored
                files = dict(session.execute(select(JobFile.name, JobFile.sha256).where(JobFile.job_id == job.id)).all())
                manifest = json.loads(get_blob(session, files[MANIFEST])) if MANIFEST in files else {}
                if PDF in files and manifest.get("outputs", {}).get("pdf", {}).get("sha256") == files[PDF]:
                    whole += 1
            answered = {j.version_id for j in jobs if j.state in (JOB_DONE, JOB_FAILED)}
            with_message = [v for v in versions if v.id not in answered and v.state in ("errors", "unusable")]
            lost = len(workbooks) - len(versions) + sum(
                1 for v in versions if v.id not in answered and v not in with_message)
        build_seconds = [(j.finished_at - j.started_at).total_seconds() for j in done if j.started_at]
        span = (last - first).total_seconds() if first and last else 0.0
        ordered = sorted(latencies)
        return {
            "workers": workers, "clients": clients, "workbooks": len(workbooks),
            "versions": len(versions), "built": len(done), "outputs_consistent": whole,
            "failed": sum(j.state == JOB_FAILED for j in jobs), "messages_without_build": len(with_message),
            "lost": lost + len(failures), "client_failures": failures,
            "check_latency_s": {"p50": round(statistics.median(ordered), 3) if ordered else None,
                                "p95": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 3) if ordered else None,
                                "max": round(ordered[-1], 3) if ordered else None},
            "uploads_s": round(uploaded, 1),
            "build_span_s": round(span, 1),
            "builds_per_minute": round(len(done) / span * 60, 1) if span else None,
            "build_s_mean": round(statistics.mean(build_seconds), 2) if build_seconds else None,
            "peak_rss_mb": sampler.peaks,
            "blob_bytes": _blob_bytes(sessions),
        }
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        redis.close()
        postgres.close()


def _blob_bytes(sessions) -> dict:
    from sqlalchemy import func, select

    from budget_author.web.db import Blob

    with sessions() as session:
        count, total = session.execute(select(func.count(), func.coalesce(func.sum(Blob.size), 0))).one()
    return {"count": count, "total_mb": round(total / 1024 / 1024, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 clients, 4 workbooks, 1 worker")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workbooks", type=int, default=200)
    parser.add_argument("--workers", default="1,2", help="worker counts to measure, e.g. 1,2")
    parser.add_argument("--results-dir", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    if args.quick:
        args.clients, args.workbooks, args.workers = 2, 4, "1"
    counts = [int(n) for n in args.workers.split(",")]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="budget-author-load-") as scratch:
        work = Path(scratch)
        workbooks = make_workbooks(work / "workbooks", args.workbooks)
        assert len({hashlib.sha256(p.read_bytes()).hexdigest() for p in workbooks}) == len(workbooks)
        runs = []
        for workers in counts:
            print(f"{args.clients} 个客户端上传 {args.workbooks} 个填报表，{workers} 个 worker ……", flush=True)
            result = run(workbooks, args.clients, workers, work)
            runs.append(result)
            print(json.dumps(result, ensure_ascii=False, indent=1), flush=True)
    results = {"schema": 1, "timestamp": dt.datetime.now().isoformat(timespec="seconds"), "quick": args.quick,
               "cpus": os.cpu_count(), "runs": runs, "elapsed_s": round(time.monotonic() - started, 1)}
    args.results_dir.mkdir(parents=True, exist_ok=True)
    suffix = "-quick" if args.quick else ""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = json.dumps(results, ensure_ascii=False, indent=1)
    (args.results_dir / f"load-{stamp}{suffix}.json").write_text(text, encoding="utf-8")
    (args.results_dir / f"latest-load{suffix}.json").write_text(text, encoding="utf-8")
    print(table(results))
    lost = sum(r["lost"] for r in runs)
    incomplete = sum(r["built"] - r["outputs_consistent"] for r in runs)
    if lost or incomplete:
        print(f"丢失 {lost} 个上传，{incomplete} 个生成结果不完整。", file=sys.stderr)
        return 1
    return 0


def table(results: dict) -> str:
    lines = ["| worker 数 | 上传 | 检查延迟 p50 / p95（秒） | 生成（份/分钟） | 每份用时（秒） | 版本 / 生成 / 丢失 |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in results["runs"]:
        lines.append(f"| {r['workers']} | {r['clients']} 个客户端 {r['workbooks']} 个 | "
                     f"{r['check_latency_s']['p50']} / {r['check_latency_s']['p95']} | {r['builds_per_minute']} | "
                     f"{r['build_s_mean']} | {r['versions']} / {r['built']} / {r['lost']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
