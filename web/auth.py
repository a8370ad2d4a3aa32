"""Bearer-token authentication, attached to every API blueprint when it is registered.

The actor of every write is the token's user and role; nothing in a request can set it.
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
    g.actor = services.authenticate(runtime(), token.strip() if scheme.lower() == "bearer" else None)


def actor() -> Actor:
    return g.actor  # type: ignore[no-any-return]
