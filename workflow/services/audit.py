"""The auditor's use cases: the stored trail, verification, replay and compliance replay."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from workflow.adapters.orm import Case, ChainHead, Checkpoint, Event, NumberSequence, Record
from workflow.definition import ADMIN_ROLE
from workflow.errors import (
    InvalidInput,
    InvalidTransition,
)
from workflow.ledger import (
    EventKind,
    format_time,
    parse_time,
    verify_case_chain,
    verify_global_chain,
)
from workflow.services.checkpoints import as_dict as _checkpoint_dict
from workflow.services.checkpoints import check_checkpoint
from workflow.services.common import _ensure_case, _event_dicts
from workflow.services.numbering import check_numbers
from workflow.services.runtime import GLOBAL_CHAIN, Runtime
from workflow.snapshot import CaseSnapshot, RecordView, legal_date

# Every stored column of an event: all events in global order, or one case's in seq order (its index).
_EVENT_COLUMNS = select(
    Event.global_seq, Event.case_id, Event.seq, Event.at, Event.actor, Event.role, Event.kind,
    Event.payload, Event.prev_hash, Event.hash, Event.prev_global_hash, Event.global_hash,
)
_STORED_EVENTS = _EVENT_COLUMNS.order_by(Event.global_seq)
_STORED_CASE_EVENTS = _EVENT_COLUMNS.where(Event.case_id == bindparam("case_id")).order_by(Event.seq)


def _stored_events(session: Session, case_id: int | None = None) -> list[dict[str, Any]]:
    """Events exactly as stored: the payload stays the hashed JSON text."""
    query, params = (_STORED_EVENTS, {}) if case_id is None else (_STORED_CASE_EVENTS, {"case_id": case_id})
    return [dict(row) for row in session.connection().execute(query, params).mappings()]


def case_events(rt: Runtime, case_id: int) -> list[dict[str, Any]]:
    """The case's audit trail exactly as stored (payload parsed for reading)."""
    with rt.db.read() as session:
        _ensure_case(session, case_id)
        return [{**e, "payload": json.loads(e["payload"])} for e in _stored_events(session, case_id)]


def verify_case(rt: Runtime, case_id: int) -> dict[str, Any]:
    """Recompute the case chain and check the case and record tables agree with it."""
    with rt.db.read() as session:
        case = _ensure_case(session, case_id)
        return _verify_one(session, case, _stored_events(session, case_id))


def _verify_one(session: Session, case: Case, events: list[dict[str, Any]]) -> dict[str, Any]:
    if not events:
        return {"ok": False, "events": 0, "head": "", "broken_at": None, "case_id": case.id,
                "reason": "the case has no events: its chain was deleted"}
    result = verify_case_chain(case.id, sorted(events, key=lambda e: e["seq"])).to_dict()
    if result["ok"]:
        result.update(_projection_check(session, case, events))
    return {**result, "case_id": case.id}


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
            row.role, row.event_seq, list(row.attachments or []))


def _record_row_of(view: RecordView) -> tuple[Any, ...]:
    return (view.type, view.data, view.sha256, view.supersedes, view.reason, format_time(view.recorded_at),
            view.recorded_by, view.role, view.seq, list(view.attachments))


def verify_all(rt: Runtime) -> dict[str, Any]:
    """Every case chain, every projection, and the global chain."""
    with rt.db.read() as session:  # one read transaction: the chains and the tables seen at one moment
        events = _stored_events(session)
        head = session.scalars(select(ChainHead).where(ChainHead.name == GLOBAL_CHAIN)).one()
        by_case: dict[int, list[dict[str, Any]]] = {}
        for event in events:
            if event["case_id"] is not None:
                by_case.setdefault(event["case_id"], []).append(event)
        cases = [_verify_one(session, case, by_case.get(case.id, []))
                 for case in session.scalars(select(Case).order_by(Case.id))]
        counters = {scope: last for scope, last in session.execute(select(NumberSequence.scope, NumberSequence.last))}
        stored_checkpoints = [_checkpoint_dict(c) for c in session.scalars(select(Checkpoint).order_by(Checkpoint.id))]
    global_result = verify_global_chain(events).to_dict()
    numbers = check_numbers(rt.registry, events, counters)
    by_position = {e["global_seq"]: e["global_hash"] for e in events}
    current_key = rt.signer.public_key_hex if rt.signer is not None and rt.signer.key_path.exists() else None
    checked = [{**c, **check_checkpoint(c, by_position, len(events), current_key)} for c in stored_checkpoints]
    checkpoints = {"ok": all(c["ok"] for c in checked), "checked": len(checked),
                   "failures": [c for c in checked if not c["ok"]]}
    if global_result["ok"] and (head.seq, head.hash) != (global_result["events"], global_result["head"]):
        # A deleted or rewritten tail leaves the head row pointing elsewhere than the last event.
        global_result.update(ok=False, broken_at=None, reason="the chain head row differs from the last event")
    return {
        "ok": global_result["ok"] and numbers["ok"] and checkpoints["ok"] and all(c["ok"] for c in cases),
        "global": global_result,
        "numbering": numbers,
        "checkpoints": checkpoints,
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
