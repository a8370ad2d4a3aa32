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


def _other_procedures() -> list[tuple[dict[str, Any], dict[str, Any], list[Step]]]:
    """One case of each other procedure, walked to its end by its own sample walk: (fields, attributes, steps)."""
    from procedures.contract_review import samples as contract
    from procedures.decision_catalog import samples as catalog
    from procedures.enforcement_review import samples as enforcement
    from procedures.minutes_review import samples as minutes
    from procedures.normative_document import samples as normative

    return [
        (catalog.case_fields(2026), {}, catalog.walk(2026)),
        # 潜江 keeps its catalog in juece: this decision's catalog entry names the published item 2026-07.
        (samples.case_fields("关于公共交通票价联动机制的决策（演示：潜江规则，已列入目录）"), {"jurisdiction": "qianjiang"},
         samples.opening_steps(START)),
        ({**normative.case_fields(), "title": "某市城市道路临时占用管理规定（演示：潜江规则，已报备）"},
         {"jurisdiction": "qianjiang"}, normative.walk_to_in_force(START, integrity=True, experts=True, risk=True)),
        (enforcement.case_fields("某化工有限公司违法排放大气污染物案（演示：法制审核）"), enforcement.CASE_ATTRIBUTES,
         enforcement.walk(START)),
        (contract.case_fields("城区污水处理厂PPP项目合同（演示：丽水规则，已备案）"),
         {**contract.CASE_ATTRIBUTES, "jurisdiction": "lishui"}, contract.walk(START)),
        (minutes.case_fields("市政府第12次常务会议纪要（演示：合法性审查后印发）"), minutes.CASE_ATTRIBUTES, minutes.walk(START)),
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
    for fields, attributes, steps in _other_procedures():
        found, _ = services.list_cases(rt, q=fields["title"], limit=1)
        if found:
            ids.append(found[0]["id"])
            continue
        opener = actors[ORGAN] if fields["procedure"] == "decision_catalog" else actors[UNDERTAKING]
        case = services.open_case(rt, opener, attributes=attributes, **fields)
        apply_steps(rt, actors, case["id"], steps)
        ids.append(case["id"])
    return ids
