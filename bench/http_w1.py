"""HTTP W1: the w1 workload over HTTP against gunicorn (2 workers) on SQLite, beside a bare floor.

Both servers run under gunicorn with the same worker count on fresh migrated SQLite files:

* ``engine``: juece's API (``web:create_app()``): tokens, schemas, rules, ledger, JSON errors.
* ``http_floor``: ``bench/http_floor.py``, a bare Flask app that runs the w1 floor's raw SQL for the same
  requests (token lookup, then the engine's statements; see ``bench/w1.py``).

One client sends each case's 27 writes in order over a keep-alive connection (transitions with the
``If-Match`` the last response's ETag gave), then reads every case's events ``--reads`` times. Output: one
JSON line per server and phase, then the ratios. Target: the engine at ≥ 0.7× the floor for both.

    .venv/bin/python bench/http_w1.py --cases 50
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from procedures.major_decision import samples  # noqa: E402
from web.bootstrap import make_runtime  # noqa: E402
from workflow import services  # noqa: E402
from workflow.adapters.db import upgrade  # noqa: E402

TARGET = 0.7
ROLES = (samples.UNDERTAKING, samples.LEGAL, samples.ORGAN)
ATTRIBUTES = {"hearing_required": True, "expert_required": True, "risk_assessment_required": True}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _prepare(path: Path) -> dict[str, str]:
    """A migrated database with one user and token per role."""
    url = f"sqlite:///{path}"
    upgrade(url)
    rt = make_runtime(url)
    tokens = {role: services.add_user(rt, f"bench-{role}", role) for role in ROLES}
    rt.db.dispose()
    return tokens


def _serve(app: str, path: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "JUECE_DATABASE_URL": f"sqlite:///{path}", "JUECE_LOG_LEVEL": "WARNING",
           "JUECE_WRITE_RATE": "off",  # one client sends every write: the per-token limit would refuse them
           "JUECE_ATTACHMENTS_DIR": str(path.parent / "attachments"),
           "JUECE_SIGNING_KEY": str(path.parent / "checkpoint-key.pem"), "JUECE_CHECKPOINT_INTERVAL": "0",
           "JUECE_SECRET_KEY": "bench", "PYTHONPATH": str(REPO_ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", app],
        env=env, cwd=REPO_ROOT, stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError(f"{app} did not start on port {port}")


class Client:
    def __init__(self, port: int, tokens: dict[str, str]) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.tokens = tokens

    def call(self, method: str, path: str, role: str, body: Any = None, if_match: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        if if_match:
            headers["If-Match"] = if_match
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        if response.status >= 300:
            raise RuntimeError(f"{method} {path} → {response.status}: {payload[:300]!r}")
        return json.loads(payload), response.getheader("ETag")


def _walk(client: Client, cases: int, start: Any) -> tuple[list[int], int, float]:
    steps = samples.walk_to_execution(start)
    ids, writes, began = [], 0, time.perf_counter()
    for _ in range(cases):
        body, etag = client.call("POST", "/api/v1/cases", samples.UNDERTAKING,
                                 {**samples.case_fields(), "attributes": ATTRIBUTES})
        case_id, writes = body["id"], writes + 1
        for step in steps:
            if step.action == "record":
                _, etag = client.call("POST", f"/api/v1/cases/{case_id}/records", step.role,
                                      {"type": step.name, "data": step.data})
            else:
                _, etag = client.call("POST", f"/api/v1/cases/{case_id}/transitions", step.role,
                                      {"trigger": step.name}, if_match=etag or '"0"')
            writes += 1
        ids.append(case_id)
    return ids, writes, time.perf_counter() - began


def _read(client: Client, ids: list[int], rounds: int) -> tuple[int, float]:
    began, reads = time.perf_counter(), 0
    for _ in range(rounds):
        for case_id in ids:
            client.call("GET", f"/api/v1/cases/{case_id}/events", samples.UNDERTAKING)
            reads += 1
    return reads, time.perf_counter() - began


def run(impl: str, app: str, workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    import datetime as dt

    path = workdir / f"{impl}.db"
    tokens = _prepare(path)
    port = _free_port()
    server = _serve(app, path, port, args.workers)
    try:
        client = Client(port, tokens)
        ids, writes, seconds = _walk(client, args.cases, dt.date(2026, 6, 1))
        reads, read_seconds = _read(client, ids, args.reads)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "impl": impl, "cases": args.cases, "writes": writes, "seconds": round(seconds, 4),
        "cases_per_s": round(args.cases / seconds, 2), "writes_per_s": round(writes / seconds, 1),
        "event_reads": reads, "event_reads_per_s": round(reads / read_seconds, 1), "workers": args.workers,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--reads", type=int, default=5, help="rounds of GET events over every case")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="juece-http-w1-") as directory:
        workdir = Path(directory)
        engine = run("engine", "web:create_app()", workdir, args)
        floor = run("http_floor", "bench.http_floor:create_app()", workdir, args)
    for line in (engine, floor):
        print(json.dumps(line))
    write_ratio = engine["writes_per_s"] / floor["writes_per_s"]
    read_ratio = engine["event_reads_per_s"] / floor["event_reads_per_s"]
    print(json.dumps({"impl": "ratio", "writes_per_s_ratio": round(write_ratio, 3),
                      "event_reads_per_s_ratio": round(read_ratio, 3), "target": TARGET,
                      "meets_target": write_ratio >= TARGET and read_ratio >= TARGET}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
