"""Build a large juece database quickly: many complete major-decision cases (and optionally one long case),
written as rows with correct hashes, that ``services.verify_all`` accepts.

One real case is run first through ``workflow.services`` on a scratch SQLite file (the w1 walk: open, every
required record, seven transitions to ``in_execution``: 27 events). Its events are the template. Each
generated case copies them with its own case id, title, record ids and times; the archive record's
``case_chain_head`` (a server-set field) and the record hashes are recomputed, then every event is hashed
and linked into its case chain and the global chain with ``workflow.ledger``'s formulas. The ``cases`` and
``records`` rows are written to match (the projection verification checks every column), the chain head
row is moved, and PostgreSQL's id sequences are set past the new rows, so the engine can go on writing.

``--big-case N`` adds one case of N events: the same walk, then execution reports (every 25th a
correction of the one before), for the replay benchmark.

    .venv/bin/python bench/gen_dataset.py --url sqlite:////tmp/juece-1m.db --events 1000000 --big-case 10000
    .venv/bin/python bench/gen_dataset.py --url postgresql+psycopg://u@host/db --events 1000000 --verify

The database is migrated first and must hold no cases yet (users are fine). Output: one JSON line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from procedures import build_registry  # noqa: E402
from procedures.major_decision import samples  # noqa: E402
from web.demo import apply_steps  # noqa: E402
from workflow import services  # noqa: E402
from workflow.adapters.db import Database, upgrade  # noqa: E402
from workflow.ledger import (  # noqa: E402
    GENESIS,
    canonical,
    event_body_text,
    format_time,
    global_link_text,
    record_hash,
)
from workflow.services import Actor, Runtime  # noqa: E402
from workflow.snapshot import CaseSnapshot  # noqa: E402
from workflow.validation import validate_record_data  # noqa: E402

START = dt.date(2026, 6, 1)
NOW = dt.datetime(2026, 10, 20, 2, 0, tzinfo=dt.UTC)
ATTRIBUTES = {"hearing_required": True, "expert_required": True, "risk_assessment_required": True}
ACTORS = {a.role: a for a in (Actor("承办单位-张三", samples.UNDERTAKING), Actor("法制机构-李四", samples.LEGAL),
                              Actor("决策机关-王五", samples.ORGAN))}
BATCH_EVENTS = 50_000

EVENT_COLUMNS = ("id", "global_seq", "case_id", "seq", "at", "actor", "role", "kind", "payload", "prev_hash",
                 "hash", "prev_global_hash", "global_hash")
RECORD_COLUMNS = ("id", "case_id", "type", "data", "sha256", "supersedes_id", "reason", "recorded_at",
                  "recorded_by", "role", "event_seq", "attachments")
CASE_COLUMNS = ("id", "procedure", "procedure_version", "jurisdiction", "title", "decision_organ",
                "undertaking_unit", "state", "version", "attributes", "opened_at", "opened_by", "head_seq",
                "head_hash", "next_due_on")


def _clock() -> dt.datetime:
    return NOW


@dataclass
class Template:
    events: list[dict[str, Any]]  # kind, actor, role, payload (parsed) of the walk, in seq order
    first_record_id: int
    next_due_on: str | None
    chain_head_types: frozenset[str]  # record types with a server-set case_chain_head field


def build_template() -> Template:
    """Run the w1 walk once through the engine on a scratch file and keep its events."""
    registry = build_registry()
    with tempfile.TemporaryDirectory(prefix="juece-gen-") as directory:
        url = f"sqlite:///{directory}/template.db"
        upgrade(url)
        rt = Runtime(Database(url), registry, clock=_clock)
        case = services.open_case(rt, ACTORS[samples.UNDERTAKING], attributes=ATTRIBUTES, **samples.case_fields())
        apply_steps(rt, ACTORS, case["id"], samples.walk_to_execution(START))
        events = services.case_events(rt, case["id"])
        with rt.db.read() as session:
            from workflow.adapters.orm import Case

            next_due_on = session.get(Case, case["id"]).next_due_on  # type: ignore[union-attr]
        rt.db.dispose()
    procedure = registry.procedure("major_decision", events[0]["payload"]["procedure_version"])
    chain_head_types = frozenset(
        kind.name for kind in procedure.record_types if any(f.server_set == "case_chain_head" for f in kind.fields)
    )
    record_ids = [e["payload"]["record"]["id"] for e in events if e["kind"] == "record_added"]
    return Template(
        events=[{k: e[k] for k in ("kind", "actor", "role", "payload")} for e in events],
        first_record_id=min(record_ids),
        next_due_on=next_due_on,
        chain_head_types=chain_head_types,
    )


class Writer:
    """Hashes and links the events, and keeps the rows to insert."""

    def __init__(self, head_seq: int, head_hash: str) -> None:
        self.global_seq, self.global_head = head_seq, head_hash
        self.events: list[tuple[Any, ...]] = []
        self.records: list[tuple[Any, ...]] = []
        self.cases: list[tuple[Any, ...]] = []
        self.base = int((NOW + dt.timedelta(seconds=1)).timestamp())
        self._second, self._prefix = -1, ""

    def at(self) -> str:
        """The next event's time: 1 ms after the one before, spelt as ``format_time`` spells it."""
        second, millis = divmod(self.global_seq + 1, 1000)
        if second != self._second:
            self._second = second
            self._prefix = format_time(dt.datetime.fromtimestamp(self.base + second, dt.UTC))[:19]
        return f"{self._prefix}.{millis * 1000:06d}+00:00"

    def append(self, case_id: int, seq: int, at: str, actor: str, role: str, kind: str, payload_text: str,
               prev_hash: str) -> str:
        body = event_body_text(case_id=case_id, seq=seq, at=at, actor=actor, role=role, kind=kind,
                               payload_text=payload_text, prev_hash=prev_hash)
        assert body is not None
        own = hashlib.sha256(body.encode("utf-8")).hexdigest()
        self.global_seq += 1
        link = global_link_text(self.global_seq, own, self.global_head)
        assert link is not None
        linked = hashlib.sha256(link.encode("utf-8")).hexdigest()
        self.events.append((self.global_seq, self.global_seq, case_id, seq, at, actor, role, kind, payload_text,
                            prev_hash, own, self.global_head, linked))
        self.global_head = linked
        return own


def _record_payload(record: dict[str, Any], data: dict[str, Any], new_id: int, supersedes: int | None) -> dict[str, Any]:
    digest = record_hash(record_type=record["type"], data=data, supersedes=supersedes,
                         attachments=record.get("attachments", ()))
    return {"record": {**record, "id": new_id, "data": data, "sha256": digest, "supersedes": supersedes}}


# Stand-ins spelt into a template event's canonical text, replaced by each case's own values.
_CASE_ID, _RECORD_ID, _TITLE = 987654321012345, 987654321054321, "@@title@@"


@dataclass
class Step:
    """One template event, precompiled: its payload text with stand-ins, or None to encode it each time."""

    kind: str
    actor: str
    role: str
    payload: dict[str, Any]
    text: str | None
    record: dict[str, Any] | None = None  # record_added: the record as the template stored it
    data_json: str | None = None


def compile_template(template: Template) -> list[Step]:
    steps = []
    for event in template.events:
        kind, payload = event["kind"], event["payload"]
        step = Step(kind, event["actor"], event["role"], payload, None)
        if kind == "case_opened":
            step.text = canonical({**payload, "case_id": _CASE_ID, "title": _TITLE}).decode("utf-8")
        elif kind == "record_added":
            record = step.record = payload["record"]
            step.data_json = json.dumps(record["data"])
            if record.get("supersedes") is None and record["type"] not in template.chain_head_types:
                step.text = canonical({"record": {**record, "id": _RECORD_ID}}).decode("utf-8")
        elif not (kind == "transition" and payload.get("invalidated")):
            step.text = canonical(payload).decode("utf-8")
        steps.append(step)
    return steps


@dataclass
class Compiled:
    template: Template
    steps: list[Step]
    final: CaseSnapshot  # the template case after its walk: the state and attributes every copy ends in


def compile_all(template: Template) -> Compiled:
    final = CaseSnapshot.from_events(
        {**e, "seq": n, "at": NOW, "hash": ""} for n, e in enumerate(template.events, start=1))
    return Compiled(template, compile_template(template), final)


def write_case(writer: Writer, compiled: Compiled, case_id: int, first_record_id: int,
               payloads: Iterator[tuple[str, str, str, dict[str, Any]]] | None = None) -> int:
    """One case from the template (then ``payloads``, if given); returns the next free record id."""
    template = compiled.template
    shift = first_record_id - template.first_record_id
    prev, seq, opened_at = GENESIS, 0, ""
    title = f"关于调整城市公共交通票价的决策（第{case_id}号）"
    next_record = first_record_id

    def record_row(record: dict[str, Any], data_json: str, at: str, actor: str, role: str) -> None:
        writer.records.append((record["id"], case_id, record["type"], data_json, record["sha256"],
                               record.get("supersedes"), record.get("reason"), at, actor, role, seq,
                               json.dumps(record.get("attachments", []))))

    for step in compiled.steps:
        seq += 1
        at = writer.at()
        kind, payload = step.kind, step.payload
        if kind == "case_opened":
            opened_at = at
            text = step.text.replace(str(_CASE_ID), str(case_id)).replace(  # type: ignore[union-attr]
                f'"{_TITLE}"', _json_text(title))
        elif kind == "record_added":
            record = step.record
            assert record is not None
            new_id = record["id"] + shift
            next_record = max(next_record, new_id + 1)
            if step.text is not None:
                text = step.text.replace(str(_RECORD_ID), str(new_id))
                record_row({**record, "id": new_id}, step.data_json or "", at, step.actor, step.role)
            else:
                data = record["data"]
                if record["type"] in template.chain_head_types:
                    data = {**data, "case_chain_head": prev}
                supersedes = record.get("supersedes")
                full = _record_payload(record, data, new_id, None if supersedes is None else supersedes + shift)
                text = canonical(full).decode("utf-8")
                record_row(full["record"], json.dumps(data), at, step.actor, step.role)
        elif step.text is not None:
            text = step.text
        else:
            text = canonical({**payload, "invalidated": [i + shift for i in payload["invalidated"]]}).decode("utf-8")
        prev = writer.append(case_id, seq, at, step.actor, step.role, kind, text, prev)
    for kind, actor, role, payload in payloads or ():
        seq += 1
        at = writer.at()
        prev = writer.append(case_id, seq, at, actor, role, kind, canonical(payload).decode("utf-8"), prev)
        if kind == "record_added":
            record = payload["record"]
            record_row(record, json.dumps(record["data"]), at, actor, role)
            next_record = max(next_record, record["id"] + 1)
    final = compiled.final
    writer.cases.append((case_id, final.procedure, final.procedure_version, final.jurisdiction, title,
                         final.decision_organ, final.undertaking_unit, final.state, seq, json.dumps(final.attributes),
                         opened_at, compiled.steps[0].actor, seq, prev, template.next_due_on))
    return next_record


def _json_text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def execution_reports(count: int, first_id: int) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """``count`` execution_report records, every 25th correcting the record before it."""
    registry = build_registry()
    kind = registry.procedure("major_decision").record_type("execution_report")
    assert kind is not None
    actor = ACTORS[samples.UNDERTAKING]
    for n in range(count):
        data = validate_record_data(kind, {
            "reported_on": (START + dt.timedelta(days=80 + n // 20)).isoformat(),
            "status": "按计划推进" if n % 7 else "部分延后",
            "notes": f"第{n + 1}期执行台账：新票价运行平稳，投诉{n % 13}件已办结；低收入群体出行补贴发放{n % 5 + 1}批。",
        })
        corrects = n % 25 == 24
        record = {"id": first_id + n, "type": "execution_report", "data": data, "sha256": "",
                  "supersedes": first_id + n - 1 if corrects else None,
                  "reason": "更正上一期报告中的统计口径" if corrects else None}
        yield "record_added", actor.name, actor.role, _record_payload(record, data, record["id"], record["supersedes"])


# -- storing ----------------------------------------------------------------------------------------


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            import sqlite3

            self.conn: Any = sqlite3.connect(url.split("///", 1)[1], isolation_level=None)
            self.conn.execute("PRAGMA synchronous=OFF")
            self.conn.execute("PRAGMA journal_mode=WAL")
        else:
            import psycopg

            self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=False)

    def scalar(self, sql: str) -> Any:
        cursor = self.conn.execute(sql)
        row = cursor.fetchone()
        return None if row is None else row[0]

    def begin(self) -> None:
        if self.is_sqlite:
            self.conn.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.conn.commit() if not self.is_sqlite else self.conn.execute("COMMIT")

    def insert(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if self.is_sqlite:
            marks = ", ".join("?" * len(columns))
            self.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
            return
        with self.conn.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def flush(self, writer: Writer) -> None:
        # cases first: events and records refer to them
        self.insert("cases", CASE_COLUMNS, writer.cases)
        self.insert("records", RECORD_COLUMNS, writer.records)
        self.insert("events", EVENT_COLUMNS, writer.events)
        writer.cases, writer.records, writer.events = [], [], []

    def finish(self, writer: Writer) -> None:
        self.conn.execute("UPDATE chain_heads SET seq = %s, hash = %s WHERE name = 'global'".replace(
            "%s", "?" if self.is_sqlite else "%s"), (writer.global_seq, writer.global_head))
        if not self.is_sqlite:
            for table in ("cases", "records", "events"):
                self.conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")
        self.commit()
        if not self.is_sqlite:
            self.conn.autocommit = True
            self.conn.execute("ANALYZE")
        else:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()


def generate(url: str, events: int, big_case: int = 0, users: bool = True) -> dict[str, Any]:
    """Fill the migrated database at ``url`` up to about ``events`` events; returns what was written."""
    began = time.perf_counter()
    upgrade(url)
    if users:  # real users through the engine (the bench and the crash test sign in as them)
        rt = Runtime(Database(url), build_registry(), clock=_clock)
        for role in ("undertaking_unit", "legal_office", "decision_organ", "auditor"):
            services.add_user(rt, f"gen-{role}", role)
        rt.db.dispose()
    template = build_template()
    compiled = compile_all(template)
    store = Store(url)
    if store.scalar("SELECT COUNT(*) FROM cases"):
        raise SystemExit("the database already holds cases: generate into a fresh one")
    head_seq = store.scalar("SELECT seq FROM chain_heads WHERE name = 'global'")
    head_hash = store.scalar("SELECT hash FROM chain_heads WHERE name = 'global'")
    record_id = (store.scalar("SELECT MAX(id) FROM records") or 0) + 1
    writer = Writer(head_seq, head_hash)
    per_case = len(template.events)
    cases = max(0, (events - head_seq - big_case) // per_case)
    store.begin()
    for number in range(1, cases + 1):
        record_id = write_case(writer, compiled, number, record_id)
        if len(writer.events) >= BATCH_EVENTS:
            store.flush(writer)
            store.commit()
            store.begin()
    big_id = None
    if big_case:
        big_id = cases + 1
        extra = max(0, big_case - per_case)
        first_report = record_id + len([e for e in template.events if e["kind"] == "record_added"])
        record_id = write_case(writer, compiled, big_id, record_id, execution_reports(extra, first_report))
    store.flush(writer)
    store.finish(writer)
    return {"url": url.split("@")[-1], "events": writer.global_seq, "cases": cases + (1 if big_case else 0),
            "big_case": big_id, "big_case_events": big_case or None, "seconds": round(time.perf_counter() - began, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="database URL (SQLite file or PostgreSQL database)")
    parser.add_argument("--events", type=int, default=1_000_000, help="about this many events in all")
    parser.add_argument("--big-case", type=int, default=0, help="add one case with this many events")
    parser.add_argument("--verify", action="store_true", help="run services.verify_all afterwards")
    args = parser.parse_args(argv)
    result = generate(args.url, args.events, args.big_case)
    if args.verify:
        rt = Runtime(Database(args.url), build_registry())
        began = time.perf_counter()
        report = services.verify_all(rt)
        result.update(verified=report["ok"], verify_seconds=round(time.perf_counter() - began, 2))
        rt.db.dispose()
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
