"""A case as it stands after a run of its events: the one fold used by live evaluation and by replay.

Rules are evaluated against a ``CaseSnapshot`` and nothing else, so a transition checked today and the
same transition re-checked by an auditor's compliance replay see exactly the same facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from workflow.ledger import EventKind, format_time

# Chinese law counts dates in Beijing time; China keeps no daylight saving time.
LEGAL_TZ = dt.timezone(dt.timedelta(hours=8), name="Asia/Shanghai")


def legal_date(moment: dt.datetime) -> dt.date:
    """The calendar date in China at a UTC moment."""
    return moment.astimezone(LEGAL_TZ).date()


@dataclass
class RecordView:
    id: int
    type: str
    data: dict[str, Any]
    sha256: str
    seq: int
    recorded_at: dt.datetime
    recorded_by: str
    role: str
    supersedes: int | None = None
    reason: str | None = None
    superseded_by: int | None = None
    invalidated_by_seq: int | None = None
    attachments: list[str] = field(default_factory=list)

    @property
    def current(self) -> bool:
        """Counts for the rules: not corrected by a later record, not voided by a later transition."""
        return self.superseded_by is None and self.invalidated_by_seq is None

    @property
    def recorded_on(self) -> dt.date:
        return legal_date(self.recorded_at)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "data": self.data,
            "sha256": self.sha256,
            "seq": self.seq,
            "recorded_at": format_time(self.recorded_at),
            "recorded_by": self.recorded_by,
            "role": self.role,
            "supersedes": self.supersedes,
            "reason": self.reason,
            "superseded_by": self.superseded_by,
            "invalidated_by_seq": self.invalidated_by_seq,
            "current": self.current,
            "attachments": list(self.attachments),
        }


@dataclass(frozen=True)
class TransitionView:
    seq: int
    trigger: str
    source: str
    dest: str
    at: dt.datetime
    actor: str
    role: str
    note: str | None


@dataclass
class CaseSnapshot:
    case_id: int
    procedure: str
    procedure_version: int
    jurisdiction: str
    title: str
    decision_organ: str
    undertaking_unit: str
    state: str
    attributes: dict[str, Any]
    opened_at: dt.datetime
    parameters: dict[str, Any] = field(default_factory=dict)
    profile_version: int | None = None
    records: list[RecordView] = field(default_factory=list)
    transitions: list[TransitionView] = field(default_factory=list)
    last_seq: int = 0
    last_at: dt.datetime | None = None
    head_hash: str = ""
    # record id -> the first record with that id, kept up to date by the fold (a case of 10,000 events with
    # corrections would otherwise scan every record for each correction); rebuilt if records was changed by hand.
    _ids: dict[Any, RecordView] | None = field(default=None, init=False, repr=False, compare=False)
    _indexed: int = field(default=-1, init=False, repr=False, compare=False)

    # -- queries used by rules -------------------------------------------------------------------
    def last_fired(self, trigger: str) -> TransitionView | None:
        for transition in reversed(self.transitions):
            if transition.trigger == trigger:
                return transition
        return None

    def current(self, record_type: str, since: str | None = None) -> list[RecordView]:
        """Current records of a type, optionally only those after the latest firing of ``since``."""
        after = 0
        if since is not None:
            fired = self.last_fired(since)
            after = fired.seq if fired else 0
        return [r for r in self.records if r.type == record_type and r.current and r.seq > after]

    def latest(self, record_type: str, since: str | None = None) -> RecordView | None:
        found = self.current(record_type, since)
        return found[-1] if found else None

    def record(self, record_id: int) -> RecordView | None:
        if self._indexed != len(self.records):
            self._reindex()
        if self._ids is not None:
            try:
                return self._ids.get(record_id)
            except TypeError:  # an unhashable id (a forged payload): look the slow way
                pass
        for record in self.records:
            if record.id == record_id:
                return record
        return None

    def _reindex(self) -> None:
        ids: dict[Any, RecordView] | None = {}
        try:
            for record in self.records:
                ids.setdefault(record.id, record)  # type: ignore[union-attr]
        except TypeError:
            ids = None
        self._ids, self._indexed = ids, len(self.records)

    # -- the fold ----------------------------------------------------------------------------------
    @classmethod
    def from_events(cls, events: Iterable[Mapping[str, Any]]) -> CaseSnapshot:
        """Fold a case's events (dicts with seq, at, actor, role, kind, payload, hash) in order."""
        iterator = iter(events)
        first = next(iterator)
        if first["kind"] != EventKind.CASE_OPENED:
            raise ValueError("a case's event chain must start with case_opened")
        opened = first["payload"]
        snapshot = cls(
            case_id=opened["case_id"],
            procedure=opened["procedure"],
            procedure_version=opened["procedure_version"],
            jurisdiction=opened["jurisdiction"],
            title=opened["title"],
            decision_organ=opened["decision_organ"],
            undertaking_unit=opened["undertaking_unit"],
            state=opened["state"],
            attributes=dict(opened["attributes"]),
            opened_at=first["at"],
            parameters=dict(opened.get("profile", {}).get("parameters", {})),
            profile_version=opened.get("profile", {}).get("version"),
        )
        snapshot._advance(first)
        for event in iterator:
            snapshot.apply(event)
        return snapshot

    def apply(self, event: Mapping[str, Any]) -> None:
        kind, payload = event["kind"], event["payload"]
        if kind == EventKind.RECORD_ADDED:
            self._add_record(event, payload["record"])
        elif kind == EventKind.ATTRIBUTE_CHANGED:
            self.attributes[payload["name"]] = payload["new"]
        elif kind == EventKind.TRANSITION:
            self._transition(event, payload)
        self._advance(event)

    def _advance(self, event: Mapping[str, Any]) -> None:
        self.last_seq = event["seq"]
        self.last_at = event["at"]
        self.head_hash = event["hash"]

    def _add_record(self, event: Mapping[str, Any], record: Mapping[str, Any]) -> None:
        get = record.get
        # positional: id, type, data, sha256, seq, recorded_at, recorded_by, role, supersedes, reason,
        # superseded_by, invalidated_by_seq, attachments (a replay folds 10,000 of these)
        view = RecordView(record["id"], record["type"], record["data"], record["sha256"], event["seq"], event["at"],
                          event["actor"], event["role"], get("supersedes"), get("reason"), None, None,
                          list(get("attachments", ())))
        if view.supersedes is not None:
            target = self.record(view.supersedes)
            if target is not None:
                target.superseded_by = view.id
        self.records.append(view)
        if self._ids is not None and self._indexed == len(self.records) - 1:
            try:
                self._ids.setdefault(view.id, view)
                self._indexed += 1
            except TypeError:
                self._ids = None

    def _transition(self, event: Mapping[str, Any], payload: Mapping[str, Any]) -> None:
        self.state = payload["dest"]
        voided = set(payload.get("invalidated", ()))
        if voided:
            for record in self.records:
                if record.id in voided:
                    record.invalidated_by_seq = event["seq"]
        self.transitions.append(
            TransitionView(
                seq=event["seq"],
                trigger=payload["trigger"],
                source=payload["source"],
                dest=payload["dest"],
                at=event["at"],
                actor=event["actor"],
                role=event["role"],
                note=payload.get("note"),
            )
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "procedure": self.procedure,
            "procedure_version": self.procedure_version,
            "jurisdiction": self.jurisdiction,
            "title": self.title,
            "decision_organ": self.decision_organ,
            "undertaking_unit": self.undertaking_unit,
            "state": self.state,
            "attributes": self.attributes,
            "records": [r.to_dict() for r in self.records],
            "as_of_seq": self.last_seq,
            "as_of": format_time(self.last_at) if self.last_at else None,
            "head_hash": self.head_hash,
        }
