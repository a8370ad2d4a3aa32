"""Load: latency (p50/p99) and throughput of the API under 8/32/64 concurrent clients, on SQLite and on
PostgreSQL, with 2 and 4 gunicorn workers.

For each database the benchmark makes a fresh one (a SQLite file; a database on a throwaway PostgreSQL
cluster it starts itself, with fsync on), seeds it with ``--seed-events`` events of complete cases
(``bench/gen_dataset.py``) so that reads hit a database with some history, issues a token per role, and for
each worker count starts ``gunicorn --workers N 'web:create_app()'`` as ``make run`` does (sync workers; the
per-token write limit is turned off with ``JUECE_WRITE_RATE=off``). Each client is a thread with its own
keep-alive connection that runs this mix until the time is up:

* 60 % reads: the case page (``GET /cases/{id}``: the case with its checklist of every next step, which
  evaluates the rules), the audit trail (``GET /cases/{id}/events``) and the case list (``GET /cases``),
  half of them of the seeded cases, half of the client's own;
* 40 % writes: the client walks its own major-decision case, as an office would: the records the law
  requires and the transitions (``If-Match``), a new case when one reaches execution (27 writes a case).

The first ``--warmup`` seconds are not counted. Output: one JSON line per run (database, workers, clients,
requests/s, p50/p99 in ms for all requests and per kind, errors), then a Markdown table on stderr.

    .venv/bin/python bench/load.py                                   # the whole matrix (~6 min)
    .venv/bin/python bench/load.py --db sqlite --workers 2 --clients 8 --duration 10
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._support import (  # noqa: E402
    Server,
    create_database,
    machine,
    postgres,
    postmaster_pid,
    stop_on_sigterm,
    tree_cpu_seconds,
)
from bench.gen_dataset import generate  # noqa: E402
from procedures.major_decision import samples  # noqa: E402
from web.bootstrap import make_runtime  # noqa: E402
from web.demo import ALL_REQUIRED  # noqa: E402
from workflow import services  # noqa: E402

START = dt.date(2026, 6, 1)
ROLES = ("undertaking_unit", "legal_office", "decision_organ", "auditor")
READ_SHARE = 0.6


@contextmanager
def database(kind: str, workdir: Path, pg_fsync: bool) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'load.db'}"
        return
    with postgres(fsync=pg_fsync) as admin:
        yield create_database(admin, "juece_load")


def prepare(url: str, seed_events: int) -> tuple[dict[str, str], int]:
    """Seeded cases and a token per role (the users gen_dataset made)."""
    made = generate(url, seed_events)
    rt = make_runtime(url)
    tokens = {role: services.issue_token(rt, f"gen-{role}") for role in ROLES}
    rt.db.dispose()
    return tokens, int(made["cases"])


class Client(threading.Thread):
    def __init__(self, port: int, tokens: dict[str, str], seeded: int, seed: int, stop_at: float,
                 count_from: float) -> None:
        super().__init__(daemon=True)
        self.port, self.tokens, self.seeded = port, tokens, seeded
        self.random = random.Random(seed)
        self.stop_at, self.count_from = stop_at, count_from
        self.latencies: dict[str, list[float]] = {"read": [], "record": [], "transition": []}
        self.errors: list[str] = []
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.case_id: int | None = None
        self.etag = '"0"'
        self.steps: list[samples.Step] = []
        self.own: list[int] = []

    def call(self, kind: str, method: str, path: str, role: str, body: Any = None,
             if_match: str | None = None) -> tuple[int, Any, str | None]:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        if if_match:
            headers["If-Match"] = if_match
        began = time.perf_counter()
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.connection.close()
            self.errors.append(f"{method} {path}: {exc!r}")
            return 0, None, None
        ended = time.perf_counter()
        if began >= self.count_from and ended <= self.stop_at:
            self.latencies[kind].append(ended - began)
        if response.status >= 300:
            self.errors.append(f"{method} {path} → {response.status}: {raw[:200]!r}")
        return response.status, json.loads(raw) if raw else None, response.getheader("ETag")

    def read(self) -> None:
        target = self.random.choice(self.own) if self.own and self.random.random() < 0.5 \
            else self.random.randint(1, self.seeded)
        pick = self.random.random()
        if pick < 0.6:
            self.call("read", "GET", f"/api/v1/cases/{target}", "auditor")
        elif pick < 0.85:
            self.call("read", "GET", f"/api/v1/cases/{target}/events", "auditor")
        else:
            self.call("read", "GET", f"/api/v1/cases?page={self.random.randint(1, 5)}", "auditor")

    def write(self) -> None:
        if self.case_id is None or not self.steps:
            status, body, etag = self.call("record", "POST", "/api/v1/cases", "undertaking_unit",
                                           {**samples.case_fields(), "attributes": ALL_REQUIRED})
            if status == 201:
                self.case_id, self.etag = body["id"], etag or '"1"'
                self.steps = samples.walk_to_execution(START)
                self.own.append(self.case_id)
            return
        step = self.steps.pop(0)
        if step.action == "record":
            _status, _body, etag = self.call("record", "POST", f"/api/v1/cases/{self.case_id}/records", step.role,
                                             {"type": step.name, "data": step.data})
        else:
            _status, _body, etag = self.call("transition", "POST", f"/api/v1/cases/{self.case_id}/transitions",
                                             step.role, {"trigger": step.name}, if_match=self.etag)
        self.etag = etag or self.etag

    def run(self) -> None:
        while time.perf_counter() < self.stop_at:
            if self.random.random() < READ_SHARE:
                self.read()
            else:
                self.write()


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)


def run_load(port: int, tokens: dict[str, str], seeded: int, clients: int, duration: float,
             warmup: float, server_pid: int | None = None, database_pid: int | None = None) -> dict[str, Any]:
    began = time.perf_counter()
    count_from, stop_at = began + warmup, began + warmup + duration
    threads = [Client(port, tokens, seeded, n, stop_at, count_from) for n in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, count_from - time.perf_counter()))
    cpu = (tree_cpu_seconds(server_pid), tree_cpu_seconds(database_pid), time.process_time())
    time.sleep(max(0.0, stop_at - time.perf_counter()))
    cpu = tuple(b - a for a, b in zip(cpu, (tree_cpu_seconds(server_pid), tree_cpu_seconds(database_pid),
                                           time.process_time()), strict=True))
    for thread in threads:
        thread.join()
    every = {kind: [x for t in threads for x in t.latencies[kind]] for kind in ("read", "record", "transition")}
    total = [x for values in every.values() for x in values]
    errors = [e for t in threads for e in t.errors]
    return {
        "clients": clients, "requests": len(total), "requests_per_s": round(len(total) / duration, 1),
        "writes_per_s": round((len(every["record"]) + len(every["transition"])) / duration, 1),
        "p50_ms": _quantile(total, 0.50), "p99_ms": _quantile(total, 0.99),
        **{f"{kind}_p50_ms": _quantile(values, 0.50) for kind, values in every.items()},
        **{f"{kind}_p99_ms": _quantile(values, 0.99) for kind, values in every.items()},
        # CPU per request (ms) of the gunicorn processes, of PostgreSQL's and of the client threads: steadier
        # than latency when the machine is shared.
        "server_cpu_ms": round(cpu[0] / max(1, len(total)) * 1000, 2),
        "database_cpu_ms": round(cpu[1] / max(1, len(total)) * 1000, 2) if database_pid else None,
        "client_cpu_ms": round(cpu[2] / max(1, len(total)) * 1000, 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "errors": len(errors), "first_errors": errors[:3],
    }


def _table(lines: list[dict[str, Any]]) -> str:
    rows = ["| database | workers | clients | req/s | writes/s | p50 ms | p99 ms | read p50/p99 | record p50/p99 "
            "| transition p50/p99 | CPU ms/req server / db | load | errors |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in lines:
        rows.append(f"| {r['database']} | {r['workers']} | {r['clients']} | {r['requests_per_s']} | {r['writes_per_s']} "
                    f"| {r['p50_ms']} | {r['p99_ms']} | {r['read_p50_ms']} / {r['read_p99_ms']} "
                    f"| {r['record_p50_ms']} / {r['record_p99_ms']} | {r['transition_p50_ms']} / {r['transition_p99_ms']} "
                    f"| {r['server_cpu_ms']} / {r['database_cpu_ms'] or '–'} | {r['load_average'][0]} | {r['errors']} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--workers", default="2,4", help="gunicorn worker counts, comma-separated")
    parser.add_argument("--clients", default="8,32,64", help="concurrent clients, comma-separated")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds measured per run")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds run before measuring")
    parser.add_argument("--seed-events", type=int, default=20_000, help="events in the database before the load")
    parser.add_argument("--pg-fsync", choices=("on", "off"), default="on")
    args = parser.parse_args(argv)
    stop_on_sigterm()
    print(json.dumps({"machine": machine()}), flush=True)
    lines = []
    for kind in args.db.split(","):
        with tempfile.TemporaryDirectory(prefix="juece-load-") as directory, \
                database(kind, Path(directory), args.pg_fsync == "on") as url:
            tokens, seeded = prepare(url, args.seed_events)
            for workers in (int(w) for w in args.workers.split(",")):
                server = Server(url, workers, Path(directory), log=Path(directory) / "server.log",
                                extra_env={"JUECE_WRITE_RATE": "off"})
                try:
                    for clients in (int(c) for c in args.clients.split(",")):
                        result = {"database": kind, "workers": workers,
                                  **run_load(server.port, tokens, seeded, clients, args.duration, args.warmup,
                                             server.process.pid, postmaster_pid(url))}
                        lines.append(result)
                        print(json.dumps(result, ensure_ascii=False), flush=True)
                finally:
                    server.stop()
    print(_table(lines), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
