"""The application factory."""

from __future__ import annotations

from web import create_app


def test_create_app_can_be_called_twice():
    first = create_app({"database_url": "sqlite://"})
    second = create_app({"database_url": "sqlite://"})
    assert first is not second
