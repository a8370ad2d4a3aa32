"""The few checks of ``major_decision`` that the generic rule kinds cannot say: pure functions of a Context."""

from __future__ import annotations

from typing import Any

from workflow.rules import Context

# MD-30: which meeting outcome each discussion trigger carries out.
OUTCOME_OF_TRIGGER = {"adopt": "adopt", "reject": "reject", "send_back": "revise", "defer": "defer"}
# art. 30: "行政首长拟作出的决定与会议组成人员多数人的意见不一致的，应当在会上说明理由". A majority for or
# against the draft agrees only with adoption or rejection; revising or deferring departs from either.
DECISION_POSITION = {"adopt": "support", "reject": "oppose"}


def _majority_position(statements: list[dict[str, Any]]) -> str | None:
    """The position held by more than half of the members other than the chief, if any."""
    members = [s for s in statements if not s["is_chief"]]
    for position in ("support", "oppose", "abstain"):
        if sum(s["position"] == position for s in members) * 2 > len(members):
            return position
    return None


def minutes_conform(ctx: Context) -> list[str]:
    """MD-30: meeting type, chief last, departure reasons, statements by named attendees, outcome."""
    minutes = ctx.snapshot.latest("meeting_minutes")
    if minutes is None:
        return ["no current 'meeting_minutes' record for this meeting"]
    data = minutes.data
    problems = []
    level = ctx.snapshot.attributes.get("organ_level", "government")
    allowed = ctx.parameters["meeting_types"].get(level, [])
    if data["meeting_type"] not in allowed:
        problems.append(f"meeting type '{data['meeting_type']}' is not allowed for a {level} organ (allowed: {', '.join(allowed)})")
    statements = data["statements"]
    chiefs = [i for i, s in enumerate(statements) if s["is_chief"]]
    if len(chiefs) != 1:
        problems.append(f"the minutes must hold exactly one statement by the chief, found {len(chiefs)}")
    elif chiefs[0] != len(statements) - 1:
        problems.append("the chief (行政首长) must speak last; the chief's statement is not the last one")
    else:
        majority = _majority_position(statements)
        departs = majority in ("support", "oppose") and (
            statements[chiefs[0]]["position"] != majority or DECISION_POSITION.get(data["outcome"]) != majority
        )
        if departs and not (data.get("chief_departure_reasons") or "").strip():
            problems.append(
                f"the chief's decision '{data['outcome']}' departs from the majority view '{majority}' "
                "and no chief_departure_reasons are recorded"
            )
    attendees = set(data["attendees"])
    strangers = [s["member"] for s in statements if s["member"] not in attendees]
    if strangers:
        problems.append(f"statements by people not listed as attendees: {', '.join(strangers)}")
    expected = OUTCOME_OF_TRIGGER.get(ctx.trigger)
    if expected is not None and data["outcome"] != expected:
        problems.append(f"the minutes record outcome '{data['outcome']}', '{ctx.trigger}' needs '{expected}'")
    return problems


def chief_adopts(ctx: Context) -> list[str]:
    """MD-31: an adoption is the chief's own decision, made on the basis of the discussion."""
    minutes = ctx.snapshot.latest("meeting_minutes")
    if minutes is None:
        return ["no current 'meeting_minutes' record"]
    chiefs = [s for s in minutes.data["statements"] if s["is_chief"]]
    if not chiefs or chiefs[-1]["position"] != "support":
        return ["the chief's statement does not support adoption"]
    return []


def _same_unit(a: str, b: str) -> bool:
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


def evaluator_independent(ctx: Context) -> list[str]:
    """MD-41: the evaluator is neither the undertaking unit nor a unit that assessed the risk."""
    decision = ctx.snapshot.latest("post_evaluation_decision", since="complete_post_evaluation")
    if decision is None:
        return ["no current 'post_evaluation_decision' since the last post-evaluation"]
    evaluator = decision.data["evaluator"]
    problems = []
    if _same_unit(evaluator, ctx.snapshot.undertaking_unit):
        problems.append(f"the evaluator '{evaluator}' is the undertaking unit")
    assessors = {r.data["assessor"] for r in ctx.snapshot.records if r.type == "risk_assessment_report"}
    if any(_same_unit(evaluator, a) for a in assessors):
        problems.append(f"the evaluator '{evaluator}' carried out the risk assessment")
    return problems
