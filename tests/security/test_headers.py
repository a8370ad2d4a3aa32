"""Security headers on every response, the pages' own policy kept, Swagger UI working under its own policy
(in Chromium), and no token ever written to a log."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re

from procedures.major_decision import samples
from tests.conftest import START
from tests.web.helpers import API
from web.pages.security import CSP as PAGES_CSP
from web.security import JSON_CSP

CHROMIUM = os.environ.get("JUECE_CHROMIUM", "/usr/bin/chromium")
COMMON = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"}


def assert_common(response) -> None:
    for name, value in COMMON.items():
        assert response.headers.get(name) == value, (response.request.path, name)
    assert response.headers.get("Referrer-Policy") in ("no-referrer", "same-origin")
    assert response.headers.get("Content-Security-Policy")


def test_every_api_answer_carries_the_headers(http, client):
    case_id = http.open_case_id()
    answers = [
        http.get(f"{API}/cases"),  # 200
        http.open_case(),  # 201
        http.get(f"{API}/cases/999"),  # 404
        http.fire(case_id, "adopt", "decision_organ", if_match=1),  # 409
        http.fire(case_id, "adopt", "decision_organ"),  # 428
        http.record(case_id, "proposal", {}, "undertaking_unit"),  # 422
        client.get(f"{API}/cases"),  # 401
        client.delete(f"{API}/cases/1", headers=http.headers("admin")),  # 405
        client.post(f"{API}/cases", data="x", headers=http.headers("admin")),  # 400
    ]
    assert sorted({a.status_code for a in answers}) == [200, 201, 400, 401, 404, 405, 409, 422, 428]
    for answer in answers:
        assert_common(answer)
        assert answer.headers["Content-Security-Policy"] == JSON_CSP
        assert answer.headers["Referrer-Policy"] == "no-referrer"
        assert answer.headers["Cache-Control"] == "no-store"
        assert answer.mimetype == "application/json"
    document = client.get("/api/openapi.json")
    assert_common(document)
    assert document.headers["Content-Security-Policy"] == JSON_CSP
    for path in ("/healthz", "/favicon.ico", "/no/such/page"):
        assert_common(client.get(path))


def test_a_500_carries_them_too(app, client, monkeypatch, http):
    monkeypatch.setattr("workflow.services.list_cases", lambda *a, **k: 1 / 0)
    answer = http.get(f"{API}/cases")
    assert answer.status_code == 500 and answer.get_json()["error"] == "internal_error"
    assert_common(answer)
    assert answer.headers["Cache-Control"] == "no-store"


def test_the_pages_keep_their_own_policy(client):
    for path in ("/sign-in", "/procedures"):
        page = client.get(path)
        assert page.headers["Content-Security-Policy"] == PAGES_CSP, path
        assert page.headers["Referrer-Policy"] == "same-origin"
        assert_common(page)
    static = client.get("/static/vendor/swagger-ui/swagger-ui.css")
    assert static.status_code == 200 and static.headers["X-Content-Type-Options"] == "nosniff"
    static.close()


def test_swagger_ui_has_its_own_policy_allowing_exactly_its_inline_script(client):
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and docs.mimetype == "text/html"
    policy = docs.headers["Content-Security-Policy"]
    inline = re.findall(rb"<script>(.*?)</script>", docs.data, re.DOTALL)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0]).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}';" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert_common(docs)


def test_no_token_in_any_log(app, http, client, caplog, monkeypatch):
    """Every logger at DEBUG, through successful, refused, unauthenticated and failing requests."""
    caplog.set_level(logging.DEBUG)
    for name in ("juece", "juece.web", "werkzeug", "sqlalchemy.engine", "flask.app"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        case_id = http.open_case_id()
        http.get(f"{API}/cases/{case_id}")
        http.record(case_id, "proposal", samples.opening_steps(START)[0].data, "undertaking_unit")
        http.fire(case_id, "start_drafting", "decision_organ", if_match=2)  # 409 refused
        http.record(case_id, "proposal", {"nope": 1}, "undertaking_unit")  # 422
        http.fire(case_id, "start_drafting", "auditor", if_match=2)  # 403
        client.get(f"{API}/cases", headers={"Authorization": "Bearer " + http.tokens["admin"] + "x"})  # 401
        client.get(f"{API}/cases", headers={"Authorization": "Basic " + http.tokens["admin"]})  # 401
        monkeypatch.setattr("workflow.services.case_view", lambda *a, **k: 1 / 0)
        assert http.get(f"{API}/cases/{case_id}").status_code == 500
    finally:
        for name in ("juece", "juece.web", "werkzeug", "sqlalchemy.engine", "flask.app"):
            logging.getLogger(name).setLevel(logging.NOTSET)
    text = caplog.text  # formatted, tracebacks included
    assert "refused" in text and "unhandled error" in text  # the logs did record these requests
    for token in http.tokens.values():
        assert token not in text
        assert token[:16] not in text
