"""Who is signed in to the pages, and the CSRF token every form carries.

Sign-in exchanges an API token (the same bearer tokens as the JSON API, ``juece user add``) for Flask's
signed session cookie (HttpOnly, SameSite=Lax, Secure unless ``JUECE_SECURE_COOKIES=false``). The session
keeps the token and every page request authenticates it again with ``services.authenticate``, exactly as
the API does, so a revoked or expired token ends the session at once. The cookie is signed, not encrypted:
it must only travel over HTTPS (hence Secure by default) and is never readable by scripts (HttpOnly).

CSRF: a random per-session token, put in every form as ``csrf_token`` and compared in constant time on
every POST (``hmac.compare_digest``). SameSite=Lax is a second line, not the only one.
"""

from __future__ import annotations

import hmac
import secrets

from flask import abort, g, request, session

from web.auth import runtime
from workflow import services
from workflow.errors import Unauthenticated
from workflow.services import Actor

CSRF_FIELD = "csrf_token"
_TOKEN = "api_token"
_CSRF = "csrf"


def csrf_token() -> str:
    """This session's CSRF token (created on first use)."""
    token = session.get(_CSRF)
    if not isinstance(token, str):
        token = session[_CSRF] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    """Refuse (403) a POST whose form does not carry this session's CSRF token."""
    if request.method != "POST":
        return
    expected = session.get(_CSRF)
    given = request.form.get(CSRF_FIELD, "")
    if not isinstance(expected, str) or not hmac.compare_digest(expected.encode(), given.encode()):
        abort(403, description="csrf")


def has_session() -> bool:
    """Whether the (signed) session cookie carries a token: someone signed in, not yet checked again."""
    return isinstance(session.get(_TOKEN), str)


def load_user() -> None:
    """Set ``g.user`` to the signed-in actor, or None; a token no longer valid ends the session."""
    g.user = None
    token = session.get(_TOKEN)
    if not isinstance(token, str):
        return
    try:
        g.user = services.authenticate(runtime(), token)
    except Unauthenticated:
        session.clear()


def sign_in(token: str) -> Actor:
    """Check the token and start a new session for it (a fresh session id and CSRF token: no fixation)."""
    actor = services.authenticate(runtime(), token.strip())
    session.clear()
    session[_TOKEN] = token.strip()
    session[_CSRF] = secrets.token_urlsafe(32)
    return actor


def sign_out() -> None:
    session.clear()


def user() -> Actor | None:
    return g.get("user")
