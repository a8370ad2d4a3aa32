"""Scenario helpers for the ``normative_document`` tests (rules, numbering, deadlines).

A scenario is the sample walk of ``procedures.normative_document.samples`` cut off just before a trigger,
with a few steps dropped or edited; the tests then fire the trigger through the service layer and check the
refusal (``assert_refused``) or the transition (``assert_fires``). Everything runs on the real database of
the ``rt`` fixture (SQLite, or PostgreSQL with ``JUECE_TEST_DATABASE=postgres``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from procedures.normative_document import samples
from procedures.normative_document.samples import LEGAL, ORGAN, UNDERTAKING, Step
from procedures.normative_document.v1 import PROCEDURE
from tests.conftest import ACTORS, START, Clock, apply
from workflow import services
from workflow.errors import RequirementsUnmet
from workflow.services import Actor, Runtime

QIANJIANG_ASSESSMENTS = {"integrity": True, "experts": True, "risk": True}
SUBMIT = "submit_for_legality_review"
DISCUSS = "submit_for_discussion"
OPINION = "legality_review_opinion"
OUTCOMES = {"adopt": "adopt", "send_back": "revise", "reject": "reject"}

Change = Callable[[list[Step]], list[Step]]


def day(offset: int, start: dt.date = START) -> str:
    return (start + dt.timedelta(days=offset)).isoformat()


def actor_for(trigger: str) -> Actor:
    spec = PROCEDURE.trigger(trigger)
    assert spec is not None, trigger
    return ACTORS[spec.roles[0]]


def record(role: str, name: str, data: dict[str, Any]) -> Step:
    return Step("record", role, name, data)


def fire(trigger: str) -> Step:
    return Step("fire", actor_for(trigger).role, trigger)


def open_document(rt: Runtime, title: str | None = None, **attributes: Any) -> int:
    fields = samples.case_fields(title) if title else samples.case_fields()
    return int(services.open_case(rt, ACTORS[UNDERTAKING], attributes=attributes, **fields)["id"])


# -- sample records beyond the walk ----------------------------------------------------------------------

REVISION_NOTE = record(UNDERTAKING, "revision_note", {"changes": "删除第十二条增设的审批条件。"})
CLEANUP_KEEP = record(LEGAL, "cleanup_review", samples.cleanup_review(START, "keep"))
CLEANUP_AMEND = record(LEGAL, "cleanup_review", samples.cleanup_review(START, "amend"))
CLEANUP_REPEAL = record(LEGAL, "cleanup_review", samples.cleanup_review(START, "repeal"))
CORRECTION_ORDER = record(LEGAL, "filing_review", samples.filing_review(START))
NO_OBJECTION = record(LEGAL, "filing_review", samples.filing_review(START, "no_objection"))
REPEAL_NOTICE = record(ORGAN, "repeal_notice", samples.repeal_notice(START))

# What each trigger past the walk needs, appended to it (the walk ends in ``in_force``).
AFTER_WALK: dict[str, list[Step]] = {
    "start_cleanup": [],
    "keep_in_force": [fire("start_cleanup"), CLEANUP_KEEP],
    "amend": [fire("start_cleanup"), CLEANUP_AMEND],
    "repeal": [fire("start_cleanup"), CLEANUP_REPEAL, REPEAL_NOTICE],
    "expire": [],
}


def walk(market: bool = False, integrity: bool = False, experts: bool = False, risk: bool = False,
         register: bool = True, start: dt.date = START) -> list[Step]:
    return samples.walk_to_in_force(start, market=market, integrity=integrity, experts=experts, risk=risk,
                                    register=register)


def upto(steps: list[Step], trigger: str) -> list[Step]:
    """The steps before the first firing of ``trigger``."""
    return steps[: next(i for i, s in enumerate(steps) if s.action == "fire" and s.name == trigger)]


def through(steps: list[Step], trigger: str) -> list[Step]:
    return steps[: len(upto(steps, trigger)) + 1]


def edited(steps: Iterable[Step], name: str, **fields: Any) -> list[Step]:
    return [dataclasses.replace(s, data={**s.data, **fields}) if s.action == "record" and s.name == name else s
            for s in steps]


def prefix(trigger: str, **flags: Any) -> list[Step]:
    """Every sample step a case takes before ``trigger`` is fired, with all its rules met."""
    steps = walk(**flags)
    if trigger in OUTCOMES:
        return edited(upto(steps, "adopt"), "meeting_minutes", outcome=OUTCOMES[trigger])
    if trigger == "return_for_redrafting":
        return edited(upto(steps, DISCUSS), OPINION, **samples.opinion(START, "unlawful"))
    if trigger in AFTER_WALK:
        return steps + AFTER_WALK[trigger]
    return upto(steps, trigger)


def sample(name: str) -> Step:
    """The first sample step recording ``name`` (from a walk with every optional step)."""
    pool = walk(market=True, **QIANJIANG_ASSESSMENTS) + [s for extra in AFTER_WALK.values() for s in extra] + [
        REVISION_NOTE, CORRECTION_ORDER]
    return next(s for s in pool if s.action == "record" and s.name == name)


# Changes applied to a prefix (composable).

def drop(*names: str) -> Change:
    return lambda steps: [s for s in steps if s.name not in names]


def change(name: str, **fields: Any) -> Change:
    return lambda steps: edited(steps, name, **fields)


def without(name: str, *fields: str) -> Change:
    """Leave optional ``fields`` out of every ``name`` record."""
    return lambda steps: [dataclasses.replace(s, data={k: v for k, v in s.data.items() if k not in fields})
                          if s.action == "record" and s.name == name else s for s in steps]


def add(*extra: Step) -> Change:
    return lambda steps: steps + list(extra)


def recorded_by(name: str, role: str) -> Change:
    return lambda steps: [dataclasses.replace(s, role=role) if s.name == name else s for s in steps]


def build(rt: Runtime, trigger: str, attrs: dict[str, Any] | None = None, changes: Iterable[Change] = (),
          **flags: Any) -> int:
    """A case that has taken the (changed) sample steps before ``trigger``; returns its id."""
    attrs = attrs or {}
    steps = prefix(trigger, market=attrs.get("market_related", False), **flags)
    for changed in changes:
        steps = changed(steps)
    case_id = open_document(rt, **attrs)
    apply(rt, case_id, steps)
    return case_id


# -- corrections and fixes ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Correct:
    """Supersede the latest current record of ``name`` with its data edited (or ``drop`` fields removed)."""

    role: str
    name: str
    fields: dict[str, Any]
    reason: str = "更正：原记录有误"
    drop: tuple[str, ...] = ()


def correct(role: str, name: str, reason: str = "更正：原记录有误", drop: tuple[str, ...] = (),
            **fields: Any) -> Correct:
    return Correct(role, name, fields, reason, drop)


@dataclasses.dataclass(frozen=True)
class Env:
    rt: Runtime
    case_id: int
    clock: Clock


Fix = Step | Correct | Callable[[Env], Any]


def latest(rt: Runtime, case_id: int, name: str) -> dict[str, Any]:
    found = [r for r in services.case_view(rt, case_id)["records"] if r["type"] == name and r["current"]]
    assert found, f"no current '{name}' record"
    return found[-1]


def client_data(name: str, data: dict[str, Any]) -> dict[str, Any]:
    """A record's data without the fields the engine sets (what a client sends back in a correction)."""
    kind = PROCEDURE.record_type(name)
    assert kind is not None
    engine_set = {f.name for f in kind.fields if f.server_set}
    return {k: v for k, v in data.items() if k not in engine_set}


def supersede(rt: Runtime, case_id: int, fix: Correct) -> dict[str, Any]:
    old = latest(rt, case_id, fix.name)
    data = {k: v for k, v in client_data(fix.name, old["data"]).items() if k not in fix.drop}
    return services.add_record(rt, ACTORS[fix.role], case_id, record_type=fix.name, data={**data, **fix.fields},
                               supersedes=old["id"], reason=fix.reason)


def apply_fix(env: Env, fixes: Iterable[Fix]) -> None:
    for fix in fixes:
        if isinstance(fix, Correct):
            supersede(env.rt, env.case_id, fix)
        elif isinstance(fix, Step):
            apply(env.rt, env.case_id, [fix])
        else:
            fix(env)


# -- assertions ---------------------------------------------------------------------------------------------


def assert_explained(unmet: dict[str, Any]) -> None:
    """An unmet entry carries the rule's message and its legal basis (instrument, article, quote)."""
    rule = PROCEDURE.rule(unmet["rule"])
    assert unmet["message"] == rule.message_zh and unmet["message_en"] == rule.message_en
    for key in ("instrument", "article", "quote"):
        assert isinstance(unmet["basis"][key], str) and unmet["basis"][key].strip(), (unmet["rule"], key)
    assert unmet["basis"] == rule.basis.to_dict()
    assert unmet["details"] and all(isinstance(d, str) and d.strip() for d in unmet["details"])


def assert_refused(rt: Runtime, case_id: int, trigger: str, rules: Iterable[str],
                   actor: Actor | None = None) -> list[dict[str, Any]]:
    """Firing ``trigger`` is refused with exactly ``rules`` unmet; nothing moves; the attempt is logged."""
    expected = set(rules)
    before = services.case_view(rt, case_id)
    attempts = services.case_attempts(rt, case_id)
    announced = next(n for n in before["next"] if n["trigger"] == trigger)
    assert not announced["allowed"] and {u["rule"] for u in announced["unmet"]} == expected

    with pytest.raises(RequirementsUnmet) as raised:
        services.fire_trigger(rt, actor or actor_for(trigger), case_id, trigger=trigger)

    unmet = raised.value.details["unmet"]
    assert sorted(u["rule"] for u in unmet) == sorted(expected), [u["rule"] for u in unmet]
    for entry in unmet:
        assert_explained(entry)
    after = services.case_view(rt, case_id)
    assert (after["state"], after["version"], after["head_hash"]) == (
        before["state"], before["version"], before["head_hash"])
    logged = services.case_attempts(rt, case_id)
    assert len(logged) == len(attempts) + 1
    assert (logged[-1]["trigger"], logged[-1]["outcome"]) == (trigger, "requirements_unmet")
    assert {u["rule"] for u in logged[-1]["unmet"]} == expected
    return list(unmet)


def assert_fires(rt: Runtime, case_id: int, trigger: str, actor: Actor | None = None) -> dict[str, Any]:
    result = services.fire_trigger(rt, actor or actor_for(trigger), case_id, trigger=trigger)
    spec = PROCEDURE.trigger(trigger)
    assert spec is not None
    assert result["state"] == spec.dest == services.case_view(rt, case_id)["state"]
    return result


def deadline(rt: Runtime, case_id: int, deadline_id: str) -> dict[str, Any] | None:
    return next((d for d in services.case_view(rt, case_id)["deadlines"] if d["id"] == deadline_id), None)
