"""三统一: the legal office's registration gets its number from the engine, in the write that adds it.

Numbers run 1, 2, 3… per document prefix and year with no gap and no repeat; a correction keeps its number;
a write that is refused or fails gives nothing away; a document the review found unlawful is never
registered or numbered (不登记、不编号). Concurrent writers are in tests/integration/test_numbering_race.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from procedures.normative_document import samples
from procedures.normative_document.samples import LEGAL, UNDERTAKING
from tests.conftest import ACTORS, START, apply
from tests.procedures.normative_scenarios import (
    DISCUSS,
    OPINION,
    assert_fires,
    assert_refused,
    build,
    change,
    latest,
    open_document,
    prefix,
    through,
    walk,
)
from workflow import services
from workflow.adapters.orm import NumberSequence
from workflow.errors import Forbidden, InvalidInput, RecordNotAccepted
from workflow.services import cases as case_services


def adopted(rt, count: int = 1) -> list[int]:
    """``count`` cases in ``decided``: adopted by the meeting, waiting for registration and publication."""
    ids = []
    for n in range(count):
        case_id = open_document(rt, title=f"规范性文件{n + 1}")
        apply(rt, case_id, through(walk(), "adopt"))
        ids.append(case_id)
    return ids


def register(rt, case_id: int, prefix_: str = samples.PREFIX, registered_on: str = "2026-07-03",
             **extra: Any) -> str:
    data = {**samples.registration(START, prefix=prefix_), "registered_on": registered_on, **extra}
    added = services.add_record(rt, ACTORS[LEGAL], case_id, record_type="registration", data=data)
    return str(added["data"]["document_no"])


def test_numbers_are_consecutive_per_prefix_and_year(rt):
    cases = adopted(rt, 3)
    assert [register(rt, c) for c in cases] == ["某政规〔2026〕1号", "某政规〔2026〕2号", "某政规〔2026〕3号"]


def test_each_prefix_has_its_own_sequence(rt):
    a, b, c, d = adopted(rt, 4)
    assert register(rt, a, "某政规") == "某政规〔2026〕1号"
    assert register(rt, b, "某政办规") == "某政办规〔2026〕1号"
    assert register(rt, c, "某政规") == "某政规〔2026〕2号"
    assert register(rt, d, "某政办规") == "某政办规〔2026〕2号"


def test_numbering_restarts_in_a_new_year_and_the_year_comes_from_the_registration_date(rt):
    a, b, c, d = adopted(rt, 4)
    assert register(rt, a, registered_on="2026-12-31") == "某政规〔2026〕1号"
    assert register(rt, b, registered_on="2027-01-04") == "某政规〔2027〕1号"
    assert register(rt, c, registered_on="2027-01-05") == "某政规〔2027〕2号"
    assert register(rt, d, registered_on="2026-12-30") == "某政规〔2026〕2号"  # a late entry for the old year


def test_a_correction_keeps_its_number_and_takes_none(rt):
    a, b = adopted(rt, 2)
    first = register(rt, a)
    old = latest(rt, a, "registration")
    corrected = services.add_record(
        rt, ACTORS[LEGAL], a, record_type="registration",
        data={**{k: v for k, v in old["data"].items() if k != "document_no"}, "title": "某市城市道路临时占用管理办法"},
        supersedes=old["id"], reason="文件名称登记有误")
    assert corrected["data"]["document_no"] == first == "某政规〔2026〕1号"
    assert corrected["data"]["title"] == "某市城市道路临时占用管理办法"
    assert register(rt, b) == "某政规〔2026〕2号"  # the correction consumed no number


def test_the_client_may_not_choose_the_number(rt):
    [case_id] = adopted(rt)
    with pytest.raises(InvalidInput) as raised:
        register(rt, case_id, document_no="某政规〔2026〕88号")
    assert raised.value.details["fields"] == {"document_no": ["is set by the system and may not be sent"]}
    assert register(rt, case_id) == "某政规〔2026〕1号"


def test_refused_writes_consume_no_number(rt):
    [case_id] = adopted(rt)
    version = services.case_view(rt, case_id)["version"]
    with pytest.raises(Forbidden):  # only the legal office registers
        services.add_record(rt, ACTORS[UNDERTAKING], case_id, record_type="registration",
                            data=samples.registration(START))
    with pytest.raises(InvalidInput):  # no prefix
        services.add_record(rt, ACTORS[LEGAL], case_id, record_type="registration",
                            data={k: v for k, v in samples.registration(START).items() if k != "prefix"})
    with pytest.raises(InvalidInput):  # the year cannot be read from the registration date
        register(rt, case_id, registered_on="2026-02-30")
    assert services.case_view(rt, case_id)["version"] == version
    assert register(rt, case_id) == "某政规〔2026〕1号"


def test_a_write_that_fails_after_taking_its_number_gives_it_back(rt, monkeypatch):
    """The number is taken inside the write's transaction: a failure later in the same write rolls it back."""
    first, second = adopted(rt, 2)

    def broken_hash(**_: Any) -> str:
        raise RuntimeError("disk full while hashing")

    with monkeypatch.context() as patched:
        patched.setattr(case_services, "record_hash", broken_hash)
        with pytest.raises(RuntimeError):
            register(rt, first)
    assert [r for r in services.case_view(rt, first)["records"] if r["type"] == "registration"] == []
    assert register(rt, second) == "某政规〔2026〕1号"
    assert register(rt, first) == "某政规〔2026〕2号"


def test_a_document_found_unlawful_is_never_registered_or_numbered(rt):
    """不登记、不编号: registration is accepted only after adoption, which needs a lawful review (ND-20)."""
    unlawful = build(rt, DISCUSS, changes=(change(OPINION, conclusion="unlawful"),))
    assert_refused(rt, unlawful, DISCUSS, {"ND-20"})
    with pytest.raises(RecordNotAccepted) as raised:
        services.add_record(rt, ACTORS[LEGAL], unlawful, record_type="registration", data=samples.registration(START))
    assert raised.value.details == {"record_type": "registration", "state": "legality_review", "accepted_in": ["decided"]}
    # sent back and rejected at the meeting: still never numbered
    rejected = build(rt, "reject")
    assert_fires(rt, rejected, "reject")
    with pytest.raises(RecordNotAccepted):
        services.add_record(rt, ACTORS[LEGAL], rejected, record_type="registration", data=samples.registration(START))
    [lawful] = adopted(rt)
    assert register(rt, lawful) == "某政规〔2026〕1号"  # the refusals gave no number away


def test_the_published_number_is_the_registered_one(rt):
    case_id = build(rt, "publish")
    number = latest(rt, case_id, "registration")["data"]["document_no"]
    assert number == "某政规〔2026〕1号"
    assert_fires(rt, case_id, "publish")
    view = services.case_view(rt, case_id)
    assert "document_no" not in latest(rt, case_id, "publication")["data"]
    assert view["state"] == "published"


def test_numbers_survive_verification_and_replay(rt):
    cases = adopted(rt, 3)
    numbers = [register(rt, c) for c in cases]
    for case_id in cases:
        apply(rt, case_id, [s for s in prefix("file_for_record") if s.name in ("publication", "publish")][-2:])
    everything = services.verify_all(rt)
    assert everything["ok"], everything
    assert [latest(rt, c, "registration")["data"]["document_no"] for c in cases] == numbers
    for case_id in cases:
        assert services.compliance(rt, case_id)["findings"] == []


def test_the_counter_rows_hold_the_last_number_of_each_scope(rt):
    """The scope is procedure + record type + prefix + year: no other procedure's numbers interfere."""
    a, b, c = adopted(rt, 3)
    register(rt, a)
    register(rt, b)
    register(rt, c, "某政办规")
    with rt.db.read() as session:
        rows = {row.scope: row.last for row in session.scalars(select(NumberSequence))}
    assert rows == {'["normative_document","registration","某政规",2026]': 2,
                    '["normative_document","registration","某政办规",2026]': 1}


def test_a_correction_that_changes_the_prefix_or_year_does_not_keep_a_number_of_another_register(rt):
    """It is numbered in its own register; the old number stays with the superseded record."""
    [case_id] = adopted(rt)
    register(rt, case_id)
    old = latest(rt, case_id, "registration")
    data = {**{k: v for k, v in old["data"].items() if k != "document_no"}, "prefix": "某政办规",
            "registered_on": "2027-01-04"}
    try:
        corrected = services.add_record(rt, ACTORS[LEGAL], case_id, record_type="registration", data=data,
                                        supersedes=old["id"], reason="发文机关代字登记有误")
    except InvalidInput:
        return
    assert corrected["data"]["document_no"] == "某政办规〔2027〕1号"
    assert services.verify_all(rt)["numbering"]["ok"]
