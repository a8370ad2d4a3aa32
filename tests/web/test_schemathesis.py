"""Property-based tests of the whole OpenAPI document with schemathesis (positive and negative data, the
coverage phase included), checked with ``not_a_server_error`` and ``response_schema_conformance``.

Passes over every operation, deterministic (``derandomize``) so a failure reproduces:

* ``test_api`` — the document exactly as served: zero failures.
* ``test_api_on_live_data`` — the same document steered to the data that exists (case ids of the demo
  cases, the procedures' names, record types, record data shaped like the record type components, triggers,
  plausible If-Match versions) so requests reach the handlers' deeper paths instead of stopping at 404:
  zero failures.
* ``test_api_stateful`` — schemathesis's state machine over the OpenAPI links the document publishes
  (``POST /cases`` → read, records, transitions with the ETag as If-Match, events, verify, replay…): scenarios
  that open a case and keep working on it, zero failures.

All three together send at least ``MIN_REQUESTS`` requests, in the SQLite run and again in the PostgreSQL run.

Bugs this found and that were fixed: error details missing from the ``Error`` schema, ``global`` missing
from ``GET /audit/verify``, and ids or page offsets beyond SQLite's 64-bit integers answered with a 500.

The document is read at import so schemathesis's pytest plugin makes one test per operation; requests go
to an app on a fresh database with demo data, built by the ``target`` fixture. (schemathesis's
``from_fixture`` loader would avoid the import-time read but breaks on pytest 9: ``Function._nodeid``.)
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.stateful import run_state_machine_as_test
from schemathesis.specs.openapi.checks import response_schema_conformance

from procedures import build_registry
from tests.web.helpers import make_app, runtime
from web.demo import load_demo
from web.record_schemas import component_name
from workflow import services

CHECKS = [not_a_server_error, response_schema_conformance]
MIN_REQUESTS = 5000
LIVE_CASES = 8  # the demo's four cases and a few the fuzzing opens
DECOY_TOKENS = (20, 30)  # token ids the fuzzing may revoke: never the fuzzing's own (target fixture)
FUZZ = settings(max_examples=50, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
FUZZ_LIVE = settings(FUZZ, max_examples=100)
STATEFUL = settings(FUZZ, max_examples=120, stateful_step_count=12)

class LateApp:
    """The WSGI app schemathesis calls: forwards to the app the ``target`` fixture builds."""

    def __init__(self) -> None:
        self.app: Flask | None = None
        self.headers: dict[str, str] = {}
        self.requests: Counter[str] = Counter()  # test name -> requests sent
        self.statuses: Counter[tuple[str, int]] = Counter()  # (test name, status) -> responses
        self.test = ""

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        assert self.app is not None, "the target fixture builds the app"

        def counting_start_response(status: str, *args: Any) -> Any:
            self.statuses[(self.test, int(status.split()[0]))] += 1
            return start_response(status, *args)

        return self.app(environ, counting_start_response)


def _openapi_document() -> dict[str, Any]:
    """The document needs no database: an app on an in-memory URL serves it without connecting."""
    response = make_app("sqlite://").test_client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()  # type: ignore[no-any-return]


def _on_live_data(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with the request parameters steered to live data."""
    steered = copy.deepcopy(doc)
    schemas = steered["components"]["schemas"]

    procedures = build_registry().procedures()
    names = [p.name for p in procedures]
    steer = {
        "case_id": {"type": "integer", "minimum": 1, "maximum": LIVE_CASES},
        "case": {"type": "integer", "minimum": 1, "maximum": LIVE_CASES},
        "name": {"type": "string", "enum": names},
        "seq": {"type": "integer", "minimum": 1, "maximum": 40},
        "If-Match": {"type": "string", "pattern": '^"[1-4]?[0-9]"$'},
        "token_id": {"type": "integer", "minimum": DECOY_TOKENS[0], "maximum": DECOY_TOKENS[1]},
    }
    for item in steered["paths"].values():
        for key, value in item.items():
            for parameter in value if key == "parameters" else value.get("parameters", []):
                parameter["schema"] = steer.get(parameter["name"], parameter["schema"])
    schemas["OpenCaseIn"]["properties"]["procedure"] = {"type": "string", "enum": names}
    record_types = [(component_name(p, r), r.name) for p in procedures for r in p.record_types]
    schemas["AddRecordIn"]["properties"]["type"] = {"type": "string", "enum": sorted({t for _, t in record_types})}
    schemas["AddRecordIn"]["properties"]["data"] = {
        "anyOf": [{"$ref": f"#/components/schemas/{c}"} for c, _ in record_types]}
    schemas["FireIn"]["properties"]["trigger"] = {
        "type": "string", "enum": sorted({t.name for p in procedures for t in p.triggers})}
    return steered


TARGET = LateApp()
DOCUMENT = _openapi_document()
schema = schemathesis.openapi.from_dict(DOCUMENT)
schema.app = TARGET
live_schema = schemathesis.openapi.from_dict(_on_live_data(DOCUMENT))
live_schema.app = TARGET


@pytest.fixture(scope="module")
def target(new_database: Callable[[], str]) -> Iterator[LateApp]:
    app = make_app(new_database())
    rt = runtime(app)
    load_demo(rt)  # cases 1-4: in execution, refused review, rejected, deferred; one case of each other procedure
    TARGET.app = app
    TARGET.headers = {"Authorization": f"Bearer {services.add_user(rt, 'fuzz-admin', 'admin')}"}
    assert max(t["id"] for t in services.list_tokens(rt)) < DECOY_TOKENS[0]
    services.add_user(rt, "fuzz-decoy", "auditor")
    while max(t["id"] for t in services.list_tokens(rt)) < DECOY_TOKENS[1]:
        services.issue_token(rt, "fuzz-decoy")  # tokens the revoke endpoint may take away
    yield TARGET
    TARGET.app = None
    runtime(app).db.dispose()


def _call(case: schemathesis.Case, target: LateApp, test: str) -> None:
    target.requests[test] += 1
    target.test = test
    case.call_and_validate(headers=target.headers, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_api(case: schemathesis.Case, target: LateApp) -> None:
    _call(case, target, "test_api")


@live_schema.parametrize()
@FUZZ_LIVE
def test_api_on_live_data(case: schemathesis.Case, target: LateApp) -> None:
    _call(case, target, "test_api_on_live_data")


class Scenarios(live_schema.as_state_machine()):  # type: ignore[misc]
    """Follows the document's links from one response to the next request, with the fuzzing admin's token."""

    def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
        return {"headers": TARGET.headers}

    def before_call(self, case: schemathesis.Case) -> None:
        TARGET.requests["test_api_stateful"] += 1
        TARGET.test = "test_api_stateful"
        case_id = (case.path_parameters or {}).get("case_id")
        if isinstance(case_id, int) and case_id > LIVE_CASES:
            TARGET.requests["stateful_on_opened_cases"] += 1  # a case the scenario itself opened: a link

    def validate_response(self, response: Any, case: schemathesis.Case, additional_checks: Any = None,
                          **kwargs: Any) -> None:
        case.validate_response(response, checks=CHECKS, headers=TARGET.headers)


def test_api_stateful(target: LateApp) -> None:
    run_state_machine_as_test(Scenarios, settings=STATEFUL)


def test_the_document_links_a_new_case_to_what_follows(target: LateApp) -> None:
    links = DOCUMENT["paths"]["/api/v1/cases"]["post"]["responses"]["201"]["links"]
    assert {"ReadCase", "AddRecord", "FireTrigger", "ListEvents", "VerifyCase"} <= set(links)
    assert links["FireTrigger"]["parameters"] == {"case_id": "$response.body#/id",
                                                  "header.If-Match": "$response.header.ETag"}
    for path, method in (("/api/v1/cases/{case_id}/records", "post"), ("/api/v1/cases/{case_id}/transitions", "post")):
        assert "links" in next(r for code, r in DOCUMENT["paths"][path][method]["responses"].items()
                               if code.startswith("2"))


def test_enough_requests_were_generated(target: LateApp) -> None:
    relaxed = "test_api_on_live_data"
    statuses = {status: n for (test, status), n in sorted(target.statuses.items()) if test == relaxed}
    stateful = {status: n for (test, status), n in sorted(target.statuses.items()) if test == "test_api_stateful"}
    print(f"requests: {dict(target.requests)}; {relaxed} statuses: {statuses}; stateful statuses: {stateful}")
    total = sum(n for test, n in target.requests.items() if test.startswith("test_"))
    assert total >= MIN_REQUESTS
    assert target.requests[relaxed] >= MIN_REQUESTS // 2
    # most requests get past authentication into the handlers, and some writes succeed
    assert sum(n for status, n in statuses.items() if status != 401) >= MIN_REQUESTS // 4
    assert statuses.get(201, 0) > 0 and statuses.get(200, 0) > 0
    # the scenarios open cases and follow the links into them
    assert target.requests["test_api_stateful"] >= 500 and stateful.get(201, 0) > 0
    assert target.requests["stateful_on_opened_cases"] > 0
