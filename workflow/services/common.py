"""The pieces every write shares: locking a case, appending to both chains, reading a case back.

Writers run in ``Database.write()``: on SQLite the transaction starts with ``BEGIN IMMEDIATE``, on
PostgreSQL the case row and then the global chain head are locked ``FOR UPDATE`` (always in that order,
so writers cannot deadlock). Either way two writers racing on one case are serialised, the second sees
the first one's version, and the global chain never forks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from workflow.adapters.orm import Case, ChainHead, Event
from workflow.definition import ADMIN_ROLE
from workflow.errors import (
    CaseNotFound,
    Forbidden,
    InvalidInput,
    VersionMismatch,
)
from workflow.ledger import (
    GENESIS,
    EventKind,
    canonical,
    event_hash,
    global_hash,
    parse_time,
)
from workflow.services.idempotency import RequestKey, replay_if_done
from workflow.services.runtime import GLOBAL_CHAIN, Actor, Runtime
from workflow.snapshot import CaseSnapshot
from workflow.validation import MAX_ID, is_clean_text


@dataclass
class LockedCase:
    """The case row a write holds locked: plain values, written back by ``_append`` in one UPDATE."""

    id: int
    procedure: str
    procedure_version: int
    jurisdiction: str
    state: str
    version: int
    attributes: dict[str, Any]
    head_seq: int
    head_hash: str
    next_due_on: str | None = None


# The write path runs on prebuilt Core statements: the ORM's unit of work cost more than everything
# else a write does (docs/performance.md).
_CASE_COLUMNS = (Case.id, Case.procedure, Case.procedure_version, Case.jurisdiction, Case.state, Case.version,
                 Case.attributes, Case.head_seq, Case.head_hash, Case.next_due_on)
_SELECT_CASE = select(*_CASE_COLUMNS).where(Case.id == bindparam("case_id"))
_SELECT_CASE_FOR_UPDATE = _SELECT_CASE.with_for_update()
_SELECT_HEAD = select(ChainHead.seq, ChainHead.hash).where(ChainHead.name == GLOBAL_CHAIN)
_SELECT_HEAD_FOR_UPDATE = _SELECT_HEAD.with_for_update()
_INSERT_EVENT = insert(Event)
_UPDATE_HEAD = (
    update(ChainHead).where(ChainHead.name == GLOBAL_CHAIN).values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
)
_UPDATE_CASE = (
    update(Case)
    .where(Case.id == bindparam("case_id"))
    .values(
        state=bindparam("new_state"),
        version=bindparam("new_version"),
        attributes=bindparam("new_attributes", type_=Case.attributes.type),
        head_seq=bindparam("new_head_seq"),
        head_hash=bindparam("new_head_hash"),
        next_due_on=bindparam("new_next_due_on"),
    )
)


def _lock_case(session: Session, rt: Runtime, case_id: int, expected_version: int | None,
               idempotency: RequestKey | None = None) -> LockedCase:
    """Lock the case row; a request key used before replays here, before the version is compared (a retry
    carries the version it was first sent with)."""
    _check_id(case_id)
    query = _SELECT_CASE if rt.db.is_sqlite else _SELECT_CASE_FOR_UPDATE
    row = session.connection().execute(query, {"case_id": case_id}).one_or_none()
    if row is None:
        raise CaseNotFound(f"no case {case_id}", case_id=case_id)
    replay_if_done(session, rt, idempotency)
    case = LockedCase(*row)
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
    case: LockedCase | None,
    kind: EventKind | str,
    payload: Mapping[str, Any],
    actor: Actor,
    at: str,
) -> dict[str, Any]:
    """Append one event to the case chain and the global chain, and write the case row back."""
    connection = session.connection()
    head_seq, head_hash = connection.execute(_SELECT_HEAD if rt.db.is_sqlite else _SELECT_HEAD_FOR_UPDATE).one()
    seq = case.head_seq + 1 if case is not None else None
    prev_hash = case.head_hash if case is not None else GENESIS
    text = canonical(payload).decode("utf-8")
    body = json.loads(text)
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
    global_seq = head_seq + 1
    linked = global_hash(global_seq=global_seq, hash=own, prev_global_hash=head_hash)
    row = {
        "global_seq": global_seq,
        "case_id": case.id if case else None,
        "seq": seq,
        "at": at,
        "actor": actor.name,
        "role": actor.role,
        "kind": str(kind),
        "payload": text,
        "prev_hash": prev_hash,
        "hash": own,
        "prev_global_hash": head_hash,
        "global_hash": linked,
    }
    connection.execute(_INSERT_EVENT, row)
    connection.execute(_UPDATE_HEAD, {"new_seq": global_seq, "new_hash": linked})
    if case is not None:
        case.head_seq, case.head_hash, case.version = seq, own, case.version + 1  # type: ignore[assignment]
        connection.execute(_UPDATE_CASE, {
            "case_id": case.id, "new_state": case.state, "new_version": case.version,
            "new_attributes": case.attributes, "new_head_seq": case.head_seq, "new_head_hash": case.head_hash,
            "new_next_due_on": case.next_due_on,
        })
    return row


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
    _check_id(case_id)
    events = _event_dicts(session, case_id)
    if not events:
        raise CaseNotFound(f"no case {case_id}", case_id=case_id)
    return CaseSnapshot.from_events(events)


def _check_id(case_id: int) -> None:
    """An id no database column can hold names no case (and must not reach the driver)."""
    if not 1 <= case_id <= MAX_ID:
        raise CaseNotFound(f"no case {case_id}", case_id=case_id)


def _ensure_case(session: Session, case_id: int) -> Case:
    _check_id(case_id)
    case = session.get(Case, case_id)
    if case is None:
        raise CaseNotFound(f"no case {case_id}", case_id=case_id)
    return case


def _require_role(actor: Actor, allowed: Iterable[str], what: str) -> None:
    allowed = tuple(allowed)
    if actor.role != ADMIN_ROLE and actor.role not in allowed:
        raise Forbidden(
            f"role '{actor.role}' may not {what}", role=actor.role, allowed_roles=sorted({*allowed, ADMIN_ROLE})
        )


# The column sizes of the texts a case or a user is named by (workflow.adapters.orm).
TEXT_LIMITS = {"title": 500, "decision_organ": 200, "undertaking_unit": 200, "name": 200}


def _required_texts(**values: Any) -> dict[str, str]:
    errors = {}
    for name, value in values.items():
        limit = TEXT_LIMITS[name]
        if not is_clean_text(value, limit):
            errors[name] = [f"must be a non-blank string of at most {limit} characters, without NUL"]
    if errors:
        raise InvalidInput("the case fields are invalid", fields=errors)
    return {k: v.strip() for k, v in values.items()}
