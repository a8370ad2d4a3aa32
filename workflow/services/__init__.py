"""Use cases: one function each, one transaction each, the audit event written in that transaction.

``from workflow import services`` gives every use case; the modules group them by concern.
"""

from workflow.services.audit import case_events, compliance, replay, verify_all, verify_case
from workflow.services.cases import add_record, change_attribute, fire_trigger, open_case
from workflow.services.common import _append
from workflow.services.history import audit_view, case_as_of, case_list, timeline
from workflow.services.reads import (
    case_attempts,
    case_records,
    case_view,
    describe_procedure,
    describe_procedures,
    list_cases,
    open_case_and_view,
    procedure_diagram,
)
from workflow.services.runtime import SYSTEM, Actor, Runtime, utc_now
from workflow.services.users import (
    add_user,
    authenticate,
    authenticate_token,
    issue_token,
    list_tokens,
    list_users,
    revoke_token,
)

__all__ = [
    "SYSTEM",
    "Actor",
    "Runtime",
    "_append",
    "add_record",
    "add_user",
    "audit_view",
    "authenticate",
    "authenticate_token",
    "case_as_of",
    "case_attempts",
    "case_events",
    "case_list",
    "case_records",
    "case_view",
    "change_attribute",
    "compliance",
    "describe_procedure",
    "describe_procedures",
    "fire_trigger",
    "issue_token",
    "list_cases",
    "list_tokens",
    "list_users",
    "open_case",
    "open_case_and_view",
    "procedure_diagram",
    "replay",
    "revoke_token",
    "timeline",
    "utc_now",
    "verify_all",
    "verify_case",
]
