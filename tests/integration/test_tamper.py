"""Tampering with the stored ledger is detected: one changed byte anywhere, or a deleted event.

The database is edited behind the engine's back with the stdlib ``sqlite3`` module, as an intruder with
file access would. Every edit changes exactly one stored byte (asserted) and keeps the text valid UTF-8,
so what is tested is the hash chain, not a decoding error.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from procedures.major_decision import samples
from tests.conftest import ACTORS, START, apply, open_case, state_of
from workflow import services
from workflow.adapters.db import REPO_ROOT
from workflow.services import Runtime

pytestmark = pytest.mark.sqlite_only  # reads or edits the SQLite file directly

JUECE = Path(sys.executable).with_name("juece")
if not JUECE.exists():  # pragma: no cover - the venv layout of the repository
    JUECE = REPO_ROOT / ".venv" / "bin" / "juece"


def _path(db_url: str) -> str:
    return db_url.split("///", 1)[1]


@contextmanager
def _sql(db_url: str) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(_path(db_url))) as conn:
        with conn:  # commit on success
            yield conn


def _change_one_byte(text: str, index: int) -> str:
    """``text`` with the byte at ``index`` of its UTF-8 encoding changed, still valid UTF-8."""
    raw = bytearray(text.encode("utf-8"))
    byte = raw[index]
    if 0x30 <= byte <= 0x39:  # a digit: the next digit
        raw[index] = 0x30 + (byte - 0x30 + 1) % 10
    elif 0x61 <= byte <= 0x7A or 0x41 <= byte <= 0x5A:  # a letter: the other case
        raw[index] = byte ^ 0x20
    elif 0x80 <= byte <= 0xBF:  # the last byte of a multi-byte character: a neighbouring character
        raw[index] = byte ^ 0x01
    else:
        raise AssertionError(f"no one-byte edit planned for byte {byte:#x}")
    changed = raw.decode("utf-8")
    assert sum(a != b for a, b in zip(text.encode("utf-8"), raw, strict=True)) == 1
    return changed


def _tamper_column(db_url: str, table: str, column: str, key: str, key_value: object, locate: str) -> None:
    """Change one byte of ``table.column`` in the row ``key = key_value``: the last byte of ``locate``."""
    with _sql(db_url) as conn:
        (before,) = conn.execute(f"SELECT {column} FROM {table} WHERE {key} = ?", (key_value,)).fetchone()
        start = before.encode("utf-8").index(locate.encode("utf-8"))
        after = _change_one_byte(before, start + len(locate.encode("utf-8")) - 1)
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", (after, key_value))
        (stored,) = conn.execute(f"SELECT CAST({column} AS BLOB) FROM {table} WHERE {key} = ?",
                                 (key_value,)).fetchone()
    old = before.encode("utf-8")
    assert len(stored) == len(old) and sum(a != b for a, b in zip(old, stored, strict=True)) == 1


@pytest.fixture
def demo_case(rt: Runtime) -> int:
    """A demo-like case in execution, preceded by a user and another case so global_seq != seq."""
    services.add_user(rt, "审计员-钱七", "auditor")
    other = open_case(rt)
    case_id = open_case(rt, hearing_required=True, expert_required=True, risk_assessment_required=True)
    apply(rt, case_id, samples.walk_to_execution(START))
    services.add_record(rt, ACTORS["decision_organ"], other, record_type="proposal",
                        data=samples.opening_steps(START)[0].data)
    assert state_of(rt, case_id) == "in_execution"
    assert services.verify_case(rt, case_id)["ok"]
    assert services.verify_all(rt)["ok"]
    return case_id


def _event(db_url: str, case_id: int, where: str, *args: object) -> tuple[int, int, str]:
    """(seq, global_seq, kind) of the first event of the case matching ``where``."""
    with _sql(db_url) as conn:
        row = conn.execute(
            f"SELECT seq, global_seq, kind FROM events WHERE case_id = ? AND {where} ORDER BY seq LIMIT 1",
            (case_id, *args),
        ).fetchone()
    assert row is not None
    return row


def _summary_event(db_url: str, case_id: int) -> tuple[int, int, str]:
    return _event(db_url, case_id, "kind = 'record_added' AND payload LIKE ?", '%"type":"comment_summary"%')


# Each case: which event, which column, and the text whose last byte is changed.
EVENT_EDITS = {
    "payload": (_summary_event, "payload", '"received":1280'),
    "at": (lambda url, cid: _event(url, cid, "kind = 'transition'"), "at", "T02:00:00.0000"),
    "actor": (lambda url, cid: _event(url, cid, "kind = 'record_added' AND role = 'legal_office'"), "actor", "李四"),
}


@pytest.mark.parametrize("column", sorted(EVENT_EDITS))
def test_one_changed_byte_in_an_event_breaks_both_chains_at_that_event(
    rt: Runtime, db_url: str, demo_case: int, column: str
) -> None:
    choose, name, locate = EVENT_EDITS[column]
    seq, global_seq, _kind = choose(db_url, demo_case)
    assert global_seq != seq

    _tamper_column(db_url, "events", name, "global_seq", global_seq, locate)

    verdict = services.verify_case(rt, demo_case)
    assert verdict["ok"] is False
    assert verdict["broken_at"] == seq
    assert "hash" in verdict["reason"]
    everything = services.verify_all(rt)
    assert everything["ok"] is False
    assert everything["global"]["ok"] is False
    assert everything["global"]["broken_at"] == global_seq
    by_case = {c["case_id"]: c for c in everything["cases"]}
    assert by_case[demo_case]["broken_at"] == seq
    assert all(c["ok"] for cid, c in by_case.items() if cid != demo_case)


def test_one_changed_byte_in_a_record_row_is_caught_by_the_projection_check(
    rt: Runtime, db_url: str, demo_case: int
) -> None:
    with _sql(db_url) as conn:
        (record_id,) = conn.execute(
            "SELECT id FROM records WHERE case_id = ? AND type = 'comment_summary'", (demo_case,)).fetchone()
    _tamper_column(db_url, "records", "data", "id", record_id, "1280")

    verdict = services.verify_case(rt, demo_case)
    assert verdict["ok"] is False
    assert verdict["broken_at"] is None  # the chain itself is intact: the table disagrees with it
    assert f"record {record_id} differs" in verdict["reason"]
    everything = services.verify_all(rt)
    assert everything["ok"] is False
    assert everything["global"]["ok"] is True


def test_one_changed_byte_in_the_case_state_is_caught_by_the_projection_check(
    rt: Runtime, db_url: str, demo_case: int
) -> None:
    _tamper_column(db_url, "cases", "state", "id", demo_case, "in_execution")
    with _sql(db_url) as conn:
        (state,) = conn.execute("SELECT state FROM cases WHERE id = ?", (demo_case,)).fetchone()
    assert state == "in_executioN"

    verdict = services.verify_case(rt, demo_case)
    assert verdict["ok"] is False
    assert verdict["broken_at"] is None
    assert "state" in verdict["reason"]
    assert services.verify_all(rt)["ok"] is False


def test_deleting_the_last_event_of_a_case_is_caught_by_the_projection_check(
    rt: Runtime, db_url: str, demo_case: int
) -> None:
    with _sql(db_url) as conn:
        (last,) = conn.execute("SELECT MAX(seq) FROM events WHERE case_id = ?", (demo_case,)).fetchone()
        conn.execute("DELETE FROM events WHERE case_id = ? AND seq = ?", (demo_case, last))

    verdict = services.verify_case(rt, demo_case)
    assert verdict["ok"] is False
    assert verdict["events"] == last - 1  # what is left is a valid chain: only the case row gives it away
    assert verdict["broken_at"] is None
    assert "head" in verdict["reason"]
    assert services.verify_all(rt)["ok"] is False


def test_deleting_an_event_in_the_middle_breaks_the_chain_there(rt: Runtime, db_url: str, demo_case: int) -> None:
    seq, global_seq, _ = _summary_event(db_url, demo_case)
    with _sql(db_url) as conn:
        conn.execute("DELETE FROM events WHERE global_seq = ?", (global_seq,))

    verdict = services.verify_case(rt, demo_case)
    assert verdict["ok"] is False
    assert verdict["broken_at"] == seq + 1  # the event after the gap does not follow its predecessor
    everything = services.verify_all(rt)
    assert everything["global"]["ok"] is False
    assert everything["global"]["broken_at"] == global_seq + 1


def test_deleting_the_newest_global_event_is_caught_by_the_chain_head(
    rt: Runtime, db_url: str, demo_case: int
) -> None:
    services.add_user(rt, "审计员-孙八", "auditor")
    with _sql(db_url) as conn:
        conn.execute("DELETE FROM events WHERE global_seq = (SELECT MAX(global_seq) FROM events)")
    everything = services.verify_all(rt)
    assert everything["ok"] is False  # no case projection covers a user_added event: the head row does
    assert everything["global"]["ok"] is False
    assert "head" in everything["global"]["reason"]


def _cli_verify(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JUECE_DATABASE_URL": db_url}
    return subprocess.run([str(JUECE), "case", "verify", *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_cli_verify_exits_0_before_and_1_after_tampering_naming_the_event(
    rt: Runtime, db_url: str, demo_case: int
) -> None:
    before = _cli_verify(db_url, str(demo_case))
    assert before.returncode == 0, before.stdout + before.stderr
    assert f"OK      case {demo_case}" in before.stdout

    seq, global_seq, _ = _summary_event(db_url, demo_case)
    _tamper_column(db_url, "events", "payload", "global_seq", global_seq, '"received":1280')

    after = _cli_verify(db_url, str(demo_case))
    assert after.returncode == 1, after.stdout + after.stderr
    assert f"BROKEN  case {demo_case} at event {seq}:" in after.stdout

    everything = _cli_verify(db_url)
    assert everything.returncode == 1, everything.stdout + everything.stderr
    assert f"BROKEN  case {demo_case} at event {seq}:" in everything.stdout
    assert f"BROKEN  global chain at event {global_seq}:" in everything.stdout
