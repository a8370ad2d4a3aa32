"""Read models for the web pages: a case as it stands (or stood at any event) with its full checklist.

The checklist lists, for each trigger leaving the state, *every* rule guarding it, met or unmet, with its
citation — the same ``registry.evaluate`` the writes use, on the same fold of the events, so what the page
shows is what a write would be told. "As of event N" evaluates on the China date of that event, as the
compliance replay does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from workflow.definition import Procedure
from workflow.errors import InvalidInput
from workflow.services.audit import case_events, compliance, verify_case
from workflow.services.common import _ensure_case, _event_dicts
from workflow.services.reads import case_attempts, list_cases
from workflow.services.runtime import Runtime
from workflow.snapshot import CaseSnapshot, legal_date


def checklist(rt: Runtime, snapshot: CaseSnapshot, today: dt.date) -> list[dict[str, Any]]:
    """Each trigger from the snapshot's state with every rule of it: met or not, why not, and its basis."""
    procedure = rt.registry.procedure(snapshot.procedure, snapshot.procedure_version)
    out = []
    for trigger in procedure.triggers_from(snapshot.state):
        evaluation = rt.registry.evaluate(snapshot, trigger.name, today)
        unmet = {u.rule.id: u.details for u in evaluation.unmet}
        rules = []
        for rule_id in trigger.rules:
            rule = procedure.rule(rule_id)
            rules.append({**rule.to_dict(), "met": rule_id not in unmet, "details": list(unmet.get(rule_id, ()))})
        out.append({**trigger.to_dict(), "allowed": evaluation.passed, "checks": rules})
    return out


def _as_of(rt: Runtime, procedure: Procedure, snapshot: CaseSnapshot, today: dt.date) -> dict[str, Any]:
    return {
        **snapshot.to_dict(),
        "version": snapshot.last_seq,
        "checklist": checklist(rt, snapshot, today),
        "deadlines": rt.registry.deadlines(snapshot, today),
        "diagram": rt.registry.diagram(procedure, snapshot.state),
        "today": today.isoformat(),
    }


def case_as_of(rt: Runtime, case_id: int, *, seq: int | None = None) -> dict[str, Any]:
    """The case after event ``seq`` (default: the latest) with its checklist, deadlines and diagram.

    ``events`` is how many events the case has now; ``version`` is the case version at that point.
    Without ``seq`` the rules are evaluated today (China date), with it on the date of that event.
    """
    with rt.db.read() as session:
        case = _ensure_case(session, case_id)
        opened_by = case.opened_by
        events = _event_dicts(session, case_id)
    if seq is not None and not 1 <= seq <= len(events):
        raise InvalidInput(f"case {case_id} has events 1 to {len(events)}",
                           fields={"seq": [f"between 1 and {len(events)}"]})
    chosen = events if seq is None else events[:seq]
    snapshot = CaseSnapshot.from_events(chosen)
    procedure = rt.registry.procedure(snapshot.procedure, snapshot.procedure_version)
    today = legal_date(rt.clock() if seq is None else chosen[-1]["at"])
    return {**_as_of(rt, procedure, snapshot, today), "events": len(events), "opened_by": opened_by}


def audit_view(rt: Runtime, case_id: int, *, seq: int | None = None) -> dict[str, Any]:
    """What an auditor reads on one page: the case as of ``seq``, the trail, verification, compliance, attempts."""
    as_of = case_as_of(rt, case_id, seq=seq)
    return {
        "as_of": as_of,
        "trail": case_events(rt, case_id),
        "verification": verify_case(rt, case_id),
        "compliance": compliance(rt, case_id),
        "attempts": case_attempts(rt, case_id),
    }


def timeline(rt: Runtime, case_id: int) -> dict[str, Any]:
    """Every event of the case and, apart, every refused attempt."""
    with rt.db.read() as session:
        _ensure_case(session, case_id)
        snapshot = CaseSnapshot.from_events(_event_dicts(session, case_id))
    return {"case": {**snapshot.to_dict(), "version": snapshot.last_seq}, "events": case_events(rt, case_id),
            "attempts": case_attempts(rt, case_id)}


def case_list(rt: Runtime, **filters: Any) -> tuple[list[dict[str, Any]], int]:
    """``list_cases`` with, for each case, what blocks it: each next trigger and its unmet rule ids."""
    rows, total = list_cases(rt, **filters)
    today = legal_date(rt.clock())
    with rt.db.read() as session:
        snapshots = {row["id"]: CaseSnapshot.from_events(_event_dicts(session, row["id"])) for row in rows}
    for row in rows:
        snapshot = snapshots[row["id"]]
        row["next"] = [
            {"name": t["name"], "label": t["label"], "roles": t["roles"], "allowed": t["allowed"],
             "unmet": [{"id": c["id"], "message": c["message"], "article": c["basis"]["article"]}
                       for c in t["checks"] if not c["met"]]}
            for t in checklist(rt, snapshot, today)
        ]
        row["overdue"] = bool(row["next_due_on"]) and row["next_due_on"] < today.isoformat()
    return rows, total
