"""Every record schema of every procedure version, generated from the definitions with Hypothesis: data that
fits is accepted, data with one thing wrong is refused naming that field — by the engine's validation
directly, and over HTTP (422 in the one error shape, nothing written) on a case pinned to that version."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procedures import build_registry
from procedures.profiles import PROFILES
from tests.security.conftest import chain_length
from tests.security.strategies import broken_data, valid_data
from tests.web.helpers import API, CaseStore, add_tokens, make_app, runtime
from workflow.errors import InvalidInput
from workflow.registry import ProcedureRegistry
from workflow.services import Runtime
from workflow.validation import validate_record_data

REGISTRY = build_registry()
VERSIONS = REGISTRY.all_versions()
RECORD_TYPES = [pytest.param(p.name, p.version, r.name, id=f"{p.name}.v{p.version}.{r.name}")
                for p in VERSIONS for r in p.record_types]
# Dates the statutory calendar knows (2004–2026): a record date may start a deadline counted on it.
CALENDAR = (dt.date(2024, 1, 1), dt.date(2026, 12, 31))


def record_type(procedure: str, version: int, name: str):
    kind = REGISTRY.procedure(procedure, version).record_type(name)
    assert kind is not None
    return kind


def names_field(fields: dict, name: str) -> bool:
    return any(key == name or key.startswith(f"{name}.") for key in fields)


def test_every_version_is_covered():
    assert {(p.name, p.version) for p in VERSIONS} >= {("major_decision", 1), ("major_decision", 2)}
    assert len(RECORD_TYPES) == sum(len(p.record_types) for p in VERSIONS) >= 100


@pytest.mark.parametrize(("procedure", "version", "name"), RECORD_TYPES)
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_engine_accepts_fitting_data_and_refuses_one_thing_wrong(procedure, version, name, data):
    kind = record_type(procedure, version, name)
    fitting = data.draw(valid_data(kind), label="fitting")
    cleaned = validate_record_data(kind, fitting)
    assert set(cleaned) <= set(fitting)
    assert all(cleaned[k] == v.strip() for k, v in fitting.items() if isinstance(v, str) and k in cleaned)
    broken, field = broken_data(kind, fitting, data.draw)
    with pytest.raises(InvalidInput) as refused:
        validate_record_data(kind, broken)
    assert names_field(refused.value.details["fields"], field), (field, refused.value.details)


# -- over HTTP, on a case pinned to each version --------------------------------------------------------


@dataclass
class Target:
    http_post: Callable[[str, bytes, str], object]
    rt: Runtime
    stores: dict[tuple[str, int], CaseStore]


def _registry_up_to(procedure: str, version: int) -> ProcedureRegistry:
    """Every procedure's latest version, but ``procedure`` only up to ``version`` (so cases open under it)."""
    chosen = [p for p in VERSIONS if p.name != procedure or p.version <= version]
    return ProcedureRegistry(chosen, PROFILES)


@pytest.fixture(scope="module")
def target(new_database: Callable[[], str]) -> Iterator[Target]:
    app = make_app(new_database())
    rt = runtime(app)
    tokens = add_tokens(app, prefix="schema")
    client = app.test_client()

    def post(path: str, body: bytes, role: str):
        return client.post(path, data=body, content_type="application/json",
                           headers={"Authorization": f"Bearer {tokens[role]}"})

    stores = {}
    for procedure in VERSIONS:
        pinned = Runtime(db=rt.db, registry=_registry_up_to(procedure.name, procedure.version), clock=rt.clock)
        stores[(procedure.name, procedure.version)] = CaseStore(pinned, pinned.registry.procedure(procedure.name))
    yield Target(post, rt, stores)
    rt.db.dispose()


def _encode(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=True).encode("ascii")  # lone surrogates travel as \\ud800 escapes


@pytest.mark.parametrize(("procedure", "version", "name"), RECORD_TYPES)
@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_over_http_fitting_data_is_recorded_and_broken_data_is_422(target, procedure, version, name, data):
    kind = record_type(procedure, version, name)
    store = target.stores[(procedure, version)]
    state = store.reachable(kind.accepted_in)
    assert state is not None, f"no sample path reaches a state accepting {name}"
    case_id = store.case_in(state)
    assert store.rt.registry.procedure(procedure).version == version
    path, role = f"{API}/cases/{case_id}/records", kind.roles[0]
    fitting = data.draw(valid_data(kind, dates=CALENDAR), label="fitting")

    before = chain_length(target.rt)
    broken, field = broken_data(kind, fitting, data.draw)
    refused = target.http_post(path, _encode({"type": name, "data": broken}), role)
    assert refused.status_code == 422, refused.get_json()
    body = refused.get_json()
    assert body["error"] == "invalid" and isinstance(body["message"], str)
    assert names_field(body["fields"], field), (field, body)
    assert chain_length(target.rt) == before

    recorded = target.http_post(path, _encode({"type": name, "data": fitting}), role)
    assert recorded.status_code == 201, (recorded.get_json(), fitting)
    assert recorded.get_json()["type"] == name
    assert chain_length(target.rt) == before + 1
