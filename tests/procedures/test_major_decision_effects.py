"""Effects of transitions on what counts (MD-43 major adjustment, send_back, return_for_supplement, resume),
the archive record's chain head (MD-35), the ``since`` windows of the execution rules, and corrections."""

from __future__ import annotations

import pytest

from procedures.major_decision.samples import LEGAL, ORGAN, UNDERTAKING
from procedures.major_decision.v1 import CONSULTATION_RECORDS, DECISION_RECORDS, REVIEW_RECORDS
from tests.conftest import ACTORS, apply, open_case
from tests.procedures.scenarios import (
    ALL_REQUIRED,
    DISCUSS,
    EVALUATION_DECISION,
    EXECUTION_REPORT,
    OPINION,
    SUBMISSION,
    SUBMIT,
    SUPPLEMENT_REQUEST,
    SUSPENSION_ORDER,
    assert_fires,
    assert_refused,
    build,
    drop,
    evaluation_report,
    meeting,
    prefix,
    record,
    records_before,
    sample,
)
from workflow import services
from workflow.errors import Forbidden, InvalidInput


def current_types(rt, case_id) -> set[str]:
    return {r["type"] for r in services.case_view(rt, case_id)["records"] if r["current"]}


def last_transition(rt, case_id) -> dict:
    return [e for e in services.case_events(rt, case_id) if e["kind"] == "transition"][-1]["payload"]


# -- MD-43: a major adjustment reruns every procedure ------------------------------------------------

REACH = {
    "in_execution": [],
    "suspended": [SUSPENSION_ORDER],
    "post_evaluation": [EVALUATION_DECISION],
}
ENTER = {"suspended": "suspend", "post_evaluation": "start_post_evaluation"}


@pytest.mark.parametrize("source", ["in_execution", "suspended", "post_evaluation"])
def test_md43_major_adjustment_reruns_every_procedure(rt, source):
    case_id = build(rt, "major_adjustment", ALL_REQUIRED)
    apply(rt, case_id, REACH[source])
    if source in ENTER:
        assert_fires(rt, case_id, ENTER[source])
    voidable = set(CONSULTATION_RECORDS + REVIEW_RECORDS + DECISION_RECORDS)
    before = {r["id"] for r in services.case_view(rt, case_id)["records"] if r["current"] and r["type"] in voidable}

    result = assert_fires(rt, case_id, "major_adjustment")
    assert set(result["invalidated"]) == before
    transition = last_transition(rt, case_id)
    assert transition["rules"] == ["MD-43"] and transition["source"] == source
    assert not current_types(rt, case_id) & voidable
    assert {"draft", "initiation_decision", "catalog_entry"} <= current_types(rt, case_id)

    # the draft still stands, so consultation reopens; but earlier consultation no longer counts
    assert_fires(rt, case_id, "open_consultation")
    assert_refused(rt, case_id, SUBMIT, {"MD-10", "MD-13", "MD-14", "MD-15", "MD-16"})
    apply(rt, case_id, records_before(SUBMIT, **ALL_REQUIRED))
    assert_fires(rt, case_id, SUBMIT)
    # ...nor does the earlier review, the minutes, the report to the Party committee, the publication
    assert_refused(rt, case_id, DISCUSS, {"MD-20", "MD-24"})
    apply(rt, case_id, records_before(DISCUSS))
    assert_fires(rt, case_id, DISCUSS)
    assert_refused(rt, case_id, "adopt", {"MD-30", "MD-31"})
    apply(rt, case_id, records_before("adopt"))
    assert_fires(rt, case_id, "adopt")
    assert_refused(rt, case_id, "publish", {"MD-33", "MD-34"})
    apply(rt, case_id, records_before("publish"))
    assert_fires(rt, case_id, "publish")
    assert_refused(rt, case_id, "archive", {"MD-35"})
    apply(rt, case_id, records_before("archive"))
    assert_fires(rt, case_id, "archive")
    assert services.verify_case(rt, case_id)["ok"]
    assert services.compliance(rt, case_id)["ok"]


def test_major_adjustment_also_voids_a_suspension_order(rt):
    """MD-44 afterwards: the old suspension order no longer justifies termination."""
    case_id = build(rt, "major_adjustment")
    apply(rt, case_id, [SUSPENSION_ORDER])
    assert_fires(rt, case_id, "major_adjustment")
    assert "suspension_order" not in current_types(rt, case_id)


# -- send_back, return_for_supplement, resume ---------------------------------------------------------


def test_send_back_voids_the_legality_review_and_the_minutes(rt):
    case_id = build(rt, "send_back")
    review = {r["id"] for r in services.case_view(rt, case_id)["records"]
              if r["type"] in (SUBMISSION, OPINION, "meeting_minutes")}
    result = assert_fires(rt, case_id, "send_back")
    assert set(result["invalidated"]) == review
    assert {"comment_notice", "comment_summary", "draft"} <= current_types(rt, case_id)

    assert_fires(rt, case_id, "open_consultation")
    assert_refused(rt, case_id, SUBMIT, {"MD-16"})  # consultation still counts, the submission does not
    apply(rt, case_id, [sample(SUBMISSION)])
    assert_fires(rt, case_id, SUBMIT)
    assert_refused(rt, case_id, DISCUSS, {"MD-20", "MD-24"})  # the earlier opinion no longer counts
    apply(rt, case_id, [sample(OPINION)])
    assert_fires(rt, case_id, DISCUSS)
    assert_refused(rt, case_id, "adopt", {"MD-30", "MD-31"})  # nor do the minutes that sent it back
    apply(rt, case_id, [record(ORGAN, "meeting_minutes", meeting("adopt"))])
    assert_fires(rt, case_id, "adopt")


def test_return_for_supplement_voids_the_submission(rt):
    case_id = build(rt, "return_for_supplement")
    submission = [r["id"] for r in services.case_view(rt, case_id)["records"] if r["type"] == SUBMISSION]
    result = assert_fires(rt, case_id, "return_for_supplement")
    assert set(submission) < set(result["invalidated"])

    assert_refused(rt, case_id, SUBMIT, {"MD-16"})
    apply(rt, case_id, [sample(SUBMISSION)])
    assert_fires(rt, case_id, SUBMIT)
    # the first round's supplement request no longer counts either (MD-17 looks since the resubmission)
    assert_refused(rt, case_id, "return_for_supplement", {"MD-17"})
    apply(rt, case_id, [SUPPLEMENT_REQUEST])
    assert_fires(rt, case_id, "return_for_supplement")


def test_resume_voids_the_deferral_minutes(rt):
    case_id = build(rt, "resume")
    result = assert_fires(rt, case_id, "resume")
    assert result["invalidated"] == [r["id"] for r in services.case_view(rt, case_id)["records"]
                                     if r["type"] == "meeting_minutes"]
    assert_refused(rt, case_id, "adopt", {"MD-30", "MD-31"})
    apply(rt, case_id, [record(ORGAN, "meeting_minutes", meeting("adopt"))])
    assert_fires(rt, case_id, "adopt")


# -- MD-35: the archive record carries the case chain head --------------------------------------------


def test_md35_archive_record_gets_the_case_chain_head(rt):
    case_id = build(rt, "archive", {}, (drop("archive_record"),))
    head = services.case_view(rt, case_id)["head_hash"]
    archived = services.add_record(rt, ACTORS[ORGAN], case_id, record_type="archive_record",
                                   data={"archived_on": "2026-08-10", "archive_no": "JC-2026-0007"})
    assert archived["data"]["case_chain_head"] == head
    assert services.case_view(rt, case_id)["head_hash"] != head  # the record itself extended the chain
    assert [r for r in services.case_view(rt, case_id)["records"] if r["type"] == "archive_record"][0]["data"][
        "case_chain_head"] == head
    assert_fires(rt, case_id, "archive")
    assert services.verify_case(rt, case_id)["ok"]


def test_md35_client_cannot_set_the_chain_head(rt):
    case_id = build(rt, "archive", {}, (drop("archive_record"),))
    with pytest.raises(InvalidInput) as raised:
        services.add_record(rt, ACTORS[ORGAN], case_id, record_type="archive_record",
                            data={"archived_on": "2026-08-10", "archive_no": "JC-1", "case_chain_head": "0" * 64})
    assert "case_chain_head" in raised.value.details["fields"]


# -- the since windows of the execution rules --------------------------------------------------------


def test_md40_a_second_suspension_needs_a_new_order(rt):
    case_id = build(rt, "resume_execution")
    assert_fires(rt, case_id, "resume_execution")
    assert_refused(rt, case_id, "suspend", {"MD-40"})
    apply(rt, case_id, [SUSPENSION_ORDER])
    assert_fires(rt, case_id, "suspend")
    assert_refused(rt, case_id, "resume_execution", {"MD-45"})  # the report before this suspension is stale
    apply(rt, case_id, [EXECUTION_REPORT])
    assert_fires(rt, case_id, "resume_execution")


def test_md41_md42_a_second_evaluation_needs_a_new_decision_and_report(rt):
    case_id = build(rt, "complete_post_evaluation")
    assert_fires(rt, case_id, "complete_post_evaluation")
    assert_refused(rt, case_id, "start_post_evaluation", {"MD-41"})
    apply(rt, case_id, [EVALUATION_DECISION])
    assert_fires(rt, case_id, "start_post_evaluation")
    assert_refused(rt, case_id, "complete_post_evaluation", {"MD-42"})
    apply(rt, case_id, [evaluation_report("adjust")])
    assert_fires(rt, case_id, "complete_post_evaluation")


def test_md44_suspension_path_to_termination(rt):
    case_id = build(rt, "suspend")
    assert_fires(rt, case_id, "suspend")
    assert_fires(rt, case_id, "terminate")


# -- corrections -------------------------------------------------------------------------------------


def unlawful_review(rt) -> tuple[int, int]:
    """A case in legality review whose opinion finds the draft unlawful; returns (case id, opinion id)."""
    case_id = open_case(rt)
    apply(rt, case_id, prefix(DISCUSS)[:-1])
    added = services.add_record(rt, ACTORS[LEGAL], case_id, record_type=OPINION,
                                data={**sample(OPINION).data, "conclusion": "unlawful", "reasons": "缺乏法律依据。"})
    return case_id, added["id"]


def test_correction_replaces_the_superseded_record_for_the_rules(rt):
    case_id, wrong = unlawful_review(rt)
    assert_refused(rt, case_id, DISCUSS, {"MD-20"})
    fixed = services.add_record(rt, ACTORS[LEGAL], case_id, record_type=OPINION, data=sample(OPINION).data,
                                supersedes=wrong, reason="复核后认定合法，原意见援引条文错误")
    assert (fixed["supersedes"], fixed["reason"]) == (wrong, "复核后认定合法，原意见援引条文错误")
    views = {r["id"]: r for r in services.case_view(rt, case_id)["records"]}
    assert views[wrong]["superseded_by"] == fixed["id"] and not views[wrong]["current"]
    assert views[fixed["id"]]["current"]
    assert_fires(rt, case_id, DISCUSS)


def test_correcting_a_lawful_opinion_to_unlawful_blocks_discussion(rt):
    case_id = open_case(rt)
    apply(rt, case_id, prefix(DISCUSS))
    first = [r for r in services.case_view(rt, case_id)["records"] if r["type"] == OPINION][0]["id"]
    services.add_record(rt, ACTORS[LEGAL], case_id, record_type=OPINION,
                        data={**sample(OPINION).data, "conclusion": "unlawful", "reasons": "超越法定权限。"},
                        supersedes=first, reason="复核发现超越权限")
    assert_refused(rt, case_id, DISCUSS, {"MD-20"})


@pytest.mark.parametrize("kwargs, field", [
    ({"supersedes": "wrong", "reason": None}, "reason"),
    ({"supersedes": "wrong", "reason": "   "}, "reason"),
    ({"supersedes": None, "reason": "无需更正却给出理由"}, "reason"),
    ({"supersedes": "submission", "reason": "类型不同"}, "supersedes"),
    ({"supersedes": "other_case", "reason": "他案记录"}, "supersedes"),
])
def test_invalid_corrections_are_refused(rt, kwargs, field):
    case_id, wrong = unlawful_review(rt)
    other_case, other_opinion = unlawful_review(rt)
    targets = {
        "wrong": wrong, None: None, "other_case": other_opinion,
        "submission": [r for r in services.case_view(rt, case_id)["records"] if r["type"] == SUBMISSION][0]["id"],
    }
    version = services.case_view(rt, case_id)["version"]
    with pytest.raises(InvalidInput) as raised:
        services.add_record(rt, ACTORS[LEGAL], case_id, record_type=OPINION, data=sample(OPINION).data,
                            supersedes=targets[kwargs["supersedes"]], reason=kwargs["reason"])
    assert field in raised.value.details["fields"]
    assert services.case_view(rt, case_id)["version"] == version
    assert_refused(rt, case_id, DISCUSS, {"MD-20"})  # the unlawful opinion still stands


def test_a_record_is_corrected_only_once(rt):
    case_id, wrong = unlawful_review(rt)
    first = services.add_record(rt, ACTORS[LEGAL], case_id, record_type=OPINION, data=sample(OPINION).data,
                                supersedes=wrong, reason="复核后认定合法")
    with pytest.raises(InvalidInput) as raised:
        services.add_record(rt, ACTORS[LEGAL], case_id, record_type=OPINION, data=sample(OPINION).data,
                            supersedes=wrong, reason="再次更正")
    assert "supersedes" in raised.value.details["fields"]
    # the correction chain continues from the latest record
    services.add_record(rt, ACTORS[LEGAL], case_id, record_type=OPINION,
                        data={**sample(OPINION).data, "reviewer": "市司法局 周某"},
                        supersedes=first["id"], reason="审查人姓名更正")
    assert_fires(rt, case_id, DISCUSS)


def test_undertaking_unit_cannot_correct_the_legal_offices_opinion(rt):
    case_id, wrong = unlawful_review(rt)
    with pytest.raises(Forbidden):
        services.add_record(rt, ACTORS[UNDERTAKING], case_id, record_type=OPINION, data=sample(OPINION).data,
                            supersedes=wrong, reason="承办单位自行更正")


def test_md44_a_lifted_suspension_order_does_not_justify_termination(rt):
    case_id = build(rt, "resume_execution")
    assert_fires(rt, case_id, "resume_execution")
    assert_refused(rt, case_id, "terminate", {"MD-44"})
    apply(rt, case_id, [SUSPENSION_ORDER])
    assert_fires(rt, case_id, "terminate")
