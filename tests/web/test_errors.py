"""Every row of the error table in shared/spec/api.md: the exact JSON shape, and a refused write changes
nothing (case version, state, events, records)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from procedures.major_decision import samples
from tests.conftest import START
from tests.web.helpers import API, Http, add_tokens, make_app, prepare_case, runtime, state_paths


def assert_error(response, status: int, code: str, *details: str) -> dict:
    """``{"error": code, "message": text, ...details}`` as JSON, never HTML."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert set(details) <= set(body), body
    assert "<html" not in response.get_data(as_text=True).lower()
    return body


@pytest.fixture
def case_id(http: Http) -> int:
    return http.open_case_id()


@pytest.fixture
def unchanged(http: Http, case_id: int) -> Iterator[None]:
    """The case looks the same after the test as before it."""
    before = http.footprint(case_id)
    yield
    assert http.footprint(case_id) == before


PROPOSAL = samples.opening_steps(START)[0]


# -- 400 --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "content_type"), [
    ("type=proposal", "application/x-www-form-urlencoded"),
    ('{"type": "proposal"}', "text/plain"),
    ("{not json", "application/json"),
    ("", "application/json"),
], ids=["form", "text-plain", "malformed-json", "empty"])
def test_400_body_not_json(http, case_id, unchanged, data, content_type):
    response = http.client.post(f"{API}/cases/{case_id}/records", data=data, content_type=content_type,
                                headers=http.headers("undertaking_unit"))
    assert_error(response, 400, "bad_request")


@pytest.mark.parametrize("body", [[], ["proposal"], "proposal", 42, None, True],
                         ids=["empty-list", "list", "string", "number", "null", "bool"])
def test_400_json_not_an_object(http, case_id, unchanged, body):
    for path in (f"{API}/cases/{case_id}/records", f"{API}/cases/{case_id}/transitions", f"{API}/cases"):
        response = http.client.post(path, json=body, headers=http.headers("admin", if_match=1))
        assert_error(response, 400, "bad_request")


def test_400_if_match_not_a_version(http, case_id, unchanged):
    for bad in ("abc", '"-1"', '"1.5"', "*"):
        response = http.fire(case_id, "start_drafting", "decision_organ", if_match=bad)
        assert_error(response, 400, "bad_request")


# -- 401 / 403 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Bearer ", "Bearer not-a-token", "Basic YWRtaW46YWRtaW4=",
                                           "not-a-token"])
def test_401_missing_or_bad_token(http, case_id, unchanged, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    reads = [f"{API}/procedures", f"{API}/cases", f"{API}/cases/{case_id}", f"{API}/cases/{case_id}/events",
             f"{API}/audit/verify", f"{API}/cases/{case_id}/replay?seq=1"]
    for path in reads:
        assert_error(http.client.get(path, headers=headers), 401, "unauthenticated")
    writes = [(f"{API}/cases/{case_id}/records", {"type": PROPOSAL.name, "data": PROPOSAL.data}),
              (f"{API}/cases/{case_id}/transitions", {"trigger": "start_drafting"}),
              (f"{API}/cases", samples.case_fields())]
    for path, body in writes:
        response = http.client.post(path, json=body, headers={**headers, "If-Match": '"1"'})
        assert_error(response, 401, "unauthenticated")


def test_401_token_of_another_app_user_is_not_enough(http, case_id, unchanged):
    token = http.tokens["admin"]
    response = http.client.get(f"{API}/cases", headers={"Authorization": f"Bearer {token[:-1]}x"})
    assert_error(response, 401, "unauthenticated")


def test_403_names_the_roles_that_may(http, case_id, unchanged):
    body = assert_error(http.record(case_id, PROPOSAL.name, PROPOSAL.data, "legal_office"), 403, "forbidden",
                        "allowed_roles")
    assert body["allowed_roles"] == ["admin", "decision_organ", "undertaking_unit"]
    body = assert_error(http.record(case_id, PROPOSAL.name, PROPOSAL.data, "auditor"), 403, "forbidden")
    assert "auditor" not in body["allowed_roles"]
    body = assert_error(http.fire(case_id, "start_drafting", "undertaking_unit", if_match=1), 403, "forbidden")
    assert body["allowed_roles"] == ["admin", "decision_organ"]
    body = assert_error(http.open_case(role="legal_office"), 403, "forbidden")
    assert body["allowed_roles"] == ["admin", "decision_organ", "undertaking_unit"]


# -- 404 / 405 --------------------------------------------------------------------------------------


def test_404_unknown_case(http, case_id, unchanged):
    missing = case_id + 1000
    for suffix in ("", "/records", "/events", "/verify", "/replay?seq=1", "/attempts", "/compliance"):
        assert_error(http.get(f"{API}/cases/{missing}{suffix}"), 404, "not_found")
    assert_error(http.get(f"{API}/procedures/major_decision/diagram?case={missing}"), 404, "not_found")
    assert_error(http.record(missing, PROPOSAL.name, PROPOSAL.data, "admin"), 404, "not_found")
    assert_error(http.fire(missing, "start_drafting", "admin", if_match=1), 404, "not_found")


def test_404_unknown_procedure(http, case_id, unchanged):
    assert_error(http.get(f"{API}/procedures/no_such_procedure"), 404, "not_found")
    assert_error(http.get(f"{API}/procedures/no_such_procedure/diagram"), 404, "not_found")
    response = http.post(f"{API}/cases", {**samples.case_fields(), "procedure": "no_such_procedure"}, "admin")
    assert_error(response, 404, "not_found")


def test_404_unknown_record_type(http, case_id, unchanged):
    body = assert_error(http.record(case_id, "no_such_type", {}, "admin"), 404, "not_found")
    assert "proposal" in body["available"]


def test_405_and_unknown_routes_are_json(http, case_id, unchanged):
    response = http.client.delete(f"{API}/cases/{case_id}", headers=http.headers("admin"))
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]
    assert_error(http.client.put(f"{API}/cases/{case_id}/records", json={}, headers=http.headers("admin")),
                 405, "method_not_allowed")
    assert_error(http.get(f"{API}/no_such_route"), 404, "not_found")
    assert_error(http.get(f"{API}/cases/not-a-number"), 404, "not_found")
    assert_error(http.get("/no_such_page"), 404, "not_found")


# -- 409 --------------------------------------------------------------------------------------------


def test_409_requirements_unmet_lists_every_unmet_rule_with_its_basis(http, app_rt, registry):
    """In consultation with nothing recorded and every consultation required, five rules are unmet."""
    case_id = prepare_case(app_rt, state_paths(registry.procedure("major_decision"))["consultation"])
    before = http.footprint(case_id)
    response = http.fire(case_id, "submit_for_legality_review", "undertaking_unit", if_match=before["version"])
    body = assert_error(response, 409, "requirements_unmet", "trigger", "state", "unmet")
    assert body["trigger"] == "submit_for_legality_review" and body["state"] == "consultation"
    assert [u["rule"] for u in body["unmet"]] == ["MD-10", "MD-13", "MD-14", "MD-15", "MD-16"]
    for unmet in body["unmet"]:
        assert isinstance(unmet["message"], str) and unmet["message"]
        assert set(unmet["basis"]) == {"instrument", "article", "quote"}
        assert all(isinstance(v, str) and v for v in unmet["basis"].values())
    rules = {r.id: r for r in registry.procedure("major_decision").rules}
    assert all(u["basis"] == rules[u["rule"]].basis.to_dict() for u in body["unmet"])
    # the same rules the case view shows as unmet for that trigger
    (shown,) = [n for n in http.case(case_id)["next"] if n["trigger"] == "submit_for_legality_review"]
    assert [u["rule"] for u in shown["unmet"]] == [u["rule"] for u in body["unmet"]]
    assert http.footprint(case_id) == before
    (attempt,) = http.get(f"{API}/cases/{case_id}/attempts").get_json()
    assert attempt["outcome"] == "requirements_unmet" and attempt["unmet"] == body["unmet"]


def test_409_invalid_transition_lists_available_triggers(http, case_id, unchanged):
    body = assert_error(http.fire(case_id, "publish", "decision_organ", if_match=1), 409, "invalid_transition",
                        "available")
    assert body["available"] == ["start_drafting"]
    assert body["trigger"] == "publish" and body["state"] == "proposed"
    body = assert_error(http.fire(case_id, "no_such_trigger", "admin", if_match=1), 409, "invalid_transition")
    assert body["available"] == ["start_drafting"]


def test_409_record_not_accepted_lists_states(http, case_id, unchanged):
    minutes = samples.minutes(START, "adopt")
    body = assert_error(http.record(case_id, "meeting_minutes", minutes, "decision_organ"), 409,
                        "record_not_accepted", "accepted_in")
    assert body["accepted_in"] == ["discussion"]
    body = assert_error(http.record(case_id, "draft", {"title": "草案"}, "undertaking_unit"), 409,
                        "record_not_accepted")
    assert body["accepted_in"] == ["drafting", "consultation"]


# -- 412 / 428 --------------------------------------------------------------------------------------


def test_412_stale_if_match_gives_the_current_version(http, case_id):
    assert http.record(case_id, PROPOSAL.name, PROPOSAL.data, "undertaking_unit").status_code == 201
    before = http.footprint(case_id)
    assert before["version"] == 2
    for stale in ('"1"', "1", 'W/"1"', '"99"'):
        body = assert_error(http.fire(case_id, "start_drafting", "decision_organ", if_match=stale), 412,
                            "version_mismatch", "current_version")
        assert body["current_version"] == 2
        body = assert_error(http.record(case_id, PROPOSAL.name, PROPOSAL.data, "undertaking_unit", if_match=stale),
                            412, "version_mismatch")
        assert body["current_version"] == 2
    assert http.footprint(case_id) == before
    assert http.get(f"{API}/cases/{case_id}/attempts").get_json() == []  # nothing was attempted


def test_428_transition_without_if_match(http, case_id, unchanged):
    for headers in ({}, {"If-Match": ""}):
        response = http.client.post(f"{API}/cases/{case_id}/transitions", json={"trigger": "start_drafting"},
                                    headers={**http.headers("decision_organ"), **headers})
        assert_error(response, 428, "version_required")
    assert http.get(f"{API}/cases/{case_id}/attempts").get_json() == []


# -- 422 --------------------------------------------------------------------------------------------


def test_422_record_data_fails_the_schema(http, case_id, unchanged):
    bad = {"proposer": "", "proposer_kind": "somebody", "problem": 42, "extra": "x"}
    body = assert_error(http.record(case_id, "proposal", bad, "undertaking_unit"), 422, "invalid", "fields")
    assert set(body["fields"]) == {"proposer", "proposer_kind", "problem", "grounds", "extra"}
    assert all(isinstance(m, list) and m for m in body["fields"].values())
    body = assert_error(http.record(case_id, "proposal", "not an object", "undertaking_unit"), 422, "invalid")
    assert "data" in body["fields"]


def test_422_unknown_top_level_fields(http, case_id, unchanged):
    body = assert_error(http.record(case_id, PROPOSAL.name, PROPOSAL.data, "undertaking_unit",
                                    extra={"comment": "x"}), 422, "invalid", "fields")
    assert list(body["fields"]) == ["comment"]
    body = assert_error(http.fire(case_id, "start_drafting", "decision_organ", if_match=1,
                                  extra={"force": True}), 422, "invalid", "fields")
    assert list(body["fields"]) == ["force"]
    body = assert_error(http.post(f"{API}/cases", {**samples.case_fields(), "state": "decided"}, "admin"), 422,
                        "invalid", "fields")
    assert list(body["fields"]) == ["state"]


def test_422_missing_and_malformed_fields(http, case_id, unchanged):
    body = assert_error(http.post(f"{API}/cases/{case_id}/records", {"data": {}}, "admin"), 422, "invalid")
    assert "type" in body["fields"]
    body = assert_error(http.post(f"{API}/cases", {"procedure": "major_decision", "title": ""}, "admin"), 422,
                        "invalid")
    assert {"title", "decision_organ", "undertaking_unit"} <= set(body["fields"])
    body = assert_error(http.post(f"{API}/cases", {**samples.case_fields(), "attributes": {"colour": "red"}},
                                  "admin"), 422, "invalid")
    assert "colour" in body["fields"]
    body = assert_error(http.get(f"{API}/cases/{case_id}/replay?at=yesterday"), 422, "invalid")
    assert "at" in body["fields"]
    assert_error(http.get(f"{API}/cases/{case_id}/replay"), 422, "invalid", "fields")
    assert_error(http.get(f"{API}/cases/{case_id}?lang=fr"), 422, "invalid", "fields")


# -- 413 / 500 --------------------------------------------------------------------------------------


@pytest.fixture
def small_app(db_url: str) -> Iterator[Flask]:
    app = make_app(db_url, max_json_bytes=1000)
    yield app
    runtime(app).db.dispose()


def test_413_body_over_the_limit(small_app):
    http = Http(small_app.test_client(), add_tokens(small_app))
    case_id = http.open_case_id()
    before = http.footprint(case_id)
    data = {**PROPOSAL.data, "grounds": "依据" * 600}
    response = http.record(case_id, PROPOSAL.name, data, "undertaking_unit")
    assert_error(response, 413, "payload_too_large")
    assert http.footprint(case_id) == before
    assert http.record(case_id, PROPOSAL.name, PROPOSAL.data, "undertaking_unit").status_code == 201


def test_500_is_json_without_a_traceback(app, client, caplog):
    def boom() -> None:
        raise RuntimeError("secret internals: /etc/juece/password")

    app.add_url_rule(f"{API}/boom", "boom", boom)
    response = client.get(f"{API}/boom")
    body = assert_error(response, 500, "internal_error")
    assert set(body) == {"error", "message"}
    text = response.get_data(as_text=True)
    for leak in ("Traceback", "RuntimeError", "secret internals", "boom", 'File "'):
        assert leak not in text
    assert "RuntimeError" in caplog.text  # it is logged instead


# -- known bug: integers beyond SQLite's range ------------------------------------------------------

HUGE = 2**64  # werkzeug's int converter and the marshmallow Integer fields take any size


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", f"{API}/cases/{HUGE}", None),
    ("GET", f"{API}/cases/{HUGE}/records", None),
    ("GET", f"{API}/cases/{HUGE}/events", None),
    ("GET", f"{API}/cases/{HUGE}/verify", None),
    ("GET", f"{API}/cases/{HUGE}/replay?seq=1", None),
    ("GET", f"{API}/cases/{HUGE}/attempts", None),
    ("GET", f"{API}/cases/{HUGE}/compliance", None),
    ("GET", f"{API}/procedures/major_decision/diagram?case={HUGE}", None),
    ("GET", f"{API}/cases?page={2**62}&page_size=100", None),
    ("POST", f"{API}/cases/{HUGE}/records", {"type": "proposal", "data": PROPOSAL.data}),
    ("POST", f"{API}/cases/{HUGE}/transitions", {"trigger": "start_drafting"}),
    ("POST", f"{API}/cases/{{case_id}}/records", {"type": "proposal", "data": PROPOSAL.data, "supersedes": HUGE,
                                                "reason": "更正"}),
], ids=["case", "records", "events", "verify", "replay", "attempts", "compliance", "diagram", "page",
        "post-record", "post-transition", "supersedes"])
def test_huge_integers_are_not_a_server_error(http, case_id, method, path, body):
    response = http.client.open(path.format(case_id=case_id), method=method, json=body,
                                headers=http.headers("admin", if_match=1 if body else None))
    assert response.status_code < 500, response.get_json()
