"""Realistic record data for an enforcement-review case, shared by the tests and the demo.

``walk(start)`` lists, in order, every record and transition from ``investigated`` through the legal review
to ``decided``, as a client would send them: a penalty in a case of major public interest that went through a
hearing, decided after the leaders' collective discussion. Dates count from ``start`` (the day of filing);
whoever replays the steps must run them on a day after ``start + 60``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

UNDERTAKING, LEGAL, ORGAN = "undertaking_unit", "legal_office", "decision_organ"

# The case attributes the walk is written for (every record it needs is in it).
CASE_ATTRIBUTES = {"major_public_interest": True, "major_rights": True, "hearing_held": True,
                   "complex_or_serious": True}


@dataclass(frozen=True)
class Step:
    action: str  # "record" or "fire"
    role: str
    name: str  # record type or trigger
    data: dict[str, Any] | None = None


def _iso(start: dt.date, days: int) -> str:
    return (start + dt.timedelta(days=days)).isoformat()


def case_fields(title: str = "某化工有限公司违法排放大气污染物案") -> dict[str, Any]:
    return {
        "procedure": "enforcement_review",
        "title": title,
        "decision_organ": "某市生态环境局",
        "undertaking_unit": "某市生态环境局执法支队",
    }


def case_summary(start: dt.date) -> dict[str, Any]:
    return {"case_no": "某环罚〔2026〕17号", "filed_on": start.isoformat(), "party": "某化工有限公司",
            "cause": "超标排放大气污染物"}


def submission(start: dt.date, *, hearing: bool = True) -> dict[str, Any]:
    data = {
        "submitted_on": _iso(start, 40),
        "facts": "2026年3月至5月，当事人二氧化硫排放浓度持续超过排放标准。",
        "evidence": "在线监测数据、现场检查笔录、监测报告、询问笔录。",
        "legal_basis": ["《中华人民共和国大气污染防治法》第九十九条第二项"],
        "officer_qualifications": "承办人员王某、刘某均持有行政执法证。",
        "procedure": "已立案、调查取证、告知听证权利，当事人申请听证，听证已于立案后第35日举行。",
        "discretion": "依本省生态环境行政处罚裁量基准，超标倍数较高，按较重情形裁量。",
        "draft_decision": "责令改正，罚款人民币五十万元。",
        "case_file_no": "JZ-2026-0117",
        "party_notified": hearing,
    }
    if hearing:
        data["hearing_transcript"] = "听证笔录：当事人对监测数据无异议，请求从轻处罚。"
    return data


def opinion(start: dt.date, conclusion: str = "approved") -> dict[str, Any]:
    reasons = {
        "approved": "执法主体合法，事实清楚，证据充分，程序合法，适用依据正确，裁量适当。",
        "approved_with_changes": "事实清楚、程序合法；决定书未载明复议诉讼期限，应予补正。",
        "not_approved": "当事人主体认定错误，违法事实不能成立。",
    }[conclusion]
    return {"conclusion": conclusion, "reasons": reasons, "issued_on": _iso(start, 45),
            "reviewer": "法规科 陈某", "reviewer_qualification": "legal_professional_qualification"}


def collective_discussion(start: dt.date) -> dict[str, Any]:
    return {"held_on": _iso(start, 50), "participants": ["局长 赵某", "副局长 钱某", "副局长 孙某"],
            "conclusion": "同意按法制审核意见作出处罚决定。"}


def decision(start: dt.date, outcome: str = "penalty") -> dict[str, Any]:
    return {"outcome": outcome, "decided_on": _iso(start, 52), "document_no": "某环罚字〔2026〕17号"}


def review_steps(start: dt.date, *, hearing: bool = True) -> list[Step]:
    """From ``investigated`` into ``legal_review``."""
    return [
        Step("record", UNDERTAKING, "case_summary", case_summary(start)),
        Step("record", UNDERTAKING, "review_submission", submission(start, hearing=hearing)),
        Step("fire", UNDERTAKING, "submit_for_review"),
    ]


def decision_steps(start: dt.date) -> list[Step]:
    """From ``legal_review`` (an approving opinion) to ``decided``."""
    return [
        Step("record", LEGAL, "review_opinion", opinion(start)),
        Step("fire", UNDERTAKING, "submit_for_decision"),
        Step("record", ORGAN, "collective_discussion", collective_discussion(start)),
        Step("record", ORGAN, "decision", decision(start)),
        Step("fire", ORGAN, "decide"),
    ]


def walk(start: dt.date) -> list[Step]:
    """Every main stage, for a case opened with ``CASE_ATTRIBUTES``."""
    return review_steps(start) + decision_steps(start)
