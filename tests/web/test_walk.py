"""A whole case over HTTP, proposed → in_execution, as the roles would send it; and the actor of every
write is the token's user, whatever the body says."""

from __future__ import annotations

from procedures.major_decision import samples
from tests.conftest import START
from tests.web.helpers import API, CASE_ATTRIBUTES


def test_full_case_over_http_with_if_match_every_step(http, registry):
    procedure = registry.procedure("major_decision")
    opened = http.open_case(attributes=CASE_ATTRIBUTES)
    assert opened.status_code == 201
    case_id, tag = opened.get_json()["id"], opened.headers["ETag"]
    steps = samples.walk_to_execution(START)
    state, transition_seqs = "proposed", {}
    for number, step in enumerate(steps, start=2):
        if step.action == "record":
            response = http.record(case_id, step.name, step.data, step.role, if_match=tag)
            assert response.status_code == 201, (step.name, response.get_json())
        else:
            response = http.fire(case_id, step.name, step.role, if_match=tag)
            assert response.status_code == 200, (step.name, response.get_json())
            state = procedure.trigger(step.name).dest
            assert response.get_json()["state"] == state
            transition_seqs[number] = state
        assert response.headers["ETag"] == f'"{number}"'  # one event per write, the version follows it
        tag = response.headers["ETag"]

    case = http.case(case_id)
    assert case["state"] == "in_execution" and case["version"] == len(steps) + 1
    assert len(transition_seqs) == 7

    verify = http.get(f"{API}/cases/{case_id}/verify").get_json()
    assert verify["ok"] is True and verify["broken_at"] is None
    assert verify["events"] == len(steps) + 1 and verify["head"] == case["head_hash"]

    assert http.get(f"{API}/cases/{case_id}/compliance").get_json() == {
        "case_id": case_id, "ok": True, "transitions_checked": 7, "findings": []}

    events = http.get(f"{API}/cases/{case_id}/events").get_json()
    assert len(events) == len(steps) + 1
    assert [e["kind"] for e in events].count("transition") == 7
    assert [e["role"] for e in events[1:]] == [s.role for s in steps]
    assert all(e["actor"] == f"web-{e['role']}" for e in events)

    records = http.get(f"{API}/cases/{case_id}/records").get_json()
    assert [r["type"] for r in records] == [s.name for s in steps if s.action == "record"]
    archive = next(r for r in records if r["type"] == "archive_record")
    assert archive["data"]["case_chain_head"] == events[archive["seq"] - 2]["hash"]  # the head before it

    for seq, expected in transition_seqs.items():
        assert http.get(f"{API}/cases/{case_id}/replay?seq={seq}").get_json()["state"] == expected
        assert http.get(f"{API}/cases/{case_id}/replay?seq={seq - 1}").get_json()["state"] != expected
    first = http.get(f"{API}/cases/{case_id}/replay?seq=1").get_json()
    assert first["state"] == "proposed" and first["records"] == [] and first["attributes"]["hearing_required"]
    assert http.get(f"{API}/cases/{case_id}/attempts").get_json() == []
    assert http.get(f"{API}/audit/verify").get_json()["ok"] is True


def test_actor_cannot_be_set_in_a_record_body(http):
    case_id = http.open_case_id()
    proposal = samples.opening_steps(START)[0]
    before = http.footprint(case_id)
    for extra in ({"actor": "某领导"}, {"role": "admin"}, {"recorded_by": "某领导"}):
        response = http.record(case_id, proposal.name, proposal.data, "undertaking_unit", extra=extra)
        assert response.status_code == 422, extra
        body = response.get_json()
        assert body["error"] == "invalid" and list(body["fields"]) == list(extra)
    assert http.footprint(case_id) == before

    assert http.record(case_id, proposal.name, proposal.data, "undertaking_unit").status_code == 201
    event = http.get(f"{API}/cases/{case_id}/events").get_json()[-1]
    assert (event["actor"], event["role"]) == ("web-undertaking_unit", "undertaking_unit")
    record = http.get(f"{API}/cases/{case_id}/records").get_json()[-1]
    assert (record["recorded_by"], record["role"]) == ("web-undertaking_unit", "undertaking_unit")


def test_actor_cannot_be_set_in_a_transition_or_case_body(http):
    response = http.post(f"{API}/cases", {**samples.case_fields(), "actor": "某领导"}, "undertaking_unit")
    assert response.status_code == 422 and "actor" in response.get_json()["fields"]
    assert http.get(f"{API}/cases").get_json() == []

    case_id = http.open_case_id(role="decision_organ")
    assert http.case(case_id)["opened_by"] == "web-decision_organ"
    response = http.fire(case_id, "start_drafting", "decision_organ", if_match='"1"',
                         extra={"actor": "admin", "role": "admin"})
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {"actor", "role"}
    assert http.get(f"{API}/cases/{case_id}/attempts").get_json() == []  # rejected before any attempt

    opened = http.get(f"{API}/cases/{case_id}/events").get_json()[0]
    assert (opened["actor"], opened["role"]) == ("web-decision_organ", "decision_organ")


def test_the_admin_acts_as_admin(http):
    """An admin may write anything; the event says admin, not the role the definition names."""
    case_id = http.open_case_id(role="admin")
    step = samples.opening_steps(START)[1]  # initiation_decision: the organ's record
    assert http.record(case_id, step.name, step.data, "admin").status_code == 201
    events = http.get(f"{API}/cases/{case_id}/events").get_json()
    assert [(e["actor"], e["role"]) for e in events] == [("web-admin", "admin")] * 2
