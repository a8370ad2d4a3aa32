"""The one error tree of juece. The web layer maps these classes to HTTP in one table.

Every error carries a machine-readable ``code`` (the ``error`` field of the API's JSON shape)
and ``details``: the structured context a client needs to act on the refusal.
"""

from __future__ import annotations

from typing import Any


class WorkflowError(Exception):
    """Base of every error the engine raises on purpose."""

    code = "workflow_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.details}


class DefinitionError(WorkflowError):
    """A procedure definition or jurisdiction profile is malformed (raised at load time)."""

    code = "definition_error"


class NotFound(WorkflowError):
    code = "not_found"


class CaseNotFound(NotFound):
    pass


class ProcedureNotFound(NotFound):
    pass


class RecordTypeNotFound(NotFound):
    pass


class ProfileNotFound(NotFound):
    pass


class AttachmentNotFound(NotFound):
    pass


class TokenNotFound(NotFound):
    pass


class UnsupportedMedia(WorkflowError):
    """An upload whose bytes are not one of the accepted document types, or not the type it claims."""

    code = "unsupported_media"


class TooLarge(WorkflowError):
    """An upload over the configured size limit."""

    code = "too_large"


class Unauthenticated(WorkflowError):
    code = "unauthenticated"


class Forbidden(WorkflowError):
    """The actor's role may not perform this write; ``allowed_roles`` names the roles that may."""

    code = "forbidden"


class InvalidTransition(WorkflowError):
    """The trigger does not leave the case's current state; ``available`` lists those that do."""

    code = "invalid_transition"


class RequirementsUnmet(WorkflowError):
    """A guard refused the transition; ``unmet`` lists every unmet rule with its legal basis."""

    code = "requirements_unmet"


class RecordNotAccepted(WorkflowError):
    """The record type is not accepted in the case's current state; ``accepted_in`` lists where it is."""

    code = "record_not_accepted"


class InvalidInput(WorkflowError):
    """Record data, attributes or arguments fail their schema; ``fields`` maps names to messages."""

    code = "invalid"


class VersionMismatch(WorkflowError):
    """The caller's expected case version is stale; ``current_version`` is given."""

    code = "version_mismatch"


class CalendarYearMissing(WorkflowError):
    """The statutory calendar has no schedule for the year; a working-day count would be a guess."""

    code = "calendar_year_missing"


class IdempotencyKeyReused(WorkflowError):
    """The user already used this Idempotency-Key for a different request (method, path, If-Match or body)."""

    code = "idempotency_key_reused"


class TooManyRequests(WorkflowError):
    """The token wrote more often than the configured rate allows; ``retry_after`` says when it may again."""

    code = "too_many_requests"
