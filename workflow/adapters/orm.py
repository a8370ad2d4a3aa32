"""SQLAlchemy 2 typed models. ``Base.metadata`` is what Alembic compares the migrations against.

Events keep their payload as the exact canonical JSON text that was hashed and their time as the exact
string that was hashed, so verification never depends on how a database round-trips JSON or timestamps.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Hash = String(64)
Stamp = String(40)  # ISO 8601 UTC with microseconds, as hashed


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Case(Base):
    """The current projection of a case; the events are the truth it is derived from."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure: Mapped[str] = mapped_column(String(64), index=True)
    procedure_version: Mapped[int]
    jurisdiction: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(500))
    decision_organ: Mapped[str] = mapped_column(String(200))
    undertaking_unit: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON)
    opened_at: Mapped[str] = mapped_column(Stamp)
    opened_by: Mapped[str] = mapped_column(String(200))
    head_seq: Mapped[int]
    head_hash: Mapped[str] = mapped_column(Hash)
    # The earliest due date (ISO) among the case's open deadlines, for the overdue list; derived, not chained.
    next_due_on: Mapped[str | None] = mapped_column(String(10), index=True)


class Record(Base):
    """A record the law requires. Never updated: a correction is a new row naming the one it supersedes."""

    __tablename__ = "records"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    type: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(Hash)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"), unique=True)
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[str] = mapped_column(Stamp)
    recorded_by: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(64))
    event_seq: Mapped[int]
    # sha256 of each attached file, in order; part of the record hash when not empty.
    attachments: Mapped[list[str]] = mapped_column(JSON, server_default=text("'[]'"))


class Event(Base):
    """One link in a case chain and in the global chain. Append-only."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("case_id", "seq", name="uq_events_case_seq"),
        Index("ix_events_case_id_seq", "case_id", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    global_seq: Mapped[int] = mapped_column(unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    seq: Mapped[int | None]
    at: Mapped[str] = mapped_column(Stamp)
    actor: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(Hash)
    hash: Mapped[str] = mapped_column(Hash)
    prev_global_hash: Mapped[str] = mapped_column(Hash)
    global_hash: Mapped[str] = mapped_column(Hash)


class ChainHead(Base):
    """The head of the global chain: one row, locked by every appender so the chain cannot fork."""

    __tablename__ = "chain_heads"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(Hash)


class NumberSequence(Base):
    """The last number given in a numbering scope (统一编号). Derived: the numbers themselves are in the
    chained records, and verification checks each scope runs 1, 2, 3… with no gap and no repeat."""

    __tablename__ = "number_sequences"

    scope: Mapped[str] = mapped_column(Text, primary_key=True)  # JSON: [procedure, record type, scope values…, year]
    last: Mapped[int]


class Attachment(Base):
    """An uploaded file, stored by the sha256 of its bytes (workflow/adapters/blobs.py). The upload is an
    event of the global chain; a record cites the hash, so the record hash and the chain cover the bytes."""

    __tablename__ = "attachments"

    sha256: Mapped[str] = mapped_column(Hash, primary_key=True)
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(128))
    filename: Mapped[str] = mapped_column(String(255))
    uploaded_at: Mapped[str] = mapped_column(Stamp)
    uploaded_by: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(64))
    event_global_seq: Mapped[int]


class Checkpoint(Base):
    """A signed statement "the global chain had this head at this position" (Ed25519). Not an event: it
    is evidence about the chain, checked against it, so a deleted or rewritten tail is detected."""

    __tablename__ = "checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    global_seq: Mapped[int] = mapped_column(index=True)
    global_hash: Mapped[str] = mapped_column(Hash)
    signed_at: Mapped[str] = mapped_column(Stamp)
    public_key: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(Hash)
    signature: Mapped[str] = mapped_column(String(128))


class Attempt(Base):
    """A refused transition: who tried what, when, and which rules were unmet. Not part of the chain."""

    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[str] = mapped_column(Stamp)
    actor: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(64))
    trigger: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(64))
    case_version: Mapped[int]
    outcome: Mapped[str] = mapped_column(String(32))
    unmet: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(Stamp)


class ApiToken(Base):
    """Only the sha256 of a token is kept; the token itself is shown once, when issued."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(Hash, unique=True)
    created_at: Mapped[str] = mapped_column(Stamp)
    expires_at: Mapped[str | None] = mapped_column(Stamp)
    revoked_at: Mapped[str | None] = mapped_column(Stamp)


class IdempotencyKey(Base):
    """A write request's ``Idempotency-Key`` and the response it got, stored in the write's own transaction,
    so a retry with the same key gets that response back and writes nothing (docs/api.md#idempotency)."""

    __tablename__ = "idempotency_keys"

    actor: Mapped[str] = mapped_column(String(200), primary_key=True)  # the user the key belongs to
    request_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(Hash)  # sha256 of method, path, If-Match and body
    status: Mapped[int]
    headers: Mapped[str] = mapped_column(Text)  # JSON object of the replayed headers (ETag, Location…)
    body: Mapped[str] = mapped_column(Text)  # the response body exactly as sent
    created_at: Mapped[str] = mapped_column(Stamp)
    expires_at: Mapped[str] = mapped_column(Stamp, index=True)


class RateCounter(Base):
    """Writes counted per token in fixed windows, shared by every worker process (docs/operations.md#security)."""

    __tablename__ = "rate_counters"

    bucket: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_no: Mapped[int]  # the window's number: seconds since the epoch // window length
    hits: Mapped[int]
