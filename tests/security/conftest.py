"""The HTTP fixtures of tests/web (an app on a fresh database with a fixed clock, a token per role), and
what the security tests measure: the length of the global chain and the rows a request may leave."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.web.conftest import app, app_rt, client, http, tokens  # noqa: F401 - fixtures
from workflow.adapters.orm import ChainHead, IdempotencyKey
from workflow.services import Runtime


def chain_length(rt: Runtime) -> int:
    """Events in the global chain (the head row's position)."""
    with rt.db.read() as session:
        return int(session.scalar(select(ChainHead.seq)) or 0)


def stored_keys(rt: Runtime) -> int:
    with rt.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(IdempotencyKey)) or 0)
