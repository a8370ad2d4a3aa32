"""Fixtures for the HTTP tests: the real app on a fresh migrated SQLite file with a fixed clock, its test
client, and a token per role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.helpers import Http, add_tokens, make_app, runtime
from workflow.services import Runtime


@pytest.fixture
def app(db_url: str) -> Iterator[Flask]:
    app = make_app(db_url)
    yield app
    runtime(app).db.dispose()


@pytest.fixture
def app_rt(app: Flask) -> Runtime:
    """The app's own Runtime (the root conftest's ``rt`` is a separate one)."""
    return runtime(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def tokens(app: Flask) -> dict[str, str]:
    """role -> bearer token; each role's user is named ``web-{role}``."""
    return add_tokens(app)


@pytest.fixture
def http(client: FlaskClient, tokens: dict[str, str]) -> Http:
    return Http(client, tokens)
