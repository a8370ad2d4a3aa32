"""The ``Idempotency-Key`` header of the API's POSTs: parsed here, stored and replayed by the engine.

A view hands its use case to ``respond``: with a key, the use case stores the rendered response in its own
write transaction (``workflow.services.idempotency``) and a retry gets exactly that response back, with
``Idempotent-Replayed: true``; without a key nothing changes. docs/api.md#idempotency.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from flask import Response, current_app, g, request
from flask_smorest import abort
from marshmallow import Schema

from web.auth import runtime
from workflow.services.idempotency import (
    MAX_KEY_LENGTH,
    Replayed,
    RequestKey,
    StoredResponse,
    purge_expired,
)

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": "a key of the client's choosing (1–255 visible ASCII characters, e.g. a UUID): a retry with "
                   "the same key gets the first response back and writes nothing; the same key with another "
                   "request is refused (422 idempotency_key_reused). Keys expire after JUECE_IDEMPOTENCY_TTL.",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": "^[!-~]+$"},
}
PURGE_EVERY = 600.0  # seconds between purges of expired keys, per process
_last_purge = [0.0]


def _fingerprint() -> str:
    """What makes two requests "the same": method, path and query, If-Match, and the body's content (JSON
    compared as data, so key order and spacing do not matter; a multipart upload by its fields and files)."""
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.query_string.decode("latin-1"),
                 request.headers.get("If-Match", "")):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    if request.is_json:
        digest.update(json.dumps(request.get_json(silent=True), sort_keys=True, ensure_ascii=False,
                                 separators=(",", ":")).encode("utf-8", "surrogatepass"))
    else:
        for name in sorted(request.form):
            digest.update(json.dumps([name, request.form.getlist(name)], ensure_ascii=False).encode("utf-8"))
        for name in sorted(request.files):
            for upload in request.files.getlist(name):
                position = upload.stream.tell()  # the view may have read the file already
                upload.stream.seek(0)
                content = hashlib.sha256(upload.stream.read()).hexdigest()
                upload.stream.seek(position)
                digest.update(json.dumps([name, upload.filename, upload.mimetype, content]).encode("utf-8"))
    return digest.hexdigest()


def request_key(render: Callable[[Any], StoredResponse]) -> RequestKey | None:
    """The request's key, or None without the header; a malformed key is a 400 that changes nothing."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all("!" <= c <= "~" for c in key):
        abort(400, message=f"{HEADER} must be 1 to {MAX_KEY_LENGTH} visible ASCII characters (e.g. a UUID)")
    settings = current_app.config["JUECE_SETTINGS"]
    return RequestKey(actor=g.actor.name, key=key, fingerprint=_fingerprint(), render=render,
                      ttl_seconds=settings.idempotency_ttl)


def _response(stored: StoredResponse, *, replayed: bool = False) -> Response:
    response = current_app.response_class(stored.body, status=stored.status, mimetype="application/json")
    response.headers.update(stored.headers)
    if replayed:
        response.headers[REPLAYED] = "true"
    return response


def respond(call: Callable[[RequestKey | None], Any], schema: type[Schema] | Schema, status: int,
            headers: Callable[[Any], Mapping[str, str]] = lambda _result: {}) -> Response:
    """Run ``call`` (the use case, given the request's key or None) and answer with ``schema``-dumped JSON,
    ``status`` and ``headers(result)`` — the very response a retry with the same key gets back."""
    dumper = schema() if isinstance(schema, type) else schema

    def render(result: Any) -> StoredResponse:
        body = current_app.json.response(dumper.dump(result)).get_data(as_text=True)
        return StoredResponse(status, dict(headers(result)), body)

    key = request_key(render)
    try:
        result = call(key)
    except Replayed as replay:
        return _response(replay.response, replayed=True)
    if key is None:
        return _response(render(result))
    assert key.response is not None, "the use case stores the response of a keyed request"
    _purge_now_and_then()
    return _response(key.response)


def _purge_now_and_then() -> None:
    """Expired keys are never replayed; deleting them only frees space, so once in a while is enough."""
    now = time.monotonic()
    if now - _last_purge[0] < PURGE_EVERY:
        return
    _last_purge[0] = now
    try:
        purge_expired(runtime())
    except Exception:  # noqa: BLE001 - housekeeping must never fail the request it follows
        current_app.logger.exception("purging expired idempotency keys failed")
