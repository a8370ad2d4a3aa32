"""重大行政执法决定法制审核 — legal review of major enforcement decisions, version 1.

The legal sources are 《行政处罚法》(2021) arts. 54, 57–60 and 65 and the rulebook §4.2 (国办发〔2018〕118号,
the seeds, and two local rules: 朔州 and 大连). Quotes of the 行政处罚法 are short extracts of the 2021 text in
LawRefBook/Laws (file 行政法/行政处罚法.md, the revision in force from 2021-07-15); quotes of the 朔州 rule are
from the page the rulebook cites. Where a source gives no Chinese text, the basis quotes the rulebook's own
summary in square brackets rather than invent one.

Roles in this procedure:
- ``undertaking_unit``: 执法承办机构, the unit that investigated the case and drafts the decision;
- ``legal_office``: 法制审核机构, the agency's legal review body (从事行政处罚决定法制审核的人员);
- ``decision_organ``: 行政机关负责人, who decides, alone or by the leaders' collective discussion (art. 57).
"""

from __future__ import annotations

from procedures.fields import JURISDICTION
from procedures.fields import choice as _choice
from procedures.fields import date as _d
from procedures.fields import string as _s
from procedures.fields import text as _t
from workflow.definition import Attribute, Basis, Deadline, Field, Procedure, RecordType, Rule, State, Trigger
from workflow.rules import (
    AllOf,
    AnyOf,
    AttributeIs,
    DateOf,
    Equals,
    Exists,
    Latest,
    MinItems,
    NotBlank,
    NotEquals,
    Param,
    ParamIs,
    RecordedAfter,
    RecordedByRole,
    When,
)

CHUFA = "《中华人民共和国行政处罚法》(2021年修订)"
SHUOZHOU = "朔州市某委《重大行政执法决定法制审查制度》(szxxgk.shuozhou.gov.cn, 2018; rulebook §4.2)"
LIAONING = "辽宁省法治政府建设“十三五”规划（辽政办发〔2016〕76号, seed 003）"
LISHUI = "丽水市2017年度法治政府建设报告（丽政〔2017〕49号, seed 002）"
UNDERTAKING, LEGAL, ORGAN = "undertaking_unit", "legal_office", "decision_organ"

# -- states --------------------------------------------------------------------------------------------

STATES = (
    State("investigated", "调查终结·待法制审核", "Investigation concluded"),
    State("legal_review", "法制审核", "Legal review"),
    State("pending_decision", "待负责人决定", "Pending the head's decision"),
    State("decided", "已作出决定", "Decided", final=True),
)

# -- attributes -----------------------------------------------------------------------------------------

# The four situations of art. 58 ¶1 (situation (2) is major_rights together with hearing_held), the local
# review list (丽水/浙江), and art. 57 ¶2's 情节复杂或者重大违法行为, which calls for collective discussion.
ATTRIBUTES = (
    JURISDICTION,
    Attribute("major_public_interest", "bool", "涉及重大公共利益（第五十八条第一款第一项）", default=False,
              label_en="Involves a major public interest (art. 58 ¶1 (1))"),
    Attribute("major_rights", "bool", "直接关系当事人或者第三人重大权益（第五十八条第一款第二项）", default=False,
              label_en="Directly concerns major rights and interests of the party or a third party (art. 58 ¶1 (2))"),
    Attribute("hearing_held", "bool", "经过听证程序", default=False, label_en="A hearing was held"),
    Attribute("complex_case", "bool", "案件情况疑难复杂、涉及多个法律关系（第五十八条第一款第三项）", default=False,
              label_en="Difficult and complex case involving several legal relationships (art. 58 ¶1 (3))"),
    Attribute("review_required_by_law", "bool", "法律、法规规定应当进行法制审核的其他情形（第五十八条第一款第四项）",
              default=False, label_en="Other situation in which laws or regulations require legal review (art. 58 ¶1 (4))"),
    Attribute("on_review_list", "bool", "列入本机关重大执法决定法制审核目录", default=False,
              label_en="On the agency's list of major enforcement decisions subject to legal review"),
    Attribute("complex_or_serious", "bool", "情节复杂或者重大违法行为（第五十七条第二款：集体讨论）", default=False,
              label_en="Complex circumstances or a serious violation (art. 57 ¶2: collective discussion)"),
)

# -- record types ---------------------------------------------------------------------------------------

# Presentation labels of the choice codes: (code, 中文, English). Labels only; the codes are the stored values.


SUBMISSION = "review_submission"
OPINION = "review_opinion"

RECORD_TYPES = (
    RecordType("case_summary", "案件基本情况（立案）", "Case summary (filing)", (
        _s("case_no", "案号", "Case number"),
        _d("filed_on", "立案日期", "Date the case was filed"),
        _s("party", "当事人", "Party"),
        _s("cause", "案由", "Cause of the case"),
    ), (UNDERTAKING,), ("investigated",)),
    # The submission package of the local rules read (朔州 arts. 6–7, 大连): a review report on facts, evidence,
    # legal basis, officers' qualifications, procedure and discretion, the draft decision and the case file.
    RecordType(SUBMISSION, "法制审核送审材料", "Submission for legal review", (
        _d("submitted_on", "送审日期", "Date submitted"),
        _t("facts", "基本事实", "Basic facts"),
        _t("evidence", "证据情况", "Evidence"),
        Field("legal_basis", "string_list", "适用依据", min_items=1, label_en="Legal basis applied"),
        _t("officer_qualifications", "执法人员资格情况", "Enforcement officers' qualifications"),
        _t("procedure", "调查取证、告知、听证等程序情况",
           "Procedure followed (investigation and evidence-gathering, notification, hearing)"),
        _t("discretion", "裁量基准适用情况", "Application of the discretion benchmarks"),
        _t("draft_decision", "行政执法决定书代拟稿", "Draft of the enforcement decision"),
        _s("case_file_no", "行政执法案卷编号", "Enforcement case file number"),
        Field("party_notified", "bool", "已向当事人告知拟作出的决定", label_en="Party already notified of the intended decision"),
        _t("hearing_transcript", "听证笔录", "Hearing transcript", required=False),
    ), (UNDERTAKING,), ("investigated",)),
    RecordType("supplement_request", "补充材料通知", "Request for supplementary materials", (
        _d("requested_on", "通知日期", "Date of the request"),
        Field("missing", "string_list", "需补充的材料", min_items=1, label_en="Materials to be supplemented"),
    ), (LEGAL,), ("legal_review",)),
    RecordType(OPINION, "法制审核意见", "Legal review opinion", (
        _choice("conclusion", "审核结论", "approved", "approved_with_changes", "not_approved", en="Review conclusion",
                labels=(
                    ("approved", "审核通过", "Approved"),
                    ("approved_with_changes", "审核通过，但需纠正", "Approved, subject to corrections"),
                    ("not_approved", "审核未通过", "Not approved"),
                )),
        _t("reasons", "审核意见及理由", "Review opinion and reasons"),
        _d("issued_on", "出具日期", "Date issued"),
        _s("reviewer", "审核人员", "Reviewer"),
        # Art. 58 ¶2 binds reviewers doing this for the first time; those who reviewed before the 2021 revision
        # may continue without the qualification, so the third choice is the only unlawful one.
        _choice("reviewer_qualification", "审核人员资格", "legal_professional_qualification", "experienced_reviewer",
                "first_time_unqualified", en="Reviewer's qualification", labels=(
                    ("legal_professional_qualification", "已取得法律职业资格", "Holds the legal professional qualification"),
                    ("experienced_reviewer", "2021年修订前已从事法制审核", "Already a legal reviewer before the 2021 revision"),
                    ("first_time_unqualified", "初次从事法制审核，未取得法律职业资格",
                     "First-time reviewer without the legal professional qualification"),
                )),
    ), (LEGAL,), ("legal_review",)),
    RecordType("revision_note", "根据审核意见纠正情况", "Correction note", (
        _t("changes", "纠正内容", "Corrections made"),
    ), (UNDERTAKING,), ("legal_review",)),
    RecordType("collective_discussion", "负责人集体讨论记录", "Collective discussion by the leaders", (
        _d("held_on", "讨论日期", "Date of the discussion"),
        Field("participants", "string_list", "参加讨论的负责人", min_items=1, label_en="Leaders taking part"),
        _t("conclusion", "讨论意见", "Conclusion of the discussion"),
    ), (ORGAN,), ("investigated", "pending_decision")),
    RecordType("decision", "行政执法决定", "Enforcement decision", (
        _choice("outcome", "决定", "penalty", "no_penalty_minor", "no_penalty_unfounded", "transfer_to_judicial",
                en="Decision", labels=(
                    ("penalty", "给予行政处罚", "Impose an administrative penalty"),
                    ("no_penalty_minor", "违法行为轻微，不予行政处罚", "No penalty: minor violation"),
                    ("no_penalty_unfounded", "违法事实不能成立，不予行政处罚", "No penalty: violation not established"),
                    ("transfer_to_judicial", "涉嫌犯罪，移送司法机关", "Transfer to the judicial authorities (suspected crime)"),
                )),
        _d("decided_on", "决定日期", "Date of decision"),
        _s("document_no", "决定书文号", "Number of the decision document"),
    ), (ORGAN,), ("investigated", "pending_decision")),
)

# -- rules ----------------------------------------------------------------------------------------------

SITUATIONS_QUOTE = ("有下列情形之一…应当由从事行政处罚决定法制审核的人员进行法制审核：（一）涉及重大公共利益的；"
                    "（二）直接关系当事人或者第三人重大权益，经过听证程序的；（三）案件情况疑难复杂、涉及多个法律关系的；"
                    "（四）法律、法规规定应当进行法制审核的其他情形")

RULES = (
    Rule("ER-01", "尚无载明立案日期的案件基本情况", "No case summary with the filing date",
         Basis(CHUFA, "第五十四条第二款、第六十条", "符合立案标准的，行政机关应当及时立案；行政机关应当自行政处罚案件立案之日起九十日内作出行政处罚决定"),
         Latest("case_summary", (NotBlank("filed_on"), NotBlank("party")))),
    Rule("ER-02", "送审材料不完整（审核报告各项、决定书代拟稿、执法案卷）",
         "The submission is incomplete (review report items, draft decision, case file)",
         Basis(SHUOZHOU, "第六条、第七条", "报送法制审查时应当提交审查报告、行政执法决定书(文稿),并提交行政执法卷宗和其他有关材料"),
         Latest(SUBMISSION, (NotBlank("facts"), NotBlank("evidence"), MinItems("legal_basis", 1),
                             NotBlank("officer_qualifications"), NotBlank("procedure"), NotBlank("discretion"),
                             NotBlank("draft_decision"), NotBlank("case_file_no")))),
    Rule("ER-03", "经过听证程序的，送审材料须附听证笔录", "A hearing was held: the submission must include its transcript",
         Basis(CHUFA, "第六十五条", "听证结束后，行政机关应当根据听证笔录，依照本法第五十七条的规定，作出决定"),
         When(AttributeIs("hearing_held"), Latest(SUBMISSION, (NotBlank("hearing_transcript"),)))),
    Rule("ER-04", "本辖区要求在告知当事人之前送法制审核，送审时已告知当事人",
         "The jurisdiction requires review before the party is notified, and the party was already notified",
         Basis(SHUOZHOU, "第五条", "应当在拟作出行政决定未告知管理相对人前送委政策法规科进行法制审查"),
         # A case that went through a hearing was necessarily notified first (art. 58(2) reviews after it).
         When(AllOf((ParamIs("enforcement_review_before_party_notice"), AttributeIs("hearing_held", False))),
              Latest(SUBMISSION, (Equals("party_notified", False),)))),
    Rule("ER-05", "法制审核机构尚未发出补充材料通知", "The legal review body has not requested supplementary materials",
         Basis(SHUOZHOU, "第八条", "提供的材料齐备之日为受理日"),
         Latest("supplement_request", since="submit_for_review")),
    Rule("ER-06", "尚无审核未通过的审核意见", "No opinion finding that the review is not passed",
         Basis(CHUFA, "第五十八条第一款", "未经法制审核或者审核未通过的，不得作出决定"),
         Latest(OPINION, (Equals("conclusion", "not_approved"),), since="submit_for_review")),
    Rule("ER-10", "未经法制审核或者审核未通过的，不得作出决定", "No legal review opinion, or the review was not passed",
         Basis(CHUFA, "第五十八条第一款",
               "在行政机关负责人作出行政处罚的决定之前，应当由从事行政处罚决定法制审核的人员进行法制审核；未经法制审核或者审核未通过的，不得作出决定"),
         Latest(OPINION, (NotEquals("conclusion", "not_approved"),))),
    Rule("ER-11", "初次从事法制审核的人员未取得法律职业资格", "A first-time reviewer does not hold the national legal qualification",
         Basis(CHUFA, "第五十八条第二款", "行政机关中初次从事行政处罚决定法制审核的人员，应当通过国家统一法律职业资格考试取得法律职业资格"),
         When(Exists(OPINION), Latest(OPINION, (NotEquals("reviewer_qualification", "first_time_unqualified"),)))),
    Rule("ER-12", "法制审核意见须由法制审核机构出具，不得由他人录入",
         "The review opinion must be recorded by the legal review body",
         Basis(CHUFA, "第五十八条第一款", "应当由从事行政处罚决定法制审核的人员进行法制审核"),
         When(Exists(OPINION), RecordedByRole(OPINION, (LEGAL,)))),
    Rule("ER-13", "本辖区要求纠正审核发现的问题：审核意见提出修改，尚无其后的纠正情况",
         "The jurisdiction requires the review's findings corrected, and no correction note follows the opinion",
         Basis(LIAONING, "第29项", "行政机关在作出重大行政执法决定前,应当由本机关所属法制机构进行审核,对审核发现的问题及时予以纠正"),
         When(AllOf((ParamIs("enforcement_findings_must_be_corrected"),
                     Latest(OPINION, (Equals("conclusion", "approved_with_changes"),)))),
              RecordedAfter("revision_note", OPINION))),
    Rule("ER-20", "尚无行政机关负责人作出的决定", "No decision by the head of the agency",
         Basis(CHUFA, "第五十七条第一款、第五十九条", "调查终结，行政机关负责人应当对调查结果进行审查，根据不同情况，分别作出如下决定；应当制作行政处罚决定书"),
         Latest("decision", (NotBlank("document_no"),))),
    Rule("ER-21", "情节复杂或者重大违法行为给予行政处罚，尚无负责人集体讨论记录",
         "A penalty for a complex case or a serious violation needs the leaders' collective discussion",
         Basis(CHUFA, "第五十七条第二款", "对情节复杂或者重大违法行为给予行政处罚，行政机关负责人应当集体讨论决定"),
         When(AllOf((AttributeIs("complex_or_serious"), Latest("decision", (Equals("outcome", "penalty"),)))),
              Latest("collective_discussion", (MinItems("participants", 1),)))),
    Rule("ER-22", "属于第五十八条应当法制审核的情形，不得未经审核作出决定",
         "An art. 58 situation applies: the decision may not be made without legal review",
         Basis(CHUFA, "第五十八条第一款", SITUATIONS_QUOTE),
         AllOf((
             AttributeIs("major_public_interest", False),
             AnyOf((AttributeIs("major_rights", False), AttributeIs("hearing_held", False))),
             AttributeIs("complex_case", False),
             AttributeIs("review_required_by_law", False),
         ))),
    Rule("ER-23", "本辖区实行法制审核目录，列入目录的决定不得未经审核作出",
         "The jurisdiction keeps a review list, and a decision on it may not be made without review",
         Basis(LISHUI, "四(一)", "研究制定了由市政府审批的行政执法决定事项目录、法制审核规程"),
         When(ParamIs("enforcement_review_list_binding"), AttributeIs("on_review_list", False))),
)

# -- triggers -------------------------------------------------------------------------------------------

REVIEW_RECORDS = (SUBMISSION, "supplement_request", OPINION, "revision_note")

TRIGGERS = (
    Trigger("submit_for_review", "送法制审核", "Submit for legal review", ("investigated",), "legal_review",
            ("ER-01", "ER-02", "ER-03", "ER-04"), (UNDERTAKING,)),
    Trigger("return_for_supplement", "退回补充材料", "Return for supplement", ("legal_review",), "investigated",
            ("ER-05",), (LEGAL,), invalidates=REVIEW_RECORDS, invalidation_basis="ER-05"),
    Trigger("return_not_approved", "审核未通过，退回承办机构", "Return: review not passed", ("legal_review",),
            "investigated", ("ER-06",), (LEGAL,), invalidates=REVIEW_RECORDS, invalidation_basis="ER-06"),
    Trigger("submit_for_decision", "报请负责人决定", "Submit for the head's decision", ("legal_review",),
            "pending_decision", ("ER-10", "ER-11", "ER-12", "ER-13"), (UNDERTAKING,)),
    Trigger("decide", "作出决定", "Decide", ("pending_decision",), "decided", ("ER-20", "ER-21"), (ORGAN,)),
    # For a decision that none of art. 58's situations (nor a binding local list) puts under review.
    Trigger("decide_without_review", "无须法制审核，直接作出决定", "Decide without legal review", ("investigated",),
            "decided", ("ER-01", "ER-22", "ER-23", "ER-20", "ER-21"), (ORGAN,)),
)

# -- deadlines (shown on the case and in the overdue list; never guards) -----------------------------------

DEADLINES = (
    Deadline("DL-enforcement-review", "法制审核办理期限", "Legal review due", "submit_for_review",
             ("submit_for_decision", "return_for_supplement", "return_not_approved"),
             Param("enforcement_review_due_working_days"),
             Basis("地方规定（见 rulebook §4.2）", "—",
                   "[rulebook §4.2: no time limit for the review was found in the sources read; a jurisdiction may set one]")),
    Deadline("DL-penalty-decision", "行政处罚决定期限", "Penalty decision due", DateOf("case_summary", "filed_on"),
             ("decide", "decide_without_review"), Param("penalty_decision_due_days"),
             Basis(CHUFA, "第六十条", "行政机关应当自行政处罚案件立案之日起九十日内作出行政处罚决定。法律、法规、规章另有规定的，从其规定"),
             unit="calendar"),
)

PROCEDURE = Procedure(
    name="enforcement_review",
    version=1,
    title="重大行政执法决定法制审核",
    title_en="Legal review of major enforcement decisions",
    roles=(UNDERTAKING, LEGAL, ORGAN),
    states=STATES,
    initial="investigated",
    triggers=TRIGGERS,
    rules=RULES,
    record_types=RECORD_TYPES,
    attributes=ATTRIBUTES,
    case_opener_roles=(UNDERTAKING, ORGAN),
    deadlines=DEADLINES,
)
