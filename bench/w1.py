"""w1: one major-decision case end to end through the service layer, every write its own transaction.

Per case: ``open_case``, then every record the spec requires for a case with a hearing, experts and a risk
assessment, with the data a real client would send (``procedures.major_decision.samples``), and the seven
transitions from ``proposed`` to ``in_execution``: 27 writes, each one ``BEGIN IMMEDIATE`` ... ``COMMIT``.

Two implementations run in one process, each on its own freshly migrated SQLite file:

- ``engine``: ``workflow.services`` over ``workflow.adapters.db.Database`` (SQLAlchemy ORM, validation, the
  snapshot fold, rule evaluation, the ledger).
- ``sqlite3_floor``: the stdlib ``sqlite3`` module sending the statements the engine sends, with the same
  PRAGMAs, the same ``BEGIN IMMEDIATE``/``COMMIT`` per write and the same sha256 chain hashes, but no ORM,
  no validation and no rule evaluation: the cost of the I/O and the hashing alone.

Output on stdout: one JSON line per implementation, then one line with the ratio of their writes/s. The
work is checked to be the same: SQLite's own trace of the first case's statements, with their bound values,
must be identical for both, and after the run both global chains must end in the same hash. A difference
is reported on stderr (``same_work: false``): the engine changed and the floor must follow.

    .venv/bin/python bench/w1.py --cases 200
    .venv/bin/python bench/w1.py --cases 50 --synchronous OFF --repeat 3 --profile 25
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import json
import os
import pstats
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # runnable from anywhere: bench/ is not an installed package
    sys.path.insert(0, str(REPO_ROOT))

from procedures import build_registry  # noqa: E402
from procedures.major_decision import samples  # noqa: E402
from web.demo import apply_steps  # noqa: E402
from workflow import services  # noqa: E402
from workflow.adapters.db import Database, upgrade  # noqa: E402
from workflow.services import Actor, Runtime  # noqa: E402

TARGET_RATIO = 0.40
START = dt.date(2026, 6, 1)  # the comment period opens; the sample dates run to START + 70 days
NOW = dt.datetime(2026, 10, 20, 2, 0, tzinfo=dt.UTC)  # the fixed clock, after every sample date
ATTRIBUTES = {"hearing_required": True, "expert_required": True, "risk_assessment_required": True}
ACTORS = {
    a.role: a
    for a in (
        Actor("承办单位-张三", samples.UNDERTAKING),
        Actor("法制机构-李四", samples.LEGAL),
        Actor("决策机关-王五", samples.ORGAN),
    )
}
OPENER = ACTORS[samples.UNDERTAKING]
SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")


def steps() -> list[samples.Step]:
    return samples.walk_to_execution(START, hearing=True, experts=True, risk=True)


WRITES_PER_CASE = 1 + len(steps())  # open_case, then every record and transition


def _clock() -> dt.datetime:
    return NOW


def migrate(path: Path) -> None:
    """A fresh file with the schema of ``migrations/`` (the same Alembic run for both implementations)."""
    upgrade(f"sqlite:///{path}")


@dataclass
class Run:
    impl: str
    cases: int
    seconds: float
    cpu_seconds: float
    trace: list[str] = field(repr=False)  # the first case's statements as SQLite ran them

    @property
    def writes(self) -> int:
        return self.cases * WRITES_PER_CASE

    def line(self) -> dict[str, Any]:
        return {
            "impl": self.impl,
            "cases": self.cases,
            "writes": self.writes,
            "seconds": round(self.seconds, 4),
            "cases_per_s": round(self.cases / self.seconds, 2),
            "writes_per_s": round(self.writes / self.seconds, 1),
        }


def _timed(loop: Callable[[], None], profile: int = 0) -> tuple[float, float]:
    """Wall and CPU seconds of ``loop()``; with ``profile``, cProfile it and print the top functions."""
    profiler = cProfile.Profile() if profile else None
    began, began_cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.runcall(loop)
    else:
        loop()
    seconds, cpu_seconds = time.perf_counter() - began, time.process_time() - began_cpu
    if profiler is not None:
        print(f"-- engine profile, top {profile} by cumulative then own time (cProfile slows the run: "
              "its figures are not the benchmark's) --", file=sys.stderr)
        for order in ("cumulative", "tottime"):
            pstats.Stats(profiler, stream=sys.stderr).sort_stats(order).print_stats(profile)
    return seconds, cpu_seconds


# -- the engine --------------------------------------------------------------------------------------


def run_engine(url: str, cases: int, *, profile: int = 0) -> Run:
    """``cases`` cases through ``workflow.services``, as ``web.demo.apply_steps`` sends them."""
    rt = Runtime(Database(url), build_registry(), clock=_clock)
    walk = steps()
    with rt.db.writer.connect() as connection:  # open the pooled connection before the clock starts
        raw = connection.connection.dbapi_connection
    assert raw is not None
    trace: list[str] = []

    def loop() -> None:
        raw.set_trace_callback(trace.append)  # one writer at a time: the pool reuses this connection
        for number in range(cases):
            case = services.open_case(rt, OPENER, attributes=ATTRIBUTES, **samples.case_fields())
            apply_steps(rt, ACTORS, case["id"], walk)
            if number == 0:
                raw.set_trace_callback(None)

    try:
        seconds, cpu_seconds = _timed(loop, profile)
    finally:
        rt.db.dispose()
    return Run("engine", cases, seconds, cpu_seconds, trace)


# -- the sqlite3 floor -------------------------------------------------------------------------------
# The statements SQLAlchemy sends for each write, in its order (captured from the engine with SQLite's
# trace callback; ``_same_statements`` checks on every run that they still are):
#   open_case:    INSERT cases; SELECT chain_heads; INSERT events; UPDATE cases; UPDATE chain_heads
#   add_record:   SELECT cases; (a record type with a Reference the profile does not require: SELECT the
#                 case_opened payload); INSERT records; SELECT chain_heads; INSERT events; UPDATE cases;
#                 UPDATE chain_heads
#   fire_trigger: SELECT cases; SELECT events; UPDATE cases (the state, autoflushed); SELECT chain_heads;
#                 INSERT events; UPDATE cases; UPDATE chain_heads
# each between BEGIN IMMEDIATE and COMMIT.

GENESIS = "0" * 64
GLOBAL_CHAIN = "global"
SELECT_CASE = (
    "SELECT cases.id, cases.procedure, cases.procedure_version, cases.jurisdiction, cases.state, cases.version, "
    "cases.attributes, cases.head_seq, cases.head_hash, cases.next_due_on \nFROM cases \nWHERE cases.id = ?"
)
SELECT_EVENTS = (
    "SELECT events.seq, events.at, events.actor, events.role, events.kind, events.payload, events.hash \n"
    "FROM events \nWHERE events.case_id = ? ORDER BY events.seq"
)
SELECT_OPENED = (
    "SELECT events.payload \nFROM events \nWHERE events.case_id = ? AND events.seq = ? AND events.kind = ?"
)
SELECT_HEAD = "SELECT chain_heads.seq, chain_heads.hash \nFROM chain_heads \nWHERE chain_heads.name = ?"
INSERT_CASE = (
    "INSERT INTO cases (procedure, procedure_version, jurisdiction, title, decision_organ, undertaking_unit, "
    "state, version, attributes, opened_at, opened_by, head_seq, head_hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
)
INSERT_RECORD = (
    "INSERT INTO records (case_id, type, data, sha256, supersedes_id, reason, recorded_at, recorded_by, role, "
    "event_seq, attachments) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
)
INSERT_EVENT = (
    "INSERT INTO events (global_seq, case_id, seq, at, actor, role, kind, payload, prev_hash, hash, "
    "prev_global_hash, global_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
UPDATE_CASE = (
    "UPDATE cases SET state=?, version=?, attributes=?, head_seq=?, head_hash=?, next_due_on=? WHERE cases.id = ?"
)
UPDATE_CHAIN_HEAD = "UPDATE chain_heads SET seq=?, hash=? WHERE chain_heads.name = ?"


def _canonical(value: Any) -> bytes:
    """The ledger's encoding (docs/ledger.md): sorted keys, no whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class FloorPlan:
    """What the floor needs to write what the engine writes, worked out before the clock starts.

    The server-side facts (default attributes, the pinned profile, the field order of cleaned record data,
    the field the server stamps, each trigger's destination and rules) are read from the definitions
    here, so the timed loop does only I/O, JSON and hashing.
    """

    procedure: str
    version: int
    initial: str
    jurisdiction: str
    attributes: dict[str, Any]
    profile: dict[str, Any]
    definition_sha256: str
    fields: dict[str, str]
    # ("record", actor, record type, (data, server-stamped fields))
    # or ("fire", actor, trigger, (dest, rules, next_due_on after it))
    ops: list[tuple[str, Actor, str, tuple[Any, ...]]]


def floor_plan() -> FloorPlan:
    registry = build_registry()
    definition = registry.procedure("major_decision")
    attributes = {a.name: ATTRIBUTES.get(a.name, a.default) for a in definition.attributes}
    jurisdiction = attributes.get("jurisdiction") or "national"
    profile = registry.profile(jurisdiction)
    ops: list[tuple[str, Actor, str, tuple[Any, ...]]] = []
    due: str | None = None  # the engine's derived next_due_on, worked out here from the deadline data
    today = NOW.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    for step in steps():
        actor = ACTORS[step.role]
        if step.action == "record":
            kind = definition.record_type(step.name)
            assert kind is not None and step.data is not None
            data = {f.name: step.data[f.name] for f in kind.fields if f.name in step.data}
            stamped = tuple(f.name for f in kind.fields if f.server_set == "case_chain_head")
            unlinked = None  # a Reference the profile does not require: looked up in the pinned profile, then null
            if kind.reference is not None:
                assert kind.reference.required_when is not None, "the floor has no cross-case lookup"
                assert not profile.values().get(kind.reference.required_when), "the floor has no cross-case lookup"
                unlinked = kind.reference.into
            ops.append(("record", actor, step.name, (data, stamped, unlinked)))
        else:
            trigger = definition.trigger(step.name)
            assert trigger is not None
            for deadline in definition.deadlines:
                days = profile.values().get(getattr(deadline.days, "name", ""), deadline.days)
                if step.name in deadline.met_by:
                    due = None
                elif step.name == deadline.starts_on and days is not None:
                    due = registry.calendar(jurisdiction).add_working_days(today, days).isoformat()
            ops.append(("fire", actor, step.name, (trigger.dest, list(trigger.rules), due)))
    fields = {k: v.strip() for k, v in samples.case_fields().items() if k != "procedure"}
    pinned = {"name": profile.name, "version": profile.version, "parameters": profile.values()}
    return FloorPlan(definition.name, definition.version, definition.initial, jurisdiction, attributes, pinned,
                     registry.definition_sha256(definition), fields, ops)


def floor_connect(path: str, synchronous: str) -> sqlite3.Connection:
    """The connection ``workflow.adapters.db`` makes: the driver in autocommit mode, the same PRAGMAs."""
    con = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(f"PRAGMA synchronous={synchronous}")
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA busy_timeout=30000")
    return con


def _append(con: sqlite3.Connection, case_id: int, seq: int, prev_hash: str, actor: Actor, at: str,
            kind: str, payload: dict[str, Any], state: str, attributes: str, next_due_on: str | None = None) -> None:
    head_seq, head_hash = con.execute(SELECT_HEAD, (GLOBAL_CHAIN,)).fetchone()
    own = _sha(_canonical({"case_id": case_id, "seq": seq, "at": at, "actor": actor.name, "role": actor.role,
                           "kind": kind, "payload": payload, "prev_hash": prev_hash}))
    global_seq = head_seq + 1
    linked = _sha(_canonical({"global_seq": global_seq, "hash": own, "prev_global_hash": head_hash}))
    con.execute(INSERT_EVENT, (global_seq, case_id, seq, at, actor.name, actor.role, kind,
                               _canonical(payload).decode(), prev_hash, own, head_hash, linked))
    con.execute(UPDATE_CHAIN_HEAD, (global_seq, linked, GLOBAL_CHAIN))
    con.execute(UPDATE_CASE, (state, seq, attributes, seq, own, next_due_on, case_id))  # a case's version is its head seq


def _floor_open(con: sqlite3.Connection, plan: FloorPlan, at: str) -> int:
    fields = plan.fields
    con.execute("BEGIN IMMEDIATE")
    case_id = con.execute(INSERT_CASE, (
        plan.procedure, plan.version, plan.jurisdiction, fields["title"], fields["decision_organ"],
        fields["undertaking_unit"], plan.initial, 0, json.dumps(plan.attributes), at, OPENER.name, 0, GENESIS,
    )).fetchone()[0]
    payload = {"case_id": case_id, "procedure": plan.procedure, "procedure_version": plan.version,
               "jurisdiction": plan.jurisdiction, "state": plan.initial, "attributes": plan.attributes,
               "profile": plan.profile, "definition_sha256": plan.definition_sha256, **fields}
    _append(con, case_id, 1, GENESIS, OPENER, at, "case_opened", payload, plan.initial, json.dumps(plan.attributes))
    con.execute("COMMIT")
    return case_id


def _floor_record(con: sqlite3.Connection, case_id: int, actor: Actor, record_type: str, spec: tuple[Any, Any],
                  at: str) -> None:
    sent, stamped, unlinked = spec
    con.execute("BEGIN IMMEDIATE")
    row = con.execute(SELECT_CASE, (case_id,)).fetchone()
    head_seq, head_hash = row[7], row[8]
    data = dict(sent)
    for name in stamped:
        data[name] = head_hash
    if unlinked is not None:  # the engine reads the pinned profile to see that the link is not required here
        con.execute(SELECT_OPENED, (case_id, 1, "case_opened")).fetchone()
        data[unlinked] = None
    digest = _sha(_canonical({"type": record_type, "data": data, "supersedes": None}))
    record_id = con.execute(INSERT_RECORD, (case_id, record_type, json.dumps(data), digest, None, None, at,
                                            actor.name, actor.role, head_seq + 1, "[]")).fetchone()[0]
    payload = {"record": {"id": record_id, "type": record_type, "data": data, "sha256": digest,
                          "supersedes": None, "reason": None}}
    _append(con, case_id, head_seq + 1, head_hash, actor, at, "record_added", payload, row[4], row[6], row[9])
    con.execute("COMMIT")


def _floor_fire(con: sqlite3.Connection, case_id: int, actor: Actor, trigger: str, spec: tuple[Any, Any],
                at: str) -> None:
    dest, rules, next_due_on = spec
    con.execute("BEGIN IMMEDIATE")
    row = con.execute(SELECT_CASE, (case_id,)).fetchone()
    con.execute(SELECT_EVENTS, (case_id,)).fetchall()  # the engine folds these into a snapshot; the floor does not
    payload = {"trigger": trigger, "source": row[4], "dest": dest, "rules": rules, "note": None, "invalidated": []}
    _append(con, case_id, row[7] + 1, row[8], actor, at, "transition", payload, dest, row[6], next_due_on)
    con.execute("COMMIT")


def run_floor(path: str, cases: int, synchronous: str) -> Run:
    """``cases`` cases on bare ``sqlite3``: the engine's statements, none of its logic."""
    plan = floor_plan()
    con = floor_connect(path, synchronous)
    writers = {"record": _floor_record, "fire": _floor_fire}
    trace: list[str] = []

    def loop() -> None:
        con.set_trace_callback(trace.append)
        for number in range(cases):
            case_id = _floor_open(con, plan, NOW.isoformat(timespec="microseconds"))
            for action, actor, name, spec in plan.ops:  # like the engine, format the clock once per write
                writers[action](con, case_id, actor, name, spec, NOW.isoformat(timespec="microseconds"))
            if number == 0:
                con.set_trace_callback(None)

    try:
        seconds, cpu_seconds = _timed(loop)
    finally:
        con.close()
    return Run("sqlite3_floor", cases, seconds, cpu_seconds, trace)


# -- checks after the clock stops --------------------------------------------------------------------


def _warn(what: str) -> None:
    print(f"w1: warning: {what}; the floor in bench/w1.py must follow the engine, until then the ratio "
          "compares unlike work", file=sys.stderr)


def _same_statements(engine: list[str], floor: list[str]) -> bool:
    """The first case's statements, with their bound values, as SQLite ran them."""
    if engine == floor:
        return True
    for index, (theirs, mine) in enumerate(zip(engine, floor, strict=False)):
        if theirs != mine:
            at = next((i for i, (a, b) in enumerate(zip(theirs, mine, strict=False)) if a != b), min(len(theirs), len(mine)))
            window = slice(max(0, at - 60), at + 100)
            _warn(f"statement {index + 1} of the first case differs at character {at}: "
                  f"engine …{theirs[window]!r}…, floor …{mine[window]!r}…")
            return False
    _warn(f"the engine ran {len(engine)} statements for its first case, the floor {len(floor)}")
    return False


def _summary(path: Path) -> dict[str, Any]:
    con = sqlite3.connect(path)
    try:
        head = con.execute("SELECT seq, hash FROM chain_heads WHERE name = ?", (GLOBAL_CHAIN,)).fetchone()
        states = dict(con.execute("SELECT state, count(*) FROM cases GROUP BY state").fetchall())
        events = con.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        con.close()
    return {"head": tuple(head), "states": states, "events": events}


def _same_chain(engine_path: Path, floor_path: Path, cases: int) -> bool:
    """Both runs complete, and both global chains end in the same hash: every event byte the same."""
    engine, floor = _summary(engine_path), _summary(floor_path)
    expected = cases * WRITES_PER_CASE
    if engine["states"] != {"in_execution": cases} or engine["events"] != expected:
        raise SystemExit(f"w1: the engine run did not take every case to in_execution: {engine}")
    if floor["events"] != expected:
        raise SystemExit(f"w1: the floor wrote {floor['events']} events, expected {expected}")
    if engine["head"] != floor["head"]:
        _warn(f"the two global chains differ (engine head {engine['head']}, floor head {floor['head']})")
        return False
    return True


# -- main --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "w1").split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=50, help="cases per implementation (default 50)")
    parser.add_argument("--db-dir", type=Path, default=None,
                        help="where to create the database files (default: the system's temporary directory)")
    parser.add_argument("--synchronous", type=str.upper, choices=SYNCHRONOUS,
                        default=os.environ.get("JUECE_SQLITE_SYNCHRONOUS", "FULL").upper(),
                        help="PRAGMA synchronous for both (default: $JUECE_SQLITE_SYNCHRONOUS, else FULL)")
    parser.add_argument("--repeat", type=int, default=1, metavar="K",
                        help="run engine then floor K times, each on fresh files, and report each one's "
                             "fastest run (default 1)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="cProfile the first engine run and print its top N functions on stderr")
    parser.add_argument("--keep", action="store_true", help="keep the database files")
    args = parser.parse_args(argv)
    if args.cases < 1 or args.repeat < 1:
        parser.error("--cases and --repeat must be at least 1")
    return args


def _round(workdir: Path, args: argparse.Namespace, index: int) -> tuple[Run, Run, bool]:
    engine_path, floor_path = workdir / f"engine-{index}.db", workdir / f"floor-{index}.db"
    migrate(engine_path)
    migrate(floor_path)
    engine = run_engine(f"sqlite:///{engine_path}", args.cases, profile=args.profile if index == 0 else 0)
    floor = run_floor(str(floor_path), args.cases, args.synchronous)
    same = _same_statements(engine.trace, floor.trace)
    return engine, floor, _same_chain(engine_path, floor_path, args.cases) and same


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ["JUECE_SQLITE_SYNCHRONOUS"] = args.synchronous  # what workflow.adapters.db.Database reads
    if args.db_dir is not None:
        args.db_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="juece-w1-", dir=args.db_dir))
    try:
        rounds = [_round(workdir, args, index) for index in range(args.repeat)]
        engine = min((r[0] for r in rounds), key=lambda run: run.seconds)
        floor = min((r[1] for r in rounds), key=lambda run: run.seconds)
        ratio = floor.seconds / engine.seconds  # = engine writes/s / floor writes/s: the same writes
        summary = {
            "impl": "ratio",
            "writes_per_s_ratio": round(ratio, 3),
            "target": TARGET_RATIO,
            "meets_target": ratio >= TARGET_RATIO,
            "synchronous": args.synchronous,
            "repeat": args.repeat,
            "engine_cpu_ms_per_write": round(engine.cpu_seconds / engine.writes * 1000, 3),
            "floor_cpu_ms_per_write": round(floor.cpu_seconds / floor.writes * 1000, 3),
            "same_work": all(r[2] for r in rounds),
        }
        for line in (engine.line(), floor.line(), summary):
            print(json.dumps(line, ensure_ascii=False), flush=True)
        if args.keep:
            print(f"w1: the databases are in {workdir}", file=sys.stderr)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
