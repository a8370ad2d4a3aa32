"""Deadlines are computed on the statutory calendar, shown on the case, and feed the overdue list."""

import datetime as dt

from procedures.major_decision import samples
from tests.conftest import START, apply, open_case
from workflow import services


def _adopted(rt):
    case_id = open_case(rt)
    steps = samples.walk_to_execution(START, hearing=False, experts=False, risk=False)
    apply(rt, case_id, steps[: next(i for i, s in enumerate(steps) if s.name == "adopt") + 1])
    return case_id


def test_publication_deadline_counts_20_working_days_from_the_decision(rt, clock):
    clock.now = dt.datetime(2026, 9, 24, 2, 0, tzinfo=dt.UTC)  # Thursday before the Mid-Autumn/National Day breaks
    case_id = _adopted(rt)
    [deadline] = services.case_view(rt, case_id)["deadlines"]
    assert deadline["id"] == "DL-publication" and deadline["started_on"] == "2026-09-24"
    # 9-25..27 and 10-01..07 are holidays and 10-10 (a Saturday) is worked: 9-28..30 are working days 1-3,
    # 10-08..10 4-6, then 14 weekdays from 10-12 make the 20th working day 10-29.
    assert deadline["due_on"] == "2026-10-29"
    assert deadline["met_on"] is None and deadline["overdue"] is False
    assert deadline["basis"]["article"] == "第二十六条"


def test_overdue_filter_and_meeting_the_deadline(rt, clock):
    case_id = _adopted(rt)
    other = open_case(rt)
    clock.advance(days=40)
    assert [c["id"] for c in services.list_cases(rt, overdue=True)[0]] == [case_id]
    assert case_id not in [c["id"] for c in services.list_cases(rt, overdue=False)[0]]
    assert other in [c["id"] for c in services.list_cases(rt, overdue=False)[0]]
    assert services.case_view(rt, case_id)["deadlines"][0]["overdue"] is True
    apply(rt, case_id, [s for s in samples.decision_steps(START) if s.name in ("party_committee_report", "publication", "publish")])
    view = services.case_view(rt, case_id)
    assert view["deadlines"][0]["met_on"] is not None and view["deadlines"][0]["overdue"] is False
    assert services.list_cases(rt, overdue=True)[0] == []


def test_a_jurisdiction_without_a_limit_shows_no_deadline(rt):
    case_id = open_case(rt)
    apply(rt, case_id, samples.opening_steps(START) + samples.consultation_steps(START, hearing=False, experts=False, risk=False))
    assert services.case_view(rt, case_id)["state"] == "legality_review"
    assert services.case_view(rt, case_id)["deadlines"] == []  # national: legality_review_due_working_days is None
