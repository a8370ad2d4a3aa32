"""Every endpoint of shared/spec/api.md (the dossier excepted: not built yet), read as a client would."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from procedures.major_decision import VERSIONS, samples
from tests.conftest import START
from tests.web.helpers import API, Http, prepare_case, state_paths
from workflow.definition import Procedure

HEX64 = re.compile(r"^[0-9a-f]{64}$")


@pytest.fixture
def procedure(app_rt) -> Procedure:
    return app_rt.registry.procedure("major_decision")


def _walk(http: Http, case_id: int, steps: list[samples.Step]) -> None:
    for step in steps:
        tag = http.current_etag(case_id)
        if step.action == "record":
            response = http.record(case_id, step.name, step.data, step.role, if_match=tag)
        else:
            response = http.fire(case_id, step.name, step.role, if_match=tag)
        assert response.status_code in (200, 201), (step, response.get_json())


# -- procedures -------------------------------------------------------------------------------------


def test_procedures_list_names_title_version_jurisdictions(http):
    response = http.get(f"{API}/procedures")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    (major,) = [p for p in response.get_json() if p["name"] == "major_decision"]
    assert major["version"] == VERSIONS[-1].version  # the latest version
    assert major["title"] == {"zh": "重大行政决策", "en": "Major administrative decision"}
    assert {"national", "qianjiang", "lishui", "liaoning", "henan", "gansu"} <= set(major["jurisdictions"])


def test_procedure_detail_has_states_triggers_rules_with_basis_and_record_fields(http, procedure):
    body = http.get(f"{API}/procedures/major_decision").get_json()
    assert body["name"] == "major_decision" and body["initial"] == "proposed"
    assert [s["name"] for s in body["states"]] == [s.name for s in procedure.states]
    assert {t["name"]: t["roles"] for t in body["triggers"]} == {t.name: list(t.roles) for t in procedure.triggers}
    assert [r["id"] for r in body["rules"]] == [r.id for r in procedure.rules]
    for rule in body["rules"]:
        assert rule["message"]["zh"] and rule["message"]["en"]
        assert set(rule["basis"]) == {"instrument", "article", "quote"} and all(rule["basis"].values())
    types = {r["name"]: r for r in body["record_types"]}
    assert set(types) == {r.name for r in procedure.record_types}
    assert types["draft"]["roles"] == ["undertaking_unit"]
    assert types["draft"]["accepted_in"] == ["drafting", "consultation"]
    legal_basis = next(f for f in types["draft"]["fields"] if f["name"] == "legal_basis")
    assert legal_basis == {"name": "legal_basis", "kind": "string_list", "label": "法律、法规、规章依据",
                           "label_en": "Legal basis (laws, regulations and rules)", "required": True, "min_items": 1}
    assert {p["name"] for p in body["jurisdictions"]} >= {"national"}


def test_procedure_diagram_is_mermaid_and_highlights_a_case(http):
    plain = http.get(f"{API}/procedures/major_decision/diagram").get_json()
    assert plain["procedure"] == "major_decision" and plain["version"] == VERSIONS[-1].version
    assert plain["highlight"] is None
    assert "stateDiagram-v2" in plain["mermaid"]
    assert "Class proposed s_active" in plain["mermaid"]  # no case: the initial state

    case_id = http.open_case_id()
    highlighted = http.get(f"{API}/procedures/major_decision/diagram?case={case_id}").get_json()
    assert highlighted["highlight"] == "proposed"
    assert "Class proposed s_active" in highlighted["mermaid"]


def test_procedure_diagram_follows_the_case_state(http, app_rt, procedure):
    case_id = prepare_case(app_rt, state_paths(procedure)["consultation"])
    body = http.get(f"{API}/procedures/major_decision/diagram?case={case_id}").get_json()
    assert body["highlight"] == "consultation"
    assert "Class consultation s_active" in body["mermaid"]
    assert "Class proposed s_default" in body["mermaid"]


# -- cases ------------------------------------------------------------------------------------------


def test_open_case_returns_201_location_etag_and_the_case(http):
    response = http.open_case(attributes={"hearing_required": True})
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"{API}/cases/{body['id']}"
    assert response.headers["ETag"] == f'"{body["version"]}"'
    assert body["state"] == "proposed" and body["version"] == 1
    assert body["opened_by"] == "web-undertaking_unit"
    assert body["attributes"]["hearing_required"] is True
    assert body["attributes"]["jurisdiction"] == "national"
    assert http.get(response.headers["Location"]).status_code == 200


def test_case_detail_has_etag_and_next_triggers_with_allowed_and_unmet(http):
    case_id = http.open_case_id()
    response = http.get(f"{API}/cases/{case_id}")
    assert response.status_code == 200
    body = response.get_json()
    assert response.headers["ETag"] == '"1"' and body["version"] == 1
    assert body["state"] == "proposed" and body["state_label"] == "决策动议"
    (start,) = body["next"]
    assert start["trigger"] == "start_drafting" and start["dest"] == "drafting"
    assert start["roles"] == ["decision_organ"]
    assert start["allowed"] is False
    assert [u["rule"] for u in start["unmet"]] == ["MD-01", "MD-02"]
    for unmet in start["unmet"]:
        assert set(unmet["basis"]) == {"instrument", "article", "quote"}

    _walk(http, case_id, samples.opening_steps(START)[:3])  # proposal, initiation, catalog entry
    (start,) = http.case(case_id)["next"]
    assert start["allowed"] is True and start["unmet"] == []
    english = http.get(f"{API}/cases/{case_id}?lang=en").get_json()
    assert english["state_label"] == "Proposed" and english["next"][0]["label"] == "Start drafting"


def test_case_list_paginates_newest_first(http):
    ids = [http.open_case_id(title=f"分页测试第{n}号决策") for n in range(5)]
    response = http.get(f"{API}/cases?page_size=2")
    assert response.status_code == 200
    assert [c["id"] for c in response.get_json()] == ids[::-1][:2]
    pagination = json.loads(response.headers["X-Pagination"])
    assert pagination["total"] == 5 and pagination["total_pages"] == 3
    assert pagination["page"] == 1 and pagination["next_page"] == 2
    last = http.get(f"{API}/cases?page_size=2&page=3")
    assert [c["id"] for c in last.get_json()] == [ids[0]]
    assert json.loads(last.headers["X-Pagination"])["page"] == 3
    summary = response.get_json()[0]
    assert set(summary) == {"id", "procedure", "procedure_version", "jurisdiction", "title", "state", "version",
                            "opened_at", "head_hash", "next_due_on"}


def test_case_list_filters_by_state_procedure_and_title(http, app_rt, procedure):
    fare = http.open_case_id(title="关于调整城市公共交通票价的决策")
    water = http.open_case_id(title="关于调整居民生活用水价格的决策")
    drafting = prepare_case(app_rt, state_paths(procedure)["drafting"], title="关于建设城市公园的决策")

    def ids(query: str) -> list[int]:
        response = http.get(f"{API}/cases?{query}")
        assert response.status_code == 200, response.get_json()
        return [c["id"] for c in response.get_json()]

    assert ids("state=proposed") == [water, fare]
    assert ids("state=drafting") == [drafting]
    assert ids("procedure=major_decision") == [drafting, water, fare]
    assert ids("procedure=no_such_procedure") == []
    assert ids("q=用水") == [water]
    assert ids("q=调整&state=proposed") == [water, fare]
    assert ids("q=%25") == []  # LIKE wildcards are escaped
    assert json.loads(http.get(f"{API}/cases?q=调整").headers["X-Pagination"])["total"] == 2


def test_records_post_returns_record_with_sha256_and_get_lists_them_in_order(http):
    case_id = http.open_case_id()
    proposal, initiation = samples.opening_steps(START)[:2]
    first = http.record(case_id, proposal.name, proposal.data, proposal.role)
    assert first.status_code == 201
    body = first.get_json()
    assert HEX64.match(body["sha256"])
    assert body["type"] == "proposal" and body["data"] == proposal.data
    assert body["case_version"] == 2 and first.headers["ETag"] == '"2"'
    assert body["recorded_by"] == "web-undertaking_unit" and body["role"] == "undertaking_unit"
    assert body["current"] is True and body["supersedes"] is None
    second = http.record(case_id, initiation.name, initiation.data, initiation.role, if_match='"2"')
    assert second.status_code == 201

    listed = http.get(f"{API}/cases/{case_id}/records").get_json()
    assert [r["type"] for r in listed] == ["proposal", "initiation_decision"]
    assert [r["seq"] for r in listed] == [2, 3]
    assert listed[0]["sha256"] == body["sha256"]


def test_record_correction_supersedes_the_old_record(http):
    case_id = http.open_case_id()
    proposal = samples.opening_steps(START)[0]
    old = http.record(case_id, "proposal", proposal.data, "undertaking_unit").get_json()
    fixed = http.record(case_id, "proposal", {**proposal.data, "problem": "公交运营亏损。"}, "undertaking_unit",
                        extra={"supersedes": old["id"], "reason": "更正问题表述"})
    assert fixed.status_code == 201, fixed.get_json()
    records = http.get(f"{API}/cases/{case_id}/records").get_json()
    assert [(r["id"], r["current"], r["superseded_by"]) for r in records] == [
        (old["id"], False, fixed.get_json()["id"]), (fixed.get_json()["id"], True, None)]


def test_transition_returns_new_state_version_and_etag(http):
    case_id = http.open_case_id()
    _walk(http, case_id, samples.opening_steps(START)[:3])
    response = http.fire(case_id, "start_drafting", "decision_organ", if_match='"4"', extra={"note": "同意启动"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"id": case_id, "state": "drafting", "version": 5, "invalidated": []}
    assert response.headers["ETag"] == '"5"'
    event = http.get(f"{API}/cases/{case_id}/events").get_json()[-1]
    assert event["kind"] == "transition"
    assert event["payload"]["note"] == "同意启动" and event["payload"]["source"] == "proposed"


# -- audit ------------------------------------------------------------------------------------------


def test_events_are_the_hash_chain(http):
    case_id = http.open_case_id()
    proposal = samples.opening_steps(START)[0]
    http.record(case_id, proposal.name, proposal.data, proposal.role)
    events = http.get(f"{API}/cases/{case_id}/events").get_json()
    assert [e["seq"] for e in events] == [1, 2]
    assert [e["kind"] for e in events] == ["case_opened", "record_added"]
    for event in events:
        assert {"seq", "at", "actor", "role", "kind", "payload", "prev_hash", "hash"} <= set(event)
        assert HEX64.match(event["hash"])
    assert events[1]["prev_hash"] == events[0]["hash"]
    assert events[0]["actor"] == "web-undertaking_unit" and events[0]["role"] == "undertaking_unit"
    assert http.case(case_id)["head_hash"] == events[-1]["hash"]


def test_verify_recomputes_the_chain(http):
    case_id = http.open_case_id()
    body = http.get(f"{API}/cases/{case_id}/verify").get_json()
    assert {k: body[k] for k in ("ok", "events", "broken_at", "case_id")} == {
        "ok": True, "events": 1, "broken_at": None, "case_id": case_id}
    assert body["head"] == http.case(case_id)["head_hash"]


def test_replay_by_seq_and_at(http, app_rt):
    case_id = http.open_case_id()
    opening = samples.opening_steps(START)
    _walk(http, case_id, opening[:4])  # three records, then start_drafting at seq 5
    by_seq = http.get(f"{API}/cases/{case_id}/replay?seq=2").get_json()
    assert by_seq["state"] == "proposed" and by_seq["as_of_seq"] == 2
    assert [r["type"] for r in by_seq["records"]] == ["proposal"]
    assert by_seq["attributes"]["jurisdiction"] == "national"
    assert http.get(f"{API}/cases/{case_id}/replay?seq=5").get_json()["state"] == "drafting"

    app_rt.clock.advance(hours=1)
    http.record(case_id, opening[4].name, opening[4].data, opening[4].role)  # the draft, an hour later
    before = (app_rt.clock.now - dt.timedelta(minutes=30)).isoformat()
    at = http.get(f"{API}/cases/{case_id}/replay", query_string={"at": before})
    assert at.status_code == 200, at.get_json()
    assert at.get_json()["as_of_seq"] == 5 and at.get_json()["state"] == "drafting"
    assert "draft" not in [r["type"] for r in at.get_json()["records"]]
    now = http.get(f"{API}/cases/{case_id}/replay", query_string={"at": app_rt.clock.now.isoformat()}).get_json()
    assert now["as_of_seq"] == 6


def test_attempts_list_refused_transitions(http):
    case_id = http.open_case_id()
    refused = http.fire(case_id, "start_drafting", "decision_organ", if_match='"1"')
    assert refused.status_code == 409
    (attempt,) = http.get(f"{API}/cases/{case_id}/attempts").get_json()
    assert attempt["actor"] == "web-decision_organ" and attempt["role"] == "decision_organ"
    assert attempt["trigger"] == "start_drafting" and attempt["state"] == "proposed"
    assert attempt["outcome"] == "requirements_unmet" and attempt["case_version"] == 1
    assert [u["rule"] for u in attempt["unmet"]] == ["MD-01", "MD-02"]


def test_compliance_of_a_fresh_case(http):
    case_id = http.open_case_id()
    assert http.get(f"{API}/cases/{case_id}/compliance").get_json() == {
        "case_id": case_id, "ok": True, "transitions_checked": 0, "findings": []}


def test_audit_verify_covers_every_case(http):
    first, second = http.open_case_id(), http.open_case_id()
    body = http.get(f"{API}/audit/verify").get_json()
    assert body["ok"] is True
    assert [c["case_id"] for c in body["cases"]] == [first, second]
    assert all(c["ok"] for c in body["cases"])


def test_audit_verify_reports_the_global_chain(http):
    http.open_case_id()
    body = http.get(f"{API}/audit/verify").get_json()
    assert body["global"]["ok"] is True
    assert body["global"]["events"] >= 6  # five users added, one case opened


# -- outside /api/v1 --------------------------------------------------------------------------------


def test_healthz(client, app):
    response = client.get("/healthz")
    assert response.status_code == 200
    expected = "postgresql" if app.extensions["juece"].db.url.startswith("postgresql") else "sqlite"
    assert response.get_json() == {"ok": True, "database": expected}


def test_api_docs_served_with_local_assets_only(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "swagger" in page.lower()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets, "the page loads its assets"
    for asset in assets:
        assert asset.startswith("/static/"), asset
        asset_response = client.get(asset)
        assert asset_response.status_code == 200, asset
        asset_response.close()
    assert "//" not in " ".join(assets)
    assert not re.search(r"https?://", page), "no CDN, no external fonts"
    assert '"/api/openapi.json"' in page


def test_openapi_json_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.")
    assert "/api/v1/cases/{case_id}/transitions" in doc["paths"]



def test_case_list_overdue_filter_exists(client):
    parameters = client.get("/api/openapi.json").get_json()["paths"]["/api/v1/cases"]["get"]["parameters"]
    assert "overdue" in {p["name"] for p in parameters}
