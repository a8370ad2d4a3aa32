"""Annual statistics as data: counters over the chained events, per decision organ and year.

A report (``procedures/reports.py``) is a tuple of ``Counter`` and ``Minimum`` definitions; this module
counts them from the case snapshots, so the figures an office reports each year (written legality opinions,
hearings held, documents filed on time…) come from the same facts an auditor can replay. A year is a
calendar year in China time (the legal date of each event).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter as Tally
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from workflow.snapshot import CaseSnapshot, legal_date

CounterKind = Literal["opened", "fired", "recorded", "deadline", "refused"]


@dataclass(frozen=True)
class Counter:
    """One figure of the report.

    - ``opened``: cases of ``sources`` procedures opened in the year;
    - ``fired``: firings of the ``sources`` (procedure, trigger) pairs in the year;
    - ``recorded``: records of the ``sources`` (procedure, record type) pairs added in the year, each counted
      once (a corrected record counts as its latest correction), broken down by ``by`` (a field) if given;
    - ``deadline``: deadlines of the ``sources`` (procedure, deadline id) pairs falling due in the year,
      broken down into met on time, met late, overdue and open;
    - ``refused``: refused transition attempts in the year, broken down by unmet rule.
    """

    id: str
    label: str
    label_en: str
    kind: CounterKind
    sources: tuple[tuple[str, str], ...] | tuple[str, ...] = ()
    by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": {"zh": self.label, "en": self.label_en}, "kind": self.kind,
                "sources": [list(s) if isinstance(s, tuple) else s for s in self.sources], "by": self.by}


@dataclass(frozen=True)
class Minimum:
    """A yearly minimum a jurisdiction sets for a counter (e.g. 甘肃: at least 2 post-evaluations a year)."""

    id: str
    label: str
    label_en: str
    counter: str
    parameter: str  # the profile parameter holding the minimum (None there: no minimum)


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    title_en: str
    counters: tuple[Counter, ...]
    minimums: tuple[Minimum, ...] = ()


@dataclass
class CaseFacts:
    """What the counters read of one case: its snapshot, deadlines and refused attempts."""

    snapshot: CaseSnapshot
    opened_on: dt.date
    deadlines: list[dict[str, Any]] = field(default_factory=list)
    attempts: list[Mapping[str, Any]] = field(default_factory=list)


def _in_year(day: dt.date | str | None, year: int) -> bool:
    if day is None:
        return False
    if isinstance(day, str):
        return day[:4] == str(year)
    return day.year == year


def _opened(counter: Counter, facts: CaseFacts, year: int, breakdown: Tally[str]) -> int:
    return int(facts.snapshot.procedure in counter.sources and _in_year(facts.opened_on, year))


def _wanted(counter: Counter, procedure: str) -> set[str]:
    return {part for name, part in counter.sources if name == procedure}  # type: ignore[misc]


def _fired(counter: Counter, facts: CaseFacts, year: int, breakdown: Tally[str]) -> int:
    wanted = _wanted(counter, facts.snapshot.procedure)
    return sum(1 for t in facts.snapshot.transitions if t.trigger in wanted and _in_year(legal_date(t.at), year))


def _recorded(counter: Counter, facts: CaseFacts, year: int, breakdown: Tally[str]) -> int:
    wanted = _wanted(counter, facts.snapshot.procedure)
    found = [r for r in facts.snapshot.records
             if r.type in wanted and r.superseded_by is None and _in_year(r.recorded_on, year)]
    if counter.by:
        breakdown.update(str(r.data.get(counter.by)) for r in found)
    return len(found)


def _deadline(counter: Counter, facts: CaseFacts, year: int, breakdown: Tally[str]) -> int:
    wanted = _wanted(counter, facts.snapshot.procedure)
    found = [d for d in facts.deadlines if d["id"] in wanted and _in_year(d["due_on"], year)]
    breakdown.update(_timeliness(d) for d in found)
    return len(found)


def _refused(counter: Counter, facts: CaseFacts, year: int, breakdown: Tally[str]) -> int:
    found = [a for a in facts.attempts if _in_year(legal_date(dt.datetime.fromisoformat(a["at"])), year)]
    breakdown.update(u["rule"] for a in found for u in a.get("unmet") or [])
    return len(found)


_COUNT = {"opened": _opened, "fired": _fired, "recorded": _recorded, "deadline": _deadline, "refused": _refused}


def count(counter: Counter, cases: Iterable[CaseFacts], year: int) -> dict[str, Any]:
    breakdown: Tally[str] = Tally()
    total = sum(_COUNT[counter.kind](counter, facts, year, breakdown) for facts in cases)
    return {**counter.to_dict(), "value": total, "breakdown": dict(sorted(breakdown.items()))}


def _timeliness(deadline: Mapping[str, Any]) -> str:
    if deadline["met_on"] is not None:
        return "met_on_time" if deadline["due_on"] is None or deadline["met_on"] <= deadline["due_on"] else "met_late"
    return "overdue" if deadline.get("status") == "overdue" else "open"
