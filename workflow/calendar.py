"""The statutory calendar: which days are working days (工作日) under the State Council's schedule.

The law counts some periods in working days (条例 art. 26: "一般不少于7个工作日"). A working day is a
weekday that is not a statutory holiday, or a weekend day the State Council has made a working day
(调休). The ``chinesecalendar`` package carries the published schedules up to the year it was built
for; later years are added as JSON files in ``workflow/calendar_data/`` (``YYYY.json``) as soon as the
State Council publishes them each autumn. A date in a year with no schedule raises
``CalendarYearMissing``: a weekends-only guess would silently miscount every holiday.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Protocol

import chinese_calendar

from workflow.errors import CalendarYearMissing, DefinitionError


class StatutoryCalendar(Protocol):
    """What rules need from a calendar."""

    def is_working_day(self, day: dt.date) -> bool: ...

    def working_days_after(self, start: dt.date, end: dt.date) -> int: ...


@dataclass(frozen=True)
class YearSchedule:
    """One year's published schedule: the holidays on weekdays and the weekend days worked."""

    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    source: str

    @classmethod
    def from_json(cls, text: str) -> YearSchedule:
        try:
            raw = json.loads(text)
            year = int(raw["year"])
            holidays = frozenset(dt.date.fromisoformat(d) for d in raw["holidays"])
            workdays = frozenset(dt.date.fromisoformat(d) for d in raw["workdays"])
            source = str(raw["source"])
        except (KeyError, TypeError, ValueError) as exc:
            raise DefinitionError(f"malformed calendar schedule: {exc}") from exc
        stray = [d for d in holidays | workdays if d.year != year]
        if stray:
            raise DefinitionError(f"calendar schedule {year} lists days of another year: {sorted(stray)}")
        return cls(year, holidays, workdays, source)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


def bundled_schedules() -> dict[int, YearSchedule]:
    """Schedules shipped in ``workflow/calendar_data`` for years the package does not know yet."""
    schedules = {}
    for entry in resources.files("workflow.calendar_data").iterdir():
        if entry.name.endswith(".json"):
            schedule = YearSchedule.from_json(entry.read_text(encoding="utf-8"))
            schedules[schedule.year] = schedule
    return schedules


def load_schedules(directory: Path) -> dict[int, YearSchedule]:
    """Read every ``*.json`` schedule of a directory (for a deployment adding a year itself)."""
    schedules = {}
    for path in sorted(directory.glob("*.json")):
        schedule = YearSchedule.from_json(path.read_text(encoding="utf-8"))
        schedules[schedule.year] = schedule
    return schedules


@dataclass(frozen=True)
class ChineseStatutoryCalendar:
    """National schedule, extended by year files and by a jurisdiction's local days.

    ``local_holidays`` and ``local_workdays`` come from a jurisdiction profile (a local rule may
    declare an extra day off, e.g. a minority-nationality festival); they win over the national schedule.
    """

    schedules: dict[int, YearSchedule] = field(default_factory=bundled_schedules)
    local_holidays: frozenset[dt.date] = frozenset()
    local_workdays: frozenset[dt.date] = frozenset()

    def with_local_days(
        self, holidays: Iterable[dt.date] = (), workdays: Iterable[dt.date] = ()
    ) -> ChineseStatutoryCalendar:
        return ChineseStatutoryCalendar(
            self.schedules,
            self.local_holidays | frozenset(holidays),
            self.local_workdays | frozenset(workdays),
        )

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.local_workdays:
            return True
        if day in self.local_holidays:
            return False
        schedule = self.schedules.get(day.year)
        if schedule is not None:
            return schedule.is_working_day(day)
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            raise CalendarYearMissing(
                f"no statutory holiday schedule for {day.year}: add workflow/calendar_data/{day.year}.json "
                "from the State Council's notice before counting working days in that year",
                year=day.year,
            ) from None

    def working_days_after(self, start: dt.date, end: dt.date) -> int:
        """Count working days in the half-open window (start, end]: the day of submission does not count."""
        count, day = 0, start + dt.timedelta(days=1)
        while day <= end:
            count += self.is_working_day(day)
            day += dt.timedelta(days=1)
        return count

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date on which ``days`` working days after ``start`` have passed (for deadlines)."""
        day, remaining = start, days
        while remaining > 0:
            day += dt.timedelta(days=1)
            remaining -= self.is_working_day(day)
        return day
