"""Database engines and transactions: SQLite (WAL, ``BEGIN IMMEDIATE`` for writers) or PostgreSQL.

Writers on SQLite take the database write lock at ``BEGIN`` so two writers can never both read a case
at version N and both write N+1; readers use a second engine with ordinary deferred transactions and,
thanks to WAL, never wait for a writer. On PostgreSQL writers lock the case row and the global chain
head with ``SELECT … FOR UPDATE`` instead (see ``workflow.services``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///instance/juece.db"
REPO_ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    return os.environ.get("JUECE_DATABASE_URL", DEFAULT_URL)


def _sqlite_engine(url: str, *, immediate: bool, synchronous: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """Two session factories over one database: ``write()`` serialises writers, ``read()`` does not."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or database_url()
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            ensure_sqlite_directory(self.url)
            synchronous = os.environ.get("JUECE_SQLITE_SYNCHRONOUS", "FULL").upper()
            if synchronous not in ("OFF", "NORMAL", "FULL", "EXTRA"):
                raise ValueError("JUECE_SQLITE_SYNCHRONOUS must be OFF, NORMAL, FULL or EXTRA")
            self.writer = _sqlite_engine(self.url, immediate=True, synchronous=synchronous)
            self.reader = _sqlite_engine(self.url, immediate=False, synchronous=synchronous)
        else:
            self.writer = create_engine(self.url, pool_pre_ping=True)
            self.reader = self.writer
        self._write_sessions = sessionmaker(self.writer, expire_on_commit=False)
        self._read_sessions = sessionmaker(self.reader, expire_on_commit=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self._write_sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read_sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.writer.dispose()
        if self.reader is not self.writer:
            self.reader.dispose()


def ensure_sqlite_directory(url: str) -> None:
    """Create the folder of a SQLite file URL (``instance/`` on a fresh clone); other URLs are left alone."""
    if not url.startswith("sqlite"):
        return
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Run the Alembic migrations up to ``revision``."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)
