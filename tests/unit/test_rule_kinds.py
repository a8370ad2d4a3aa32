"""Each rule kind on a hand-built snapshot: no database, milliseconds."""

import datetime as dt

import pytest

from workflow.calendar import ChineseStatutoryCalendar
from workflow.rules import (
    RECORDED_ON,
    AllOf,
    AnyOf,
    AttributeIs,
    Before,
    ByTrigger,
    Context,
    CountAtLeast,
    DateOf,
    DaysSinceTrigger,
    Equals,
    Exists,
    Latest,
    MinItems,
    NoneMatch,
    NotBlank,
    NotEquals,
    OneOf,
    Param,
    ParamIs,
    PeriodAtLeast,
    Predicate,
    RecordedAfter,
    RecordedByRole,
    Today,
    When,
)
from workflow.snapshot import CaseSnapshot, RecordView, TransitionView

T0 = dt.datetime(2026, 9, 1, 2, 0, tzinfo=dt.UTC)


class Builder:
    def __init__(self, **attributes):
        self.snapshot = CaseSnapshot(1, "p", 1, "national", "t", "o", "u", "s", attributes, T0)
        self.seq = 1

    def record(self, type_, role="clerk", at=T0, **data):
        self.seq += 1
        view = RecordView(self.seq, type_, data, "h", self.seq, at, "someone", role)
        self.snapshot.records.append(view)
        return view

    def fired(self, trigger, at=T0):
        self.seq += 1
        self.snapshot.transitions.append(TransitionView(self.seq, trigger, "a", "b", at, "x", "r", None))

    def ctx(self, today=dt.date(2026, 9, 1), trigger="go", **params):
        return Context(self.snapshot, params, ChineseStatutoryCalendar(schedules={}), trigger, today)


def test_latest_reports_missing_record_and_failed_conditions():
    b = Builder()
    check = Latest("draft", (MinItems("legal_basis", 1), NotBlank("title")))
    assert check.failures(b.ctx()) == ["no current 'draft' record"]
    b.record("draft", legal_basis=[], title=" ")
    assert len(check.failures(b.ctx())) == 2
    b.record("draft", legal_basis=["法"], title="草案")
    assert check.failures(b.ctx()) == []


def test_latest_ignores_superseded_and_invalidated_records():
    b = Builder()
    old = b.record("opinion", conclusion="lawful")
    check = Latest("opinion")
    old.superseded_by = 99
    assert check.failures(b.ctx())
    old.superseded_by, old.invalidated_by_seq = None, 5
    assert check.failures(b.ctx())


def test_latest_since_a_trigger_counts_only_later_records():
    b = Builder()
    b.record("report")
    b.fired("suspend")
    check = Latest("report", since="suspend")
    assert check.failures(b.ctx())
    b.record("report")
    assert check.failures(b.ctx()) == []


def test_count_at_least_with_parameter_and_conditions():
    b = Builder()
    check = CountAtLeast("expert", Param("minimum"), (Equals("signed", True),))
    b.record("expert", signed=True)
    b.record("expert", signed=False)
    assert check.failures(b.ctx(minimum=2))
    assert check.failures(b.ctx(minimum=1)) == []
    assert check.parameters() == {"minimum"}


def test_none_match_names_each_offending_record():
    b = Builder()
    b.record("expert", direct_interest=True)
    b.record("expert", direct_interest=False)
    assert len(NoneMatch("expert", Equals("direct_interest", True)).failures(b.ctx())) == 1


def test_recorded_by_role():
    b = Builder()
    b.record("opinion", role="undertaking_unit")
    assert RecordedByRole("opinion", ("legal_office",)).failures(b.ctx())
    b.record("opinion", role="legal_office")
    assert RecordedByRole("opinion", ("legal_office",)).failures(b.ctx()) == []


def test_recorded_after_orders_records():
    b = Builder()
    b.record("note")
    b.record("opinion")
    assert RecordedAfter("note", "opinion").failures(b.ctx())
    b.record("note")
    assert RecordedAfter("note", "opinion").failures(b.ctx()) == []


@pytest.mark.parametrize("closes,inclusive,expected_ok", [("2026-06-30", True, True), ("2026-06-29", True, False),
                                                          ("2026-06-30", False, False), ("2026-07-01", False, True)])
def test_period_at_least_calendar_days(closes, inclusive, expected_ok):
    b = Builder()
    b.record("notice", opens_on="2026-06-01", closes_on=closes)
    check = PeriodAtLeast(DateOf("notice", "opens_on"), DateOf("notice", "closes_on"), Param("days"), inclusive=inclusive)
    assert (check.failures(b.ctx(days=30)) == []) is expected_ok


def test_period_at_least_excused_by_a_stated_reason():
    b = Builder()
    b.record("notice", opens_on="2026-06-01", closes_on="2026-06-10", reason="紧急")
    check = PeriodAtLeast(DateOf("notice", "opens_on"), DateOf("notice", "closes_on"), 30, inclusive=True, unless="reason")
    assert check.failures(b.ctx()) == []


def test_period_at_least_in_working_days_uses_the_statutory_calendar():
    b = Builder()
    b.record("submission", submitted_on="2026-09-30")
    b.record("opinion", issued_on="2026-10-12")  # 4 working days (National Day week; 10-10 is worked)
    check = PeriodAtLeast(DateOf("submission", "submitted_on"), DateOf("opinion", "issued_on"), 5, unit="working")
    assert "4 working day(s)" in check.failures(b.ctx())[0]
    assert PeriodAtLeast(DateOf("submission", "submitted_on"), DateOf("opinion", "issued_on"), 4, unit="working").failures(b.ctx()) == []


@pytest.mark.parametrize("opens, closes, inclusive, expected", [
    # Thu 12 Feb .. Fri 27 Feb 2026: 12, 13, Sat 14 (调休, worked), then 24–27 after the Spring Festival
    ("2026-02-12", "2026-02-27", True, 7),
    ("2026-02-12", "2026-02-27", False, 6),  # (start, end]: the opening day is not counted
    ("2026-02-14", "2026-02-24", True, 2),   # the worked Saturday counts as the first day
    ("2026-02-15", "2026-02-24", True, 1),   # a holiday as the first day adds nothing
    ("2026-02-24", "2026-02-24", True, 1),   # one working day
    ("2026-02-25", "2026-02-24", True, 0),   # reversed: nothing, whatever the first day is
])
def test_period_at_least_inclusive_working_days_counts_a_working_first_day(opens, closes, inclusive, expected):
    b = Builder()
    b.record("notice", opens_on=opens, closes_on=closes)
    check = PeriodAtLeast(DateOf("notice", "opens_on"), DateOf("notice", "closes_on"), 7, unit="working",
                          inclusive=inclusive)
    failures = check.failures(b.ctx())
    assert (failures == []) is (expected >= 7)
    if failures:
        assert f"is {expected} working day(s)" in failures[0]


def test_date_of_reports_a_bad_date_field():
    b = Builder()
    b.record("notice", opens_on="garbage", closes_on="2026-06-30")
    assert "not a date" in PeriodAtLeast(DateOf("notice", "opens_on"), DateOf("notice", "closes_on"), 1).failures(b.ctx())[0]


def test_before_with_recording_date_and_today():
    b = Builder()
    b.record("notice", closes_on="2026-09-01")
    b.record("summary", at=T0)  # recorded on 2026-09-01 Beijing time
    assert Before(DateOf("notice", "closes_on"), DateOf("summary", RECORDED_ON)).failures(b.ctx())
    assert Before(DateOf("notice", "closes_on"), Today()).failures(b.ctx(today=dt.date(2026, 9, 2))) == []


def test_recorded_on_is_the_beijing_date():
    b = Builder()
    late_utc = dt.datetime(2026, 8, 31, 20, 0, tzinfo=dt.UTC)  # 04:00 on 1 September in Beijing
    assert b.record("x", at=late_utc).recorded_on == dt.date(2026, 9, 1)


def test_days_since_trigger_both_directions():
    b = Builder()
    b.fired("defer", at=T0)
    within, after = DaysSinceTrigger("defer", at_most=10), DaysSinceTrigger("defer", more_than=10)
    assert within.failures(b.ctx(today=dt.date(2026, 9, 11))) == []
    assert within.failures(b.ctx(today=dt.date(2026, 9, 12)))
    assert after.failures(b.ctx(today=dt.date(2026, 9, 11)))
    assert after.failures(b.ctx(today=dt.date(2026, 9, 12))) == []


def test_days_since_a_trigger_never_fired():
    assert DaysSinceTrigger("defer", at_most=1).failures(Builder().ctx())


def test_attribute_param_and_when():
    b = Builder(hearing_required=False)
    conditional = When(AttributeIs("hearing_required"), Latest("hearing_record"))
    assert conditional.failures(b.ctx()) == []
    b.snapshot.attributes["hearing_required"] = True
    assert conditional.failures(b.ctx())
    assert When(ParamIs("catalog"), Latest("catalog_entry")).failures(b.ctx(catalog=False)) == []
    assert When(ParamIs("catalog"), Latest("catalog_entry")).failures(b.ctx(catalog=True))


def test_any_of_reports_every_alternative_and_all_of_concatenates():
    b = Builder()
    assert " — or — " in AnyOf((Latest("a"), Latest("b"))).failures(b.ctx())[0]
    assert len(AllOf((Latest("a"), Latest("b"))).failures(b.ctx())) == 2
    b.record("b")
    assert AnyOf((Latest("a"), Latest("b"))).failures(b.ctx()) == []
    assert AllOf(()).failures(b.ctx()) == []


def test_by_trigger_applies_the_check_of_the_fired_trigger():
    check = ByTrigger({"adopt": Latest("minutes")})
    assert check.failures(Builder().ctx(trigger="adopt"))
    assert check.failures(Builder().ctx(trigger="reject")) == []


def test_exists_and_field_conditions():
    b = Builder()
    assert Exists("x").failures(b.ctx())
    record = b.record("x", conclusion="unlawful", channel="gazette")
    ctx = b.ctx(channels=("gazette",))
    assert not NotEquals("conclusion", "unlawful").holds(record.data, ctx)
    assert OneOf("channel", Param("channels")).holds(record.data, ctx)
    assert not OneOf("channel", ("newspaper",)).holds(record.data, ctx)


def test_predicate_declares_what_it_reads():
    check = Predicate(lambda ctx: ["no"], reads=frozenset({"x"}), uses=frozenset({"p"}))
    assert check.failures(Builder().ctx()) == ["no"]
    assert check.record_types() == {"x"} and check.parameters() == {"p"}
