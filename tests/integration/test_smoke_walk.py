from procedures.major_decision import samples
from tests.conftest import START, apply, open_case, state_of
from workflow import services


def test_full_case_reaches_execution_and_verifies(rt):
    case_id = open_case(rt, hearing_required=True, expert_required=True, risk_assessment_required=True)
    apply(rt, case_id, samples.walk_to_execution(START))
    assert state_of(rt, case_id) == "in_execution"
    assert services.verify_case(rt, case_id)["ok"]
    assert services.compliance(rt, case_id) == {
        "case_id": case_id, "ok": True, "transitions_checked": 7, "findings": [],
    }
