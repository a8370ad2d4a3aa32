"""Wire the engine together: database from the environment, registry from the procedures package."""

from __future__ import annotations

from procedures import build_registry
from workflow.adapters.db import Database
from workflow.services import Runtime


def make_runtime(url: str | None = None) -> Runtime:
    """A Runtime on ``url`` (default: ``JUECE_DATABASE_URL``, else ``sqlite:///instance/juece.db``)."""
    return Runtime(db=Database(url), registry=build_registry())
