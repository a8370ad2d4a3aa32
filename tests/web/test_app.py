
"""The application factory."""

from __future__ import annotations

import pytest

from web import create_app

pytestmark = pytest.mark.sqlite_only  # reads or edits the SQLite file directly


def test_create_app_can_be_called_twice():
    first = create_app({"database_url": "sqlite://"})
    second = create_app({"database_url": "sqlite://"})
    assert first is not second
