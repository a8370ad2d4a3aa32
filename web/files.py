"""Files handed out by the API and the pages (attachments, dossiers, exports): always downloaded, never rendered."""

from __future__ import annotations

from urllib.parse import quote

from werkzeug.wrappers import Response


def download(content: bytes | str, mimetype: str, filename: str, *, etag: str | None = None) -> Response:
    """``content`` as a download named ``filename`` (an ASCII fallback and the UTF-8 name, RFC 6266)."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_").replace("\\", "_")
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    if etag:
        response.set_etag(etag)
    return response
