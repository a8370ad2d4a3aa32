"""The web pages: sign-in, the case list, the case page with its checklist and generated forms (files
attached), the timeline, the auditor's replay view with the dossier download, the checkpoints, the annual
statistics, the decision catalog and the procedure pages — server-rendered HTML (Jinja), in Chinese by
default and English at a click, with every asset served by the app itself.

The pages sit on the same ``workflow.services`` use cases as the JSON API; they decide what to *offer*
from the same definition data the engine uses to decide what to *allow* (``trigger.roles``,
``record_type.roles``, admin passes all), and the engine still checks every write.
"""

from __future__ import annotations

from flask import Flask, Response, request

from web.config import Settings
from web.pages import archive, statistics
from web.pages.views import bp

ROUTE_MODULES = (archive, statistics)  # their routes are on ``bp`` too: importing them registers them


def _static_nosniff(response: Response) -> Response:
    if request.endpoint == "static":
        response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def register(app: Flask, settings: Settings) -> None:
    """Register the pages and set the session cookie's flags."""
    app.config.update(
        SESSION_COOKIE_NAME="juece_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
    )
    app.after_request(_static_nosniff)
    app.register_blueprint(bp)
