"""Use cases: one function each, one transaction each, the audit event written in that transaction.

Writers run in ``Database.write()``: on SQLite the transaction starts with ``BEGIN IMMEDIATE``, on
PostgreSQL the case row and then the global chain head are locked ``FOR UPDATE`` (always in that order,
so writers cannot deadlock). Either way two writers racing on one case are serialised, the second sees
the first one's version, and the global chain never forks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from workflow.adapters.db import Database
from workflow.adapters.orm import ApiToken, Attempt, Case, ChainHead, Event, Record, User
from workflow.definition import ADMIN_ROLE, Procedure
from workflow.errors import (
    CaseNotFound,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    RecordNotAccepted,
    RecordTypeNotFound,
    RequirementsUnmet,
    Unauthenticated,
    VersionMismatch,
)
from workflow.ledger import (
    GENESIS,
    EventKind,
    canonical,
    event_hash,
    format_time,
    global_hash,
    parse_time,
    record_hash,
    verify_case_chain,
    verify_global_chain,
)
from workflow.registry import ProcedureRegistry
from workflow.snapshot import CaseSnapshot, RecordView, legal_date
from workflow.validation import is_unicode_text, validate_attributes, validate_record_data

GLOBAL_CHAIN = "global"
AUDITOR_ROLE = "auditor"
SYSTEM_ROLE = "system"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Actor:
    """Who performs a use case: always the authenticated user, never a value from the request."""

    name: str
    role: str


SYSTEM = Actor("juece", SYSTEM_ROLE)


@dataclass
class Runtime:
    """What every use case needs: the database, the procedure registry, and a clock."""

    db: Database
    registry: ProcedureRegistry
    clock: Callable[[], dt.datetime] = field(default=utc_now)

    def roles(self) -> set[str]:
        roles = {ADMIN_ROLE, AUDITOR_ROLE}
        for procedure in self.registry.all_versions():
            roles.update(procedure.roles)
        return roles


# -- the ledger append, shared by every write --------------------------------------------------------


def _lock_case(session: Session, rt: Runtime, case_id: int, expected_version: int | None) -> Case:
    query = select(Case).where(Case.id == case_id)
    if not rt.db.is_sqlite:
        query = query.with_for_update()
    case = session.scalars(query).one_or_none()
    if case is None:
        raise CaseNotFound(f"no case {case_id}", case_id=case_id)
    if expected_version is not None and case.version != expected_version:
        raise VersionMismatch(
            f"case {case_id} is at version {case.version}, not {expected_version}",
            case_id=case_id,
            current_version=case.version,
        )
    return case


def _append(
    session: Session,
    rt: Runtime,
    *,
    case: Case | None,
    kind: EventKind,
    payload: Mapping[str, Any],
    actor: Actor,
    at: str,
) -> dict[str, Any]:
    """Append one event to the case chain and the global chain; return it as a plain dict."""
    head_query = select(ChainHead).where(ChainHead.name == GLOBAL_CHAIN)
    if not rt.db.is_sqlite:
        head_query = head_query.with_for_update()
    head = session.scalars(head_query).one()
    seq = case.head_seq + 1 if case is not None else None
    prev_hash = case.head_hash if case is not None else GENESIS
    body = json.loads(canonical(payload))
    own = event_hash(
        case_id=case.id if case else None,
        seq=seq,
        at=at,
        actor=actor.name,
        role=actor.role,
        kind=kind,
        payload=body,
        prev_hash=prev_hash,
    )
    global_seq = head.seq + 1
    linked = global_hash(global_seq=global_seq, hash=own, prev_global_hash=head.hash)
    row = {
        "global_seq": global_seq,
        "case_id": case.id if case else None,
        "seq": seq,
        "at": at,
        "actor": actor.name,
        "role": actor.role,
        "kind": str(kind),
        "payload": canonical(body).decode("utf-8"),
        "prev_hash": prev_hash,
        "hash": own,
        "prev_global_hash": head.hash,
        "global_hash": linked,
    }
    session.execute(insert(Event), [row])
    head.seq, head.hash = global_seq, linked
    if case is not None:
        case.head_seq, case.head_hash = seq, own  # type: ignore[assignment]
        case.version += 1
    return row


# -- reading a case ----------------------------------------------------------------------------------


def _event_dicts(session: Session, case_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Event.seq, Event.at, Event.actor, Event.role, Event.kind, Event.payload, Event.hash)
        .where(Event.case_id == case_id)
        .order_by(Event.seq)
    ).all()
    return [
        {
            "seq": r.seq,
            "at": parse_time(r.at),
            "actor": r.actor,
            "role": r.role,
            "kind": r.kind,
            "payload": json.loads(r.payload),
            "hash": r.hash,
        }
        for r in rows
    ]


def _snapshot(session: Session, case_id: int) -> CaseSnapshot:
    events = _event_dicts(session, case_id)
    if not events:
        raise CaseNotFound(f"no case {case_id}", case_id=case_id)
    return CaseSnapshot.from_events(events)


def _require_role(actor: Actor, allowed: Iterable[str], what: str) -> None:
    allowed = tuple(allowed)
    if actor.role != ADMIN_ROLE and actor.role not in allowed:
        raise Forbidden(
            f"role '{actor.role}' may not {what}", role=actor.role, allowed_roles=sorted({*allowed, ADMIN_ROLE})
        )


# -- use cases: writes -------------------------------------------------------------------------------


def open_case(
    rt: Runtime,
    actor: Actor,
    *,
    procedure: str,
    title: str,
    decision_organ: str,
    undertaking_unit: str,
    attributes: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Open a case pinned to the latest version of ``procedure``; the first event of its chain."""
    definition = rt.registry.procedure(procedure)
    _require_role(actor, definition.case_opener_roles, f"open a '{procedure}' case")
    clean = validate_attributes(definition.attributes, attributes or {})
    jurisdiction = clean.get("jurisdiction") or "national"
    profile = rt.registry.profile(jurisdiction)
    fields = _required_texts(title=title, decision_organ=decision_organ, undertaking_unit=undertaking_unit)
    at = format_time(rt.clock())
    with rt.db.write() as session:
        case = Case(
            procedure=definition.name,
            procedure_version=definition.version,
            jurisdiction=jurisdiction,
            state=definition.initial,
            version=0,
            attributes=clean,
            opened_at=at,
            opened_by=actor.name,
            head_seq=0,
            head_hash=GENESIS,
            **fields,
        )
        session.add(case)
        session.flush()
        payload = {
            "case_id": case.id,
            "procedure": definition.name,
            "procedure_version": definition.version,
            "jurisdiction": jurisdiction,
            "state": definition.initial,
            "attributes": clean,
            # The profile's values are pinned with the case, like the procedure version: a later change
            # of a local rule applies to new cases, never to this one or to the replay of its past.
            "profile": {"name": profile.name, "version": profile.version, "parameters": profile.values()},
            **fields,
        }
        _append(session, rt, case=case, kind=EventKind.CASE_OPENED, payload=payload, actor=actor, at=at)
        return {"id": case.id, "state": case.state, "version": case.version}


def _required_texts(**values: Any) -> dict[str, str]:
    errors = {}
    for name, value in values.items():
        if not isinstance(value, str) or not value.strip() or len(value) > 500 or "\x00" in value or not is_unicode_text(value):
            errors[name] = ["must be a non-blank string of at most 500 characters"]
    if errors:
        raise InvalidInput("the case fields are invalid", fields=errors)
    return {k: v.strip() for k, v in values.items()}


def add_record(
    rt: Runtime,
    actor: Actor,
    case_id: int,
    *,
    record_type: str,
    data: Any,
    supersedes: int | None = None,
    reason: str | None = None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Add a record (never edited later: a correction is a new record that ``supersedes`` an old one)."""
    with rt.db.write() as session:
        case = _lock_case(session, rt, case_id, expected_version)
        at = format_time(rt.clock())  # read under the case lock, so a case's event times never run backwards
        definition = rt.registry.procedure(case.procedure, case.procedure_version)
        kind = definition.record_type(record_type)
        if kind is None:
            raise RecordTypeNotFound(
                f"procedure '{definition.name}' has no record type '{record_type}'",
                record_type=record_type,
                available=[r.name for r in definition.record_types],
            )
        _require_role(actor, kind.roles, f"record '{record_type}'")
        if case.state not in kind.accepted_in:
            raise RecordNotAccepted(
                f"'{record_type}' is not accepted in state '{case.state}'",
                record_type=record_type,
                state=case.state,
                accepted_in=list(kind.accepted_in),
            )
        clean = validate_record_data(kind, data)
        for f in kind.fields:
            if f.server_set == "case_chain_head":
                clean[f.name] = case.head_hash
        _check_supersedes(session, case_id, record_type, supersedes, reason)
        digest = record_hash(record_type=record_type, data=clean, supersedes=supersedes)
        record = Record(
            case_id=case_id,
            type=record_type,
            data=clean,
            sha256=digest,
            supersedes_id=supersedes,
            reason=reason.strip() if reason else None,
            recorded_at=at,
            recorded_by=actor.name,
            role=actor.role,
            event_seq=case.head_seq + 1,
        )
        session.add(record)
        session.flush()
        payload = {
            "record": {
                "id": record.id,
                "type": record_type,
                "data": clean,
                "sha256": digest,
                "supersedes": supersedes,
                "reason": record.reason,
            }
        }
        event = _append(session, rt, case=case, kind=EventKind.RECORD_ADDED, payload=payload, actor=actor, at=at)
        view = RecordView(
            id=record.id, type=record_type, data=clean, sha256=digest, seq=event["seq"], recorded_at=parse_time(at),
            recorded_by=actor.name, role=actor.role, supersedes=supersedes, reason=record.reason,
        )
        return {**view.to_dict(), "case_version": case.version}


def _check_supersedes(
    session: Session, case_id: int, record_type: str, supersedes: int | None, reason: str | None
) -> None:
    if supersedes is None:
        if reason:
            raise InvalidInput("a reason is given only with a correction", fields={"reason": ["only with supersedes"]})
        return
    if not reason or not reason.strip() or len(reason) > 2000 or not is_unicode_text(reason):
        raise InvalidInput("a correction must say why, in at most 2000 characters of text", fields={"reason": ["required when superseding a record"]})
    target = session.get(Record, supersedes)
    if target is None or target.case_id != case_id or target.type != record_type:
        raise InvalidInput(
            "supersedes must name a record of the same type in this case",
            fields={"supersedes": [f"no '{record_type}' record {supersedes} in case {case_id}"]},
        )
    already = session.scalar(select(Record.id).where(Record.supersedes_id == supersedes))
    if already is not None:
        raise InvalidInput(
            "that record was already corrected",
            fields={"supersedes": [f"record {supersedes} is superseded by record {already}; correct that one"]},
        )


def change_attribute(
    rt: Runtime,
    actor: Actor,
    case_id: int,
    *,
    name: str,
    value: Any,
    reason: str,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Change one case attribute; the change, its old value and its reason are an audited event."""
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 2000 or not is_unicode_text(reason):
        raise InvalidInput("a change of attribute must state its reason", fields={"reason": ["required, at most 2000 characters"]})
    with rt.db.write() as session:
        case = _lock_case(session, rt, case_id, expected_version)
        at = format_time(rt.clock())
        definition = rt.registry.procedure(case.procedure, case.procedure_version)
        _require_role(actor, definition.case_opener_roles + ("decision_organ",), "change case attributes")
        if name == "jurisdiction":
            raise InvalidInput("the jurisdiction of an open case cannot change", fields={"name": ["fixed at opening"]})
        clean = validate_attributes(definition.attributes, {name: value}, partial=True)
        old = case.attributes.get(name)
        payload = {"name": name, "old": old, "new": clean[name], "reason": reason.strip()}
        case.attributes = {**case.attributes, name: clean[name]}
        _append(session, rt, case=case, kind=EventKind.ATTRIBUTE_CHANGED, payload=payload, actor=actor, at=at)
        return {"id": case.id, "attributes": case.attributes, "version": case.version}


def fire_trigger(
    rt: Runtime,
    actor: Actor,
    case_id: int,
    *,
    trigger: str,
    note: str | None = None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Fire a trigger if every rule guarding it holds; otherwise log the attempt and raise.

    Raises:
        InvalidTransition: the trigger does not leave the current state (logged as an attempt).
        Forbidden: the actor's role may not fire it (logged as an attempt).
        RequirementsUnmet: one or more rules are unmet; all are listed (logged as an attempt).
        VersionMismatch: ``expected_version`` is stale (not logged: nothing was attempted).
    """
    if note is not None and (not isinstance(note, str) or len(note) > 2000 or "\x00" in note or not is_unicode_text(note)):
        raise InvalidInput("the note must be text of at most 2000 characters", fields={"note": ["invalid"]})
    refusal: Exception | None = None
    with rt.db.write() as session:
        case = _lock_case(session, rt, case_id, expected_version)
        now = rt.clock()
        at = format_time(now)
        snapshot = _snapshot(session, case_id)
        definition = rt.registry.procedure(case.procedure, case.procedure_version)
        try:
            result = _fire(session, rt, actor, case, snapshot, definition, trigger, note, now, at)
        except (InvalidTransition, Forbidden, RequirementsUnmet) as exc:
            session.add(_attempt(case, actor, trigger, at, exc))
            refusal = exc
    if refusal is not None:
        raise refusal
    return result


def _fire(
    session: Session,
    rt: Runtime,
    actor: Actor,
    case: Case,
    snapshot: CaseSnapshot,
    definition: Procedure,
    trigger: str,
    note: str | None,
    now: dt.datetime,
    at: str,
) -> dict[str, Any]:
    evaluation = rt.registry.evaluate(snapshot, trigger, legal_date(now))
    spec = definition.trigger(trigger)
    assert spec is not None  # evaluate() raised otherwise
    _require_role(actor, spec.roles, f"fire '{trigger}'")
    if not evaluation.passed:
        raise RequirementsUnmet(
            f"'{trigger}' refused: {len(evaluation.unmet)} rule(s) unmet",
            trigger=trigger,
            state=snapshot.state,
            unmet=evaluation.unmet_dicts(),
        )
    dest = rt.registry.fire(snapshot, evaluation)
    voided = sorted(r.id for r in snapshot.records if r.current and r.type in spec.invalidates)
    payload = {
        "trigger": trigger,
        "source": snapshot.state,
        "dest": dest,
        "rules": list(spec.rules),
        "note": note.strip() if isinstance(note, str) and note.strip() else None,
        "invalidated": voided,
    }
    case.state = dest
    _append(session, rt, case=case, kind=EventKind.TRANSITION, payload=payload, actor=actor, at=at)
    return {"id": case.id, "state": dest, "version": case.version, "invalidated": voided}


def _attempt(case: Case, actor: Actor, trigger: str, at: str, exc: Exception) -> Attempt:
    details = exc.details if hasattr(exc, "details") else {}
    return Attempt(
        case_id=case.id,
        at=at,
        actor=actor.name,
        role=actor.role,
        trigger=trigger,
        state=case.state,
        case_version=case.version,
        outcome=getattr(exc, "code", "refused"),
        unmet=details.get("unmet", []),
    )


# -- use cases: reads --------------------------------------------------------------------------------


def case_view(rt: Runtime, case_id: int, *, lang: str | None = None) -> dict[str, Any]:
    """The case with its records and, for each trigger from here, whether it is allowed and what is unmet."""
    with rt.db.read() as session:
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
        "id": case.id,
        "procedure": case.procedure,
        "procedure_version": case.procedure_version,
        "jurisdiction": case.jurisdiction,
        "title": case.title,
        "decision_organ": case.decision_organ,
        "undertaking_unit": case.undertaking_unit,
        "state": case.state,
        "state_label": (state.label if lang != "en" else state.label_en) if state else case.state,
        "version": case.version,
        "attributes": case.attributes,
        "opened_at": case.opened_at,
        "opened_by": case.opened_by,
        "head_hash": case.head_hash,
        "records": [r.to_dict() for r in snapshot.records],
        "next": upcoming,
    }


def open_case_and_view(rt: Runtime, actor: Actor, *, lang: str | None = None, **fields: Any) -> dict[str, Any]:
    """Open a case (one write transaction), then read it back as ``case_view`` shows it."""
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
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Cases newest first, with the total count for pagination."""
    query = select(Case)
    if state:
        query = query.where(Case.state == state)
    if procedure:
        query = query.where(Case.procedure == procedure)
    if q:
        query = query.where(Case.title.contains(q, autoescape=True))
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
    }


def case_events(rt: Runtime, case_id: int) -> list[dict[str, Any]]:
    """The case's audit trail exactly as stored (payload parsed for reading)."""
    with rt.db.read() as session:
        _ensure_case(session, case_id)
        rows = session.scalars(select(Event).where(Event.case_id == case_id).order_by(Event.seq)).all()
        return [_event_out(e) for e in rows]


def _event_out(event: Event) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "global_seq": event.global_seq,
        "at": event.at,
        "actor": event.actor,
        "role": event.role,
        "kind": event.kind,
        "payload": json.loads(event.payload),
        "prev_hash": event.prev_hash,
        "hash": event.hash,
        "prev_global_hash": event.prev_global_hash,
        "global_hash": event.global_hash,
    }


def _ensure_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise CaseNotFound(f"no case {case_id}", case_id=case_id)
    return case


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


def _stored_event_rows(session: Session, *where: Any) -> list[dict[str, Any]]:
    rows = session.execute(
        select(
            Event.global_seq, Event.case_id, Event.seq, Event.at, Event.actor, Event.role, Event.kind,
            Event.payload, Event.prev_hash, Event.hash, Event.prev_global_hash, Event.global_hash,
        ).where(*where).order_by(Event.global_seq)
    ).mappings().all()
    return [dict(r) for r in rows]


def verify_case(rt: Runtime, case_id: int) -> dict[str, Any]:
    """Recompute the case chain and check the case and record tables agree with it."""
    with rt.db.read() as session:
        case = _ensure_case(session, case_id)
        events = _stored_event_rows(session, Event.case_id == case_id)
        events.sort(key=lambda e: e["seq"])
        result = verify_case_chain(case_id, events).to_dict()
        if result["ok"]:
            result.update(_projection_check(session, case, events))
        result["case_id"] = case_id
        return result


def _projection_check(session: Session, case: Case, events: list[dict[str, Any]]) -> dict[str, Any]:
    """The tables clients read must say what the chain says; a mismatch is reported like a broken link."""
    folded = CaseSnapshot.from_events(
        {**e, "at": parse_time(e["at"]), "payload": json.loads(e["payload"])} for e in events
    )
    problems = []
    row = (case.state, case.head_hash, case.head_seq, case.version, case.procedure, case.procedure_version,
           case.jurisdiction, case.title, case.decision_organ, case.undertaking_unit, case.attributes)
    chain = (folded.state, folded.head_hash, folded.last_seq, folded.last_seq, folded.procedure,
             folded.procedure_version, folded.jurisdiction, folded.title, folded.decision_organ,
             folded.undertaking_unit, folded.attributes)
    if row != chain:
        names = ("state", "head_hash", "head_seq", "version", "procedure", "procedure_version", "jurisdiction",
                 "title", "decision_organ", "undertaking_unit", "attributes")
        differing = [n for n, a, b in zip(names, row, chain, strict=True) if a != b]
        problems.append(f"the case row differs from its event chain in: {', '.join(differing)}")
    stored = {r.id: r for r in session.scalars(select(Record).where(Record.case_id == case.id))}
    for record in folded.records:
        found = stored.pop(record.id, None)
        if found is None or _record_row(found) != _record_row_of(record):
            problems.append(f"record {record.id} differs from the event that added it")
    problems += [f"record {rid} has no event in the chain" for rid in sorted(stored)]
    if not problems:
        return {}
    return {"ok": False, "broken_at": None, "reason": "; ".join(problems)}


def _record_row(row: Record) -> tuple[Any, ...]:
    return (row.type, row.data, row.sha256, row.supersedes_id, row.reason, row.recorded_at, row.recorded_by,
            row.role, row.event_seq)


def _record_row_of(view: RecordView) -> tuple[Any, ...]:
    return (view.type, view.data, view.sha256, view.supersedes, view.reason, format_time(view.recorded_at),
            view.recorded_by, view.role, view.seq)


def verify_all(rt: Runtime) -> dict[str, Any]:
    """Every case chain, every projection, and the global chain."""
    with rt.db.read() as session:
        events = _stored_event_rows(session)
        case_ids = session.scalars(select(Case.id).order_by(Case.id)).all()
        head = session.scalars(select(ChainHead).where(ChainHead.name == GLOBAL_CHAIN)).one()
    global_result = verify_global_chain(events).to_dict()
    if global_result["ok"] and (head.seq, head.hash) != (global_result["events"], global_result["head"]):
        # A deleted or rewritten tail leaves the head row pointing elsewhere than the last event.
        global_result.update(ok=False, broken_at=None, reason="the chain head row differs from the last event")
    cases = [verify_case(rt, case_id) for case_id in case_ids]
    return {
        "ok": global_result["ok"] and all(c["ok"] for c in cases),
        "global": global_result,
        "cases": cases,
    }


def replay(rt: Runtime, case_id: int, *, seq: int | None = None, at: dt.datetime | None = None) -> dict[str, Any]:
    """Rebuild the case from its events as it stood at event ``seq`` or at moment ``at``."""
    if (seq is None) == (at is None):
        raise InvalidInput("give exactly one of seq and at", fields={"seq": ["exactly one of seq, at"]})
    with rt.db.read() as session:
        _ensure_case(session, case_id)
        events = _event_dicts(session, case_id)
    if at is not None and at.tzinfo is None:
        raise InvalidInput("the time must carry a timezone", fields={"at": ["include a UTC offset, e.g. +08:00"]})
    chosen = [e for e in events if (e["seq"] <= seq if seq is not None else e["at"] <= at)]
    if not chosen:
        raise InvalidInput("the case did not exist yet at that point", fields={"seq" if seq is not None else "at": ["before the case was opened"]})
    return CaseSnapshot.from_events(chosen).to_dict()


def compliance(rt: Runtime, case_id: int) -> dict[str, Any]:
    """Re-run every past transition against the rules with only the records that existed then."""
    with rt.db.read() as session:
        _ensure_case(session, case_id)
        events = _event_dicts(session, case_id)
    snapshot = CaseSnapshot.from_events(events[:1])
    findings, checked = [], 0
    for event in events[1:]:
        if event["kind"] == EventKind.TRANSITION:
            checked += 1
            finding = _recheck(rt, snapshot, event)
            if finding:
                findings.append(finding)
        snapshot.apply(event)
    return {"case_id": case_id, "ok": not findings, "transitions_checked": checked, "findings": findings}


def _recheck(rt: Runtime, snapshot: CaseSnapshot, event: Mapping[str, Any]) -> dict[str, Any] | None:
    payload = event["payload"]
    base = {"seq": event["seq"], "at": event["at"].isoformat(), "trigger": payload["trigger"], "actor": event["actor"]}
    if payload["source"] != snapshot.state:
        return {**base, "problem": f"recorded source '{payload['source']}' but the case was in '{snapshot.state}'"}
    try:
        evaluation = rt.registry.evaluate(snapshot, payload["trigger"], legal_date(event["at"]))
    except InvalidTransition as exc:
        return {**base, "problem": exc.message}
    definition = rt.registry.procedure(snapshot.procedure, snapshot.procedure_version)
    spec = definition.trigger(payload["trigger"])
    if spec is not None and event["role"] != ADMIN_ROLE and event["role"] not in spec.roles:
        return {**base, "problem": f"fired by role '{event['role']}', allowed: {', '.join(spec.roles)}"}
    if spec is not None and spec.dest != payload["dest"]:
        return {**base, "problem": f"entered '{payload['dest']}', the procedure leads to '{spec.dest}'"}
    if not evaluation.passed:
        return {**base, "problem": "rules unmet at the time", "unmet": evaluation.unmet_dicts()}
    return None


# -- users and tokens --------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_user(rt: Runtime, name: str, role: str, *, actor: Actor = SYSTEM) -> str:
    """Create a user with a role and return a new API token (shown once; only its hash is kept)."""
    if role not in rt.roles():
        raise InvalidInput(f"unknown role '{role}'", fields={"role": [f"one of: {', '.join(sorted(rt.roles()))}"]})
    clean = _required_texts(name=name)["name"]
    token = secrets.token_urlsafe(32)
    at = format_time(rt.clock())
    with rt.db.write() as session:
        if session.scalar(select(User.id).where(User.name == clean)) is not None:
            raise InvalidInput(f"a user named '{clean}' exists", fields={"name": ["already taken"]})
        user = User(name=clean, role=role, created_at=at)
        session.add(user)
        session.flush()
        session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token), created_at=at))
        _append(session, rt, case=None, kind=EventKind.USER_ADDED,
                payload={"user": clean, "role": role}, actor=actor, at=at)
    return token


def issue_token(rt: Runtime, name: str, *, actor: Actor = SYSTEM) -> str:
    """Issue another token for an existing user (e.g. the demo's printed tokens on each run)."""
    token = secrets.token_urlsafe(32)
    at = format_time(rt.clock())
    with rt.db.write() as session:
        user = session.scalars(select(User).where(User.name == name)).one_or_none()
        if user is None:
            raise InvalidInput(f"no user named '{name}'", fields={"name": ["unknown user"]})
        session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token), created_at=at))
        _append(session, rt, case=None, kind=EventKind.TOKEN_ISSUED, payload={"user": name}, actor=actor, at=at)
    return token


def list_users(rt: Runtime) -> list[dict[str, Any]]:
    with rt.db.read() as session:
        return [{"id": u.id, "name": u.name, "role": u.role, "created_at": u.created_at}
                for u in session.scalars(select(User).order_by(User.id))]


def authenticate(rt: Runtime, token: str | None) -> Actor:
    """The actor a bearer token stands for; ``Unauthenticated`` when missing, unknown, revoked or expired."""
    if not token:
        raise Unauthenticated("a bearer token is required")
    digest = _token_hash(token)
    now = format_time(rt.clock())
    with rt.db.read() as session:
        row = session.execute(
            select(ApiToken.token_hash, ApiToken.revoked_at, ApiToken.expires_at, User.name, User.role)
            .join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == digest)
        ).one_or_none()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        raise Unauthenticated("the token is not valid")
    if row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        raise Unauthenticated("the token was revoked or has expired")
    return Actor(row.name, row.role)


__all__ = [
    "Actor",
    "Runtime",
    "add_record",
    "add_user",
    "authenticate",
    "case_attempts",
    "case_events",
    "case_view",
    "change_attribute",
    "compliance",
    "fire_trigger",
    "case_records",
    "describe_procedure",
    "describe_procedures",
    "issue_token",
    "open_case_and_view",
    "procedure_diagram",
    "list_users",
    "list_cases",
    "open_case",
    "replay",
    "verify_all",
    "verify_case",
]
