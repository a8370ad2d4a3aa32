import datetime as dt
import json

import pytest

from workflow.calendar import ChineseStatutoryCalendar, YearSchedule, load_schedules
from workflow.errors import CalendarYearMissing, DefinitionError

D = dt.date


@pytest.fixture
def calendar():
    return ChineseStatutoryCalendar(schedules={})


def test_statutory_holiday_on_a_weekday_is_not_a_working_day(calendar):
    assert D(2026, 10, 1).weekday() < 5
    assert not calendar.is_working_day(D(2026, 10, 1))


def test_tiaoxiu_weekend_day_is_a_working_day(calendar):
    assert D(2026, 10, 10).weekday() == 5  # a Saturday worked under the 2026 schedule
    assert calendar.is_working_day(D(2026, 10, 10))


def test_ordinary_weekend_is_not_a_working_day(calendar):
    assert not calendar.is_working_day(D(2026, 11, 21))


def test_working_days_after_counts_half_open_window_across_national_day(calendar):
    # 2026-09-30 (Wed) .. 2026-10-12 (Mon): 10-01..07 off, 10-08 Thu, 10-09 Fri, 10-10 Sat worked, 10-12 Mon
    assert calendar.working_days_after(D(2026, 9, 30), D(2026, 10, 12)) == 4
    assert calendar.working_days_after(D(2026, 9, 30), D(2026, 9, 30)) == 0


def test_add_working_days_skips_holidays(calendar):
    assert calendar.add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)


def test_year_without_schedule_is_a_clear_error_not_a_weekend_guess(calendar):
    with pytest.raises(CalendarYearMissing) as caught:
        calendar.is_working_day(D(2031, 3, 3))
    assert caught.value.details["year"] == 2031
    assert "2031" in caught.value.message


def test_year_file_extends_the_package_and_wins_over_it(tmp_path):
    (tmp_path / "2031.json").write_text(json.dumps({
        "year": 2031, "source": "test notice",
        "holidays": ["2031-03-03"], "workdays": ["2031-03-08"],
    }), encoding="utf-8")
    calendar = ChineseStatutoryCalendar(schedules=load_schedules(tmp_path))
    assert not calendar.is_working_day(D(2031, 3, 3))  # a Monday made a holiday
    assert calendar.is_working_day(D(2031, 3, 8))  # a Saturday made a working day
    assert calendar.is_working_day(D(2031, 3, 4))
    assert not calendar.is_working_day(D(2031, 3, 9))


def test_schedule_listing_another_years_day_is_refused():
    with pytest.raises(DefinitionError):
        YearSchedule.from_json(json.dumps({"year": 2031, "source": "x", "holidays": ["2030-01-01"], "workdays": []}))


def test_malformed_schedule_is_refused():
    with pytest.raises(DefinitionError):
        YearSchedule.from_json(json.dumps({"year": 2031, "holidays": ["not a date"], "workdays": []}))


def test_local_days_of_a_profile_override_the_national_schedule(calendar):
    local = calendar.with_local_days(holidays=[D(2026, 11, 23)], workdays=[D(2026, 11, 22)])
    assert not local.is_working_day(D(2026, 11, 23))
    assert local.is_working_day(D(2026, 11, 22))
    assert calendar.is_working_day(D(2026, 11, 23))  # the national calendar is unchanged


def test_bundled_schedules_load():
    # Every shipped year file parses; none may shadow a year with a wrong year number.
    calendar = ChineseStatutoryCalendar()
    for year, schedule in calendar.schedules.items():
        assert schedule.year == year
