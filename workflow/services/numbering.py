"""统一编号: numbers given by the engine inside the write that adds the record.

The increment and the record are in one transaction, so a refused or failed write gives its number back
(no gaps), and the scope's row is locked by the upsert until the write commits, so two writers can never
take the same number (no duplicates). Writers lock the case row, then a sequence row, then the global
chain head — always in that order, so they cannot deadlock.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from workflow.adapters.orm import NumberSequence, Record
from workflow.definition import Procedure, RecordType


def scope_key(procedure: Procedure, kind: RecordType, data: dict[str, Any]) -> tuple[str, int]:
    spec = kind.numbering
    assert spec is not None
    year = int(str(data[spec.year_from])[:4])
    parts = [procedure.name, kind.name, *(str(data[name]) for name in spec.scope), year]
    # JSON keeps the parts apart whatever characters a scope value holds.
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":")), year


def _next_number(session: Session, scope: str) -> int:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(NumberSequence).values(scope=scope, last=1)
    statement = statement.on_conflict_do_update(
        index_elements=[NumberSequence.scope], set_={"last": NumberSequence.last + 1}
    ).returning(NumberSequence.last)
    return int(session.connection().execute(statement).scalar_one())


def assign_number(
    session: Session, procedure: Procedure, kind: RecordType, data: dict[str, Any], supersedes: int | None
) -> None:
    """Write the record's number into ``data`` (a correction keeps the number of the record it corrects)."""
    spec = kind.numbering
    if spec is None:
        return
    if supersedes is not None:
        earlier = session.scalar(select(Record.data).where(Record.id == supersedes))
        if earlier and earlier.get(spec.into):
            data[spec.into] = earlier[spec.into]
            return
    scope, year = scope_key(procedure, kind, data)
    number = _next_number(session, scope)
    values = {name: data[name] for name in spec.scope}
    data[spec.into] = spec.template.format(year=year, number=number, **values)
