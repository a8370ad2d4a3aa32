"""Real-browser fixtures: the app served in-process on a free port (werkzeug, a thread) on a fresh SQLite
file, Debian's Chromium driven by Playwright (never ``playwright install``; ``scripts/ensure-chromium.sh``
installs the browser and one CJK font), and a page that fails its test on any console error and on any
request to a host other than the app's. Screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.conftest import NOW
from web import create_app
from workflow import services

CHROMIUM = os.environ.get("JUECE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]  # any other host fails at once
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# Who signs in: one user per role, as a legal office and its partners would have them.
USERS = {
    "undertaking_unit": "交通运输局-张三",
    "legal_office": "司法局法制科-李四",
    "decision_organ": "市政府办公厅-王五",
    "auditor": "审计局-赵六",
    "admin": "系统管理员",
}


class TickingClock:
    """After every sample date, a second later at each reading: events get distinct, ordered times."""

    def __init__(self, start: dt.datetime = NOW) -> None:
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> dt.datetime:
        with self._lock:
            self.now += dt.timedelta(seconds=1)
            return self.now


@dataclass
class Server:
    url: str
    app: Any
    tokens: dict[str, str]

    @property
    def runtime(self) -> services.Runtime:
        return self.app.extensions["juece"]  # type: ignore[no-any-return]

    def actor(self, role: str) -> services.Actor:
        return services.Actor(USERS[role], role)

    def prepare(self, steps: list[Any], title: str, attributes: dict[str, Any] | None = None) -> int:
        """A case opened and moved through ``steps`` by the service layer (fast set-up, no page involved)."""
        from procedures.major_decision import samples
        from web.demo import apply_steps

        actors = {role: self.actor(role) for role in USERS}
        opened = services.open_case(self.runtime, actors["undertaking_unit"], attributes=attributes or {},
                                    **samples.case_fields(title))
        apply_steps(self.runtime, actors, opened["id"], steps)
        return int(opened["id"])


@pytest.fixture(scope="module")
def server(new_database: Callable[[], str]) -> Iterator[Server]:
    """The whole app on 127.0.0.1 and a free port. Cookies stay Secure (the default): Chromium accepts
    them from http://127.0.0.1, which it counts as a secure context."""
    app = create_app({"database_url": new_database(), "secret_key": "browser-tests"})
    app.extensions["juece"].clock = TickingClock()
    tokens = {role: services.add_user(app.extensions["juece"], name, role) for role, name in USERS.items()}
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield Server(f"http://127.0.0.1:{http.server_port}", app, tokens)
    http.shutdown()
    thread.join(5)
    app.extensions["juece"].db.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        launched.close()


@dataclass
class Guard:
    """What a page did that a test must not allow: console errors, uncaught errors, requests elsewhere."""

    base: str
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    expected_statuses: list[int] = field(default_factory=list)

    def expect_refusal(self, status: int) -> None:
        """The next page answers ``status`` (a refused write shown as a page): Chromium logs every document
        answered 4xx as a console error, and this one is expected. Each allowance is used once."""
        self.expected_statuses.append(status)

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        found = re.fullmatch(r"Failed to load resource: the server responded with a status of (\d+) .*", message.text)
        if found and int(found.group(1)) in self.expected_statuses:
            self.expected_statuses.remove(int(found.group(1)))
            return
        self.errors.append(f"console: {message.text}")

    def watch(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("request", self._request)

    def _request(self, request: Any) -> None:
        self.requests.append(request.url)
        if not (request.url.startswith(self.base + "/") or request.url.startswith("data:")):
            self.foreign.append(request.url)

    def check(self) -> None:
        assert self.errors == [], self.errors
        assert self.foreign == [], self.foreign
        assert self.expected_statuses == [], f"expected refusals that did not come: {self.expected_statuses}"


@pytest.fixture
def new_page(browser: Any, server: Server) -> Iterator[Callable[..., Any]]:
    """Pages in fresh contexts (own cookies), each watched by a Guard that is checked at the end."""
    guards, contexts = [], []

    def make(**context_options: Any) -> Any:
        options = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN", **context_options}
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        guard = Guard(server.url)
        guard.watch(page)
        guards.append(guard)
        page.guard = guard
        return page

    yield make
    for context in contexts:
        context.close()
    for guard in guards:
        guard.check()


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    return new_page()


def shoot(page: Any, name: str, full_page: bool = True) -> Path:
    """Write a screenshot of the page to test-artifacts/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path

