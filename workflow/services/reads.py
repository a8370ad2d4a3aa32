"""Use cases that read cases and procedures."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.adapters.orm import Attempt, Case
from workflow.errors import (
    CaseNotFound,
    InvalidInput,
)
from workflow.services.cases import open_case
from workflow.services.common import _ensure_case, _snapshot
from workflow.services.idempotency import RequestKey
from workflow.services.runtime import Actor, Runtime
from workflow.snapshot import legal_date
from workflow.validation import MAX_ID, is_clean_text


def case_view(rt: Runtime, case_id: int, *, lang: str | None = None, session: Session | None = None) -> dict[str, Any]:
    """The case with its records and, for each trigger from here, whether it is allowed and what is unmet.

    ``session``: read inside that (write) transaction instead of a read transaction of its own."""
    with nullcontext(session) if session is not None else rt.db.read() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise CaseNotFound(f"no case {case_id}", case_id=case_id)
        snapshot = _snapshot(session, case_id)
    definition = rt.registry.procedure(case.procedure, case.procedure_version)
    today = legal_date(rt.clock())
    upcoming = []
    for trigger in definition.triggers_from(snapshot.state):
        evaluation = rt.registry.evaluate(snapshot, trigger.name, today)
        upcoming.append(
            {
                "trigger": trigger.name,
                "label": trigger.label if lang != "en" else trigger.label_en,
                "dest": trigger.dest,
                "roles": list(trigger.roles),
                "allowed": evaluation.passed,
                "unmet": evaluation.unmet_dicts(lang),
            }
        )
    state = definition.state(snapshot.state)
    return {
        **_case_summary(case),
        "decision_organ": case.decision_organ,
        "undertaking_unit": case.undertaking_unit,
        "state_label": (state.label if lang != "en" else state.label_en) if state else case.state,
        "attributes": case.attributes,
        "opened_by": case.opened_by,
        "records": [r.to_dict() for r in snapshot.records],
        "next": upcoming,
        "deadlines": rt.registry.deadlines(snapshot, today),
    }


def open_case_and_view(rt: Runtime, actor: Actor, *, lang: str | None = None, idempotency: RequestKey | None = None,
                       **fields: Any) -> dict[str, Any]:
    """Open a case (one write transaction), then read it back as ``case_view`` shows it.

    With a request key the view is read inside the write's transaction, so the response stored with the key
    is the one this request returns (``workflow.services.idempotency``)."""
    if idempotency is not None:
        idempotency.shape = lambda session, opened: case_view(rt, opened["id"], lang=lang, session=session)
        return open_case(rt, actor, idempotency=idempotency, **fields)
    opened = open_case(rt, actor, **fields)
    return case_view(rt, opened["id"], lang=lang)


def case_records(rt: Runtime, case_id: int) -> list[dict[str, Any]]:
    """Every record in order, superseded and voided ones included (``current`` says which count)."""
    with rt.db.read() as session:
        return [r.to_dict() for r in _snapshot(session, case_id).records]


def describe_procedures(rt: Runtime) -> list[dict[str, Any]]:
    jurisdictions = [p.name for p in rt.registry.profiles()]
    return [
        {"name": p.name, "title": {"zh": p.title, "en": p.title_en}, "version": p.version, "jurisdictions": jurisdictions}
        for p in rt.registry.procedures()
    ]


def describe_procedure(rt: Runtime, name: str) -> dict[str, Any]:
    """The latest version's definition, with every jurisdiction profile it can run under."""
    procedure = rt.registry.procedure(name)
    return {**procedure.to_dict(), "jurisdictions": [p.to_dict() for p in rt.registry.profiles()]}


def procedure_diagram(rt: Runtime, name: str, *, case_id: int | None = None) -> dict[str, Any]:
    """Mermaid text of the procedure, or of the version a case is pinned to with its state highlighted."""
    procedure, highlight = rt.registry.procedure(name), None
    if case_id is not None:
        with rt.db.read() as session:
            case = _ensure_case(session, case_id)
            if case.procedure != name:
                raise InvalidInput(f"case {case_id} follows '{case.procedure}', not '{name}'", fields={"case": ["other procedure"]})
            procedure, highlight = rt.registry.procedure(case.procedure, case.procedure_version), case.state
    return {"procedure": procedure.name, "version": procedure.version, "highlight": highlight,
            "mermaid": rt.registry.diagram(procedure, highlight)}


def list_cases(
    rt: Runtime,
    *,
    state: str | None = None,
    procedure: str | None = None,
    q: str | None = None,
    overdue: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Cases newest first, with the total count for pagination."""
    if not (0 <= offset <= MAX_ID and 0 <= limit <= 1000):
        raise InvalidInput("the page is out of range", fields={"page": ["out of range"]})
    bad = [k for k, v in (("state", state), ("procedure", procedure), ("q", q)) if v and not is_clean_text(v, 200)]
    if bad:
        raise InvalidInput("the filters are invalid", fields={k: ["text of at most 200 characters, without NUL"] for k in bad})
    query = select(Case)
    if state:
        query = query.where(Case.state == state)
    if procedure:
        query = query.where(Case.procedure == procedure)
    if q:
        query = query.where(Case.title.contains(q, autoescape=True))
    if overdue is not None:
        today = legal_date(rt.clock()).isoformat()
        late = Case.next_due_on.is_not(None) & (Case.next_due_on < today)
        query = query.where(late if overdue else ~late)
    with rt.db.read() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(query.order_by(Case.id.desc()).limit(limit).offset(offset)).all()
        return [_case_summary(c) for c in rows], total


def _case_summary(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "procedure": case.procedure,
        "procedure_version": case.procedure_version,
        "jurisdiction": case.jurisdiction,
        "title": case.title,
        "state": case.state,
        "version": case.version,
        "opened_at": case.opened_at,
        "head_hash": case.head_hash,
        "next_due_on": case.next_due_on,
    }


def case_attempts(rt: Runtime, case_id: int) -> list[dict[str, Any]]:
    """Refused transition attempts: each is a finding an auditor may want to see."""
    with rt.db.read() as session:
        _ensure_case(session, case_id)
        rows = session.scalars(select(Attempt).where(Attempt.case_id == case_id).order_by(Attempt.id)).all()
        return [
            {
                "id": a.id,
                "at": a.at,
                "actor": a.actor,
                "role": a.role,
                "trigger": a.trigger,
                "state": a.state,
                "case_version": a.case_version,
                "outcome": a.outcome,
                "unmet": a.unmet,
            }
            for a in rows
        ]
