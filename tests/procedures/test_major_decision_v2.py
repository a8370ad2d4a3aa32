"""major_decision v2: the three local requirements (MD-46, MD-47, MD-48) that jurisdiction profiles switch on.

Each is refused under the profile that requires it with exactly that rule unmet, passes once the record is
there, and never applies under ``national`` or to a case opened under v1 (a case keeps its version).
"""

from __future__ import annotations

import dataclasses

from procedures.major_decision import v1, v2
from procedures.major_decision.samples import LEGAL, UNDERTAKING, Step
from procedures.profiles import PROFILES
from tests.conftest import apply, open_case
from tests.procedures.scenarios import (
    DISCUSS,
    SUBMIT,
    assert_fires,
    assert_refused,
    build,
    day,
    prefix,
    sample,
)
from workflow import services
from workflow.registry import ProcedureRegistry
from workflow.services import Runtime

PRE_REVIEW = Step("record", UNDERTAKING, "legality_pre_review", {
    "conclusion": "lawful", "reasons": "草案符合《价格法》第二十三条等规定。", "issued_on": day(31), "reviewer": "市交通运输局法规科",
})
LETTER = Step("record", LEGAL, "legal_opinion_letter", {
    "letter_no": "法意〔2026〕12号", "issued_on": day(45), "opinion": "决策草案合法，可以提交集体讨论。", "signed": True,
})


def _hearing_steps() -> list[Step]:
    return [sample("hearing_notice"), sample("hearing_record")]


def test_v2_adds_exactly_three_rules_and_keeps_every_v1_rule():
    assert {r.id for r in v2.PROCEDURE.rules} - {r.id for r in v1.PROCEDURE.rules} == {"MD-46", "MD-47", "MD-48"}
    assert v1.PROCEDURE.rules == v2.PROCEDURE.rules[: len(v1.PROCEDURE.rules)]


# -- MD-46 合法性初审 (qianjiang) -----------------------------------------------------------------------


def test_md46_qianjiang_requires_the_undertaking_departments_pre_review(rt):
    case_id = build(rt, SUBMIT, {"jurisdiction": "qianjiang"})
    assert_refused(rt, case_id, SUBMIT, {"MD-46"})
    apply(rt, case_id, [dataclasses.replace(PRE_REVIEW, data={**PRE_REVIEW.data, "conclusion": "unlawful"})])
    assert_refused(rt, case_id, SUBMIT, {"MD-46"})  # an unlawful pre-review does not count
    apply(rt, case_id, [PRE_REVIEW])
    assert_fires(rt, case_id, SUBMIT)


def test_md46_is_off_under_national(rt):
    assert_fires(rt, build(rt, SUBMIT), SUBMIT)


# -- MD-47 听证 for major public interest (henan) -----------------------------------------------------


def test_md47_henan_requires_a_hearing_for_a_matter_of_major_public_interest(rt):
    case_id = build(rt, SUBMIT, {"jurisdiction": "henan", "major_public_interest": True})
    assert_refused(rt, case_id, SUBMIT, {"MD-47"})
    apply(rt, case_id, _hearing_steps())
    assert_fires(rt, case_id, SUBMIT)


def test_md47_late_materials_are_refused_in_henan(rt):
    case_id = build(rt, SUBMIT, {"jurisdiction": "henan", "major_public_interest": True})
    notice, record = _hearing_steps()
    late = dataclasses.replace(notice, data={**notice.data, "materials_sent_on": day(12)})  # 3 days before day 15
    apply(rt, case_id, [late, record])
    assert_refused(rt, case_id, SUBMIT, {"MD-47"})


def test_md47_needs_both_the_profile_and_the_attribute(rt):
    assert_fires(rt, build(rt, SUBMIT, {"jurisdiction": "henan"}), SUBMIT)
    assert_fires(rt, build(rt, SUBMIT, {"major_public_interest": True}), SUBMIT)


# -- MD-48 法律意见书 (liaoning) ------------------------------------------------------------------------


def test_md48_liaoning_requires_a_signed_legal_opinion_letter(rt):
    case_id = build(rt, DISCUSS, {"jurisdiction": "liaoning"})
    assert_refused(rt, case_id, DISCUSS, {"MD-48"})
    apply(rt, case_id, [dataclasses.replace(LETTER, data={**LETTER.data, "signed": False})])
    assert_refused(rt, case_id, DISCUSS, {"MD-48"})
    apply(rt, case_id, [LETTER])
    assert_fires(rt, case_id, DISCUSS)


def test_md48_letter_is_voided_by_a_return_for_supplement(rt):
    case_id = build(rt, DISCUSS, {"jurisdiction": "liaoning"})
    apply(rt, case_id, [LETTER])
    view = services.case_view(rt, case_id)
    assert next(r for r in view["records"] if r["type"] == "legal_opinion_letter")["current"]
    request = Step("record", LEGAL, "supplement_request", {"requested_on": day(40), "missing": ["成本监审报告"]})
    apply(rt, case_id, [request, Step("fire", LEGAL, "return_for_supplement")])
    view = services.case_view(rt, case_id)
    assert not next(r for r in view["records"] if r["type"] == "legal_opinion_letter")["current"]


def test_v2_covers_every_added_rule():
    """The tests above refuse each added rule alone; this guards against adding a fourth without a test."""
    assert set(v2.ADDED_RULES["submit_for_legality_review"] + v2.ADDED_RULES["submit_for_discussion"]) == {
        "MD-46", "MD-47", "MD-48"}


# -- version pinning -----------------------------------------------------------------------------------


def test_a_case_opened_under_v1_never_gets_the_v2_rules(rt, clock):
    older = Runtime(db=rt.db, registry=ProcedureRegistry([v1.PROCEDURE], PROFILES), clock=clock)
    old_case = open_case(older, jurisdiction="qianjiang")
    apply(older, old_case, prefix(SUBMIT))
    assert services.case_view(rt, old_case)["procedure_version"] == 1
    assert_fires(rt, old_case, SUBMIT)  # the current registry (v1 + v2) evaluates it under v1: no MD-46
    new_case = build(rt, SUBMIT, {"jurisdiction": "qianjiang"})
    assert services.case_view(rt, new_case)["procedure_version"] == 3  # the latest
    assert services.compliance(rt, old_case)["ok"]
