"""API tokens: who holds which (never the token itself), and revoking one at once (administrators)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from web.api.docs import errors
from web.auth import actor, runtime
from web.idempotency import PARAMETER as IDEMPOTENCY_KEY
from web.idempotency import respond
from workflow import services

blp = Blueprint("tokens", __name__, url_prefix="/api/v1/tokens",
                description="API tokens: list them, revoke one (administrators)")


class TokenSchema(Schema):
    id = fields.Integer(required=True)
    user = fields.String(required=True)
    role = fields.String(required=True)
    created_at = fields.String(required=True)
    expires_at = fields.String(allow_none=True, metadata={"description": "null: valid until revoked"})
    revoked_at = fields.String(allow_none=True)
    active = fields.Boolean(required=True, metadata={"description": "neither revoked nor expired"})


class TokenQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    user = fields.String(validate=[validate.Length(min=1, max=200), validate.Regexp(r"^[^\x00]*$", error="no NUL")],
                         metadata={"description": "only this user's"})


class RevokeInSchema(Schema):
    class Meta:
        unknown = RAISE

    reason = fields.String(validate=[validate.Length(max=2000), validate.Regexp(r"^[^\x00]*$", error="no NUL")],
                           allow_none=True,
                           metadata={"description": "why, kept in the token_revoked event"})


@blp.route("")
class Tokens(MethodView):
    @blp.arguments(TokenQuerySchema, location="query")
    @blp.response(200, TokenSchema(many=True))
    @errors(blp, 401, 403, 422)
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """Every token with its user, role, issue time, expiry and revocation (administrators and auditors)."""
        return services.list_tokens(runtime(), user=args.get("user"), viewer=actor())


@blp.route("/<id:token_id>/revoke")
class Revoke(MethodView):
    @blp.arguments(RevokeInSchema)
    @blp.response(200, TokenSchema)
    @errors(blp, 400, 401, 403, 404, 422, 429)
    @blp.doc(parameters=[IDEMPOTENCY_KEY])
    def post(self, body: dict[str, Any], token_id: int) -> Any:
        """Revoke a token now: from the next request on it answers 401. A ``token_revoked`` event of the global
        chain records who revoked it and why. Revoking a revoked token changes nothing."""
        return respond(lambda key: services.revoke_token(runtime(), token_id, actor=actor(), reason=body.get("reason"),
                                                          idempotency=key), TokenSchema, 200)
