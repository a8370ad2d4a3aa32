"""The verification as it was before it was streamed (commit 1c0328b, workflow/services/audit.py): every event
loaded into a dict, each chain walked by ``workflow.ledger``'s plain functions, one records query per case.
Kept as the reference the streamed and parallel ``verify_all`` must agree with, verdict for verdict."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.adapters.orm import Case, ChainHead, Checkpoint, NumberSequence, Record
from workflow.ledger import format_time, parse_time, verify_case_chain, verify_global_chain
from workflow.services.audit import _stored_events
from workflow.services.checkpoints import as_dict as _checkpoint_dict
from workflow.services.checkpoints import check_checkpoint
from workflow.services.common import _ensure_case
from workflow.services.numbering import check_numbers
from workflow.services.runtime import GLOBAL_CHAIN, Runtime
from workflow.snapshot import CaseSnapshot, RecordView


def verify_case(rt: Runtime, case_id: int) -> dict[str, Any]:
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
    with rt.db.read() as session:
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
        global_result.update(ok=False, broken_at=None, reason="the chain head row differs from the last event")
    return {
        "ok": global_result["ok"] and numbers["ok"] and checkpoints["ok"] and all(c["ok"] for c in cases),
        "global": global_result,
        "numbering": numbers,
        "checkpoints": checkpoints,
        "cases": cases,
    }
