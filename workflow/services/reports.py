"""Reports read from the chain: the annual statistics of an organ, and its published decision catalog."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import select

from workflow.adapters.orm import Attempt, Case
from workflow.errors import InvalidInput
from workflow.ledger import format_time
from workflow.services.common import _snapshot
from workflow.services.runtime import Runtime
from workflow.snapshot import legal_date
from workflow.statistics import CaseFacts, count
from workflow.validation import is_clean_text

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _check(year: int, organ: str | None) -> None:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput("the year is out of range", fields={"year": [f"{FIRST_YEAR}–{LAST_YEAR}"]})
    if organ is not None and not is_clean_text(organ, 200):
        raise InvalidInput("the organ is invalid", fields={"organ": ["text of at most 200 characters"]})


def annual_report(rt: Runtime, year: int, organ: str | None = None, report: str = "annual") -> dict[str, Any]:
    """Every counter of the report for ``year`` (China time), for one decision organ or for all."""
    _check(year, organ)
    definition = rt.registry.report(report)
    today = legal_date(rt.clock())
    facts: list[CaseFacts] = []
    jurisdictions: set[str] = set()
    with rt.db.read() as session:
        query = select(Case.id, Case.opened_at, Case.jurisdiction).where(Case.opened_at < f"{year + 1}-01-02")  # UTC; China's year ends 8 h earlier
        if organ:
            query = query.where(Case.decision_organ == organ)
        cases = session.execute(query.order_by(Case.id)).all()
        attempts: dict[int, list[dict[str, Any]]] = {}
        for row in session.execute(select(Attempt.case_id, Attempt.at, Attempt.unmet)
                                   .where(Attempt.case_id.in_([c.id for c in cases]))):
            attempts.setdefault(row.case_id, []).append({"at": row.at, "unmet": row.unmet})
        for case_id, _opened_at, jurisdiction in cases:
            snapshot = _snapshot(session, case_id)
            jurisdictions.add(jurisdiction)
            facts.append(CaseFacts(snapshot=snapshot, opened_on=legal_date(snapshot.opened_at),
                                   deadlines=rt.registry.deadlines(snapshot, today),
                                   attempts=attempts.get(case_id, [])))
    counters = [count(c, facts, year) for c in definition.counters]
    values = {c["id"]: c["value"] for c in counters}
    checks = []
    for minimum in definition.minimums:
        for jurisdiction in sorted(jurisdictions):
            parameter = rt.registry.profile(jurisdiction).parameters.get(minimum.parameter)
            if parameter is None or parameter.value is None:
                continue
            actual = values[minimum.counter]
            checks.append({"id": minimum.id, "label": {"zh": minimum.label, "en": minimum.label_en},
                           "jurisdiction": jurisdiction, "counter": minimum.counter, "required": parameter.value,
                           "actual": actual, "ok": actual >= parameter.value, "source": parameter.source})
    return {"report": definition.name, "title": {"zh": definition.title, "en": definition.title_en}, "year": year,
            "organ": organ, "cases": len(facts), "generated_at": format_time(rt.clock()), "counters": counters,
            "checks": checks}


def annual_report_csv(report: dict[str, Any]) -> str:
    """One row per counter and one per breakdown entry (UTF-8 with BOM, so spreadsheets show the Chinese)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["year", "organ", "counter", "label_zh", "label_en", "breakdown", "value"])
    for counter in report["counters"]:
        base = [report["year"], report["organ"] or "", counter["id"], counter["label"]["zh"], counter["label"]["en"]]
        writer.writerow([*base, "", counter["value"]])
        for key, value in counter["breakdown"].items():
            writer.writerow([*base, key, value])
    for check in report["checks"]:
        writer.writerow([report["year"], report["organ"] or "", check["id"], check["label"]["zh"], check["label"]["en"],
                         f"required {check['required']} ({check['jurisdiction']})", check["actual"]])
    return out.getvalue()


def register_view(rt: Runtime, *, procedure: str, record_type: str, year_field: str, organ: str,
                  year: int) -> dict[str, Any]:
    """A register kept as cases (e.g. the 决策事项目录: ``decision_catalog`` / ``catalog_item``) for one organ
    and year: its current entries, and for each the cases whose records link to it (``Reference``)."""
    _check(year, organ)
    linking = {(p.name, k.name, k.reference.into) for p in rt.registry.all_versions() for k in p.record_types
               if k.reference and (k.reference.procedure, k.reference.record_type) == (procedure, record_type)}
    with rt.db.read() as session:
        registers = session.execute(select(Case.id, Case.state, Case.title).where(
            Case.procedure == procedure, Case.decision_organ == organ).order_by(Case.id)).all()
        found = []
        for case_id, state, title in registers:
            entries = [r for r in _snapshot(session, case_id).records
                       if r.type == record_type and r.current and r.data.get(year_field) == year]
            if entries:
                found.append((case_id, state, title, entries))
        linked: dict[str, list[dict[str, Any]]] = {}
        for name in sorted({n for n, _k, _f in linking}):
            cases = session.execute(select(Case.id, Case.title, Case.state).where(
                Case.procedure == name, Case.decision_organ == organ)).all()
            for case_id, title, state in cases:
                for record in _snapshot(session, case_id).records:
                    key = next((f for n, k, f in linking if n == name and k == record.type), None)
                    link = record.data.get(key) if key and record.current else None
                    if link:
                        linked.setdefault(link.split("/")[1], []).append({"id": case_id, "title": title, "state": state})
    return {
        "procedure": procedure, "organ": organ, "year": year,
        "registers": [{"case_id": case_id, "title": title, "state": state,
                       "entries": [{"record_id": r.id, "sha256": r.sha256, "data": r.data,
                                    "linked_cases": linked.get(str(r.id), [])} for r in entries]}
                      for case_id, state, title, entries in found],
    }


def decision_organs(rt: Runtime, procedure: str | None = None) -> list[str]:
    """Every decision organ some case names (of ``procedure`` only, if given), sorted: the report forms' choices."""
    query = select(Case.decision_organ).distinct()
    if procedure is not None:
        query = query.where(Case.procedure == procedure)
    with rt.db.read() as session:
        return sorted(session.scalars(query))
