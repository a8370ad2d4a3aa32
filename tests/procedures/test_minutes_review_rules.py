"""``minutes_review`` v1: one refusal per rule and per trigger it guards, each followed by the fix that lets the
trigger pass (or, for the review 丽水 alone requires, the same case passing under national); roles; the
profile that changes behaviour (丽水).

Every refusal asserts the *exact* set of unmet rules, so deleting a rule id from its trigger (or making its
check always hold) turns a test red.
"""

from __future__ import annotations

import pytest

from procedures.minutes_review import samples
from procedures.minutes_review.samples import LEGAL, ORGAN, UNDERTAKING, Step
from procedures.minutes_review.v1 import PROCEDURE
from procedures.profiles import PROFILES
from tests.conftest import ACTORS, ADMIN, apply
from tests.procedures.review_harness import (
    START,
    UnderProfile,
    Walk,
    assert_every_rule_tested,
    run_scenario,
    s,
)
from tests.procedures.scenarios import add, change, correct, drop, recorded_by
from workflow import services
from workflow.errors import Forbidden

RULE_IDS = {"MR-01", "MR-02", "MR-10", "MR-11", "MR-12", "MR-13", "MR-14", "MR-20"}
DRAFT, OPINION, SUBMIT, DIRECT = "minutes_draft", "legal_opinion", "submit_for_review", "issue_without_review"

WALK_STEPS = samples.walk(START)
FIRST_DRAFT = Step("record", UNDERTAKING, DRAFT, samples.draft(revised=False))
REVISED_DRAFT = Step("record", UNDERTAKING, DRAFT, samples.draft(revised=True))
SIGN_OFF = Step("record", ORGAN, "sign_off", samples.sign_off(START))


def opinion(conclusion: str = "lawful") -> Step:
    return Step("record", LEGAL, OPINION, samples.opinion(START, conclusion))


def upto(trigger: str) -> list[Step]:
    return WALK_STEPS[: next(i for i, st in enumerate(WALK_STEPS) if st.action == "fire" and st.name == trigger)]


def prefix(trigger: str) -> list[Step]:
    if trigger == "return_for_revision":
        return [FIRST_DRAFT, Step("fire", UNDERTAKING, SUBMIT), opinion("unlawful")]
    if trigger == DIRECT:
        return [REVISED_DRAFT, SIGN_OFF]
    return upto(trigger)


WALK = Walk(PROCEDURE, samples.case_fields, prefix)
LISHUI = {"jurisdiction": "lishui"}

SCENARIOS = [
    s("MR-01-no-draft", SUBMIT, "MR-01", drop(DRAFT), REVISED_DRAFT),
    s("MR-02-opinion-finds-lawful", "return_for_revision", "MR-02", change(OPINION, conclusion="lawful"),
      correct(LEGAL, OPINION, conclusion="unlawful", reasons="擅自设定登记限制条件。")),
    # -- issue ----------------------------------------------------------------------------------------
    s("MR-10-no-written-opinion", "issue", "MR-10", drop(OPINION), opinion()),
    s("MR-10-found-unlawful", "issue", "MR-10", change(OPINION, conclusion="unlawful"),
      correct(LEGAL, OPINION, reason="复核认定合法", conclusion="lawful")),
    s("MR-11-opinion-recorded-by-admin", "issue", "MR-11", recorded_by(OPINION, ADMIN.role),
      correct(LEGAL, OPINION, reason="法律意见应由法制机构录入")),
    s("MR-12-revisions-unanswered", "issue", "MR-12", change(OPINION, **samples.opinion(START, "lawful_with_revisions")),
      REVISED_DRAFT),
    s("MR-13-text-changed-after-clean-opinion", "issue", "MR-13", add(FIRST_DRAFT), opinion()),
    s("MR-14-no-sign-off", "issue", "MR-14", drop("sign_off"), SIGN_OFF),
    s("MR-10+MR-14-all-listed-at-once", "issue", {"MR-10", "MR-14"}, drop(OPINION, "sign_off"),
      (opinion(), SIGN_OFF)),
    # -- issue_without_review -------------------------------------------------------------------------
    s("MR-20-lishui-review-is-required", DIRECT, "MR-20", (), UnderProfile(), **LISHUI),
    s("MR-01-direct-no-draft", DIRECT, "MR-01", drop(DRAFT), REVISED_DRAFT),
    s("MR-14-direct-no-sign-off", DIRECT, "MR-14", drop("sign_off"), SIGN_OFF),
]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_rule_refuses_then_passes_once_met(rt, scenario):
    run_scenario(WALK, rt, scenario)


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
    assert services.case_view(rt, case_id)["state"] == "issued"
    # the chain verifies, and an auditor's compliance replay re-checks every transition against the rules
    assert services.verify_case(rt, case_id)["ok"]
    replayed = services.compliance(rt, case_id)
    assert replayed["ok"] and replayed["transitions_checked"] == 2, replayed["findings"]


def test_a_revised_text_answers_an_opinion_that_asks_for_revisions(rt):
    """The walk of 丽水's report: the opinion asks for a change (所提意见建议均被采纳), the office revises, the
    leader signs off the revised text."""
    case_id = WALK.open_case(rt, **LISHUI)
    apply(rt, case_id, [FIRST_DRAFT, Step("fire", UNDERTAKING, SUBMIT), opinion("lawful_with_revisions"), SIGN_OFF])
    WALK.assert_refused(rt, case_id, "issue", {"MR-12"})
    apply(rt, case_id, [REVISED_DRAFT])
    WALK.assert_fires(rt, case_id, "issue")


# -- profiles ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("jurisdiction, allowed", [(p.name, p.name != "lishui") for p in PROFILES])
def test_issuing_without_review_only_where_review_is_not_a_required_step(rt, jurisdiction, allowed):
    case_id = WALK.build(rt, DIRECT, {"jurisdiction": jurisdiction})
    if allowed:
        WALK.assert_fires(rt, case_id, DIRECT)
    else:
        WALK.assert_refused(rt, case_id, DIRECT, {"MR-20"})


# -- effects -------------------------------------------------------------------------------------------


def test_an_unlawful_finding_voids_the_text_and_the_opinion(rt):
    case_id = WALK.build(rt, "return_for_revision")
    WALK.assert_fires(rt, case_id, "return_for_revision")
    assert [r for r in services.case_view(rt, case_id)["records"] if r["current"]] == []
    WALK.assert_refused(rt, case_id, SUBMIT, {"MR-01"})
    apply(rt, case_id, [REVISED_DRAFT])
    WALK.assert_fires(rt, case_id, SUBMIT)
    WALK.assert_refused(rt, case_id, "issue", {"MR-10", "MR-14"})  # a new opinion and a new sign-off are due


# -- roles ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("before, role, record_type, data, allowed", [
    ("issue", UNDERTAKING, OPINION, samples.opinion(START), ["admin", "legal_office"]),
    ("issue", ORGAN, OPINION, samples.opinion(START), ["admin", "legal_office"]),
    ("issue", LEGAL, "sign_off", samples.sign_off(START), ["admin", "decision_organ"]),
    (SUBMIT, LEGAL, DRAFT, samples.draft(), ["admin", "undertaking_unit"]),
])
def test_only_the_named_roles_may_record(rt, before, role, record_type, data, allowed):
    case_id = WALK.build(rt, before)
    with pytest.raises(Forbidden) as raised:
        services.add_record(rt, ACTORS[role], case_id, record_type=record_type, data=data)
    assert raised.value.details == {"role": role, "allowed_roles": allowed}


@pytest.mark.parametrize("trigger, role, allowed", [
    ("issue", UNDERTAKING, ["admin", "decision_organ"]),
    ("issue", LEGAL, ["admin", "decision_organ"]),
    (DIRECT, UNDERTAKING, ["admin", "decision_organ"]),
    (SUBMIT, ORGAN, ["admin", "undertaking_unit"]),
    ("return_for_revision", UNDERTAKING, ["admin", "legal_office"]),
])
def test_only_the_named_roles_may_fire(rt, trigger, role, allowed):
    case_id = WALK.build(rt, trigger)
    with pytest.raises(Forbidden) as raised:
        services.fire_trigger(rt, ACTORS[role], case_id, trigger=trigger)
    assert raised.value.details == {"role": role, "allowed_roles": allowed}
