"""Child-process bodies for ``test_numbering_race``: kept apart so a spawned child imports only the engine."""

from __future__ import annotations

import datetime as dt
from typing import Any

from procedures import build_registry
from procedures.normative_document import samples
from workflow import services
from workflow.adapters.db import Database
from workflow.errors import InvalidInput, RecordNotAccepted
from workflow.services import Actor, Runtime

NOW = dt.datetime(2026, 10, 20, 2, 0, tzinfo=dt.UTC)
START = dt.date(2026, 6, 1)
LEGAL = Actor("法制机构-李四", "legal_office")
BARRIER_TIMEOUT = 120


def _fixed_clock() -> dt.datetime:
    return NOW


def register_all(db_url: str, case_ids: list[int], prefix: str, refused_case: int, barrier: Any,
                 results: Any) -> None:
    """Right after the barrier opens, register a document on each of this process's cases, in turn.

    Between them the process also sends a registration the engine refuses (bad data) and one for a case
    whose review found the draft unlawful (not accepted in its state): neither may take a number.
    """
    rt = Runtime(db=Database(db_url), registry=build_registry(), clock=_fixed_clock)
    data = samples.registration(START, prefix=prefix)
    numbers, refusals = [], []
    try:
        barrier.wait(BARRIER_TIMEOUT)
        for case_id in case_ids:
            added = services.add_record(rt, LEGAL, case_id, record_type="registration", data=data)
            numbers.append((case_id, added["data"]["document_no"]))
            try:
                services.add_record(rt, LEGAL, case_id, record_type="registration",
                                    data={**data, "registered_on": "2026-13-01"})
            except InvalidInput:
                refusals.append("invalid")
            try:
                services.add_record(rt, LEGAL, refused_case, record_type="registration", data=data)
            except RecordNotAccepted:
                refusals.append("not_accepted")
        results.put(("ok", numbers, refusals))
    except BaseException as exc:  # report anything else to the parent instead of dying silently
        results.put(("error", repr(exc), []))
    finally:
        rt.db.dispose()
