"""The report pages: an organ's annual statistics (with bar charts and a CSV export) and its decision catalog.

Both are generic: the figures, their labels and breakdowns come from the report definition
(``procedures/reports.py``), the catalog's place (procedure, record type, year field) from
``CATALOG_REGISTER``, its columns from that record type's fields, and the states from the definitions.
"""

from __future__ import annotations

from typing import Any

from flask import g, render_template, request
from werkzeug.wrappers import Response

from procedures.reports import CATALOG_REGISTER
from web.auth import runtime
from web.files import download
from web.pages import charts
from web.pages.i18n import TEXTS, choice, label, text
from web.pages.views import _int, _procedure, _refusal, bp
from workflow import errors as wf
from workflow.services import reports
from workflow.snapshot import legal_date


def _year() -> int:
    """The year asked for; this year (China time) when none is. A year that is not a number is 0, which the
    report refuses with its own range."""
    raw = request.args.get("year", "").strip()
    if not raw:
        return legal_date(runtime().clock()).year
    return _int(raw) or 0


def _organ() -> str | None:
    return request.args.get("organ", "").strip() or None


# -- annual statistics ---------------------------------------------------------------------------------------


def _breakdown_label(counter: dict[str, Any], key: str) -> str:
    """A breakdown key as the page words it: the engine's deadline outcomes translated, a field's choice code
    by the label its record type gives it, anything else (a rule id) as it is."""
    if f"breakdown.{key}" in TEXTS:
        return text(g.lang, f"breakdown.{key}")
    if counter.get("by"):
        for source in counter["sources"]:
            field = _source_field(source, counter["by"])
            if field is not None and choice(g.lang, field, key) != key:
                return choice(g.lang, field, key)
    return key


def _source_field(source: Any, name: str) -> Any:
    """The field ``name`` of a counter's (procedure, record type) source, if the registry has it."""
    try:
        procedure = runtime().registry.procedure(source[0])
    except wf.NotFound:
        return None
    kind = procedure.record_type(source[1])
    return kind.field(name) if kind is not None else None


def _charts(report: dict[str, Any]) -> dict[str, Any]:
    lang = g.lang
    overview = charts.bar_chart("chart-counters", text(lang, "report.chart"),
                                ((c["id"], c["label"][lang], c["value"]) for c in report["counters"]))
    breakdowns = [charts.bar_chart(f"chart-{c['id']}", c["label"][lang],
                                   ((key, _breakdown_label(c, key), value) for key, value in c["breakdown"].items()),
                                   charts.SMALL)
                  for c in report["counters"] if c["breakdown"]]
    return {"overview": overview, "breakdowns": breakdowns}


@bp.get("/reports/annual")
def annual() -> tuple[str, int]:
    """Every figure of the annual report for the year and organ chosen, drawn and tabled."""
    year, organ = _year(), _organ()
    organs = reports.decision_organs(runtime())
    try:
        report = reports.annual_report(runtime(), year, organ)
    except wf.InvalidInput as error:
        return render_template("annual.html", report=None, year=request.args.get("year", ""), organ=organ,
                               organs=organs, errors=error.details.get("fields", {}), refusal=_refusal(error)), 422
    profiles = {p.name: p for p in runtime().registry.profiles()}
    return render_template("annual.html", report=report, year=year, organ=organ, organs=organs, errors={},
                           charts=_charts(report), profiles=profiles, breakdown_label=_breakdown_label), 200


@bp.get("/reports/annual.csv")
def annual_csv() -> Response:
    """The same figures as CSV (UTF-8 with BOM), for the signed-in user: the API's export needs a token."""
    year, organ = _year(), _organ()
    report = reports.annual_report(runtime(), year, organ)
    return download(reports.annual_report_csv(report), "text/csv", f"juece-annual-{year}.csv")


# -- the decision catalog -----------------------------------------------------------------------------------


def _linking_states() -> dict[str, Any]:
    """The states of the procedures whose records link to the register's entries, by name (for labels)."""
    target = (CATALOG_REGISTER["procedure"], CATALOG_REGISTER["record_type"])
    states: dict[str, Any] = {}
    for procedure in runtime().registry.procedures():
        if any(k.reference and (k.reference.procedure, k.reference.record_type) == target
               for k in procedure.record_types):
            for state in procedure.states:
                states.setdefault(state.name, state)
    return states


@bp.get("/catalog")
def catalog() -> tuple[str, int]:
    """The organ's register for the year: each catalog case, its entries, and the cases naming each entry."""
    definition = _procedure(CATALOG_REGISTER["procedure"])
    kind = definition.record_type(CATALOG_REGISTER["record_type"])
    organs = reports.decision_organs(runtime(), CATALOG_REGISTER["procedure"])
    year, organ = _year(), _organ() or (organs[0] if organs else None)
    columns = [f for f in (kind.fields if kind else ()) if f.name != CATALOG_REGISTER["year_field"]]
    page = {"definition": definition, "columns": columns, "organs": organs, "organ": organ, "year": year,
            "linking_states": _linking_states()}
    if organ is None:
        return render_template("catalog.html", view=None, errors={}, **page), 200
    try:
        view = reports.register_view(runtime(), organ=organ, year=year, **CATALOG_REGISTER)
    except wf.InvalidInput as error:
        page["year"] = request.args.get("year", "")
        return render_template("catalog.html", view=None, errors=error.details.get("fields", {}),
                               refusal=_refusal(error), **page), 422
    return render_template("catalog.html", view=view, errors={}, label_of_state=lambda s: _state_label(definition, s),
                           **page), 200


def _state_label(definition: Any, name: str) -> str:
    state = definition.state(name)
    return label(g.lang, state) if state else name
