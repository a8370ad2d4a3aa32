"""The OpenAPI document: valid OpenAPI 3, generated from the schemas, documenting the error responses."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def doc(client) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()  # type: ignore[no-any-return]


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, item in doc["paths"].items()
            for method, op in item.items() if method in METHODS]


def test_document_is_valid_openapi_3(doc):
    validate(doc)
    assert doc["openapi"] == "3.0.3"
    assert doc["info"]["version"] == "v1"


def test_every_resource_of_the_contract_is_documented(doc):
    expected = {
        ("GET", "/api/v1/procedures"), ("GET", "/api/v1/procedures/{name}"),
        ("GET", "/api/v1/procedures/{name}/diagram"), ("POST", "/api/v1/cases"), ("GET", "/api/v1/cases"),
        ("GET", "/api/v1/cases/{case_id}"), ("POST", "/api/v1/cases/{case_id}/records"),
        ("GET", "/api/v1/cases/{case_id}/records"), ("POST", "/api/v1/cases/{case_id}/transitions"),
        ("GET", "/api/v1/cases/{case_id}/events"), ("GET", "/api/v1/cases/{case_id}/verify"),
        ("GET", "/api/v1/cases/{case_id}/replay"), ("GET", "/api/v1/cases/{case_id}/attempts"),
        ("GET", "/api/v1/cases/{case_id}/compliance"), ("GET", "/api/v1/audit/verify"),
    }
    assert expected <= {(method, path) for method, path, _ in operations(doc)}


def test_every_operation_documents_401_with_the_error_schema(doc):
    missing = [f"{m} {p}" for m, p, op in operations(doc) if "401" not in op["responses"]]
    assert missing == []
    for _, _, op in operations(doc):
        content = op["responses"]["401"]["content"]["application/json"]["schema"]
        assert content == {"$ref": "#/components/schemas/Error"}


def test_bearer_security_applies_to_the_whole_document(doc):
    assert doc["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    assert doc["security"] == [{"bearer": []}]


def test_transitions_document_409_412_428_and_if_match(doc):
    op = doc["paths"]["/api/v1/cases/{case_id}/transitions"]["post"]
    assert {"200", "400", "403", "404", "409", "412", "422", "428"} <= set(op["responses"])
    (if_match,) = [p for p in op["parameters"] if p["name"] == "If-Match"]
    assert if_match["in"] == "header" and if_match["required"] is True


def test_writes_document_their_refusals(doc):
    records = doc["paths"]["/api/v1/cases/{case_id}/records"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "409", "412", "422"} <= set(records)
    cases = doc["paths"]["/api/v1/cases"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "422"} <= set(cases)
    assert "Location" in cases["201"]["headers"]


def test_error_schema_has_the_one_shape(doc):
    error = doc["components"]["schemas"]["Error"]
    assert error["required"] == ["error", "message"]
    assert {"unmet", "fields", "allowed_roles", "available", "accepted_in", "current_version"} <= set(
        error["properties"])


def test_error_responses_fit_the_error_schema(doc, http):
    error = doc["components"]["schemas"]["Error"]
    case_id = http.open_case_id()
    responses = [
        http.get("/api/v1/cases/999"),  # + case_id
        http.get("/api/v1/procedures/no_such_procedure"),  # + procedure
        http.record(case_id, "no_such_type", {}, "admin"),  # + record_type
        http.record(case_id, "proposal", {}, "legal_office"),  # + role
    ]
    for response in responses:
        assert response.status_code in (403, 404)
        undeclared = set(response.get_json()) - set(error["properties"])
        assert error.get("additionalProperties", True) is not False or not undeclared, undeclared


def test_record_types_are_published_as_components(doc, registry):
    schemas = doc["components"]["schemas"]
    for procedure in registry.all_versions():
        for record_type in procedure.record_types:
            assert f"{procedure.name}.v{procedure.version}.{record_type.name}" in schemas
    minutes = schemas["major_decision.v1.meeting_minutes"]
    assert {"meeting_type", "held_on", "attendees", "statements", "outcome"} <= set(minutes["required"])
    archive = schemas["major_decision.v1.archive_record"]
    assert "case_chain_head" not in archive["properties"]  # set by the system, never sent
