"""The response headers of every page: a strict Content-Security-Policy and its companions."""

from __future__ import annotations

from flask import Response, g

# Nothing inline, nothing from elsewhere. Only a page that draws a Mermaid diagram relaxes style-src, and
# only to 'unsafe-inline' styles: Mermaid builds the SVG in the browser with a <style> element and style
# attributes inside it, which 'self' cannot allow (checked in Chromium: tests/browser). Scripts stay 'self'.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
CSP_WITH_DIAGRAM = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def with_diagram() -> None:
    """Say that the page being rendered draws a diagram (see CSP_WITH_DIAGRAM)."""
    g.juece_diagram = True


def security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP_WITH_DIAGRAM if g.get("juece_diagram") else CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Cookie")
    return response
