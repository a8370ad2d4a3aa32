"""Scenario helpers for the ``major_decision`` rule tests.

A scenario is the sample walk of ``procedures.major_decision.samples`` cut off just before a trigger,
with a few record steps dropped or edited; the tests then fire the trigger through the service layer
and check the refusal (``assert_refused``) or the transition (``assert_fires``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from procedures.major_decision import VERSIONS, samples
from procedures.major_decision.samples import LEGAL, ORGAN, UNDERTAKING, Step
from tests.conftest import ACTORS, START, apply, catalog_linked, open_case, publish_catalog, state_of
from workflow import services
from workflow.errors import RequirementsUnmet
from workflow.services import Actor, Runtime

PROCEDURE = VERSIONS[-1]  # new cases open under the latest version

HEARING = {"hearing_required": True}
EXPERTS = {"expert_required": True}
RISK = {"risk_assessment_required": True}
ALL_REQUIRED = {**HEARING, **EXPERTS, **RISK}

OPINION = "legality_review_opinion"
SUBMISSION = "legality_review_submission"
SUBMIT = "submit_for_legality_review"
DISCUSS = "submit_for_discussion"

# The outcome a meeting must record for each discussion trigger (MD-30).
OUTCOMES = {"adopt": "adopt", "reject": "reject", "send_back": "revise", "defer": "defer"}

Change = Callable[[list[Step]], list[Step]]


def day(offset: int) -> str:
    """An ISO date ``offset`` days after START (the day the sample comment period opens)."""
    return (START + dt.timedelta(days=offset)).isoformat()


def actor_for(trigger: str) -> Actor:
    """The (first) role the definition lets fire ``trigger``."""
    spec = PROCEDURE.trigger(trigger)
    assert spec is not None, trigger
    return ACTORS[spec.roles[0]]


def record(role: str, name: str, data: dict[str, Any]) -> Step:
    return Step("record", role, name, data)


def fire(trigger: str) -> Step:
    return Step("fire", actor_for(trigger).role, trigger)


def meeting(outcome: str = "adopt", chief_position: str = "support", reasons: str | None = None,
            **changes: Any) -> dict[str, Any]:
    """Sample minutes of an executive meeting (chief speaks last), with ``changes`` applied."""
    data = samples.minutes(START + dt.timedelta(days=65), outcome, chief_position=chief_position,
                           departure_reasons=reasons)
    return {**data, **changes}


STATEMENTS: list[dict[str, Any]] = meeting()["statements"]
ATTENDEES: list[str] = meeting()["attendees"]

# -- sample records the samples module does not carry (execution stages and exceptions) --------------

SUSPENSION_ORDER = record(ORGAN, "suspension_order", {
    "ordered_on": day(100), "circumstance": "第三十五条：客观情况发生重大变化，低收入群体出行负担明显加重。",
    "urgency": "春运临近，如不立即中止将影响数十万人出行。",
})
EXECUTION_REPORT = record(UNDERTAKING, "execution_report", {
    "reported_on": day(110), "status": "整改完成", "notes": "出行补贴已发放到位，执行台账已更新。",
})
EVALUATION_DECISION = record(ORGAN, "post_evaluation_decision", {
    "trigger": "公民、法人或者其他组织提出较多意见", "evaluator": "某大学公共政策研究院",
})


def evaluation_report(recommendation: str = "continue") -> Step:
    return record(ORGAN, "post_evaluation_report", {
        "completed_on": day(200), "findings": "票价调整基本实现预期目标，补贴覆盖面需扩大。",
        "recommendation": recommendation,
    })


NON_DISCLOSURE = record(ORGAN, "non_disclosure_basis", {
    "ground": "state_secret_or_security", "citation": "《中华人民共和国政府信息公开条例》第十四条",
})
SUPPLEMENT_REQUEST = record(LEGAL, "supplement_request", {
    "requested_on": day(40), "missing": ["成本监审报告全文", "听证会笔录"],
})
REVISION_NOTE = record(UNDERTAKING, "revision_note", {"changes": "删除无法律依据的附加收费条款。"})
REFORM_STATEMENT = record(ORGAN, "exploratory_reform_statement", {
    "legal_risk": "国家尚无明确规定；收费项目可能被认定缺乏上位法依据，已向决策机关明示。",
})

# What each trigger past the sample walk needs, appended to the walk (which ends in ``in_execution``).
AFTER_WALK: dict[str, list[Step]] = {
    "major_adjustment": [],
    "suspend": [SUSPENSION_ORDER],
    "resume_execution": [SUSPENSION_ORDER, fire("suspend"), EXECUTION_REPORT],
    "start_post_evaluation": [EVALUATION_DECISION],
    "complete_post_evaluation": [EVALUATION_DECISION, fire("start_post_evaluation"), evaluation_report()],
    "terminate": [EVALUATION_DECISION, fire("start_post_evaluation"), evaluation_report("terminate")],
}

# -- building step lists -----------------------------------------------------------------------------


def walk(**attrs: bool) -> list[Step]:
    """The sample walk from ``proposed`` to ``in_execution`` for a case with these attributes."""
    return samples.walk_to_execution(
        START, hearing=attrs.get("hearing_required", False), experts=attrs.get("expert_required", False),
        risk=attrs.get("risk_assessment_required", False),
    )


DEPARTURE_REASONS = "多数意见未充分考虑财政承受能力，决定另作安排。"


def upto(steps: list[Step], trigger: str) -> list[Step]:
    """The steps before the first firing of ``trigger``."""
    return steps[: next(i for i, s in enumerate(steps) if s.action == "fire" and s.name == trigger)]


def through(steps: list[Step], trigger: str) -> list[Step]:
    """The steps up to and including the first firing of ``trigger``."""
    return steps[: len(upto(steps, trigger)) + 1]


def prefix(trigger: str, **attrs: bool) -> list[Step]:
    """Every sample step a case takes before ``trigger`` is fired, with all its rules met."""
    steps = walk(**attrs)
    if trigger in OUTCOMES:
        # The sample majority supports the draft; any other decision must give the chief's reasons (MD-30).
        reasons = {} if trigger == "adopt" else {"chief_departure_reasons": DEPARTURE_REASONS}
        return edited(upto(steps, "adopt"), "meeting_minutes", outcome=OUTCOMES[trigger], **reasons)
    if trigger == "return_for_supplement":
        return [s for s in upto(steps, DISCUSS) if s.name != OPINION] + [SUPPLEMENT_REQUEST]
    if trigger in AFTER_WALK:
        return steps + AFTER_WALK[trigger]
    if trigger in ("resume", "expire"):
        return prefix("defer", **attrs) + [fire("defer")]
    return upto(steps, trigger)


def records_before(trigger: str, **attrs: bool) -> list[Step]:
    """The record steps between the previous firing and ``trigger`` (the stage's own records)."""
    steps = prefix(trigger, **attrs)
    last_fire = max((i for i, s in enumerate(steps) if s.action == "fire"), default=-1)
    return steps[last_fire + 1:]


def sample(name: str, **match: Any) -> Step:
    """The first sample step recording ``name`` whose data contains ``match``."""
    pool = walk(**ALL_REQUIRED) + [s for extra in AFTER_WALK.values() for s in extra] + [
        NON_DISCLOSURE, SUPPLEMENT_REQUEST, REVISION_NOTE, REFORM_STATEMENT]
    return next(s for s in pool if s.name == name and all(s.data.get(k) == v for k, v in match.items()))


def edited(steps: Iterable[Step], name: str, **fields: Any) -> list[Step]:
    return [dataclasses.replace(s, data={**s.data, **fields}) if s.action == "record" and s.name == name else s
            for s in steps]


# Changes applied to a prefix (composable, listed in a scenario).

def drop(*names: str) -> Change:
    """Leave out every step (record or firing) with one of these names."""
    return lambda steps: [s for s in steps if s.name not in names]


def drop_where(name: str, **match: Any) -> Change:
    return lambda steps: [s for s in steps if not (s.name == name and all(s.data.get(k) == v for k, v in match.items()))]


def change(name: str, **fields: Any) -> Change:
    return lambda steps: edited(steps, name, **fields)


def add(*extra: Step) -> Change:
    return lambda steps: steps + list(extra)


def add_before(name: str, *extra: Step) -> Change:
    def apply_change(steps: list[Step]) -> list[Step]:
        at = next(i for i, s in enumerate(steps) if s.name == name)
        return steps[:at] + list(extra) + steps[at:]
    return apply_change


def recorded_by(name: str, role: str) -> Change:
    return lambda steps: [dataclasses.replace(s, role=role) if s.name == name else s for s in steps]


def build(rt: Runtime, trigger: str, attrs: dict[str, Any] | None = None, changes: Iterable[Change] = ()) -> int:
    """A case that has taken the (changed) sample steps before ``trigger``; returns its id."""
    attrs = attrs or {}
    steps = prefix(trigger, **{k: v for k, v in attrs.items() if k in ALL_REQUIRED})
    for changed in changes:
        steps = changed(steps)
    if catalog_linked(rt, attrs.get("jurisdiction")):
        publish_catalog(rt)  # the jurisdiction's catalog entries must name a published item (v3)
    case_id = open_case(rt, **attrs)
    apply(rt, case_id, steps)
    return case_id


# -- corrections --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Correct:
    """A correction step: supersede the latest current record of ``name`` with its data edited."""

    role: str
    name: str
    fields: dict[str, Any]
    reason: str = "更正：原记录有误"


def correct(role: str, name: str, reason: str = "更正：原记录有误", **fields: Any) -> Correct:
    return Correct(role, name, fields, reason)


def latest(rt: Runtime, case_id: int, name: str) -> dict[str, Any]:
    """The latest current record of a type, as ``case_view`` shows it."""
    found = [r for r in services.case_view(rt, case_id)["records"] if r["type"] == name and r["current"]]
    assert found, f"no current '{name}' record"
    return found[-1]


def supersede(rt: Runtime, case_id: int, fix: Correct) -> dict[str, Any]:
    old = latest(rt, case_id, fix.name)
    data = {k: v for k, v in old["data"].items() if k != "case_chain_head"}
    return services.add_record(rt, ACTORS[fix.role], case_id, record_type=fix.name, data={**data, **fix.fields},
                               supersedes=old["id"], reason=fix.reason)


def apply_fix(rt: Runtime, case_id: int, fixes: Iterable[Step | Correct]) -> None:
    for fix in fixes:
        if isinstance(fix, Correct):
            supersede(rt, case_id, fix)
        else:
            apply(rt, case_id, [fix])


# -- assertions ---------------------------------------------------------------------------------------


def assert_explained(unmet: dict[str, Any]) -> None:
    """An unmet entry carries the rule's message and its legal basis (instrument, article, quote)."""
    rule = PROCEDURE.rule(unmet["rule"])
    assert isinstance(unmet["message"], str) and unmet["message"].strip()
    assert unmet["message"] == rule.message_zh
    basis = unmet["basis"]
    for key in ("instrument", "article", "quote"):
        assert isinstance(basis[key], str) and basis[key].strip(), (unmet["rule"], key)
    assert basis == rule.basis.to_dict()
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

    details = raised.value.details
    unmet = details["unmet"]
    assert sorted(u["rule"] for u in unmet) == sorted(expected), [u["rule"] for u in unmet]
    for entry in unmet:
        assert_explained(entry)
    assert (details["trigger"], details["state"]) == (trigger, before["state"])

    after = services.case_view(rt, case_id)
    assert (after["state"], after["version"], after["head_hash"]) == (
        before["state"], before["version"], before["head_hash"])
    logged = services.case_attempts(rt, case_id)
    assert len(logged) == len(attempts) + 1
    attempt = logged[-1]
    assert (attempt["trigger"], attempt["outcome"], attempt["state"], attempt["case_version"]) == (
        trigger, "requirements_unmet", before["state"], before["version"])
    assert {u["rule"] for u in attempt["unmet"]} == expected
    return unmet


def assert_fires(rt: Runtime, case_id: int, trigger: str, actor: Actor | None = None) -> dict[str, Any]:
    result = services.fire_trigger(rt, actor or actor_for(trigger), case_id, trigger=trigger)
    dest = PROCEDURE.trigger(trigger).dest  # type: ignore[union-attr]
    assert result["state"] == dest == state_of(rt, case_id)
    return result
