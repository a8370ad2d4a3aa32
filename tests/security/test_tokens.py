"""API tokens: only their hash is kept, they expire and are revoked (401 from then on), each issue and each
revocation is an event of the global chain, and administrators list and revoke them by command or API."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tests.security.conftest import chain_length
from tests.web.helpers import API
from web import bootstrap
from web.cli import main
from workflow import services
from workflow.adapters.orm import ApiToken
from workflow.errors import Forbidden, InvalidInput, TokenNotFound, Unauthenticated
from workflow.services.users import TOKEN_REVOKED


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def latest_events(rt, n: int) -> list[dict]:
    with rt.db.read() as session:
        from workflow.adapters.orm import Event

        rows = session.execute(select(Event.kind, Event.payload, Event.actor).order_by(Event.global_seq.desc())
                               .limit(n)).all()
    return [{"kind": k, "payload": json.loads(p), "actor": a} for k, p, a in reversed(rows)]


def test_only_the_hash_is_stored(rt):
    token = services.add_user(rt, "alice", "legal_office")
    with rt.db.read() as session:
        stored = session.scalars(select(ApiToken.token_hash)).all()
    assert token not in stored and len(stored) == 1 and len(stored[0]) == 64
    assert services.authenticate(rt, token) == services.Actor("alice", "legal_office")
    for wrong in (token[:-1], token + "x", token.upper(), stored[0], "", None):
        with pytest.raises(Unauthenticated):
            services.authenticate(rt, wrong)


def test_a_token_expires(rt, clock):
    token = services.add_user(rt, "bob", "auditor", expires_in_days=2)
    clock.advance(days=2, seconds=-1)
    assert services.authenticate(rt, token).name == "bob"
    clock.advance(seconds=1)
    with pytest.raises(Unauthenticated, match="revoked or has expired"):
        services.authenticate(rt, token)
    renewed = services.issue_token(rt, "bob", expires_in_days=30)
    assert services.authenticate(rt, renewed).name == "bob"
    issued = latest_events(rt, 1)[0]
    assert issued["kind"] == "token_issued" and issued["payload"]["expires_at"].startswith("2026-11-")
    assert issued["payload"]["token_id"] == 2


@pytest.mark.parametrize("days", [0, -1, 3651, True, 1.5])
def test_a_lifetime_is_a_whole_number_of_days(rt, days):
    with pytest.raises(InvalidInput):
        services.add_user(rt, "carol", "auditor", expires_in_days=days)
    assert chain_length(rt) == 0


def test_revocation_is_immediate_and_chained(rt):
    token = services.add_user(rt, "dave", "decision_organ")
    (listed,) = services.list_tokens(rt)
    length = chain_length(rt)
    revoked = services.revoke_token(rt, listed["id"], reason="laptop lost")
    assert revoked["active"] is False and revoked["revoked_at"]
    with pytest.raises(Unauthenticated):
        services.authenticate(rt, token)
    event = latest_events(rt, 1)[0]
    assert event["kind"] == TOKEN_REVOKED == "token_revoked"
    assert event["payload"] == {"user": "dave", "token_id": listed["id"], "reason": "laptop lost"}
    assert chain_length(rt) == length + 1
    # revoking again changes nothing
    assert services.revoke_token(rt, listed["id"]) == revoked and chain_length(rt) == length + 1
    assert services.verify_all(rt)["ok"]
    with pytest.raises(TokenNotFound):
        services.revoke_token(rt, 999)
    with pytest.raises(Forbidden):
        services.revoke_token(rt, listed["id"], actor=services.Actor("dave", "decision_organ"))


def test_the_api_lists_and_revokes(http, app_rt):
    tokens = http.get(f"{API}/tokens", role="admin").get_json()
    assert {t["user"] for t in tokens} == {f"web-{r}" for r in http.tokens}
    assert all(set(t) == {"id", "user", "role", "created_at", "expires_at", "revoked_at", "active"} for t in tokens)
    assert not any(secret in json.dumps(tokens) for secret in http.tokens.values())
    assert http.get(f"{API}/tokens", role="auditor").status_code == 200
    assert len(http.get(f"{API}/tokens?user=web-admin", role="auditor").get_json()) == 1
    for role in ("undertaking_unit", "legal_office", "decision_organ"):
        refused = http.get(f"{API}/tokens", role=role)
        assert refused.status_code == 403 and refused.get_json()["allowed_roles"] == ["admin", "auditor"]
    target = next(t for t in tokens if t["user"] == "web-legal_office")
    length = chain_length(app_rt)
    for role in ("undertaking_unit", "legal_office", "decision_organ", "auditor"):
        refused = http.post(f"{API}/tokens/{target['id']}/revoke", {}, role)
        assert refused.status_code == 403 and refused.get_json()["allowed_roles"] == ["admin"]
    assert chain_length(app_rt) == length
    assert http.post(f"{API}/tokens/99999/revoke", {}, "admin").status_code == 404
    assert http.post(f"{API}/tokens/{2**63}/revoke", {}, "admin").status_code == 404
    assert http.post(f"{API}/tokens/{target['id']}/revoke", {"why": "x"}, "admin").status_code == 422
    done = http.post(f"{API}/tokens/{target['id']}/revoke", {"reason": "离职"}, "admin")
    assert done.status_code == 200 and done.get_json()["revoked_at"]
    after = http.get(f"{API}/cases", role="legal_office")
    assert after.status_code == 401 and after.get_json()["error"] == "unauthenticated"
    assert chain_length(app_rt) == length + 1


def test_an_expired_token_is_401_over_http(http, app_rt):
    token = services.issue_token(app_rt, "web-auditor", expires_in_days=1)
    assert http.client.get(f"{API}/cases", headers=bearer(token)).status_code == 200
    app_rt.clock.advance(days=1)
    expired = http.client.get(f"{API}/cases", headers=bearer(token))
    assert expired.status_code == 401 and expired.get_json() == {
        "error": "unauthenticated", "message": "the token was revoked or has expired"}


def test_the_command_line_issues_lists_and_revokes(db_url, tmp_path, monkeypatch):
    made = []

    def make_runtime(*args, **kwargs):  # the command line's runtimes, closed at the end of the test
        made.append(bootstrap.make_runtime(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr("web.cli.make_runtime", make_runtime)
    try:
        _run_token_commands(db_url, tmp_path)
    finally:
        for runtime in made:
            runtime.db.dispose()


def _run_token_commands(db_url, tmp_path):
    runner = CliRunner()
    env = {"JUECE_DATABASE_URL": db_url, "JUECE_SECRET_KEY": "cli-test", "JUECE_ATTACHMENTS_DIR": str(tmp_path / "a"),
           "JUECE_SIGNING_KEY": str(tmp_path / "key.pem")}

    def juece(*args: str, code: int = 0) -> str:
        result = runner.invoke(main, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    first = juece("user", "add", "erin", "--role", "admin", "--expires-in", "30").strip()
    second = juece("token", "issue", "erin").strip()
    assert len(first) > 30 and first != second
    listing = juece("token", "list")
    assert "erin" in listing and "expires never" in listing and first not in listing
    rows = json.loads(juece("token", "list", "--json", "--user", "erin"))
    assert [r["active"] for r in rows] == [True, True] and rows[0]["expires_at"] and rows[1]["expires_at"] is None
    assert "revoked at" in juece("token", "revoke", str(rows[0]["id"]), "--reason", "rotated")
    assert "no token 12345" in juece("token", "revoke", "12345", code=2)
    assert "Invalid value" in juece("token", "issue", "erin", "--expires-in", "0", code=2)
    rows = json.loads(juece("token", "list", "--json"))
    assert [r["active"] for r in rows] == [False, True]
