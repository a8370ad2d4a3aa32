"""Record acceptance per state, role enforcement, unavailable triggers and stale versions."""

from __future__ import annotations

import pytest

from procedures.major_decision import samples
from procedures.major_decision.samples import LEGAL, ORGAN, UNDERTAKING
from procedures.major_decision.v1 import PROCEDURE
from tests.conftest import ACTORS, ADMIN, AUDITOR, apply, open_case, state_of
from tests.procedures.scenarios import DISCUSS, OPINION, SUBMIT, actor_for, build, prefix, sample
from workflow import services
from workflow.errors import (
    Forbidden,
    InvalidTransition,
    RecordNotAccepted,
    RecordTypeNotFound,
    VersionMismatch,
)


def version_of(rt, case_id) -> int:
    return services.case_view(rt, case_id)["version"]


# -- record acceptance -------------------------------------------------------------------------------


@pytest.mark.parametrize("before_trigger, role, record_type, accepted_in", [
    (SUBMIT, LEGAL, OPINION, ["legality_review"]),
    ("start_drafting", UNDERTAKING, "comment_notice", ["consultation"]),
    (DISCUSS, ORGAN, "meeting_minutes", ["discussion"]),
    ("publish", ORGAN, "archive_record", ["published"]),
    ("archive", UNDERTAKING, "execution_report", ["in_execution", "suspended"]),
])
def test_record_is_accepted_only_where_it_makes_sense(rt, before_trigger, role, record_type, accepted_in):
    case_id = build(rt, before_trigger)
    state, version = state_of(rt, case_id), version_of(rt, case_id)
    with pytest.raises(RecordNotAccepted) as raised:
        services.add_record(rt, ACTORS[role], case_id, record_type=record_type, data=sample(record_type).data)
    assert raised.value.details == {"record_type": record_type, "state": state, "accepted_in": accepted_in}
    assert version_of(rt, case_id) == version


def test_no_records_after_a_final_state(rt):
    case_id = build(rt, "reject")
    services.fire_trigger(rt, ACTORS[ORGAN], case_id, trigger="reject")
    with pytest.raises(RecordNotAccepted) as raised:
        services.add_record(rt, ACTORS[ORGAN], case_id, record_type="meeting_minutes", data=sample("meeting_minutes").data)
    assert raised.value.details["state"] == "rejected"


def test_unknown_record_type(rt):
    case_id = open_case(rt)
    with pytest.raises(RecordTypeNotFound) as raised:
        services.add_record(rt, ACTORS[ORGAN], case_id, record_type="memo", data={})
    assert "initiation_decision" in raised.value.details["available"]


# -- roles -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role, record_type, allowed", [
    (UNDERTAKING, OPINION, ["admin", "legal_office"]),
    (LEGAL, "meeting_minutes", ["admin", "decision_organ"]),
    (UNDERTAKING, "exploratory_reform_statement", ["admin", "decision_organ"]),
    (ORGAN, "revision_note", ["admin", "undertaking_unit"]),
])
def test_only_the_named_roles_may_record(rt, role, record_type, allowed):
    case_id = build(rt, DISCUSS)  # in legality_review
    version = version_of(rt, case_id)
    with pytest.raises(Forbidden) as raised:
        services.add_record(rt, ACTORS[role], case_id, record_type=record_type, data=sample(record_type).data)
    assert raised.value.details == {"role": role, "allowed_roles": allowed}
    assert version_of(rt, case_id) == version


def test_only_the_named_roles_may_fire(rt):
    case_id = build(rt, "start_drafting")
    with pytest.raises(Forbidden) as raised:
        services.fire_trigger(rt, ACTORS[UNDERTAKING], case_id, trigger="start_drafting")
    assert raised.value.details["allowed_roles"] == ["admin", "decision_organ"]
    attempt = services.case_attempts(rt, case_id)[-1]
    assert (attempt["trigger"], attempt["outcome"], attempt["role"]) == ("start_drafting", "forbidden", UNDERTAKING)
    assert state_of(rt, case_id) == "proposed"


def test_auditor_can_write_nothing(rt):
    with pytest.raises(Forbidden):
        services.open_case(rt, AUDITOR, **samples.case_fields())
    case_id = build(rt, "start_drafting")
    version = version_of(rt, case_id)
    for kind in PROCEDURE.record_types:
        with pytest.raises(Forbidden) as raised:
            services.add_record(rt, AUDITOR, case_id, record_type=kind.name, data={})
        assert "auditor" not in raised.value.details["allowed_roles"]
    with pytest.raises(Forbidden):
        services.change_attribute(rt, AUDITOR, case_id, name="hearing_required", value=True, reason="审计认为应当听证")
    with pytest.raises(Forbidden):
        services.fire_trigger(rt, AUDITOR, case_id, trigger="start_drafting")
    assert version_of(rt, case_id) == version and state_of(rt, case_id) == "proposed"
    assert services.case_attempts(rt, case_id)[-1]["outcome"] == "forbidden"
    # reading is what an auditor does
    assert services.compliance(rt, case_id)["ok"]


def test_admin_can_record_and_fire_anything(rt):
    case_id = services.open_case(rt, ADMIN, **samples.case_fields())["id"]
    for step in prefix("open_consultation"):
        if step.action == "record":
            services.add_record(rt, ADMIN, case_id, record_type=step.name, data=step.data)
        else:
            services.fire_trigger(rt, ADMIN, case_id, trigger=step.name)
    services.fire_trigger(rt, ADMIN, case_id, trigger="open_consultation")
    assert state_of(rt, case_id) == "consultation"
    assert {r["role"] for r in services.case_view(rt, case_id)["records"]} == {"admin"}


# -- unavailable triggers ----------------------------------------------------------------------------


@pytest.mark.parametrize("before_trigger, trigger, available", [
    ("start_drafting", "adopt", ["start_drafting"]),
    ("start_drafting", "no_such_trigger", ["start_drafting"]),
    (DISCUSS, "return_for_supplement_now", ["return_for_supplement", "submit_for_discussion"]),
    ("major_adjustment", "publish", ["suspend", "start_post_evaluation", "major_adjustment", "terminate"]),
    ("resume", "adopt", ["resume", "expire"]),
])
def test_unavailable_trigger_names_the_available_ones(rt, before_trigger, trigger, available):
    case_id = build(rt, before_trigger)
    state, version = state_of(rt, case_id), version_of(rt, case_id)
    with pytest.raises(InvalidTransition) as raised:
        services.fire_trigger(rt, ACTORS[ORGAN], case_id, trigger=trigger)
    assert raised.value.details == {"trigger": trigger, "state": state, "available": available}
    assert (state_of(rt, case_id), version_of(rt, case_id)) == (state, version)
    attempt = services.case_attempts(rt, case_id)[-1]
    assert (attempt["trigger"], attempt["outcome"], attempt["state"]) == (trigger, "invalid_transition", state)


def test_final_state_has_no_triggers(rt):
    case_id = build(rt, "reject")
    services.fire_trigger(rt, ACTORS[ORGAN], case_id, trigger="reject")
    with pytest.raises(InvalidTransition) as raised:
        services.fire_trigger(rt, ACTORS[ORGAN], case_id, trigger="resume")
    assert raised.value.details["available"] == []
    assert services.case_view(rt, case_id)["next"] == []


# -- stale versions ----------------------------------------------------------------------------------


def test_stale_version_is_refused_and_not_logged(rt):
    case_id = build(rt, "start_drafting")
    version = version_of(rt, case_id)
    with pytest.raises(VersionMismatch) as raised:
        services.fire_trigger(rt, ACTORS[ORGAN], case_id, trigger="start_drafting", expected_version=version - 1)
    assert raised.value.details == {"case_id": case_id, "current_version": version}
    with pytest.raises(VersionMismatch):
        services.add_record(rt, ACTORS[ORGAN], case_id, record_type="catalog_entry",
                            data=sample("catalog_entry").data, expected_version=version + 1)
    assert services.case_attempts(rt, case_id) == []
    assert (state_of(rt, case_id), version_of(rt, case_id)) == ("proposed", version)
    result = services.fire_trigger(rt, actor_for("start_drafting"), case_id, trigger="start_drafting",
                                   expected_version=version)
    assert (result["state"], result["version"]) == ("drafting", version + 1)


def test_version_check_comes_before_the_rules(rt):
    """A stale client learns of the newer version, not of rules judged on a case it has not seen."""
    case_id = open_case(rt)
    apply(rt, case_id, [sample("proposal")])
    with pytest.raises(VersionMismatch):
        services.fire_trigger(rt, ACTORS[ORGAN], case_id, trigger="start_drafting", expected_version=0)
    assert services.case_attempts(rt, case_id) == []
