"""统一编号 under contention: many OS processes register documents at the same moment, on different cases,
with the same document prefix and year. The numbers must come out exactly 1..N, with no gap and no
duplicate, and every chain must still verify.

Each child process (``spawn``: a fresh interpreter) builds its own ``Runtime`` on the shared database, as
separate gunicorn workers would, waits on a barrier so that all of them write at once, and reports through a
queue. The suite runs this on SQLite (writers serialised by ``BEGIN IMMEDIATE``) and, with
``JUECE_TEST_DATABASE=postgres``, on PostgreSQL (the sequence row is locked by the upsert until the write
commits). The child bodies live in ``_numbering_race_workers``.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from procedures.normative_document import samples
from tests.conftest import apply
from tests.integration._numbering_race_workers import register_all
from tests.integration.test_race import PROCESSES, _run
from tests.procedures.normative_scenarios import OPINION, change, open_document, prefix, through, walk
from workflow import services
from workflow.adapters.orm import NumberSequence, Record
from workflow.services import Runtime

CASES_EACH = 4

pytestmark = pytest.mark.slow


def _adopted(rt: Runtime, count: int) -> list[int]:
    steps = through(walk(), "adopt")
    ids = []
    for n in range(count):
        case_id = open_document(rt, title=f"并发登记的规范性文件{n + 1}")
        apply(rt, case_id, steps)
        ids.append(case_id)
    return ids


def _unlawful(rt: Runtime) -> int:
    """A case stuck in legality review: its opinion found the draft unlawful."""
    case_id = open_document(rt, title="审核认定不合法的规范性文件")
    apply(rt, case_id, change(OPINION, conclusion="unlawful")(prefix("submit_for_discussion")))
    return case_id


def _number(document_no: str, prefix_: str) -> int:
    match = re.fullmatch(rf"{re.escape(prefix_)}〔2026〕(\d+)号", document_no)
    assert match, document_no
    return int(match.group(1))


@pytest.mark.parametrize("prefixes", [
    pytest.param((samples.PREFIX,), id="one-prefix"),
    pytest.param(("某政规", "某政办规"), id="two-prefixes-interleaved"),
])
def test_concurrent_registrations_number_exactly_one_to_n(rt: Runtime, db_url: str, prefixes: tuple[str, ...]) -> None:
    refused_case = _unlawful(rt)
    cases = _adopted(rt, PROCESSES * CASES_EACH)
    plan = [(cases[p * CASES_EACH:(p + 1) * CASES_EACH], prefixes[p % len(prefixes)]) for p in range(PROCESSES)]

    outcomes = _run(register_all, [(db_url, own, prefix_, refused_case) for own, prefix_ in plan])

    assert [o for o in outcomes if o[0] != "ok"] == []
    assert sorted(r for o in outcomes for r in o[2]) == ["invalid"] * len(cases) + ["not_accepted"] * len(cases)
    given = {case_id: number for o in outcomes for case_id, number in o[1]}
    assert sorted(given) == sorted(cases)  # every case got one number
    for prefix_ in prefixes:
        mine = [c for own, p in plan if p == prefix_ for c in own]
        numbers = sorted(_number(given[c], prefix_) for c in mine)
        assert numbers == list(range(1, len(mine) + 1)), numbers  # no gap, no duplicate

    # what the database holds: one registration per case, carrying the number its process was told
    with rt.db.read() as session:
        rows = session.execute(select(Record.case_id, Record.data).where(Record.type == "registration")).all()
        counters = {row.scope: row.last for row in session.scalars(select(NumberSequence))}
    assert {case_id: data["document_no"] for case_id, data in rows} == given
    assert len(rows) == len(cases)
    assert counters == {f'["normative_document","registration","{p}",2026]': sum(1 for _, q in plan if q == p) * CASES_EACH
                        for p in prefixes}
    assert services.case_view(rt, refused_case)["state"] == "legality_review"

    everything = services.verify_all(rt)
    assert everything["ok"], everything
    # and each registered document publishes under its own number (ND-42)
    for case_id in cases[:3]:
        apply(rt, case_id, [s for s in walk() if s.name in ("publication", "publish")])
        assert services.case_view(rt, case_id)["state"] == "published"
    assert services.verify_all(rt)["ok"]
