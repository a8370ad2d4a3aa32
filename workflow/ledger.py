"""The hash-chained ledger: canonical encoding, event hashes and chain verification.

Pure functions over plain values, so the same code checks the database, an API response and an
exported dossier. The encoding is documented in ``docs/ledger.md`` precisely enough to re-implement.

Case chain: ``hash = sha256(canonical({case_id, seq, at, actor, role, kind, payload, prev_hash}))``
with ``prev_hash`` the previous event's ``hash`` in the same case (``GENESIS`` for the first).
Global chain: ``global_hash = sha256(canonical({global_seq, hash, prev_global_hash}))`` over every
event of every case (and the case-less events such as ``user_added``) in ``global_seq`` order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

GENESIS = "0" * 64


class EventKind(StrEnum):
    CASE_OPENED = "case_opened"
    RECORD_ADDED = "record_added"
    ATTRIBUTE_CHANGED = "attribute_changed"
    TRANSITION = "transition"
    USER_ADDED = "user_added"
    TOKEN_ISSUED = "token_issued"
    ATTACHMENT_UPLOADED = "attachment_uploaded"


def canonical(value: Any) -> bytes:
    """UTF-8 JSON with sorted keys and no whitespace.

    Floats have no single spelling across languages, so no record field kind produces one (validation
    admits whole numbers only); NaN and infinity are refused outright.
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_refuse
    ).encode("utf-8")


def _refuse(value: Any) -> Any:
    raise TypeError(f"cannot hash a value of type {type(value).__name__}")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def format_time(moment: dt.datetime) -> str:
    """The one spelling of an event time: UTC, microseconds, ``+00:00``."""
    if moment.tzinfo is None:
        raise ValueError("event times must be timezone-aware")
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def event_hash(
    *,
    case_id: int | None,
    seq: int | None,
    at: str,
    actor: str,
    role: str,
    kind: str,
    payload: Any,
    prev_hash: str,
) -> str:
    body = {
        "case_id": case_id,
        "seq": seq,
        "at": at,
        "actor": actor,
        "role": role,
        "kind": kind,
        "payload": payload,
        "prev_hash": prev_hash,
    }
    return sha256_hex(canonical(body))


def global_hash(*, global_seq: int, hash: str, prev_global_hash: str) -> str:
    return sha256_hex(canonical({"global_seq": global_seq, "hash": hash, "prev_global_hash": prev_global_hash}))


def record_hash(*, record_type: str, data: Any, supersedes: int | None, attachments: Sequence[str] = ()) -> str:
    """The fingerprint of a record's content, returned to the client and kept in the event payload.

    ``attachments`` (the sha256 of each attached file) enter the fingerprint only when there are some, so
    records without attachments keep the fingerprint they always had.
    """
    body: dict[str, Any] = {"type": record_type, "data": data, "supersedes": supersedes}
    if attachments:
        body["attachments"] = list(attachments)
    return sha256_hex(canonical(body))


@dataclass(frozen=True)
class Verification:
    """Outcome of recomputing a chain: ``broken_at`` is the first event that does not check out."""

    ok: bool
    events: int
    head: str
    broken_at: int | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "events": self.events,
            "head": self.head,
            "broken_at": self.broken_at,
            "reason": self.reason,
        }


def _payload(event: Mapping[str, Any]) -> Any:
    """Events from the database carry the payload as the exact JSON text that was hashed."""
    payload = event["payload"]
    return json.loads(payload) if isinstance(payload, str) else payload


def _content_problem(event: Mapping[str, Any], case_id: int | None) -> str | None:
    """Why the event's stored hash is not the hash of its stored content (and its link), if it is not."""
    try:
        payload = _payload(event)
    except ValueError:
        return "payload is not valid JSON"
    recomputed = event_hash(
        case_id=case_id,
        seq=event["seq"],
        at=event["at"],
        actor=event["actor"],
        role=event["role"],
        kind=event["kind"],
        payload=payload,
        prev_hash=event["prev_hash"],
    )
    return None if recomputed == event["hash"] else "hash does not match the event's content"


def verify_case_chain(case_id: int, events: Iterable[Mapping[str, Any]]) -> Verification:
    """Recompute one case's chain; events are mappings with the stored columns, in ``seq`` order."""
    prev, count = GENESIS, 0
    for count, event in enumerate(events, start=1):
        if event["seq"] != count:
            return Verification(False, count, prev, event["seq"], f"expected seq {count}, found {event['seq']}")
        if event["prev_hash"] != prev:
            return Verification(False, count, prev, event["seq"], "prev_hash does not match the previous event")
        problem = _content_problem(event, case_id)
        if problem:
            return Verification(False, count, prev, event["seq"], problem)
        prev = event["hash"]
    return Verification(True, count, prev)


def verify_global_chain(events: Iterable[Mapping[str, Any]]) -> Verification:
    """Recompute the global chain; each event is re-hashed too, so an edit anywhere is caught."""
    prev, count = GENESIS, 0
    for count, event in enumerate(events, start=1):
        where = event["global_seq"]
        if where != count:
            return Verification(False, count, prev, where, f"expected global_seq {count}, found {where}")
        if event["prev_global_hash"] != prev:
            return Verification(False, count, prev, where, "prev_global_hash does not match the previous event")
        problem = _content_problem(event, event["case_id"])
        if problem:
            return Verification(False, count, prev, where, problem)
        if global_hash(global_seq=where, hash=event["hash"], prev_global_hash=prev) != event["global_hash"]:
            return Verification(False, count, prev, where, "global_hash does not match")
        prev = event["global_hash"]
    return Verification(True, count, prev)
