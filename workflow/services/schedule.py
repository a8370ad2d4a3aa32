"""The office's deadline list: every started deadline of every open case, computed as the case page shows it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from workflow.adapters.orm import Case
from workflow.services.common import _snapshot
from workflow.services.runtime import Runtime
from workflow.snapshot import legal_date


def list_deadlines(rt: Runtime, *, overdue_only: bool = False, include_met: bool = False) -> list[dict[str, Any]]:
    """Deadlines of cases not in a final state, soonest first; each with its case and its computation."""
    today = legal_date(rt.clock())
    found = []
    with rt.db.read() as session:
        cases = session.execute(select(Case.id, Case.title, Case.procedure, Case.procedure_version, Case.state)
                                .order_by(Case.id)).all()
        for case_id, title, procedure, version, state in cases:
            definition = rt.registry.procedure(procedure, version)
            described = definition.state(state)
            if described is not None and described.final:
                continue
            snapshot = _snapshot(session, case_id)
            for deadline in rt.registry.deadlines(snapshot, today):
                if overdue_only and deadline["status"] != "overdue":
                    continue
                if not include_met and deadline["status"] == "met":
                    continue
                found.append({"case_id": case_id, "title": title, "procedure": procedure, "state": state, **deadline})
    return sorted(found, key=lambda d: (d["due_on"] or "9999-12-31", d["case_id"], d["id"]))
