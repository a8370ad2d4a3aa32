"""Records: what the law requires, added (never edited) to a case."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from web.api.cases import case_links
from web.api.docs import errors
from web.auth import actor, runtime
from web.idempotency import PARAMETER as IDEMPOTENCY_KEY
from web.idempotency import respond
from web.schemas import AddRecordInSchema, RecordCreatedSchema, RecordSchema
from web.versioning import optional_if_match
from workflow import services

blp = Blueprint("records", __name__, url_prefix="/api/v1/cases", description="Records of a case")


@blp.route("/<id:case_id>/records")
class Records(MethodView):
    @blp.response(200, RecordSchema(many=True))
    @errors(blp, 401, 404)
    def get(self, case_id: int) -> list[dict[str, Any]]:
        """Every record of the case in order, including superseded ones (``current`` says which count)."""
        return services.case_records(runtime(), case_id)

    @blp.arguments(AddRecordInSchema)
    @blp.response(201, RecordCreatedSchema)
    @errors(blp, 400, 401, 403, 404, 409, 412, 422, 429, s409="record_not_accepted in this state",
            s422="the data does not fit the record type, or the Idempotency-Key was used for another request")
    @blp.doc(parameters=[IDEMPOTENCY_KEY], responses={201: {"links": case_links("$request.path.case_id")}})
    def post(self, body: dict[str, Any], case_id: int) -> Any:
        """Add a record; ``supersedes`` + ``reason`` make it a correction. ``If-Match`` is optional here."""
        expected_version = optional_if_match()
        return respond(lambda key: services.add_record(
            runtime(), actor(), case_id, record_type=body["type"], data=body["data"],
            supersedes=body.get("supersedes"), reason=body.get("reason"), expected_version=expected_version,
            attachments=body.get("attachments"), idempotency=key,
        ), RecordCreatedSchema, 201, lambda record: {"ETag": f'"{record["case_version"]}"'})
