"""Demo cases for ``juece demo`` and ``make run``: idempotent, recorded through the service layer.

The demo's record dates are fixed in 2026 (a decision logged after the fact), so they stay on years the
statutory calendar knows whatever day the demo is loaded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from procedures.major_decision import samples
from procedures.major_decision.samples import LEGAL, ORGAN, UNDERTAKING, Step
from workflow import services
from workflow.errors import RequirementsUnmet
from workflow.services import Actor, Runtime

START = dt.date(2026, 6, 1)
DEMO_USERS = {
    UNDERTAKING: "demo-undertaking-unit",
    LEGAL: "demo-legal-office",
    ORGAN: "demo-decision-organ",
    "auditor": "demo-auditor",
    "admin": "demo-admin",
}
ALL_REQUIRED = {"hearing_required": True, "expert_required": True, "risk_assessment_required": True}


def _to_review(start: dt.date, **flags: bool) -> list[Step]:
    return samples.opening_steps(start) + samples.consultation_steps(
        start, hearing=flags.get("hearing_required", False), experts=flags.get("expert_required", False),
        risk=flags.get("risk_assessment_required", False),
    )


def _to_discussion(start: dt.date) -> list[Step]:
    return _to_review(start) + [
        Step("record", LEGAL, "legality_review_opinion", samples.opinion(start)),
        Step("fire", UNDERTAKING, "submit_for_discussion"),
    ]


def _scenarios() -> list[tuple[str, dict[str, Any], list[Step], bool]]:
    unlawful = _to_review(START) + [
        Step("record", LEGAL, "legality_review_opinion", samples.opinion(START, "unlawful")),
        Step("fire", UNDERTAKING, "submit_for_discussion"),  # refused: MD-20; the attempt is logged
    ]
    rejected = _to_discussion(START) + [
        Step("record", ORGAN, "meeting_minutes", samples.minutes(START + dt.timedelta(days=65), "reject", chief_position="oppose",
                                                        departure_reasons="选址邻近水源保护区，环境风险未能排除。")),
        Step("fire", ORGAN, "reject"),
    ]
    deferred = _to_discussion(START) + [
        Step("record", ORGAN, "meeting_minutes", samples.minutes(START + dt.timedelta(days=65), "defer", chief_position="abstain",
                                                        departure_reasons="补贴资金来源尚待财政部门论证。")),
        Step("fire", ORGAN, "defer"),
    ]
    return [
        ("关于调整城市公共交通票价的决策（演示：完整流程）", ALL_REQUIRED, samples.walk_to_execution(START), False),
        ("关于收取城市道路临时占用费的决策（演示：审查认定不合法）", {}, unlawful, True),
        ("关于建设城区垃圾焚烧发电项目的决策（演示：不予通过）", {}, rejected, False),
        ("关于老旧小区加装电梯补贴标准的决策（演示：暂缓）", {}, deferred, False),
    ]


def apply_steps(rt: Runtime, actors: dict[str, Actor], case_id: int, steps: list[Step]) -> None:
    """Run sample steps through the service layer, each its own transaction, as the role's actor."""
    for step in steps:
        actor = actors[step.role]
        if step.action == "record":
            services.add_record(rt, actor, case_id, record_type=step.name, data=step.data)
        else:
            services.fire_trigger(rt, actor, case_id, trigger=step.name)


def load_demo(rt: Runtime) -> list[int]:
    """Create the demo users and cases unless they exist; return the demo case ids."""
    existing_users = {u["name"] for u in services.list_users(rt)}
    for role, name in DEMO_USERS.items():
        if name not in existing_users:
            services.add_user(rt, name, role)
    actors = {role: Actor(name, role) for role, name in DEMO_USERS.items()}
    ids = []
    for title, attributes, steps, ends_refused in _scenarios():
        found, _ = services.list_cases(rt, q=title, limit=1)
        if found:
            ids.append(found[0]["id"])
            continue
        case = services.open_case(rt, actors[UNDERTAKING], attributes=attributes, **samples.case_fields(title))
        apply_steps(rt, actors, case["id"], steps[:-1] if ends_refused else steps)
        if ends_refused:
            try:
                apply_steps(rt, actors, case["id"], steps[-1:])
            except RequirementsUnmet:
                pass  # refused on purpose: the attempt log shows the try to skip a failed review
            else:
                raise AssertionError(f"demo case {case['id']}: the last step should have been refused")
        ids.append(case["id"])
    return ids
