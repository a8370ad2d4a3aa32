"""The auditor's use cases: the stored trail, verification, replay and compliance replay."""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import json
import operator
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from workflow.adapters.orm import ChainHead, Checkpoint, Event, NumberSequence
from workflow.definition import ADMIN_ROLE
from workflow.errors import (
    InvalidInput,
    InvalidTransition,
)
from workflow.ledger import (
    GENESIS,
    EventKind,
    Verification,
    event_hash,
    format_time,
    global_hash_fast,
    parse_json,
    parse_time,
)
from workflow.services.checkpoints import as_dict as _checkpoint_dict
from workflow.services.checkpoints import check_checkpoint, current_public_key
from workflow.services.common import _ensure_case
from workflow.services.numbering import check_numbers
from workflow.services.runtime import GLOBAL_CHAIN, Runtime
from workflow.snapshot import CaseSnapshot, RecordView, legal_date

# Every stored column of an event: all events in global order, or one case's in seq order (its index).
_EVENT_COLUMNS = select(
    Event.global_seq, Event.case_id, Event.seq, Event.at, Event.actor, Event.role, Event.kind,
    Event.payload, Event.prev_hash, Event.hash, Event.prev_global_hash, Event.global_hash,
)
_STORED_EVENTS = _EVENT_COLUMNS.order_by(Event.global_seq)
_STORED_CASE_EVENTS = _EVENT_COLUMNS.where(Event.case_id == bindparam("case_id")).order_by(Event.seq)


def _stored_events(session: Session, case_id: int | None = None) -> list[dict[str, Any]]:
    """Events exactly as stored: the payload stays the hashed JSON text."""
    query, params = (_STORED_EVENTS, {}) if case_id is None else (_STORED_CASE_EVENTS, {"case_id": case_id})
    return [dict(row) for row in session.connection().execute(query, params).mappings()]


def case_events(rt: Runtime, case_id: int) -> list[dict[str, Any]]:
    """The case's audit trail exactly as stored (payload parsed for reading)."""
    with rt.db.read() as session:
        _ensure_case(session, case_id)
        return [{**e, "payload": json.loads(e["payload"])} for e in _stored_events(session, case_id)]


def verify_case(rt: Runtime, case_id: int) -> dict[str, Any]:
    """Recompute the case chain and check the case and record tables agree with it."""
    with rt.db.read() as session:
        _ensure_case(session, case_id)
        source = _session_source(session)
        where = " WHERE case_id = ?"
        cases = source.stream(_CASES + " WHERE id = ?", (case_id,))
        events = source.stream(_EVENTS + where + " ORDER BY seq", (case_id,))
        records = source.stream(_RECORDS + where, (case_id,))
        found = _CaseChecker(source.decode_json, frozenset(), global_order=False).run(cases, events, records)
        source.close()
    return found.cases[0]


# -- verification, streamed ---------------------------------------------------------------------------
# verify_all reads each table once, in order, through plain DB-API cursors (server-side on PostgreSQL),
# instead of loading every event into a dict: cases by id, each case's events by seq (the
# (case_id, seq) index) beside its records, then the global chain's links by global_seq. Each event's
# payload is parsed and its hash recomputed once; the parsed payload then serves the projection fold
# and the numbering replay. The checks and their verdicts are exactly those of ``ledger.verify_case_chain``,
# ``ledger.verify_global_chain`` and ``_projection_check`` (tests/integration/test_verify_streamed.py
# compares them on tampered databases).

_CASES = ("SELECT id, state, head_hash, head_seq, version, procedure, procedure_version, jurisdiction, title, "
          "decision_organ, undertaking_unit, {attributes} FROM cases")
_EVENTS = "SELECT id, global_seq, case_id, seq, at, actor, role, kind, payload, prev_hash, hash FROM events"
_RECORDS = ("SELECT id, case_id, type, {data}, sha256, supersedes_id, reason, recorded_at, recorded_by, role, "
            "event_seq, {attachments} FROM records")
_JSON_COLUMNS = ("attributes", "data", "attachments")
_LINKS = "SELECT id, global_seq, hash, prev_global_hash, global_hash FROM events ORDER BY global_seq"
_BATCH = 5000
_UNPARSED = object()


class _Source:
    """Plain cursors on one DB-API connection, inside the transaction it is in."""

    def __init__(self, connection: Any, is_sqlite: bool) -> None:
        self.connection = connection
        self.is_sqlite = is_sqlite
        # JSON columns come back as their stored text and are parsed here, as SQLAlchemy's JSON type parses them
        # (on PostgreSQL the json type keeps the text as written; psycopg's own loader is slower).
        self.decode_json: Any = _decode_json
        self.columns = {name: name if is_sqlite else f"CAST({name} AS TEXT)" for name in _JSON_COLUMNS}
        self._cursors: list[Any] = []

    def stream(self, sql: str, params: tuple[Any, ...] = (), *, server_side: bool = True) -> Iterator[tuple[Any, ...]]:
        sql = sql.format(**self.columns)
        if self.is_sqlite or not server_side:
            cursor = self.connection.cursor()
            sql = sql if self.is_sqlite else sql.replace("?", "%s")
        else:
            cursor = self.connection.cursor(name=f"juece_verify_{len(self._cursors)}")
            cursor.itersize = _BATCH
            sql = sql.replace("?", "%s")
        self._cursors.append(cursor)
        cursor.execute(sql, params)
        return _rows(cursor)

    def close(self) -> None:
        for cursor in self._cursors:
            cursor.close()
        self._cursors = []

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql if self.is_sqlite else sql.replace("?", "%s"), params)
            return cursor.fetchone()  # type: ignore[no-any-return]
        finally:
            cursor.close()


def _session_source(session: Session) -> _Source:
    """The session's own connection, so its read transaction."""
    return _Source(session.connection().connection.dbapi_connection, session.get_bind().dialect.name == "sqlite")


def _decode_json(value: Any) -> Any:
    return None if value is None else parse_json(value)


def _rows(cursor: Any) -> Iterator[tuple[Any, ...]]:
    while True:
        batch = cursor.fetchmany(_BATCH)
        if not batch:
            return
        yield from batch


def _grouped(rows: Iterator[tuple[Any, ...]], key: int) -> Iterator[tuple[Any, list[tuple[Any, ...]]]]:
    for value, group in itertools.groupby(rows, key=operator.itemgetter(key)):
        yield value, list(group)


def _merge(cases: Iterator[tuple[Any, ...]], events: Iterator[tuple[Any, ...]], records: Iterator[tuple[Any, ...]]
           ) -> Iterator[tuple[Any, tuple[Any, ...] | None, list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """(case id, case row or None, its events, its records) for every id in any of the three, ascending."""
    streams = [((row[0], [row]) for row in cases), _grouped(events, 2), _grouped(records, 1)]
    heads: list[Any] = [next(s, None) for s in streams]
    while any(h is not None for h in heads):
        key = min(h[0] for h in heads if h is not None)
        parts: list[list[tuple[Any, ...]]] = [[], [], []]
        for n, head in enumerate(heads):
            if head is not None and head[0] == key:
                parts[n] = head[1]
                heads[n] = next(streams[n], None)
        yield key, (parts[0][0] if parts[0] else None), parts[1], parts[2]


def _content(case_id: Any, row: tuple[Any, ...]) -> tuple[str | None, Any]:
    """``ledger._content_problem`` for a stored row, also handing back the parsed payload."""
    _id, _global_seq, _case, seq, at, actor, role, kind, text, prev_hash, stored = row
    if isinstance(text, str):
        try:
            payload = parse_json(text)
        except ValueError:
            return "payload is not valid JSON", _UNPARSED
    else:
        payload = text
    recomputed = event_hash(case_id=case_id, seq=seq, at=at, actor=actor, role=role, kind=kind, payload=payload,
                            prev_hash=prev_hash)
    return (None if recomputed == stored else "hash does not match the event's content"), payload


class _CaseChecker:
    """Every case's chain and projection from the three streams; collects what the global pass needs."""

    def __init__(self, decode_json: Any, numbered: frozenset[str], global_order: bool = True) -> None:
        self.decode = decode_json
        self.numbered = numbered
        self.global_order = global_order  # fold in global_seq order (verify_all) or in seq order (verify_case)
        self.cases: list[dict[str, Any]] = []
        self.problems: dict[Any, str] = {}  # events.id -> why its hash does not check out
        self.numbering: list[dict[str, Any]] = []  # the events check_numbers would not skip

    def run(self, cases: Iterator[tuple[Any, ...]], events: Iterator[tuple[Any, ...]],
            records: Iterator[tuple[Any, ...]]) -> _CaseChecker:
        for case_id, case, case_events, case_records in _merge(cases, events, records):
            checked = [self.content(case_id if case is None else case[0], row) for row in case_events]
            if case is not None:
                self.cases.append(self.check(case, case_events, checked, case_records))
        return self

    def content(self, case_id: Any, row: tuple[Any, ...]) -> tuple[str | None, Any]:
        problem, payload = _content(case_id, row)
        if problem:
            self.problems[row[0]] = problem
        if self._for_numbering(row[7], payload):
            self.numbering.append({"global_seq": row[1], "case_id": row[2], "seq": row[3], "kind": row[7],
                                   "payload": row[8]})
        return problem, payload

    def _for_numbering(self, kind: Any, payload: Any) -> bool:
        """Could ``numbering._replay_one`` do anything with this event? (Only then is it passed on.)"""
        if kind == "case_opened":
            return True
        if kind != "record_added":
            return False
        record = payload.get("record") if isinstance(payload, dict) else None
        if not isinstance(record, dict) or "type" not in record:
            return True  # malformed: let the numbering replay report it as it always has
        return isinstance(record["type"], str) and record["type"] in self.numbered

    def check(self, case: tuple[Any, ...], events: list[tuple[Any, ...]], checked: list[tuple[str | None, Any]],
              records: list[tuple[Any, ...]]) -> dict[str, Any]:
        case_id = case[0]
        if not events:
            return {"ok": False, "events": 0, "head": "", "broken_at": None, "case_id": case_id,
                    "reason": "the case has no events: its chain was deleted"}
        result = _case_chain(events, checked).to_dict()
        if result["ok"]:
            result.update(self.projection(case, events, checked, records))
        return {**result, "case_id": case_id}

    def projection(self, case: tuple[Any, ...], events: list[tuple[Any, ...]], checked: list[tuple[str | None, Any]],
                   records: list[tuple[Any, ...]]) -> dict[str, Any]:
        """``_projection_check`` on the stored rows."""
        pairs = list(zip(events, checked, strict=True))
        if self.global_order and any(a[0][1] > b[0][1] for a, b in itertools.pairwise(pairs)):
            pairs.sort(key=lambda pair: pair[0][1])  # verify_all has always folded a case in global order
        folded = CaseSnapshot.from_events(
            {"seq": e[3], "at": parse_time(e[4]), "actor": e[5], "role": e[6], "kind": e[7], "payload": payload,
             "hash": e[10]}
            for e, (_problem, payload) in pairs
        )
        problems = []
        row = (*case[1:11], self.decode(case[11]))
        chain = (folded.state, folded.head_hash, folded.last_seq, folded.last_seq, folded.procedure,
                 folded.procedure_version, folded.jurisdiction, folded.title, folded.decision_organ,
                 folded.undertaking_unit, folded.attributes)
        if row != chain:
            names = ("state", "head_hash", "head_seq", "version", "procedure", "procedure_version", "jurisdiction",
                     "title", "decision_organ", "undertaking_unit", "attributes")
            differing = [n for n, a, b in zip(names, row, chain, strict=True) if a != b]
            problems.append(f"the case row differs from its event chain in: {', '.join(differing)}")
        stored = {r[0]: r for r in records}
        for record in folded.records:
            found = stored.pop(record.id, None)
            if found is None or self.record_row(found) != _record_row_of(record):
                problems.append(f"record {record.id} differs from the event that added it")
        problems += [f"record {rid} has no event in the chain" for rid in sorted(stored)]
        if not problems:
            return {}
        return {"ok": False, "broken_at": None, "reason": "; ".join(problems)}

    def record_row(self, r: tuple[Any, ...]) -> tuple[Any, ...]:
        attachments = [] if r[11] == "[]" else list(self.decode(r[11]) or [])  # "[]": nearly every record
        return (r[2], self.decode(r[3]), r[4], r[5], r[6], r[7], r[8], r[9], r[10], attachments)


def _record_row_of(view: RecordView) -> tuple[Any, ...]:
    return (view.type, view.data, view.sha256, view.supersedes, view.reason, format_time(view.recorded_at),
            view.recorded_by, view.role, view.seq, list(view.attachments))


def _case_chain(events: list[tuple[Any, ...]], checked: list[tuple[str | None, Any]]) -> Verification:
    """``ledger.verify_case_chain`` with each event's content verdict already known."""
    prev, count = GENESIS, 0
    for count, (event, (problem, _payload)) in enumerate(zip(events, checked, strict=True), start=1):
        seq = event[3]
        if seq != count:
            return Verification(False, count, prev, seq, f"expected seq {count}, found {seq}")
        if event[9] != prev:
            return Verification(False, count, prev, seq, "prev_hash does not match the previous event")
        if problem:
            return Verification(False, count, prev, seq, problem)
        prev = event[10]
    return Verification(True, count, prev)


def _global_chain(links: Iterator[tuple[Any, ...]], problems: Mapping[Any, str], wanted: set[int]
                  ) -> tuple[Verification, int, dict[int, str]]:
    """``ledger.verify_global_chain`` over (id, global_seq, hash, prev_global_hash, global_hash) rows with each
    event's content verdict already known; also counts the events and keeps the hashes at ``wanted``."""
    prev, count, verdict = GENESIS, 0, None
    found: dict[int, str] = {}
    for count, (event_id, where, own, prev_global, linked) in enumerate(links, start=1):
        if where in wanted:
            found[where] = linked
        if verdict is not None:
            continue
        if where != count:
            verdict = Verification(False, count, prev, where, f"expected global_seq {count}, found {where}")
        elif prev_global != prev:
            verdict = Verification(False, count, prev, where, "prev_global_hash does not match the previous event")
        elif event_id in problems:
            verdict = Verification(False, count, prev, where, problems[event_id])
        elif global_hash_fast(where, own, prev) != linked:
            verdict = Verification(False, count, prev, where, "global_hash does not match")
        else:
            prev = linked
    return verdict or Verification(True, count, prev), count, found


# Past this many events, verify_all checks the cases in several processes (JUECE_VERIFY_PROCESSES: how many;
# 1 turns it off). The global chain is walked by the calling process meanwhile.
PARALLEL_FROM_EVENTS = 200_000


def _processes(requested: int | None, events: int) -> int:
    if requested is None:
        configured = os.environ.get("JUECE_VERIFY_PROCESSES", "")
        if configured.strip():
            requested = int(configured)
        elif events < PARALLEL_FROM_EVENTS:
            return 1
        else:
            requested = min(os.cpu_count() or 1, 4)
    return max(1, requested)


def verify_all(rt: Runtime, *, processes: int | None = None) -> dict[str, Any]:
    """Every case chain, every projection, and the global chain.

    ``processes``: check the cases in this many worker processes (default: one per CPU, at most 4, once the
    chain holds ``PARALLEL_FROM_EVENTS`` events; 1 = all in this process). The verdicts are the same.
    """
    numbered = frozenset(kind.name for procedure in rt.registry.all_versions() for kind in procedure.record_types
                         if kind.numbering is not None)
    with rt.db.read() as session:  # one read transaction: the chains and the tables seen at one moment
        if not rt.db.is_sqlite:  # on PostgreSQL that takes REPEATABLE READ (one snapshot for every statement)
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        head = session.execute(select(ChainHead.seq, ChainHead.hash).where(ChainHead.name == GLOBAL_CHAIN)).one()
        counters = {scope: last for scope, last in session.execute(select(NumberSequence.scope, NumberSequence.last))}
        stored_checkpoints = [_checkpoint_dict(c) for c in session.scalars(select(Checkpoint).order_by(Checkpoint.id))]
        wanted = {c["global_seq"] for c in stored_checkpoints}
        source = _session_source(session)
        workers = _processes(processes, head.seq)
        if workers == 1:
            checker = _CaseChecker(source.decode_json, numbered).run(
                source.stream(_CASES + " ORDER BY id"),
                source.stream(_EVENTS + " WHERE case_id IS NOT NULL ORDER BY case_id, seq"),
                source.stream(_RECORDS + " ORDER BY case_id"),
            )
            for row in source.stream(_EVENTS + " WHERE case_id IS NULL ORDER BY global_seq"):
                checker.content(None, row)
            verification, total, by_position = _global_chain(source.stream(_LINKS), checker.problems, wanted)
        else:
            checker, (verification, total, by_position) = _verify_in_processes(
                rt, source, workers, numbered, head.seq, wanted)
        source.close()
    global_result = verification.to_dict()
    numbers = check_numbers(rt.registry, sorted(checker.numbering, key=lambda e: e["global_seq"]), counters)
    cases = checker.cases
    current_key = current_public_key(rt)
    checked = [{**c, **check_checkpoint(c, by_position, total, current_key)} for c in stored_checkpoints]
    checkpoints = {"ok": all(c["ok"] for c in checked), "checked": len(checked),
                   "failures": [c for c in checked if not c["ok"]]}
    if global_result["ok"] and (head.seq, head.hash) != (global_result["events"], global_result["head"]):
        # A deleted or rewritten tail leaves the head row pointing elsewhere than the last event.
        global_result.update(ok=False, broken_at=None, reason="the chain head row differs from the last event")
    return {
        "ok": global_result["ok"] and numbers["ok"] and checkpoints["ok"] and all(c["ok"] for c in cases),
        "global": global_result,
        "numbering": numbers,
        "checkpoints": checkpoints,
        "cases": cases,
    }


def _verify_in_processes(rt: Runtime, source: _Source, workers: int, numbered: frozenset[str], head_seq: int,
                         wanted: set[int]) -> tuple[_CaseChecker, tuple[Verification, int, dict[int, str]]]:
    """The cases split into ``workers`` ranges of about equal events, each checked by its own process on the
    same snapshot (PostgreSQL: an exported snapshot; SQLite: a read transaction begun after this one, and
    whatever was written since is left out below); this process walks the global chain meanwhile."""
    sizes = list(source.stream("SELECT id, version FROM cases ORDER BY id"))
    known = {case_id for case_id, _version in sizes}
    bounds = _split(sizes, workers)
    snapshot = None if source.is_sqlite else source.one("SELECT pg_export_snapshot()")[0]  # type: ignore[index]
    checker = _CaseChecker(source.decode_json, numbered)
    children = [_Worker((rt.db.url, snapshot, lo, hi, numbered)) for lo, hi in bounds]
    try:
        for row in source.stream(_EVENTS + " WHERE case_id IS NULL ORDER BY global_seq"):
            checker.content(None, row)
        walked = _global_chain(source.stream(_LINKS), checker.problems, wanted)
        parts = [worker.result() for worker in children]
    finally:
        for worker in children:
            worker.close()
    for cases, problems, numbering in parts:
        checker.cases += [c for c in cases if c["case_id"] in known]
        checker.numbering += [e for e in numbering if isinstance(e["global_seq"], int) and e["global_seq"] <= head_seq]
        checker.problems.update(problems)
    if any(problems for _cases, problems, _numbering in parts):
        # Only a broken chain gets here: walk it again knowing which events do not hash to their content.
        walked = _global_chain(source.stream(_LINKS), checker.problems, wanted)
    return checker, walked


# The child keeps its standard output for the result alone: anything else printing goes to standard error.
_CHILD = ("import os, sys; answer = os.fdopen(os.dup(1), 'wb'); os.dup2(2, 1); sys.stdout = sys.stderr; "
          "from workflow.services.audit import _worker_main; _worker_main(sys.stdin.buffer, answer)")


class _Worker:
    """A fresh interpreter running ``_verify_case_range`` (no fork: the caller may be a threaded server, and
    no import of the caller's ``__main__``); its arguments and result travel pickled over its pipes."""

    def __init__(self, args: tuple[Any, ...]) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.process = subprocess.Popen([sys.executable, "-c", _CHILD], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env=env)
        assert self.process.stdin is not None
        self.process.stdin.write(pickle.dumps(args))
        self.process.stdin.close()

    def result(self) -> Any:
        assert self.process.stdout is not None
        output = self.process.stdout.read()
        code = self.process.wait()
        if code != 0 or not output:
            raise RuntimeError(f"a verification worker process failed (exit status {code})")
        status, value = pickle.loads(output)
        if status != "ok":
            raise RuntimeError(f"a verification worker process failed:\n{value}")
        return value

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def _worker_main(given: Any, answer: Any) -> None:
    """The worker interpreter's body: read the arguments, verify the range, write the result."""
    try:
        outcome: tuple[str, Any] = ("ok", _verify_case_range(*pickle.load(given)))
    except BaseException:  # noqa: BLE001 - everything goes back to the parent, which raises it
        import traceback

        outcome = ("error", traceback.format_exc())
    answer.write(pickle.dumps(outcome))
    answer.flush()


def _split(sizes: list[tuple[int, int]], parts: int) -> list[tuple[int | None, int | None]]:
    """Case-id ranges [lo, hi) holding about equal numbers of events; the first and last are open."""
    total = sum(version for _id, version in sizes) or 1
    bounds: list[int] = []
    running = 0
    for case_id, version in sizes:
        if running >= total * (len(bounds) + 1) / parts and len(bounds) < parts - 1:
            bounds.append(case_id)
        running += version
    edges: list[int | None] = [None, *bounds, None]
    return [(edges[n], edges[n + 1]) for n in range(len(edges) - 1)]


def _verify_case_range(url: str, snapshot: str | None, lo: int | None, hi: int | None, numbered: frozenset[str]
                       ) -> tuple[list[dict[str, Any]], dict[Any, str], list[dict[str, Any]]]:
    """A worker process: the cases with ids in [lo, hi), their events and records, on its own connection."""
    from workflow.adapters.db import Database

    database = Database(url)
    connection = database.reader.raw_connection()
    try:
        raw = connection.dbapi_connection
        cursor = raw.cursor()
        if database.is_sqlite:
            cursor.execute("BEGIN")
        else:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            if snapshot is not None:
                cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        cursor.close()
        source = _Source(raw, database.is_sqlite)
        conditions, params = [], []
        for op, value in ((">=", lo), ("<", hi)):
            if value is not None:
                conditions.append(op + " ?")
                params.append(value)

        def where(column: str, first: str = "") -> str:
            parts = [first] if first else []
            parts += [f"{column} {c}" for c in conditions]
            return (" WHERE " + " AND ".join(parts)) if parts else ""

        checker = _CaseChecker(source.decode_json, numbered).run(
            source.stream(_CASES + where("id") + " ORDER BY id", tuple(params)),
            source.stream(_EVENTS + where("case_id", "case_id IS NOT NULL") + " ORDER BY case_id, seq", tuple(params)),
            source.stream(_RECORDS + where("case_id") + " ORDER BY case_id", tuple(params)),
        )
        source.close()
        raw.rollback()
        return checker.cases, checker.problems, checker.numbering
    finally:
        connection.close()
        database.dispose()


_CASE_EVENTS = "SELECT seq, at, actor, role, kind, payload, hash FROM events WHERE case_id = ? ORDER BY seq"


def _case_event_dicts(session: Session, case_id: int) -> list[dict[str, Any]]:
    """``common._event_dicts`` on a plain cursor: a case of 10,000 events is read and parsed in a fraction of
    the time the ORM query takes (docs/performance.md, replay)."""
    source = _session_source(session)
    try:
        return [
            {"seq": seq, "at": parse_time(at), "actor": actor, "role": role, "kind": kind,
             "payload": parse_json(payload), "hash": digest}
            for seq, at, actor, role, kind, payload, digest in source.stream(_CASE_EVENTS, (case_id,),
                                                                             server_side=False)
        ]
    finally:
        source.close()


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Reading a long case allocates tens of thousands of dicts that all stay alive until the answer is built;
    the cyclic collector would scan them again and again (a third of a 10,000-event replay). None of them
    form cycles, so it waits until the end (and runs normally in any thread that does not pause it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def replay(rt: Runtime, case_id: int, *, seq: int | None = None, at: dt.datetime | None = None) -> dict[str, Any]:
    """Rebuild the case from its events as it stood at event ``seq`` or at moment ``at``."""
    if (seq is None) == (at is None):
        raise InvalidInput("give exactly one of seq and at", fields={"seq": ["exactly one of seq, at"]})
    with _cyclic_gc_paused():
        with rt.db.read() as session:
            _ensure_case(session, case_id)
            events = _case_event_dicts(session, case_id)
        if at is not None and at.tzinfo is None:
            raise InvalidInput("the time must carry a timezone", fields={"at": ["include a UTC offset, e.g. +08:00"]})
        chosen = [e for e in events if (e["seq"] <= seq if seq is not None else e["at"] <= at)]
        if not chosen:
            raise InvalidInput("the case did not exist yet at that point",
                               fields={"seq" if seq is not None else "at": ["before the case was opened"]})
        return CaseSnapshot.from_events(chosen).to_dict()


def compliance(rt: Runtime, case_id: int) -> dict[str, Any]:
    """Re-run every past transition against the rules with only the records that existed then."""
    with rt.db.read() as session:
        _ensure_case(session, case_id)
        events = _case_event_dicts(session, case_id)
    snapshot = CaseSnapshot.from_events(events[:1])
    findings, checked = [], 0
    for event in events[1:]:
        if event["kind"] == EventKind.TRANSITION:
            checked += 1
            finding = _recheck(rt, snapshot, event)
            if finding:
                findings.append(finding)
        snapshot.apply(event)
    return {"case_id": case_id, "ok": not findings, "transitions_checked": checked, "findings": findings}


def _recheck(rt: Runtime, snapshot: CaseSnapshot, event: Mapping[str, Any]) -> dict[str, Any] | None:
    payload = event["payload"]
    base = {"seq": event["seq"], "at": event["at"].isoformat(), "trigger": payload["trigger"], "actor": event["actor"]}
    if payload["source"] != snapshot.state:
        return {**base, "problem": f"recorded source '{payload['source']}' but the case was in '{snapshot.state}'"}
    try:
        evaluation = rt.registry.evaluate(snapshot, payload["trigger"], legal_date(event["at"]))
    except InvalidTransition as exc:
        return {**base, "problem": exc.message}
    definition = rt.registry.procedure(snapshot.procedure, snapshot.procedure_version)
    spec = definition.trigger(payload["trigger"])
    if spec is not None and event["role"] != ADMIN_ROLE and event["role"] not in spec.roles:
        return {**base, "problem": f"fired by role '{event['role']}', allowed: {', '.join(spec.roles)}"}
    if spec is not None and spec.dest != payload["dest"]:
        return {**base, "problem": f"entered '{payload['dest']}', the procedure leads to '{spec.dest}'"}
    if not evaluation.passed:
        return {**base, "problem": "rules unmet at the time", "unmet": evaluation.unmet_dicts()}
    return None
