"""Bearer-token authentication, attached to every API blueprint when it is registered.

The actor of every write is the token's user and role; nothing in a request can set it. The token itself
is never logged nor kept: only its sha256 is looked up (``workflow.services.users``), and ``g`` holds the
actor and the token's id (the key of its write-rate counter), never the token.
"""

from __future__ import annotations

from flask import current_app, g, request

from workflow import services
from workflow.services import Actor, Runtime


def runtime() -> Runtime:
    return current_app.extensions["juece"]  # type: ignore[no-any-return]


def authenticate_request() -> None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    g.actor, g.token_id = services.authenticate_token(runtime(), token.strip() if scheme.lower() == "bearer" else None)


def actor() -> Actor:
    return g.actor  # type: ignore[no-any-return]
