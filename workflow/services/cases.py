"""Use cases that write to a case: one function each, one transaction each, the event in it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from workflow.adapters.orm import Attachment, Attempt, Case, Record
from workflow.definition import Procedure
from workflow.errors import (
    Forbidden,
    InvalidInput,
    InvalidTransition,
    RecordNotAccepted,
    RecordTypeNotFound,
    RequirementsUnmet,
)
from workflow.ledger import (
    GENESIS,
    EventKind,
    format_time,
    parse_time,
    record_hash,
)
from workflow.rules import DateOf
from workflow.services.common import (
    LockedCase,
    _append,
    _lock_case,
    _require_role,
    _required_texts,
    _snapshot,
)
from workflow.services.idempotency import RequestKey, remember, replay_if_done
from workflow.services.numbering import assign_number
from workflow.services.references import resolve_reference
from workflow.services.runtime import Actor, Runtime
from workflow.snapshot import CaseSnapshot, RecordView, legal_date
from workflow.validation import MAX_ID, is_clean_text, validate_attributes, validate_record_data


def open_case(
    rt: Runtime,
    actor: Actor,
    *,
    procedure: str,
    title: str,
    decision_organ: str,
    undertaking_unit: str,
    attributes: Mapping[str, Any] | None = None,
    idempotency: RequestKey | None = None,
) -> dict[str, Any]:
    """Open a case pinned to the latest version of ``procedure``; the first event of its chain.

    ``idempotency``: the client's request key; its response is stored in this write's transaction
    (``workflow.services.idempotency``), and a key used before replays instead of opening another case.
    """
    definition = rt.registry.procedure(procedure)
    _require_role(actor, definition.case_opener_roles, f"open a '{procedure}' case")
    clean = validate_attributes(definition.attributes, attributes or {})
    jurisdiction = clean.get("jurisdiction") or "national"
    profile = rt.registry.profile(jurisdiction)
    fields = _required_texts(title=title, decision_organ=decision_organ, undertaking_unit=undertaking_unit)
    at = format_time(rt.clock())
    with rt.db.write() as session:
        replay_if_done(session, rt, idempotency)
        new_id = session.connection().execute(
            insert(Case).returning(Case.id),
            {
                "procedure": definition.name, "procedure_version": definition.version, "jurisdiction": jurisdiction,
                "state": definition.initial, "version": 0, "attributes": clean, "opened_at": at,
                "opened_by": actor.name, "head_seq": 0, "head_hash": GENESIS, **fields,
            },
        ).scalar_one()
        case = LockedCase(new_id, definition.name, definition.version, jurisdiction, definition.initial, 0, clean, 0,
                          GENESIS)
        payload = {
            "case_id": case.id,
            "procedure": definition.name,
            "procedure_version": definition.version,
            # The fingerprint of the rules in force, so an archived copy of them can be proved unchanged.
            "definition_sha256": rt.registry.definition_sha256(definition),
            "jurisdiction": jurisdiction,
            "state": definition.initial,
            "attributes": clean,
            # The profile's values are pinned with the case, like the procedure version: a later change
            # of a local rule applies to new cases, never to this one or to the replay of its past.
            "profile": {"name": profile.name, "version": profile.version, "parameters": profile.values()},
            **fields,
        }
        _append(session, rt, case=case, kind=EventKind.CASE_OPENED, payload=payload, actor=actor, at=at)
        return remember(session, rt, idempotency, {"id": case.id, "state": case.state, "version": case.version})


_INSERT_RECORD = insert(Record).returning(Record.id)
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


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
    attachments: Sequence[str] | None = None,
    idempotency: RequestKey | None = None,
) -> dict[str, Any]:
    """Add a record (never edited later: a correction is a new record that ``supersedes`` an old one).

    ``attachments``: the sha256 of files uploaded before (``upload_attachment``), in order.
    ``idempotency``: the client's request key (see ``open_case``).
    """
    files = _attachment_list(attachments)
    with rt.db.write() as session:
        case = _lock_case(session, rt, case_id, expected_version, idempotency)
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
        assign_number(session, definition, kind, clean, supersedes)
        resolve_reference(session, case, kind, clean)
        _check_uploaded(session, files)
        digest = record_hash(record_type=record_type, data=clean, supersedes=supersedes, attachments=files)
        reason = reason.strip() if reason else None
        record_id = session.connection().execute(
            _INSERT_RECORD,
            {
                "case_id": case_id, "type": record_type, "data": clean, "sha256": digest, "supersedes_id": supersedes,
                "reason": reason, "recorded_at": at, "recorded_by": actor.name, "role": actor.role,
                "event_seq": case.head_seq + 1, "attachments": files,
            },
        ).scalar_one()
        payload = {
            "record": {
                "id": record_id,
                "type": record_type,
                "data": clean,
                "sha256": digest,
                "supersedes": supersedes,
                "reason": reason,
                **({"attachments": files} if files else {}),
            }
        }
        if any(isinstance(d.starts_on, DateOf) and d.starts_on.record_type == record_type for d in definition.deadlines):
            # A deadline counted from a date in this record (e.g. a document's expiry) starts or moves now:
            # keep the case row's earliest due date right for the overdue list.
            snapshot = _snapshot(session, case_id)
            snapshot.apply({"seq": case.head_seq + 1, "at": parse_time(at), "actor": actor.name, "role": actor.role,
                            "kind": EventKind.RECORD_ADDED, "payload": payload, "hash": ""})
            case.next_due_on = rt.registry.next_due_on(snapshot)
        event = _append(session, rt, case=case, kind=EventKind.RECORD_ADDED, payload=payload, actor=actor, at=at)
        view = RecordView(
            id=record_id, type=record_type, data=clean, sha256=digest, seq=event["seq"], recorded_at=parse_time(at),
            recorded_by=actor.name, role=actor.role, supersedes=supersedes, reason=reason, attachments=files,
        )
        return remember(session, rt, idempotency, {**view.to_dict(), "case_version": case.version})


MAX_ATTACHMENTS = 50


def _attachment_list(attachments: Sequence[str] | None) -> list[str]:
    if attachments is None:
        return []
    if (not isinstance(attachments, (list, tuple)) or len(attachments) > MAX_ATTACHMENTS
            or not all(isinstance(a, str) and SHA256_HEX.fullmatch(a) for a in attachments)):
        raise InvalidInput("attachments must be a list of at most 50 sha256 hashes (64 lowercase hex digits)",
                           fields={"attachments": ["a list of sha256 hashes of uploaded files"]})
    if len(set(attachments)) != len(attachments):
        raise InvalidInput("an attachment is listed twice", fields={"attachments": ["each file once"]})
    return list(attachments)


def _check_uploaded(session: Session, files: list[str]) -> None:
    if not files:
        return
    known = set(session.scalars(select(Attachment.sha256).where(Attachment.sha256.in_(files))))
    missing = [f for f in files if f not in known]
    if missing:
        raise InvalidInput("upload the files before citing them in a record",
                           fields={"attachments": [f"no uploaded file {m}" for m in missing]})


def _check_supersedes(
    session: Session, case_id: int, record_type: str, supersedes: int | None, reason: str | None
) -> None:
    if supersedes is None:
        if reason:
            raise InvalidInput("a reason is given only with a correction", fields={"reason": ["only with supersedes"]})
        return
    if not is_clean_text(reason, 2000):
        raise InvalidInput("a correction must say why, in at most 2000 characters of text", fields={"reason": ["required when superseding a record"]})
    target = session.get(Record, supersedes) if 1 <= supersedes <= MAX_ID else None
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
    if not is_clean_text(reason, 2000):
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
    idempotency: RequestKey | None = None,
) -> dict[str, Any]:
    """Fire a trigger if every rule guarding it holds; otherwise log the attempt and raise.

    ``idempotency``: the client's request key (see ``open_case``); only a transition that happened is stored.

    Raises:
        InvalidTransition: the trigger does not leave the current state (logged as an attempt).
        Forbidden: the actor's role may not fire it (logged as an attempt).
        RequirementsUnmet: one or more rules are unmet; all are listed (logged as an attempt).
        VersionMismatch: ``expected_version`` is stale (not logged: nothing was attempted).
    """
    if note is not None and not is_clean_text(note, 2000, blank_ok=True):
        raise InvalidInput("the note must be text of at most 2000 characters", fields={"note": ["invalid"]})
    refusal: Exception | None = None
    with rt.db.write() as session:
        case = _lock_case(session, rt, case_id, expected_version, idempotency)
        now = rt.clock()
        at = format_time(now)
        snapshot = _snapshot(session, case_id)
        definition = rt.registry.procedure(case.procedure, case.procedure_version)
        try:
            result = _fire(session, rt, actor, case, snapshot, definition, trigger, note, now, at)
        except (InvalidTransition, Forbidden, RequirementsUnmet) as exc:
            session.add(_attempt(case, actor, trigger, at, exc))
            refusal = exc
        else:
            result = remember(session, rt, idempotency, result)
    if refusal is not None:
        raise refusal
    return result


def _fire(
    session: Session,
    rt: Runtime,
    actor: Actor,
    case: LockedCase,
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
    # This request's own snapshot, moved past the transition (its hash is not needed) so the case row can
    # keep the earliest open due date for the overdue list.
    snapshot.apply({"seq": case.head_seq + 1, "at": now, "actor": actor.name, "role": actor.role,
                    "kind": EventKind.TRANSITION, "payload": payload, "hash": ""})
    case.next_due_on = rt.registry.next_due_on(snapshot)
    _append(session, rt, case=case, kind=EventKind.TRANSITION, payload=payload, actor=actor, at=at)
    return {"id": case.id, "state": dest, "version": case.version, "invalidated": voided}


def _attempt(case: LockedCase, actor: Actor, trigger: str, at: str, exc: Exception) -> Attempt:
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
