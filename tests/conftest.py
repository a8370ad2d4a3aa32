"""Shared fixtures: a migrated SQLite file per test (copied from one migrated template), a settable
clock, the real registry, and one actor per role."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from procedures import build_registry
from procedures.major_decision import samples
from tests.pg import postgres_cluster
from web.demo import apply_steps
from workflow import services
from workflow.adapters.db import Database, upgrade
from workflow.registry import ProcedureRegistry
from workflow.services import Actor, Runtime

# JUECE_TEST_DATABASE=postgres runs the suite on a throwaway PostgreSQL cluster (tests/pg.py).
ON_POSTGRES = os.environ.get("JUECE_TEST_DATABASE", "sqlite") == "postgres"

# Test dates: the comment period opens on START; the clock stands at NOW, after every sample date.
START = dt.date(2026, 6, 1)
NOW = dt.datetime(2026, 10, 20, 2, 0, tzinfo=dt.UTC)

UNDERTAKING = Actor("承办单位-张三", "undertaking_unit")
LEGAL = Actor("法制机构-李四", "legal_office")
ORGAN = Actor("决策机关-王五", "decision_organ")
AUDITOR = Actor("审计-赵六", "auditor")
ADMIN = Actor("管理员", "admin")
ACTORS = {a.role: a for a in (UNDERTAKING, LEGAL, ORGAN, AUDITOR, ADMIN)}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture(scope="session")
def registry() -> ProcedureRegistry:
    return build_registry()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def new_database(tmp_path_factory: pytest.TempPathFactory, migrated_template: Path) -> Iterator[Callable[[], str]]:
    """A factory of fresh migrated databases: SQLite files, or PostgreSQL databases cloned from a template."""
    if not ON_POSTGRES:
        def sqlite_copy() -> str:
            target = tmp_path_factory.mktemp("db") / "juece.db"
            shutil.copy(migrated_template, target)
            return f"sqlite:///{target}"

        yield sqlite_copy
        return
    with postgres_cluster() as admin_url:
        server = admin_url.rsplit("/", 1)[0]
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("CREATE DATABASE juece_template"))
        upgrade(f"{server}/juece_template")
        names = itertools.count(1)

        def postgres_clone() -> str:
            name = f"juece_test_{next(names)}"
            with admin.connect() as connection:
                connection.execute(text(f"CREATE DATABASE {name} TEMPLATE juece_template"))
            return f"{server}/{name}"

        yield postgres_clone
        admin.dispose()


@pytest.fixture
def db_url(new_database: Callable[[], str]) -> str:
    return new_database()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, skip the tests that read or write the SQLite file directly."""
    if ON_POSTGRES:
        skip = pytest.mark.skip(reason="reads or edits the SQLite file directly")
        for item in items:
            if item.get_closest_marker("sqlite_only"):
                item.add_marker(skip)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def rt(db_url: str, registry: ProcedureRegistry, clock: Clock) -> Iterator[Runtime]:
    runtime = Runtime(db=Database(db_url), registry=registry, clock=clock)
    yield runtime
    runtime.db.dispose()


def open_case(rt: Runtime, **attributes: Any) -> int:
    return services.open_case(rt, UNDERTAKING, attributes=attributes, **samples.case_fields())["id"]


def apply(rt: Runtime, case_id: int, steps: list[samples.Step]) -> None:
    apply_steps(rt, ACTORS, case_id, steps)


def publish_catalog(rt: Runtime, year: int = START.year, organ: str = "某市人民政府") -> int:
    """A published 决策事项目录 of ``organ`` listing the item the major_decision samples cite (v3 links to it)."""
    from procedures.decision_catalog import samples as catalog

    case_id = services.open_case(rt, ORGAN, **catalog.case_fields(year, organ))["id"]
    apply(rt, case_id, catalog.walk(year))
    return int(case_id)


def catalog_linked(rt: Runtime, jurisdiction: str | None) -> bool:
    return bool(rt.registry.profile(jurisdiction or "national").values().get("catalog_linked"))


def state_of(rt: Runtime, case_id: int) -> str:
    return services.case_view(rt, case_id)["state"]
