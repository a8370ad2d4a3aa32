"""``normative_document`` v1: one refusal per rule (and per sub-part of composite rules), each followed by the
positive counterpart — the missing or corrected record, or the passing of time, lets the trigger fire.

Every refusal asserts the *exact* set of unmet rules, so deleting a rule id from its trigger (or making its
check always hold) turns a test red. Then: roles, profiles, and deadlines on the statutory calendar across
the 2026 Spring Festival (holidays 15–23 February; Saturdays 14 and 28 February are worked, 调休).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from procedures.normative_document import samples
from procedures.normative_document.samples import LEGAL, ORGAN, UNDERTAKING
from procedures.normative_document.v1 import PROCEDURE
from tests.conftest import ACTORS, ADMIN, NOW, START, apply
from tests.procedures.normative_scenarios import (
    CLEANUP_KEEP,
    CORRECTION_ORDER,
    DISCUSS,
    OPINION,
    QIANJIANG_ASSESSMENTS,
    REPEAL_NOTICE,
    REVISION_NOTE,
    SUBMIT,
    Change,
    Env,
    Fix,
    apply_fix,
    assert_fires,
    assert_refused,
    build,
    change,
    correct,
    day,
    deadline,
    drop,
    fire,
    latest,
    open_document,
    record,
    recorded_by,
    sample,
    through,
    walk,
    without,
)
from workflow import services
from workflow.errors import Forbidden, RecordNotAccepted

RULE_IDS = {
    "ND-01", "ND-10", "ND-11", "ND-12", "ND-15", "ND-16", "ND-17", "ND-18", "ND-20", "ND-21", "ND-22", "ND-23",
    "ND-24", "ND-30", "ND-40", "ND-41", "ND-42", "ND-43", "ND-50", "ND-61", "ND-62", "ND-63", "ND-64", "ND-65",
}
QIANJIANG = {"jurisdiction": "qianjiang"}
LIAONING = {"jurisdiction": "liaoning"}
MARKET = {"market_related": True}


def beijing_morning(day_: dt.date) -> dt.datetime:
    return dt.datetime(day_.year, day_.month, day_.day, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing


@dataclass(frozen=True)
class Scenario:
    trigger: str
    unmet: frozenset[str]
    changes: tuple[Change, ...]
    fix: tuple[Fix, ...]
    attrs: dict[str, Any] = field(default_factory=dict)
    flags: dict[str, Any] = field(default_factory=dict)
    built_on: dt.date | None = None  # the clock's date while the case is built and refused


def s(id_: str, trigger: str, unmet: set[str] | str, changes: tuple[Change, ...] | Change,
      fix: tuple[Fix, ...] | Fix, attrs: dict[str, Any] | None = None, built_on: dt.date | None = None,
      **flags: Any) -> Any:
    unmet = {unmet} if isinstance(unmet, str) else unmet
    changes = changes if isinstance(changes, tuple) else (changes,)
    fix = fix if isinstance(fix, tuple) else (fix,)
    return pytest.param(Scenario(trigger, frozenset(unmet), changes, fix, attrs or {}, flags, built_on), id=id_)


def registered_number(env: Env) -> str:
    return str(latest(env.rt, env.case_id, "registration")["data"]["document_no"])


def publish_under_registered_number(env: Env) -> None:
    old = latest(env.rt, env.case_id, "publication")
    services.add_record(env.rt, ACTORS[ORGAN], env.case_id, record_type="publication",
                        data={**old["data"], "document_no": registered_number(env)}, supersedes=old["id"],
                        reason="文号应与统一编号一致")


def after_valid_until(env: Env) -> None:
    valid_until = dt.date.fromisoformat(latest(env.rt, env.case_id, "publication")["data"]["valid_until"])
    env.clock.now = beijing_morning(valid_until + dt.timedelta(days=1))


CLOSING = "2026-06-08"  # Mon 1 June .. Mon 8 June 2026: six working days counted inclusively
SHORTENING = "上级要求在汛期前出台，情况紧急，缩短征求意见期限。"
UNLAWFUL = {"conclusion": "unlawful", "reasons": "第十二条增设的审批条件没有法律法规依据。"}
WRONG_OUTCOME = {"adopt": "revise", "send_back": "reject", "reject": "adopt"}
SPRING_FESTIVAL_WALK = walk(start=dt.date(2025, 12, 1))

SCENARIOS = [
    # -- open_public_comment ------------------------------------------------------------------------------
    s("ND-01-no-draft", "open_public_comment", "ND-01", drop("draft"), sample("draft")),
    # -- submit_for_legality_review -----------------------------------------------------------------------
    s("ND-10-no-public-comment", SUBMIT, "ND-10", drop("comment_notice", "comment_summary"),
      (sample("comment_notice"), sample("comment_summary"))),
    s("ND-10+ND-12-no-summary", SUBMIT, {"ND-10", "ND-12"}, drop("comment_summary"), sample("comment_summary")),
    s("ND-11-six-working-days", SUBMIT, "ND-11", change("comment_notice", closes_on=CLOSING),
      correct(UNDERTAKING, "comment_notice", closes_on="2026-06-09")),  # Tuesday: the 7th working day
    s("ND-11-six-working-days-with-reason", SUBMIT, "ND-11", change("comment_notice", closes_on=CLOSING),
      correct(UNDERTAKING, "comment_notice", shortening_reason=SHORTENING)),
    s("ND-11-market-29-days", SUBMIT, "ND-11", change("comment_notice", closes_on=day(28)),
      correct(UNDERTAKING, "comment_notice", closes_on=day(29)), MARKET),
    s("ND-11-market-12-days-is-only-enough-for-others", SUBMIT, "ND-11", change("comment_notice", closes_on=day(11)),
      correct(UNDERTAKING, "comment_notice", shortening_reason=SHORTENING), MARKET),
    # -- return_for_redrafting ------------------------------------------------------------------------------
    s("ND-24-no-opinion", "return_for_redrafting", "ND-24", drop(OPINION),
      record(LEGAL, OPINION, samples.opinion(START, "unlawful"))),
    s("ND-24-lawful-opinion", "return_for_redrafting", "ND-24", change(OPINION, conclusion="lawful"),
      correct(LEGAL, OPINION, conclusion="lawful_with_revisions")),
    # -- submit_for_discussion -----------------------------------------------------------------------------
    s("ND-15-qianjiang-no-integrity-assessment", DISCUSS, "ND-15", drop("integrity_assessment"),
      sample("integrity_assessment"), QIANJIANG, **QIANJIANG_ASSESSMENTS),
    s("ND-16-qianjiang-no-expert", DISCUSS, "ND-16", drop("expert_opinion"), sample("expert_opinion"), QIANJIANG,
      **QIANJIANG_ASSESSMENTS),
    s("ND-16-qianjiang-unsigned-expert", DISCUSS, "ND-16", change("expert_opinion", signed=False),
      correct(UNDERTAKING, "expert_opinion", signed=True), QIANJIANG, **QIANJIANG_ASSESSMENTS),
    s("ND-17-qianjiang-no-risk-report", DISCUSS, "ND-17", drop("risk_assessment_report"),
      sample("risk_assessment_report"), QIANJIANG, **QIANJIANG_ASSESSMENTS),
    s("ND-15+ND-16+ND-17-qianjiang-nothing-assessed", DISCUSS, {"ND-15", "ND-16", "ND-17"}, (),
      (sample("integrity_assessment"), sample("expert_opinion"), sample("risk_assessment_report")), QIANJIANG),
    s("ND-18-market-no-fair-competition-review", DISCUSS, "ND-18", drop("fair_competition_review"),
      sample("fair_competition_review"), MARKET),
    s("ND-20-unlawful", DISCUSS, "ND-20", change(OPINION, **UNLAWFUL),
      correct(LEGAL, OPINION, reason="复核后认定合法，原结论有误", conclusion="lawful", reasons="经复核，依据充分。")),
    s("ND-20+ND-23-no-opinion", DISCUSS, {"ND-20", "ND-23"}, drop(OPINION), sample(OPINION)),
    s("ND-21-opinion-recorded-by-admin", DISCUSS, "ND-21", recorded_by(OPINION, ADMIN.role),
      correct(LEGAL, OPINION, reason="审核意见应由法制机构录入")),
    s("ND-22-revisions-unanswered", DISCUSS, "ND-22", change(OPINION, conclusion="lawful_with_revisions"),
      REVISION_NOTE),
    s("ND-23-sets-a-coercive-measure", DISCUSS, "ND-23", change(OPINION, sets_permit_penalty_or_coercion=True),
      correct(LEGAL, OPINION, reason="删除暂扣车辆条款后重新审核", sets_permit_penalty_or_coercion=False)),
    s("ND-23-adds-duties-without-basis", DISCUSS, "ND-23", change(OPINION, reduces_rights_without_basis=True),
      correct(LEGAL, OPINION, reason="删除无依据的义务条款后重新审核", reduces_rights_without_basis=False)),
    # -- adopt / send_back / reject -------------------------------------------------------------------------
    s("ND-30-no-minutes", "adopt", "ND-30", drop("meeting_minutes"), sample("meeting_minutes")),
    *[s(f"ND-30-outcome-{wrong}-for-{trigger}", trigger, "ND-30", change("meeting_minutes", outcome=wrong),
        correct(ORGAN, "meeting_minutes", outcome={"adopt": "adopt", "send_back": "revise", "reject": "reject"}[trigger]))
      for trigger, wrong in WRONG_OUTCOME.items()],
    # -- publish ------------------------------------------------------------------------------------------
    s("ND-40-liaoning-not-registered", "publish", "ND-40", drop("registration"), sample("registration"), LIAONING),
    s("ND-41-not-published", "publish", "ND-41", drop("publication"),
      record(ORGAN, "publication", samples.publication(START, document_no="某政发〔2026〕31号")), register=False),
    s("ND-41+ND-42-registered-not-published", "publish", {"ND-41", "ND-42"}, drop("publication"),
      sample("publication")),
    s("ND-42-published-under-another-number", "publish", "ND-42",
      change("publication", document_no="某政发〔2026〕99号"), publish_under_registered_number),
    s("ND-43-liaoning-no-validity-period", "publish", "ND-43", without("publication", "valid_until"),
      correct(ORGAN, "publication", valid_until="2031-07-05"), LIAONING),
    # -- file_for_record -----------------------------------------------------------------------------------
    s("ND-50-not-filed", "file_for_record", "ND-50", drop("filing_record"), sample("filing_record")),
    # -- clean-up, amendment, repeal, expiry ----------------------------------------------------------------
    s("ND-61-no-cleanup-finding", "keep_in_force", "ND-61", drop("cleanup_review"), CLEANUP_KEEP),
    s("ND-61-finding-is-amend", "keep_in_force", "ND-61", change("cleanup_review", outcome="amend"),
      correct(LEGAL, "cleanup_review", outcome="keep")),
    s("ND-62-cleanup-keeps-it", "amend", "ND-62", change("cleanup_review", outcome="keep"),
      correct(LEGAL, "cleanup_review", outcome="amend")),
    s("ND-62-in-force-without-grounds", "amend", "ND-62", drop("start_cleanup", "cleanup_review"), CORRECTION_ORDER),
    s("ND-63-cleanup-keeps-it", "repeal", "ND-63", change("cleanup_review", outcome="keep"),
      correct(LEGAL, "cleanup_review", outcome="repeal")),
    s("ND-64-repeal-not-published", "repeal", "ND-64", drop("repeal_notice"), REPEAL_NOTICE),
    s("ND-63+ND-64-in-force-without-grounds", "repeal", {"ND-63", "ND-64"},
      drop("start_cleanup", "cleanup_review", "repeal_notice"), (CORRECTION_ORDER, REPEAL_NOTICE)),
    s("ND-65-validity-not-ended", "expire", "ND-65", (), after_valid_until),
    # -- the comment period must have closed (clock: the sample period closes on Fri 12 June) ------------
    s("ND-12-summary-and-submission-on-the-closing-day", SUBMIT, "ND-12", (),
      (lambda env: setattr(env.clock, "now", beijing_morning(dt.date(2026, 6, 13))),
       correct(UNDERTAKING, "comment_summary", reason="期限届满后重新归纳")), built_on=dt.date(2026, 6, 12)),
]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_rule_refuses_then_passes_once_met(rt, clock, scenario: Scenario):
    if scenario.built_on:
        clock.now = beijing_morning(scenario.built_on)
    case_id = build(rt, scenario.trigger, scenario.attrs, scenario.changes, **scenario.flags)
    assert_refused(rt, case_id, scenario.trigger, scenario.unmet)
    apply_fix(Env(rt, case_id, clock), scenario.fix)
    assert_fires(rt, case_id, scenario.trigger)


def test_every_rule_has_a_refusal_test():
    defined = {rule.id for rule in PROCEDURE.rules}
    assert defined == RULE_IDS, "a rule was added or removed: add or remove its tests"
    covered = set().union(*(p.values[0].unmet for p in SCENARIOS))
    assert covered == defined
    for rule_id in defined:  # each rule is, somewhere, the only unmet one
        assert any(p.values[0].unmet == {rule_id} for p in SCENARIOS), rule_id
    guarded = {rule_id for t in PROCEDURE.triggers for rule_id in t.rules}
    assert guarded == defined, "every rule guards a trigger"


def test_the_sample_walk_passes_every_trigger_and_voids_nothing(rt):
    """The positive baseline: with every record in place, each trigger of the walk is allowed."""
    case_id = open_document(rt)
    for step in walk():
        if step.action == "fire":
            view = services.case_view(rt, case_id)
            assert next(n for n in view["next"] if n["trigger"] == step.name)["allowed"], step.name
            assert services.fire_trigger(rt, ACTORS[step.role], case_id, trigger=step.name)["invalidated"] == []
        else:
            apply(rt, case_id, [step])
    view = services.case_view(rt, case_id)
    assert view["state"] == "in_force"
    assert latest(rt, case_id, "registration")["data"]["document_no"] == "某政规〔2026〕1号"
    report = services.compliance(rt, case_id)
    assert report["findings"] == [], report


# -- ND-11: the comment period on the statutory calendar (2026 Spring Festival) --------------------------


def test_the_2026_spring_festival_schedule_is_the_one_the_tests_assume(registry):
    calendar = registry.calendar("national")
    holidays = [dt.date(2026, 2, d) for d in range(15, 24)]
    assert not any(calendar.is_working_day(d) for d in holidays)
    assert calendar.is_working_day(dt.date(2026, 2, 14)) and calendar.is_working_day(dt.date(2026, 2, 28))  # 调休
    assert calendar.is_working_day(dt.date(2026, 2, 13)) and calendar.is_working_day(dt.date(2026, 2, 24))


@pytest.mark.parametrize("opens, closes, working_days, allowed", [
    # Thu 12 Feb: 12, 13, Sat 14 (worked), then 24, 25, 26 after the holiday — six working days in 15 days
    ("2026-02-12", "2026-02-26", 6, False),
    ("2026-02-12", "2026-02-27", 7, True),
    # Fri 13 Feb: 13, Sat 14, 24–27, and Sat 28 (worked) is the seventh
    ("2026-02-13", "2026-02-27", 6, False),
    ("2026-02-13", "2026-02-28", 7, True),
    # opening on a holiday: the first working day is Tue 24 Feb; the seventh is Mon 2 March
    ("2026-02-16", "2026-02-28", 5, False),
    ("2026-02-16", "2026-03-03", 7, True),
])
def test_nd11_seven_working_days_across_the_spring_festival(rt, registry, opens, closes, working_days, allowed):
    calendar = registry.calendar("national")
    first, last = dt.date.fromisoformat(opens), dt.date.fromisoformat(closes)
    assert calendar.working_days_after(first, last) + calendar.is_working_day(first) == working_days
    case_id = build(rt, SUBMIT, {}, (change("comment_notice", opens_on=opens, closes_on=closes),))
    if allowed:
        assert_fires(rt, case_id, SUBMIT)
        return
    [unmet] = assert_refused(rt, case_id, SUBMIT, {"ND-11"})
    assert f"is {working_days} working day(s), at least 7 required" in unmet["details"][0]
    apply_fix(Env(rt, case_id, None), [correct(UNDERTAKING, "comment_notice", closes_on="2026-03-03")])  # type: ignore[arg-type]
    assert_fires(rt, case_id, SUBMIT)


def test_nd11_market_related_documents_need_thirty_calendar_days_even_with_many_working_days(rt):
    # 1 June .. 29 June 2026 holds 20 working days but only 29 calendar days
    case_id = build(rt, SUBMIT, MARKET, (change("comment_notice", closes_on="2026-06-29"),))
    [unmet] = assert_refused(rt, case_id, SUBMIT, {"ND-11"})
    assert "29 calendar day(s), at least 30 required" in unmet["details"][0]


# -- roles and record acceptance ---------------------------------------------------------------------------


@pytest.mark.parametrize("before_trigger, role, record_type, allowed", [
    ("submit_for_discussion", UNDERTAKING, OPINION, ["admin", "legal_office"]),
    ("submit_for_discussion", ORGAN, OPINION, ["admin", "legal_office"]),
    ("adopt", LEGAL, "meeting_minutes", ["admin", "decision_organ"]),
    ("publish", UNDERTAKING, "registration", ["admin", "legal_office"]),
    ("publish", ORGAN, "registration", ["admin", "legal_office"]),
    ("publish", LEGAL, "publication", ["admin", "decision_organ"]),
    ("file_for_record", UNDERTAKING, "filing_record", ["admin", "decision_organ", "legal_office"]),
])
def test_only_the_named_roles_may_record(rt, before_trigger, role, record_type, allowed):
    case_id = build(rt, before_trigger)
    version = services.case_view(rt, case_id)["version"]
    with pytest.raises(Forbidden) as raised:
        services.add_record(rt, ACTORS[role], case_id, record_type=record_type,
                            data=sample(record_type).data)
    assert raised.value.details == {"role": role, "allowed_roles": allowed}
    assert services.case_view(rt, case_id)["version"] == version


@pytest.mark.parametrize("trigger, wrong_role", [
    ("open_public_comment", LEGAL), (SUBMIT, ORGAN), ("return_for_redrafting", UNDERTAKING),
    (DISCUSS, LEGAL), ("adopt", UNDERTAKING), ("publish", LEGAL), ("file_for_record", UNDERTAKING),
    ("keep_in_force", LEGAL), ("amend", UNDERTAKING), ("repeal", LEGAL),
])
def test_only_the_named_roles_may_fire(rt, trigger, wrong_role):
    case_id = build(rt, trigger)
    with pytest.raises(Forbidden):
        services.fire_trigger(rt, ACTORS[wrong_role], case_id, trigger=trigger)
    assert services.case_attempts(rt, case_id)[-1]["outcome"] == "forbidden"
    assert_fires(rt, case_id, trigger)


def test_the_legal_office_registers_only_after_adoption(rt):
    """三统一 happens after the collective discussion: no registration while the review is under way."""
    case_id = build(rt, DISCUSS)
    with pytest.raises(RecordNotAccepted) as raised:
        services.add_record(rt, ACTORS[LEGAL], case_id, record_type="registration", data=samples.registration(START))
    assert raised.value.details["accepted_in"] == ["decided"]


# -- invalidation ---------------------------------------------------------------------------------------------


def test_return_for_redrafting_voids_the_review_and_a_new_review_is_needed(rt):
    case_id = build(rt, "return_for_redrafting")
    result = assert_fires(rt, case_id, "return_for_redrafting")
    assert len(result["invalidated"]) == 1  # the opinion (there was no revision note)
    apply(rt, case_id, [fire("open_public_comment"), fire(SUBMIT)])
    assert_refused(rt, case_id, DISCUSS, {"ND-20", "ND-23"})  # the unlawful opinion no longer counts
    apply(rt, case_id, [sample(OPINION)])
    assert_fires(rt, case_id, DISCUSS)


def test_amend_reruns_the_whole_procedure_and_the_new_text_gets_a_new_number(rt):
    case_id = build(rt, "amend")
    first_number = latest(rt, case_id, "registration")["data"]["document_no"]
    result = assert_fires(rt, case_id, "amend")
    current = [r for r in services.case_view(rt, case_id)["records"] if r["current"]]
    assert current == [] and len(result["invalidated"]) == len(services.case_view(rt, case_id)["records"])
    assert_refused(rt, case_id, "open_public_comment", {"ND-01"})
    apply(rt, case_id, through(walk(), "adopt"))
    apply(rt, case_id, [record(LEGAL, "registration", samples.registration(START, title="某市城市道路临时占用管理规定（修订）"))])
    assert (first_number, latest(rt, case_id, "registration")["data"]["document_no"]) == (
        "某政规〔2026〕1号", "某政规〔2026〕2号")


# -- profiles ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("jurisdiction, required", [
    ("national", False), ("qianjiang", True), ("lishui", False), ("liaoning", False), ("henan", False), ("gansu", False),
])
def test_only_qianjiang_requires_the_integrity_expert_and_risk_assessments(rt, jurisdiction, required):
    case_id = build(rt, DISCUSS, {"jurisdiction": jurisdiction})
    if required:
        assert_refused(rt, case_id, DISCUSS, {"ND-15", "ND-16", "ND-17"})
        apply(rt, case_id, samples.assessment_steps(START, **QIANJIANG_ASSESSMENTS))
    assert_fires(rt, case_id, DISCUSS)


@pytest.mark.parametrize("jurisdiction, required", [
    ("national", False), ("qianjiang", False), ("lishui", True), ("liaoning", True), ("henan", True), ("gansu", False),
])
def test_three_unifications_where_the_profile_applies_them(rt, jurisdiction, required):
    flags = QIANJIANG_ASSESSMENTS if jurisdiction == "qianjiang" else {}
    case_id = build(rt, "publish", {"jurisdiction": jurisdiction},
                    (drop("registration"), change("publication", document_no="某政发〔2026〕31号")), **flags)
    if required:
        assert_refused(rt, case_id, "publish", {"ND-40"})
        # registered afterwards: the publication must then carry the registered number (ND-42)
        apply(rt, case_id, [sample("registration")])
        assert_refused(rt, case_id, "publish", {"ND-42"})
        publish_under_registered_number(Env(rt, case_id, None))  # type: ignore[arg-type]
    assert_fires(rt, case_id, "publish")


def test_qianjiang_shows_a_thirty_day_filing_deadline_and_national_none(rt, clock):
    national = build(rt, "file_for_record")
    assert deadline(rt, national, "DL-filing") is None  # national: filing_due_days is None (规章 only)
    qianjiang = build(rt, "file_for_record", QIANJIANG, **QIANJIANG_ASSESSMENTS)
    filing = deadline(rt, qianjiang, "DL-filing")
    assert filing is not None
    assert (filing["days"], filing["unit"], filing["started_on"], filing["due_on"]) == (30, "calendar", "2026-10-20",
                                                                                        "2026-11-19")
    assert filing["status"] == "open" and filing["basis"]["article"] == "第7项"
    clock.advance(days=31)
    assert deadline(rt, qianjiang, "DL-filing")["overdue"] is True  # type: ignore[index]
    assert qianjiang in [c["id"] for c in services.list_cases(rt, overdue=True)[0]]
    assert_fires(rt, qianjiang, "file_for_record")
    met = deadline(rt, qianjiang, "DL-filing")
    assert met is not None and met["status"] == "met" and met["met_on"] == "2026-11-20"


def test_profiles_give_their_sources(registry):
    used = PROCEDURE.parameters_used()
    for profile in registry.profiles():
        for name in used:
            assert name in profile.parameters and profile.parameters[name].source.strip(), (profile.name, name)
    national = registry.profile("national").parameters
    assert national["filing_due_days"].value is None
    assert not national["document_review_due_working_days"].confirmed
    assert not national["expiry_reminder_days"].confirmed
    assert registry.profile("qianjiang").parameters["filing_due_days"].value == 30
    assert registry.profile("lishui").parameters["cleanup_interval_days"].value == 730
    assert registry.profile("liaoning").parameters["automatic_expiry"].value is True


# -- deadlines on the statutory calendar --------------------------------------------------------------------


@pytest.mark.parametrize("published, due, rolled_from", [
    # the 30th day, Thu 19 Feb, is a Spring Festival holiday: the period ends on the next working day
    ("2026-01-20", "2026-02-24", "2026-02-19"),
    # the 30th day, Sun 15 Feb, is both a Sunday and a holiday
    ("2026-01-16", "2026-02-24", "2026-02-15"),
    # the 30th day, Sat 14 Feb, is a worked Saturday (调休): no roll-forward
    ("2026-01-15", "2026-02-14", None),
    # the 30th day, Sat 28 Feb, is worked too
    ("2026-01-29", "2026-02-28", None),
    # published during the holiday: 30 calendar days run through it, Fri 20 March is a working day
    ("2026-02-18", "2026-03-20", None),
])
def test_filing_deadline_in_calendar_days_across_the_spring_festival(rt, clock, published, due, rolled_from):
    day_ = dt.date.fromisoformat(published)
    clock.now = beijing_morning(day_)
    start = day_ - dt.timedelta(days=50)  # the comment period closed long before
    steps = walk(start=start, **QIANJIANG_ASSESSMENTS)
    case_id = open_document(rt, **QIANJIANG)
    apply(rt, case_id, through(steps, "publish"))
    filing = deadline(rt, case_id, "DL-filing")
    assert filing is not None
    assert (filing["started_on"], filing["due_on"]) == (published, due)
    assert filing["computation"]["rolled_from"] == rolled_from
    if rolled_from:
        assert f"{rolled_from} 为休息日或法定节假日，顺延至 {due}" in filing["computation"]["text"]["zh"]
    clock.now = beijing_morning(dt.date.fromisoformat(due))
    assert deadline(rt, case_id, "DL-filing")["overdue"] is False  # type: ignore[index]
    clock.now = beijing_morning(dt.date.fromisoformat(due) + dt.timedelta(days=1))
    assert deadline(rt, case_id, "DL-filing")["overdue"] is True  # type: ignore[index]


def test_legality_review_deadline_in_working_days_across_the_spring_festival(rt, clock):
    """national: 15 working days (国办发〔2018〕115号, UNCONFIRMED: a deadline, never a guard)."""
    clock.now = beijing_morning(dt.date(2026, 2, 10))
    case_id = open_document(rt)
    apply(rt, case_id, through(walk(start=dt.date(2026, 1, 5)), SUBMIT))
    review = deadline(rt, case_id, "DL-legality-review")
    assert review is not None and review["unit"] == "working"
    # 11, 12, 13, Sat 14 (worked), 24–27, Sat 28 (worked), 2–6 March, 9 March is the 15th working day
    assert (review["started_on"], review["due_on"]) == ("2026-02-10", "2026-03-09")
    clock.now = beijing_morning(dt.date(2026, 3, 10))
    assert deadline(rt, case_id, "DL-legality-review")["overdue"] is True  # type: ignore[index]
    apply(rt, case_id, [sample(OPINION)])
    assert_fires(rt, case_id, DISCUSS)  # late, but a deadline never refuses
    assert deadline(rt, case_id, "DL-legality-review")["status"] == "met"  # type: ignore[index]


def test_expiry_reminder_before_the_end_of_the_validity_period(rt, clock):
    case_id = build(rt, "start_cleanup")
    valid_until = dt.date.fromisoformat(latest(rt, case_id, "publication")["data"]["valid_until"])
    reminder = deadline(rt, case_id, "DL-expiry-reminder")
    assert reminder is not None and reminder["before"] is True
    assert reminder["due_on"] == (valid_until - dt.timedelta(days=180)).isoformat()
    assert "前180日" in reminder["computation"]["text"]["zh"]
    assert reminder["status"] == "open"
    clock.now = beijing_morning(valid_until - dt.timedelta(days=179))
    assert deadline(rt, case_id, "DL-expiry-reminder")["overdue"] is True  # type: ignore[index]
    assert_fires(rt, case_id, "start_cleanup")  # the evaluation has begun: the reminder is met
    assert deadline(rt, case_id, "DL-expiry-reminder")["status"] == "met"  # type: ignore[index]
    # continued: re-published with a new validity period (seed 003 #13 重新发布), the reminder runs again
    later = (valid_until + dt.timedelta(days=5 * 365)).isoformat()
    apply(rt, case_id, [record(ORGAN, "publication", samples.publication(START, valid_until=later)), CLEANUP_KEEP])
    assert_fires(rt, case_id, "keep_in_force")
    renewed = deadline(rt, case_id, "DL-expiry-reminder")
    assert renewed is not None and renewed["status"] == "open"
    assert renewed["due_on"] == (dt.date.fromisoformat(later) - dt.timedelta(days=180)).isoformat()
    assert_refused(rt, case_id, "expire", {"ND-65"})  # the current validity period is the renewed one


def test_no_validity_period_means_no_reminder_and_no_expiry(rt, clock):
    case_id = build(rt, "expire", changes=(without("publication", "valid_until"),))
    assert deadline(rt, case_id, "DL-expiry-reminder") is None
    [unmet] = assert_refused(rt, case_id, "expire", {"ND-65"})
    assert "'valid_until' is not a date" in unmet["details"][0]


def test_lishui_periodic_cleanup_every_two_years(rt, clock):
    """730 calendar days from the filing. The last day falls in 2028, whose holiday schedule is not published
    yet: the engine shows the deadline as unknown rather than guess whether the day must roll forward."""
    case_id = build(rt, "start_cleanup", {"jurisdiction": "lishui"})
    first = deadline(rt, case_id, "DL-cleanup")
    assert first is not None and (first["days"], first["unit"], first["started_on"]) == (730, "calendar", "2026-10-20")
    assert (first["status"], first["due_on"]) == ("unknown", None) and "2028" in first["problem"]
    assert deadline(rt, build(rt, "start_cleanup"), "DL-cleanup") is None  # national: no interval
    clock.advance(days=800)
    apply(rt, case_id, [fire("start_cleanup"), CLEANUP_KEEP, fire("keep_in_force")])
    assert deadline(rt, case_id, "DL-cleanup")["status"] == "met"  # type: ignore[index]
    following = deadline(rt, case_id, "DL-cleanup-next")
    assert following is not None and following["met_on"] is None
    assert following["started_on"] == (NOW + dt.timedelta(days=800)).date().isoformat()
    # the next clean-up counts only the finding made in it (since the last start_cleanup)
    apply(rt, case_id, [fire("start_cleanup")])
    assert_refused(rt, case_id, "keep_in_force", {"ND-61"})


def test_the_generic_sample_walk_reaches_every_state_but_the_final_ones(rt):
    """``samples.walk`` (the shape the other procedures' samples share) visits every non-final state, so generic
    tests can find a case in any state where a record type is accepted or a trigger leaves."""
    case_id = open_document(rt, **samples.CASE_ATTRIBUTES)
    seen = {PROCEDURE.initial}
    for step in samples.walk(START):
        apply(rt, case_id, [step])
        seen.add(services.case_view(rt, case_id)["state"])
    assert seen == {s.name for s in PROCEDURE.states if not s.final}
    assert services.case_view(rt, case_id)["state"] == "cleanup"
