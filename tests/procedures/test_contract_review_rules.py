"""``contract_review`` v1: one refusal per rule and per trigger it guards, each followed by the fix that lets the
trigger pass (or, for a rule only a jurisdiction imposes, the same case passing under national); roles; the
profiles that change behaviour (潜江, 丽水, a test profile); the deadlines on the statutory calendar.

Every refusal asserts the *exact* set of unmet rules, so deleting a rule id from its trigger (or making its
check always hold) turns a test red.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from procedures.contract_review import samples
from procedures.contract_review.samples import LEGAL, ORGAN, UNDERTAKING, Step
from procedures.contract_review.v1 import PROCEDURE
from procedures.profiles import PROFILES
from tests.conftest import ACTORS, ADMIN, apply
from tests.procedures.review_harness import (
    START,
    UnderProfile,
    Walk,
    assert_every_rule_tested,
    run_scenario,
    runtime_for,
    runtime_with_test_city,
    s,
)
from tests.procedures.scenarios import change, correct, drop, recorded_by
from workflow import services
from workflow.errors import Forbidden

RULE_IDS = {"GC-01", "GC-02", "GC-03", "GC-04", "GC-05", "GC-06", "GC-10", "GC-11", "GC-13", "GC-20", "GC-21",
            "GC-30", "GC-31"}
SUBMIT, CLEAR, DIRECT = "submit_for_review", "clear_for_signing", "sign_without_review"
OPINION, SUBMISSION = "review_opinion", "review_submission"

WALK_STEPS = samples.walk(START)
PREPARATION = samples.preparation_steps(START)


def step(name: str) -> Step:
    return next(st for st in WALK_STEPS if st.name == name)


def opinion(conclusion: str = "lawful") -> Step:
    return Step("record", LEGAL, OPINION, samples.opinion(START, conclusion))


def upto(trigger: str) -> list[Step]:
    return WALK_STEPS[: next(i for i, st in enumerate(WALK_STEPS) if st.action == "fire" and st.name == trigger)]


def prefix(trigger: str) -> list[Step]:
    if trigger == "return_for_revision":
        return [*upto(CLEAR)[:-1], opinion("unlawful")]
    if trigger == DIRECT:
        return [*PREPARATION, step("signing_record")]
    if trigger == "close_without_filing":
        return [st for st in upto("file") if st.name != "filing_record"]
    return upto(trigger)


WALK = Walk(PROCEDURE, samples.case_fields, prefix)
QIANJIANG, LISHUI = {"jurisdiction": "qianjiang"}, {"jurisdiction": "lishui"}


@pytest.fixture
def rt_test_city(db_url, clock):
    yield from runtime_with_test_city(db_url, clock)


SCENARIOS = [
    # -- submit_for_review ----------------------------------------------------------------------------
    s("GC-01-no-draft", SUBMIT, "GC-01", drop("contract_draft"), step("contract_draft")),
    s("GC-01-no-submission", SUBMIT, "GC-01", drop(SUBMISSION), step(SUBMISSION)),
    s("GC-02-qianjiang-no-investigation", SUBMIT, "GC-02", drop("counterparty_investigation"),
      step("counterparty_investigation"), **QIANJIANG),
    s("GC-03-qianjiang-technical-questions-unargued", SUBMIT, "GC-03", drop("technical_argumentation"),
      step("technical_argumentation"), technical_questions=True, **QIANJIANG),
    s("GC-04-qianjiang-no-department-consulted", SUBMIT, "GC-04", drop("department_opinion"),
      step("department_opinion"), **QIANJIANG),
    s("GC-02+GC-03+GC-04-qianjiang-all-listed-at-once", SUBMIT, {"GC-02", "GC-03", "GC-04"},
      drop("counterparty_investigation", "technical_argumentation", "department_opinion"),
      (step("counterparty_investigation"), step("technical_argumentation"), step("department_opinion")),
      technical_questions=True, **QIANJIANG),
    s("GC-05-lishui-ppp-without-plan", SUBMIT, "GC-05", change(SUBMISSION, ppp_implementation_plan=None),
      correct(UNDERTAKING, SUBMISSION, ppp_implementation_plan="采用BOT模式，合作期25年。"), ppp_project=True,
      **LISHUI),
    # -- return_for_revision --------------------------------------------------------------------------
    s("GC-06-opinion-finds-lawful", "return_for_revision", "GC-06", change(OPINION, conclusion="lawful"),
      correct(LEGAL, OPINION, conclusion="unlawful", reasons="约定固定回报，违反有关规定。")),
    # -- clear_for_signing ----------------------------------------------------------------------------
    s("GC-10-no-opinion", CLEAR, "GC-10", drop(OPINION), opinion()),
    s("GC-10-found-unlawful", CLEAR, "GC-10", change(OPINION, conclusion="unlawful"),
      correct(LEGAL, OPINION, reason="删除固定回报条款后复核", conclusion="lawful")),
    s("GC-11-opinion-recorded-by-admin", CLEAR, "GC-11", recorded_by(OPINION, ADMIN.role),
      correct(LEGAL, OPINION, reason="审查意见应由法制机构录入")),
    # -- sign -----------------------------------------------------------------------------------------
    s("GC-13-no-signing-record", "sign", "GC-13", drop("signing_record"), step("signing_record")),
    # -- sign_without_review --------------------------------------------------------------------------
    s("GC-20-qianjiang-review-required", DIRECT, "GC-20", (), UnderProfile(), **QIANJIANG),
    s("GC-20+GC-21-lishui-ppp-review-required", DIRECT, {"GC-20", "GC-21"}, (), UnderProfile(), ppp_project=True,
      **LISHUI),
    s("GC-21-ppp-review-required", DIRECT, "GC-21", (), UnderProfile(), ppp_project=True, profile="test_city"),
    s("GC-02-direct-no-investigation", DIRECT, "GC-02", drop("counterparty_investigation"),
      step("counterparty_investigation"), profile="test_city"),
    s("GC-03-direct-technical-questions-unargued", DIRECT, "GC-03", drop("technical_argumentation"),
      step("technical_argumentation"), technical_questions=True, profile="test_city"),
    s("GC-04-direct-no-department-consulted", DIRECT, "GC-04", drop("department_opinion"),
      step("department_opinion"), profile="test_city"),
    s("GC-13-direct-no-signing-record", DIRECT, "GC-13", drop("signing_record"), step("signing_record")),
    # -- file / close_without_filing ------------------------------------------------------------------
    s("GC-30-no-filing-record", "file", "GC-30", drop("filing_record"), step("filing_record")),
    s("GC-31-lishui-major-contract-must-be-filed", "close_without_filing", "GC-31", (), UnderProfile(),
      major_contract=True, **LISHUI),
]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_rule_refuses_then_passes_once_met(request, scenario):
    run_scenario(WALK, runtime_for(scenario, request), scenario)


def test_every_rule_has_a_refusal_test():
    assert_every_rule_tested(PROCEDURE, RULE_IDS, SCENARIOS)


@pytest.mark.parametrize("jurisdiction", [p.name for p in PROFILES])
def test_the_sample_walk_reaches_every_stage_under_every_profile(rt, jurisdiction):
    case_id = WALK.open_case(rt, jurisdiction=jurisdiction, **samples.CASE_ATTRIBUTES)
    for st in WALK_STEPS:
        if st.action == "fire":
            view = services.case_view(rt, case_id)
            assert next(n for n in view["next"] if n["trigger"] == st.name)["allowed"], st.name
        apply(rt, case_id, [st])
    assert services.case_view(rt, case_id)["state"] == "filed"
    # the chain verifies, and an auditor's compliance replay re-checks every transition against the rules
    assert services.verify_case(rt, case_id)["ok"]
    replayed = services.compliance(rt, case_id)
    assert replayed["ok"] and replayed["transitions_checked"] == 4, replayed["findings"]


# -- profiles ------------------------------------------------------------------------------------------


def test_qianjiang_requires_the_preparation_national_does_not(rt):
    bare = (drop("counterparty_investigation", "technical_argumentation", "department_opinion"),)
    national = WALK.build(rt, SUBMIT, {"technical_questions": True}, bare)
    WALK.assert_fires(rt, national, SUBMIT)
    qianjiang = WALK.build(rt, SUBMIT, {"technical_questions": True, **QIANJIANG}, bare)
    WALK.assert_refused(rt, qianjiang, SUBMIT, {"GC-02", "GC-03", "GC-04"})
    no_technical_questions = WALK.build(rt, SUBMIT, QIANJIANG, (drop("technical_argumentation"),))
    WALK.assert_fires(rt, no_technical_questions, SUBMIT)


@pytest.mark.parametrize("jurisdiction, allowed", [("national", True), ("gansu", True), ("henan", True),
                                                   ("liaoning", True), ("qianjiang", False), ("lishui", False)])
def test_signing_without_review_only_where_no_review_is_required(rt, jurisdiction, allowed):
    case_id = WALK.build(rt, DIRECT, {"jurisdiction": jurisdiction})
    if allowed:
        WALK.assert_fires(rt, case_id, DIRECT)
    else:
        WALK.assert_refused(rt, case_id, DIRECT, {"GC-20"})


def test_lishui_ppp_plan_is_reviewed_national_not_required(rt):
    no_plan = (change(SUBMISSION, ppp_implementation_plan=None),)
    WALK.assert_fires(rt, WALK.build(rt, SUBMIT, {"ppp_project": True}, no_plan), SUBMIT)
    WALK.assert_fires(rt, WALK.build(rt, SUBMIT, LISHUI, no_plan), SUBMIT)  # not a PPP project
    WALK.assert_refused(rt, WALK.build(rt, SUBMIT, {"ppp_project": True, **LISHUI}, no_plan), SUBMIT, {"GC-05"})


def test_lishui_files_major_contracts_only(rt):
    WALK.assert_fires(rt, WALK.build(rt, "close_without_filing", {"major_contract": True}), "close_without_filing")
    WALK.assert_fires(rt, WALK.build(rt, "close_without_filing", LISHUI), "close_without_filing")
    major = WALK.build(rt, "close_without_filing", {"major_contract": True, **LISHUI})
    WALK.assert_refused(rt, major, "close_without_filing", {"GC-31"})
    apply(rt, major, [step("filing_record")])
    WALK.assert_fires(rt, major, "file")


# -- effects -------------------------------------------------------------------------------------------


def test_an_unlawful_finding_voids_the_draft_and_the_review(rt):
    case_id = WALK.build(rt, "return_for_revision")
    WALK.assert_fires(rt, case_id, "return_for_revision")
    current = {r["type"] for r in services.case_view(rt, case_id)["records"] if r["current"]}
    assert current == {"counterparty_investigation", "technical_argumentation", "department_opinion"}
    WALK.assert_refused(rt, case_id, SUBMIT, {"GC-01"})
    apply(rt, case_id, [step("contract_draft"), step(SUBMISSION)])
    WALK.assert_fires(rt, case_id, SUBMIT)
    WALK.assert_refused(rt, case_id, CLEAR, {"GC-10"})  # the unlawful opinion no longer counts; a new one is due


# -- roles ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("before, role, record_type, allowed", [
    (CLEAR, UNDERTAKING, OPINION, ["admin", "legal_office"]),
    ("sign", UNDERTAKING, "signing_record", ["admin", "decision_organ"]),
    (SUBMIT, LEGAL, "counterparty_investigation", ["admin", "undertaking_unit"]),
    ("file", LEGAL, "filing_record", ["admin", "decision_organ", "undertaking_unit"]),
])
def test_only_the_named_roles_may_record(rt, before, role, record_type, allowed):
    case_id = WALK.build(rt, before)
    with pytest.raises(Forbidden) as raised:
        services.add_record(rt, ACTORS[role], case_id, record_type=record_type, data=step(record_type).data)
    assert raised.value.details == {"role": role, "allowed_roles": allowed}


@pytest.mark.parametrize("trigger, role, allowed", [
    ("sign", UNDERTAKING, ["admin", "decision_organ"]),
    (DIRECT, LEGAL, ["admin", "decision_organ"]),
    (CLEAR, LEGAL, ["admin", "undertaking_unit"]),
    ("return_for_revision", ORGAN, ["admin", "legal_office"]),
    ("file", LEGAL, ["admin", "decision_organ", "undertaking_unit"]),
])
def test_only_the_named_roles_may_fire(rt, trigger, role, allowed):
    case_id = WALK.build(rt, trigger)
    with pytest.raises(Forbidden) as raised:
        services.fire_trigger(rt, ACTORS[role], case_id, trigger=trigger)
    assert raised.value.details == {"role": role, "allowed_roles": allowed}


# -- deadlines on the statutory calendar ---------------------------------------------------------------


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T02:00:00+00:00")  # 10:00 in Beijing


def deadline(rt, case_id: int, deadline_id: str) -> dict[str, Any] | None:
    return next((d for d in services.case_view(rt, case_id)["deadlines"] if d["id"] == deadline_id), None)


def test_no_contract_deadlines_under_the_shipped_profiles(rt, clock):
    """No profile's source gives a review or filing limit; the 5-day figures are another city's (rulebook §4.3)."""
    clock.now = at("2026-02-12")
    for jurisdiction in (p.name for p in PROFILES):
        case_id = WALK.build(rt, "file", {"jurisdiction": jurisdiction, **samples.CASE_ATTRIBUTES})
        assert services.case_view(rt, case_id)["deadlines"] == [], jurisdiction


def test_review_deadline_counts_working_days_across_the_spring_festival(rt_test_city, clock):
    clock.now = at("2026-02-12")  # Thursday: submitted
    case_id = WALK.build(rt_test_city, CLEAR, {"jurisdiction": "test_city"})
    entry = deadline(rt_test_city, case_id, "DL-contract-review")
    # 13 Feb (1), Saturday 14 Feb is a 调休 working day (2), 15–23 Feb holidays, 24 (3), 25 (4), 26 (5)
    assert entry is not None and (entry["started_on"], entry["due_on"], entry["unit"]) == (
        "2026-02-12", "2026-02-26", "working")
    clock.now = at("2026-02-26")
    assert deadline(rt_test_city, case_id, "DL-contract-review")["status"] == "open"
    clock.now = at("2026-02-27")
    assert deadline(rt_test_city, case_id, "DL-contract-review")["status"] == "overdue"
    assert case_id in [c["id"] for c in services.list_cases(rt_test_city, overdue=True)[0]]
    WALK.assert_fires(rt_test_city, case_id, CLEAR)
    assert deadline(rt_test_city, case_id, "DL-contract-review")["status"] == "met"


@pytest.mark.parametrize("signed_on, due_on", [
    ("2026-02-13", "2026-02-27"),  # Sat 14 Feb worked (1), holidays, 24–27 Feb (2–5)
    ("2026-02-27", "2026-03-05"),  # Sat 28 Feb worked (1), Sun 1 Mar rest, 2–5 Mar (2–5)
    ("2026-02-10", "2026-02-24"),  # 11, 12, 13, Sat 14 (1–4), holidays, 24 Feb (5)
])
def test_filing_deadline_runs_from_the_signing_date(rt, rt_test_city, clock, signed_on, due_on):
    clock.now = at("2026-03-10")
    signed = (change("signing_record", signed_on=signed_on),)
    case_id = WALK.build(rt_test_city, "file", {"jurisdiction": "test_city"}, signed)
    entry = deadline(rt_test_city, case_id, "DL-contract-filing")
    assert entry is not None and (entry["started_on"], entry["due_on"]) == (signed_on, due_on)
    assert entry["status"] == "overdue"
    WALK.assert_fires(rt_test_city, case_id, "file")
    assert deadline(rt_test_city, case_id, "DL-contract-filing")["status"] == "met"
    national = WALK.build(rt, "file", {}, signed)
    assert deadline(rt, national, "DL-contract-filing") is None
