"""政府合同合法性审查 — legality review of government contracts, version 1.

No national text on this review was read (rulebook §4.3 cites only the seeds and local rules), so what the
review requires comes from the jurisdiction profile: 潜江 (seed 001 item 8, under 潜政发〔2016〕37号) requires
due diligence on the counterparty, argumentation of technical questions, consultation of departments and a
legality review before signing; 丽水 (seed 002 三(二)) reviews agency contracts and PPP implementation plans
and agreements, and files major administrative contracts. Quotes of the seeds are given in simplified
characters, as the rulebook renders them (the 潜江 seed is a traditional-character copy).

Roles in this procedure:
- ``undertaking_unit``: 合同承办单位, which negotiates the contract, investigates the counterparty and submits it;
- ``legal_office``: 法制机构, which reviews the contract's legality and writes the opinion;
- ``decision_organ``: 签约机关, the government or agency that signs (and files) the contract.
"""

from __future__ import annotations

from procedures.fields import JURISDICTION
from procedures.fields import date as _d
from procedures.fields import string as _s
from procedures.fields import text as _t
from workflow.definition import Attribute, Basis, Deadline, Field, Procedure, RecordType, Rule, State, Trigger
from workflow.rules import (
    AllOf,
    AttributeIs,
    CountAtLeast,
    DateOf,
    Equals,
    Exists,
    Latest,
    MinItems,
    NotBlank,
    NotEquals,
    Param,
    ParamIs,
    RecordedByRole,
    When,
)

QIANJIANG = "《潜江市2022年法治政府建设工作要点》（seed 001，潜政发〔2016〕37号）"
LISHUI = "丽水市2017年度法治政府建设报告（丽政〔2017〕49号, seed 002）"
LOCAL_43 = "地方规定（见 rulebook §4.3）"
UNDERTAKING, LEGAL, ORGAN = "undertaking_unit", "legal_office", "decision_organ"

# -- states --------------------------------------------------------------------------------------------

STATES = (
    State("negotiation", "合同拟订", "Negotiation"),
    State("legality_review", "合法性审查", "Legality review"),
    State("ready_to_sign", "审查完成·待签订", "Ready to sign"),
    State("signed", "已签订", "Signed"),
    State("filed", "已备案", "Filed", final=True),
    State("closed", "办结（无须备案）", "Closed without filing", final=True),
)

# -- attributes -----------------------------------------------------------------------------------------

ATTRIBUTES = (
    JURISDICTION,
    Attribute("technical_questions", "bool", "涉及需要论证的专业性、技术性问题", default=False,
              label_en="Involves professional or technical questions that need argumentation"),
    Attribute("ppp_project", "bool", "PPP项目（实施方案及项目协议）", default=False,
              label_en="PPP project (implementation plan and project agreement)"),
    Attribute("major_contract", "bool", "重大行政合同", default=False, label_en="Major administrative contract"),
)

# -- record types ---------------------------------------------------------------------------------------


SUBMISSION = "review_submission"
OPINION = "review_opinion"

RECORD_TYPES = (
    RecordType("contract_draft", "合同文本（送审稿）", "Contract draft", (
        _s("title", "合同名称", "Title of the contract"),
        _s("counterparty", "合同相对方", "Counterparty"),
        _t("summary", "合同标的及主要条款", "Subject matter and main terms"),
        _s("amount", "合同金额", "Contract amount", required=False),
    ), (UNDERTAKING,), ("negotiation",)),
    RecordType("counterparty_investigation", "合同相对方调查", "Counterparty investigation", (
        _s("counterparty", "合同相对方", "Counterparty"),
        _t("legal_status", "主体资格", "Legal status as a contracting party"),
        _t("qualifications_and_credit", "资质资信", "Qualifications and creditworthiness"),
        _t("business_condition", "经营状况", "Business condition"),
        _t("performance_capacity", "履约能力", "Capacity to perform"),
        _d("investigated_on", "调查日期", "Date investigated"),
    ), (UNDERTAKING,), ("negotiation",)),
    RecordType("technical_argumentation", "专业性技术性问题论证", "Technical argumentation", (
        _t("questions", "论证的问题", "Questions argued"),
        Field("experts", "string_list", "论证专家或机构", min_items=1, label_en="Experts or institutions"),
        _t("conclusion", "论证结论", "Conclusion of the argumentation"),
    ), (UNDERTAKING,), ("negotiation",)),
    RecordType("department_opinion", "相关部门意见", "Opinion of a department consulted", (
        _s("department", "部门", "Department"),
        _t("opinion", "意见", "Opinion"),
        _d("given_on", "出具日期", "Date issued"),
    ), (UNDERTAKING,), ("negotiation",)),
    RecordType(SUBMISSION, "合法性审查送审材料", "Submission for legality review", (
        _d("submitted_on", "送审日期", "Date submitted"),
        Field("materials", "string_list", "送审材料清单", min_items=1, label_en="List of materials submitted"),
        _t("ppp_implementation_plan", "PPP项目实施方案", "PPP implementation plan", required=False),
    ), (UNDERTAKING,), ("negotiation",)),
    # The sources found name only two outcomes: reviewed and lawful, or found unlawful ("经审查认定不合法的").
    RecordType(OPINION, "合法性审查意见", "Legality review opinion", (
        Field("conclusion", "choice", "审查结论", choices=("lawful", "unlawful"), label_en="Review conclusion",
              choice_labels=(("lawful", "合法", "Lawful"), ("unlawful", "不合法", "Unlawful"))),
        _t("reasons", "理由和依据", "Reasons and grounds"),
        _d("issued_on", "出具日期", "Date issued"),
        _s("reviewer", "审查人", "Reviewer"),
    ), (LEGAL,), ("legality_review",)),
    RecordType("signing_record", "合同签订记录", "Signing record", (
        _d("signed_on", "签订日期", "Date signed"),
        _s("contract_no", "合同编号", "Contract number"),
        _s("signatory", "签约代表", "Signatory"),
    ), (ORGAN,), ("negotiation", "ready_to_sign")),
    RecordType("filing_record", "合同备案记录", "Filing record", (
        _s("filed_with", "备案机关", "Filing authority"),
        _d("filed_on", "备案日期", "Date filed"),
        _s("filing_no", "备案编号", "Filing number"),
    ), (UNDERTAKING, ORGAN), ("signed",)),
)

# -- rules ----------------------------------------------------------------------------------------------

NOT_WITHOUT_REVIEW = "未经合法性审查或经审查认定不合法的，不得签订"
DUE_DILIGENCE = "合同承办单位在合同签订过程中应对合同相对方的主体资格、资质资信、经营状况、履约能力等进行调查"
INVESTIGATION = When(ParamIs("contract_counterparty_investigation_required"), Latest("counterparty_investigation", (
    NotBlank("legal_status"), NotBlank("qualifications_and_credit"), NotBlank("business_condition"),
    NotBlank("performance_capacity"))))
ARGUMENTATION = When(AllOf((ParamIs("contract_technical_argumentation_required"), AttributeIs("technical_questions"))),
                     Latest("technical_argumentation", (MinItems("experts", 1),)))
CONSULTATION = When(ParamIs("contract_department_consultation_required"), CountAtLeast("department_opinion", 1))

RULES = (
    Rule("GC-01", "尚无合同文本或合法性审查送审材料", "No contract draft or no submission for review",
         Basis(QIANJIANG, "第8项", "合同承办单位应当在合同签订前对合同进行合法性审查"),
         AllOf((Latest("contract_draft"), Latest(SUBMISSION, (MinItems("materials", 1),))))),
    Rule("GC-02", "本辖区要求调查合同相对方：尚无主体资格、资质资信、经营状况、履约能力的调查",
         "The jurisdiction requires a counterparty investigation (status, credentials, business, capacity)",
         Basis(QIANJIANG, "第8项", DUE_DILIGENCE), INVESTIGATION),
    Rule("GC-03", "本辖区要求论证专业性技术性问题：合同涉及此类问题，尚无论证",
         "The jurisdiction requires argumentation of the contract's technical questions, and there is none",
         Basis(QIANJIANG, "第8项", "同时组织对相关专业性技术性问题进行论证"), ARGUMENTATION),
    Rule("GC-04", "本辖区要求征求相关部门意见：尚无部门意见", "The jurisdiction requires consulting departments, and none was",
         Basis(QIANJIANG, "第8项", "并征求相关部门意见"), CONSULTATION),
    Rule("GC-05", "本辖区审查PPP项目实施方案：送审材料缺少实施方案",
         "The jurisdiction reviews PPP implementation plans, and the submission lacks one",
         Basis(LISHUI, "三(二)", "推行行政机关合同合法性审查、PPP项目合法性审查,共审核行政机关合同28份,审查PPP项目等重大项目实施方案及项目协议32份"),
         When(AllOf((ParamIs("contract_ppp_review_required"), AttributeIs("ppp_project"))),
              Latest(SUBMISSION, (NotBlank("ppp_implementation_plan"),)))),
    Rule("GC-06", "尚无认定不合法的审查意见", "No opinion finding the contract unlawful",
         Basis(QIANJIANG, "第8项", NOT_WITHOUT_REVIEW),
         Latest(OPINION, (Equals("conclusion", "unlawful"),), since="submit_for_review")),
    Rule("GC-10", NOT_WITHOUT_REVIEW, "No legality review opinion, or it finds the contract unlawful",
         Basis(QIANJIANG, "第8项", "合同承办单位应当在合同签订前对合同进行合法性审查，" + NOT_WITHOUT_REVIEW),
         Latest(OPINION, (NotEquals("conclusion", "unlawful"),))),
    Rule("GC-11", "合法性审查意见须由法制机构出具，不得由他人录入", "The review opinion must be recorded by the legal office",
         Basis(LOCAL_43, "—", "[rulebook §4.3: the legal office reviews within 5 working days of receiving the draft]"),
         When(Exists(OPINION), RecordedByRole(OPINION, (LEGAL,)))),
    Rule("GC-13", "尚无合同签订记录", "No signing record",
         Basis(QIANJIANG, "第8项", "规范合同签订程序"),
         Latest("signing_record", (NotBlank("contract_no"),))),
    Rule("GC-20", "本辖区合同签订前须经合法性审查，不得未经审查签订",
         "The jurisdiction requires a legality review before signing",
         Basis(QIANJIANG, "第8项", NOT_WITHOUT_REVIEW),
         ParamIs("contract_review_required", False)),
    Rule("GC-21", "本辖区PPP项目协议须经合法性审查，不得未经审查签订",
         "The jurisdiction requires PPP agreements to be reviewed before signing",
         Basis(LISHUI, "三(二)", "PPP项目合法性审查"),
         When(AttributeIs("ppp_project"), ParamIs("contract_ppp_review_required", False))),
    Rule("GC-30", "尚无合同备案记录", "No filing record",
         Basis(LISHUI, "三(二)", "实行重大行政合同备案制度,已报备合同84份"),
         Latest("filing_record", (NotBlank("filed_with"),))),
    Rule("GC-31", "本辖区实行重大行政合同备案，重大行政合同须备案", "The jurisdiction requires major administrative contracts filed",
         Basis(LISHUI, "三(二)", "实行重大行政合同备案制度"),
         When(AttributeIs("major_contract"), ParamIs("contract_filing_required", False))),
)

# -- triggers -------------------------------------------------------------------------------------------

PREPARATION = ("GC-02", "GC-03", "GC-04")

TRIGGERS = (
    Trigger("submit_for_review", "提交合法性审查", "Submit for legality review", ("negotiation",), "legality_review",
            ("GC-01", *PREPARATION, "GC-05"), (UNDERTAKING,)),
    Trigger("return_for_revision", "审查认定不合法，退回修改", "Return: found unlawful", ("legality_review",),
            "negotiation", ("GC-06",), (LEGAL,), invalidates=("contract_draft", SUBMISSION, OPINION),
            invalidation_basis="GC-06"),
    Trigger("clear_for_signing", "审查完成，报送签订", "Clear for signing", ("legality_review",), "ready_to_sign",
            ("GC-10", "GC-11"), (UNDERTAKING,)),
    Trigger("sign", "签订合同", "Sign", ("ready_to_sign",), "signed", ("GC-13",), (ORGAN,)),
    # Where the jurisdiction does not require the review (the national profile: no national text was found).
    Trigger("sign_without_review", "无须合法性审查，直接签订", "Sign without review", ("negotiation",), "signed",
            ("GC-20", "GC-21", *PREPARATION, "GC-13"), (ORGAN,)),
    Trigger("file", "备案", "File", ("signed",), "filed", ("GC-30",), (UNDERTAKING, ORGAN)),
    Trigger("close_without_filing", "无须备案，办结", "Close without filing", ("signed",), "closed", ("GC-31",),
            (UNDERTAKING, ORGAN)),
)

# -- deadlines (shown on the case and in the overdue list; never guards) -----------------------------------

DEADLINES = (
    Deadline("DL-contract-review", "合同合法性审查办理期限", "Contract review due", "submit_for_review",
             ("clear_for_signing", "return_for_revision"), Param("contract_review_due_working_days"),
             Basis(LOCAL_43, "—", "[rulebook §4.3: the legal office reviews within 5 working days of receiving the "
                                   "draft (investigation, evaluation and argumentation time excluded)]")),
    Deadline("DL-contract-filing", "合同备案期限", "Contract filing due", DateOf("signing_record", "signed_on"),
             ("file",), Param("contract_filing_due_working_days"),
             Basis(LOCAL_43, "—", "[rulebook §4.3: after signing, copies are filed with the legal office and the "
                                   "archives within 5 working days]")),
)

PROCEDURE = Procedure(
    name="contract_review",
    version=1,
    title="政府合同合法性审查",
    title_en="Legality review of government contracts",
    roles=(UNDERTAKING, LEGAL, ORGAN),
    states=STATES,
    initial="negotiation",
    triggers=TRIGGERS,
    rules=RULES,
    record_types=RECORD_TYPES,
    attributes=ATTRIBUTES,
    case_opener_roles=(UNDERTAKING, ORGAN),
    deadlines=DEADLINES,
)
