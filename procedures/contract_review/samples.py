"""Realistic record data for a contract-review case, shared by the tests and the demo.

``walk(start)`` lists, in order, every record and transition from ``negotiation`` through the legality review
and the signing to ``filed``, as a client would send them, for a major PPP contract with technical questions
(``CASE_ATTRIBUTES``): it carries every record that any profile asks for, so it passes under each of them.
Dates count from ``start`` (the day the counterparty is investigated).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

UNDERTAKING, LEGAL, ORGAN = "undertaking_unit", "legal_office", "decision_organ"

CASE_ATTRIBUTES = {"technical_questions": True, "ppp_project": True, "major_contract": True}


@dataclass(frozen=True)
class Step:
    action: str  # "record" or "fire"
    role: str
    name: str  # record type or trigger
    data: dict[str, Any] | None = None


def _iso(start: dt.date, days: int) -> str:
    return (start + dt.timedelta(days=days)).isoformat()


def case_fields(title: str = "城区污水处理厂PPP项目合同") -> dict[str, Any]:
    return {
        "procedure": "contract_review",
        "title": title,
        "decision_organ": "某市人民政府",
        "undertaking_unit": "某市住房和城乡建设局",
    }


COUNTERPARTY = "某水务环保股份有限公司"


def preparation_steps(start: dt.date, *, ppp: bool = True) -> list[Step]:
    """The records of ``negotiation``: the draft, the due diligence, the consultation and the submission."""
    submission: dict[str, Any] = {
        "submitted_on": _iso(start, 10),
        "materials": ["合同文本", "相对方调查报告", "技术论证意见", "相关部门意见"],
    }
    if ppp:
        submission["ppp_implementation_plan"] = "采用BOT模式，合作期25年，政府按污水处理量付费并设绩效考核。"
    return [
        Step("record", UNDERTAKING, "contract_draft", {
            "title": "城区污水处理厂PPP项目合同", "counterparty": COUNTERPARTY,
            "summary": "社会资本方投资建设并运营污水处理厂，政府按处理量付费。", "amount": "人民币3.2亿元",
        }),
        Step("record", UNDERTAKING, "counterparty_investigation", {
            "counterparty": COUNTERPARTY, "legal_status": "依法设立的股份有限公司，营业执照有效。",
            "qualifications_and_credit": "具备环保工程专业承包一级资质，无失信记录。",
            "business_condition": "近三年营业收入稳定增长，资产负债率58%。",
            "performance_capacity": "在本省运营同类项目6个，履约情况良好。",
            "investigated_on": start.isoformat(),
        }),
        Step("record", UNDERTAKING, "technical_argumentation", {
            "questions": "出水水质标准与处理工艺的可行性。", "experts": ["市环境科学研究院", "某大学环境学院周教授"],
            "conclusion": "工艺成熟，可稳定达到一级A标准。",
        }),
        Step("record", UNDERTAKING, "department_opinion", {
            "department": "某市财政局", "opinion": "项目已纳入财政承受能力论证，同意。", "given_on": _iso(start, 5),
        }),
        Step("record", UNDERTAKING, "review_submission", submission),
    ]


def opinion(start: dt.date, conclusion: str = "lawful") -> dict[str, Any]:
    reasons = ("主体适格，内容符合《基础设施和公用事业特许经营管理办法》等规定，程序完备。" if conclusion == "lawful"
               else "约定政府对社会资本方承诺固定回报，违反有关规定。")
    return {"conclusion": conclusion, "reasons": reasons, "issued_on": _iso(start, 14), "reviewer": "市司法局 吴某"}


def signing_record(start: dt.date) -> dict[str, Any]:
    return {"signed_on": _iso(start, 20), "contract_no": "某住建合〔2026〕8号", "signatory": "某市住房和城乡建设局局长 郑某"}


def filing_record(start: dt.date) -> dict[str, Any]:
    return {"filed_with": "某市司法局", "filed_on": _iso(start, 24), "filing_no": "合备〔2026〕21号"}


def walk(start: dt.date) -> list[Step]:
    """Every main stage, for a case opened with ``CASE_ATTRIBUTES``."""
    return preparation_steps(start) + [
        Step("fire", UNDERTAKING, "submit_for_review"),
        Step("record", LEGAL, "review_opinion", opinion(start)),
        Step("fire", UNDERTAKING, "clear_for_signing"),
        Step("record", ORGAN, "signing_record", signing_record(start)),
        Step("fire", ORGAN, "sign"),
        Step("record", UNDERTAKING, "filing_record", filing_record(start)),
        Step("fire", UNDERTAKING, "file"),
    ]
