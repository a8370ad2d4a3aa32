"""The pieces every write shares: locking a case, appending to both chains, reading a case back.

Writers run in ``Database.write()``: on SQLite the transaction starts with ``BEGIN IMMEDIATE``, on
PostgreSQL the case row and then the global chain head are locked ``FOR UPDATE`` (always in that order,
so writers cannot deadlock). Either way two writers racing on one case are serialised, the second sees
the first one's version, and the global chain never forks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import insert, select
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
from workflow.services.runtime import GLOBAL_CHAIN, Actor, Runtime
from workflow.snapshot import CaseSnapshot
from workflow.validation import MAX_ID, is_clean_text


def _lock_case(session: Session, rt: Runtime, case_id: int, expected_version: int | None) -> Case:
    _check_id(case_id)
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
