"""Verification covers the projections and the head row; profiles are pinned; text must be real Unicode."""

import dataclasses
import sqlite3

import pytest

from procedures import all_procedures
from procedures.major_decision import samples
from procedures.profiles.national import NATIONAL
from tests.conftest import ORGAN, START, UNDERTAKING, apply, open_case
from workflow import services
from workflow.definition import Parameter
from workflow.errors import InvalidInput
from workflow.registry import ProcedureRegistry
from workflow.services import Runtime

pytestmark = pytest.mark.sqlite_only  # reads or edits the SQLite file directly


def _sql(rt, statement):
    path = rt.db.url.split("///", 1)[1]
    with sqlite3.connect(path) as connection:
        connection.execute(statement)


@pytest.mark.parametrize("statement", [
    "UPDATE records SET recorded_by = 'someone else' WHERE id = 1",
    "UPDATE records SET role = 'admin' WHERE id = 1",
    "UPDATE cases SET procedure_version = 1",
    "UPDATE cases SET title = 'another title'",
    "UPDATE cases SET version = version + 1",
])
def test_edited_projection_rows_fail_verification(rt, statement):
    case_id = open_case(rt)
    apply(rt, case_id, samples.opening_steps(START)[:2])
    assert services.verify_case(rt, case_id)["ok"]
    _sql(rt, statement)
    result = services.verify_case(rt, case_id)
    assert not result["ok"] and result["reason"]


def test_deleted_tail_of_the_global_chain_is_detected_by_the_head_row(rt):
    case_id = open_case(rt)
    apply(rt, case_id, samples.opening_steps(START)[:2])
    _sql(rt, "DELETE FROM records WHERE id = 2")
    _sql(rt, "DELETE FROM events WHERE global_seq = (SELECT max(global_seq) FROM events)")
    _sql(rt, "UPDATE cases SET head_seq = head_seq - 1, version = version - 1, "
             "head_hash = (SELECT hash FROM events WHERE case_id = cases.id ORDER BY seq DESC LIMIT 1)")
    report = services.verify_all(rt)
    assert services.verify_case(rt, case_id)["ok"]  # the shortened case chain is self-consistent...
    assert not report["global"]["ok"]  # ...but the head row still names the deleted event
    assert "head row" in report["global"]["reason"]


def test_profile_values_are_pinned_to_the_case(rt, clock):
    case_id = open_case(rt)
    looser = dataclasses.replace(NATIONAL, version=2, parameters={**NATIONAL.parameters,
                                                                  "catalog_required": Parameter(False, "test")})
    later = Runtime(db=rt.db, registry=ProcedureRegistry(all_procedures(), [looser]), clock=clock)
    services.add_record(later, ORGAN, case_id, record_type="initiation_decision",
                        data={"decided_on": "2026-05-01", "undertaking_unit": "某市交通运输局"})
    unmet = [u["rule"] for u in services.case_view(later, case_id)["next"][0]["unmet"]]
    assert unmet == ["MD-02"]  # the catalog rule of the profile the case was opened under still applies
    new_case = open_case(later)
    services.add_record(later, ORGAN, new_case, record_type="initiation_decision",
                        data={"decided_on": "2026-05-01", "undertaking_unit": "某市交通运输局"})
    assert services.case_view(later, new_case)["next"][0]["allowed"]


@pytest.mark.parametrize("bad", ["\ud800", "ok\udfff"])
def test_lone_surrogates_are_refused_not_crashed(rt, bad):
    case_id = open_case(rt)
    with pytest.raises(InvalidInput):
        services.add_record(rt, UNDERTAKING, case_id, record_type="proposal", data={
            "proposer": bad, "proposer_kind": "department", "problem": "p", "grounds": "g"})
    with pytest.raises(InvalidInput):
        services.open_case(rt, UNDERTAKING, procedure="major_decision", title=bad, decision_organ="o",
                           undertaking_unit="u")


def test_a_case_whose_whole_chain_was_deleted_fails_verification(rt):
    case_id = open_case(rt)
    _sql(rt, f"DELETE FROM events WHERE case_id = {case_id}")
    result = services.verify_case(rt, case_id)
    assert not result["ok"] and "no events" in result["reason"]
    assert not services.verify_all(rt)["ok"]
