"""Attachments: upload a document (multipart), read its metadata, download it."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from web.api.docs import errors
from web.auth import actor, runtime
from web.files import download
from web.idempotency import PARAMETER as IDEMPOTENCY_KEY
from web.idempotency import respond
from web.schemas import AttachmentSchema, UploadSchema
from workflow.services import attachments

blp = Blueprint("attachments", __name__, url_prefix="/api/v1/attachments",
                description="Documents attached to records, stored by their sha256")

UPLOAD_OVERHEAD = 64 * 1024  # multipart boundaries and headers around the file


@blp.before_request
def _allow_a_larger_body() -> None:
    if request.method == "POST":
        request.max_content_length = current_app.config["JUECE_SETTINGS"].max_attachment_bytes + UPLOAD_OVERHEAD


@blp.route("")
class Upload(MethodView):
    @blp.arguments(UploadSchema, location="files")
    @blp.response(201, AttachmentSchema)
    @errors(blp, 400, 401, 403, 413, 415, 422, 429,
            s415="the declared type is not accepted, or the bytes are not that type")
    @blp.doc(parameters=[IDEMPOTENCY_KEY])
    def post(self, files: dict[str, Any]) -> Any:
        """Upload one file as multipart/form-data field ``file``; its part's Content-Type must match its bytes.

        The same bytes uploaded again return the first upload (nothing new is written). Cite the returned
        ``sha256`` in a record's ``attachments``.
        """
        upload = files["file"]
        limit = current_app.config["JUECE_SETTINGS"].max_attachment_bytes
        content = upload.stream.read(limit + 1)
        return respond(lambda key: attachments.upload_attachment(
            runtime(), actor(), content=content, filename=upload.filename, content_type=upload.mimetype,
            max_bytes=limit, idempotency=key), AttachmentSchema, 201)


@blp.route("/<string:sha256>")
class Metadata(MethodView):
    @blp.response(200, AttachmentSchema)
    @errors(blp, 401, 404)
    def get(self, sha256: str) -> dict[str, Any]:
        """Who uploaded the file, when, its type, size and safe file name."""
        return attachments.attachment_meta(runtime(), sha256)


@blp.route("/<string:sha256>/content")
class Content(MethodView):
    @blp.doc(responses={"200": {"description": "the file's bytes, checked against its sha256 on the way out",
                                "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                                   "format": "binary"}}}}})
    @errors(blp, 401, 404)
    def get(self, sha256: str) -> Response:
        """Download the file, as an attachment (never rendered inline)."""
        meta, content = attachments.read_attachment(runtime(), sha256)
        return download(content, meta["content_type"], meta["filename"], etag=meta["sha256"])
