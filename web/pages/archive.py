"""What the pages hand over as proof: attached files, a case's archive dossier, and the signed checkpoints of
the global chain (listed, signed on demand, downloaded to keep outside the database)."""

from __future__ import annotations

import json
import math

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from web.auth import runtime
from web.files import download
from web.pages import session
from web.pages.views import _t, bp
from workflow.services import attachments, checkpoints
from workflow.services.dossier import build_dossier

CHECKPOINTS_PAGE = 20
EXPORT_BATCH = 1000  # list_checkpoints' largest page


@bp.get("/attachments/<sha256>")
def attachment(sha256: str) -> Response:
    """A file a record cites, as a download (checked against its sha256 on the way out)."""
    meta, content = attachments.read_attachment(runtime(), sha256)
    return download(content, meta["content_type"], meta["filename"])


@bp.get("/cases/<id:case_id>/dossier")
def dossier(case_id: int) -> Response:
    """The case's archive dossier (zip), which verifies offline with ``python verify.py``."""
    name, content = build_dossier(runtime(), case_id)
    return download(content, "application/zip", name)


@bp.get("/audit/how-to-verify")
def how_to_verify() -> str:
    return render_template("how_to_verify.html")


@bp.get("/audit/checkpoints")
def checkpoints_page() -> str:
    """The checkpoints, newest first, each checked against the chain as it stands."""
    raw = request.args.get("page", "")
    page = int(raw) if raw.isdigit() and 0 < int(raw) < 10**6 else 1
    rows, total = checkpoints.list_checkpoints(runtime(), limit=CHECKPOINTS_PAGE, offset=(page - 1) * CHECKPOINTS_PAGE)
    return render_template("checkpoints.html", rows=rows, total=total, page=page,
                           pages=max(1, math.ceil(total / CHECKPOINTS_PAGE)), signers=checkpoints.SIGNERS)


@bp.post("/audit/checkpoints")
def sign_checkpoint() -> Response:
    """Sign the chain head now (the roles the service allows; the button is shown to them only)."""
    signed = checkpoints.sign_checkpoint(runtime(), session.user())  # type: ignore[arg-type]
    flash(_t("cp.signed", seq=signed["global_seq"]), "success")
    return redirect(url_for("pages.checkpoints_page"))


@bp.get("/audit/checkpoints.json")
def checkpoints_json() -> Response:
    """Every checkpoint as ``juece checkpoint list`` prints it, which ``juece checkpoint verify FILE`` reads."""
    rows, total = checkpoints.list_checkpoints(runtime(), limit=EXPORT_BATCH)
    while len(rows) < total:
        more, total = checkpoints.list_checkpoints(runtime(), limit=EXPORT_BATCH, offset=len(rows))
        if not more:
            break
        rows += more
    body = json.dumps(rows, ensure_ascii=False, indent=2)
    return download(body, "application/json", "juece-checkpoints.json")

