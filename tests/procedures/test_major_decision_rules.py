"""One refusal per rule (and per sub-part of composite rules) of ``major_decision`` v1, each followed by the
positive counterpart: the missing or corrected record, or the lawful exception, lets the trigger pass.

Every refusal asserts the *exact* set of unmet rules, so deleting a rule id from its trigger (or making its
check always hold) turns the test red. The time-dependent rules (MD-12, MD-21, MD-32) and MD-43 have their
own tests below and in ``test_major_decision_effects.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from procedures.major_decision.samples import LEGAL, ORGAN, UNDERTAKING, Step
from procedures.major_decision.v1 import PROCEDURE
from tests.conftest import ACTORS, ADMIN, NOW, START, apply, open_case
from tests.procedures.scenarios import (
    ATTENDEES,
    DEPARTURE_REASONS,
    DISCUSS,
    EVALUATION_DECISION,
    EXECUTION_REPORT,
    EXPERTS,
    HEARING,
    NON_DISCLOSURE,
    OPINION,
    REFORM_STATEMENT,
    REVISION_NOTE,
    RISK,
    STATEMENTS,
    SUBMISSION,
    SUBMIT,
    SUPPLEMENT_REQUEST,
    SUSPENSION_ORDER,
    Change,
    Correct,
    add,
    add_before,
    apply_fix,
    assert_fires,
    assert_refused,
    build,
    change,
    correct,
    day,
    drop,
    drop_where,
    evaluation_report,
    meeting,
    prefix,
    record,
    recorded_by,
    sample,
)
from workflow import services

RULE_IDS = {
    "MD-01", "MD-02", "MD-03", "MD-10", "MD-11", "MD-12", "MD-13", "MD-14", "MD-15", "MD-15c", "MD-16",
    "MD-17", "MD-20", "MD-21", "MD-22", "MD-23", "MD-24", "MD-30", "MD-31", "MD-32", "MD-33", "MD-34",
    "MD-35", "MD-40", "MD-41", "MD-42", "MD-43", "MD-44", "MD-45",
}
# Rules whose refusal is tested outside the scenario table: clock- or calendar-dependent, or an effect.
TESTED_APART = {"MD-12": "clock", "MD-21": "calendar", "MD-32": "clock", "MD-43": "effect (effects module)"}


@dataclass(frozen=True)
class Scenario:
    id: str
    trigger: str
    unmet: frozenset[str]
    changes: tuple[Change, ...]
    fix: tuple[Step | Correct, ...]
    attrs: dict[str, Any] = field(default_factory=dict)


def s(id_: str, trigger: str, unmet: set[str] | str, changes: tuple[Change, ...] | Change,
      fix: tuple[Step | Correct, ...] | Step | Correct, **attrs: Any) -> Any:
    unmet = {unmet} if isinstance(unmet, str) else unmet
    changes = changes if isinstance(changes, tuple) else (changes,)
    fix = fix if isinstance(fix, tuple) else (fix,)
    return pytest.param(Scenario(id_, trigger, frozenset(unmet), changes, fix, attrs), id=id_)


def expert(**fields: Any) -> Step:
    base = sample("expert_opinion")
    return record(UNDERTAKING, "expert_opinion", {**base.data, "expert_name": "市物价协会吴会长", **fields})


RISK_REPORT = sample("risk_assessment_report")
CHIEF_FIRST = [STATEMENTS[-1], *STATEMENTS[:-1]]
TWO_CHIEFS = [{**STATEMENTS[0], "is_chief": True}, *STATEMENTS[1:]]
NO_CHIEF = [{**st, "is_chief": False} for st in STATEMENTS]
MAJORITY_OPPOSES = [STATEMENTS[0], STATEMENTS[1], {**STATEMENTS[2], "position": "oppose"}, STATEMENTS[3]]
REASONS = "综合考虑财政承受能力和群众出行需求，决定按方案执行，已在会上说明理由。"
WRONG_OUTCOME = {"adopt": "revise", "reject": "adopt", "send_back": "defer", "defer": "reject"}

SCENARIOS = [
    # -- start_drafting ------------------------------------------------------------------------------
    s("MD-01-no-initiation-decision", "start_drafting", "MD-01", drop("initiation_decision"),
      sample("initiation_decision")),
    s("MD-02-no-catalog-entry", "start_drafting", "MD-02", drop("catalog_entry"), sample("catalog_entry")),
    s("MD-01+MD-02-all-listed-at-once", "start_drafting", {"MD-01", "MD-02"},
      drop("initiation_decision", "catalog_entry"), (sample("initiation_decision"), sample("catalog_entry"))),
    # -- open_consultation ---------------------------------------------------------------------------
    s("MD-03-no-draft", "open_consultation", "MD-03", drop("draft"), sample("draft")),
    # -- submit_for_legality_review --------------------------------------------------------------------
    s("MD-10-no-public-participation", SUBMIT, "MD-10", drop("comment_notice", "comment_summary"),
      (sample("comment_notice"), sample("comment_summary"))),
    s("MD-10-confidential-without-basis", SUBMIT, "MD-10", drop("comment_notice", "comment_summary"),
      NON_DISCLOSURE, confidential=True),
    s("MD-10-basis-but-not-confidential", SUBMIT, "MD-10",
      (drop("comment_notice", "comment_summary"), add(NON_DISCLOSURE)),
      (sample("comment_notice"), sample("comment_summary"))),
    s("MD-11-29-day-period-no-reason", SUBMIT, "MD-11", change("comment_notice", closes_on=day(28)),
      correct(UNDERTAKING, "comment_notice", shortening_reason="因春运前须完成调价，情况紧急，缩短征求意见期限。")),
    s("MD-13-materials-6-days-before", SUBMIT, "MD-13", change("hearing_notice", materials_sent_on=day(9)),
      correct(UNDERTAKING, "hearing_notice", materials_sent_on=day(8)), **HEARING),  # exactly 7 days: enough
    s("MD-13-record-unsigned", SUBMIT, "MD-13", change("hearing_record", participants_signed=False),
      correct(UNDERTAKING, "hearing_record", participants_signed=True), **HEARING),
    s("MD-13-no-hearing-held", SUBMIT, "MD-13", drop("hearing_notice", "hearing_record"),
      (sample("hearing_notice"), sample("hearing_record")), **HEARING),
    s("MD-14-only-two-experts", SUBMIT, "MD-14", drop_where("expert_opinion", expert_name="市规划院周研究员"),
      sample("expert_opinion", expert_name="市规划院周研究员"), **EXPERTS),
    s("MD-14-interested-fourth-expert", SUBMIT, "MD-14", add(expert(direct_interest=True)),
      correct(UNDERTAKING, "expert_opinion", expert_name="政法大学钱教授", direct_interest=False), **EXPERTS),
    s("MD-14-unsigned-fourth-expert", SUBMIT, "MD-14", add(expert(signed=False)),
      correct(UNDERTAKING, "expert_opinion", signed=True), **EXPERTS),
    s("MD-15-no-risk-report", SUBMIT, "MD-15", drop("risk_assessment_report"), RISK_REPORT, **RISK),
    s("MD-15-no-risk-points", SUBMIT, "MD-15", change("risk_assessment_report", risk_points=[]),
      correct(UNDERTAKING, "risk_assessment_report", risk_points=["低收入群体出行成本上升"]), **RISK),
    s("MD-16-no-submission", SUBMIT, "MD-16", drop(SUBMISSION), sample(SUBMISSION)),
    s("all-consultation-missing", SUBMIT, {"MD-10", "MD-13", "MD-14", "MD-15", "MD-16"},
      drop("comment_notice", "comment_summary", "hearing_notice", "hearing_record", "expert_opinion",
           "risk_assessment_report", SUBMISSION),
      tuple(s_ for s_ in prefix(SUBMIT, hearing_required=True, expert_required=True, risk_assessment_required=True)
            if s_.name in ("comment_notice", "comment_summary", "hearing_notice", "hearing_record",
                           "expert_opinion", "risk_assessment_report", SUBMISSION)),
      **HEARING, **EXPERTS, **RISK),
    # -- return_for_supplement -------------------------------------------------------------------------
    s("MD-17-no-supplement-request", "return_for_supplement", "MD-17", drop("supplement_request"),
      SUPPLEMENT_REQUEST),
    # -- submit_for_discussion -------------------------------------------------------------------------
    s("MD-20-unlawful-then-exploratory-statement", DISCUSS, "MD-20",
      change(OPINION, conclusion="unlawful", reasons="收费项目缺乏法律依据。"), REFORM_STATEMENT),
    s("MD-20-unlawful-then-corrected", DISCUSS, "MD-20",
      change(OPINION, conclusion="unlawful", reasons="收费项目缺乏法律依据。"),
      correct(LEGAL, OPINION, reason="复核后认定合法，原结论有误", conclusion="lawful", reasons="经复核，收费依据充分。")),
    s("MD-20+MD-24-no-opinion", DISCUSS, {"MD-20", "MD-24"}, drop(OPINION), sample(OPINION)),
    s("MD-22-revisions-unanswered", DISCUSS, "MD-22", change(OPINION, conclusion="lawful_with_revisions"),
      REVISION_NOTE),
    s("MD-22-revision-note-before-opinion", DISCUSS, "MD-22",
      (change(OPINION, conclusion="lawful_with_revisions"), add_before(OPINION, REVISION_NOTE)), REVISION_NOTE),
    s("MD-23-opinion-recorded-by-admin", DISCUSS, "MD-23", recorded_by(OPINION, ADMIN.role),
      correct(LEGAL, OPINION, reason="审查意见应由法制机构录入")),
    s("MD-24-no-expert-adoption", DISCUSS, "MD-24", drop("expert_adoption"), sample("expert_adoption"),
      **EXPERTS),
    # -- adopt / reject / send_back / defer ------------------------------------------------------------
    s("MD-30-no-minutes", "adopt", {"MD-30", "MD-31"}, drop("meeting_minutes"), sample("meeting_minutes")),
    s("MD-30-leadership-meeting-for-government", "adopt", "MD-30",
      change("meeting_minutes", meeting_type="leadership_meeting"),
      correct(ORGAN, "meeting_minutes", meeting_type="plenary_meeting")),
    s("MD-30-executive-meeting-for-department", "adopt", "MD-30", (),
      correct(ORGAN, "meeting_minutes", meeting_type="leadership_meeting"), organ_level="department"),
    s("MD-30-chief-not-last", "adopt", "MD-30", change("meeting_minutes", statements=CHIEF_FIRST),
      correct(ORGAN, "meeting_minutes", statements=STATEMENTS)),
    s("MD-30-two-chiefs", "adopt", "MD-30", change("meeting_minutes", statements=TWO_CHIEFS),
      correct(ORGAN, "meeting_minutes", statements=STATEMENTS)),
    s("MD-30-no-chief", "adopt", {"MD-30", "MD-31"}, change("meeting_minutes", statements=NO_CHIEF),
      correct(ORGAN, "meeting_minutes", statements=STATEMENTS)),
    s("MD-30-chief-departs-from-majority-adopt", "adopt", "MD-30",
      change("meeting_minutes", statements=MAJORITY_OPPOSES),
      correct(ORGAN, "meeting_minutes", chief_departure_reasons=REASONS)),
    s("MD-30-chief-departs-from-majority-reject", "reject", "MD-30",
      change("meeting_minutes", **meeting("reject", chief_position="oppose"), chief_departure_reasons=None),
      correct(ORGAN, "meeting_minutes", chief_departure_reasons="选址邻近水源保护区，环境风险未能排除。")),
    s("MD-30-statement-by-non-attendee", "adopt", "MD-30",
      change("meeting_minutes", attendees=[a for a in ATTENDEES if a != "赵秘书长"]),
      correct(ORGAN, "meeting_minutes", attendees=ATTENDEES)),
    *[s(f"MD-30-outcome-{WRONG_OUTCOME[t]}-for-{t}", t, "MD-30", change("meeting_minutes", outcome=WRONG_OUTCOME[t]),
        correct(ORGAN, "meeting_minutes", outcome=outcome))
      for t, outcome in (("adopt", "adopt"), ("reject", "reject"), ("send_back", "revise"), ("defer", "defer"))],
    s("MD-31-chief-opposes-adoption", "adopt", "MD-31",
      change("meeting_minutes", **meeting("adopt", chief_position="oppose", reasons=REASONS)),
      correct(ORGAN, "meeting_minutes", statements=STATEMENTS)),
    s("MD-15c-risk-uncontrollable", "adopt", "MD-15c", change("risk_assessment_report", controllable=False),
      record(UNDERTAKING, "risk_assessment_report", {**RISK_REPORT.data, "measures": "分步实施并扩大补贴范围。"}),
      **RISK),
    # -- publish / archive -----------------------------------------------------------------------------
    s("MD-33-no-party-committee-report", "publish", "MD-33", drop("party_committee_report"),
      sample("party_committee_report")),
    s("MD-34-not-published", "publish", "MD-34", drop("publication"), sample("publication")),
    s("MD-34-confidential-without-basis", "publish", "MD-34", drop("publication"), NON_DISCLOSURE,
      confidential=True),
    s("MD-34-basis-but-not-confidential", "publish", "MD-34", (drop("publication"), add(NON_DISCLOSURE)),
      sample("publication")),
    s("MD-35-no-archive-record", "archive", "MD-35", drop("archive_record"), sample("archive_record")),
    # -- execution ------------------------------------------------------------------------------------
    s("MD-40-no-suspension-order", "suspend", "MD-40", drop("suspension_order"), SUSPENSION_ORDER),
    s("MD-45-no-execution-report", "resume_execution", "MD-45", drop("execution_report"), EXECUTION_REPORT),
    s("MD-45-report-made-before-suspension", "resume_execution", "MD-45",
      (drop("execution_report"), add_before("suspension_order", EXECUTION_REPORT)), EXECUTION_REPORT),
    s("MD-41-no-evaluation-decision", "start_post_evaluation", "MD-41", drop("post_evaluation_decision"),
      EVALUATION_DECISION),
    s("MD-41-evaluator-is-undertaking-unit", "start_post_evaluation", "MD-41",
      change("post_evaluation_decision", evaluator="某市 交通运输局"),
      correct(ORGAN, "post_evaluation_decision", evaluator="某大学公共政策研究院")),
    s("MD-41-evaluator-is-risk-assessor", "start_post_evaluation", "MD-41",
      change("post_evaluation_decision", evaluator=RISK_REPORT.data["assessor"]),
      correct(ORGAN, "post_evaluation_decision", evaluator="某大学公共政策研究院"), **RISK),
    s("MD-42-no-evaluation-report", "complete_post_evaluation", "MD-42", drop("post_evaluation_report"),
      evaluation_report()),
    s("MD-44-report-recommends-continuing", "terminate", "MD-44",
      change("post_evaluation_report", recommendation="continue"),
      correct(ORGAN, "post_evaluation_report", recommendation="terminate")),
    s("MD-44-nothing-in-execution", "terminate", "MD-44",
      drop("post_evaluation_decision", "start_post_evaluation", "post_evaluation_report"), SUSPENSION_ORDER),
]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_rule_refuses_then_passes_once_met(rt, scenario: Scenario):
    case_id = build(rt, scenario.trigger, scenario.attrs, scenario.changes)
    assert_refused(rt, case_id, scenario.trigger, scenario.unmet)
    apply_fix(rt, case_id, scenario.fix)
    assert_fires(rt, case_id, scenario.trigger)


def test_every_rule_has_a_refusal_test():
    defined = {rule.id for rule in PROCEDURE.rules}
    assert defined == RULE_IDS, "a rule was added or removed: add or remove its tests"
    covered = set().union(*(p.values[0].unmet for p in SCENARIOS)) | set(TESTED_APART)
    assert covered == defined
    for rule_id in defined - set(TESTED_APART):  # each rule is, somewhere, the only unmet one
        assert any(p.values[0].unmet == {rule_id} for p in SCENARIOS), rule_id


def test_every_guarded_trigger_passes_on_the_sample_walk(rt):
    """The positive baseline: with every record in place, each trigger of the walk is allowed."""
    case_id = open_case(rt, hearing_required=True, expert_required=True, risk_assessment_required=True)
    steps = prefix("terminate", hearing_required=True, expert_required=True, risk_assessment_required=True)
    for step in steps:
        if step.action == "fire":
            view = services.case_view(rt, case_id)
            assert next(n for n in view["next"] if n["trigger"] == step.name)["allowed"], step.name
        apply(rt, case_id, [step])
    assert_fires(rt, case_id, "terminate")


# -- MD-10 confidential: the exception passes without any public participation ----------------------


def test_md10_confidential_matter_with_basis_needs_no_public_participation(rt):
    case_id = build(rt, SUBMIT, {"confidential": True},
                    (drop("comment_notice", "comment_summary"), add(NON_DISCLOSURE)))
    assert_fires(rt, case_id, SUBMIT)


def test_md11_thirty_days_inclusive_is_enough(rt):
    """opens_on 1 June .. closes_on 30 June counts 30 days (both ends), the sample period."""
    case_id = build(rt, SUBMIT, {}, (change("comment_notice", opens_on=day(0), closes_on=day(29)),))
    assert_fires(rt, case_id, SUBMIT)


# -- MD-12: the comment period must have closed (clock-dependent) ------------------------------------

CLOSES_ON = START + dt.timedelta(days=29)  # 2026-06-30, the sample comment period's last day


def beijing_morning(day_: dt.date) -> dt.datetime:
    return dt.datetime(day_.year, day_.month, day_.day, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing


@pytest.mark.parametrize("recorded_on, counts", [(CLOSES_ON - dt.timedelta(days=10), False), (CLOSES_ON, False),
                                                 (CLOSES_ON + dt.timedelta(days=1), True)])
def test_md12_summary_must_be_recorded_after_the_period_closes(rt, clock, recorded_on, counts):
    clock.now = beijing_morning(recorded_on)
    case_id = build(rt, SUBMIT)  # the whole consultation, summary included, is recorded that day
    clock.now = NOW  # the submission itself comes long after the period closed
    if counts:
        assert_fires(rt, case_id, SUBMIT)
        return
    unmet = assert_refused(rt, case_id, SUBMIT, {"MD-12"})
    assert any("comment_summary" in line for line in unmet[0]["details"])
    # re-done after the period closed: the corrected summary replaces the early one
    apply_fix(rt, case_id, [correct(UNDERTAKING, "comment_summary", reason="征求意见期限届满后重新归纳")])
    assert_fires(rt, case_id, SUBMIT)


def test_md12_no_submission_while_the_period_is_open(rt, clock):
    clock.now = beijing_morning(START + dt.timedelta(days=20))
    case_id = build(rt, SUBMIT)
    unmet = assert_refused(rt, case_id, SUBMIT, {"MD-12"})
    assert any("today" in line for line in unmet[0]["details"])
    clock.now = beijing_morning(CLOSES_ON + dt.timedelta(days=1))
    apply_fix(rt, case_id, [correct(UNDERTAKING, "comment_summary", reason="征求意见期限届满后重新归纳")])
    assert_fires(rt, case_id, SUBMIT)


# -- MD-21: working days on the statutory calendar (National Day 2026 and its 调休 days) ---------------


@pytest.mark.parametrize("submitted, issued, reason, working_days, allowed", [
    # 14 calendar days, but 1–7 October are holidays: only 6 working days (Sat 10 October is a 调休 working day)
    ("2026-09-28", "2026-10-12", None, 6, False),
    # the 7th working day is reached only because Saturday 10 October counts as one
    ("2026-09-28", "2026-10-13", None, 7, True),
    # Sunday 20 September is a 调休 working day, Friday 25 September (中秋节) is a holiday
    ("2026-09-18", "2026-09-28", None, 6, False),
    ("2026-09-18", "2026-09-29", None, 7, True),
    # a shorter review is lawful when the submission states why
    ("2026-09-28", "2026-10-09", "台风灾后重建资金须在汛期结束前到位，请求缩短审查时间。", 4, True),
])
def test_md21_review_window_in_working_days(rt, submitted, issued, reason, working_days, allowed):
    calendar = rt.registry.calendar("national")
    assert calendar.is_working_day(dt.date(2026, 10, 10)) and calendar.is_working_day(dt.date(2026, 9, 20))
    assert not calendar.is_working_day(dt.date(2026, 10, 6))  # a weekday holiday of National Day
    assert calendar.working_days_after(dt.date.fromisoformat(submitted), dt.date.fromisoformat(issued)) == working_days
    assert (dt.date.fromisoformat(issued) - dt.date.fromisoformat(submitted)).days >= 7  # ≥ 7 calendar days

    extra = {"short_review_reason": reason} if reason else {}
    case_id = build(rt, DISCUSS, {}, (change(SUBMISSION, submitted_on=submitted, **extra),
                                      change(OPINION, issued_on=issued)))
    if allowed:
        assert_fires(rt, case_id, DISCUSS)
        return
    assert_refused(rt, case_id, DISCUSS, {"MD-21"})
    # a re-issued opinion after the 7th working day satisfies the rule
    apply_fix(rt, case_id, [correct(LEGAL, OPINION, reason="审查时间不足，重新出具", issued_on="2026-10-20")])
    assert_fires(rt, case_id, DISCUSS)


# -- MD-24: the risk report joins the package when the organ orders an assessment during the review ----


def test_md24_risk_report_required_when_assessment_ordered_late(rt):
    case_id = build(rt, DISCUSS)
    services.change_attribute(rt, ACTORS[ORGAN], case_id, name="risk_assessment_required", value=True,
                              reason="审查中发现可能影响社会稳定，决定开展风险评估")
    assert_refused(rt, case_id, DISCUSS, {"MD-24"})
    apply(rt, case_id, [RISK_REPORT])
    assert_fires(rt, case_id, DISCUSS)


# -- MD-30: allowed meeting types per organ level ----------------------------------------------------


@pytest.mark.parametrize("organ_level, meeting_type", [
    ("government", "executive_meeting"), ("government", "plenary_meeting"),
    ("department", "leadership_meeting"), ("township", "leadership_meeting"),
])
def test_md30_allowed_meeting_types(rt, organ_level, meeting_type):
    case_id = build(rt, "adopt", {"organ_level": organ_level}, (change("meeting_minutes", meeting_type=meeting_type),))
    assert_fires(rt, case_id, "adopt")


def test_md30_no_majority_needs_no_departure_reasons(rt):
    """Two members split support/oppose: there is no majority for the chief to depart from."""
    statements = [STATEMENTS[0], STATEMENTS[1], STATEMENTS[3]]
    case_id = build(rt, "adopt", {}, (change("meeting_minutes", statements=statements),))
    assert_fires(rt, case_id, "adopt")


def test_md30_decision_against_majority_needs_reasons_even_if_chief_statement_supports(rt):
    minutes = meeting("reject", chief_position="support")
    case_id = build(rt, "reject", {}, (change("meeting_minutes", **minutes, chief_departure_reasons=None),))
    assert_refused(rt, case_id, "reject", {"MD-30"})


# -- MD-32: the deferral limit (clock-dependent) -----------------------------------------------------


@pytest.mark.parametrize("days, resumable", [(1, True), (365, True), (366, False), (800, False)])
def test_md32_deferral_limit(rt, clock, days, resumable):
    case_id = build(rt, "resume")  # deferred today
    clock.advance(days=days)
    if resumable:
        assert_refused(rt, case_id, "expire", {"MD-32"})
        assert_fires(rt, case_id, "resume")
    else:
        assert_refused(rt, case_id, "resume", {"MD-32"})
        assert_fires(rt, case_id, "expire")


def test_md32_counts_from_the_latest_deferral(rt, clock):
    case_id = build(rt, "resume")
    clock.advance(days=300)
    assert_fires(rt, case_id, "resume")
    apply(rt, case_id, [record(ORGAN, "meeting_minutes", meeting("defer", reasons=DEPARTURE_REASONS))])
    assert_fires(rt, case_id, "defer")
    clock.advance(days=300)  # 600 days after the first deferral, 300 after the second
    assert_refused(rt, case_id, "expire", {"MD-32"})
    assert_fires(rt, case_id, "resume")
