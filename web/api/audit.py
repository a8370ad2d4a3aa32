"""The audit trail: events, verification, replay, refused attempts, compliance."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from web.api.docs import errors
from web.auth import actor, runtime
from web.files import download
from web.idempotency import PARAMETER as IDEMPOTENCY_KEY
from web.idempotency import respond
from web.schemas import (
    AttemptSchema,
    AuditVerificationSchema,
    CaseVerificationSchema,
    CheckpointSchema,
    CheckpointsVerificationSchema,
    ComplianceSchema,
    EventSchema,
    ReplayQuerySchema,
    ReplaySchema,
    VerifyCheckpointsInSchema,
)
from workflow import services
from workflow.services import checkpoints
from workflow.services.dossier import build_dossier
from workflow.services.idempotency import idempotent_read

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


@blp.route("/cases/<id:case_id>/dossier")
class Dossier(MethodView):
    @blp.doc(responses={"200": {"description": "the archive dossier: a zip that verifies offline with "
                                               "`python verify.py` (docs/auditing.md)",
                                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}})
    @errors(blp, 401, 404)
    def get(self, case_id: int) -> Any:
        """Records, attachments, the event chain, refused attempts, compliance, a signed checkpoint and a verifier."""
        name, content = build_dossier(runtime(), case_id)
        return download(content, "application/zip", name)


@blp.route("/audit/checkpoints")
class Checkpoints(MethodView):
    @blp.response(200, CheckpointSchema(many=True))
    @errors(blp, 401)
    @blp.paginate(page_size=20, max_page_size=100)
    def get(self, pagination_parameters: Any) -> list[dict[str, Any]]:
        """Signed checkpoints of the global chain, newest first, each checked against the chain now.

        Keep copies outside the database: ``POST /audit/checkpoints/verify`` checks them later.
        """
        rows, pagination_parameters.item_count = checkpoints.list_checkpoints(
            runtime(), limit=pagination_parameters.page_size, offset=pagination_parameters.first_item)
        return rows

    @blp.response(201, CheckpointSchema)
    @errors(blp, 401, 403, 422, 429)
    @blp.doc(parameters=[IDEMPOTENCY_KEY])
    def post(self) -> Any:
        """Sign the chain head now (administrator or legal office); the latest one if the head has not moved."""
        return respond(lambda key: checkpoints.sign_checkpoint(runtime(), actor(), idempotency=key),
                       CheckpointSchema, 201)


@blp.route("/audit/checkpoints/verify")
class VerifyCheckpoints(MethodView):
    @blp.arguments(VerifyCheckpointsInSchema)
    @blp.response(200, CheckpointsVerificationSchema)
    @errors(blp, 400, 401, 422, 429)
    @blp.doc(parameters=[IDEMPOTENCY_KEY])
    def post(self, body: dict[str, Any]) -> Any:
        """Check checkpoints kept outside the database against the chain: a removed or rewritten tail fails.

        Writes nothing; with an ``Idempotency-Key`` the answer is kept and replayed like a write's."""
        return respond(lambda key: idempotent_read(
            runtime(), key, lambda: checkpoints.verify_checkpoints(runtime(), body["checkpoints"])),
            CheckpointsVerificationSchema, 200)
