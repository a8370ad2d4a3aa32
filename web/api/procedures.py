"""Procedures: definitions, rules with their legal basis, record types, diagrams."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from web.api.docs import errors
from web.auth import runtime
from web.schemas import (
    DiagramQuerySchema,
    DiagramSchema,
    ProcedureSchema,
    ProcedureSummarySchema,
)
from workflow import services

blp = Blueprint("procedures", __name__, url_prefix="/api/v1/procedures", description="Procedure definitions")


@blp.route("")
class Procedures(MethodView):
    @blp.response(200, ProcedureSummarySchema(many=True))
    @errors(blp, 401)
    def get(self) -> list[dict[str, Any]]:
        """List procedures with their latest version and the jurisdictions they run under."""
        return services.describe_procedures(runtime())


@blp.route("/<string:name>")
class ProcedureDetail(MethodView):
    @blp.response(200, ProcedureSchema)
    @errors(blp, 401, 404)
    def get(self, name: str) -> dict[str, Any]:
        """States, triggers, rules (id, message, basis), record types with their fields, profiles."""
        return services.describe_procedure(runtime(), name)


@blp.route("/<string:name>/diagram")
class ProcedureDiagram(MethodView):
    @blp.arguments(DiagramQuerySchema, location="query")
    @blp.response(200, DiagramSchema)
    @errors(blp, 401, 404, 422)
    def get(self, args: dict[str, Any], name: str) -> dict[str, Any]:
        """Mermaid stateDiagram-v2 of the procedure; ``?case=ID`` highlights that case's state."""
        return services.procedure_diagram(runtime(), name, case_id=args.get("case"))
