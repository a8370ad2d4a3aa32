"""Crash safety: gunicorn (2 workers) killed with SIGKILL in the middle of a write load, several times.

Client threads walk major-decision cases over HTTP with bearer tokens, as a legal office's systems would:
open a case, upload a document, add every record the procedure needs (the draft cites the document) and
fire the transitions with ``If-Match``, reading the case now and then. Every write carries an
``Idempotency-Key``. At a random moment the whole process group of the server (arbiter and workers) is
killed with SIGKILL, and while it is down the database is examined:

* every write the clients had an answer for (2xx) is there, exactly as answered;
* the one write each client had in flight is there entirely or not at all, and nothing else is there;
* ``services.verify_all`` is ok: every chain verifies and every projection (case rows, record rows, no
  record without its event, the head row, numbering, checkpoints signed meanwhile) matches the events;
* every attachment row has its file.

The server is started again, each client retries its unanswered write with the same key (it is replayed
if it had committed, done now if not) and carries on. At the end every write the clients made is in the
database exactly once. Runs on SQLite and, with ``JUECE_TEST_DATABASE=postgres``, on PostgreSQL (the
server gets the throwaway cluster's URL). The kill moments come from a seed printed on failure
(``JUECE_CRASH_SEED`` repeats a run).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from procedures.major_decision import samples
from tests.conftest import START
from web.demo import ALL_REQUIRED
from workflow import services
from workflow.adapters.db import REPO_ROOT
from workflow.adapters.orm import Attachment, Case, Event, Record
from workflow.services import Runtime

pytestmark = pytest.mark.slow

WORKERS = 2
CLIENTS = 6
KILLS = 3
ROLES = ("undertaking_unit", "legal_office", "decision_organ", "auditor")
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """``gunicorn 'web:create_app()'`` with 2 workers, as ``make run`` serves it, in its own process group."""

    def __init__(self, db_url: str, files: Path, port: int) -> None:
        self.port = port
        self.env = {
            **os.environ, "JUECE_DATABASE_URL": db_url, "JUECE_SECRET_KEY": "crash-test",
            "JUECE_ATTACHMENTS_DIR": str(files / "attachments"), "JUECE_SIGNING_KEY": str(files / "key.pem"),
            "JUECE_CHECKPOINT_INTERVAL": "1",  # checkpoints are signed while the load runs, and killed too
            "JUECE_WRITE_RATE": "off", "JUECE_LOG_LEVEL": "WARNING", "PYTHONPATH": str(REPO_ROOT),
        }
        self.log = files / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{self.port}",
                 "--timeout", "60", "web:create_app()"],
                env=self.env, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited: {self.log.read_text()[-2000:]}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"the server did not come up: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)  # the arbiter and every worker, at once
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Write:
    """One write request, kept until it is answered; ``answer`` is the 2xx body."""

    kind: str  # open, upload, record, fire
    path: str
    role: str
    body: Any
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    if_match: str | None = None
    case_id: int | None = None
    answer: Any = None
    replayed: bool = False


class Client(threading.Thread):
    """Walks cases one after another; parks when the server goes away and resumes when told."""

    def __init__(self, number: int, port: int, tokens: dict[str, str], running: threading.Event,
                 parked: threading.Semaphore) -> None:
        super().__init__(name=f"crash-client-{number}", daemon=True)
        self.number, self.port, self.tokens = number, port, tokens
        self.running, self.parked = running, parked
        self.stop = False
        self.done: list[Write] = []  # answered writes, in order
        self.pending: Write | None = None  # sent, not answered (the server died)
        self.errors: list[str] = []
        self.connection: http.client.HTTPConnection | None = None
        self.cases = 0

    # -- HTTP ---------------------------------------------------------------------------------------
    def _send(self, method: str, path: str, role: str, body: Any = None, headers: dict[str, str] | None = None,
              files: bytes | None = None) -> tuple[int, dict[str, str], Any]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {"Authorization": f"Bearer {self.tokens[role]}", **(headers or {})}
        data = None
        if files is not None:
            boundary = uuid.uuid4().hex
            data = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"doc.pdf\"\r\n"
                    f"Content-Type: application/pdf\r\n\r\n").encode() + files + f"\r\n--{boundary}--\r\n".encode()
            sent["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            sent["Content-Type"] = "application/json"
        try:
            self.connection.request(method, path, body=data, headers=sent)
            response = self.connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = None
            raise
        return response.status, dict(response.getheaders()), json.loads(raw) if raw else None

    def write(self, write: Write) -> Any:
        """Send until answered; a dead server parks the client, and the same request (same key) goes again."""
        self.pending = write
        while True:
            self._wait_for_server()
            headers = {"Idempotency-Key": write.key, **({"If-Match": write.if_match} if write.if_match else {})}
            try:
                status, got, body = self._send("POST", write.path, write.role, None if write.kind == "upload"
                                               else write.body, headers, write.body if write.kind == "upload" else None)
            except (OSError, http.client.HTTPException):
                continue
            if not 200 <= status < 300:
                raise AssertionError(f"{write.kind} {write.path} answered {status}: {body}")
            write.answer, write.replayed = body, got.get("Idempotent-Replayed") == "true"
            self.pending = None
            self.done.append(write)
            return body

    def read(self, path: str) -> None:
        while True:
            self._wait_for_server()
            try:
                status, _headers, body = self._send("GET", path, "auditor")
            except (OSError, http.client.HTTPException):
                continue
            assert status == 200, (path, status, body)
            return

    def _wait_for_server(self) -> None:
        if not self.running.is_set():
            self.parked.release()
            self.running.wait()

    # -- the walk -----------------------------------------------------------------------------------
    def run(self) -> None:
        try:
            while not self.stop:
                self.walk_one_case()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.errors.append(repr(exc))
            self.parked.release()

    def walk_one_case(self) -> None:
        self.cases += 1
        title = f"崩溃测试 客户端{self.number} 第{self.cases}件"
        opened = self.write(Write("open", "/api/v1/cases", "undertaking_unit",
                                 {**samples.case_fields(title), "attributes": ALL_REQUIRED}))
        case_id, etag = opened["id"], f'"{opened["version"]}"'
        content = PDF + f"% {title}\n".encode()
        uploaded = self.write(Write("upload", "/api/v1/attachments", "undertaking_unit", content))
        for n, step in enumerate(samples.walk_to_execution(START)):
            if self.stop:
                return
            if step.action == "record":
                body: dict[str, Any] = {"type": step.name, "data": step.data}
                if step.name == "draft":
                    body["attachments"] = [uploaded["sha256"]]
                answer = self.write(Write("record", f"/api/v1/cases/{case_id}/records", step.role, body,
                                          case_id=case_id))
                etag = f'"{answer["case_version"]}"'
            else:
                answer = self.write(Write("fire", f"/api/v1/cases/{case_id}/transitions", step.role,
                                          {"trigger": step.name}, if_match=etag, case_id=case_id))
                etag = f'"{answer["version"]}"'
            if n % 5 == 0:
                self.read(f"/api/v1/cases/{case_id}")


def _retry_answered_writes(client: Client) -> None:
    """Writes answered before a kill, sent again with their key after it: the stored answer, nothing new."""
    before_last_kill = [w for w in client.done[: len(client.done) // 2] if w.kind in ("open", "record", "fire")]
    for kind in ("open", "record", "fire"):
        write = next((w for w in before_last_kill if w.kind == kind), None)
        if write is None:
            continue
        headers = {"Idempotency-Key": write.key, **({"If-Match": write.if_match} if write.if_match else {})}
        status, got, body = client._send("POST", write.path, write.role, write.body, headers)
        assert 200 <= status < 300 and got.get("Idempotent-Replayed") == "true", (write, status, body)
        assert body == write.answer


# -- what the database holds --------------------------------------------------------------------------


def _state(rt: Runtime) -> dict[str, Any]:
    with rt.db.read() as session:
        events = session.execute(select(Event.case_id, Event.seq, Event.kind, Event.payload)
                                 .where(Event.case_id.is_not(None))).all()
        cases = {row.id: row.title for row in session.execute(select(Case.id, Case.title))}
        records = {row.id: row.case_id for row in session.execute(select(Record.id, Record.case_id))}
        attachments = list(session.scalars(select(Attachment.sha256)))
    by_case: dict[int, dict[int, tuple[str, Any]]] = {}
    for case_id, seq, kind, payload in events:
        by_case.setdefault(case_id, {})[seq] = (kind, json.loads(payload))
    return {"events": by_case, "cases": cases, "records": records, "attachments": attachments}


def _matches(write: Write, kind: str, payload: Any) -> bool:
    """Is this event the effect of this write?"""
    if write.kind == "record":
        return kind == "record_added" and payload["record"]["type"] == write.body["type"] \
            and payload["record"]["data"].items() >= write.body["data"].items()
    if write.kind == "fire":
        return kind == "transition" and payload["trigger"] == write.body["trigger"]
    return kind == "case_opened" and payload["title"] == write.body["title"]


def _check(rt: Runtime, clients: list[Client], files: Path, when: str) -> dict[str, int]:
    """While the server is down: answered writes present, the unanswered one whole or absent, all verifies."""
    report = services.verify_all(rt)
    broken = [c for c in report["cases"] if not c["ok"]]
    assert report["ok"], (when, report["global"], report["numbering"], report["checkpoints"], broken[:5])
    state = _state(rt)
    events, titles = state["events"], state["cases"]
    explained: dict[int, set[int]] = {}
    committed_unanswered = 0
    for client in clients:
        for write in client.done:
            if write.kind == "upload":
                assert write.answer["sha256"] in state["attachments"], (when, write.answer)
                continue
            if write.kind == "open":
                case_id, seq = write.answer["id"], 1
            else:
                case_id = write.case_id  # type: ignore[assignment]
                seq = write.answer["case_version"] if write.kind == "record" else write.answer["version"]
            assert seq in events.get(case_id, {}), (when, "an answered write is missing", write)
            kind, payload = events[case_id][seq]
            assert _matches(write, kind, payload), (when, "an answered write is not what was written", write, payload)
            if write.kind == "record":
                assert payload["record"]["id"] == write.answer["id"], (when, write.answer, payload)
                assert state["records"].get(write.answer["id"]) == case_id, (when, "record row", write.answer)
            explained.setdefault(case_id, set()).add(seq)
        pending = client.pending
        if pending is None or pending.kind == "upload":
            continue  # an upload in flight: its row, if any, was checked for its file below
        if pending.kind == "open":
            found = [cid for cid, title in titles.items() if title == pending.body["title"]]
            assert len(found) <= 1, (when, "a case opened twice", found)
            if found:
                assert sorted(events[found[0]]) == [1], (when, "a half-opened case", events[found[0]])
                explained.setdefault(found[0], set()).add(1)
                committed_unanswered += 1
            continue
        case_events = events.get(pending.case_id, {})  # type: ignore[arg-type]
        extra = sorted(set(case_events) - explained.get(pending.case_id, set()))  # type: ignore[arg-type]
        assert len(extra) <= 1, (when, "more than the write in flight", extra)
        if extra:
            assert _matches(pending, *case_events[extra[0]]), (when, "not the write in flight", pending)
            explained[pending.case_id].add(extra[0])  # type: ignore[index]
            committed_unanswered += 1
    unexplained = {cid: sorted(set(seqs) - explained.get(cid, set())) for cid, seqs in events.items()}
    assert not any(unexplained.values()), (when, "events no client wrote", unexplained)
    for digest in state["attachments"]:
        blob = files / "attachments" / digest[:2] / digest[2:4] / digest
        assert blob.exists() and hashlib.sha256(blob.read_bytes()).hexdigest() == digest, (when, digest)
    return {"events": sum(len(e) for e in events.values()), "cases": len(titles),
            "in_flight": sum(c.pending is not None for c in clients), "committed_unanswered": committed_unanswered}


def test_a_killed_server_loses_no_answered_write_and_leaves_no_half_write(rt: Runtime, db_url: str,
                                                                            tmp_path: Path) -> None:
    seed = int(os.environ.get("JUECE_CRASH_SEED", random.randrange(1 << 30)))
    chance = random.Random(seed)
    tokens = {role: services.add_user(rt, f"crash-{role}", role) for role in ROLES}
    server = Server(db_url, tmp_path, _free_port())
    running, parked = threading.Event(), threading.Semaphore(0)
    clients = [Client(n, server.port, tokens, running, parked) for n in range(1, CLIENTS + 1)]
    seen = []
    try:
        server.start()
        running.set()
        for client in clients:
            client.start()
        for kill in range(1, KILLS + 1):
            time.sleep(chance.uniform(1.0 if kill == 1 else 0.2, 2.0))  # the load runs; at a random moment…
            running.clear()
            server.kill()
            for _client in clients:  # every client parks (its request failed, or before its next one)
                assert parked.acquire(timeout=60), f"seed {seed}: a client did not park"
            assert not any(c.errors for c in clients), (seed, [c.errors for c in clients])
            seen.append(_check(rt, clients, tmp_path, f"seed {seed}, after kill {kill}"))
            server.start()
            running.set()
        time.sleep(0.5)
        for client in clients:
            client.stop = True
        for client in clients:
            client.join(timeout=120)
            assert not client.is_alive(), f"seed {seed}: {client.name} did not finish"
        assert not any(c.errors for c in clients), (seed, [c.errors for c in clients])
        _retry_answered_writes(clients[0])
    finally:
        running.set()
        server.stop()
    final = _check(rt, clients, tmp_path, f"seed {seed}, at the end")
    # Every write the clients made is there exactly once: each case event is one answered write.
    writes = [w for c in clients for w in c.done if w.kind != "upload"]
    assert final["events"] == len(writes), (seed, final, len(writes))
    assert len({w.key for w in writes}) == len(writes)
    assert all(c.pending is None for c in clients)
    assert seen[-1]["events"] > seen[0]["events"] > 0, (seed, seen)  # the load did run between the kills
    replayed = sum(w.replayed for c in clients for w in c.done)
    print(f"crash test, seed {seed}: {len(writes)} writes in {final['cases']} cases; events after each kill "
          f"{[s['events'] for s in seen]}; writes in flight at each kill {[s['in_flight'] for s in seen]}, of "
          f"which committed {[s['committed_unanswered'] for s in seen]}; {replayed} retry(ies) answered from "
          "the stored response")
