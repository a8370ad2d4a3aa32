"""Deadlines computed on the statutory calendar, each with the account of how it was computed.

A deadline is never a guard: it is shown on the case and feeds the overdue list. Counting follows the
usual rules of Chinese law on periods:

- a period starts the day after the event (《民法典》第二百零一条: 开始的当日不计入);
- working days skip weekends and statutory holidays and count the 调休 Saturdays and Sundays worked;
- a period in calendar days whose last day is a rest day or a holiday ends on the next working day
  (《民法典》第二百零三条: 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日);
- days spent in a tolled state (e.g. waiting for supplementary materials) do not count: the day the case
  enters the state still counts, the days from the next one up to and including the day it leaves do not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workflow.calendar import StatutoryCalendar
from workflow.definition import Deadline
from workflow.errors import CalendarYearMissing
from workflow.rules import DateOf, Param
from workflow.snapshot import CaseSnapshot, legal_date

CALENDAR_NAME = "中国法定节假日及调休（国务院办公厅通知）"


@dataclass(frozen=True)
class _Start:
    on: dt.date
    seq: int
    describe_zh: str
    describe_en: str


def _start(deadline: Deadline, snapshot: CaseSnapshot) -> _Start | None:
    if isinstance(deadline.starts_on, DateOf):
        record = snapshot.latest(deadline.starts_on.record_type)
        if record is None:
            return None
        try:
            on = dt.date.fromisoformat(str(record.data.get(deadline.starts_on.field)))
        except ValueError:
            return None
        field = deadline.starts_on.field
        return _Start(on, record.seq, f"{record.type} #{record.id} 的 {field}", f"'{field}' of {record.type} #{record.id}")
    fired = snapshot.last_fired(deadline.starts_on)
    if fired is None:
        return None
    return _Start(legal_date(fired.at), fired.seq, f"「{deadline.starts_on}」于 {legal_date(fired.at)}",
                  f"'{deadline.starts_on}' on {legal_date(fired.at)}")


def _tolled_spans(deadline: Deadline, snapshot: CaseSnapshot, after_seq: int, until_seq: int | None,
                  ) -> tuple[list[tuple[dt.date, dt.date]], dt.date | None]:
    """Closed spans (entered, left] spent in a tolled state, and the day of entry if still in one."""
    spans: list[tuple[dt.date, dt.date]] = []
    entered: dt.date | None = None
    for transition in snapshot.transitions:
        if transition.seq <= after_seq or (until_seq is not None and transition.seq > until_seq):
            continue
        day = legal_date(transition.at)
        if transition.dest in deadline.tolled_in and entered is None:
            entered = day
        elif transition.dest not in deadline.tolled_in and entered is not None:
            spans.append((entered, day))
            entered = None
    return spans, entered


def _count_forward(start: dt.date, days: int, unit: str, calendar: StatutoryCalendar,
                   spans: list[tuple[dt.date, dt.date]]) -> tuple[dt.date, int]:
    """The day on which ``days`` countable days after ``start`` have passed, and how many days were tolled."""
    day, remaining, tolled = start, days, 0
    while remaining > 0:
        day += dt.timedelta(days=1)
        if any(entered < day <= left for entered, left in spans):
            tolled += 1
            continue
        if unit == "working" and not calendar.is_working_day(day):
            continue
        remaining -= 1
    return day, tolled


def compute(deadline: Deadline, snapshot: CaseSnapshot, parameters: Mapping[str, Any],
            calendar: StatutoryCalendar, today: dt.date | None = None) -> dict[str, Any] | None:
    """One deadline of one case, or ``None`` if it has not started or the jurisdiction sets no limit."""
    days = parameters[deadline.days.name] if isinstance(deadline.days, Param) else deadline.days
    start = _start(deadline, snapshot)
    if days is None or start is None:
        return None
    met = next((t for t in snapshot.transitions if t.seq > start.seq and t.trigger in deadline.met_by), None)
    spans, paused_since = _tolled_spans(deadline, snapshot, start.seq, met.seq if met else None)
    due_on: dt.date | None = None
    rolled_from: dt.date | None = None
    tolled_days = 0
    problem = None
    try:
        if deadline.before:
            due_on = start.on - dt.timedelta(days=days)
        elif paused_since is None:
            due_on, tolled_days = _count_forward(start.on, days, deadline.unit, calendar, spans)
            if deadline.unit == "calendar" and not calendar.is_working_day(due_on):
                rolled_from = due_on
                while not calendar.is_working_day(due_on):
                    due_on += dt.timedelta(days=1)
    except CalendarYearMissing as exc:
        due_on, problem = None, exc.message
    status = "met" if met else "paused" if paused_since else "unknown" if due_on is None else "open"
    if status == "open" and today is not None and due_on is not None and today > due_on:
        status = "overdue"
    unit_zh = "个工作日" if deadline.unit == "working" else "日"
    direction_zh, direction_en = ("前", "before") if deadline.before else ("后", "after")
    text_zh = f"自{start.describe_zh}起{direction_zh}{days}{unit_zh}"
    text_en = f"{days} {deadline.unit} day(s) {direction_en} {start.describe_en}"
    if tolled_days:
        text_zh += f"，扣除中止计算的 {tolled_days} 日"
        text_en += f", excluding {tolled_days} tolled day(s)"
    if rolled_from:
        text_zh += f"；{rolled_from} 为休息日或法定节假日，顺延至 {due_on}"
        text_en += f"; {rolled_from} is a rest day or holiday, so it moves to {due_on}"
    if paused_since:
        text_zh += f"；自 {paused_since} 起中止计算"
        text_en += f"; paused since {paused_since}"
    entry = {
        **deadline.to_dict(),
        "days": days,
        "started_on": start.on.isoformat(),
        "due_on": due_on.isoformat() if due_on else None,
        "met_on": legal_date(met.at).isoformat() if met else None,
        "problem": problem,
        "status": status,
        "computation": {
            "calendar": CALENDAR_NAME if deadline.unit == "working" or rolled_from else "自然日",
            "tolled": [{"from": a.isoformat(), "to": b.isoformat()} for a, b in spans],
            "tolled_days": tolled_days,
            "paused_since": paused_since.isoformat() if paused_since else None,
            "rolled_from": rolled_from.isoformat() if rolled_from else None,
            "text": {"zh": text_zh, "en": text_en},
        },
    }
    if today is not None:
        entry["overdue"] = status == "overdue"
    return entry
