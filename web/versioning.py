"""Optimistic concurrency over HTTP: the case version travels as ETag / If-Match."""

from __future__ import annotations

from flask import request
from flask_smorest import abort

from web.errors import PreconditionRequired

IF_MATCH_PARAMETER = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "description": 'the case version from the ETag, e.g. "7"',
    "schema": {"type": "string"},
}


def _parse(header: str) -> int:
    value = header.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not value.isdigit() or len(value) > 12:
        abort(400, message='If-Match must carry a case version, e.g. "7"')
    return int(value)


def optional_if_match() -> int | None:
    header = request.headers.get("If-Match")
    return _parse(header) if header else None


def required_if_match() -> int:
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired()
    return _parse(header)
