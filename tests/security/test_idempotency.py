"""Idempotency-Key on every POST of the API: a retry gets the first response back and writes nothing; the same
key with another request is refused; keys belong to a user, expire and are purged; the stored response
commits in the write's own transaction, so a crash can never leave a write without its key (or a key
without its write); concurrent requests with one key write once."""

from __future__ import annotations

import io
import json
import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from procedures.major_decision import samples
from tests.conftest import ACTORS, START
from tests.security.conftest import chain_length, stored_keys
from tests.web.helpers import API, Http, make_app, prepare_case, runtime
from web.demo import apply_steps
from workflow import services
from workflow.adapters.orm import Case
from workflow.errors import IdempotencyKeyReused
from workflow.services import idempotency as engine_keys
from workflow.services.idempotency import Replayed, RequestKey, StoredResponse

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
REPLAYED = "Idempotent-Replayed"


def post(http: Http, path: str, body: Any, role: str, key: str | None, if_match: str | int | None = None):
    extra = {"Idempotency-Key": key} if key is not None else {}
    return http.client.post(path, json=body, headers=http.headers(role, if_match, **extra))


def upload(http: Http, key: str, content: bytes = PDF, name: str = "意见.pdf"):
    return http.client.post(f"{API}/attachments", headers=http.headers("undertaking_unit", **{"Idempotency-Key": key}),
                            data={"file": (io.BytesIO(content), name, "application/pdf")},
                            content_type="multipart/form-data")


def cases_count(rt) -> int:
    with rt.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Case)) or 0)


def assert_replayed(first, again) -> None:
    assert again.status_code == first.status_code
    assert again.data == first.data
    for header in ("ETag", "Location", "Content-Type"):
        assert again.headers.get(header) == first.headers.get(header)
    assert first.headers.get(REPLAYED) is None and again.headers[REPLAYED] == "true"


def case_body(title: str = "关于调整城市公共交通票价的决策") -> dict[str, Any]:
    return {**samples.case_fields(title), "attributes": {}}


# -- a retry gets the first response and writes nothing ---------------------------------------------------


def test_open_case_retried(http, app_rt):
    first = post(http, f"{API}/cases", case_body(), "undertaking_unit", "open-1")
    assert first.status_code == 201, first.get_json()
    length, cases = chain_length(app_rt), cases_count(app_rt)
    for _ in range(3):
        assert_replayed(first, post(http, f"{API}/cases", case_body(), "undertaking_unit", "open-1"))
    assert (chain_length(app_rt), cases_count(app_rt)) == (length, cases)
    # the stored response is the case as it was opened, even after the case moved on
    case_id = first.get_json()["id"]
    assert post(http, f"{API}/cases/{case_id}/records", {"type": "proposal", "data": samples.opening_steps(START)[0].data},
                "undertaking_unit", None).status_code == 201
    assert_replayed(first, post(http, f"{API}/cases", case_body(), "undertaking_unit", "open-1"))
    # without a key, the same body opens another case
    assert post(http, f"{API}/cases", case_body(), "undertaking_unit", None).status_code == 201
    assert cases_count(app_rt) == cases + 1


def test_record_retried(http, app_rt):
    case_id = http.open_case_id()
    body = {"type": "proposal", "data": samples.opening_steps(START)[0].data}
    first = post(http, f"{API}/cases/{case_id}/records", body, "undertaking_unit", "rec-1", if_match=1)
    assert first.status_code == 201 and first.headers["ETag"] == '"2"'
    length = chain_length(app_rt)
    # the retry carries the If-Match it was first sent with: a replay, not 412
    assert_replayed(first, post(http, f"{API}/cases/{case_id}/records", body, "undertaking_unit", "rec-1", if_match=1))
    assert chain_length(app_rt) == length
    assert len(http.get(f"{API}/cases/{case_id}/records").get_json()) == 1


def test_transition_retried_with_its_if_match_replays_instead_of_412(http, app_rt):
    case_id = prepare_case(app_rt, samples.opening_steps(START)[:3])  # proposal, initiation, catalog entry
    version = http.case(case_id)["version"]
    first = post(http, f"{API}/cases/{case_id}/transitions", {"trigger": "start_drafting"}, "decision_organ", "fire-1",
                 if_match=version)
    assert first.status_code == 200 and first.get_json()["state"] == "drafting"
    length = chain_length(app_rt)
    again = post(http, f"{API}/cases/{case_id}/transitions", {"trigger": "start_drafting"}, "decision_organ",
                 "fire-1", if_match=version)
    assert_replayed(first, again)
    assert chain_length(app_rt) == length
    # a new key with the stale version is the usual 412
    stale = post(http, f"{API}/cases/{case_id}/transitions", {"trigger": "start_drafting"}, "decision_organ",
                 "fire-2", if_match=version)
    assert stale.status_code == 412


def test_upload_retried_by_content_not_by_multipart_boundary(http, app_rt):
    first = upload(http, "up-1")
    assert first.status_code == 201
    length = chain_length(app_rt)
    assert_replayed(first, upload(http, "up-1"))  # the test client draws a new boundary for every request
    assert chain_length(app_rt) == length
    other = upload(http, "up-1", content=PDF + b"% another\n")
    assert other.status_code == 422 and other.get_json()["error"] == "idempotency_key_reused"
    assert chain_length(app_rt) == length


def test_checkpoints_sign_and_verify_retried(http, app_rt):
    signed = post(http, f"{API}/audit/checkpoints", {}, "admin", "sign-1")
    assert signed.status_code == 201
    assert_replayed(signed, post(http, f"{API}/audit/checkpoints", {}, "admin", "sign-1"))
    kept = {"checkpoints": [{k: v for k, v in signed.get_json().items() if k in (
        "global_seq", "global_hash", "signed_at", "public_key", "key_id", "signature")}]}
    checked = post(http, f"{API}/audit/checkpoints/verify", kept, "auditor", "verify-1")
    assert checked.status_code == 200 and checked.get_json()["ok"] is True
    assert_replayed(checked, post(http, f"{API}/audit/checkpoints/verify", kept, "auditor", "verify-1"))
    kept["checkpoints"][0]["global_seq"] += 1
    reused = post(http, f"{API}/audit/checkpoints/verify", kept, "auditor", "verify-1")
    assert reused.status_code == 422 and reused.get_json()["error"] == "idempotency_key_reused"


def test_token_revocation_retried(http, app_rt):
    victim = services.add_user(app_rt, "victim", "undertaking_unit")
    token_id = max(t["id"] for t in services.list_tokens(app_rt))
    first = post(http, f"{API}/tokens/{token_id}/revoke", {"reason": "leaked"}, "admin", "revoke-1")
    assert first.status_code == 200 and first.get_json()["active"] is False
    length = chain_length(app_rt)
    assert_replayed(first, post(http, f"{API}/tokens/{token_id}/revoke", {"reason": "leaked"}, "admin", "revoke-1"))
    assert chain_length(app_rt) == length
    assert http.client.get(f"{API}/cases", headers={"Authorization": f"Bearer {victim}"}).status_code == 401


# -- the same key for another request -------------------------------------------------------------------


@pytest.mark.parametrize("change", ["body", "path", "if_match", "spacing_only"])
def test_same_key_for_another_request(http, app_rt, change):
    case_id, other_case = http.open_case_id(), http.open_case_id()
    body = {"type": "proposal", "data": samples.opening_steps(START)[0].data}
    first = post(http, f"{API}/cases/{case_id}/records", body, "undertaking_unit", "k", if_match=1)
    assert first.status_code == 201
    length = chain_length(app_rt)
    if change == "spacing_only":  # the same JSON spelt differently is the same request
        raw = json.dumps(body, indent=4, ensure_ascii=True, sort_keys=False)
        again = http.client.post(f"{API}/cases/{case_id}/records", data=raw, content_type="application/json",
                                 headers=http.headers("undertaking_unit", 1, **{"Idempotency-Key": "k"}))
        assert_replayed(first, again)
        return
    path = f"{API}/cases/{other_case if change == 'path' else case_id}/records"
    changed = {**body, "data": {**body["data"], "problem": "另一个问题"}} if change == "body" else body
    again = post(http, path, changed, "undertaking_unit", "k", if_match=2 if change == "if_match" else 1)
    assert again.status_code == 422, again.get_json()
    assert again.get_json()["error"] == "idempotency_key_reused" and again.get_json()["message"]
    assert chain_length(app_rt) == length


def test_keys_belong_to_their_user(http, app_rt):
    first = post(http, f"{API}/cases", case_body(), "undertaking_unit", "shared-key")
    second = post(http, f"{API}/cases", case_body(), "decision_organ", "shared-key")
    assert first.status_code == second.status_code == 201
    assert first.get_json()["id"] != second.get_json()["id"]
    assert second.headers.get(REPLAYED) is None


@pytest.mark.parametrize("key", ["", " ", "a b", "键", "x" * 256, "tab\tkey"])
def test_malformed_key_is_400_and_writes_nothing(http, app_rt, key):
    length = chain_length(app_rt)
    response = post(http, f"{API}/cases", case_body(), "undertaking_unit", key)
    assert response.status_code == 400 and response.get_json()["error"] == "bad_request"
    assert chain_length(app_rt) == length and stored_keys(app_rt) == 0


def test_refused_requests_are_not_stored_and_their_retry_is_checked_again(http, app_rt):
    case_id = http.open_case_id()
    version = http.case(case_id)["version"]
    refused = post(http, f"{API}/cases/{case_id}/transitions", {"trigger": "start_drafting"}, "decision_organ",
                   "try-1", if_match=version)
    assert refused.status_code == 409 and refused.get_json()["error"] == "requirements_unmet"
    assert stored_keys(app_rt) == 0
    apply_steps(app_rt, ACTORS, case_id, [s for s in samples.opening_steps(START)
                                          if s.name in ("initiation_decision", "catalog_entry")])
    version = http.case(case_id)["version"]
    passed = post(http, f"{API}/cases/{case_id}/transitions", {"trigger": "start_drafting"}, "decision_organ",
                  "try-2", if_match=version)
    assert passed.status_code == 200


def test_keys_expire_after_the_ttl_and_are_purged(db_url):
    app = make_app(db_url, idempotency_ttl=3600)
    rt = runtime(app)
    http = Http(app.test_client(), {"undertaking_unit": services.add_user(rt, "u", "undertaking_unit")})
    first = post(http, f"{API}/cases", case_body(), "undertaking_unit", "ttl")
    rt.clock.advance(minutes=59)
    assert post(http, f"{API}/cases", case_body(), "undertaking_unit", "ttl").headers.get(REPLAYED) == "true"
    rt.clock.advance(minutes=2)  # past the hour: the key is free again and writes anew
    again = post(http, f"{API}/cases", case_body(), "undertaking_unit", "ttl")
    assert again.status_code == 201 and again.headers.get(REPLAYED) is None
    assert again.get_json()["id"] != first.get_json()["id"]
    assert stored_keys(rt) == 1  # the expired row was overwritten, not duplicated
    rt.clock.advance(hours=2)
    assert engine_keys.purge_expired(rt) == 1 and stored_keys(rt) == 0
    rt.db.dispose()


def test_the_ttl_is_read_from_the_environment():
    from web.config import Settings, duration_seconds

    assert Settings().idempotency_ttl == 24 * 3600
    assert Settings.from_env({"JUECE_IDEMPOTENCY_TTL": "2h", "JUECE_SECRET_KEY": "x"}).idempotency_ttl == 7200
    assert [duration_seconds(t) for t in ("90", "90s", "30m", "7d")] == [90, 90, 1800, 7 * 86400]
    for bad in ("", "0", "-5", "1w", "h"):
        with pytest.raises(ValueError):
            duration_seconds(bad)


# -- one transaction: the write and its stored response ---------------------------------------------------


def _key(name: str, fingerprint: str = "f" * 64, *, actor: str = "承办单位-张三") -> RequestKey:
    return RequestKey(actor=actor, key=name, fingerprint=fingerprint,
                      render=lambda result: StoredResponse(201, {}, json.dumps(result, default=str, sort_keys=True)))


def test_a_failure_after_storing_rolls_back_the_write_and_the_key(rt, monkeypatch):
    length = chain_length(rt)

    def store_then_fail(session, runtime, key, result):
        engine_keys.remember(session, runtime, key, result)
        raise RuntimeError("the process dies before COMMIT")

    monkeypatch.setattr("workflow.services.cases.remember", store_then_fail)
    with pytest.raises(RuntimeError):
        services.open_case(rt, ACTORS["undertaking_unit"], idempotency=_key("crash"), **samples.case_fields())
    assert (chain_length(rt), cases_count(rt), stored_keys(rt)) == (length, 0, 0)
    monkeypatch.undo()
    # the retry writes exactly once, and its own retry replays
    opened = services.open_case(rt, ACTORS["undertaking_unit"], idempotency=_key("crash"), **samples.case_fields())
    with pytest.raises(Replayed) as replay:
        services.open_case(rt, ACTORS["undertaking_unit"], idempotency=_key("crash"), **samples.case_fields())
    assert json.loads(replay.value.response.body) == opened
    assert (chain_length(rt), cases_count(rt), stored_keys(rt)) == (length + 1, 1, 1)


def test_a_key_committed_meanwhile_is_caught_at_the_insert(rt, monkeypatch):
    """The PostgreSQL path: a concurrent request with the key committed after this one looked (simulated by
    skipping the look-up); the INSERT of the key conflicts, this write replays and rolls back."""
    case_id = services.open_case(rt, ACTORS["undertaking_unit"], **samples.case_fields())["id"]
    proposal = samples.opening_steps(START)[0].data
    first = services.add_record(rt, ACTORS["undertaking_unit"], case_id, record_type="proposal", data=proposal,
                                idempotency=_key("late"))
    length = chain_length(rt)
    monkeypatch.setattr("workflow.services.common.replay_if_done", lambda *args: None)
    with pytest.raises(Replayed) as replay:
        services.add_record(rt, ACTORS["undertaking_unit"], case_id, record_type="proposal", data=proposal,
                            idempotency=_key("late"))
    assert json.loads(replay.value.response.body)["id"] == first["id"]
    with pytest.raises(IdempotencyKeyReused):
        services.add_record(rt, ACTORS["undertaking_unit"], case_id, record_type="proposal", data=proposal,
                            idempotency=_key("late", "0" * 64))
    assert chain_length(rt) == length
    assert len(services.case_records(rt, case_id)) == 1


@pytest.mark.slow
def test_concurrent_requests_with_one_key_write_once(rt):
    """Sixteen threads, one key, one moment (SQLite: serialised writers; PostgreSQL: the key's INSERT waits)."""
    threads_n = 16
    barrier = threading.Barrier(threads_n)
    outcomes: list[tuple[str, Any]] = []
    lock = threading.Lock()
    length = chain_length(rt)

    def attempt() -> None:
        barrier.wait(30)
        try:
            opened = services.open_case(rt, ACTORS["undertaking_unit"], idempotency=_key("race"),
                                        **samples.case_fields())
            outcome: tuple[str, Any] = ("wrote", opened["id"])
        except Replayed as replay:
            outcome = ("replayed", json.loads(replay.response.body)["id"])
        except Exception as exc:  # noqa: BLE001 - reported to the assertion below
            outcome = ("error", repr(exc))
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt) for _ in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [o for o in outcomes if o[0] == "error"] == []
    wrote = [o for o in outcomes if o[0] == "wrote"]
    assert len(wrote) == 1 and len(outcomes) == threads_n
    assert {o[1] for o in outcomes} == {wrote[0][1]}
    assert (chain_length(rt), cases_count(rt), stored_keys(rt)) == (length + 1, 1, 1)
    assert services.verify_all(rt)["ok"]


def test_every_post_of_the_api_documents_the_key(client):
    document = client.get("/api/openapi.json").get_json()
    posts = [(path, item["post"]) for path, item in document["paths"].items() if "post" in item]
    assert len(posts) >= 7
    for path, operation in posts:
        names = [p["name"] for p in operation.get("parameters", [])]
        assert "Idempotency-Key" in names, path

