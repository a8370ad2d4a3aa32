"""Cases: open, list, read (with the next triggers and their unmet rules)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from web.api.docs import errors
from web.auth import actor, runtime
from web.schemas import (
    CaseQuerySchema,
    CaseSchema,
    CaseSummarySchema,
    LangQuerySchema,
    OpenCaseInSchema,
)
from workflow import services

blp = Blueprint("cases", __name__, url_prefix="/api/v1/cases", description="Decision cases")

ETAG_HEADER = {"ETag": {"description": "the case version, quoted; send it back as If-Match", "schema": {"type": "string"}}}


@blp.route("")
class Cases(MethodView):
    @blp.arguments(CaseQuerySchema, location="query")
    @blp.response(200, CaseSummarySchema(many=True))
    @errors(blp, 401, 422)
    @blp.paginate(page_size=20, max_page_size=100)
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> list[dict[str, Any]]:
        """Cases newest first, filtered by ``state``, ``procedure`` and ``q`` (title); paginated."""
        rows, pagination_parameters.item_count = services.list_cases(
            runtime(), limit=pagination_parameters.page_size, offset=pagination_parameters.first_item, **args
        )
        return rows

    @blp.arguments(OpenCaseInSchema)
    @blp.response(201, CaseSchema, headers={"Location": {"description": "the case", "schema": {"type": "string"}}})
    @errors(blp, 400, 401, 403, 404, 422)
    def post(self, body: dict[str, Any]) -> Any:
        """Open a case under the latest version of a procedure; the undertaking unit or the organ may."""
        view = services.open_case_and_view(runtime(), actor(), **body)
        return view, 201, {"Location": url_for("cases.CaseDetail", case_id=view["id"]), "ETag": f'"{view["version"]}"'}


@blp.route("/<id:case_id>")
class CaseDetail(MethodView):
    @blp.arguments(LangQuerySchema, location="query")
    @blp.response(200, CaseSchema, headers=ETAG_HEADER)
    @errors(blp, 401, 404, 422)
    def get(self, args: dict[str, Any], case_id: int) -> Any:
        """The case: state, version, records, and each next trigger with ``allowed`` and its ``unmet`` rules."""
        view = services.case_view(runtime(), case_id, lang=args["lang"])
        return view, 200, {"ETag": f'"{view["version"]}"'}
