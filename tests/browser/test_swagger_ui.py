"""Swagger UI (vendored, /api/docs) works in Chromium under its own script-hash CSP, with no request elsewhere.

It lives with the browser tests so it shares their one Playwright session (a second ``sync_playwright()`` in
the same process fails once the first is running).
"""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from tests.web.helpers import make_app, runtime

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_swagger_ui_works_in_chromium_under_its_policy(db_url, browser):
    app = make_app(db_url)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    problems: list[str] = []
    page = browser.new_page()
    try:
        page.on("console", lambda m: m.type in ("error", "warning") and "401" not in m.text
                and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: r.url.startswith(base) or problems.append(f"external: {r.url}"))
        page.goto(f"{base}/api/docs")
        page.wait_for_selector(".opblock", timeout=20000)
        assert page.locator(".opblock").count() >= 20
        page.locator(".opblock-summary").first.click()
        page.locator("button.try-out__btn").first.click()
        page.locator("button.execute").first.click()
        page.wait_for_selector(".live-responses-table", timeout=10000)  # the request went out and came back
        page.locator("button.authorize").first.click()
        page.wait_for_selector(".auth-container", timeout=5000)
    finally:
        page.close()
        server.shutdown()
        runtime(app).db.dispose()
    assert problems == []  # a CSP violation is reported on the console
