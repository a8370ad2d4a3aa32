"""Realistic record data for a normative-document case, shared by the tests, the race test and the demo.

``walk_to_in_force`` lists, in order, every record the procedure requires and the six transitions from
``drafting`` to ``in_force``, as a client would send them. Dates count from ``start`` (the day the comment
period opens); whoever replays the steps must run them on a day after ``start + 45`` (the comment period
must have closed, ND-12).

The publication carries no document number of its own when the document was registered: the number is the
one the engine gave the ``registration`` (三统一), and ND-42 refuses a publication that states another.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from procedures.major_decision.samples import Step

UNDERTAKING, LEGAL, ORGAN = "undertaking_unit", "legal_office", "decision_organ"
PREFIX = "某政规"
CASE_ATTRIBUTES: dict[str, Any] = {}  # national: no 三统一 duty, no extra assessments (the walk registers anyway)

__all__ = ["CASE_ATTRIBUTES", "LEGAL", "ORGAN", "PREFIX", "UNDERTAKING", "Step", "walk", "walk_to_in_force"]


def _iso(day: dt.date) -> str:
    return day.isoformat()


def case_fields(title: str = "某市城市道路临时占用管理规定") -> dict[str, Any]:
    return {
        "procedure": "normative_document",
        "title": title,
        "decision_organ": "某市人民政府",
        "undertaking_unit": "某市城市管理局",
    }


def draft() -> dict[str, Any]:
    return {
        "title": "某市城市道路临时占用管理规定（送审稿）",
        "explanation": "规范城市道路临时占用审批后的监督管理，明确占用期限、恢复责任和信用管理措施。",
        "research": "赴三个区实地调研，召开两次部门座谈会，梳理近三年投诉412件。",
        "legal_basis": ["《城市道路管理条例》第三十一条", "《某省城市市容和环境卫生管理条例》第二十条"],
    }


def drafting_steps() -> list[Step]:
    """From ``drafting`` to ``public_comment``."""
    return [Step("record", UNDERTAKING, "draft", draft()), Step("fire", UNDERTAKING, "open_public_comment")]


def comment_notice(start: dt.date, *, market: bool = False) -> dict[str, Any]:
    """Open from ``start``: 12 days (at least 7 working days), or 30 days when the document concerns market actors."""
    closes = start + dt.timedelta(days=29 if market else 11)
    return {"channel": "市人民政府门户网站", "opens_on": _iso(start), "closes_on": _iso(closes),
            "method": "电子邮件、信函、网上留言"}


def comment_steps(start: dt.date, *, market: bool = False) -> list[Step]:
    """From ``public_comment`` to ``legality_review``."""
    return [
        Step("record", UNDERTAKING, "comment_notice", comment_notice(start, market=market)),
        Step("record", UNDERTAKING, "comment_summary", {
            "received": 56, "adopted": 9, "adoption_explanation": "采纳关于延长夜间施工占道审批时限的意见；其余意见已说明理由。",
        }),
        Step("fire", UNDERTAKING, "submit_for_legality_review"),
    ]


def assessment_steps(start: dt.date, *, integrity: bool = False, experts: bool = False, risk: bool = False,
                     fair_competition: bool = False) -> list[Step]:
    """The assessments a profile or the case may require (潜江: seed 001 #6; market actors: 公平竞争审查)."""
    given = _iso(start + dt.timedelta(days=5))
    steps = []
    if integrity:
        steps.append(Step("record", UNDERTAKING, "integrity_assessment", {
            "assessor": "某市城市管理局", "assessed_on": given,
            "risk_points": ["审批裁量空间较大", "罚没款收缴环节"],
            "measures": "明确审批时限和条件，罚没款一律通过非税收入系统缴库。", "conclusion": "廉洁风险可控。",
        }))
    if experts:
        steps.append(Step("record", UNDERTAKING, "expert_opinion", {
            "expert_name": "某大学法学院陈教授", "signed": True,
            "opinion": "制度设计必要、可行，建议明确信用惩戒的上位法依据。", "given_on": given,
        }))
    if risk:
        steps.append(Step("record", UNDERTAKING, "risk_assessment_report", {
            "assessor": "某市社会稳定风险评估中心", "risk_points": ["沿街商户经营受影响"],
            "measures": "设置过渡期，提前公告占道施工安排。", "conclusion": "风险较低，可控。",
        }))
    if fair_competition:
        steps.append(Step("record", UNDERTAKING, "fair_competition_review", {
            "reviewed_on": given, "restricts_competition": False, "conclusion": "未含有排除、限制竞争的内容。",
        }))
    return steps


def opinion(start: dt.date, conclusion: str = "lawful") -> dict[str, Any]:
    return {
        "conclusion": conclusion,
        "sets_permit_penalty_or_coercion": False,
        "reduces_rights_without_basis": False,
        "reasons": "制定主体、权限、程序和内容均符合法律规定。" if conclusion != "unlawful"
        else "第十二条增设的审批条件没有法律法规依据。",
        "issued_on": _iso(start + dt.timedelta(days=20)),
        "reviewer": "某市司法局 孙某",
        "letter_no": "某司审〔2026〕18号",
    }


def review_steps(start: dt.date) -> list[Step]:
    """From ``legality_review`` (a lawful opinion) to ``discussion``."""
    return [Step("record", LEGAL, "legality_review_opinion", opinion(start)),
            Step("fire", UNDERTAKING, "submit_for_discussion")]


def minutes(start: dt.date, outcome: str = "adopt") -> dict[str, Any]:
    return {
        "meeting_type": "executive_meeting", "held_on": _iso(start + dt.timedelta(days=30)),
        "attendees": ["王市长", "李副市长", "张副市长", "赵秘书长"],
        "discussion": "与会人员同意；张副市长提出过渡期宜延长至六个月，已记录。", "outcome": outcome,
    }


def discussion_steps(start: dt.date) -> list[Step]:
    """From ``discussion`` to ``decided``."""
    return [Step("record", ORGAN, "meeting_minutes", minutes(start)), Step("fire", ORGAN, "adopt")]


def registration(start: dt.date, prefix: str = PREFIX, title: str = "某市城市道路临时占用管理规定") -> dict[str, Any]:
    return {"title": title, "prefix": prefix, "registered_on": _iso(start + dt.timedelta(days=32))}


def publication(start: dt.date, *, years_valid: int = 5, **extra: Any) -> dict[str, Any]:
    published = start + dt.timedelta(days=35)
    return {"channel": "government_website", "published_on": _iso(published), "effective_on": _iso(published),
            "valid_until": _iso(published + dt.timedelta(days=365 * years_valid)),
            **extra}


def publication_steps(start: dt.date, *, register: bool = True) -> list[Step]:
    """From ``decided`` to ``published``: 统一登记、编号 by the legal office, then publication."""
    steps = [Step("record", LEGAL, "registration", registration(start))] if register else []
    extra = {} if register else {"document_no": "某政发〔2026〕31号"}
    return steps + [Step("record", ORGAN, "publication", publication(start, **extra)), Step("fire", ORGAN, "publish")]


def filing_record(start: dt.date) -> dict[str, Any]:
    return {"filed_on": _iso(start + dt.timedelta(days=45)), "filed_with": "某市人民代表大会常务委员会；某省人民政府",
            "materials": ["备案报告", "规范性文件正式文本", "起草说明", "合法性审核意见"]}


def filing_steps(start: dt.date) -> list[Step]:
    """From ``published`` to ``in_force``."""
    return [Step("record", ORGAN, "filing_record", filing_record(start)), Step("fire", ORGAN, "file_for_record")]


def walk_to_in_force(start: dt.date, *, market: bool = False, integrity: bool = False, experts: bool = False,
                     risk: bool = False, register: bool = True) -> list[Step]:
    """Every step from ``drafting`` to ``in_force`` (market-related documents get a fair competition review)."""
    assessments = assessment_steps(start, integrity=integrity, experts=experts, risk=risk, fair_competition=market)
    return (drafting_steps() + comment_steps(start, market=market) + assessments + review_steps(start)
            + discussion_steps(start) + publication_steps(start, register=register) + filing_steps(start))


def walk(start: dt.date) -> list[Step]:
    """Every state the sample data reaches without a final one, for a case opened with ``CASE_ATTRIBUTES``:
    the walk to ``in_force``, then the start of a clean-up (the same shape as the other procedures' ``walk``)."""
    return walk_to_in_force(start) + [Step("fire", ORGAN, "start_cleanup")]


# -- after entry into force -------------------------------------------------------------------------------


def cleanup_review(start: dt.date, outcome: str = "keep") -> dict[str, Any]:
    reasons = {"keep": "与上位法一致，适应管理需要，继续有效。", "amend": "上位法已修改，第八条需相应修改。",
               "repeal": "所规范事项已由新出台的规章调整，予以废止。"}
    return {"reviewed_on": _iso(start + dt.timedelta(days=400)), "outcome": outcome, "reasons": reasons[outcome]}


def filing_review(start: dt.date, conclusion: str = "correction_ordered") -> dict[str, Any]:
    return {"reviewed_on": _iso(start + dt.timedelta(days=60)), "reviewed_by": "某省人民政府（省司法厅）",
            "conclusion": conclusion,
            "reasons": "第十条对违反者暂扣车辆，属于设定行政强制措施，责令纠正。" if conclusion == "correction_ordered"
            else "未发现问题。"}


def repeal_notice(start: dt.date) -> dict[str, Any]:
    return {"channel": "gazette", "published_on": _iso(start + dt.timedelta(days=420)), "reference_no": "某政发〔2027〕5号"}
