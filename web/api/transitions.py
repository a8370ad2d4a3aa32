"""Transitions: fire a trigger; every unmet rule comes back with its legal basis."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from web.api.docs import errors
from web.auth import actor, runtime
from web.schemas import FireInSchema, TransitionResultSchema
from web.versioning import IF_MATCH_PARAMETER, required_if_match
from workflow import services

blp = Blueprint("transitions", __name__, url_prefix="/api/v1/cases", description="Transitions of a case")


@blp.route("/<id:case_id>/transitions")
class Transitions(MethodView):
    @blp.arguments(FireInSchema)
    @blp.response(200, TransitionResultSchema)
    @errors(blp, 400, 401, 403, 404, 409, 412, 422, 428, s409="requirements_unmet or invalid_transition",
            s412="If-Match is stale", s428="If-Match is missing")
    @blp.doc(parameters=[IF_MATCH_PARAMETER])
    def post(self, body: dict[str, Any], case_id: int) -> Any:
        """Fire a trigger. Refused when any rule is unmet (409, all of them listed) or the version is stale."""
        result = services.fire_trigger(
            runtime(), actor(), case_id, trigger=body["trigger"], note=body.get("note"),
            expected_version=required_if_match(),
        )
        return result, 200, {"ETag": f'"{result["version"]}"'}
