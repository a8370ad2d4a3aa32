"""统一编号: numbers given by the engine inside the write that adds the record.

The increment and the record are in one transaction, so a refused or failed write gives its number back
(no gaps), and the scope's row is locked by the upsert until the write commits, so two writers can never
take the same number (no duplicates). Writers lock the case row, then a sequence row, then the global
chain head — always in that order, so they cannot deadlock.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from workflow.adapters.orm import NumberSequence, Record
from workflow.definition import Procedure, RecordType
from workflow.errors import WorkflowError

if TYPE_CHECKING:
    from workflow.registry import ProcedureRegistry


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
    """Write the record's number into ``data``.

    A correction keeps the number of the record it corrects while it stays in the same register (scope
    and year); one that moves to another register (a wrong prefix or year corrected) is numbered there,
    and the old number stays with the superseded record — numbers are never given twice nor taken back.
    """
    spec = kind.numbering
    if spec is None:
        return
    scope, year = scope_key(procedure, kind, data)
    if supersedes is not None:
        earlier = session.scalar(select(Record.data).where(Record.id == supersedes))
        if earlier and earlier.get(spec.into) and scope_key(procedure, kind, earlier)[0] == scope:
            data[spec.into] = earlier[spec.into]
            return
    number = _next_number(session, scope)
    values = {name: data[name] for name in spec.scope}
    data[spec.into] = spec.template.format(year=year, number=number, **values)


def check_numbers(
    registry: ProcedureRegistry, events: Iterable[Mapping[str, Any]], counters: Mapping[str, int]
) -> dict[str, Any]:
    """Replay the numbering over the stored events in global order and compare with the stored numbers.

    Every numbered record must carry exactly the number its scope's next counter gives (so numbers run
    1, 2, 3… with no gap and no repeat), a correction the number it corrects, and each counter row the
    last number given in its scope.
    """
    pinned: dict[int, Procedure] = {}
    given: dict[str, int] = {}
    numbers: dict[int, str] = {}
    scopes: dict[int, str] = {}
    problems: list[str] = []
    for event in events:
        if event["kind"] not in ("case_opened", "record_added"):
            continue
        try:
            problem = _replay_one(registry, event, pinned, given, numbers, scopes)
        except (ValueError, TypeError, KeyError, AttributeError, WorkflowError) as exc:
            # A tampered payload is the chain check's finding; here it only means the number cannot be replayed.
            problem = f"event {event['global_seq']}: its numbering cannot be replayed ({type(exc).__name__})"
        if problem:
            problems.append(problem)
    for scope in sorted(set(given) | set(counters)):
        if given.get(scope, 0) != counters.get(scope, 0):
            problems.append(f"counter {scope} stands at {counters.get(scope, 0)}; the records use {given.get(scope, 0)}")
    return {"ok": not problems, "numbered_records": len(numbers), "scopes": len(given), "problems": problems}


def _replay_one(registry: ProcedureRegistry, event: Mapping[str, Any], pinned: dict[int, Procedure],
                given: dict[str, int], numbers: dict[int, str], scopes: dict[int, str]) -> str | None:
    payload = json.loads(event["payload"]) if isinstance(event["payload"], str) else event["payload"]
    if event["kind"] == "case_opened":
        pinned[event["case_id"]] = registry.procedure(payload["procedure"], payload["procedure_version"])
        return None
    if event["case_id"] not in pinned:
        return None
    record = payload["record"]
    procedure = pinned[event["case_id"]]
    kind = procedure.record_type(record["type"])
    if kind is None or kind.numbering is None:
        return None
    spec, stored = kind.numbering, record["data"].get(kind.numbering.into)
    scope, year = scope_key(procedure, kind, record["data"])
    corrected = numbers.get(record["supersedes"]) if record.get("supersedes") else None
    if corrected is not None and scopes.get(record["supersedes"]) == scope:
        expected = corrected
    else:
        given[scope] = given.get(scope, 0) + 1
        expected = spec.template.format(year=year, number=given[scope], **{n: record["data"][n] for n in spec.scope})
    numbers[record["id"]] = expected
    scopes[record["id"]] = scope
    if stored != expected:
        return (f"record {record['id']} (case {event['case_id']}, event {event['seq']}) carries "
                f"number {stored!r}; the numbering gives {expected!r}")
    return None
