"""Response headers for every response, and the per-token write rate (docs/operations.md#security).

Headers: every response says ``nosniff``, sends no referrer and may not be framed. JSON answers get a
Content-Security-Policy that allows nothing at all (a JSON document opened in a browser runs nothing and
loads nothing) and, under ``/api/v1`` where a token is required, ``Cache-Control: no-store`` so no proxy or
browser keeps a case. The HTML pages (``web/pages``) set their own strict policy first, and it is kept.
Swagger UI at ``/api/docs`` has a policy of its own: flask-smorest's page starts the bundle with one inline
script, which is allowed by its sha256 (computed from the page as served, so a changed template cannot
slip in anything else); styles, images, fonts and the fetch of the OpenAPI document stay on 'self'
(checked in Chromium: tests/security/test_docs_page.py).

Rate: writes (POST, PUT, PATCH, DELETE) under ``/api/v1`` are counted per token in fixed windows in the
database (``workflow.services.ratelimit``), so the limit holds across every gunicorn worker.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache

from flask import Flask, Response, current_app, g, request

from web.config import Settings
from workflow.services.ratelimit import count_request

JSON_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_CSP = ("default-src 'none'; script-src 'self' {hashes}; style-src 'self'; "
            "img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'; "
            "form-action 'none'")
DOCS_PATH = "/api/docs"
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(s|sec|second|m|min|minute|h|hour|d|day)s?\s*$", re.IGNORECASE)
_PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600,
            "d": 86400, "day": 86400}


def parse_rate(text: str | None) -> tuple[int, int] | None:
    """``"60/minute"`` → (60, 60); ``"5/10s"`` → (5, 10); ``None`` → no limit. Anything else is refused."""
    if text is None:
        return None
    match = _RATE.match(text)
    if match is None or int(match.group(1)) < 1:
        raise ValueError(f"JUECE_WRITE_RATE: not a rate: {text!r} (e.g. 60/minute, 1000/hour, 5/10s, off)")
    period = _PERIODS[match.group(3).lower()] * int(match.group(2) or 1)
    if period < 1:
        raise ValueError(f"JUECE_WRITE_RATE: the period of {text!r} is empty")
    return int(match.group(1)), period


@lru_cache(maxsize=8)
def _docs_policy(page: bytes) -> str:
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s).digest()).decode()}'"
                      for s in _INLINE_SCRIPT.findall(page))
    return DOCS_CSP.format(hashes=hashes)


def security_headers(response: Response) -> Response:
    """Runs after the blueprints' own hooks: whatever a page already set is kept (``setdefault``)."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    if request.path == DOCS_PATH and response.status_code == 200 and not response.direct_passthrough:
        headers["Content-Security-Policy"] = _docs_policy(response.get_data())
    else:
        headers.setdefault("Content-Security-Policy", JSON_CSP)
    if request.path.startswith("/api/v1"):
        headers.setdefault("Cache-Control", "no-store")
    return response


def limit_writes() -> None:
    """Count a write against its token (after authentication); past the limit: 429 with Retry-After."""
    rate = current_app.extensions["juece_write_rate"]
    if rate is None or request.method not in WRITE_METHODS or g.get("token_id") is None:
        return
    limit, period = rate
    count_request(current_app.extensions["juece"], f"token:{g.token_id}", limit=limit, period=period)


def register(app: Flask, settings: Settings) -> None:
    app.extensions["juece_write_rate"] = parse_rate(settings.write_rate)
    app.after_request(security_headers)
