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
    return _CANONICAL.encode(value).encode("utf-8")


def _refuse(value: Any) -> Any:
    raise TypeError(f"cannot hash a value of type {type(value).__name__}")


# json.dumps(value, **these) is JSONEncoder(**these).encode(value); one encoder made once spares building
# it on every call (it keeps no state between calls, so threads may share it).
_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_refuse
)
_DECODER = json.JSONDecoder()


def parse_json(text: Any) -> Any:
    """``json.loads(text)``, minus its Python-level wrapping when the text is bare JSON with no surrounding
    whitespace (what the ledger stores); anything else goes through ``json.loads`` itself."""
    if type(text) is str:
        try:
            value, end = _DECODER.scan_once(text, 0)
        except StopIteration:
            return json.loads(text)
        if end == len(text):
            return value
    return json.loads(text)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def format_time(moment: dt.datetime) -> str:
    """The one spelling of an event time: UTC, microseconds, ``+00:00``."""
    if moment.tzinfo is dt.UTC:  # already UTC (every time parsed from the ledger): the same text, sooner
        return moment.isoformat(timespec="microseconds")
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


# -- the same bytes, spelt faster --------------------------------------------------------------------------
# Verifying a million events spends most of its time in json.dumps of bodies whose parts are known: the
# stored payload is canonical text already, the other values are strings and integers. These functions
# spell exactly canonical()'s bytes by concatenation (keys in sorted order, strings through the encoder
# canonical() itself uses); tests/unit/test_ledger_fast.py checks them against canonical().

_json_string = json.encoder.encode_basestring  # type: ignore[attr-defined]  # ensure_ascii=False spelling


def _json_int_or_null(value: Any) -> str | None:
    if value is None:
        return "null"
    if type(value) is int:
        return str(value)
    return None


def event_body_text(*, case_id: Any, seq: Any, at: Any, actor: Any, role: Any, kind: Any, payload_text: str,
                    prev_hash: Any) -> str | None:
    """``canonical(body)`` as text when ``payload_text`` is canonical JSON: equal to
    ``canonical({..., "payload": json.loads(payload_text), ...}).decode()`` in that case. ``None`` when a
    value is of a type this spelling does not cover (then use ``event_hash``)."""
    case_text, seq_text = _json_int_or_null(case_id), _json_int_or_null(seq)
    if case_text is None or seq_text is None or not (
        type(at) is str and type(actor) is str and type(role) is str and isinstance(kind, str)
        and type(prev_hash) is str
    ):
        return None
    return "".join((
        '{"actor":', _json_string(actor), ',"at":', _json_string(at), ',"case_id":', case_text,
        ',"kind":', _json_string(kind), ',"payload":', payload_text, ',"prev_hash":', _json_string(prev_hash),
        ',"role":', _json_string(role), ',"seq":', seq_text, "}",
    ))


def global_link_text(global_seq: Any, hash: Any, prev_global_hash: Any) -> str | None:
    """``canonical({global_seq, hash, prev_global_hash})`` as text, or ``None`` for unexpected types."""
    if type(global_seq) is not int or type(hash) is not str or type(prev_global_hash) is not str:
        return None
    return f'{{"global_seq":{global_seq},"hash":{_json_string(hash)},"prev_global_hash":{_json_string(prev_global_hash)}}}'


def global_hash_fast(global_seq: Any, hash: Any, prev_global_hash: Any) -> str:
    """``global_hash`` for stored values of any type (falls back to ``canonical`` for odd ones)."""
    text = global_link_text(global_seq, hash, prev_global_hash)
    if text is None:
        return global_hash(global_seq=global_seq, hash=hash, prev_global_hash=prev_global_hash)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
    return parse_json(payload) if isinstance(payload, str) else payload


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
