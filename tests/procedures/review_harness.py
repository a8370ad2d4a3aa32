"""A small harness for the rule tests of the review procedures (enforcement, contract, minutes review).

Each procedure's test module describes a ``Walk``: its definition, its sample steps and, for each trigger,
the steps a case takes before firing it with every rule met. A scenario is that prefix with a few steps
dropped or edited (the change helpers of ``tests.procedures.scenarios`` work on any step list); the tests fire
the trigger through the service layer on real SQLite and check the exact set of unmet rules, then the fix.

``TEST_CITY`` is a profile used only by the tests: it switches on what no shipped profile sets (a review time
limit, review before the party is notified, due diligence without a review) so that those rules and deadlines
are exercised; every value cites where the figure comes from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from procedures import all_procedures
from procedures.profiles import PROFILES
from tests.conftest import ACTORS, Clock, apply, state_of
from tests.procedures.scenarios import Change, Correct, apply_fix
from workflow import services
from workflow.adapters.db import Database
from workflow.definition import Parameter, Procedure, Profile
from workflow.errors import RequirementsUnmet
from workflow.registry import ProcedureRegistry
from workflow.services import Actor, Runtime

# Test dates: the walks start on START; the clock (conftest NOW, 2026-10-20) stands after every sample date.
START = dt.date(2026, 6, 1)


@dataclass(frozen=True)
class Walk:
    """One procedure's sample data, as the tests need it."""

    procedure: Procedure
    case_fields: Callable[[], dict[str, Any]]
    prefix: Callable[[str], list[Any]]  # the steps before ``trigger`` with every rule met

    def actor_for(self, trigger: str) -> Actor:
        spec = self.procedure.trigger(trigger)
        assert spec is not None, trigger
        return ACTORS[spec.roles[0]]

    def open_case(self, rt: Runtime, **attributes: Any) -> int:
        return int(services.open_case(rt, ACTORS["undertaking_unit"], attributes=attributes,
                                      **self.case_fields())["id"])

    def build(self, rt: Runtime, trigger: str, attrs: dict[str, Any] | None = None,
              changes: Iterable[Change] = ()) -> int:
        steps = self.prefix(trigger)
        for changed in changes:
            steps = changed(steps)
        case_id = self.open_case(rt, **(attrs or {}))
        apply(rt, case_id, steps)
        return case_id

    # -- assertions -----------------------------------------------------------------------------------
    def assert_refused(self, rt: Runtime, case_id: int, trigger: str, rules: Iterable[str],
                       actor: Actor | None = None) -> list[dict[str, Any]]:
        """Firing ``trigger`` is refused with exactly ``rules`` unmet, each explained; nothing moves."""
        expected = set(rules)
        before = services.case_view(rt, case_id)
        announced = next(n for n in before["next"] if n["trigger"] == trigger)
        assert not announced["allowed"] and {u["rule"] for u in announced["unmet"]} == expected, announced["unmet"]
        with pytest.raises(RequirementsUnmet) as raised:
            services.fire_trigger(rt, actor or self.actor_for(trigger), case_id, trigger=trigger)
        unmet = raised.value.details["unmet"]
        assert sorted(u["rule"] for u in unmet) == sorted(expected), [u["rule"] for u in unmet]
        for entry in unmet:
            rule = self.procedure.rule(entry["rule"])
            assert entry["message"] == rule.message_zh and entry["basis"] == rule.basis.to_dict()
            assert all(entry["basis"][k].strip() for k in ("instrument", "article", "quote"))
            assert entry["details"] and all(isinstance(d, str) and d.strip() for d in entry["details"])
        after = services.case_view(rt, case_id)
        assert (after["state"], after["version"], after["head_hash"]) == (
            before["state"], before["version"], before["head_hash"])
        attempt = services.case_attempts(rt, case_id)[-1]
        assert (attempt["trigger"], attempt["outcome"]) == (trigger, "requirements_unmet")
        return unmet  # type: ignore[no-any-return]

    def assert_fires(self, rt: Runtime, case_id: int, trigger: str, actor: Actor | None = None) -> dict[str, Any]:
        result = services.fire_trigger(rt, actor or self.actor_for(trigger), case_id, trigger=trigger)
        spec = self.procedure.trigger(trigger)
        assert spec is not None
        assert result["state"] == spec.dest == state_of(rt, case_id)
        return result  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Scenario:
    id: str
    trigger: str
    unmet: frozenset[str]
    changes: tuple[Change, ...]
    fix: tuple[Any, ...]
    attrs: dict[str, Any] = field(default_factory=dict)
    profile: str | None = None  # "test_city": run on the registry that also holds TEST_CITY


def s(id_: str, trigger: str, unmet: set[str] | str, changes: tuple[Change, ...] | Change,
      fix: tuple[Any, ...] | Any, *, profile: str | None = None, **attrs: Any) -> Any:
    """A scenario as a pytest param: refused with ``unmet`` after ``changes``; passes after ``fix``."""
    unmet = {unmet} if isinstance(unmet, str) else unmet
    changes = changes if isinstance(changes, tuple) else (changes,)
    fix = fix if isinstance(fix, tuple) else (fix,)
    if profile:
        attrs["jurisdiction"] = profile
    return pytest.param(Scenario(id_, trigger, frozenset(unmet), changes, fix, attrs, profile), id=id_)


@dataclass(frozen=True)
class SetAttribute:
    """A fix that changes a case attribute (as the decision organ, with a reason), e.g. a situation re-assessed."""

    name: str
    value: Any
    reason: str = "经复核，原认定有误"


@dataclass(frozen=True)
class UnderProfile:
    """The "fix" of a rule that only a jurisdiction imposes: no record can lift it, so the test shows the very
    same case passing where the jurisdiction is ``name`` instead."""

    name: str = "national"


def run_scenario(walk: Walk, rt: Runtime, scenario: Scenario) -> None:
    case_id = walk.build(rt, scenario.trigger, scenario.attrs, scenario.changes)
    walk.assert_refused(rt, case_id, scenario.trigger, scenario.unmet)
    elsewhere = [f for f in scenario.fix if isinstance(f, UnderProfile)]
    if elsewhere:
        assert len(scenario.fix) == 1
        other = walk.build(rt, scenario.trigger, {**scenario.attrs, "jurisdiction": elsewhere[0].name},
                           scenario.changes)
        walk.assert_fires(rt, other, scenario.trigger)
        return
    for fix in scenario.fix:
        if isinstance(fix, SetAttribute):
            services.change_attribute(rt, ACTORS["decision_organ"], case_id, name=fix.name, value=fix.value,
                                      reason=fix.reason)
        else:
            apply_fix(rt, case_id, [fix])
    walk.assert_fires(rt, case_id, scenario.trigger)


def assert_every_rule_tested(procedure: Procedure, rule_ids: set[str], scenarios: list[Any],
                             apart: Iterable[str] = ()) -> None:
    """Each rule is unmet in some scenario, and, somewhere, the only unmet one; and each (rule, trigger)
    pair has a scenario, so removing a rule id from any one trigger turns a test red."""
    defined = {rule.id for rule in procedure.rules}
    assert defined == rule_ids, "a rule was added or removed: add or remove its tests"
    found = [p.values[0] for p in scenarios]
    assert set().union(*(sc.unmet for sc in found)) | set(apart) == defined
    for rule_id in defined - set(apart):
        assert any(sc.unmet == {rule_id} for sc in found), rule_id
    pairs = {(rule_id, t.name) for t in procedure.triggers for rule_id in t.rules if rule_id not in set(apart)}
    tested = {(rule_id, sc.trigger) for sc in found for rule_id in sc.unmet}
    assert pairs <= tested, sorted(pairs - tested)


# -- a profile for the tests only ----------------------------------------------------------------------

TEST_CITY = Profile(
    name="test_city",
    title="测试市（仅用于测试）",
    version=1,
    extends="national",
    parameters={
        "enforcement_review_due_working_days": Parameter(
            5, "test value: no source sets one (rulebook §4.2); borrowed from the contract figure of rulebook §4.3",
            confirmed=False),
        "enforcement_review_before_party_notice": Parameter(
            True, "朔州 local rule (rulebook §4.2): 应当在拟作出行政决定未告知管理相对人前…进行法制审查"),
        "contract_review_due_working_days": Parameter(
            5, "rulebook §4.3, one city's rule: the legal office reviews within 5 working days"),
        "contract_filing_due_working_days": Parameter(
            5, "rulebook §4.3, the same city's rule: copies filed within 5 working days after signing"),
        # Due diligence without a legality review: no shipped profile combines them, so this one does, to test
        # that signing without review still needs the preparation the jurisdiction requires.
        "contract_counterparty_investigation_required": Parameter(True, "test combination (潜江 seed 001 #8)"),
        "contract_technical_argumentation_required": Parameter(True, "test combination (潜江 seed 001 #8)"),
        "contract_department_consultation_required": Parameter(True, "test combination (潜江 seed 001 #8)"),
        "contract_ppp_review_required": Parameter(True, "test combination (丽水 seed 002 三(二))"),
    },
)


def runtime_with_test_city(db_url: str, clock: Clock) -> Iterator[Runtime]:
    """A runtime on real SQLite whose registry holds the shipped profiles and ``TEST_CITY``; each test module
    makes it its ``rt_test_city`` fixture."""
    registry = ProcedureRegistry(all_procedures(), (*PROFILES, TEST_CITY))
    runtime = Runtime(db=Database(db_url), registry=registry, clock=clock)
    yield runtime
    runtime.db.dispose()


def runtime_for(scenario: Scenario, request: pytest.FixtureRequest) -> Runtime:
    return request.getfixturevalue("rt_test_city" if scenario.profile == "test_city" else "rt")  # type: ignore[no-any-return]


__all__ = ["START", "TEST_CITY", "Correct", "Scenario", "SetAttribute", "UnderProfile", "Walk", "assert_every_rule_tested",
           "run_scenario", "runtime_for", "runtime_with_test_city", "s"]
