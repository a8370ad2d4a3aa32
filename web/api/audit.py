"""The audit trail: events, verification, replay, refused attempts, compliance."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from web.api.docs import errors
from web.auth import runtime
from web.schemas import (
    AttemptSchema,
    AuditVerificationSchema,
    CaseVerificationSchema,
    ComplianceSchema,
    EventSchema,
    ReplayQuerySchema,
    ReplaySchema,
)
from workflow import services

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="Audit trail")


@blp.route("/cases/<id:case_id>/events")
class Events(MethodView):
    @blp.response(200, EventSchema(many=True))
    @errors(blp, 401, 404)
    def get(self, case_id: int) -> list[dict[str, Any]]:
        """The case's hash-chained events exactly as stored."""
        return services.case_events(runtime(), case_id)


@blp.route("/cases/<id:case_id>/verify")
class VerifyCase(MethodView):
    @blp.response(200, CaseVerificationSchema)
    @errors(blp, 401, 404)
    def get(self, case_id: int) -> dict[str, Any]:
        """Recompute the case chain; ``broken_at`` names the first event that does not check out."""
        return services.verify_case(runtime(), case_id)


@blp.route("/cases/<id:case_id>/replay")
class Replay(MethodView):
    @blp.arguments(ReplayQuerySchema, location="query")
    @blp.response(200, ReplaySchema)
    @errors(blp, 401, 404, 422)
    def get(self, args: dict[str, Any], case_id: int) -> dict[str, Any]:
        """The case as it stood at event ``seq`` or at moment ``at`` (exactly one)."""
        return services.replay(runtime(), case_id, seq=args.get("seq"), at=args.get("at"))


@blp.route("/cases/<id:case_id>/attempts")
class Attempts(MethodView):
    @blp.response(200, AttemptSchema(many=True))
    @errors(blp, 401, 404)
    def get(self, case_id: int) -> list[dict[str, Any]]:
        """Refused transition attempts: who tried what, when, and which rules were unmet."""
        return services.case_attempts(runtime(), case_id)


@blp.route("/cases/<id:case_id>/compliance")
class Compliance(MethodView):
    @blp.response(200, ComplianceSchema)
    @errors(blp, 401, 404)
    def get(self, case_id: int) -> dict[str, Any]:
        """Re-check every past transition against the rules with only the records that existed then."""
        return services.compliance(runtime(), case_id)


@blp.route("/audit/verify")
class VerifyAll(MethodView):
    @blp.response(200, AuditVerificationSchema)
    @errors(blp, 401)
    def get(self) -> dict[str, Any]:
        """Every case chain and the global chain."""
        return services.verify_all(runtime())
