"""``enforcement_review`` v1: one refusal per rule and per trigger it guards, each followed by the fix that lets
the trigger pass; roles; the profiles that change behaviour (辽宁, 丽水, a test profile); the deadlines on the
statutory calendar.

Every refusal asserts the *exact* set of unmet rules, so deleting a rule id from its trigger (or making its
check always hold) turns a test red.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from procedures.enforcement_review import samples
from procedures.enforcement_review.samples import LEGAL, ORGAN, UNDERTAKING, Step
from procedures.enforcement_review.v1 import PROCEDURE
from tests.conftest import ACTORS, ADMIN, apply
from tests.procedures.review_harness import (
    START,
    SetAttribute,
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

RULE_IDS = {"ER-01", "ER-02", "ER-03", "ER-04", "ER-05", "ER-06", "ER-10", "ER-11", "ER-12", "ER-13", "ER-20",
            "ER-21", "ER-22", "ER-23"}
SUBMIT, DECIDE_DIRECT = "submit_for_review", "decide_without_review"
OPINION, SUBMISSION = "review_opinion", "review_submission"


def record(role: str, name: str, data: dict[str, Any]) -> Step:
    return Step("record", role, name, data)


WALK_STEPS = samples.walk(START)
CASE_SUMMARY = record(UNDERTAKING, "case_summary", samples.case_summary(START))
SUBMISSION_STEP = record(UNDERTAKING, SUBMISSION, samples.submission(START))
SUPPLEMENT_REQUEST = record(LEGAL, "supplement_request", {"requested_on": "2026-07-12", "missing": ["现场检查照片"]})
REVISION_NOTE = record(UNDERTAKING, "revision_note", {"changes": "决定书已补充申请行政复议、提起行政诉讼的途径和期限。"})
DISCUSSION = record(ORGAN, "collective_discussion", samples.collective_discussion(START))
DECISION = record(ORGAN, "decision", samples.decision(START))


def opinion(conclusion: str = "approved") -> Step:
    return record(LEGAL, OPINION, samples.opinion(START, conclusion))


def upto(trigger: str) -> list[Step]:
    return WALK_STEPS[: next(i for i, st in enumerate(WALK_STEPS) if st.action == "fire" and st.name == trigger)]


def prefix(trigger: str) -> list[Step]:
    if trigger == "return_for_supplement":
        return upto("submit_for_decision")[:-1] + [SUPPLEMENT_REQUEST]  # in review, no opinion yet
    if trigger == "return_not_approved":
        return upto("submit_for_decision")[:-1] + [opinion("not_approved")]
    if trigger == DECIDE_DIRECT:
        return [CASE_SUMMARY, DISCUSSION, DECISION]
    return upto(trigger)


WALK = Walk(PROCEDURE, samples.case_fields, prefix)


@pytest.fixture
def rt_test_city(db_url, clock):
    yield from runtime_with_test_city(db_url, clock)
NOT_LISTED = SetAttribute("on_review_list", False, "经核对，该决定不在法制审核目录之内")

SCENARIOS = [
    # -- submit_for_review ----------------------------------------------------------------------------
    s("ER-01-no-case-summary", SUBMIT, "ER-01", drop("case_summary"), CASE_SUMMARY),
    s("ER-02-no-submission", SUBMIT, "ER-02", drop(SUBMISSION), SUBMISSION_STEP),
    s("ER-01+ER-02-all-listed-at-once", SUBMIT, {"ER-01", "ER-02"}, drop("case_summary", SUBMISSION),
      (CASE_SUMMARY, SUBMISSION_STEP)),
    s("ER-03-hearing-without-transcript", SUBMIT, "ER-03", change(SUBMISSION, hearing_transcript=None),
      correct(UNDERTAKING, SUBMISSION, hearing_transcript="听证笔录：当事人请求从轻处罚。"), hearing_held=True),
    s("ER-04-party-already-notified", SUBMIT, "ER-04", (),
      correct(UNDERTAKING, SUBMISSION, reason="应在告知前送审", party_notified=False), profile="test_city"),
    # -- returns --------------------------------------------------------------------------------------
    s("ER-05-no-supplement-request", "return_for_supplement", "ER-05", drop("supplement_request"),
      SUPPLEMENT_REQUEST),
    s("ER-06-opinion-approves", "return_not_approved", "ER-06", change(OPINION, conclusion="approved"),
      correct(LEGAL, OPINION, conclusion="not_approved", reasons="违法事实不能成立。")),
    # -- submit_for_decision --------------------------------------------------------------------------
    s("ER-10-no-opinion", "submit_for_decision", "ER-10", drop(OPINION), opinion()),
    s("ER-10-review-not-passed", "submit_for_decision", "ER-10", change(OPINION, conclusion="not_approved"),
      correct(LEGAL, OPINION, reason="补充证据后复核通过", conclusion="approved")),
    s("ER-11-first-time-reviewer-unqualified", "submit_for_decision", "ER-11",
      change(OPINION, reviewer_qualification="first_time_unqualified"),
      correct(LEGAL, OPINION, reason="改由取得法律职业资格的人员审核", reviewer="法规科 卫某",
              reviewer_qualification="legal_professional_qualification")),
    s("ER-12-opinion-recorded-by-admin", "submit_for_decision", "ER-12", recorded_by(OPINION, ADMIN.role),
      correct(LEGAL, OPINION, reason="审核意见应由法制审核机构录入")),
    s("ER-13-liaoning-findings-uncorrected", "submit_for_decision", "ER-13",
      change(OPINION, **samples.opinion(START, "approved_with_changes")), REVISION_NOTE, jurisdiction="liaoning"),
    # -- decide ---------------------------------------------------------------------------------------
    s("ER-20-no-decision", "decide", "ER-20", drop("decision"), DECISION),
    s("ER-21-serious-penalty-without-discussion", "decide", "ER-21", drop("collective_discussion"), DISCUSSION,
      complex_or_serious=True),
    # -- decide_without_review ------------------------------------------------------------------------
    s("ER-01-direct-no-case-summary", DECIDE_DIRECT, "ER-01", drop("case_summary"), CASE_SUMMARY),
    s("ER-20-direct-no-decision", DECIDE_DIRECT, "ER-20", drop("decision"), DECISION),
    s("ER-21-direct-serious-penalty-without-discussion", DECIDE_DIRECT, "ER-21", drop("collective_discussion"),
      DISCUSSION, complex_or_serious=True),
    s("ER-22-major-public-interest", DECIDE_DIRECT, "ER-22", (),
      SetAttribute("major_public_interest", False, "经复核，不涉及重大公共利益"), major_public_interest=True),
    s("ER-22-major-rights-after-hearing", DECIDE_DIRECT, "ER-22", (),
      SetAttribute("major_rights", False, "经复核，不直接关系重大权益"), major_rights=True, hearing_held=True),
    s("ER-22-complex-case", DECIDE_DIRECT, "ER-22", (),
      SetAttribute("complex_case", False, "经复核，案情简单"), complex_case=True),
    s("ER-22-required-by-law", DECIDE_DIRECT, "ER-22", (),
      SetAttribute("review_required_by_law", False, "经复核，无法律法规要求"), review_required_by_law=True),
    s("ER-23-lishui-on-review-list", DECIDE_DIRECT, "ER-23", (), NOT_LISTED, jurisdiction="lishui",
      on_review_list=True),
    s("ER-22+ER-23-lishui-listed-and-public-interest", DECIDE_DIRECT, {"ER-22", "ER-23"}, (),
      (NOT_LISTED, SetAttribute("major_public_interest", False)), jurisdiction="lishui", on_review_list=True,
      major_public_interest=True),
]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_rule_refuses_then_passes_once_met(request, scenario):
    run_scenario(WALK, runtime_for(scenario, request), scenario)


def test_every_rule_has_a_refusal_test():
    assert_every_rule_tested(PROCEDURE, RULE_IDS, SCENARIOS)


def test_the_sample_walk_reaches_every_stage(rt):
    """The positive baseline: every trigger of the walk is announced allowed, then fires."""
    case_id = WALK.open_case(rt, **samples.CASE_ATTRIBUTES)
    for step in WALK_STEPS:
        if step.action == "fire":
            view = services.case_view(rt, case_id)
            assert next(n for n in view["next"] if n["trigger"] == step.name)["allowed"], step.name
        apply(rt, case_id, [step])
    assert services.case_view(rt, case_id)["state"] == "decided"
    # the chain verifies, and an auditor's compliance replay re-checks every transition against the rules
    assert services.verify_case(rt, case_id)["ok"]
    replayed = services.compliance(rt, case_id)
    assert replayed["ok"] and replayed["transitions_checked"] == 3, replayed["findings"]


# -- art. 58's situations: only the four (with (2) needing the hearing) bar a decision without review ----


@pytest.mark.parametrize("attrs", [{}, {"major_rights": True}, {"hearing_held": True},
                                   {"complex_or_serious": True}, {"on_review_list": True}])
def test_a_decision_outside_art_58_needs_no_review_nationally(rt, attrs):
    case_id = WALK.build(rt, DECIDE_DIRECT, attrs)
    WALK.assert_fires(rt, case_id, DECIDE_DIRECT)


def test_no_discussion_needed_when_no_penalty_is_given(rt):
    """Art. 57 ¶2 asks for collective discussion before *giving a penalty* for a serious case."""
    case_id = WALK.build(rt, "decide", {"complex_or_serious": True},
                         (drop("collective_discussion"), change("decision", outcome="no_penalty_unfounded")))
    WALK.assert_fires(rt, case_id, "decide")


# -- profiles ------------------------------------------------------------------------------------------


def test_liaoning_requires_corrections_national_does_not(rt):
    with_changes = (change(OPINION, **samples.opinion(START, "approved_with_changes")),)
    national = WALK.build(rt, "submit_for_decision", {}, with_changes)
    WALK.assert_fires(rt, national, "submit_for_decision")
    liaoning = WALK.build(rt, "submit_for_decision", {"jurisdiction": "liaoning"}, with_changes)
    WALK.assert_refused(rt, liaoning, "submit_for_decision", {"ER-13"})
    # a correction recorded *before* the opinion does not answer it
    early = WALK.build(rt, "submit_for_decision", {"jurisdiction": "liaoning"},
                       (*with_changes, lambda steps: [*steps[:-1], REVISION_NOTE, steps[-1]]))
    WALK.assert_refused(rt, early, "submit_for_decision", {"ER-13"})


def test_lishui_review_list_binds_national_does_not(rt):
    national = WALK.build(rt, DECIDE_DIRECT, {"on_review_list": True})
    WALK.assert_fires(rt, national, DECIDE_DIRECT)
    lishui = WALK.build(rt, DECIDE_DIRECT, {"jurisdiction": "lishui", "on_review_list": True})
    WALK.assert_refused(rt, lishui, DECIDE_DIRECT, {"ER-23"})
    not_listed = WALK.build(rt, DECIDE_DIRECT, {"jurisdiction": "lishui"})
    WALK.assert_fires(rt, not_listed, DECIDE_DIRECT)


def test_review_before_notice_does_not_apply_after_a_hearing(rt_test_city):
    """Where review must precede the notice (test profile), a case with a hearing was necessarily notified."""
    case_id = WALK.build(rt_test_city, SUBMIT, {"jurisdiction": "test_city", "hearing_held": True})
    WALK.assert_fires(rt_test_city, case_id, SUBMIT)


def test_national_submission_after_notice_is_lawful(rt):
    case_id = WALK.build(rt, SUBMIT, {})  # the sample submission says the party was notified
    WALK.assert_fires(rt, case_id, SUBMIT)


# -- effects -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("trigger", ["return_for_supplement", "return_not_approved"])
def test_a_return_voids_the_review_records(rt, trigger):
    case_id = WALK.build(rt, trigger)
    WALK.assert_fires(rt, case_id, trigger)
    current = {r["type"] for r in services.case_view(rt, case_id)["records"] if r["current"]}
    assert current == {"case_summary"}
    WALK.assert_refused(rt, case_id, SUBMIT, {"ER-02"})  # a new, complete submission is needed
    apply(rt, case_id, [SUBMISSION_STEP])
    WALK.assert_fires(rt, case_id, SUBMIT)


# -- roles ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("before, role, record_type, allowed", [
    ("submit_for_decision", UNDERTAKING, OPINION, ["admin", "legal_office"]),
    ("decide", LEGAL, "decision", ["admin", "decision_organ"]),
    ("decide", UNDERTAKING, "collective_discussion", ["admin", "decision_organ"]),
    (SUBMIT, ORGAN, SUBMISSION, ["admin", "undertaking_unit"]),
])
def test_only_the_named_roles_may_record(rt, before, role, record_type, allowed):
    case_id = WALK.build(rt, before)
    data = next(st.data for st in WALK_STEPS if st.name == record_type)
    with pytest.raises(Forbidden) as raised:
        services.add_record(rt, ACTORS[role], case_id, record_type=record_type, data=data)
    assert raised.value.details == {"role": role, "allowed_roles": allowed}


@pytest.mark.parametrize("trigger, role, allowed", [
    ("decide", UNDERTAKING, ["admin", "decision_organ"]),
    ("decide", LEGAL, ["admin", "decision_organ"]),
    (SUBMIT, LEGAL, ["admin", "undertaking_unit"]),
    ("return_for_supplement", UNDERTAKING, ["admin", "legal_office"]),
    (DECIDE_DIRECT, UNDERTAKING, ["admin", "decision_organ"]),
])
def test_only_the_named_roles_may_fire(rt, trigger, role, allowed):
    case_id = WALK.build(rt, trigger)
    with pytest.raises(Forbidden) as raised:
        services.fire_trigger(rt, ACTORS[role], case_id, trigger=trigger)
    assert raised.value.details == {"role": role, "allowed_roles": allowed}
    assert services.case_view(rt, case_id)["state"] == PROCEDURE.trigger(trigger).sources[0]  # type: ignore[union-attr]


# -- deadlines on the statutory calendar ---------------------------------------------------------------


def at(day: str) -> dt.datetime:
    """10:00 in Beijing on ``day``."""
    return dt.datetime.fromisoformat(f"{day}T02:00:00+00:00")


def deadline(rt, case_id: int, deadline_id: str) -> dict[str, Any] | None:
    return next((d for d in services.case_view(rt, case_id)["deadlines"] if d["id"] == deadline_id), None)


@pytest.mark.parametrize("filed_on, due_on, rolled_from", [
    # day 90 is 18 February 2026, inside the Spring Festival holidays (15–23 February): it moves to the
    # next working day, Tuesday 24 February (民法典 art. 203)
    ("2025-11-20", "2026-02-24", "2026-02-18"),
    # day 90 is Saturday 14 February, a 调休 working day: it stands
    ("2025-11-16", "2026-02-14", None),
    # day 90 is Sunday 1 March, a plain rest day: Monday 2 March
    ("2025-12-01", "2026-03-02", "2026-03-01"),
])
def test_penalty_decision_due_90_days_after_filing(rt, clock, filed_on, due_on, rolled_from):
    calendar = rt.registry.calendar("national")
    assert calendar.is_working_day(dt.date(2026, 2, 14)) and calendar.is_working_day(dt.date(2026, 2, 28))
    assert not any(calendar.is_working_day(dt.date(2026, 2, d)) for d in range(15, 24))
    clock.now = at("2026-02-10")
    case_id = WALK.open_case(rt)
    apply(rt, case_id, [record(UNDERTAKING, "case_summary", {**samples.case_summary(START), "filed_on": filed_on})])
    entry = deadline(rt, case_id, "DL-penalty-decision")
    assert entry is not None and (entry["started_on"], entry["due_on"]) == (filed_on, due_on)
    assert entry["computation"]["rolled_from"] == rolled_from and entry["status"] == "open"
    assert entry["basis"]["article"] == "第六十条" and entry["days"] == 90


def test_penalty_decision_deadline_is_met_by_the_decision_and_feeds_the_overdue_list(rt, clock):
    clock.now = at("2026-02-10")
    late = WALK.build(rt, "submit_for_decision", {}, (change("case_summary", filed_on="2025-11-20"),))
    # The engine refreshes a case's overdue marker when a transition fires (here submit_for_review), so a
    # deadline that starts from a record date enters the overdue list with the next transition.
    clock.now = at("2026-02-25")  # the day after the rolled due date
    assert deadline(rt, late, "DL-penalty-decision")["status"] == "overdue"
    assert late in [c["id"] for c in services.list_cases(rt, overdue=True)[0]]
    apply(rt, late, [Step("fire", UNDERTAKING, "submit_for_decision"), DISCUSSION, DECISION, Step("fire", ORGAN, "decide")])
    assert deadline(rt, late, "DL-penalty-decision")["status"] == "met"
    assert late not in [c["id"] for c in services.list_cases(rt, overdue=True)[0]]


def test_review_deadline_only_where_a_profile_sets_one(rt, rt_test_city, clock):
    """No source sets a review time limit, so national shows none; a profile that sets 5 working days does,
    counted across the Spring Festival with its 调休 Saturday 14 February."""
    clock.now = at("2026-02-12")  # Thursday
    national = WALK.build(rt, "submit_for_decision")
    assert deadline(rt, national, "DL-enforcement-review") is None
    local = WALK.build(rt_test_city, "submit_for_decision", {"jurisdiction": "test_city", "hearing_held": True})
    entry = deadline(rt_test_city, local, "DL-enforcement-review")
    # 13 Feb (1), Sat 14 Feb worked (2), 15–23 Feb holidays, 24 (3), 25 (4), 26 (5)
    assert entry is not None and (entry["started_on"], entry["due_on"]) == ("2026-02-12", "2026-02-26")
    assert entry["unit"] == "working" and entry["status"] == "open"
    clock.now = at("2026-02-27")
    assert deadline(rt_test_city, local, "DL-enforcement-review")["status"] == "overdue"
    WALK.assert_fires(rt_test_city, local, "submit_for_decision")
    assert deadline(rt_test_city, local, "DL-enforcement-review")["status"] == "met"
