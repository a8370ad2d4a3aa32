"""Users and API tokens; every user added, token issued or token revoked is an event of the global chain.

Only the sha256 of a token is stored. A presented token is looked up by its sha256: the lookup's timing can
only reveal something about the *hash* of the guess, and finding a token whose hash shares a prefix with a
stored hash teaches nothing about the token (a preimage of sha256 is not computable), so the lookup is
timing-safe; the final comparison uses ``hmac.compare_digest`` all the same.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from workflow.adapters.orm import ApiToken, User
from workflow.definition import ADMIN_ROLE
from workflow.errors import (
    Forbidden,
    InvalidInput,
    TokenNotFound,
    Unauthenticated,
)
from workflow.ledger import (
    EventKind,
    format_time,
)
from workflow.services.common import _append, _required_texts
from workflow.services.idempotency import RequestKey, remember, replay_if_done
from workflow.services.runtime import AUDITOR_ROLE, SYSTEM, Actor, Runtime
from workflow.validation import MAX_ID, is_clean_text


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


TOKEN_REVOKED = "token_revoked"  # an event kind of the global chain, like token_issued
MAX_TOKEN_DAYS = 3650


def _expiry(at: dt.datetime, expires_in_days: int | None) -> str | None:
    if expires_in_days is None:
        return None
    if isinstance(expires_in_days, bool) or not isinstance(expires_in_days, int) \
            or not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        raise InvalidInput(f"a token lives from 1 to {MAX_TOKEN_DAYS} days",
                           fields={"expires_in_days": [f"a whole number of days from 1 to {MAX_TOKEN_DAYS}"]})
    return format_time(at + dt.timedelta(days=expires_in_days))


def _new_token(session: Session, rt: Runtime, user: User, *, at: str, expires_at: str | None, actor: Actor) -> str:
    """Store a new token's hash and chain its issue (``token_issued``: user, token id, expiry)."""
    token = secrets.token_urlsafe(32)
    token_id = session.execute(insert(ApiToken).returning(ApiToken.id), {
        "user_id": user.id, "token_hash": _token_hash(token), "created_at": at, "expires_at": expires_at,
    }).scalar_one()
    _append(session, rt, case=None, kind=EventKind.TOKEN_ISSUED,
            payload={"user": user.name, "token_id": token_id, "expires_at": expires_at}, actor=actor, at=at)
    return token


def add_user(rt: Runtime, name: str, role: str, *, actor: Actor = SYSTEM, expires_in_days: int | None = None) -> str:
    """Create a user with a role and return a new API token (shown once; only its hash is kept).

    ``expires_in_days``: the token stops working after that many days (default: until revoked)."""
    if role not in rt.roles():
        raise InvalidInput(f"unknown role '{role}'", fields={"role": [f"one of: {', '.join(sorted(rt.roles()))}"]})
    clean = _required_texts(name=name)["name"]
    now = rt.clock()
    at, expires_at = format_time(now), _expiry(now, expires_in_days)
    with rt.db.write() as session:
        if session.scalar(select(User.id).where(User.name == clean)) is not None:
            raise InvalidInput(f"a user named '{clean}' exists", fields={"name": ["already taken"]})
        user = User(name=clean, role=role, created_at=at)
        session.add(user)
        session.flush()
        _append(session, rt, case=None, kind=EventKind.USER_ADDED,
                payload={"user": clean, "role": role}, actor=actor, at=at)
        return _new_token(session, rt, user, at=at, expires_at=expires_at, actor=actor)


def issue_token(rt: Runtime, name: str, *, actor: Actor = SYSTEM, expires_in_days: int | None = None) -> str:
    """Issue another token for an existing user (e.g. the demo's printed tokens on each run)."""
    now = rt.clock()
    at, expires_at = format_time(now), _expiry(now, expires_in_days)
    with rt.db.write() as session:
        user = session.scalars(select(User).where(User.name == name)).one_or_none()
        if user is None:
            raise InvalidInput(f"no user named '{name}'", fields={"name": ["unknown user"]})
        return _new_token(session, rt, user, at=at, expires_at=expires_at, actor=actor)


def _token_dict(row: Any, now: str) -> dict[str, Any]:
    active = row.revoked_at is None and (row.expires_at is None or row.expires_at > now)
    return {"id": row.id, "user": row.name, "role": row.role, "created_at": row.created_at,
            "expires_at": row.expires_at, "revoked_at": row.revoked_at, "active": active}


_TOKEN_ROWS = (select(ApiToken.id, ApiToken.created_at, ApiToken.expires_at, ApiToken.revoked_at, User.name, User.role)
               .join(User, User.id == ApiToken.user_id))


TOKEN_READERS = (ADMIN_ROLE, AUDITOR_ROLE, SYSTEM.role)


def list_tokens(rt: Runtime, *, user: str | None = None, viewer: Actor = SYSTEM) -> list[dict[str, Any]]:
    """Every token (never its value or hash): id, user, role, when issued, expiry, revocation, ``active``.

    Read by administrators and auditors (and the command line)."""
    if viewer.role not in TOKEN_READERS:
        raise Forbidden(f"role '{viewer.role}' may not list tokens", role=viewer.role, allowed_roles=[ADMIN_ROLE, AUDITOR_ROLE])
    query = _TOKEN_ROWS.order_by(ApiToken.id)
    if user is not None:
        query = query.where(User.name == user)
    now = format_time(rt.clock())
    with rt.db.read() as session:
        return [_token_dict(row, now) for row in session.execute(query)]


def revoke_token(rt: Runtime, token_id: int, *, actor: Actor = SYSTEM, reason: str | None = None,
                 idempotency: RequestKey | None = None) -> dict[str, Any]:
    """Revoke a token at once (a ``token_revoked`` event of the global chain); it answers 401 from then on.

    An administrator (or the command line) revokes tokens. Revoking a token that is already revoked changes
    nothing and returns it as it is."""
    if actor.role not in (ADMIN_ROLE, SYSTEM.role):
        raise Forbidden(f"role '{actor.role}' may not revoke tokens", role=actor.role, allowed_roles=[ADMIN_ROLE])
    if reason is not None and not is_clean_text(reason, 2000, blank_ok=True):
        raise InvalidInput("the reason must be text of at most 2000 characters", fields={"reason": ["invalid"]})
    with rt.db.write() as session:
        replay_if_done(session, rt, idempotency)
        row = session.execute(_TOKEN_ROWS.where(ApiToken.id == token_id)).one_or_none() \
            if 1 <= token_id <= MAX_ID else None
        if row is None:
            raise TokenNotFound(f"no token {token_id}", token_id=token_id)
        at = format_time(rt.clock())
        if row.revoked_at is None:
            session.execute(update(ApiToken).where(ApiToken.id == token_id).values(revoked_at=at))
            _append(session, rt, case=None, kind=TOKEN_REVOKED, actor=actor, at=at,
                    payload={"user": row.name, "token_id": token_id,
                             "reason": reason.strip() if reason and reason.strip() else None})
            row = session.execute(_TOKEN_ROWS.where(ApiToken.id == token_id)).one()
        return remember(session, rt, idempotency, _token_dict(row, at))


def list_users(rt: Runtime) -> list[dict[str, Any]]:
    with rt.db.read() as session:
        return [{"id": u.id, "name": u.name, "role": u.role, "created_at": u.created_at}
                for u in session.scalars(select(User).order_by(User.id))]


_SELECT_TOKEN = (
    select(ApiToken.id, ApiToken.token_hash, ApiToken.revoked_at, ApiToken.expires_at, User.name, User.role)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("digest"))
)


def authenticate(rt: Runtime, token: str | None) -> Actor:
    """The actor a bearer token stands for; ``Unauthenticated`` when missing, unknown, revoked or expired."""
    return authenticate_token(rt, token)[0]


def authenticate_token(rt: Runtime, token: str | None) -> tuple[Actor, int]:
    """``authenticate``, and the id of the token (e.g. to count its writes). The token is never logged."""
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
    return Actor(row.name, row.role), int(row.id)
