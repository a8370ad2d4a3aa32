"""The JSON API under /api/v1: one blueprint per resource group."""

from __future__ import annotations

from web.api import attachments, audit, cases, procedures, records, reports, tokens, transitions

BLUEPRINTS = (procedures.blp, cases.blp, records.blp, transitions.blp, audit.blp, attachments.blp, tokens.blp,
              reports.blp)

# Endpoints whose POST body is multipart/form-data rather than a JSON object.
MULTIPART_ENDPOINTS = {"attachments.Upload"}
