"""The one table from engine errors to HTTP statuses, and the one JSON error shape for every response.

Every error is ``{"error": CODE, "message": TEXT, ...details}``: never HTML, never a stack trace.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from workflow import errors as wf

log = logging.getLogger("juece.web")

STATUS: dict[type[wf.WorkflowError], int] = {
    wf.Unauthenticated: 401,
    wf.Forbidden: 403,
    wf.NotFound: 404,
    wf.InvalidTransition: 409,
    wf.RequirementsUnmet: 409,
    wf.RecordNotAccepted: 409,
    wf.VersionMismatch: 412,
    wf.InvalidInput: 422,
    wf.IdempotencyKeyReused: 422,
    wf.TooManyRequests: 429,
    wf.UnsupportedMedia: 415,
    wf.TooLarge: 413,
    wf.CalendarYearMissing: 422,
    wf.DefinitionError: 500,
}

HTTP_CODES = {
    400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 412: "version_mismatch", 413: "payload_too_large", 415: "unsupported_media_type",
    422: "invalid", 428: "version_required", 429: "too_many_requests", 500: "internal_error",
}


class PreconditionRequired(HTTPException):
    code = 428
    description = "this write needs an If-Match header carrying the case version (ETag)"


def status_of(error: wf.WorkflowError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def error_response(status: int, code: str, message: str, **details: Any) -> Response:
    response = jsonify({"error": code, "message": message, **details})
    response.status_code = status
    return response


def _workflow_error(error: wf.WorkflowError) -> Response:
    status = status_of(error)
    if status >= 500:
        log.error("definition error: %s", error.message)
    else:
        log.info("refused %s: %s", error.code, error.message)
    response = error_response(status, error.code, error.message, **error.details)
    if "retry_after" in error.details:
        response.headers["Retry-After"] = str(error.details["retry_after"])
    return response


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if status == 422 and messages:
        fields: dict[str, Any] = {}
        for location in messages.values():  # webargs nests by location: {"json": {...}, "query": {...}}
            fields.update(location)
        response = error_response(422, "invalid", "the request does not fit its schema", fields=fields)
    else:
        message = data.get("message") or error.description or error.name
        response = error_response(status, HTTP_CODES.get(status, "error"), str(message))
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    if status == 405 and error.get_headers():
        response.headers.update({k: v for k, v in error.get_headers() if k == "Allow"})
    return response


def _unexpected(error: Exception) -> Response:
    log.exception("unhandled error")
    return error_response(500, "internal_error", "an internal error occurred; it has been logged")


def register(app: Flask) -> None:
    app.register_error_handler(wf.WorkflowError, _workflow_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
