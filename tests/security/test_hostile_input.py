"""A corpus of hostile requests: huge strings, JSON nested 10,000 deep, invalid UTF-8, NUL bytes, impossible
dates, negative counts, wrong content types, huge headers, ids beyond int64, surrogates, NaN. Every answer is
a 4xx in the one JSON error shape and nothing is written. SQL and HTML in text fields are only text: stored
as given, the database intact, and escaped on the pages."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest

from procedures.major_decision import samples
from tests.conftest import ACTORS, START
from tests.security.conftest import chain_length
from tests.web.helpers import API, prepare_case, state_paths
from workflow import services

JSON = "application/json"


@dataclass
class Hostile:
    """One request: ``path`` may name ``{case}`` (a case in consultation) and ``{version}``."""

    name: str
    method: str
    path: str
    body: bytes | None = None
    content_type: str | None = JSON
    headers: dict[str, str] = field(default_factory=dict)
    role: str | None = "admin"


def _case(**changes: Any) -> bytes:
    return json.dumps({**samples.case_fields(), "attributes": {}, **changes}, ensure_ascii=True).encode()


def _record(record_type: str, data: Any, **extra: Any) -> bytes:
    return json.dumps({"type": record_type, "data": data, **extra}, ensure_ascii=True).encode()


SUMMARY = {"received": 10, "adopted": 2, "adoption_explanation": "说明"}
NOTICE = {"channel": "网站", "opens_on": "2026-06-01", "closes_on": "2026-06-30", "method": "邮件"}
NEST = 10_000

CORPUS = [
    # sizes
    Hostile("huge title", "POST", f"{API}/cases", _case(title="长" * 600_000)),
    Hostile("body over the limit", "POST", f"{API}/cases", b'{"title": "' + b"x" * (2 * 1024 * 1024) + b'"}'),
    Hostile("huge record text", "POST", f"{API}/cases/{{case}}/records",
            _record("comment_summary", {**SUMMARY, "adoption_explanation": "x" * 100_001})),
    Hostile("huge string list", "POST", f"{API}/cases/{{case}}/records",
            _record("draft", {"title": "t", "explanation": "e", "legal_basis": ["法"] * 5000})),
    Hostile("huge note", "POST", f"{API}/cases/{{case}}/transitions",
            json.dumps({"trigger": "submit_for_legality_review", "note": "x" * 10_000}).encode(),
            headers={"If-Match": '"{version}"'}),
    # nesting
    Hostile("nested arrays 10000 deep", "POST", f"{API}/cases", b"[" * NEST + b"]" * NEST),
    Hostile("nested objects 10000 deep", "POST", f"{API}/cases", b'{"a":' * NEST + b"1" + b"}" * NEST),
    Hostile("nested inside attributes", "POST", f"{API}/cases",
            _case()[:-1] + b', "x": ' + b"[" * NEST + b"]" * NEST + b"}"),
    Hostile("nested 40 deep in record data", "POST", f"{API}/cases/{{case}}/records",
            b'{"type": "comment_summary", "data": ' + b'{"a":' * 40 + b"1" + b"}" * 40 + b"}"),
    # encodings and bytes
    Hostile("invalid UTF-8", "POST", f"{API}/cases", b'{"title": "\xff\xfe\xfa"}'),
    Hostile("overlong UTF-8", "POST", f"{API}/cases", b'{"title": "\xc0\xaf"}'),
    Hostile("raw NUL in the body", "POST", f"{API}/cases", b'{"title": "a\x00b"}'),
    Hostile("escaped NUL in the title", "POST", f"{API}/cases", _case(title="a\u0000b")),
    Hostile("escaped NUL in record data", "POST", f"{API}/cases/{{case}}/records",
            _record("comment_summary", {**SUMMARY, "adoption_explanation": "a\u0000b"})),
    Hostile("lone surrogate in the title", "POST", f"{API}/cases", _case(title="\ud800abc")),
    Hostile("lone surrogate in record data", "POST", f"{API}/cases/{{case}}/records",
            _record("comment_summary", {**SUMMARY, "adoption_explanation": "\udfff"})),
    Hostile("UTF-16 body", "POST", f"{API}/cases", _case().decode().encode("utf-16"),
            content_type="application/json; charset=utf-16"),
    Hostile("BOM and garbage", "POST", f"{API}/cases", b"\xef\xbb\xbf{garbage"),
    Hostile("NaN", "POST", f"{API}/cases/{{case}}/records", b'{"type":"comment_summary","data":{"received":NaN}}'),
    Hostile("Infinity", "POST", f"{API}/cases/{{case}}/records",
            b'{"type":"comment_summary","data":{"received":Infinity,"adopted":1,"adoption_explanation":"x"}}'),
    Hostile("1e400", "POST", f"{API}/cases/{{case}}/records",
            b'{"type":"comment_summary","data":{"received":1e400,"adopted":1,"adoption_explanation":"x"}}'),
    Hostile("duplicate keys", "POST", f"{API}/cases/{{case}}/records",
            b'{"type":"comment_summary","type":"nope","data":{}}'),
    # values
    Hostile("impossible date", "POST", f"{API}/cases/{{case}}/records",
            _record("comment_notice", {**NOTICE, "opens_on": "2026-02-30"})),
    Hostile("month 13", "POST", f"{API}/cases/{{case}}/records",
            _record("comment_notice", {**NOTICE, "closes_on": "2026-13-01"})),
    Hostile("date with a time", "POST", f"{API}/cases/{{case}}/records",
            _record("comment_notice", {**NOTICE, "closes_on": "2026-06-30T00:00:00Z"})),
    Hostile("negative count", "POST", f"{API}/cases/{{case}}/records", _record("comment_summary", {**SUMMARY, "received": -1})),
    Hostile("count beyond 2^53", "POST", f"{API}/cases/{{case}}/records",
            _record("comment_summary", {**SUMMARY, "received": 2**64})),
    Hostile("bool as a count", "POST", f"{API}/cases/{{case}}/records",
            _record("comment_summary", {**SUMMARY, "received": True})),
    Hostile("float count", "POST", f"{API}/cases/{{case}}/records", _record("comment_summary", {**SUMMARY, "received": 1.5})),
    Hostile("supersedes beyond int64", "POST", f"{API}/cases/{{case}}/records",
            _record("comment_summary", SUMMARY, supersedes=2**70, reason="r")),
    Hostile("negative supersedes", "POST", f"{API}/cases/{{case}}/records",
            _record("comment_summary", SUMMARY, supersedes=-5, reason="r")),
    Hostile("unknown record type with SQL", "POST", f"{API}/cases/{{case}}/records",
            _record("x'; DROP TABLE records; --", SUMMARY)),
    Hostile("trigger with SQL", "POST", f"{API}/cases/{{case}}/transitions",
            json.dumps({"trigger": "adopt' OR '1'='1"}).encode(), headers={"If-Match": '"{version}"'}),
    Hostile("procedure with script", "POST", f"{API}/cases", _case(procedure="<script>alert(1)</script>")),
    Hostile("attributes as a string", "POST", f"{API}/cases", _case(attributes="<script>")),
    Hostile("unknown attribute", "POST", f"{API}/cases", _case(attributes={"__proto__": {"admin": True}})),
    Hostile("blank title", "POST", f"{API}/cases", _case(title=" \t\n ")),
    Hostile("top-level array", "POST", f"{API}/cases", b"[]"),
    Hostile("top-level string", "POST", f"{API}/cases", b'"<script>"'),
    Hostile("empty body", "POST", f"{API}/cases", b""),
    Hostile("attachments not hashes", "POST", f"{API}/cases/{{case}}/records",
            _record("comment_summary", SUMMARY, attachments=["../../etc/passwd"])),
    # content types
    Hostile("form body", "POST", f"{API}/cases", b"title=x&procedure=major_decision",
            content_type="application/x-www-form-urlencoded"),
    Hostile("text/plain", "POST", f"{API}/cases", _case(), content_type="text/plain"),
    Hostile("XML", "POST", f"{API}/cases", b"<case><title>x</title></case>", content_type="application/xml"),
    Hostile("no content type", "POST", f"{API}/cases", _case(), content_type=None),
    Hostile("multipart to a JSON endpoint", "POST", f"{API}/cases",
            b"--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nx\r\n--b--\r\n",
            content_type="multipart/form-data; boundary=b"),
    Hostile("JSON to the upload", "POST", f"{API}/attachments", b'{"file": "JVBERi0="}'),
    Hostile("upload declared as HTML", "POST", f"{API}/attachments",
            b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.html\"\r\nContent-Type: text/html\r\n\r\n"
            b"<script>alert(1)</script>\r\n--b--\r\n", content_type="multipart/form-data; boundary=b"),
    Hostile("executable declared as PDF", "POST", f"{API}/attachments",
            b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
            b"MZ\x90\x00\x03\r\n--b--\r\n", content_type="multipart/form-data; boundary=b"),
    # headers
    Hostile("huge If-Match", "POST", f"{API}/cases/{{case}}/transitions", json.dumps({"trigger": "adopt"}).encode(),
            headers={"If-Match": '"' + "9" * 100_000 + '"'}),
    Hostile("If-Match list", "POST", f"{API}/cases/{{case}}/transitions", json.dumps({"trigger": "adopt"}).encode(),
            headers={"If-Match": '"1", "2", *'}),
    Hostile("If-Match negative", "POST", f"{API}/cases/{{case}}/transitions", json.dumps({"trigger": "adopt"}).encode(),
            headers={"If-Match": '"-1"'}),
    Hostile("huge bearer token", "POST", f"{API}/cases", _case(), role=None,
            headers={"Authorization": "Bearer " + "x" * 100_000}),
    Hostile("token with NUL", "POST", f"{API}/cases", _case(), role=None, headers={"Authorization": "Bearer a\x00b"}),
    Hostile("token with SQL", "POST", f"{API}/cases", _case(), role=None,
            headers={"Authorization": "Bearer ' OR '1'='1"}),
    Hostile("basic auth", "POST", f"{API}/cases", _case(), role=None, headers={"Authorization": "Basic YWRtaW46YWRtaW4="}),
    Hostile("huge Idempotency-Key", "POST", f"{API}/cases", _case(), headers={"Idempotency-Key": "k" * 100_000}),
    Hostile("Idempotency-Key with CRLF", "POST", f"{API}/cases", _case(), headers={"Idempotency-Key": "a\tb"}),
    Hostile("auditor writes", "POST", f"{API}/cases", _case(), role="auditor"),
    # paths and queries
    Hostile("case id beyond int64", "GET", f"{API}/cases/99999999999999999999999999", None),
    Hostile("case id 2^31", "POST", f"{API}/cases/2147483648/records", _record("comment_summary", SUMMARY)),
    Hostile("case id zero", "GET", f"{API}/cases/0", None),
    Hostile("negative case id", "GET", f"{API}/cases/-1/events", None),
    Hostile("case id with SQL", "GET", f"{API}/cases/1%20OR%201=1", None),
    Hostile("token id beyond int64", "POST", f"{API}/tokens/99999999999999999999999/revoke", b"{}"),
    Hostile("replay seq beyond int64", "GET", f"{API}/cases/{{case}}/replay?seq=99999999999999999999", None),
    Hostile("replay impossible date", "GET", f"{API}/cases/{{case}}/replay?at=2026-02-30T00:00:00Z", None),
    Hostile("page beyond int64", "GET", f"{API}/cases?page=99999999999999999999", None),
    Hostile("negative page size", "GET", f"{API}/cases?page_size=-1", None),
    Hostile("query with NUL", "GET", f"{API}/cases?q=a%00b", None),
    Hostile("token list for a NUL user", "GET", f"{API}/tokens?user=a%00b", None),
    Hostile("huge state filter", "GET", f"{API}/cases?state=" + "x" * 100_000, None),
    Hostile("procedure name with traversal", "GET", f"{API}/procedures/..%2F..%2Fetc%2Fpasswd", None),
    Hostile("attachment path traversal", "GET", f"{API}/attachments/..%2F..%2Fsecret/content", None),
    Hostile("diagram of a huge case id", "GET", f"{API}/procedures/major_decision/diagram?case=99999999999999999999", None),
    Hostile("wrong method", "DELETE", f"{API}/cases/{{case}}", None),
    Hostile("no route", "POST", f"{API}/cases/{{case}}/delete", b"{}"),
]


@pytest.fixture
def consultation_case(app_rt, registry) -> int:
    return prepare_case(app_rt, state_paths(registry.procedure("major_decision"))["consultation"])


def _send(client: Any, tokens: dict[str, str], hostile: Hostile, case_id: int, version: int) -> Any:
    headers = {k: v.replace("{version}", str(version)) for k, v in hostile.headers.items()}
    if hostile.role is not None:
        headers.setdefault("Authorization", f"Bearer {tokens[hostile.role]}")
    if hostile.content_type is not None and hostile.body is not None:
        headers["Content-Type"] = hostile.content_type
    path = hostile.path.replace("{case}", str(case_id))
    return client.open(path, method=hostile.method, data=hostile.body, headers=headers)


@pytest.mark.parametrize("hostile", CORPUS, ids=[h.name for h in CORPUS])
def test_hostile_request_is_a_4xx_json_error_and_writes_nothing(client, tokens, app_rt, consultation_case, hostile):
    before = chain_length(app_rt)
    case_before = services.case_view(app_rt, consultation_case)
    version = case_before["version"]
    response = _send(client, tokens, hostile, consultation_case, version)
    assert 400 <= response.status_code < 500, (response.status_code, response.data[:300])
    assert response.mimetype == "application/json", response.data[:200]
    body = response.get_json()
    assert isinstance(body, dict) and isinstance(body.get("error"), str) and isinstance(body.get("message"), str)
    assert "Traceback" not in response.get_data(as_text=True)
    assert chain_length(app_rt) == before
    after = services.case_view(app_rt, consultation_case)
    assert (after["version"], after["state"], len(after["records"])) == (version, case_before["state"],
                                                                          len(case_before["records"]))


def test_the_corpus_covers_every_kind_of_hostile_input():
    names = " ".join(h.name for h in CORPUS)
    for kind in ("huge", "nested", "UTF-8", "NUL", "impossible date", "negative count", "SQL", "script",
                 "text/plain", "If-Match", "int64", "surrogate"):
        assert kind in names, kind
    assert len(CORPUS) >= 70


# -- SQL and HTML are only text ---------------------------------------------------------------------------

SQL = "'; DROP TABLE cases; -- \" OR 1=1 /*"
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_sql_and_html_in_text_are_stored_as_given_and_change_nothing_else(http, app_rt):
    before = chain_length(app_rt)
    opened = http.post(f"{API}/cases", {**samples.case_fields(SCRIPT), "decision_organ": SQL, "attributes": {}},
                       "undertaking_unit")
    assert opened.status_code == 201
    case = opened.get_json()
    assert (case["title"], case["decision_organ"]) == (SCRIPT, SQL)
    added = http.record(case["id"], "proposal", {**samples.opening_steps(START)[0].data, "problem": SQL,
                                                  "grounds": SCRIPT}, "undertaking_unit")
    assert added.status_code == 201 and added.get_json()["data"]["problem"] == SQL
    found = http.get(f"{API}/cases?q=" + "%27%3B%20DROP").get_json()
    assert [c["id"] for c in found] == []  # the q filter searches titles; it is a parameter, never SQL
    assert http.get(f"{API}/cases?q=%3Cscript%3E").get_json()[0]["id"] == case["id"]
    assert chain_length(app_rt) == before + 2
    everything = http.get(f"{API}/audit/verify").get_json()
    assert everything["ok"] is True


def test_the_pages_escape_what_was_recorded(app, app_rt, tokens):
    from tests.browser.test_pages_http import signed_in

    case_id = services.open_case(app_rt, ACTORS["undertaking_unit"], **samples.case_fields(SCRIPT))["id"]
    services.add_record(app_rt, ACTORS["undertaking_unit"], case_id, record_type="proposal",
                        data={**samples.opening_steps(START)[0].data, "problem": SCRIPT, "grounds": SQL})
    client = signed_in(app, tokens["auditor"])
    for path in (f"/cases/{case_id}", "/cases", f"/cases/{case_id}/timeline", f"/cases/{case_id}/audit",
                 f"/cases?q={SCRIPT[:8]}"):
        page = client.get(path)
        assert page.status_code == 200, path
        html = page.get_data(as_text=True)
        assert "<script>alert" not in html and "onerror=alert" not in html.replace("onerror=alert(1)&gt;", ""), path
        assert "&lt;script&gt;alert(" in html, path
        assert not re.search(r"<img[^>]*onerror", html), path


def test_hostile_corpus_helpers_are_consistent():
    assert all(h.method in ("GET", "POST", "DELETE") for h in CORPUS)
    assert len({h.name for h in CORPUS}) == len(CORPUS)

