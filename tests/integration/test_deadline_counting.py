"""How deadlines count: working days across the 2026 Spring Festival and its 调休 Saturdays, calendar days
moved past a holiday, days tolled while waiting, reminders ahead of a date, and the overdue list.

A small procedure written for the test exercises each kind of deadline through the real services and the
real statutory calendar (chinesecalendar): 2026-02-15…23 are holidays, 02-14 and 02-28 (Saturdays) are
worked.
"""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from procedures.profiles import PROFILES
from tests.conftest import UNDERTAKING
from web.cli import main as cli
from workflow import services
from workflow.definition import Attribute, Basis, Deadline, Field, Procedure, RecordType, State, Trigger
from workflow.registry import ProcedureRegistry
from workflow.rules import DateOf
from workflow.services import Runtime, schedule

ROLE = "undertaking_unit"
BASIS = Basis("test", "n/a", "[test]")


def beijing(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00").astimezone(dt.UTC)


CLOCK_PROCEDURE = Procedure(
    name="clock_test", version=1, title="期限计算测试", title_en="Deadline counting test", roles=(ROLE,),
    states=(State("open", "待办", "Open"), State("running", "办理中", "Running"),
            State("waiting", "补正中", "Waiting"), State("done", "办结", "Done", final=True)),
    initial="open",
    triggers=(
        Trigger("start", "开始", "Start", ("open",), "running", (), (ROLE,)),
        Trigger("wait", "中止", "Wait", ("running",), "waiting", (), (ROLE,)),
        Trigger("resume", "恢复", "Resume", ("waiting",), "running", (), (ROLE,)),
        Trigger("answer", "办结", "Answer", ("running",), "done", (), (ROLE,)),
    ),
    rules=(),
    record_types=(RecordType("notice", "通知", "Notice", (Field("expires_on", "date", "有效期至"),), (ROLE,),
                             ("running",)),),
    attributes=(Attribute("jurisdiction", "string", "辖区", default="national"),),
    case_opener_roles=(ROLE,),
    deadlines=(
        Deadline("DL-working", "五个工作日", "Five working days", "start", ("answer",), 5, BASIS, tolled_in=("waiting",)),
        Deadline("DL-calendar", "十日", "Ten days", "start", ("answer",), 10, BASIS, unit="calendar"),
        Deadline("DL-reminder", "到期前三十日提醒", "Reminder 30 days ahead", DateOf("notice", "expires_on"),
                 ("answer",), 30, BASIS, unit="calendar", before=True),
    ),
)


@pytest.fixture
def clock_rt(rt, clock):
    return Runtime(db=rt.db, registry=ProcedureRegistry([CLOCK_PROCEDURE], PROFILES), clock=clock)


def _open_and_start(runtime: Runtime, clock, day: str) -> int:
    clock.now = beijing(day)
    case_id = services.open_case(runtime, UNDERTAKING, procedure="clock_test", title="期限测试", decision_organ="某局",
                                 undertaking_unit="某科")["id"]
    services.fire_trigger(runtime, UNDERTAKING, case_id, trigger="start")
    return case_id


def _deadline(runtime: Runtime, case_id: int, deadline_id: str) -> dict:
    return next(d for d in services.case_view(runtime, case_id)["deadlines"] if d["id"] == deadline_id)


def test_working_days_skip_the_spring_festival_and_count_the_worked_saturday(clock_rt, clock):
    case_id = _open_and_start(clock_rt, clock, "2026-02-12")  # a Thursday
    deadline = _deadline(clock_rt, case_id, "DL-working")
    # 02-13 (1), Saturday 02-14 worked (2), 02-15…23 holidays, 02-24 (3), 02-25 (4), 02-26 (5).
    assert (deadline["started_on"], deadline["due_on"], deadline["status"]) == ("2026-02-12", "2026-02-26", "open")
    assert deadline["computation"]["calendar"].startswith("中国法定节假日")
    assert "5个工作日" in deadline["computation"]["text"]["zh"]


def test_a_calendar_period_ending_on_a_holiday_moves_to_the_next_working_day(clock_rt, clock):
    case_id = _open_and_start(clock_rt, clock, "2026-02-12")
    deadline = _deadline(clock_rt, case_id, "DL-calendar")
    assert deadline["computation"]["rolled_from"] == "2026-02-22"  # a Sunday inside the holiday
    assert deadline["due_on"] == "2026-02-24"
    assert "顺延至 2026-02-24" in deadline["computation"]["text"]["zh"]


def test_a_calendar_period_ending_on_a_worked_saturday_does_not_move(clock_rt, clock):
    case_id = _open_and_start(clock_rt, clock, "2026-02-18")  # 10 days later is Saturday 02-28, a 调休 working day
    deadline = _deadline(clock_rt, case_id, "DL-calendar")
    assert (deadline["due_on"], deadline["computation"]["rolled_from"]) == ("2026-02-28", None)


def test_days_in_a_tolled_state_do_not_count(clock_rt, clock):
    case_id = _open_and_start(clock_rt, clock, "2026-02-12")
    clock.now = beijing("2026-02-13")
    services.fire_trigger(clock_rt, UNDERTAKING, case_id, trigger="wait")
    paused = _deadline(clock_rt, case_id, "DL-working")
    assert (paused["status"], paused["due_on"], paused["computation"]["paused_since"]) == ("paused", None, "2026-02-13")
    clock.now = beijing("2026-02-25")
    services.fire_trigger(clock_rt, UNDERTAKING, case_id, trigger="resume")
    resumed = _deadline(clock_rt, case_id, "DL-working")
    # 02-13 counts (1); 02-14…25 are tolled; then 02-26 (2), 02-27 (3), Saturday 02-28 worked (4), 03-02 (5).
    assert resumed["due_on"] == "2026-03-02" and resumed["status"] == "open"
    assert resumed["computation"]["tolled"] == [{"from": "2026-02-13", "to": "2026-02-25"}]
    assert resumed["computation"]["tolled_days"] == 12
    # The calendar-day deadline is not tolled: it keeps its own due date.
    assert _deadline(clock_rt, case_id, "DL-calendar")["due_on"] == "2026-02-24"


def test_a_reminder_counts_back_from_a_date_in_a_record(clock_rt, clock):
    case_id = _open_and_start(clock_rt, clock, "2026-02-12")
    services.add_record(clock_rt, UNDERTAKING, case_id, record_type="notice", data={"expires_on": "2026-12-31"})
    reminder = _deadline(clock_rt, case_id, "DL-reminder")
    assert (reminder["started_on"], reminder["due_on"], reminder["before"]) == ("2026-12-31", "2026-12-01", True)


def test_overdue_then_met_and_the_office_list(clock_rt, clock):
    case_id = _open_and_start(clock_rt, clock, "2026-02-12")
    assert services.case_view(clock_rt, case_id)["deadlines"][0]["overdue"] is False
    clock.now = beijing("2026-02-27")  # the working-day deadline (02-26) has passed; the calendar one (02-24) too
    statuses = {d["id"]: d["status"] for d in services.case_view(clock_rt, case_id)["deadlines"]}
    assert statuses == {"DL-working": "overdue", "DL-calendar": "overdue"}
    assert [c["id"] for c in services.list_cases(clock_rt, overdue=True)[0]] == [case_id]
    assert [d["id"] for d in schedule.list_deadlines(clock_rt, overdue_only=True)] == ["DL-calendar", "DL-working"]
    services.fire_trigger(clock_rt, UNDERTAKING, case_id, trigger="answer")
    assert {d["status"] for d in services.case_view(clock_rt, case_id)["deadlines"]} == {"met"}
    assert services.list_cases(clock_rt, overdue=True)[0] == []
    assert schedule.list_deadlines(clock_rt) == []  # a final case has nothing left to meet


def test_a_year_without_a_holiday_schedule_is_reported_not_guessed(clock_rt, clock):
    case_id = _open_and_start(clock_rt, clock, "2027-03-01")
    deadline = _deadline(clock_rt, case_id, "DL-working")
    assert deadline["status"] == "unknown" and deadline["due_on"] is None
    assert "2027" in deadline["problem"]


def test_juece_deadlines_lists_overdue_ones_with_their_computation(clock_rt, clock, db_url, monkeypatch):
    case_id = _open_and_start(clock_rt, clock, "2026-02-12")
    monkeypatch.setenv("JUECE_DATABASE_URL", db_url)
    monkeypatch.setattr("web.cli.make_runtime", lambda url=None: Runtime(db=clock_rt.db, registry=clock_rt.registry,
                                                                        clock=lambda: beijing("2026-03-10")))
    result = CliRunner().invoke(cli, ["deadlines", "--overdue"])
    assert result.exit_code == 0, result.output
    assert f"case {case_id:>5}  DL-working" in result.output and "OVERDUE" in result.output
    assert "自「start」于 2026-02-12起后5个工作日" in result.output
    assert result.output.strip().endswith("2 deadline(s)")


def test_a_deadline_counted_from_a_record_date_reaches_the_overdue_list_when_recorded(clock_rt, clock):
    case_id = _open_and_start(clock_rt, clock, "2026-11-20")  # its own deadlines fall due on 11-27 and 11-30
    clock.now = beijing("2026-11-21")
    assert case_id not in [c["id"] for c in services.list_cases(clock_rt, overdue=True)[0]]
    services.add_record(clock_rt, UNDERTAKING, case_id, record_type="notice", data={"expires_on": "2026-12-05"})
    # The reminder fell due on 11-05: the case is on the overdue list at once, not at its next transition.
    assert case_id in [c["id"] for c in services.list_cases(clock_rt, overdue=True)[0]]
