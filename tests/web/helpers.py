"""Helpers for the HTTP tests: an app on a given database, a client that carries a role's token and the
case version, paths to every state each procedure's own sample walk can reach (completed by exploring the
definition), and record data generated from a record type's field specs."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from procedures.major_decision import samples
from procedures.major_decision.samples import ORGAN, UNDERTAKING, Step
from tests.conftest import ACTORS, START, Clock
from web import create_app
from web.demo import ALL_REQUIRED, apply_steps
from workflow import services
from workflow.definition import ADMIN_ROLE, Field, Procedure, RecordType
from workflow.errors import WorkflowError
from workflow.services import Runtime

ROLES = ("undertaking_unit", "legal_office", "decision_organ", "auditor", "admin")
API = "/api/v1"


def make_app(database_url: str, **config: Any) -> Flask:
    """The real app on ``database_url`` with a fixed clock (after every sample date). No write-rate limit
    unless ``write_rate`` is given: the tests write far faster than any client should (tests/security)."""
    files = tempfile.mkdtemp(prefix="juece-files-")  # attachments and the checkpoint key, apart from the repo
    app = create_app({"database_url": database_url, "attachments_dir": f"{files}/attachments",
                      "signing_key_path": f"{files}/checkpoint-key.pem", "checkpoint_interval": 0,
                      "write_rate": None, **config})
    app.extensions["juece"].clock = Clock()
    return app


def runtime(app: Flask) -> Runtime:
    return app.extensions["juece"]  # type: ignore[no-any-return]


def add_tokens(app: Flask, prefix: str = "web") -> dict[str, str]:
    """One user per role; the user's name is ``{prefix}-{role}``."""
    return {role: services.add_user(runtime(app), f"{prefix}-{role}", role) for role in ROLES}


def allowed(roles: Iterable[str]) -> list[str]:
    """The roles a write is open to: the definition's roles plus admin, never the auditor."""
    return sorted({*roles, ADMIN_ROLE})


def etag(version: int) -> str:
    return f'"{version}"'


@dataclass
class Http:
    """The Flask test client with a token per role."""

    client: FlaskClient
    tokens: dict[str, str]

    def headers(self, role: str | None, if_match: str | int | None = None, **extra: str) -> dict[str, str]:
        headers = dict(extra)
        if role is not None:
            headers["Authorization"] = f"Bearer {self.tokens[role]}"
        if if_match is not None:
            headers["If-Match"] = if_match if isinstance(if_match, str) else etag(if_match)
        return headers

    def get(self, path: str, role: str | None = "auditor", **kwargs: Any) -> TestResponse:
        return self.client.get(path, headers=self.headers(role), **kwargs)

    def post(self, path: str, body: Any, role: str | None, if_match: str | int | None = None,
             **kwargs: Any) -> TestResponse:
        return self.client.post(path, json=body, headers=self.headers(role, if_match), **kwargs)

    # -- cases ----------------------------------------------------------------------------------------
    def open_case(self, role: str = UNDERTAKING, title: str = "关于调整城市公共交通票价的决策",
                  attributes: dict[str, Any] | None = None) -> TestResponse:
        return self.post(f"{API}/cases", {**samples.case_fields(title), "attributes": attributes or {}}, role)

    def open_case_id(self, **kwargs: Any) -> int:
        response = self.open_case(**kwargs)
        assert response.status_code == 201, response.get_json()
        return int(response.get_json()["id"])

    def case(self, case_id: int) -> dict[str, Any]:
        response = self.get(f"{API}/cases/{case_id}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()  # type: ignore[no-any-return]

    def current_etag(self, case_id: int) -> str:
        response = self.get(f"{API}/cases/{case_id}")
        assert response.status_code == 200
        return response.headers["ETag"]

    def record(self, case_id: int, record_type: str, data: Any, role: str, if_match: str | int | None = None,
               extra: dict[str, Any] | None = None) -> TestResponse:
        """POST a record; ``extra``: more top-level body fields (``supersedes``, ``reason``, or junk)."""
        body = {"type": record_type, "data": data, **(extra or {})}
        return self.post(f"{API}/cases/{case_id}/records", body, role, if_match)

    def fire(self, case_id: int, trigger: str, role: str, if_match: str | int | None = None,
             extra: dict[str, Any] | None = None) -> TestResponse:
        """POST a transition; ``extra``: more top-level body fields (``note``, or junk)."""
        return self.post(f"{API}/cases/{case_id}/transitions", {"trigger": trigger, **(extra or {})}, role, if_match)

    def footprint(self, case_id: int) -> dict[str, Any]:
        """What a refused write must leave alone: version, state, head, events, records, the case count."""
        case = self.case(case_id)
        events = self.get(f"{API}/cases/{case_id}/events").get_json()
        records = self.get(f"{API}/cases/{case_id}/records").get_json()
        return {
            "version": case["version"], "state": case["state"], "head_hash": case["head_hash"],
            "events": len(events), "records": len(records),
            "cases": json.loads(self.get(f"{API}/cases").headers["X-Pagination"])["total"],
        }


# -- reaching states --------------------------------------------------------------------------------


def _extra_paths(main: dict[str, list[Step]]) -> dict[str, list[Step]]:
    """States off the main path, from the sample data and the demo's deferred scenario."""
    return {
        "suspended": main["in_execution"] + [
            Step("record", ORGAN, "suspension_order", {
                "ordered_on": "2026-09-01", "circumstance": "客观情况发生重大变化。", "urgency": "需立即停止调价以免损失扩大。",
            }),
            Step("fire", ORGAN, "suspend"),
        ],
        "post_evaluation": main["in_execution"] + [
            Step("record", ORGAN, "post_evaluation_decision", {"trigger": "执行满一年", "evaluator": "某大学公共政策研究院"}),
            Step("fire", ORGAN, "start_post_evaluation"),
        ],
        "deferred": main["discussion"] + [
            Step("record", ORGAN, "meeting_minutes", samples.minutes(
                START + dt.timedelta(days=65), "defer", chief_position="abstain",
                departure_reasons="补贴资金来源尚待财政部门论证。")),
            Step("fire", ORGAN, "defer"),
        ],
    }


CASE_ATTRIBUTES = ALL_REQUIRED  # walk_to_execution records the hearing, the experts and the risk report


@dataclass(frozen=True)
class SampleWalk:
    """A procedure's own sample walk (``procedures/<name>/samples.py``): how to open a case and the steps."""

    procedure: str
    fields: dict[str, Any]
    attributes: dict[str, Any]
    steps: list[Any]


def sample_walk(name: str) -> SampleWalk:
    """The longest ``walk*`` function of the procedure's samples module (``walk(start)``,
    ``walk_to_execution(start)``, ``walk_to_in_force(start)``, or ``walk()`` with defaults), its
    ``case_fields()`` and the attributes it is written for (``CASE_ATTRIBUTES``)."""
    module = importlib.import_module(f"procedures.{name}.samples")
    walks = []
    for attribute, function in vars(module).items():
        if attribute.startswith("walk") and inspect.isfunction(function) and function.__module__ == module.__name__:
            walks.append(function(START) if "start" in inspect.signature(function).parameters else function())
    assert walks, f"procedures/{name}/samples.py has no walk function"
    attributes = CASE_ATTRIBUTES if name == "major_decision" else getattr(module, "CASE_ATTRIBUTES", {})
    return SampleWalk(name, module.case_fields(), dict(attributes), max(walks, key=len))


def state_paths(procedure: Procedure) -> dict[str, list[Step]]:
    """For each state the procedure's sample walk passes, the steps that take a case opened as the walk says
    there (for major_decision also the demo's states off the main path)."""
    paths: dict[str, list[Step]] = {procedure.initial: []}
    steps: list[Step] = []
    for step in sample_walk(procedure.name).steps:
        steps.append(step)
        if step.action == "fire":
            trigger = procedure.trigger(step.name)
            assert trigger is not None, f"{procedure.name}: the sample walk fires unknown trigger {step.name}"
            paths.setdefault(trigger.dest, list(steps))
    return {**paths, **_extra_paths(paths)} if procedure.name == "major_decision" else paths


def prepare_case(rt: Runtime, steps: list[Step], title: str | None = None, procedure: str = "major_decision") -> int:
    """Open a case as the procedure's sample walk does and run ``steps`` through the service layer (fast
    set-up; the HTTP walk is tested apart)."""
    walk = sample_walk(procedure)
    definition = rt.registry.procedure(procedure)
    opener = ACTORS[definition.case_opener_roles[0]]
    fields = {**walk.fields, **({"title": title} if title else {})}
    case = services.open_case(rt, opener, attributes=walk.attributes, **fields)
    apply_steps(rt, ACTORS, case["id"], steps)
    return int(case["id"])


def _needed_states(procedure: Procedure) -> set[str]:
    """The states a role test needs a case in: where a trigger leaves from or a record type is accepted."""
    return ({s for t in procedure.triggers for s in t.sources}
            | {s for r in procedure.record_types for s in r.accepted_in})


def explore_paths(rt: Runtime, procedure: Procedure) -> dict[str, list[Step]]:
    """``state_paths``, completed by trying each trigger that leads to a state not reached yet: fired at once,
    or after recording generated data (``fill``) for every record type accepted where it leaves from."""
    paths = state_paths(procedure)
    needed = _needed_states(procedure)
    frontier = list(paths)
    while frontier:
        state = frontier.pop(0)
        for trigger in procedure.triggers_from(state):
            if trigger.dest in paths or trigger.dest not in needed:
                continue
            fire = Step("fire", trigger.roles[0], trigger.name)
            records = [Step("record", r.roles[0], r.name, record_data(r))
                       for r in procedure.record_types if state in r.accepted_in]
            for attempt in ([fire], [*records, fire]):
                if _reaches(rt, procedure, paths[state], attempt, trigger.dest):
                    paths[trigger.dest] = [*paths[state], *attempt]
                    frontier.append(trigger.dest)
                    break
    return paths


def _reaches(rt: Runtime, procedure: Procedure, path: list[Step], extra: list[Step], dest: str) -> bool:
    case_id = prepare_case(rt, path, title="路径探索（测试）", procedure=procedure.name)
    for step in extra:
        try:
            apply_steps(rt, ACTORS, case_id, [step])
        except WorkflowError:
            continue
    return bool(services.case_view(rt, case_id)["state"] == dest)


class CaseStore:
    """Cases prepared in given states (every procedure, from its own sample walk), reused while they stay there."""

    def __init__(self, rt: Runtime, procedure: Procedure) -> None:
        self.rt = rt
        self.procedure = procedure.name
        self.paths = explore_paths(rt, procedure)
        self.cases: dict[str, int] = {}

    def reachable(self, states: Iterable[str]) -> str | None:
        return next((s for s in states if s in self.paths), None)

    def case_in(self, state: str) -> int:
        case_id = self.cases.get(state)
        if case_id is None or services.case_view(self.rt, case_id)["state"] != state:
            case_id = self.cases[state] = prepare_case(self.rt, self.paths[state], procedure=self.procedure)
        return case_id


# -- record data from field specs -------------------------------------------------------------------


def _value(spec: Field) -> Any:
    if spec.kind in ("string", "text"):
        return f"测试{spec.label}"
    if spec.kind == "choice":
        return spec.choices[0]
    if spec.kind == "date":
        return "2026-07-15"
    if spec.kind == "bool":
        return True
    if spec.kind == "int":
        return 1
    if spec.kind == "string_list":
        return [f"测试{spec.label}"] * max(spec.min_items, 1)
    if spec.kind == "object_list":
        return [fill(spec.item_fields)] * max(spec.min_items, 1)
    raise AssertionError(f"no test value for field kind {spec.kind}")


def fill(specs: tuple[Field, ...]) -> dict[str, Any]:
    """Valid data for every client-set field (optional ones too)."""
    return {spec.name: _value(spec) for spec in specs if not spec.server_set}


def record_data(record_type: RecordType) -> dict[str, Any]:
    return fill(record_type.fields)
