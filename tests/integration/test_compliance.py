"""Compliance replay catches a transition that should have been refused, even when the chain is intact.

An insider with database access can append a well-hashed event that skips a step; the hashes then verify,
but re-running the rules with only the records that existed at that moment exposes it.
"""

from sqlalchemy import select

from procedures.major_decision import samples
from tests.conftest import START, UNDERTAKING, apply, open_case
from workflow import services
from workflow.adapters.orm import Case
from workflow.ledger import EventKind, format_time
from workflow.services import _append


def _forge_transition(rt, case_id, trigger, source, dest, actor=UNDERTAKING):
    with rt.db.write() as session:
        case = session.scalars(select(Case).where(Case.id == case_id)).one()
        payload = {"trigger": trigger, "source": source, "dest": dest, "rules": [], "note": None, "invalidated": []}
        case.state = dest
        _append(session, rt, case=case, kind=EventKind.TRANSITION, payload=payload, actor=actor,
                at=format_time(rt.clock()))


def test_forged_skip_of_legality_review_is_a_finding_while_the_chain_verifies(rt):
    case_id = open_case(rt)
    apply(rt, case_id, samples.opening_steps(START))
    _forge_transition(rt, case_id, "submit_for_legality_review", "consultation", "legality_review")
    assert services.verify_case(rt, case_id)["ok"]
    report = services.compliance(rt, case_id)
    assert not report["ok"]
    [finding] = report["findings"]
    assert finding["trigger"] == "submit_for_legality_review"
    assert {"MD-10", "MD-16"} <= {u["rule"] for u in finding["unmet"]}


def test_forged_transition_by_the_wrong_role_is_a_finding(rt):
    case_id = open_case(rt)
    apply(rt, case_id, samples.opening_steps(START)[:3])  # records for start_drafting, not the trigger
    _forge_transition(rt, case_id, "start_drafting", "proposed", "drafting", actor=UNDERTAKING)
    [finding] = services.compliance(rt, case_id)["findings"]
    assert "role 'undertaking_unit'" in finding["problem"]


def test_forged_transition_to_the_wrong_state_is_a_finding(rt):
    case_id = open_case(rt)
    _forge_transition(rt, case_id, "start_drafting", "proposed", "decided")
    [finding] = services.compliance(rt, case_id)["findings"]
    assert finding["trigger"] == "start_drafting"


def test_replay_by_time_and_by_seq(rt, clock):
    case_id = open_case(rt)
    before = clock.now
    clock.advance(hours=1)
    apply(rt, case_id, samples.opening_steps(START)[:4])
    assert services.replay(rt, case_id, at=before)["state"] == "proposed"
    assert services.replay(rt, case_id, at=clock.now)["state"] == "drafting"
    as_of_3 = services.replay(rt, case_id, seq=3)
    assert as_of_3["as_of_seq"] == 3 and len(as_of_3["records"]) == 2
