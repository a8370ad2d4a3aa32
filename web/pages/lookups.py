"""Choices the report forms offer: the decision organs named by the cases.

No use case lists them yet (``workflow.services.reports`` takes an organ, it does not list them), so this
one read sits here; it belongs beside ``annual_report`` in ``workflow/services/reports.py`` and should
move there.
"""

from __future__ import annotations

from sqlalchemy import select

from workflow.adapters.orm import Case
from workflow.services.runtime import Runtime


def decision_organs(rt: Runtime, procedure: str | None = None) -> list[str]:
    """Every decision organ some case names (of ``procedure`` only, if given), in sorted order."""
    query = select(Case.decision_organ).distinct()
    if procedure is not None:
        query = query.where(Case.procedure == procedure)
    with rt.db.read() as session:
        return sorted(session.scalars(query))
