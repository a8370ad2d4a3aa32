"""Concurrency over real HTTP: gunicorn with 4 worker processes × 8 threads on the test database (SQLite
in the normal run, PostgreSQL with ``JUECE_TEST_DATABASE=postgres``), hit by 32 clients at once.

* the same transition with the same If-Match: exactly one 200, every other a 412, one event written;
* writers on different cases all proceed, and the global chain stays one unforked line;
* one Idempotency-Key sent by 16 clients at once: one case, one body for all;
* the server's access and error logs never hold a token.
docs/operations.md#concurrency says why this holds.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from procedures import build_registry
from procedures.major_decision import samples
from tests.conftest import ACTORS, START
from web.demo import apply_steps
from workflow import services
from workflow.adapters.db import Database
from workflow.adapters.orm import Event
from workflow.services import Runtime

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
WORKERS, THREADS, CLIENTS = 4, 8, 32


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    port: int
    tokens: dict[str, str]
    rt: Runtime
    log: Path

    def request(self, method: str, path: str, body: Any = None, role: str = "admin",
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], Any]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            sent = {"Authorization": f"Bearer {self.tokens[role]}", **(headers or {})}
            payload = None
            if body is not None:
                payload = json.dumps(body).encode()
                sent["Content-Type"] = "application/json"
            connection.request(method, path, body=payload, headers=sent)
            response = connection.getresponse()
            data = response.read()
            return response.status, dict(response.getheaders()), json.loads(data) if data else None
        finally:
            connection.close()


@pytest.fixture
def server(db_url: str, tmp_path: Path) -> Iterator[Server]:
    rt = Runtime(db=Database(db_url), registry=build_registry())  # the real clock, like the server's
    tokens = {role: services.add_user(rt, f"http-{role}", role) for role in ACTORS}
    port, log = _free_port(), tmp_path / "gunicorn.log"
    env = {**os.environ, "JUECE_DATABASE_URL": db_url, "JUECE_SECRET_KEY": "concurrency", "JUECE_WRITE_RATE": "off",
           "JUECE_ATTACHMENTS_DIR": str(tmp_path / "files"), "JUECE_SIGNING_KEY": str(tmp_path / "key.pem"),
           "JUECE_CHECKPOINT_INTERVAL": "0", "JUECE_LOG_LEVEL": "DEBUG", "PYTHONPATH": str(ROOT)}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--worker-class", "gthread",
             "--threads", str(THREADS), "--bind", f"127.0.0.1:{port}", "--access-logfile", "-",
             "--log-level", "debug", "--timeout", "120", "web:create_app()"],
            env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    try:
        started = Server(port, tokens, rt, log)
        deadline = time.monotonic() + 60
        while True:
            try:
                if started.request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.2)
        yield started
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        rt.db.dispose()


def _at_once(n: int, call: Any) -> list[Any]:
    """Run ``call(i)`` in ``n`` threads released together; return the results in order."""
    barrier, results = threading.Barrier(n), [None] * n

    def run(index: int) -> None:
        barrier.wait(60)
        try:
            results[index] = call(index)
        except Exception as exc:  # noqa: BLE001 - reported in the results
            results[index] = ("error", repr(exc))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    return results


def _global_seqs(rt: Runtime) -> list[int]:
    with rt.db.read() as session:
        return list(session.scalars(select(Event.global_seq).order_by(Event.global_seq)))


def _open_ready_to_draft(rt: Runtime) -> int:
    case_id = services.open_case(rt, ACTORS["undertaking_unit"], **samples.case_fields())["id"]
    apply_steps(rt, ACTORS, case_id, samples.opening_steps(START)[1:3])  # initiation decision, catalog entry
    return int(case_id)


def test_one_transition_32_clients_one_if_match(server):
    case_id = _open_ready_to_draft(server.rt)
    version = services.case_view(server.rt, case_id)["version"]
    before = _global_seqs(server.rt)

    results = _at_once(CLIENTS, lambda _i: server.request(
        "POST", f"/api/v1/cases/{case_id}/transitions", {"trigger": "start_drafting"}, "decision_organ",
        {"If-Match": f'"{version}"'}))

    statuses = Counter(r[0] for r in results)
    assert statuses == {200: 1, 412: CLIENTS - 1}, results
    assert all(r[2]["current_version"] == version + 1 for r in results if r[0] == 412)
    assert services.case_view(server.rt, case_id)["state"] == "drafting"
    transitions = [e for e in services.case_events(server.rt, case_id) if e["kind"] == "transition"]
    assert len(transitions) == 1
    assert _global_seqs(server.rt) == list(range(1, len(before) + 2))
    assert services.verify_all(server.rt)["ok"]


def test_writers_on_different_cases_all_proceed_on_one_chain(server):
    case_ids = [services.open_case(server.rt, ACTORS["undertaking_unit"], **samples.case_fields(f"案件{i}"))["id"]
                for i in range(CLIENTS)]
    proposal = samples.opening_steps(START)[0].data
    each = 4

    def write(index: int) -> list[int]:
        statuses, version = [], 1
        for _ in range(each):
            status, headers, _body = server.request("POST", f"/api/v1/cases/{case_ids[index]}/records",
                                                    {"type": "proposal", "data": proposal}, "undertaking_unit",
                                                    {"If-Match": f'"{version}"'})
            statuses.append(status)
            version = int(headers.get("ETag", '"0"').strip('"'))
        return statuses

    started = time.monotonic()
    results = _at_once(CLIENTS, write)
    elapsed = time.monotonic() - started
    assert results == [[201] * each] * CLIENTS, results
    seqs = _global_seqs(server.rt)
    assert seqs == list(range(1, len(seqs) + 1))  # one line: no gap, no repeat
    everything = services.verify_all(server.rt)
    assert everything["ok"], everything
    assert all(len(services.case_records(server.rt, c)) == each for c in case_ids)
    print(f"{CLIENTS * each} writes by {CLIENTS} clients on {CLIENTS} cases in {elapsed:.2f} s")


def test_one_idempotency_key_16_clients_one_case(server):
    before = services.list_cases(server.rt, limit=1)[1]
    body = {**samples.case_fields("幂等并发"), "attributes": {}}
    results = _at_once(16, lambda _i: server.request("POST", "/api/v1/cases", body, "undertaking_unit",
                                                     {"Idempotency-Key": "one-key-many-clients"}))
    assert {r[0] for r in results} == {201}, results
    assert len({json.dumps(r[2], sort_keys=True) for r in results}) == 1
    assert sum(1 for r in results if r[1].get("Idempotent-Replayed") == "true") == 15
    assert services.list_cases(server.rt, limit=1)[1] == before + 1
    assert services.verify_all(server.rt)["ok"]


def test_the_server_logs_hold_no_token(server):
    case_id = _open_ready_to_draft(server.rt)
    server.request("GET", f"/api/v1/cases/{case_id}", role="auditor")
    server.request("POST", f"/api/v1/cases/{case_id}/transitions", {"trigger": "adopt"}, "decision_organ",
                   {"If-Match": '"1"'})
    server.request("GET", "/api/v1/cases", headers={"Authorization": "Bearer " + server.tokens["admin"] + "x"})
    time.sleep(0.5)
    text = server.log.read_text(errors="replace")
    assert "GET /api/v1/cases" in text  # the access log is there
    for role, token in server.tokens.items():
        assert token not in text, role
