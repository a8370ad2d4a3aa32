"""Child-process bodies for ``test_race``: kept apart so a spawned child imports only the engine."""

from __future__ import annotations

import datetime as dt
from typing import Any

from procedures import build_registry
from procedures.major_decision import samples
from workflow import services
from workflow.adapters.db import Database
from workflow.errors import VersionMismatch
from workflow.services import Actor, Runtime

NOW = dt.datetime(2026, 10, 20, 2, 0, tzinfo=dt.UTC)
START = dt.date(2026, 6, 1)
ORGAN = Actor("决策机关-王五", "decision_organ")
UNDERTAKING = Actor("承办单位-张三", "undertaking_unit")
RECORDS_EACH = 5
BARRIER_TIMEOUT = 120


def _fixed_clock() -> dt.datetime:
    return NOW


def _runtime(db_url: str) -> Runtime:
    return Runtime(db=Database(db_url), registry=build_registry(), clock=_fixed_clock)


def fire_start_drafting(db_url: str, case_id: int, expected_version: int, barrier: Any, results: Any) -> None:
    """Fire ``start_drafting`` with the version everyone read, right after the barrier opens."""
    rt = _runtime(db_url)
    try:
        barrier.wait(BARRIER_TIMEOUT)
        try:
            done = services.fire_trigger(rt, ORGAN, case_id, trigger="start_drafting",
                                         expected_version=expected_version)
        except VersionMismatch as exc:
            results.put(("version_mismatch", exc.details["current_version"]))
        else:
            results.put(("ok", done["version"]))
    except BaseException as exc:  # report anything else to the parent instead of dying silently
        results.put(("error", repr(exc)))
    finally:
        rt.db.dispose()


def add_records(db_url: str, case_id: int, barrier: Any, results: Any) -> None:
    """Add ``RECORDS_EACH`` records to this process's own case, each with the version it expects."""
    rt = _runtime(db_url)
    proposal = samples.opening_steps(START)[0].data
    try:
        barrier.wait(BARRIER_TIMEOUT)
        version = 1
        for _ in range(RECORDS_EACH):
            added = services.add_record(rt, UNDERTAKING, case_id, record_type="proposal", data=proposal,
                                        expected_version=version)
            version = added["case_version"]
        results.put(("ok", case_id, version))
    except BaseException as exc:
        results.put(("error", case_id, repr(exc)))
    finally:
        rt.db.dispose()
