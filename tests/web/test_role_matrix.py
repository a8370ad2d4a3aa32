"""Who may write what, generated from the procedure definitions: every record type, every trigger and case
opening of every procedure in ``procedures/`` (its latest version), for every role, on cases brought to
each state by the procedure's own sample walk (``tests.web.helpers.explore_paths``). Allowed roles never
get 403; the others get 403 ``forbidden`` naming the roles that may, and nothing changes. The admin may do
everything, the auditor nothing. The writes that belong to no procedure (uploads, checkpoints, tokens)
follow at the end."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from procedures import build_registry, procedure_packages
from tests.web.helpers import API, ROLES, CaseStore, Http, add_tokens, allowed, make_app, record_data, runtime
from workflow import services
from workflow.definition import ADMIN_ROLE, Procedure

# The parameters are read from a registry built like the app's; test_matrix_matches_the_app_registry
# checks the app serves the very same table.
PROCEDURES = build_registry().procedures()


def _may(role: str, roles: tuple[str, ...]) -> bool:
    return role == ADMIN_ROLE or role in roles


RECORD_CASES = [
    pytest.param(p.name, r.name, role, id=f"{p.name}-{r.name}-{role}")
    for p in PROCEDURES for r in p.record_types for role in ROLES
]
TRIGGER_CASES = [
    pytest.param(p.name, t.name, role, id=f"{p.name}-{t.name}-{role}")
    for p in PROCEDURES for t in p.triggers for role in ROLES
]
OPEN_CASES = [pytest.param(p.name, role, id=f"{p.name}-{role}") for p in PROCEDURES for role in ROLES]


@dataclass
class Matrix:
    http: Http
    stores: dict[str, CaseStore]

    def procedure(self, name: str) -> Procedure:
        return self.stores[name].rt.registry.procedure(name)


@pytest.fixture(scope="module")
def matrix(new_database: Callable[[], str]) -> Iterator[Matrix]:
    """One app for the module; cases are prepared in each state once and reused while they stay there."""
    app = make_app(new_database())
    rt = runtime(app)
    stores = {p.name: CaseStore(rt, rt.registry.procedure(p.name)) for p in PROCEDURES}
    yield Matrix(Http(app.test_client(), add_tokens(app, prefix="matrix")), stores)
    rt.db.dispose()


def test_matrix_matches_the_app_registry(matrix):
    registry = matrix.stores[PROCEDURES[0].name].rt.registry
    assert [(p.name, p.version) for p in registry.procedures()] == [(p.name, p.version) for p in PROCEDURES]
    for procedure in PROCEDURES:
        served = registry.procedure(procedure.name)
        assert {r.name: r.roles for r in served.record_types} == {r.name: r.roles for r in procedure.record_types}
        assert {t.name: t.roles for t in served.triggers} == {t.name: t.roles for t in procedure.triggers}
        assert served.case_opener_roles == procedure.case_opener_roles


def test_every_procedure_package_is_in_the_matrix():
    packages = {package.__name__.rsplit(".", 1)[1] for package in procedure_packages()}
    assert {p.name for p in PROCEDURES} == packages
    assert {"major_decision", "normative_document", "enforcement_review", "contract_review",
            "minutes_review"} <= packages


def test_the_auditor_is_named_by_no_write_and_every_state_is_reachable(matrix):
    for procedure in PROCEDURES:
        assert "auditor" not in procedure.case_opener_roles
        assert all("auditor" not in r.roles for r in procedure.record_types)
        assert all("auditor" not in t.roles for t in procedure.triggers)
        store = matrix.stores[procedure.name]
        # every record type and trigger can be tried in a state where it applies
        assert all(store.reachable(r.accepted_in) for r in procedure.record_types)
        assert all(store.reachable(t.sources) for t in procedure.triggers)


def _assert_forbidden(response, roles: tuple[str, ...]) -> None:
    assert response.status_code == 403, response.get_json()
    body = response.get_json()
    assert body["error"] == "forbidden"
    assert isinstance(body["message"], str) and body["message"]
    assert body["allowed_roles"] == allowed(roles)


@pytest.mark.parametrize(("procedure_name", "record_type", "role"), RECORD_CASES)
def test_record_type_by_role(matrix, procedure_name, record_type, role):
    kind = matrix.procedure(procedure_name).record_type(record_type)
    assert kind is not None
    store = matrix.stores[procedure_name]
    state = store.reachable(kind.accepted_in)
    case_id = store.case_in(state or matrix.procedure(procedure_name).initial)
    before = matrix.http.footprint(case_id)

    response = matrix.http.record(case_id, record_type, record_data(kind), role)

    if _may(role, kind.roles):
        assert response.status_code != 403, response.get_json()
        if state is not None:  # in an accepted state, with valid data, it is recorded
            assert response.status_code == 201, response.get_json()
            assert response.get_json()["role"] == role
    else:
        _assert_forbidden(response, kind.roles)
        assert matrix.http.footprint(case_id) == before


@pytest.mark.parametrize(("procedure_name", "trigger", "role"), TRIGGER_CASES)
def test_trigger_by_role(matrix, procedure_name, trigger, role):
    spec = matrix.procedure(procedure_name).trigger(trigger)
    assert spec is not None
    store = matrix.stores[procedure_name]
    state = store.reachable(spec.sources)
    assert state is not None
    case_id = store.case_in(state)
    before = matrix.http.footprint(case_id)
    attempts = len(matrix.http.get(f"{API}/cases/{case_id}/attempts").get_json())

    response = matrix.http.fire(case_id, trigger, role, if_match=before["version"])

    if _may(role, spec.roles):
        assert response.status_code != 403, response.get_json()
        assert response.status_code in (200, 409), response.get_json()
        if response.status_code == 409:
            assert response.get_json()["error"] == "requirements_unmet"
        else:
            assert response.get_json()["state"] == spec.dest
    else:
        _assert_forbidden(response, spec.roles)
        assert matrix.http.footprint(case_id) == before
        logged = matrix.http.get(f"{API}/cases/{case_id}/attempts").get_json()
        assert len(logged) == attempts + 1
        assert (logged[-1]["trigger"], logged[-1]["role"], logged[-1]["outcome"]) == (trigger, role, "forbidden")


@pytest.mark.parametrize(("procedure_name", "role"), OPEN_CASES)
def test_open_case_by_role(matrix, procedure_name, role):
    procedure = matrix.procedure(procedure_name)

    def total() -> int:
        return int(json.loads(matrix.http.get(f"{API}/cases").headers["X-Pagination"])["total"])

    before = total()
    response = matrix.http.post(f"{API}/cases", {
        "procedure": procedure_name, "title": f"{role} 开启的案件", "decision_organ": "某市人民政府",
        "undertaking_unit": "某市交通运输局"}, role)
    if _may(role, procedure.case_opener_roles):
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["opened_by"] == f"matrix-{role}"
        assert total() == before + 1
    else:
        _assert_forbidden(response, procedure.case_opener_roles)
        assert total() == before


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
# The writes of no procedure: who may, from the engine (attachments.py, checkpoints.py, users.py).
OTHER_WRITES = {
    "upload": {"undertaking_unit", "legal_office", "decision_organ", "admin"},
    "sign_checkpoint": {"legal_office", "admin"},
    "revoke_token": {"admin"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", sorted(OTHER_WRITES))
def test_writes_outside_procedures_by_role(matrix, write, role):
    import io

    http = matrix.http
    length = http.get(f"{API}/audit/verify").get_json()["global"]["events"]
    if write == "upload":
        response = http.client.post(f"{API}/attachments", headers=http.headers(role), content_type="multipart/form-data",
                                    data={"file": (io.BytesIO(PDF + role.encode()), f"{role}.pdf", "application/pdf")})
    elif write == "sign_checkpoint":
        response = http.post(f"{API}/audit/checkpoints", {}, role)
    else:
        victim = services.add_user(matrix.stores[PROCEDURES[0].name].rt, f"victim-{role}", "auditor")
        token_id = services.list_tokens(matrix.stores[PROCEDURES[0].name].rt, user=f"victim-{role}")[0]["id"]
        length += 2  # the victim's user_added and token_issued
        response = http.post(f"{API}/tokens/{token_id}/revoke", {}, role)
        assert (http.client.get(f"{API}/cases", headers={"Authorization": f"Bearer {victim}"}).status_code
                == (401 if role in OTHER_WRITES[write] else 200))
    if role in OTHER_WRITES[write]:
        assert response.status_code in (200, 201), response.get_json()
    else:
        assert response.status_code == 403, response.get_json()
        assert response.get_json()["error"] == "forbidden"
        assert http.get(f"{API}/audit/verify").get_json()["global"]["events"] == length
