"""The Flask app: the JSON API (flask-smorest, OpenAPI from marshmallow) over the engine's services."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, request
from flask_smorest import Api
from sqlalchemy import text
from werkzeug.routing import IntegerConverter

from web import auth, errors, pages, security
from web.api import BLUEPRINTS, MULTIPART_ENDPOINTS
from web.bootstrap import make_runtime, start_checkpoint_timer
from web.config import Settings
from web.errors import error_response
from web.record_schemas import RecordSchemas
from web.schemas import ErrorSchema
from workflow.validation import MAX_ID


class IdConverter(IntegerConverter):
    """Path ids that a database integer column can hold; a larger number is simply not found (404)."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


class JueceApi(Api):  # type: ignore[misc]
    """flask-smorest's Api with juece's one error shape in the OpenAPI document."""

    ERROR_SCHEMA = ErrorSchema


def create_app(config: Settings | dict[str, Any] | None = None) -> Flask:
    """Build the app. ``config``: Settings, or a dict of Settings fields; default from the environment."""
    settings = config if isinstance(config, Settings) else Settings(**{**Settings.from_env().__dict__, **(config or {})})
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Chinese stays readable in responses
    logging.getLogger("juece").setLevel(settings.log_level)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_json_bytes,
        API_TITLE="juece 决策 API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="/static/vendor/swagger-ui/",  # vendored: no CDN (web/static/vendor/README.md)
        OPENAPI_SWAGGER_UI_CONFIG={"validatorUrl": None},
        JUECE_SETTINGS=settings,
    )
    runtime = make_runtime(settings.database_url, settings)
    app.extensions["juece"] = runtime
    start_checkpoint_timer(runtime, settings.checkpoint_interval)
    app.url_map.converters["id"] = IdConverter
    api = JueceApi(app)
    api.register_converter(IdConverter, lambda _converter: {"type": "integer", "minimum": 1, "maximum": MAX_ID})
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearer": []}]
    for name, schema in RecordSchemas(runtime.registry.all_versions()).items():
        api.spec.components.schema(name, schema=schema)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    errors.register(app)
    pages.register(app, settings)  # the HTML pages (web/pages): sign-in, cases, audit, procedures
    api_blueprints = {b.name for b in BLUEPRINTS}
    # Authentication first: a request without a valid token learns nothing else about the API (401).
    app.before_request(lambda: auth.authenticate_request() if request.blueprint in api_blueprints else None)
    # Then the token's write rate (429), before anything of the request is looked at.
    app.before_request(lambda: security.limit_writes() if request.blueprint in api_blueprints else None)
    app.before_request(_require_json_object)
    security.register(app, settings)  # headers on every response (web/security.py)

    @app.get("/favicon.ico")
    def favicon() -> Any:
        return "", 204

    @app.get("/healthz")
    def healthz() -> Any:
        """Liveness and database reachability."""
        with runtime.db.read() as session:
            session.execute(text("SELECT 1"))
        return jsonify(ok=True, database=runtime.db.writer.dialect.name)

    return app


def _require_json_object() -> Any:
    """Writes under /api take a JSON object; anything else is a 400 that changes nothing."""
    if request.method not in ("POST", "PUT", "PATCH") or not request.path.startswith("/api/"):
        return None
    if request.endpoint in MULTIPART_ENDPOINTS:
        return None  # file uploads are multipart/form-data
    if not request.is_json:
        return error_response(400, "bad_request", "the body must be JSON (Content-Type: application/json)")
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # the parser gives up on a body nested thousands deep
        return error_response(400, "bad_request", f"the JSON is nested deeper than {MAX_JSON_DEPTH} levels")
    if not isinstance(body, dict):
        return error_response(400, "bad_request", "the body must be a JSON object")
    if _too_deep(body):
        return error_response(400, "bad_request", f"the JSON is nested deeper than {MAX_JSON_DEPTH} levels")
    return None


MAX_JSON_DEPTH = 32  # record data nests 5 levels at most; nothing legitimate comes near


def _too_deep(value: Any) -> bool:
    """Nested deeper than MAX_JSON_DEPTH (counted without recursion, so no body can exhaust the stack later)."""
    level: list[Any] = [value]
    for _depth in range(MAX_JSON_DEPTH):
        level = [child for item in level if isinstance(item, (dict, list))
                 for child in (item.values() if isinstance(item, dict) else item)]
        if not level:
            return False
    return any(isinstance(item, (dict, list)) for item in level)
