"""Idempotent writes: a client's request key, and the response stored in the write's own transaction.

A client that may retry a write (a timeout, a dropped connection) sends a key of its own choosing with it.
The write use cases take that key as ``idempotency``:

1. inside their write transaction, once the case row is locked and before anything is checked,
   ``replay_if_done`` looks the key up: if this user already used it, the use case stops with
   ``Replayed`` (the response stored then; the transaction rolls back, having written nothing), or with
   ``IdempotencyKeyReused`` when the key came with a different request;
2. at the end of the same transaction, after the event is appended, ``remember`` turns the result into the
   response (with the caller's ``render``) and INSERTs it with the key: the write and its stored response
   commit together or not at all, so a crash in between cannot let a retry write twice.

Two requests with one key at the same moment never both write. On SQLite writers are serialised
(``BEGIN IMMEDIATE``): the second finds the first's row at step 1. On PostgreSQL the second either waits
for the case row lock and then finds the row at step 1, or (a write that locks no case row) reaches the
INSERT of step 2 while the first is uncommitted: PostgreSQL makes it wait for the first to finish, the
conflict then makes it replay, and its own transaction (which appended nothing visible) rolls back.

Only successful writes are stored: a refused request wrote nothing, so its retry is simply checked again.
Keys belong to a user (two users may use the same key) and expire after ``ttl_seconds``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from workflow.adapters.orm import IdempotencyKey
from workflow.errors import IdempotencyKeyReused
from workflow.ledger import format_time
from workflow.services.runtime import Runtime

DEFAULT_TTL_SECONDS = 24 * 3600
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class StoredResponse:
    """The response a keyed request got: status, the headers worth replaying, and the body as sent."""

    status: int
    headers: dict[str, str]
    body: str


class Replayed(Exception):  # noqa: N818 - not an error: the request was done before, here is its response
    """Raised inside a write transaction when the key was used before for this very request.

    Not a ``WorkflowError``: nothing is wrong. The caller (the web layer) answers with ``response``.
    """

    def __init__(self, response: StoredResponse) -> None:
        super().__init__("the request was done before: replaying its response")
        self.response = response


@dataclass
class RequestKey:
    """One keyed request: whose key, the key, the request's fingerprint, and how to render a result.

    ``render`` turns the use case's result into the response to store (the web layer's schema and headers).
    ``shape`` (optional) turns the result into what is rendered, inside the transaction (e.g. the case view
    of a case just opened). ``response`` is set to what was stored once the write succeeds.
    """

    actor: str
    key: str
    fingerprint: str
    render: Callable[[Any], StoredResponse]
    ttl_seconds: int = DEFAULT_TTL_SECONDS
    shape: Callable[[Session, Any], Any] | None = None
    response: StoredResponse | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if not 1 <= len(self.key) <= MAX_KEY_LENGTH or not 1 <= len(self.actor) <= 200:
            raise ValueError("an idempotency key has 1 to 255 characters and belongs to a named user")


_SELECT_KEY = select(
    IdempotencyKey.fingerprint, IdempotencyKey.status, IdempotencyKey.headers, IdempotencyKey.body,
    IdempotencyKey.expires_at,
).where(IdempotencyKey.actor == bindparam("actor"), IdempotencyKey.request_key == bindparam("request_key"))


def _outcome(row: Any, key: RequestKey) -> Exception:
    if row.fingerprint != key.fingerprint:
        return IdempotencyKeyReused(
            "this Idempotency-Key was already used for a different request (method, path, If-Match or body); "
            "use a new key for a new request",
            idempotency_key=key.key,
        )
    return Replayed(StoredResponse(row.status, json.loads(row.headers), row.body))


def replay_if_done(session: Session, rt: Runtime, key: RequestKey | None) -> None:
    """Raise ``Replayed`` or ``IdempotencyKeyReused`` if ``key`` was used before and has not expired."""
    if key is None:
        return
    row = session.connection().execute(_SELECT_KEY, {"actor": key.actor, "request_key": key.key}).one_or_none()
    if row is not None and row.expires_at > format_time(rt.clock()):
        raise _outcome(row, key)


def remember(session: Session, rt: Runtime, key: RequestKey | None, result: Any) -> Any:
    """Store the response of a successful write with its key, in the write's transaction; return the result
    (shaped by ``key.shape`` when given). One INSERT; an expired row of the same key is overwritten."""
    if key is None:
        return result
    shaped = key.shape(session, result) if key.shape is not None else result
    response = key.render(shaped)
    now = rt.clock()
    values = {
        "actor": key.actor, "request_key": key.key, "fingerprint": key.fingerprint, "status": response.status,
        "headers": json.dumps(response.headers, ensure_ascii=False, sort_keys=True), "body": response.body,
        "created_at": format_time(now), "expires_at": format_time(now + dt.timedelta(seconds=key.ttl_seconds)),
    }
    insert = (sqlite.insert if rt.db.is_sqlite else postgresql.insert)(IdempotencyKey).values(values)
    upsert = insert.on_conflict_do_update(
        index_elements=[IdempotencyKey.actor, IdempotencyKey.request_key],
        set_={name: insert.excluded[name] for name in values if name not in ("actor", "request_key")},
        where=IdempotencyKey.expires_at <= values["created_at"],
    ).returning(IdempotencyKey.actor)
    connection = session.connection()
    if connection.execute(upsert).first() is None:
        # Another request with this key committed first (PostgreSQL made this INSERT wait for it).
        row = connection.execute(_SELECT_KEY, {"actor": key.actor, "request_key": key.key}).one()
        raise _outcome(row, key)
    key.response = response
    return shaped


def idempotent_read(rt: Runtime, key: RequestKey | None, compute: Callable[[], Any]) -> Any:
    """A POST that writes nothing (e.g. verifying checkpoints) with a key: replayed or checked like a write,
    its response stored in a transaction of its own (there is no write for it to be atomic with)."""
    if key is None:
        return compute()
    with rt.db.write() as session:
        replay_if_done(session, rt, key)
    result = compute()
    with rt.db.write() as session:
        return remember(session, rt, key, result)


def purge_expired(rt: Runtime) -> int:
    """Delete the keys whose time is up; returns how many. Expired keys are ignored anyway, this only frees space."""
    with rt.db.write() as session:
        done = session.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at <= format_time(rt.clock())))
        return int(done.rowcount or 0)  # type: ignore[attr-defined]
