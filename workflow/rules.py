"""Rule kinds: the small vocabulary procedure definitions are composed from.

A check answers ``failures(ctx)``: an empty list when it holds, otherwise one short English line per
thing that is missing or wrong (shown to clerks and auditors as the details of an unmet rule). Checks
also declare the record types and profile parameters they read, so a definition is validated at load
time instead of failing on a case.

Adding a kind: write a frozen dataclass with ``failures``, ``record_types`` and ``parameters`` here,
and a test in ``tests/unit/test_rule_kinds.py``. Procedures then use it as data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from workflow.calendar import StatutoryCalendar
from workflow.snapshot import CaseSnapshot, RecordView, legal_date


@dataclass(frozen=True)
class Param:
    """A number or flag taken from the case's jurisdiction profile."""

    name: str


Number = int | Param


@dataclass(frozen=True)
class Context:
    """Everything a rule may look at: the case as it stood, the profile, the calendar, the moment."""

    snapshot: CaseSnapshot
    parameters: Mapping[str, Any]
    calendar: StatutoryCalendar
    trigger: str
    today: dt.date

    def resolve(self, value: Any) -> Any:
        return self.parameters[value.name] if isinstance(value, Param) else value


class Check(Protocol):
    def failures(self, ctx: Context) -> list[str]: ...

    def record_types(self) -> set[str]: ...

    def parameters(self) -> set[str]: ...


def _params(*values: Any) -> set[str]:
    return {v.name for v in values if isinstance(v, Param)}


# -- conditions on a record's fields ----------------------------------------------------------------


class Condition(Protocol):
    def holds(self, data: Mapping[str, Any], ctx: Context) -> bool: ...

    def describe(self) -> str: ...

    def parameters(self) -> set[str]: ...


@dataclass(frozen=True)
class NotBlank:
    field: str

    def holds(self, data: Mapping[str, Any], ctx: Context) -> bool:
        value = data.get(self.field)
        return value is not None and str(value).strip() != ""

    def describe(self) -> str:
        return f"'{self.field}' is filled in"

    def parameters(self) -> set[str]:
        return set()


@dataclass(frozen=True)
class MinItems:
    field: str
    minimum: Number = 1

    def holds(self, data: Mapping[str, Any], ctx: Context) -> bool:
        value = data.get(self.field) or []
        return isinstance(value, list) and len(value) >= ctx.resolve(self.minimum)

    def describe(self) -> str:
        return f"'{self.field}' lists at least {self.minimum if isinstance(self.minimum, int) else self.minimum.name} item(s)"

    def parameters(self) -> set[str]:
        return _params(self.minimum)


@dataclass(frozen=True)
class Equals:
    field: str
    value: Any

    def holds(self, data: Mapping[str, Any], ctx: Context) -> bool:
        return bool(data.get(self.field) == ctx.resolve(self.value))

    def describe(self) -> str:
        return f"'{self.field}' is {self.value!r}"

    def parameters(self) -> set[str]:
        return _params(self.value)


@dataclass(frozen=True)
class NotEquals:
    field: str
    value: Any

    def holds(self, data: Mapping[str, Any], ctx: Context) -> bool:
        return bool(data.get(self.field) != ctx.resolve(self.value))

    def describe(self) -> str:
        return f"'{self.field}' is not {self.value!r}"

    def parameters(self) -> set[str]:
        return _params(self.value)


@dataclass(frozen=True)
class OneOf:
    field: str
    values: tuple[str, ...] | Param

    def holds(self, data: Mapping[str, Any], ctx: Context) -> bool:
        return data.get(self.field) in ctx.resolve(self.values)

    def describe(self) -> str:
        shown = self.values.name if isinstance(self.values, Param) else "/".join(self.values)
        return f"'{self.field}' is one of {shown}"

    def parameters(self) -> set[str]:
        return _params(self.values)


# -- checks on records -------------------------------------------------------------------------------


def _unmet(record: RecordView, where: tuple[Condition, ...], ctx: Context) -> list[Condition]:
    return [c for c in where if not c.holds(record.data, ctx)]


@dataclass(frozen=True)
class Latest:
    """The latest current record of a type exists and meets every condition."""

    record_type: str
    where: tuple[Condition, ...] = ()
    since: str | None = None

    def failures(self, ctx: Context) -> list[str]:
        record = ctx.snapshot.latest(self.record_type, self.since)
        if record is None:
            scope = f" since the last '{self.since}'" if self.since else ""
            return [f"no current '{self.record_type}' record{scope}"]
        return [f"{self.record_type} #{record.id}: {c.describe()} fails" for c in _unmet(record, self.where, ctx)]

    def record_types(self) -> set[str]:
        return {self.record_type}

    def parameters(self) -> set[str]:
        return set().union(*(c.parameters() for c in self.where)) if self.where else set()


@dataclass(frozen=True)
class CountAtLeast:
    """At least ``minimum`` current records of a type meet every condition."""

    record_type: str
    minimum: Number
    where: tuple[Condition, ...] = ()
    since: str | None = None

    def failures(self, ctx: Context) -> list[str]:
        records = ctx.snapshot.current(self.record_type, self.since)
        good = [r for r in records if not _unmet(r, self.where, ctx)]
        needed = ctx.resolve(self.minimum)
        if len(good) >= needed:
            return []
        return [f"{len(good)} qualifying '{self.record_type}' record(s), at least {needed} required"]

    def record_types(self) -> set[str]:
        return {self.record_type}

    def parameters(self) -> set[str]:
        return _params(self.minimum).union(*(c.parameters() for c in self.where))


@dataclass(frozen=True)
class NoneMatch:
    """No current record of a type meets the condition (e.g. no expert with a direct interest)."""

    record_type: str
    condition: Condition
    since: str | None = None

    def failures(self, ctx: Context) -> list[str]:
        found = [r for r in ctx.snapshot.current(self.record_type, self.since) if self.condition.holds(r.data, ctx)]
        return [f"{self.record_type} #{r.id}: {self.condition.describe()}, which is not allowed" for r in found]

    def record_types(self) -> set[str]:
        return {self.record_type}

    def parameters(self) -> set[str]:
        return self.condition.parameters()


@dataclass(frozen=True)
class RecordedByRole:
    """The latest current record of a type was recorded by a user holding one of ``roles``."""

    record_type: str
    roles: tuple[str, ...]

    def failures(self, ctx: Context) -> list[str]:
        record = ctx.snapshot.latest(self.record_type)
        if record is None:
            return [f"no current '{self.record_type}' record"]
        if record.role in self.roles:
            return []
        return [f"{self.record_type} #{record.id} was recorded by role '{record.role}', must be {'/'.join(self.roles)}"]

    def record_types(self) -> set[str]:
        return {self.record_type}

    def parameters(self) -> set[str]:
        return set()


@dataclass(frozen=True)
class RecordedAfter:
    """The latest ``later`` record was recorded after the latest ``earlier`` record (ordering of records)."""

    later: str
    earlier: str

    def failures(self, ctx: Context) -> list[str]:
        first = ctx.snapshot.latest(self.earlier)
        second = ctx.snapshot.latest(self.later)
        if first is None:
            return [f"no current '{self.earlier}' record"]
        if second is None or second.seq < first.seq:
            return [f"no '{self.later}' recorded after {self.earlier} #{first.id}"]
        return []

    def record_types(self) -> set[str]:
        return {self.later, self.earlier}

    def parameters(self) -> set[str]:
        return set()


# -- dates and periods -------------------------------------------------------------------------------

RECORDED_ON = "@recorded_on"


@dataclass(frozen=True)
class DateOf:
    """A date taken from the latest current record of a type: a date field, or ``@recorded_on``."""

    record_type: str
    field: str

    def resolve(self, ctx: Context) -> tuple[dt.date | None, str | None]:
        record = ctx.snapshot.latest(self.record_type)
        if record is None:
            return None, f"no current '{self.record_type}' record"
        if self.field == RECORDED_ON:
            return record.recorded_on, None
        raw = record.data.get(self.field)
        try:
            return dt.date.fromisoformat(raw), None
        except (TypeError, ValueError):
            return None, f"{self.record_type} #{record.id}: '{self.field}' is not a date"

    def describe(self) -> str:
        what = "the recording date" if self.field == RECORDED_ON else f"'{self.field}'"
        return f"{what} of {self.record_type}"

    @property
    def record_types(self) -> set[str]:
        return {self.record_type}


@dataclass(frozen=True)
class Today:
    """The day the check runs (for replay: the day the transition was fired)."""

    def resolve(self, ctx: Context) -> tuple[dt.date | None, str | None]:
        return ctx.today, None

    def describe(self) -> str:
        return "today"

    @property
    def record_types(self) -> set[str]:
        return set()


DateRef = DateOf | Today


@dataclass(frozen=True)
class PeriodAtLeast:
    """From ``start`` to ``end`` lasts at least ``days`` calendar or working days, unless excused.

    ``inclusive`` counts both end days (a comment period 1–30 June is 30 days). Working days are counted
    in (start, end] on the statutory calendar, or in [start, end] with ``inclusive`` (a comment period
    stated as opens_on..closes_on whose first day is a working day counts that day too). ``unless`` names
    a field of the record holding ``start`` whose stated reason excuses a shorter period (the law's
    "一般…" with an exception that must be stated).
    """

    start: DateRef
    end: DateRef
    days: Number
    unit: Literal["calendar", "working"] = "calendar"
    inclusive: bool = False
    unless: str | None = None

    def failures(self, ctx: Context) -> list[str]:
        if self.unless and isinstance(self.start, DateOf):
            holder = ctx.snapshot.latest(self.start.record_type)
            if holder is not None and NotBlank(self.unless).holds(holder.data, ctx):
                return []
        start, problem = self.start.resolve(ctx)
        end, other = self.end.resolve(ctx)
        if start is None or end is None:
            return [p for p in (problem, other) if p]
        needed = ctx.resolve(self.days)
        if self.unit == "working":
            length = ctx.calendar.working_days_after(start, end)
            if self.inclusive and start <= end and ctx.calendar.is_working_day(start):
                length += 1
        else:
            length = (end - start).days + (1 if self.inclusive else 0)
        if length >= needed:
            return []
        excuse = f" and no '{self.unless}' is stated" if self.unless else ""
        return [
            f"{self.start.describe()} ({start}) to {self.end.describe()} ({end}) is {length} "
            f"{self.unit} day(s), at least {needed} required{excuse}"
        ]

    def record_types(self) -> set[str]:
        return self.start.record_types | self.end.record_types

    def parameters(self) -> set[str]:
        return _params(self.days)


@dataclass(frozen=True)
class Before:
    """``earlier`` falls strictly before ``later`` (e.g. the comment period closed before the summary)."""

    earlier: DateRef
    later: DateRef

    def failures(self, ctx: Context) -> list[str]:
        first, problem = self.earlier.resolve(ctx)
        second, other = self.later.resolve(ctx)
        if first is None or second is None:
            return [p for p in (problem, other) if p]
        if first < second:
            return []
        return [f"{self.earlier.describe()} ({first}) must fall before {self.later.describe()} ({second})"]

    def record_types(self) -> set[str]:
        return self.earlier.record_types | self.later.record_types

    def parameters(self) -> set[str]:
        return set()


@dataclass(frozen=True)
class DaysSinceTrigger:
    """Calendar days from the last firing of ``trigger`` to today are at most / more than a limit."""

    trigger: str
    at_most: Number | None = None
    more_than: Number | None = None

    def failures(self, ctx: Context) -> list[str]:
        fired = ctx.snapshot.last_fired(self.trigger)
        if fired is None:
            return [f"'{self.trigger}' was never fired"]
        elapsed = (ctx.today - legal_date(fired.at)).days
        if self.at_most is not None and elapsed > ctx.resolve(self.at_most):
            return [f"{elapsed} day(s) since '{self.trigger}', the limit is {ctx.resolve(self.at_most)}"]
        if self.more_than is not None and elapsed <= ctx.resolve(self.more_than):
            return [f"only {elapsed} day(s) since '{self.trigger}', more than {ctx.resolve(self.more_than)} required"]
        return []

    def record_types(self) -> set[str]:
        return set()

    def parameters(self) -> set[str]:
        return _params(self.at_most, self.more_than)


# -- facts about the case and the profile ------------------------------------------------------------


@dataclass(frozen=True)
class AttributeIs:
    name: str
    value: Any = True

    def failures(self, ctx: Context) -> list[str]:
        actual = ctx.snapshot.attributes.get(self.name)
        return [] if actual == self.value else [f"case attribute '{self.name}' is {actual!r}, not {self.value!r}"]

    def record_types(self) -> set[str]:
        return set()

    def parameters(self) -> set[str]:
        return set()


@dataclass(frozen=True)
class ParamIs:
    name: str
    value: Any = True

    def failures(self, ctx: Context) -> list[str]:
        actual = ctx.parameters[self.name]
        return [] if actual == self.value else [f"profile parameter '{self.name}' is {actual!r}"]

    def record_types(self) -> set[str]:
        return set()

    def parameters(self) -> set[str]:
        return {self.name}


@dataclass(frozen=True)
class Exists:
    """Any current record of a type exists (used as a condition: 'if participation was held')."""

    record_type: str

    def failures(self, ctx: Context) -> list[str]:
        return [] if ctx.snapshot.current(self.record_type) else [f"no current '{self.record_type}' record"]

    def record_types(self) -> set[str]:
        return {self.record_type}

    def parameters(self) -> set[str]:
        return set()


# -- composition -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AllOf:
    checks: tuple[Check, ...]

    def failures(self, ctx: Context) -> list[str]:
        return [line for check in self.checks for line in check.failures(ctx)]

    def record_types(self) -> set[str]:
        return set().union(*(c.record_types() for c in self.checks))

    def parameters(self) -> set[str]:
        return set().union(*(c.parameters() for c in self.checks))


@dataclass(frozen=True)
class AnyOf:
    """Holds when one alternative holds; otherwise reports why each alternative fails."""

    checks: tuple[Check, ...]

    def failures(self, ctx: Context) -> list[str]:
        reasons = []
        for check in self.checks:
            failed = check.failures(ctx)
            if not failed:
                return []
            reasons.append("; ".join(failed))
        return [" — or — ".join(reasons)]

    def record_types(self) -> set[str]:
        return set().union(*(c.record_types() for c in self.checks))

    def parameters(self) -> set[str]:
        return set().union(*(c.parameters() for c in self.checks))


@dataclass(frozen=True)
class When:
    """``then`` applies only where ``condition`` holds (attribute-conditional and profile-conditional rules)."""

    condition: Check
    then: Check

    def failures(self, ctx: Context) -> list[str]:
        return [] if self.condition.failures(ctx) else self.then.failures(ctx)

    def record_types(self) -> set[str]:
        return self.condition.record_types() | self.then.record_types()

    def parameters(self) -> set[str]:
        return self.condition.parameters() | self.then.parameters()


@dataclass(frozen=True)
class ByTrigger:
    """One rule id whose content depends on the trigger (MD-30's outcome, MD-32's window)."""

    checks: Mapping[str, Check]

    def failures(self, ctx: Context) -> list[str]:
        check = self.checks.get(ctx.trigger)
        return check.failures(ctx) if check else []

    def record_types(self) -> set[str]:
        return set().union(*(c.record_types() for c in self.checks.values()))

    def parameters(self) -> set[str]:
        return set().union(*(c.parameters() for c in self.checks.values()))


@dataclass(frozen=True)
class Predicate:
    """A small pure function of the procedure's own, for what the kinds above cannot say."""

    function: Callable[[Context], list[str]]
    reads: frozenset[str] = field(default_factory=frozenset)
    uses: frozenset[str] = field(default_factory=frozenset)

    def failures(self, ctx: Context) -> list[str]:
        return self.function(ctx)

    def record_types(self) -> set[str]:
        return set(self.reads)

    def parameters(self) -> set[str]:
        return set(self.uses)


def references(check: Any) -> set[tuple[str, str]]:
    """The triggers and case attributes a check names, as ("trigger"|"attribute", name), for validation."""
    found: set[tuple[str, str]] = set()

    def walk(node: Any) -> None:
        if isinstance(node, ByTrigger):
            found.update(("trigger", name) for name in node.checks)
        elif isinstance(node, DaysSinceTrigger):
            found.add(("trigger", node.trigger))
        elif isinstance(node, AttributeIs):
            found.add(("attribute", node.name))
        since = getattr(node, "since", None)
        if isinstance(since, str):
            found.add(("trigger", since))
        if dataclasses.is_dataclass(node) and not isinstance(node, type):
            for item in dataclasses.fields(node):
                walk(getattr(node, item.name))
        elif isinstance(node, tuple | list):
            for item in node:
                walk(item)
        elif isinstance(node, Mapping):
            for item in node.values():
                walk(item)

    walk(check)
    return found
