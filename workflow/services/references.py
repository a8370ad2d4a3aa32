"""Links between cases, checked when a record is added (``Reference`` on its record type).

The found record is stamped into the new record, so the link is chained with it; a later change of the
other case (an adjusted catalog item is a new record superseding the old) never rewrites this one.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from workflow.adapters.orm import Case, Event, Record
from workflow.definition import RecordType
from workflow.errors import InvalidInput
from workflow.ledger import EventKind
from workflow.services.common import LockedCase


def _pinned_parameters(session: Session, case_id: int) -> dict[str, Any]:
    payload = session.scalar(select(Event.payload).where(Event.case_id == case_id, Event.seq == 1,
                                                         Event.kind == str(EventKind.CASE_OPENED)))
    return dict(json.loads(payload or "{}").get("profile", {}).get("parameters", {}))


def resolve_reference(session: Session, case: LockedCase, kind: RecordType, data: dict[str, Any]) -> None:
    spec = kind.reference
    if spec is None:
        return
    if spec.required_when is not None and not _pinned_parameters(session, case.id).get(spec.required_when):
        data[spec.into] = None  # this jurisdiction keeps that register outside juece
        return
    this_case = session.execute(select(Case.decision_organ, Case.undertaking_unit, Case.jurisdiction)
                                .where(Case.id == case.id)).one()._asdict()
    newer = aliased(Record)
    query = (
        select(Record.id, Record.case_id, Record.data, Record.sha256)
        .join(Case, Case.id == Record.case_id)
        .where(Case.procedure == spec.procedure, Record.type == spec.record_type,
               ~select(newer.id).where(newer.supersedes_id == Record.id).exists())
        .order_by(Record.id.desc())
    )
    for column in spec.same_case:
        query = query.where(getattr(Case, column) == this_case[column])
    if spec.in_states:
        query = query.where(Case.state.in_(spec.in_states))
    wanted = {theirs: data.get(mine) for mine, theirs in spec.match} | dict(spec.where)
    for record_id, other_case, other_data, digest in session.execute(query):
        if all(other_data.get(name) == value for name, value in wanted.items()):
            data[spec.into] = f"{other_case}/{record_id}/{digest}"
            return
    described = ", ".join(f"{mine}={data.get(mine)!r}" for mine, _ in spec.match)
    where = "、".join(this_case[c] for c in spec.same_case)
    raise InvalidInput(
        f"no current '{spec.record_type}' of a {'/'.join(spec.in_states) or 'open'} '{spec.procedure}' case of "
        f"{where} matches {described}",
        fields={mine: [f"not found in the {spec.label}"] for mine, _ in spec.match},
    )
