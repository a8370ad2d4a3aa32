"""会议纪要（抄告单）合法性审查 — legality review of meeting minutes and memos, version 1.

Found only in the seeds (rulebook §4.4): 丽水 makes the legal office's review "the required step" before the
government issues meeting minutes or a 抄告单, with a written legal opinion for each (seed 002 三(二); its 2018
plan extends the review to "政府规范性文件、会议纪要、抄告单"). No national text requires it — the national
guideline on normative documents (国办发〔2018〕115号) leaves meeting minutes out of its scope — so whether the
review is required is a profile parameter. Quotes are from the seed as it reads.

Roles in this procedure:
- ``undertaking_unit``: the office that drafts the minutes or 抄告单 (政府办公室 or the meeting's organising unit);
- ``legal_office``: 政府法制机构, which reviews the text and writes the written legal opinion (书面法律意见);
- ``decision_organ``: 签发人, the leader who signs the minutes or 抄告单 off for issue.
"""

from __future__ import annotations

from procedures.fields import JURISDICTION
from workflow.definition import Attribute, Basis, Field, Procedure, RecordType, Rule, State, Trigger
from workflow.rules import (
    Equals,
    Exists,
    Latest,
    NotBlank,
    NotEquals,
    ParamIs,
    RecordedAfter,
    RecordedByRole,
    When,
)

LISHUI = "丽水市2017年度法治政府建设报告（丽政〔2017〕49号, seed 002）"
REQUIRED_STEP = "把政府法制机构合法性审查作为政府出会议纪要(抄告单)的必经程序"
UNDERTAKING, LEGAL, ORGAN = "undertaking_unit", "legal_office", "decision_organ"

STATES = (
    State("drafting", "起草", "Drafting"),
    State("legal_review", "合法性审查", "Legality review"),
    State("issued", "已印发", "Issued", final=True),
)

ATTRIBUTES = (
    JURISDICTION,
    Attribute("document_kind", "choice", "文件种类", default="meeting_minutes", choices=("meeting_minutes", "memo"),
              label_en="Kind of document", choice_labels=(
                  ("meeting_minutes", "会议纪要", "Meeting minutes"),
                  ("memo", "抄告单", "Circulated notice (抄告单)"),
              )),
)

DRAFT = "minutes_draft"
OPINION = "legal_opinion"

RECORD_TYPES = (
    RecordType(DRAFT, "会议纪要（抄告单）稿", "Draft minutes or memo", (
        Field("title", "string", "标题", label_en="Title"),
        Field("body", "text", "正文", label_en="Text"),
    ), (UNDERTAKING,), ("drafting", "legal_review")),
    RecordType(OPINION, "书面法律意见", "Written legal opinion", (
        Field("opinion_no", "string", "法律意见书编号", label_en="Number of the legal opinion letter"),
        Field("conclusion", "choice", "审查结论", choices=("lawful", "lawful_with_revisions", "unlawful"),
              label_en="Review conclusion", choice_labels=(
            ("lawful", "合法", "Lawful"),
            ("lawful_with_revisions", "合法但需修改", "Lawful, subject to revisions"),
            ("unlawful", "不合法", "Unlawful"),
        )),
        Field("reasons", "text", "意见和理由", label_en="Opinion and reasons"),
        Field("issued_on", "date", "出具日期", label_en="Date issued"),
        Field("reviewer", "string", "审查人", label_en="Reviewer"),
    ), (LEGAL,), ("legal_review",)),
    RecordType("sign_off", "签发记录", "Sign-off", (
        Field("signed_by", "string", "签发人", label_en="Signed off by"),
        Field("issued_on", "date", "印发日期", label_en="Date issued"),
        Field("document_no", "string", "文号", label_en="Document number"),
    ), (ORGAN,), ("drafting", "legal_review")),
)

RULES = (
    Rule("MR-01", "尚无会议纪要（抄告单）稿", "No draft of the minutes or memo",
         Basis(LISHUI, "三(二)", "实行市政府会议纪要(抄告单)合法性审查制度"),
         Latest(DRAFT, (NotBlank("body"),))),
    Rule("MR-02", "尚无认定不合法的法律意见", "No legal opinion finding the text unlawful",
         Basis(LISHUI, "三(二)", "出具书面法律意见190份,所提意见建议均被采纳"),
         Latest(OPINION, (Equals("conclusion", "unlawful"),), since="submit_for_review")),
    Rule("MR-10", "尚无书面法律意见，或法律意见认定不合法，不得印发",
         "No written legal opinion, or the opinion finds the text unlawful",
         Basis(LISHUI, "三(二)", REQUIRED_STEP + ",共审查文件190件,出具书面法律意见190份"),
         Latest(OPINION, (NotBlank("opinion_no"), NotEquals("conclusion", "unlawful")))),
    Rule("MR-11", "书面法律意见须由法制机构出具，不得由他人录入", "The written opinion must be recorded by the legal office",
         Basis(LISHUI, "三(二)", REQUIRED_STEP),
         When(Exists(OPINION), RecordedByRole(OPINION, (LEGAL,)))),
    Rule("MR-12", "法律意见要求修改，尚无其后的修改稿", "The opinion asks for revisions and no revised draft follows it",
         Basis(LISHUI, "三(二)", "所提意见建议均被采纳"),
         When(Latest(OPINION, (Equals("conclusion", "lawful_with_revisions"),)), RecordedAfter(DRAFT, OPINION))),
    Rule("MR-13", "法律意见之后文稿又有改动，印发稿未经审查", "The text changed after a clean opinion: the issued text was not reviewed",
         Basis(LISHUI, "三(二)", REQUIRED_STEP),
         # A clean opinion covers the text it read; a later draft is a new text that must be reviewed again.
         When(Latest(OPINION, (Equals("conclusion", "lawful"),)), RecordedAfter(OPINION, DRAFT))),
    Rule("MR-14", "尚无签发记录", "No sign-off record",
         Basis(LISHUI, "三(二)", "政府出会议纪要(抄告单)"),
         Latest("sign_off", (NotBlank("signed_by"),))),
    Rule("MR-20", "本辖区会议纪要（抄告单）须经合法性审查，不得未经审查印发",
         "The jurisdiction makes the legality review a required step before issue",
         Basis(LISHUI, "三(二)", REQUIRED_STEP),
         ParamIs("minutes_review_required", False)),
)

TRIGGERS = (
    Trigger("submit_for_review", "送法制机构审查", "Submit for legality review", ("drafting",), "legal_review",
            ("MR-01",), (UNDERTAKING,)),
    Trigger("return_for_revision", "认定不合法，退回修改", "Return: found unlawful", ("legal_review",), "drafting",
            ("MR-02",), (LEGAL,), invalidates=(DRAFT, OPINION, "sign_off"), invalidation_basis="MR-02"),
    Trigger("issue", "签发印发", "Issue", ("legal_review",), "issued",
            ("MR-10", "MR-11", "MR-12", "MR-13", "MR-14"), (ORGAN,)),
    # Where the jurisdiction does not make the review a required step (the national profile).
    Trigger("issue_without_review", "无须审查，直接印发", "Issue without review", ("drafting",), "issued",
            ("MR-20", "MR-01", "MR-14"), (ORGAN,)),
)

PROCEDURE = Procedure(
    name="minutes_review",
    version=1,
    title="会议纪要（抄告单）合法性审查",
    title_en="Legality review of meeting minutes and memos (抄告单)",
    roles=(UNDERTAKING, LEGAL, ORGAN),
    states=STATES,
    initial="drafting",
    triggers=TRIGGERS,
    rules=RULES,
    record_types=RECORD_TYPES,
    attributes=ATTRIBUTES,
    case_opener_roles=(UNDERTAKING, ORGAN),
)
