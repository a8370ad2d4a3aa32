"""The streamed verification (one pass per table, in one process or several) gives exactly the verdicts of
the verification it replaced (``_verify_reference``), on an intact database and after each of many edits
made behind the engine's back: changed bytes, deleted and moved events, non-canonical payload text with a
hash recomputed over it, edited projection rows, counters, the head row, checkpoints.

Each edit is made on its own copy of one prepared database (a file copy on SQLite, ``CREATE DATABASE …
TEMPLATE`` on PostgreSQL), so every verdict is compared on a database broken in exactly one way.
"""

from __future__ import annotations

import hashlib
import itertools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection

from procedures import build_registry
from procedures.major_decision import samples
from procedures.profiles import PROFILES
from tests.conftest import ON_POSTGRES, START, UNDERTAKING, Clock, apply
from tests.integration import _verify_reference as reference
from tests.integration.test_numbering import NUMBERED
from workflow import services
from workflow.adapters.db import Database
from workflow.adapters.signing import CheckpointSigner
from workflow.ledger import event_body_text
from workflow.registry import ProcedureRegistry
from workflow.services import Runtime
from workflow.services.checkpoints import sign_checkpoint

pytestmark = pytest.mark.slow
_clones = itertools.count(1)


def _runtime(url: str, key: Path) -> Runtime:
    registry = ProcedureRegistry([*build_registry().all_versions(), NUMBERED], PROFILES)
    return Runtime(db=Database(url), registry=registry, clock=Clock(), signer=CheckpointSigner(key))


def _prepare(rt: Runtime) -> dict[str, int]:
    """Users, a case walked to execution, one with a correction, numbered registrations, an empty one,
    and a checkpoint in the middle."""
    services.add_user(rt, "审计员-钱七", "auditor")
    walked = services.open_case(rt, UNDERTAKING, attributes={"hearing_required": True, "expert_required": True,
                                                              "risk_assessment_required": True}, **samples.case_fields())["id"]
    apply(rt, walked, samples.walk_to_execution(START))
    corrected = services.open_case(rt, UNDERTAKING, **samples.case_fields("另一项决策"))["id"]
    proposal = services.add_record(rt, UNDERTAKING, corrected, record_type="proposal",
                                   data=samples.opening_steps(START)[0].data)
    services.add_record(rt, UNDERTAKING, corrected, record_type="proposal", supersedes=proposal["id"],
                        reason="更正笔误", data={**samples.opening_steps(START)[0].data, "problem": "更正后的问题。"})
    sign_checkpoint(rt)
    numbered = services.open_case(rt, UNDERTAKING, procedure="numbered_test", title="某规范性文件",
                                  decision_organ="潜江市人民政府", undertaking_unit="市司法局")["id"]
    first = services.add_record(rt, UNDERTAKING, numbered, record_type="registration",
                                data={"prefix": "潜政规", "registered_on": "2026-03-02"})
    services.add_record(rt, UNDERTAKING, numbered, record_type="registration",
                        data={"prefix": "潜政规", "registered_on": "2026-03-03"})
    services.add_record(rt, UNDERTAKING, numbered, record_type="registration", supersedes=first["id"],
                        reason="日期有误", data={"prefix": "潜政规", "registered_on": "2026-03-04"})
    empty = services.open_case(rt, UNDERTAKING, **samples.case_fields("空白决策"))["id"]
    services.add_record(rt, UNDERTAKING, walked, record_type="execution_report",
                        data={"reported_on": "2026-10-01", "status": "按计划推进", "notes": "运行平稳。"})
    services.add_user(rt, "审计员-孙八", "auditor")
    sign_checkpoint(rt)
    return {"walked": walked, "corrected": corrected, "numbered": numbered, "empty": empty}


def _one(connection: Connection, sql: str, **params: Any) -> Any:
    return connection.execute(text(sql), params).scalar_one()


def _summary_seq(c: Connection, ids: dict[str, int]) -> int:
    return _one(c, "SELECT global_seq FROM events WHERE case_id = :c AND payload LIKE :p",
                c=ids["walked"], p='%"type":"comment_summary"%')


def _rehash_noncanonical(c: Connection, ids: dict[str, int]) -> None:
    """Whitespace in a payload, and the event's own hash recomputed over that very text: a hash that matches
    the stored bytes but not the canonical encoding the ledger defines."""
    where = _summary_seq(c, ids)
    row = c.execute(text("SELECT case_id, seq, at, actor, role, kind, payload, prev_hash FROM events "
                         "WHERE global_seq = :g"), {"g": where}).one()
    loose = row.payload.replace('"received":1280', '"received": 1280')
    body = event_body_text(case_id=row.case_id, seq=row.seq, at=row.at, actor=row.actor, role=row.role,
                           kind=row.kind, payload_text=loose, prev_hash=row.prev_hash)
    assert body is not None
    own = hashlib.sha256(body.encode()).hexdigest()
    c.execute(text("UPDATE events SET payload = :p, hash = :h WHERE global_seq = :g"), {"p": loose, "h": own, "g": where})


def _sql(*statements: str) -> Callable[[Connection, dict[str, int]], None]:
    def run(c: Connection, ids: dict[str, int]) -> None:
        for statement in statements:
            c.exec_driver_sql(statement.format(**ids, summary=_summary_seq(c, ids)))
    return run


TAMPERS: dict[str, Callable[[Connection, dict[str, int]], None]] = {
    "intact": _sql(),
    "payload byte": _sql("UPDATE events SET payload = replace(payload, '\"received\":1280', '\"received\":1281')"),
    "payload whitespace": _sql("UPDATE events SET payload = replace(payload, '\"received\":1280', '\"received\": 1280')"),
    "payload whitespace, hash recomputed over it": _rehash_noncanonical,
    "payload not JSON": _sql("UPDATE events SET payload = payload || 'x' WHERE global_seq = {summary}"),
    "at": _sql("UPDATE events SET at = replace(at, '+00:00', '+08:00') WHERE global_seq = {summary} + 2"),
    "actor": _sql("UPDATE events SET actor = 'someone' WHERE global_seq = {summary} + 3"),
    "kind": _sql("UPDATE events SET kind = 'transition' WHERE global_seq = {summary} - 1"),
    "event deleted in the middle": _sql("DELETE FROM events WHERE global_seq = {summary}"),
    "last event of a case deleted": _sql(
        "DELETE FROM events WHERE case_id = {corrected} AND seq = (SELECT MAX(seq) FROM events WHERE case_id = {corrected})"),
    "newest event deleted": _sql("DELETE FROM events WHERE global_seq = (SELECT MAX(global_seq) FROM events)"),
    "global_seq moved": _sql("UPDATE events SET global_seq = global_seq + 1000 WHERE global_seq = {summary}"),
    "prev_global_hash": _sql("UPDATE events SET prev_global_hash = hash WHERE global_seq = {summary} + 1"),
    "global_hash": _sql("UPDATE events SET global_hash = hash WHERE global_seq = {summary} + 1"),
    "hash column": _sql("UPDATE events SET hash = global_hash WHERE global_seq = {summary}"),
    "prev_hash": _sql("UPDATE events SET prev_hash = hash WHERE global_seq = {summary}"),
    "seq renumbered": _sql("UPDATE events SET seq = seq + 100 WHERE case_id = {walked} AND seq = 5"),
    "event moved to another case": _sql("UPDATE events SET case_id = {empty}, seq = 2 WHERE global_seq = {summary}"),
    "whole chain of a case deleted": _sql("DELETE FROM events WHERE case_id = {empty}"),
    "record data": _sql("UPDATE records SET data = '{{\"received\": 1}}' WHERE case_id = {walked} AND type = 'comment_summary'"),
    "record role": _sql("UPDATE records SET role = 'admin' WHERE case_id = {corrected}"),
    "record deleted": _sql("DELETE FROM records WHERE case_id = {walked} AND type = 'comment_summary'"),
    "record without an event": _sql(
        "INSERT INTO records (case_id, type, data, sha256, supersedes_id, reason, recorded_at, recorded_by, role, "
        "event_seq, attachments) SELECT case_id, type, data, sha256, NULL, NULL, recorded_at, recorded_by, role, "
        "event_seq, attachments FROM records WHERE case_id = {walked} AND type = 'draft'"),
    "case state": _sql("UPDATE cases SET state = 'drafting' WHERE id = {walked}"),
    "case attributes": _sql("UPDATE cases SET attributes = '{{\"hearing_required\": false}}' WHERE id = {walked}"),
    "case version": _sql("UPDATE cases SET version = version + 1 WHERE id = {corrected}"),
    "case title": _sql("UPDATE cases SET title = 'another title' WHERE id = {numbered}"),
    "counter": _sql("UPDATE number_sequences SET last = last + 1"),
    "number in a record": _sql("UPDATE events SET payload = replace(payload, '〕2号', '〕3号') WHERE case_id = {numbered}"),
    "head row": _sql("UPDATE chain_heads SET seq = seq - 1"),
    "user event": _sql("UPDATE events SET payload = replace(payload, 'auditor', 'admin') WHERE case_id IS NULL"),
    "checkpoint": _sql("UPDATE checkpoints SET global_hash = (SELECT hash FROM events WHERE global_seq = 3) "
                       "WHERE id = (SELECT MIN(id) FROM checkpoints)"),
}


# Checked with the cases split between two worker processes as well.
IN_PROCESSES = {"intact", "payload byte", "payload whitespace, hash recomputed over it", "global_seq moved",
                "event moved to another case", "record without an event", "counter", "head row", "checkpoint"}


@pytest.fixture
def prepared(db_url: str, tmp_path: Path) -> Iterator[tuple[str, dict[str, int], Path]]:
    key = tmp_path / "checkpoint-key.pem"
    rt = _runtime(db_url, key)
    ids = _prepare(rt)
    rt.db.dispose()
    yield db_url, ids, key


def _copy(url: str, tmp_path: Path) -> str:
    """A copy of the database at ``url`` (nobody may be connected to it)."""
    number = next(_clones)
    if not ON_POSTGRES:
        target = tmp_path / f"copy-{number}.db"
        shutil.copy(url.split("///", 1)[1], target)
        return f"sqlite:///{target}"
    server, name = url.rsplit("/", 1)
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}_v{number} TEMPLATE {name}"))
    admin.dispose()
    return f"{url}_v{number}"


@pytest.mark.parametrize("tamper", sorted(TAMPERS))
def test_streamed_and_parallel_verification_agree_with_the_reference(prepared, tmp_path, tamper):
    url, ids, key = prepared
    copy = _copy(url, tmp_path)
    engine = create_engine(copy)
    with engine.begin() as connection:
        TAMPERS[tamper](connection, ids)
    engine.dispose()
    rt = _runtime(copy, key)
    try:
        expected = reference.verify_all(rt)
        assert services.verify_all(rt, processes=1) == expected
        if tamper in IN_PROCESSES:  # worker interpreters take a second to start: a representative few
            assert services.verify_all(rt, processes=2) == expected
        for case_id in ids.values():
            assert services.verify_case(rt, case_id) == reference.verify_case(rt, case_id)
        # Whitespace alone changes no content: the hash is of the canonical encoding of what the text says.
        assert expected["ok"] is (tamper in ("intact", "payload whitespace"))
    finally:
        rt.db.dispose()


def test_replay_reads_the_events_as_the_write_path_does(prepared):
    """replay and compliance read a case on a plain cursor; what they fold is what common._event_dicts gives."""
    from workflow.services.common import _event_dicts
    from workflow.snapshot import CaseSnapshot

    url, ids, key = prepared
    rt = _runtime(url, key)
    try:
        for case_id in ids.values():
            with rt.db.read() as session:
                events = _event_dicts(session, case_id)
            for n in range(1, len(events) + 1):
                assert services.replay(rt, case_id, seq=n) == CaseSnapshot.from_events(events[:n]).to_dict()
            assert services.replay(rt, case_id, at=events[-1]["at"]) == CaseSnapshot.from_events(events).to_dict()
            assert services.compliance(rt, case_id)["ok"]
    finally:
        rt.db.dispose()
