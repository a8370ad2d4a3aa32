"""Transitions: fire a trigger; every unmet rule comes back with its legal basis."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from web.api.cases import case_links
from web.api.docs import errors
from web.auth import actor, runtime
from web.idempotency import PARAMETER as IDEMPOTENCY_KEY
from web.idempotency import respond
from web.schemas import FireInSchema, TransitionResultSchema
from web.versioning import IF_MATCH_PARAMETER, required_if_match
from workflow import services

blp = Blueprint("transitions", __name__, url_prefix="/api/v1/cases", description="Transitions of a case")


@blp.route("/<id:case_id>/transitions")
class Transitions(MethodView):
    @blp.arguments(FireInSchema)
    @blp.response(200, TransitionResultSchema)
    @errors(blp, 400, 401, 403, 404, 409, 412, 422, 428, 429, s409="requirements_unmet or invalid_transition",
            s412="If-Match is stale", s428="If-Match is missing",
            s422="the body does not fit, or the Idempotency-Key was used for another request")
    @blp.doc(parameters=[IF_MATCH_PARAMETER, IDEMPOTENCY_KEY],
             responses={200: {"links": case_links("$response.body#/id")}})
    def post(self, body: dict[str, Any], case_id: int) -> Any:
        """Fire a trigger. Refused when any rule is unmet (409, all of them listed) or the version is stale."""
        expected_version = required_if_match()
        return respond(lambda key: services.fire_trigger(
            runtime(), actor(), case_id, trigger=body["trigger"], note=body.get("note"),
            expected_version=expected_version, idempotency=key,
        ), TransitionResultSchema, 200, lambda result: {"ETag": f'"{result["version"]}"'})
