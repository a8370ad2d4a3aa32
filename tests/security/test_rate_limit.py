"""The per-token write rate: counted in the database, so every worker process shares it; past the limit a write
is 429 with Retry-After in the one JSON error shape and writes nothing; reads are never counted."""

from __future__ import annotations

import pytest

from procedures.major_decision import samples
from tests.security.conftest import chain_length
from tests.web.helpers import API, Http, add_tokens, make_app, runtime
from web.config import Settings
from web.security import parse_rate


def case_body() -> dict:
    return {**samples.case_fields(), "attributes": {}}


@pytest.fixture
def limited(db_url):
    """Two apps on one database — two gunicorn workers, as far as the counter is concerned — at 3 writes a minute."""
    first = make_app(db_url, write_rate="3/minute")
    second = make_app(db_url, write_rate="3/minute")
    runtime(second).clock = runtime(first).clock
    tokens = add_tokens(first)
    yield Http(first.test_client(), tokens), Http(second.test_client(), tokens), runtime(first)
    runtime(first).db.dispose()
    runtime(second).db.dispose()


def test_the_limit_holds_across_workers_and_tokens_are_counted_apart(limited):
    one, two, rt = limited
    assert one.post(f"{API}/cases", case_body(), "undertaking_unit").status_code == 201
    assert two.post(f"{API}/cases", case_body(), "undertaking_unit").status_code == 201
    assert one.post(f"{API}/cases", case_body(), "undertaking_unit").status_code == 201
    length = chain_length(rt)
    refused = two.post(f"{API}/cases", case_body(), "undertaking_unit")
    assert refused.status_code == 429
    body = refused.get_json()
    assert body["error"] == "too_many_requests" and body["message"]
    assert (body["limit"], body["period"]) == (3, 60)
    # the fixed clock stands at 02:00:00 UTC: the window has 60 s to run
    assert refused.headers["Retry-After"] == str(body["retry_after"]) == "60"
    assert refused.headers["Cache-Control"] == "no-store"
    assert chain_length(rt) == length
    # reads are not counted; another token has its own count
    assert one.get(f"{API}/cases", role="undertaking_unit").status_code == 200
    assert one.post(f"{API}/cases", case_body(), "decision_organ").status_code == 201
    # a refused write counts too: still refused within the window
    assert one.post(f"{API}/cases", case_body(), "undertaking_unit").status_code == 429
    rt.clock.advance(seconds=30)
    retry = one.post(f"{API}/cases", case_body(), "undertaking_unit")
    assert retry.status_code == 429 and retry.headers["Retry-After"] == "30"
    rt.clock.advance(seconds=30)  # the next window
    assert two.post(f"{API}/cases", case_body(), "undertaking_unit").status_code == 201


def test_authentication_comes_before_the_count(limited):
    one, _two, rt = limited
    for _ in range(5):
        assert one.client.post(f"{API}/cases", json=case_body(), headers={"Authorization": "Bearer nope"}).status_code == 401
    assert one.post(f"{API}/cases", case_body(), "undertaking_unit").status_code == 201


def test_every_write_method_of_the_api_is_counted(limited):
    one, _two, _rt = limited
    case_id = one.post(f"{API}/cases", case_body(), "undertaking_unit").get_json()["id"]
    assert one.fire(case_id, "start_drafting", "undertaking_unit", if_match=1).status_code == 403
    assert one.record(case_id, "proposal", {}, "undertaking_unit").status_code == 422
    assert one.record(case_id, "proposal", {}, "undertaking_unit").status_code == 429


def test_no_limit_when_switched_off(db_url):
    app = make_app(db_url)  # the tests' default: write_rate None
    http = Http(app.test_client(), add_tokens(app))
    assert all(http.post(f"{API}/cases", case_body(), "undertaking_unit").status_code == 201 for _ in range(5))
    runtime(app).db.dispose()


def test_rates_are_read_from_the_environment():
    assert parse_rate("60/minute") == (60, 60) and parse_rate("1000/hour") == (1000, 3600)
    assert parse_rate("5/10s") == (5, 10) and parse_rate(" 2 / day ") == (2, 86400) and parse_rate(None) is None
    for bad in ("", "60", "0/minute", "x/minute", "60/fortnight", "60/0s", "-1/s"):
        with pytest.raises(ValueError):
            parse_rate(bad)
    assert Settings().write_rate == "60/minute"
    for off in ("off", "0", "", "none"):
        assert Settings.from_env({"JUECE_WRITE_RATE": off, "JUECE_SECRET_KEY": "x"}).write_rate is None
    assert Settings.from_env({"JUECE_WRITE_RATE": "10/s", "JUECE_SECRET_KEY": "x"}).write_rate == "10/s"
    with pytest.raises(ValueError):
        make_app("sqlite://", write_rate="often")
