"""重大行政决策 — version 2: version 1 plus three local requirements that jurisdiction profiles switch on.

Written beside v1, never over it: a case opened under v1 keeps v1's rules for its whole life and for the
replay of its past. Every addition is off under ``national`` (the 条例 requires none of them), so a
national case behaves exactly as under v1.

- MD-46 合法性初审 (潜江, seed 001 #10): the undertaking department's own legality pre-review before the
  draft goes to the government's legality review.
- MD-47 听证 for matters of major public interest (河南, seed 004 (三)2): the 条例 leaves hearings optional
  (art. 16); 河南 makes them mandatory when the matter 涉及重大公共利益和群众切身利益.
- MD-48 法律意见书 (辽宁, seed 003 #17: 推行合法性审查法律意见书制度): the legal office's conclusion is
  also issued as a written legal opinion letter before the draft goes to the meeting.
"""

from __future__ import annotations

import dataclasses

from procedures.major_decision import v1
from procedures.major_decision.v1 import LEGAL, REVIEW_CONCLUSIONS, UNDERTAKING, _b, _choice, _d, _s, _t
from workflow.definition import Attribute, Basis, RecordType, Rule, Trigger
from workflow.rules import (
    AllOf,
    AttributeIs,
    DateOf,
    Equals,
    Latest,
    NotBlank,
    NotEquals,
    Param,
    ParamIs,
    PeriodAtLeast,
    When,
)

QIANJIANG = "《潜江市2022年法治政府建设工作要点》(seed 001)"
HENAN = "河南省机关事务管理局关于全面推进依法行政的实施意见（seed 004）"
LIAONING = "辽宁省法治政府建设“十三五”规划（辽政办发〔2016〕76号, seed 003）"

ATTRIBUTES = v1.ATTRIBUTES + (
    Attribute("major_public_interest", "bool", "涉及重大公共利益和群众切身利益", default=False,
              label_en="Concerns major public interests and the vital interests of the public"),
)

RECORD_TYPES = v1.RECORD_TYPES + (
    RecordType("legality_pre_review", "承办部门合法性初审意见", "Undertaking department's legality pre-review", (
        _choice("conclusion", "初审结论", "lawful", "lawful_with_revisions", "unlawful", en="Pre-review conclusion",
                labels=REVIEW_CONCLUSIONS),
        _t("reasons", "理由和依据", "Reasons and grounds"),
        _d("issued_on", "出具日期", "Date issued"),
        _s("reviewer", "初审机构或人员", "Pre-reviewing body or person"),
    ), (UNDERTAKING,), ("consultation",)),
    RecordType("legal_opinion_letter", "合法性审查法律意见书", "Legal opinion letter", (
        _s("letter_no", "意见书编号", "Number of the opinion letter"),
        _d("issued_on", "出具日期", "Date issued"),
        _t("opinion", "法律意见", "Legal opinion"),
        _b("signed", "已签署", "Signed"),
    ), (LEGAL,), ("legality_review",)),
)

RULES = v1.RULES + (
    Rule("MD-46", "本辖区要求承办部门合法性初审：尚无初审意见，或初审认为不合法",
         "The jurisdiction requires the undertaking department's legality pre-review: none, or it finds the draft unlawful",
         Basis(QIANJIANG, "第10项", "市政府部门承办的市政府重大决策事项，提交市政府研究之前必须经承办部门组织合法性初审"),
         When(ParamIs("legality_pre_review_required"),
              Latest("legality_pre_review", (NotEquals("conclusion", "unlawful"), NotBlank("reasons"))))),
    Rule("MD-47", "本辖区涉及重大公共利益的决策事项应当听证：材料未按期送达或听证记录未经参加人签字",
         "Hearing mandatory for a matter of major public interest here: materials late, or the record unsigned",
         Basis(HENAN, "(三)2", "法律法规规章规定应当听证以及涉及重大公共利益和群众切身利益的决策事项…应当举行听证"),
         When(AllOf((ParamIs("hearing_for_major_public_interest"), AttributeIs("major_public_interest"))), AllOf((
             PeriodAtLeast(DateOf("hearing_notice", "materials_sent_on"), DateOf("hearing_notice", "hearing_on"),
                           Param("hearing_materials_days")),
             Latest("hearing_record", (Equals("participants_signed", True),)),
         )))),
    Rule("MD-48", "本辖区实行合法性审查法律意见书制度：尚无已签署的法律意见书",
         "The jurisdiction requires a signed legal opinion letter from the legality review",
         Basis(LIAONING, "第17项", "推行合法性审查法律意见书制度"),
         When(ParamIs("legal_opinion_letter_required"),
              Latest("legal_opinion_letter", (Equals("signed", True), NotBlank("opinion"))))),
)

ADDED_RULES = {"submit_for_legality_review": ("MD-46", "MD-47"), "submit_for_discussion": ("MD-48",)}


def _with_added_rules(trigger: Trigger) -> Trigger:
    return dataclasses.replace(trigger, rules=trigger.rules + ADDED_RULES.get(trigger.name, ()))


def _with_new_review_records(trigger: Trigger) -> Trigger:
    """A re-run voids the new review records as it voids v1's: the letter with the opinion (MD-17, MD-30,
    MD-43); the pre-review only when the draft itself changes (send back, major adjustment), not when the
    legal office merely asks for supplementary materials."""
    if "legality_review_opinion" not in trigger.invalidates:
        return trigger
    added = ("legal_opinion_letter",) if trigger.name == "return_for_supplement" else (
        "legality_pre_review", "legal_opinion_letter")
    return dataclasses.replace(trigger, invalidates=trigger.invalidates + added)


PROCEDURE = dataclasses.replace(
    v1.PROCEDURE,
    version=2,
    attributes=ATTRIBUTES,
    record_types=RECORD_TYPES,
    rules=RULES,
    triggers=tuple(_with_new_review_records(_with_added_rules(t)) for t in v1.TRIGGERS),
)
