"""Writers in separate OS processes on one SQLite file: serialised, never forking the global chain.

Each child process (``spawn``: a fresh interpreter) builds its own ``Runtime`` on the shared file, as
separate gunicorn workers would, waits on a barrier so that all of them write at the same moment, and
reports what happened through a queue. The child bodies live in ``_race_workers``.
"""

from __future__ import annotations

import multiprocessing
from typing import Any

import pytest
from sqlalchemy import select

from procedures.major_decision import samples
from tests.conftest import START, apply, open_case, state_of
from tests.integration._race_workers import RECORDS_EACH, add_records, fire_start_drafting
from workflow import services
from workflow.adapters.orm import Event
from workflow.services import Runtime

PROCESSES = 6
JOIN_TIMEOUT = 180

pytestmark = pytest.mark.slow


def _run(target: Any, args_per_process: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(args_per_process))
    results = context.Queue()
    processes = [context.Process(target=target, args=(*args, barrier, results)) for args in args_per_process]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=JOIN_TIMEOUT) for _ in processes]
    for process in processes:
        process.join(JOIN_TIMEOUT)
        assert process.exitcode == 0, f"child {process.pid} exited with {process.exitcode}"
    return outcomes


def _global_seqs(rt: Runtime) -> list[int]:
    with rt.db.read() as session:
        return list(session.scalars(select(Event.global_seq).order_by(Event.global_seq)))


def test_same_transition_same_version_exactly_one_process_wins(rt: Runtime, db_url: str) -> None:
    case_id = open_case(rt)
    apply(rt, case_id, [s for s in samples.opening_steps(START) if s.name in ("initiation_decision", "catalog_entry")])
    before = services.case_view(rt, case_id)
    assert before["state"] == "proposed"
    assert next(n for n in before["next"] if n["trigger"] == "start_drafting")["allowed"]
    version = before["version"]
    events_before = len(_global_seqs(rt))

    outcomes = _run(fire_start_drafting, [(db_url, case_id, version)] * PROCESSES)

    assert [o for o in outcomes if o[0] == "error"] == []
    winners = [o for o in outcomes if o[0] == "ok"]
    losers = [o for o in outcomes if o[0] == "version_mismatch"]
    assert winners == [("ok", version + 1)]
    assert losers == [("version_mismatch", version + 1)] * (PROCESSES - 1)

    assert state_of(rt, case_id) == "drafting"
    assert services.case_view(rt, case_id)["version"] == version + 1
    transitions = [e for e in services.case_events(rt, case_id) if e["kind"] == "transition"]
    assert [(e["payload"]["trigger"], e["seq"]) for e in transitions] == [("start_drafting", version + 1)]
    assert services.case_attempts(rt, case_id) == []  # a stale version is not an attempt
    seqs = _global_seqs(rt)
    assert seqs == list(range(1, events_before + 2))  # one new event, no gap, no fork
    everything = services.verify_all(rt)
    assert everything["ok"], everything
    assert everything["global"]["events"] == len(seqs)
    assert services.compliance(rt, case_id)["findings"] == []


def test_writers_on_different_cases_all_succeed_on_one_global_chain(rt: Runtime, db_url: str) -> None:
    case_ids = [open_case(rt) for _ in range(PROCESSES)]

    outcomes = _run(add_records, [(db_url, case_id) for case_id in case_ids])

    assert sorted(outcomes) == sorted(("ok", case_id, 1 + RECORDS_EACH) for case_id in case_ids)
    expected_events = PROCESSES * (1 + RECORDS_EACH)
    assert _global_seqs(rt) == list(range(1, expected_events + 1))
    everything = services.verify_all(rt)
    assert everything["ok"], everything
    assert everything["global"]["events"] == expected_events
    for case_id in case_ids:
        events = services.case_events(rt, case_id)
        assert [e["seq"] for e in events] == list(range(1, RECORDS_EACH + 2))
        assert len(services.case_view(rt, case_id)["records"]) == RECORDS_EACH
