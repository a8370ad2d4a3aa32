"""Cases: open, list, read (with the next triggers and their unmet rules)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from web.api.docs import errors
from web.auth import actor, runtime
from web.idempotency import PARAMETER as IDEMPOTENCY_KEY
from web.idempotency import respond
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


def case_links(case_id: str, etag: str = "$response.header.ETag") -> dict[str, Any]:
    """OpenAPI links from a response that names a case to what a client does next with it
    (``case_id``: a runtime expression such as ``$response.body#/id``)."""
    case = "#/paths/~1api~1v1~1cases~1{case_id}"

    def link(path: str, method: str, **more: str) -> dict[str, Any]:
        return {"operationRef": f"{case}{path}/{method}", "parameters": {"case_id": case_id, **more}}

    return {
        "ReadCase": link("", "get"),
        "AddRecord": link("~1records", "post"),
        "FireTrigger": link("~1transitions", "post", **{"header.If-Match": etag}),
        "ListRecords": link("~1records", "get"),
        "ListEvents": link("~1events", "get"),
        "VerifyCase": link("~1verify", "get"),
        "ListAttempts": link("~1attempts", "get"),
        "CheckCompliance": link("~1compliance", "get"),
        "ReplayCase": link("~1replay", "get"),
    }


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
    @blp.response(201, CaseSchema, headers={"Location": {"description": "the case", "schema": {"type": "string"}},
                                            **ETAG_HEADER})
    @errors(blp, 400, 401, 403, 404, 422, 429, s422="the body does not fit, or the Idempotency-Key was used "
                                                   "for another request")
    @blp.doc(parameters=[IDEMPOTENCY_KEY], responses={201: {"links": case_links("$response.body#/id")}})
    def post(self, body: dict[str, Any]) -> Any:
        """Open a case under the latest version of a procedure; the undertaking unit or the organ may."""
        return respond(
            lambda key: services.open_case_and_view(runtime(), actor(), idempotency=key, **body), CaseSchema, 201,
            lambda view: {"Location": url_for("cases.CaseDetail", case_id=view["id"]), "ETag": f'"{view["version"]}"'})


@blp.route("/<id:case_id>")
class CaseDetail(MethodView):
    @blp.arguments(LangQuerySchema, location="query")
    @blp.response(200, CaseSchema, headers=ETAG_HEADER)
    @errors(blp, 401, 404, 422)
    def get(self, args: dict[str, Any], case_id: int) -> Any:
        """The case: state, version, records, and each next trigger with ``allowed`` and its ``unmet`` rules."""
        view = services.case_view(runtime(), case_id, lang=args["lang"])
        return view, 200, {"ETag": f'"{view["version"]}"'}
