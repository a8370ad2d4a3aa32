"""The annual report's figures for the demo data, checked against counts made by hand from the demo scenarios
(web/demo.py and the sample walks), and the yearly minimum a profile sets (甘肃: 2 post-evaluations)."""

from __future__ import annotations

import csv
import io

from procedures.major_decision.samples import walk_to_execution
from tests.conftest import ORGAN, START, apply, open_case, publish_catalog
from tests.procedures.scenarios import EVALUATION_DECISION
from web.demo import load_demo
from workflow.services.reports import annual_report, annual_report_csv, register_view

CITY = "某市人民政府"


def _values(report):
    return {c["id"]: (c["value"], c["breakdown"]) for c in report["counters"]}


def test_demo_figures_for_the_city_government_match_the_hand_count(rt):
    load_demo(rt)
    values = _values(annual_report(rt, 2026, CITY))
    # Five major decisions (full walk, unlawful review, rejected, deferred, and one under 潜江 rules just
    # started and linked to the catalog), all of the city government.
    assert values["decisions_opened"] == (5, {})
    assert values["decisions_adopted"] == (1, {}) and values["decisions_rejected"] == (1, {})
    assert values["decisions_deferred"] == (1, {})
    # One opinion per decision (the second finds the draft unlawful), plus the normative document's, the
    # contract's and the minutes' opinions; the enforcement review belongs to the 生态环境局, not the city.
    assert values["legality_opinions"] == (7, {"lawful": 6, "unlawful": 1})
    assert values["decision_legality_opinions"] == (4, {"lawful": 3, "unlawful": 1})
    assert values["hearings_held"] == (1, {})  # only the full walk requires a hearing
    assert values["expert_opinions"] == (4, {})  # three experts on the full walk, one on the normative document
    assert values["risk_assessments"] == (2, {})  # the full walk and the normative document
    assert values["post_evaluations"] == (0, {})
    assert values["normative_documents_numbered"] == (1, {})
    assert values["normative_documents_filing"] == (1, {"met_on_time": 1})  # 潜江: within 30 days
    assert values["contracts_reviewed"] == (1, {"lawful": 1})
    assert values["enforcement_reviews"] == (0, {})
    assert values["minutes_reviewed"] == (1, {"lawful": 1})
    assert values["refused_attempts"] == (1, {"MD-20": 1})  # the try to skip the failed review


def test_all_organs_and_another_year(rt):
    load_demo(rt)
    every = _values(annual_report(rt, 2026))
    assert every["legality_opinions"][0] == 8 and every["enforcement_reviews"] == (1, {"approved": 1})
    assert all(c["value"] == 0 for c in annual_report(rt, 2025)["counters"])


def test_gansu_minimum_of_post_evaluations_is_checked(rt):
    publish_catalog(rt)  # gansu keeps its catalog in juece
    case_id = open_case(rt, jurisdiction="gansu", hearing_required=False)
    apply(rt, case_id, walk_to_execution(START, hearing=False, experts=False, risk=False))
    apply(rt, case_id, [EVALUATION_DECISION, EVALUATION_DECISION.__class__("fire", ORGAN.role, "start_post_evaluation")])
    report = annual_report(rt, 2026, CITY)
    [check] = report["checks"]
    assert (check["jurisdiction"], check["required"], check["actual"], check["ok"]) == ("gansu", 2, 1, False)
    assert "甘政办发〔2017〕103号" in check["source"]
    national = annual_report(rt, 2026, "某县人民政府")
    assert national["checks"] == []


def test_csv_export_has_one_row_per_figure_and_breakdown(rt):
    load_demo(rt)
    report = annual_report(rt, 2026, CITY)
    rows = list(csv.reader(io.StringIO(annual_report_csv(report).lstrip("\ufeff"))))
    assert rows[0] == ["year", "organ", "counter", "label_zh", "label_en", "breakdown", "value"]
    assert ["2026", CITY, "legality_opinions", "合法性审查书面意见", "Written legality review opinions", "unlawful", "1"] in rows


def test_the_catalog_register_shows_items_and_the_decisions_naming_them(rt):
    catalog = publish_catalog(rt)
    case_id = open_case(rt, jurisdiction="qianjiang")
    apply(rt, case_id, walk_to_execution(START, hearing=False, experts=False, risk=False)[:3])  # ... catalog_entry
    view = register_view(rt, procedure="decision_catalog", record_type="catalog_item", year_field="year",
                         organ=CITY, year=2026)
    [register] = view["registers"]
    assert register["case_id"] == catalog and register["state"] == "published"
    linked = {e["data"]["item_no"]: [c["id"] for c in e["linked_cases"]] for e in register["entries"]}
    assert linked == {"2026-07": [case_id], "2026-08": []}
