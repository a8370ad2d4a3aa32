"""Realistic record data for a minutes-review case, shared by the tests and the demo.

``walk(start)`` lists, in order, every record and transition from ``drafting`` through the legality review to
``issued``: the office drafts the minutes of a government executive meeting, the legal office's written opinion
finds them lawful, and the leader signs them off. Dates count from ``start`` (the day of the meeting).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

UNDERTAKING, LEGAL, ORGAN = "undertaking_unit", "legal_office", "decision_organ"

CASE_ATTRIBUTES = {"document_kind": "meeting_minutes"}


@dataclass(frozen=True)
class Step:
    action: str  # "record" or "fire"
    role: str
    name: str  # record type or trigger
    data: dict[str, Any] | None = None


def _iso(start: dt.date, days: int) -> str:
    return (start + dt.timedelta(days=days)).isoformat()


def case_fields(title: str = "市政府第12次常务会议纪要") -> dict[str, Any]:
    return {
        "procedure": "minutes_review",
        "title": title,
        "decision_organ": "某市人民政府",
        "undertaking_unit": "某市人民政府办公室",
    }


def draft(revised: bool = False) -> dict[str, Any]:
    body = ("会议同意对城区老旧小区加装电梯给予每台15万元补助，由市财政局会同市住建局制定实施细则。"
            if revised else
            "会议同意对城区老旧小区加装电梯给予每台15万元补助；未加装电梯的小区业主不得办理不动产转移登记。")
    return {"title": "市政府第12次常务会议纪要", "body": body}


def opinion(start: dt.date, conclusion: str = "lawful") -> dict[str, Any]:
    reasons = {
        "lawful": "纪要内容未设定行政许可、行政处罚等事项，符合法律法规规定。",
        "lawful_with_revisions": "第二项限制不动产转移登记缺乏法律依据，应予删除后印发。",
        "unlawful": "纪要擅自设定登记限制条件，违反《不动产登记暂行条例》。",
    }[conclusion]
    return {"opinion_no": "法意〔2026〕33号", "conclusion": conclusion, "reasons": reasons,
            "issued_on": _iso(start, 3), "reviewer": "市司法局 冯某"}


def sign_off(start: dt.date) -> dict[str, Any]:
    return {"signed_by": "常务副市长 褚某", "issued_on": _iso(start, 5), "document_no": "某府纪〔2026〕12号"}


def walk(start: dt.date) -> list[Step]:
    """Every main stage, for a case opened with ``CASE_ATTRIBUTES``."""
    return [
        Step("record", UNDERTAKING, "minutes_draft", draft(revised=True)),
        Step("fire", UNDERTAKING, "submit_for_review"),
        Step("record", LEGAL, "legal_opinion", opinion(start)),
        Step("record", ORGAN, "sign_off", sign_off(start)),
        Step("fire", ORGAN, "issue"),
    ]
