"""Users and API tokens; every user added or token issued is an event of the global chain."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from sqlalchemy import bindparam, select

from workflow.adapters.orm import ApiToken, User
from workflow.errors import (
    InvalidInput,
    Unauthenticated,
)
from workflow.ledger import (
    EventKind,
    format_time,
)
from workflow.services.common import _append, _required_texts
from workflow.services.runtime import SYSTEM, Actor, Runtime


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_user(rt: Runtime, name: str, role: str, *, actor: Actor = SYSTEM) -> str:
    """Create a user with a role and return a new API token (shown once; only its hash is kept)."""
    if role not in rt.roles():
        raise InvalidInput(f"unknown role '{role}'", fields={"role": [f"one of: {', '.join(sorted(rt.roles()))}"]})
    clean = _required_texts(name=name)["name"]
    token = secrets.token_urlsafe(32)
    at = format_time(rt.clock())
    with rt.db.write() as session:
        if session.scalar(select(User.id).where(User.name == clean)) is not None:
            raise InvalidInput(f"a user named '{clean}' exists", fields={"name": ["already taken"]})
        user = User(name=clean, role=role, created_at=at)
        session.add(user)
        session.flush()
        session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token), created_at=at))
        _append(session, rt, case=None, kind=EventKind.USER_ADDED,
                payload={"user": clean, "role": role}, actor=actor, at=at)
    return token


def issue_token(rt: Runtime, name: str, *, actor: Actor = SYSTEM) -> str:
    """Issue another token for an existing user (e.g. the demo's printed tokens on each run)."""
    token = secrets.token_urlsafe(32)
    at = format_time(rt.clock())
    with rt.db.write() as session:
        user = session.scalars(select(User).where(User.name == name)).one_or_none()
        if user is None:
            raise InvalidInput(f"no user named '{name}'", fields={"name": ["unknown user"]})
        session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token), created_at=at))
        _append(session, rt, case=None, kind=EventKind.TOKEN_ISSUED, payload={"user": name}, actor=actor, at=at)
    return token


def list_users(rt: Runtime) -> list[dict[str, Any]]:
    with rt.db.read() as session:
        return [{"id": u.id, "name": u.name, "role": u.role, "created_at": u.created_at}
                for u in session.scalars(select(User).order_by(User.id))]


_SELECT_TOKEN = (
    select(ApiToken.token_hash, ApiToken.revoked_at, ApiToken.expires_at, User.name, User.role)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("digest"))
)


def authenticate(rt: Runtime, token: str | None) -> Actor:
    """The actor a bearer token stands for; ``Unauthenticated`` when missing, unknown, revoked or expired."""
    if not token:
        raise Unauthenticated("a bearer token is required")
    digest = _token_hash(token)
    now = format_time(rt.clock())
    with rt.db.reader.connect() as connection:  # every API request passes here: Core, no Session
        row = connection.execute(_SELECT_TOKEN, {"digest": digest}).one_or_none()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        raise Unauthenticated("the token is not valid")
    if row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        raise Unauthenticated("the token was revoked or has expired")
    return Actor(row.name, row.role)
