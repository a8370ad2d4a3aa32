"""行政规范性文件 — administrative normative document, version 1.

The chain every seed describes (rulebook §4.1): drafting with research → public comment → legality review
(合法性审核) → collective discussion → 三统一 (unified registration, numbering and issue by the legal office)
→ publication → filing (备案) → in force, then clean-up (清理), amendment, repeal or automatic expiry.

A step that every seed requires is part of the chain for every jurisdiction (filing: seeds 000 (七), 001 #7,
002 二(二), 003 #12, 004 (二)3). A step only some seeds require is a profile flag that is off nationally
(三统一, 制度廉洁性评估, the validity period for automatic expiry). Quotes are short extracts in the
original Chinese; where the rulebook gives no Chinese text, the basis quotes the rulebook's own summary in
square brackets rather than invent one. docs/procedures/normative_document.md explains every choice.
"""

from __future__ import annotations

from procedures.fields import JURISDICTION, Labels
from procedures.fields import boolean as _b
from procedures.fields import choice as _choice
from procedures.fields import date as _d
from procedures.fields import string as _s
from procedures.fields import string_list as _list
from procedures.fields import text as _t
from procedures.normative_document import checks
from workflow.definition import (
    Attribute,
    Basis,
    Deadline,
    Field,
    Numbering,
    Procedure,
    RecordType,
    Rule,
    State,
    Trigger,
)
from workflow.rules import (
    RECORDED_ON,
    AllOf,
    AnyOf,
    AttributeIs,
    Before,
    ByTrigger,
    DateOf,
    Equals,
    Exists,
    Latest,
    MinItems,
    NotBlank,
    NotEquals,
    OneOf,
    Param,
    ParamIs,
    PeriodAtLeast,
    Predicate,
    RecordedAfter,
    RecordedByRole,
    Today,
    When,
)

UNDERTAKING, LEGAL, ORGAN = "undertaking_unit", "legal_office", "decision_organ"

# -- sources (rulebook §0, §4.1, §6) ---------------------------------------------------------------------

SEED000 = "甘肃省2017年依法行政工作要点（甘政办发〔2017〕103号，seed 000）"
SEED001 = "《潜江市2022年法治政府建设工作要点》（seed 001）"
SEED002 = "丽水市2017年度法治政府建设报告（丽政〔2017〕49号，seed 002）"
SEED003 = "辽宁省法治政府建设“十三五”规划（辽政办发〔2016〕76号，seed 003）"
SEED004 = "河南省机关事务管理局关于全面推进依法行政的实施意见（2019-02-21，seed 004）"
YINGSHANG = "《优化营商环境条例》(2019)"
INDICATORS = "法治政府建设示范指标体系（政府网站转载，见 rulebook §4.1）"
GUOBAN_115 = "《国务院办公厅关于全面推行行政规范性文件合法性审核机制的指导意见》(国办发〔2018〕115号)"
LOCAL_REVIEW = "地方行政规范性文件管理规定（rulebook §4.1 所引，cgs.gov.cn）"
YANGLING = "杨凌示范区行政规范性文件“三统一”规定（rulebook §4.1 所引，yangling.gov.cn）"

# -- states --------------------------------------------------------------------------------------------

STATES = (
    State("drafting", "起草", "Drafting"),
    State("public_comment", "公开征求意见", "Public comment"),
    State("legality_review", "合法性审核", "Legality review"),
    State("discussion", "集体讨论", "Collective discussion"),
    State("decided", "审议通过（待登记、编号、公布）", "Adopted (to register, number and publish)"),
    State("published", "已公布（待备案）", "Published (to file)"),
    State("in_force", "施行中（已备案）", "In force (filed)"),
    State("cleanup", "清理", "Clean-up"),
    State("rejected", "不予通过", "Rejected", final=True),
    State("repealed", "已废止", "Repealed", final=True),
    State("expired", "已失效", "Expired", final=True),
)

# -- attributes -----------------------------------------------------------------------------------------

ATTRIBUTES = (
    JURISDICTION,
    Attribute("market_related", "bool", "与市场主体生产经营活动密切相关", default=False,
              label_en="Closely related to the production and business activities of market entities"),
)

# -- record types ---------------------------------------------------------------------------------------

# Presentation labels of the choice codes: (code, 中文, English). Labels only; the codes are the stored values.


BEFORE_DISCUSSION = ("drafting", "public_comment", "legality_review")
CHANNELS = ("gazette", "government_website", "newspaper")
CHANNEL_LABELS: Labels = (
    ("gazette", "政府公报", "Government gazette"),
    ("government_website", "政府网站", "Government website"),
    ("newspaper", "本地报纸", "Local newspaper"),
)
OPINION = "legality_review_opinion"

RECORD_TYPES = (
    RecordType("draft", "规范性文件草案（送审稿）及起草说明", "Draft and drafting explanation", (
        _s("title", "文件名称", "Title of the document"),
        _t("explanation", "起草说明", "Drafting explanation"),
        _t("research", "调研论证情况", "Research and argumentation done"),
        _list("legal_basis", "制定依据（法律、法规、规章及上级文件）",
              "Basis (laws, regulations, rules and higher-level documents)", min_items=1),
    ), (UNDERTAKING,), ("drafting", "public_comment")),
    RecordType("comment_notice", "公开征求意见公告", "Public comment notice", (
        _s("channel", "发布渠道", "Channel of publication"),
        _d("opens_on", "起始日期", "Opening date"),
        _d("closes_on", "截止日期", "Closing date"),
        _s("method", "意见反馈方式", "How to submit comments"),
        _t("shortening_reason", "缩短期限的理由（须在公告中说明）", "Reason for shortening the period (stated in the notice)",
           required=False),
    ), (UNDERTAKING,), ("public_comment",)),
    RecordType("comment_summary", "公众意见归纳及采纳情况", "Comment summary and adoption", (
        Field("received", "int", "收到意见数", label_en="Comments received"),
        Field("adopted", "int", "采纳意见数", label_en="Comments adopted"),
        _t("adoption_explanation", "采纳情况及未采纳理由", "Adoption, and reasons for not adopting"),
    ), (UNDERTAKING,), ("public_comment",)),
    RecordType("expert_opinion", "专家论证意见", "Expert opinion", (
        _s("expert_name", "专家或机构", "Expert or institution"),
        _b("signed", "已署名", "Signed"),
        _t("opinion", "论证意见", "Opinion"),
        _d("given_on", "出具日期", "Date issued"),
    ), (UNDERTAKING,), BEFORE_DISCUSSION),
    RecordType("risk_assessment_report", "风险评估报告", "Risk assessment report", (
        _s("assessor", "评估单位", "Assessing unit"),
        _list("risk_points", "风险点", "Risk points"),
        _t("measures", "风险防范措施", "Risk prevention measures"),
        _t("conclusion", "评估结论", "Conclusion of the assessment"),
    ), (UNDERTAKING,), BEFORE_DISCUSSION),
    RecordType("integrity_assessment", "制度廉洁性评估报告", "Integrity-risk assessment", (
        _s("assessor", "评估单位", "Assessing unit"),
        _d("assessed_on", "评估日期", "Date assessed"),
        _list("risk_points", "廉洁风险点", "Integrity risk points"),
        _t("measures", "防控措施", "Prevention and control measures"),
        _t("conclusion", "评估结论", "Conclusion of the assessment"),
    ), (UNDERTAKING,), BEFORE_DISCUSSION),
    RecordType("fair_competition_review", "公平竞争审查", "Fair competition review", (
        _d("reviewed_on", "审查日期", "Date reviewed"),
        _b("restricts_competition", "含有排除、限制竞争的内容", "Contains provisions that eliminate or restrict competition"),
        _t("conclusion", "审查结论", "Review conclusion"),
    ), (UNDERTAKING,), BEFORE_DISCUSSION),
    RecordType(OPINION, "合法性审核意见（合法性审查意见书）", "Legality review opinion", (
        _choice("conclusion", "审核结论", "lawful", "lawful_with_revisions", "unlawful", en="Review conclusion", labels=(
            ("lawful", "合法", "Lawful"),
            ("lawful_with_revisions", "合法但需修改", "Lawful, subject to revisions"),
            ("unlawful", "不合法", "Unlawful"),
        )),
        _b("sets_permit_penalty_or_coercion", "设定行政许可、行政处罚、行政强制等事项",
           "Creates administrative licensing, penalties, coercive measures or the like"),
        _b("reduces_rights_without_basis", "没有法律法规依据减损合法权益或者增加义务",
           "Reduces lawful rights and interests or adds obligations without a basis in law or regulation"),
        _t("reasons", "理由和依据", "Reasons and grounds"),
        _d("issued_on", "出具日期", "Date issued"),
        _s("reviewer", "审核人", "Reviewer"),
        _s("letter_no", "合法性审查意见书编号", "Number of the legality review opinion letter", required=False),
    ), (LEGAL,), ("legality_review",)),
    RecordType("revision_note", "根据审核意见修改情况", "Revision note", (
        _t("changes", "修改内容", "Changes made"),
    ), (UNDERTAKING,), ("legality_review",)),
    RecordType("meeting_minutes", "集体讨论会议纪要", "Minutes of the collective discussion", (
        _choice("meeting_type", "会议类型", "executive_meeting", "plenary_meeting", "leadership_meeting",
                en="Type of meeting", labels=(
                    ("executive_meeting", "常务会议", "Executive meeting"),
                    ("plenary_meeting", "全体会议", "Plenary meeting"),
                    ("leadership_meeting", "领导班子会议", "Leadership meeting"),
                )),
        _d("held_on", "会议日期", "Date of the meeting"),
        _list("attendees", "出席人员", "Attendees", min_items=1),
        _t("discussion", "讨论情况（含不同意见）", "Discussion (including dissenting views)"),
        _choice("outcome", "决定", "adopt", "revise", "reject", en="Decision", labels=(
            ("adopt", "审议通过", "Adopt"),
            ("revise", "退回修改", "Send back for revision"),
            ("reject", "不予通过", "Reject"),
        )),
    ), (ORGAN,), ("discussion",)),
    RecordType("registration", "统一登记、统一编号", "Unified registration and number", (
        _s("title", "文件名称", "Title of the document"),
        _s("prefix", "发文机关代字（如 潜政规）", "Issuing organ's document prefix (e.g. 潜政规)"),
        _d("registered_on", "登记日期", "Date registered"),
        Field("document_no", "string", "统一编号", server_set="sequence", label_en="Unified number"),
    ), (LEGAL,), ("decided",),
        numbering=Numbering(into="document_no", scope=("prefix",), year_from="registered_on",
                            template="{prefix}〔{year}〕{number}号")),
    RecordType("publication", "公布（含重新发布）", "Publication (or re-publication)", (
        _choice("channel", "公布渠道", *CHANNELS, en="Channel of publication", labels=CHANNEL_LABELS),
        _d("published_on", "公布日期", "Date published"),
        _s("document_no", "文号（已统一编号的可不填，以登记编号公布）",
           "Document number (may be left blank once unified numbering applies: published under the registered number)",
           required=False),
        _d("effective_on", "施行日期", "Effective date", required=False),
        _d("valid_until", "有效期至", "Valid until", required=False),
    ), (ORGAN,), ("decided", "cleanup")),
    RecordType("filing_record", "备案报告", "Filing record", (
        _d("filed_on", "报送备案日期", "Date submitted for filing"),
        _s("filed_with", "备案机关", "Filing authority"),
        _list("materials", "报备材料", "Materials submitted for filing", min_items=1),
    ), (ORGAN, LEGAL), ("published",)),
    RecordType("filing_review", "备案审查意见", "Filing review finding", (
        _d("reviewed_on", "审查日期", "Date reviewed"),
        _s("reviewed_by", "备案审查机关", "Filing review authority"),
        _choice("conclusion", "审查结论", "no_objection", "correction_ordered", en="Review conclusion", labels=(
            ("no_objection", "无异议", "No objection"),
            ("correction_ordered", "责令纠正", "Correction ordered"),
        )),
        _t("reasons", "理由", "Reasons"),
    ), (LEGAL,), ("in_force", "cleanup")),
    RecordType("cleanup_review", "清理意见", "Clean-up finding", (
        _d("reviewed_on", "清理日期", "Date of the clean-up"),
        _choice("outcome", "清理结论", "keep", "amend", "repeal", en="Clean-up conclusion", labels=(
            ("keep", "继续有效", "Remains in force"),
            ("amend", "修改", "Amend"),
            ("repeal", "废止", "Repeal"),
        )),
        _t("reasons", "理由", "Reasons"),
    ), (LEGAL, ORGAN), ("cleanup",)),
    RecordType("repeal_notice", "废止决定公布", "Publication of the repeal", (
        _choice("channel", "公布渠道", *CHANNELS, en="Channel of publication", labels=CHANNEL_LABELS),
        _d("published_on", "公布日期", "Date published"),
        _s("reference_no", "废止决定文号", "Number of the repeal decision"),
    ), (ORGAN,), ("in_force", "cleanup")),
)

# -- rules ----------------------------------------------------------------------------------------------

NOTICE = "comment_notice"
QIANJIANG_SIX = "未经起草部门征求公众意见、专家论证、合法性审查、风险评估和制度廉洁性评估的不得提交市政府决策"


def _comment_period(days: Param, unit: str) -> PeriodAtLeast:
    # Counted opens_on..closes_on inclusive, like the dates a notice states (working days: on the
    # statutory calendar, the opening day too if it is a working day).
    return PeriodAtLeast(DateOf(NOTICE, "opens_on"), DateOf(NOTICE, "closes_on"), days, unit=unit,  # type: ignore[arg-type]
                         inclusive=True, unless="shortening_reason")


def _outcome(value: str) -> Latest:
    return Latest("meeting_minutes", (Equals("outcome", value),))


def _cleanup(outcome: str) -> Latest:
    return Latest("cleanup_review", (Equals("outcome", outcome),), since="start_cleanup")


CORRECTION_ORDERED = Latest("filing_review", (Equals("conclusion", "correction_ordered"),))

RULES = (
    Rule("ND-01", "尚无载明调研论证情况和制定依据的文件草案", "No draft stating the research done and its legal basis",
         Basis(SEED004, "(二)3", "落实调研论证、公开征求意见、合法性审查、集体讨论决定和公开发布程序"),
         Latest("draft", (NotBlank("research"), MinItems("legal_basis", 1)))),
    Rule("ND-10", "未公开征求意见（征求意见公告及意见采纳情况）", "No public comment (notice and summary of the comments)",
         Basis(SEED004, "(二)3", "落实调研论证、公开征求意见、合法性审查、集体讨论决定和公开发布程序"),
         AllOf((Latest(NOTICE), Latest("comment_summary")))),
    Rule("ND-11", "征求意见期限短于规定（一般不少于7个工作日；与市场主体生产经营活动密切相关的不少于30日），且公告中未说明理由",
         "The comment period is shorter than the minimum (7 working days; 30 days for documents closely "
         "concerning market actors) and the notice states no reason",
         Basis(f"{INDICATORS}；{YINGSHANG}第六十二条", "—",
               "期限一般不少于7个工作日（与市场主体生产经营活动密切相关的行政规范性文件，期限一般不少于30日）"),
         When(Exists(NOTICE), AllOf((
             When(AttributeIs("market_related", False),
                  _comment_period(Param("document_comment_min_working_days"), "working")),
             When(AttributeIs("market_related", True),
                  _comment_period(Param("market_comment_min_days"), "calendar")),
         )))),
    Rule("ND-12", "征求意见期限届满前不得归纳意见或送审", "The comment period must close before the summary and the submission",
         Basis(INDICATORS, "—", "期限一般不少于7个工作日"),
         When(Exists(NOTICE), AllOf((
             Before(DateOf(NOTICE, "closes_on"), DateOf("comment_summary", RECORDED_ON)),
             Before(DateOf(NOTICE, "closes_on"), Today()),
         )))),
    Rule("ND-15", "本辖区要求制度廉洁性评估，尚无评估报告", "The jurisdiction requires an integrity-risk assessment and there is none",
         Basis(SEED001, "第6项", QIANJIANG_SIX),
         When(ParamIs("integrity_assessment_required"), Latest("integrity_assessment", (NotBlank("conclusion"),)))),
    Rule("ND-16", "本辖区要求专家论证，尚无署名的专家论证意见", "The jurisdiction requires expert argument and there is no signed opinion",
         Basis(SEED001, "第6项", QIANJIANG_SIX),
         When(ParamIs("document_expert_argument_required"), Latest("expert_opinion", (Equals("signed", True),)))),
    Rule("ND-17", "本辖区要求风险评估，尚无载明防范措施的风险评估报告",
         "The jurisdiction requires a risk assessment and there is no report with measures",
         Basis(SEED001, "第6项", QIANJIANG_SIX),
         When(ParamIs("document_risk_assessment_required"), Latest("risk_assessment_report", (NotBlank("measures"),)))),
    Rule("ND-18", "与市场主体生产经营活动密切相关的文件尚未进行公平竞争审查",
         "A document closely concerning market actors has had no fair competition review",
         Basis(YINGSHANG, "第六十三条", "[rulebook §4.1: 营商条例 art. 63 adds 公平竞争审查]"),
         When(AttributeIs("market_related"), Latest("fair_competition_review", (NotBlank("conclusion"),)))),
    Rule("ND-20", "未经合法性审核或经审核不合法，不得提请审议", "No legality review opinion, or the opinion finds the draft unlawful",
         Basis(LOCAL_REVIEW, "合法性审核", "未经法治工作机构合法性审核或者经审核不合法的规范性文件送审稿，不得提请审议"),
         Latest(OPINION, (NotEquals("conclusion", "unlawful"),))),
    Rule("ND-21", "合法性审核意见须由法制机构出具，不得由起草部门录入",
         "The review opinion must be recorded by the legal office, not by the drafting unit",
         Basis(GUOBAN_115, "—", "[rulebook §4.1: governments and departments must designate a review body; a "
                                "document issued in a government's name is reviewed by that government's review body]"),
         When(Exists(OPINION), RecordedByRole(OPINION, (LEGAL,)))),
    Rule("ND-22", "审核意见要求修改，尚无其后的修改说明", "The opinion asks for revisions and no later revision note answers it",
         Basis("地方规定（rulebook §5，重大行政决策，类推适用）", "—",
               "[rulebook §5: review opinion option (2) submit but revise parts; drafts 未依照合法性审查意见修改完善 are blocked]"),
         When(Latest(OPINION, (Equals("conclusion", "lawful_with_revisions"),)), RecordedAfter("revision_note", OPINION))),
    Rule("ND-23", "规范性文件不得设定行政许可、行政处罚、行政强制等事项，不得没有法律法规依据减损权益或增加义务",
         "A normative document may not create permits, penalties or coercive measures, nor reduce rights or add "
         "duties without a legal basis",
         Basis(f"{SEED003}；{SEED004}", "第11项；(二)3",
               "不得设定行政许可、行政处罚、行政强制等事项，没有法律法规依据的，不得减损公民、法人和其他组织合法权益或者增加其义务"),
         Latest(OPINION, (Equals("sets_permit_penalty_or_coercion", False), Equals("reduces_rights_without_basis", False)))),
    Rule("ND-24", "退回起草须有认定不合法或要求修改的审核意见", "Returning the draft needs an opinion finding it unlawful or asking for revisions",
         Basis(LOCAL_REVIEW, "合法性审核", "经审核不合法的规范性文件送审稿，不得提请审议"),
         Latest(OPINION, (OneOf("conclusion", ("unlawful", "lawful_with_revisions")),))),
    Rule("ND-30", "尚无集体讨论会议纪要，或纪要记载的决定与操作不一致",
         "No minutes of the collective discussion, or the minutes record another outcome",
         Basis(f"{SEED003}；{SEED004}", "第12项；(二)3", "落实合法性审查、集体讨论决定等制度"),
         ByTrigger({"adopt": _outcome("adopt"), "send_back": _outcome("revise"), "reject": _outcome("reject")})),
    Rule("ND-40", "本辖区实行“三统一”，尚未由法制机构统一登记、统一编号",
         "The jurisdiction applies 三统一 and the legal office has not registered and numbered the document",
         Basis(f"{SEED003}；{SEED004}；{SEED002}", "第12项；(二)3；二(二)", "统一登记、统一编号、统一印发"),
         When(ParamIs("unified_registration_required"), Latest("registration", (NotBlank("document_no"),)))),
    Rule("ND-41", "尚未通过政府公报、政府网站或本地报纸公布；未经公布的不得作为行政管理依据",
         "Not published in the gazette, on the government website or in a local newspaper",
         Basis(SEED003, "第12项", "应当按照法定要求和程序予以公布，未经公布的不得作为行政管理依据"),
         Latest("publication", (OneOf("channel", CHANNELS), NotBlank("published_on")))),
    Rule("ND-42", "公布的文号与统一登记的编号不一致", "The published number differs from the registered one",
         Basis(YANGLING, "—", "[rulebook §4.1: 三统一 = 统一登记、统一编号、统一公布/印发, done by the legal office before publication]"),
         Predicate(checks.number_matches_registration, reads=frozenset({"registration", "publication"}))),
    Rule("ND-43", "本辖区实行规范性文件自动失效制度，公布时须载明有效期",
         "The jurisdiction applies automatic expiry: the publication must state the validity period",
         Basis(SEED003, "第13项", "落实规范性文件自动失效制度"),
         When(ParamIs("automatic_expiry"), Latest("publication", (NotBlank("valid_until"),)))),
    Rule("ND-50", "尚无报送备案的记录", "No record of filing",
         Basis(f"{SEED004}；{SEED003}", "(二)3；第12项", "把所有规范性文件纳入备案审查范围，做到有件必备"),
         Latest("filing_record", (NotBlank("filed_with"), MinItems("materials", 1)))),
    Rule("ND-61", "本轮清理尚无“继续有效”的清理意见", "This clean-up has no finding that the document stays in force",
         Basis(SEED002, "二(二)", "坚持两年一次“定期清”"),
         _cleanup("keep")),
    Rule("ND-62", "修改须有清理意见（修改）或备案审查纠正意见；修改后重新履行制定程序",
         "Amendment needs a clean-up finding to amend or a filing review ordering correction; the amended text "
         "goes through the procedure again",
         Basis(f"{SEED000}；{SEED002}", "(七)、(八)；二(二)",
               "对违法或不当的规章、规范性文件责令制定机关纠正…及时修改、废止相关规章和规范性文件"),
         AnyOf((_cleanup("amend"), CORRECTION_ORDERED))),
    Rule("ND-63", "废止须有清理意见（废止）或备案审查纠正意见", "Repeal needs a clean-up finding to repeal or a filing review ordering correction",
         Basis(f"{SEED000}；{SEED002}", "(七)、(八)；二(二)",
               "对违法或不当的规章、规范性文件责令制定机关纠正…及时修改、废止相关规章和规范性文件"),
         AnyOf((_cleanup("repeal"), CORRECTION_ORDERED))),
    Rule("ND-64", "废止决定尚未向社会公布", "The repeal has not been made public",
         Basis(f"{SEED004}；{SEED000}", "(二)4；(八)", "规章、规范性文件清理结果要向社会公布"),
         Latest("repeal_notice", (OneOf("channel", CHANNELS),))),
    Rule("ND-65", "有效期尚未届满，不得宣布失效", "The validity period has not ended (or none is stated)",
         Basis(SEED003, "第13项", "落实规范性文件自动失效制度，确需继续实施的，应当重新发布或者列入现行有效规范性文件目录并向社会公布"),
         Before(DateOf("publication", "valid_until"), Today())),
)

# -- triggers -------------------------------------------------------------------------------------------

REVIEW_RECORDS = (OPINION, "revision_note")
EVERY_RECORD = tuple(r.name for r in RECORD_TYPES)
AFTER_PUBLICATION = ("in_force", "cleanup")

TRIGGERS = (
    Trigger("open_public_comment", "公开征求意见", "Open public comment", ("drafting",), "public_comment",
            ("ND-01",), (UNDERTAKING,)),
    Trigger("submit_for_legality_review", "提交合法性审核", "Submit for legality review", ("public_comment",),
            "legality_review", ("ND-10", "ND-11", "ND-12"), (UNDERTAKING,)),
    Trigger("return_for_redrafting", "退回起草部门修改", "Return for redrafting", ("legality_review",), "drafting",
            ("ND-24",), (LEGAL,), invalidates=REVIEW_RECORDS, invalidation_basis="ND-24"),
    Trigger("submit_for_discussion", "提请集体讨论", "Submit for discussion", ("legality_review",), "discussion",
            ("ND-15", "ND-16", "ND-17", "ND-18", "ND-20", "ND-21", "ND-22", "ND-23"), (UNDERTAKING,)),
    Trigger("adopt", "审议通过", "Adopt", ("discussion",), "decided", ("ND-30",), (ORGAN,)),
    Trigger("send_back", "退回修改", "Send back for revision", ("discussion",), "drafting", ("ND-30",), (ORGAN,),
            invalidates=REVIEW_RECORDS + ("meeting_minutes",), invalidation_basis="ND-30"),
    Trigger("reject", "不予通过", "Reject", ("discussion",), "rejected", ("ND-30",), (ORGAN,)),
    Trigger("publish", "统一印发、公布", "Publish", ("decided",), "published", ("ND-40", "ND-41", "ND-42", "ND-43"),
            (ORGAN,)),
    Trigger("file_for_record", "报送备案", "File for the record", ("published",), "in_force", ("ND-50",),
            (ORGAN, LEGAL)),
    Trigger("start_cleanup", "开始清理", "Start clean-up", ("in_force",), "cleanup", (), (ORGAN, LEGAL)),
    Trigger("keep_in_force", "清理后继续有效", "Keep in force", ("cleanup",), "in_force", ("ND-61",), (ORGAN,)),
    Trigger("amend", "修改（重新履行制定程序）", "Amend (run the procedure again)", AFTER_PUBLICATION, "drafting",
            ("ND-62",), (ORGAN,), invalidates=EVERY_RECORD, invalidation_basis="ND-62"),
    Trigger("repeal", "废止", "Repeal", AFTER_PUBLICATION, "repealed", ("ND-63", "ND-64"), (ORGAN,)),
    Trigger("expire", "有效期届满失效", "Expire", AFTER_PUBLICATION, "expired", ("ND-65",), (ORGAN, LEGAL)),
)

# -- deadlines (shown on the case and in the overdue list; never guards) -----------------------------------

LEAVES_IN_FORCE = ("start_cleanup", "amend", "repeal", "expire")

DEADLINES = (
    Deadline("DL-filing", "备案期限", "Filing due", "publish", ("file_for_record",), Param("filing_due_days"),
             Basis(SEED001, "第7项", "自公布之日起30日内"), unit="calendar"),
    Deadline("DL-legality-review", "合法性审核办理期限", "Legality review due", "submit_for_legality_review",
             ("submit_for_discussion", "return_for_redrafting"), Param("document_review_due_working_days"),
             Basis(GUOBAN_115, "—", "[rulebook §7 UNCONFIRMED: review time 一般不少于5个工作日，最长不超过15个工作日]")),
    Deadline("DL-expiry-reminder", "有效期届满前评估提醒", "Evaluate before expiry", DateOf("publication", "valid_until"),
             LEAVES_IN_FORCE, Param("expiry_reminder_days"),
             Basis("地方规定（rulebook §4.1 Other local parameters）", "—",
                   "[rulebook §4.1: validity usually at most 5 years, with an evaluation 6 months before expiry]"),
             unit="calendar", before=True),
    Deadline("DL-cleanup", "定期清理期限（首次）", "First periodic clean-up due", "file_for_record", LEAVES_IN_FORCE,
             Param("cleanup_interval_days"), Basis(SEED002, "二(二)", "坚持两年一次“定期清”"), unit="calendar"),
    Deadline("DL-cleanup-next", "定期清理期限（再次）", "Next periodic clean-up due", "keep_in_force", LEAVES_IN_FORCE,
             Param("cleanup_interval_days"), Basis(SEED002, "二(二)", "坚持两年一次“定期清”"), unit="calendar"),
)

PROCEDURE = Procedure(
    name="normative_document",
    version=1,
    title="行政规范性文件",
    title_en="Administrative normative document",
    roles=(UNDERTAKING, LEGAL, ORGAN),
    states=STATES,
    initial="drafting",
    triggers=TRIGGERS,
    rules=RULES,
    record_types=RECORD_TYPES,
    attributes=ATTRIBUTES,
    case_opener_roles=(UNDERTAKING, ORGAN),
    deadlines=DEADLINES,
)
