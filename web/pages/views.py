"""The page views: parse the request, call one use case, render (or redirect after a write)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from web.auth import runtime
from web.config import Settings
from web.errors import log, status_of
from web.pages import forms, session, uploads
from web.pages.i18n import LANGS, TEXTS, choice, label, media_name, pick_lang, role, text
from web.pages.security import security_headers, with_diagram
from workflow import errors as wf
from workflow import services
from workflow.definition import ADMIN_ROLE, Procedure
from workflow.snapshot import LEGAL_TZ
from workflow.validation import validate_record_data

bp = Blueprint("pages", __name__)
bp.after_request(security_headers)

PAGE_SIZE = 20
LANG_COOKIE = "juece_lang"
PUBLIC = {"pages.sign_in", "pages.set_lang", "pages.index"}


# -- request set-up -----------------------------------------------------------------------------------


@bp.before_request
def _before() -> Response | None:
    g.lang = pick_lang(request.cookies.get(LANG_COOKIE))
    if request.endpoint == "pages.add_record" and session.has_session():
        # A record form carries its files: a larger body, for signed-in sessions only (read before the CSRF check)
        request.max_content_length = uploads.body_limit(settings().max_attachment_bytes, settings().max_json_bytes)
    session.check_csrf()
    session.load_user()
    if session.user() is None and request.endpoint not in PUBLIC:
        return redirect(url_for("pages.sign_in", next=request.full_path.rstrip("?")))
    return None


@bp.context_processor
def _helpers() -> dict[str, Any]:
    lang = g.get("lang", "zh")
    return {
        "lang": lang,
        "t": lambda key, **values: text(lang, key, **values),
        "label": lambda item: label(lang, item),
        "role_label": lambda name: role(lang, name),
        "media_label": lambda content_type: media_name(lang, content_type),
        "choice_label": lambda item, code: choice(lang, item, code),
        "roles_label": lambda names: "、".join(role(lang, n) for n in names) if lang == "zh"
        else ", ".join(role(lang, n) for n in names),
        "user": session.user(),
        "may": may,
        "csrf_token": session.csrf_token,
        "csrf_field": session.CSRF_FIELD,
        "forms": forms,
        "known_texts": TEXTS,
        "when": when,
        "other_lang": "en" if lang == "zh" else "zh",
        # Where the language link comes back to: this page, or after a refused POST the page it came from.
        "here": request.full_path.rstrip("?") if request.method == "GET" else _page_of_post(),
    }


def _page_of_post() -> str:
    """Where a refused POST's page comes back to: the same path if it is also a page, else its parent
    (``/cases/7/records`` → ``/cases/7``)."""
    try:
        current_app.url_map.bind("").match(request.path, method="GET")
    except HTTPException:
        return request.path.rsplit("/", 1)[0] or "/"
    return request.path


def when(moment: Any) -> str:
    """An event time as people in China read it (the law counts dates there): ``2026-10-20 10:01:27``."""
    if isinstance(moment, str):
        try:
            moment = dt.datetime.fromisoformat(moment)
        except ValueError:
            return moment
    if isinstance(moment, dt.datetime) and moment.tzinfo is not None:
        return moment.astimezone(LEGAL_TZ).strftime("%Y-%m-%d %H:%M:%S")
    return str(moment)


def may(roles: Any) -> bool:
    """Whether the signed-in user's role may do what ``roles`` allows: the engine's own rule, admin passes all."""
    user = session.user()
    return user is not None and (user.role == ADMIN_ROLE or user.role in roles)


def _t(key: str, **values: Any) -> str:
    return text(g.lang, key, **values)


def settings() -> Settings:
    return current_app.config["JUECE_SETTINGS"]  # type: ignore[no-any-return]


def _size(size: int) -> str:
    """A byte count as people write it: ``20 MB``, ``1 KB``."""
    mb = size / (1024 * 1024)
    return f"{mb:.3g} MB" if mb >= 1 else f"{max(size // 1024, 1)} KB"


def _procedure(name: str, version: int | None = None) -> Procedure:
    return runtime().registry.procedure(name, version)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no ``//``): never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("pages.cases")


# -- errors: friendly pages, never JSON, for anything raised in a page view ------------------------------------


@bp.errorhandler(wf.WorkflowError)
def _workflow_error(error: wf.WorkflowError) -> tuple[str, int]:
    message = _t("error.404") if isinstance(error, wf.NotFound) else _refusal(error).get("message", error.message)
    return render_template("error.html", message=message, error=error), status_of(error)


@bp.errorhandler(Exception)
def _unexpected(error: Exception) -> tuple[str, int]:
    log.exception("unhandled error on a page")
    return render_template("error.html", message=_t("error.internal"), error=None), 500


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> tuple[str, int]:
    status = error.code or 500
    if status == 403 and error.description == "csrf":
        message = _t("csrf.bad")
    elif status == 413:
        message = _t("att.refused.body", size=_size(uploads.body_limit(settings().max_attachment_bytes,
                                                                        settings().max_json_bytes)))
    elif status == 404:
        message = _t("error.404")
    else:
        message = error.description or error.name
    return render_template("error.html", message=message, error=None), status


# -- sign-in, language -----------------------------------------------------------------------------------------


@bp.get("/")
def index() -> Response:
    return redirect(url_for("pages.cases" if session.user() else "pages.sign_in"))


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    target = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("sign_in.html", next=target, failed=False)
    try:
        session.sign_in(request.form.get("token", ""))
    except wf.Unauthenticated:
        return render_template("sign_in.html", next=target, failed=True), 401
    return redirect(target)


@bp.post("/sign-out")
def sign_out() -> Response:
    session.sign_out()
    flash(_t("signed_out"), "info")
    return redirect(url_for("pages.sign_in"))


@bp.get("/lang/<code>")
def set_lang(code: str) -> Response:
    if code not in LANGS:
        abort(404)
    response = redirect(_safe_next(request.args.get("next")))
    response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


# -- the case list ---------------------------------------------------------------------------------------------


@bp.get("/cases")
def cases() -> str:
    args = request.args
    page = int(args["page"]) if args.get("page", "").isdigit() and 0 < int(args["page"]) < 10**6 else 1
    overdue = {"yes": True, "no": False}.get(args.get("overdue", ""))
    filters = {"state": args.get("state") or None, "procedure": args.get("procedure") or None,
               "q": args.get("q") or None, "overdue": overdue}
    rows, total = services.case_list(runtime(), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, **filters)
    procedures = runtime().registry.procedures()
    return render_template(
        "cases.html", rows=rows, total=total, page=page, pages=max(1, math.ceil(total / PAGE_SIZE)),
        filters={**filters, "overdue": args.get("overdue", "")}, procedures=procedures,
        definitions={p.name: p for p in runtime().registry.all_versions()},
        query={k: v for k, v in args.items() if k != "page" and v},
    )


# -- one case: its page, its writes ------------------------------------------------------------------------------


def _case_page(case_id: int, *, status: int = 200, refusal: dict[str, Any] | None = None,
               form: dict[str, Any] | None = None, correct: int | None = None) -> tuple[str, int]:
    view = services.case_as_of(runtime(), case_id)
    procedure = _procedure(view["procedure"], view["procedure_version"])
    offered = [r for r in procedure.record_types if view["state"] in r.accepted_in and may(r.roles)]
    target = next((r for r in view["records"] if r["id"] == correct and r["current"]), None)
    if form is None and target is not None and any(r.name == target["type"] for r in offered):
        form = {"type": target["type"], "data": target["data"], "errors": {}, "supersedes": target["id"], "reason": "",
                "keep": list(target.get("attachments") or [])}
    with_diagram()
    return render_template("case.html", case=view, procedure=procedure, offered=offered, refusal=refusal,
                           form=form, files=uploads.names(runtime(), view["records"]), upload=_upload_help()), status


def _upload_help() -> dict[str, Any]:
    """What the file input of a record form says and accepts."""
    return {"accept": uploads.accept_attribute(), "max_files": uploads.MAX_FILES,
            "size": _size(settings().max_attachment_bytes),
            "types": ", ".join(dict.fromkeys(media_name(g.lang, t) for t in uploads.accepted()))}


@bp.get("/cases/<id:case_id>")
def case(case_id: int) -> tuple[str, int]:
    """The case; ``?correct=<record id>`` opens that record's form filled in, to save a correction."""
    return _case_page(case_id, correct=_int(request.args.get("correct")))


def _version() -> int | None:
    raw = request.form.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


@bp.post("/cases/<id:case_id>/records")
def add_record(case_id: int) -> Any:
    """Read the generated form back into record data, and record it at the version the page showed."""
    record_type = _procedure(request.form.get("procedure", ""), _int(request.form.get("procedure_version"))) \
        .record_type(request.form.get("record_type", ""))
    if record_type is None:
        abort(404)
    data = forms.read_record_data(record_type.fields, request.form)
    supersedes, reason = _int(request.form.get("supersedes")), request.form.get("reason") or None
    keep = uploads.kept(request.form.getlist(uploads.KEEP_FIELD))
    form = {"type": record_type.name, "data": data, "errors": {}, "supersedes": supersedes, "reason": reason,
            "keep": keep}
    grow = record_type.field(request.form.get("add_row", ""))
    if grow is not None and grow.kind == "object_list":  # "add an item" without JavaScript: redraw, save nothing
        data[grow.name] = [*forms.row_values(grow, data.get(grow.name)), {}]
        return _case_page(case_id, form=form)
    try:
        files = _attach(record_type, data)
        record = services.add_record(runtime(), session.user(), case_id, record_type=record_type.name, data=data,
                                     supersedes=supersedes, reason=reason, expected_version=_version(),
                                     attachments=[*keep, *(f for f in files if f not in keep)] or None)
    except wf.CaseNotFound:
        raise
    except wf.WorkflowError as error:
        refusal = _refusal(error)
        form["errors"] = _form_errors(error, refusal)
        return _case_page(case_id, status=status_of(error), form=form, refusal=refusal)
    flash(_t("recorded", id=record["id"]), "success")
    return redirect(url_for("pages.case", case_id=case_id, _anchor="records"))


@bp.post("/cases/<id:case_id>/transitions")
def fire(case_id: int) -> Any:
    trigger = request.form.get("trigger", "")
    try:
        result = services.fire_trigger(runtime(), session.user(), case_id, trigger=trigger,
                                       note=request.form.get("note") or None, expected_version=_version())
    except wf.CaseNotFound:
        raise
    except wf.WorkflowError as error:
        return _case_page(case_id, status=status_of(error), refusal=_refusal(error, trigger))
    try:  # the label of the new state, from the definition the page was drawn with
        state = _procedure(request.form.get("procedure", ""), _int(request.form.get("procedure_version")))\
            .state(result["state"])
    except wf.NotFound:
        state = None
    flash(_t("fired", state=label(g.lang, state) if state else result["state"]), "success")
    return redirect(url_for("pages.case", case_id=case_id))


def _attach(record_type: Any, data: dict[str, Any]) -> list[str]:
    """Store the files chosen in the record form; their sha256 for the record to cite.

    All the files are checked first, and the record's data too, so a refusal of either writes nothing.
    (A refusal only the record can give — a stale version, a state changed meanwhile — comes after the
    files are stored: they stay stored, uncited, and the same bytes chosen again are the same upload.)"""
    limit = settings().max_attachment_bytes
    files = uploads.read(request.files.getlist(uploads.FIELD), limit)
    if not files:
        return []
    uploads.check(files, limit)
    validate_record_data(record_type, data)
    if not may(record_type.roles):  # the engine would refuse the record: store no file for it
        raise wf.Forbidden(f"record '{record_type.name}'", allowed_roles=sorted({*record_type.roles, ADMIN_ROLE}))
    return uploads.store(runtime(), session.user(), files, limit)  # type: ignore[arg-type]


def _form_errors(error: wf.WorkflowError, refusal: dict[str, Any]) -> dict[str, list[str]]:
    """The problems to show under the form's inputs (a refused file under the file input)."""
    if refusal["kind"] == "upload":
        return {uploads.FIELD: [refusal["message"]]}
    if isinstance(error, wf.InvalidInput):
        return error.details.get("fields", {})  # type: ignore[no-any-return]
    return {}


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 12 else None


def _refusal(error: wf.WorkflowError, trigger: str | None = None) -> dict[str, Any]:
    """What the page says about a refused write: the engine's details, in the page's words."""
    details = error.details
    if isinstance(error, wf.RequirementsUnmet):
        return {"kind": "unmet", "trigger": trigger, "unmet": details.get("unmet", [])}
    if isinstance(error, wf.VersionMismatch):
        return {"kind": "stale", "message": _t("refused.stale", current=details.get("current_version"),
                                                given=request.form.get("version", "?"))}
    if isinstance(error, (wf.UnsupportedMedia, wf.TooLarge)) or details.get("problem") in ("count", "empty"):
        return {"kind": "upload", "message": _upload_refusal(error)}
    if isinstance(error, wf.InvalidInput):
        return {"kind": "invalid", "message": _t("refused.invalid"), "fields": details.get("fields", {})}
    if isinstance(error, wf.Forbidden):
        roles = ", ".join(role(g.lang, r) for r in details.get("allowed_roles", []))
        return {"kind": "forbidden", "message": _t("refused.forbidden", roles=roles)}
    return {"kind": error.code, "message": _t("refused.other", message=error.message)}


def _upload_refusal(error: wf.WorkflowError) -> str:
    details, name = error.details, error.details.get("file", "")
    if isinstance(error, wf.TooLarge):
        message = _t("att.refused.size", name=name, size=_size(details.get("limit") or settings().max_attachment_bytes))
    elif isinstance(error, wf.UnsupportedMedia):
        message = _t("att.refused.type", name=name, types=_upload_help()["types"])
    elif details.get("problem") == "count":
        message = _t("att.refused.count", n=details.get("limit"))
    else:
        message = _t("att.refused.empty", name=name)
    return f"{message} {_t('att.refused.reselect')}"


# -- the timeline and the auditor's view -------------------------------------------------------------------------


@bp.get("/cases/<id:case_id>/timeline")
def timeline(case_id: int) -> str:
    view = services.timeline(runtime(), case_id)
    procedure = _procedure(view["case"]["procedure"], view["case"]["procedure_version"])
    return render_template("timeline.html", case=view["case"], events=view["events"], attempts=view["attempts"],
                           procedure=procedure)


@bp.get("/cases/<id:case_id>/audit")
def audit(case_id: int) -> str:
    seq = _int(request.args.get("seq"))
    view = services.audit_view(runtime(), case_id, seq=seq)
    procedure = _procedure(view["as_of"]["procedure"], view["as_of"]["procedure_version"])
    with_diagram()
    return render_template("audit.html", view=view, case=view["as_of"], procedure=procedure,
                           files=uploads.names(runtime(), view["as_of"]["records"]))


# -- procedures and opening a case -------------------------------------------------------------------------------


@bp.get("/procedures")
def procedures() -> str:
    return render_template("procedures.html", procedures=runtime().registry.procedures())


@bp.get("/procedures/<name>")
def procedure(name: str) -> str:
    diagram = services.procedure_diagram(runtime(), name)
    with_diagram()
    return render_template("procedure.html", procedure=_procedure(name, diagram["version"]), diagram=diagram,
                           profiles=runtime().registry.profiles())


@bp.route("/procedures/<name>/open", methods=["GET", "POST"])
def open_case(name: str) -> Any:
    definition = _procedure(name)
    if request.method == "GET":
        return render_template("open_case.html", procedure=definition, values={}, errors={})
    values = {key: request.form.get(key, "").strip() for key in ("title", "decision_organ", "undertaking_unit")}
    attributes: dict[str, Any] = {}
    for attribute in definition.attributes:
        raw = request.form.get(f"a-{attribute.name}")
        if attribute.kind == "bool":
            attributes[attribute.name] = raw == "true"
        elif raw and raw.strip():
            attributes[attribute.name] = raw.strip()
    try:
        opened = services.open_case(runtime(), session.user(), procedure=name, attributes=attributes, **values)
    except (wf.InvalidInput, wf.Forbidden, wf.ProfileNotFound) as error:
        return render_template("open_case.html", procedure=definition, values={**values, **attributes},
                               errors=error.details.get("fields", {}), refusal=_refusal(error)), status_of(error)
    flash(_t("opened", id=opened["id"]), "success")
    return redirect(url_for("pages.case", case_id=opened["id"]))
