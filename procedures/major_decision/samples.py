"""Realistic record data for a major-decision case, shared by the demo, the tests and the benchmark.

``walk_to_execution`` lists, in order, every record the spec requires and the seven transitions from
``proposed`` to ``in_execution``, as a client would send them. Dates count from ``start`` (the day the
comment period opens); whoever replays the steps must run them on a day after ``start + 70``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

UNDERTAKING, LEGAL, ORGAN = "undertaking_unit", "legal_office", "decision_organ"


@dataclass(frozen=True)
class Step:
    action: str  # "record" or "fire"
    role: str
    name: str  # record type or trigger
    data: dict[str, Any] | None = None


def _iso(day: dt.date) -> str:
    return day.isoformat()


def case_fields(title: str = "关于调整城市公共交通票价的决策") -> dict[str, Any]:
    return {
        "procedure": "major_decision",
        "title": title,
        "decision_organ": "某市人民政府",
        "undertaking_unit": "某市交通运输局",
    }


def minutes(held_on: dt.date, outcome: str, *, chief_position: str = "support",
            departure_reasons: str | None = None) -> dict[str, Any]:
    extra = {"chief_departure_reasons": departure_reasons} if departure_reasons else {}
    return {**extra,
        "meeting_type": "executive_meeting",
        "held_on": _iso(held_on),
        "attendees": ["王市长", "李副市长", "张副市长", "赵秘书长"],
        "statements": [
            {"member": "李副市长", "is_chief": False, "position": "support", "text": "方案经过充分论证，同意。"},
            {"member": "张副市长", "is_chief": False, "position": "oppose", "text": "低收入群体负担需进一步测算。"},
            {"member": "赵秘书长", "is_chief": False, "position": "support", "text": "程序完备，同意提交。"},
            {"member": "王市长", "is_chief": True, "position": chief_position, "text": "综合讨论意见，作出决定。"},
        ],
        "outcome": outcome,
    }


def opening_steps(start: dt.date) -> list[Step]:
    """From ``proposed`` to ``consultation``."""
    return [
        Step("record", UNDERTAKING, "proposal", {
            "proposer": "某市交通运输局", "proposer_kind": "department",
            "problem": "公交运营亏损持续扩大，票价十年未调整。", "grounds": "《价格法》第二十三条；成本监审报告。",
        }),
        Step("record", ORGAN, "initiation_decision", {
            "decided_on": _iso(start - dt.timedelta(days=30)), "undertaking_unit": "某市交通运输局",
        }),
        Step("record", ORGAN, "catalog_entry", {"year": start.year, "item_no": "2026-07"}),
        Step("fire", ORGAN, "start_drafting"),
        Step("record", UNDERTAKING, "draft", {
            "title": "某市城市公共交通票价调整方案（征求意见稿）",
            "explanation": "基准票价由1元调整为2元，老年人、学生继续享受优惠。",
            "legal_basis": ["《中华人民共和国价格法》第二十三条", "《政府制定价格行为规则》第十条"],
        }),
        Step("fire", UNDERTAKING, "open_consultation"),
    ]


def consultation_steps(start: dt.date, *, hearing: bool, experts: bool, risk: bool) -> list[Step]:
    """The consultation records (30-day comment period from ``start``) and the review submission."""
    steps = [
        Step("record", UNDERTAKING, "comment_notice", {
            "channel": "市政府门户网站", "opens_on": _iso(start), "closes_on": _iso(start + dt.timedelta(days=29)),
            "method": "电子邮件、信函、网上留言",
        }),
    ]
    if hearing:
        steps += [
            Step("record", UNDERTAKING, "hearing_notice", {
                "hearing_on": _iso(start + dt.timedelta(days=15)),
                "materials_sent_on": _iso(start + dt.timedelta(days=5)),
                "participants": ["消费者代表甲", "经营者代表乙", "专家丙", "人大代表丁"],
            }),
            Step("record", UNDERTAKING, "hearing_record", {
                "held_on": _iso(start + dt.timedelta(days=15)), "participants_signed": True,
                "summary": "多数参加人同意调整，建议加强低收入群体补贴。",
            }),
        ]
    if experts:
        for name, field in (("交通大学陈教授", "交通经济"), ("财经大学刘教授", "公共财政"), ("市规划院周研究员", "城市规划")):
            steps.append(Step("record", UNDERTAKING, "expert_opinion", {
                "expert_name": name, "field": field, "signed": True, "direct_interest": False,
                "opinion": "方案必要、可行，建议分步实施。", "given_on": _iso(start + dt.timedelta(days=20)),
            }))
        steps.append(Step("record", UNDERTAKING, "expert_adoption", {"adoption_explanation": "采纳分步实施建议。"}))
    if risk:
        steps.append(Step("record", UNDERTAKING, "risk_assessment_report", {
            "assessor": "某市社会稳定风险评估中心",
            "risk_points": ["低收入群体出行成本上升", "舆情风险"],
            "measures": "发放出行补贴；提前开展政策解读。", "response_plan": "设立热线，建立舆情快速响应机制。",
            "controllable": True,
        }))
    steps += [
        Step("record", UNDERTAKING, "comment_summary", {
            "received": 1280, "adopted": 37, "adoption_explanation": "采纳关于学生优惠、换乘优惠的意见。",
        }),
        Step("record", UNDERTAKING, "legality_review_submission", {
            "submitted_on": _iso(start + dt.timedelta(days=35)),
            "procedure_statement": "已履行公众参与、专家论证、风险评估程序，材料附后。",
            "legal_basis": ["《中华人民共和国价格法》第二十三条"],
        }),
        Step("fire", UNDERTAKING, "submit_for_legality_review"),
    ]
    return steps


def opinion(start: dt.date, conclusion: str = "lawful") -> dict[str, Any]:
    return {
        "conclusion": conclusion, "reasons": "决策权限、程序、内容均符合法律规定。" if conclusion != "unlawful"
        else "方案中收费项目缺乏法律依据。", "issued_on": _iso(start + dt.timedelta(days=60)), "reviewer": "市司法局 孙某",
    }


def decision_steps(start: dt.date) -> list[Step]:
    """From ``legality_review`` (lawful opinion) to ``in_execution``."""
    return [
        Step("record", LEGAL, "legality_review_opinion", opinion(start)),
        Step("fire", UNDERTAKING, "submit_for_discussion"),
        Step("record", ORGAN, "meeting_minutes", minutes(start + dt.timedelta(days=65), "adopt")),
        Step("fire", ORGAN, "adopt"),
        Step("record", ORGAN, "party_committee_report", {
            "reported_on": _iso(start + dt.timedelta(days=66)), "reference_no": "某政报〔2026〕12号",
        }),
        Step("record", ORGAN, "publication", {
            "channel": "government_website", "published_on": _iso(start + dt.timedelta(days=68)),
            "document_no": "某政发〔2026〕20号",
        }),
        Step("fire", ORGAN, "publish"),
        Step("record", ORGAN, "archive_record", {
            "archived_on": _iso(start + dt.timedelta(days=70)), "archive_no": "JC-2026-0007",
        }),
        Step("fire", ORGAN, "archive"),
    ]


def walk_to_execution(start: dt.date, *, hearing: bool = True, experts: bool = True, risk: bool = True) -> list[Step]:
    return opening_steps(start) + consultation_steps(start, hearing=hearing, experts=experts, risk=risk) + decision_steps(start)

