"""重大行政决策 — major administrative decision, version 1.

The public contract is ``shared/spec/major-decision.md``; the legal sources are the 条例 (国务院令第713号)
and the rulebook. Quotes are short extracts in the original Chinese; where the rulebook gives no Chinese
text for an article, the basis quotes the rulebook's own summary in square brackets rather than invent one.
"""

from __future__ import annotations

from procedures.fields import JURISDICTION, Labels
from procedures.fields import boolean as _b
from procedures.fields import choice as _choice
from procedures.fields import date as _d
from procedures.fields import string as _s
from procedures.fields import string_list as _list
from procedures.fields import text as _t
from procedures.major_decision import checks
from workflow.definition import Attribute, Basis, Deadline, Field, Procedure, RecordType, Rule, State, Trigger
from workflow.rules import (
    RECORDED_ON,
    AllOf,
    AnyOf,
    AttributeIs,
    Before,
    ByTrigger,
    CountAtLeast,
    DateOf,
    DaysSinceTrigger,
    Equals,
    Exists,
    Latest,
    MinItems,
    NoneMatch,
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

TIAOLI = "《重大行政决策程序暂行条例》(国务院令第713号)"
UNDERTAKING, LEGAL, ORGAN = "undertaking_unit", "legal_office", "decision_organ"

# -- states --------------------------------------------------------------------------------------------

STATES = (
    State("proposed", "决策动议", "Proposed"),
    State("drafting", "拟订方案", "Drafting"),
    State("consultation", "公众参与·专家论证·风险评估", "Consultation"),
    State("legality_review", "合法性审查", "Legality review"),
    State("discussion", "集体讨论", "Collective discussion"),
    State("deferred", "暂缓", "Deferred"),
    State("decided", "已决定", "Decided"),
    State("published", "已公布", "Published"),
    State("in_execution", "执行中", "In execution"),
    State("suspended", "中止执行", "Suspended"),
    State("post_evaluation", "决策后评估", "Post-evaluation"),
    State("rejected", "不予通过", "Rejected", final=True),
    State("void", "失效", "Void", final=True),
    State("terminated", "终止", "Terminated", final=True),
)

# -- attributes -----------------------------------------------------------------------------------------

ATTRIBUTES = (
    Attribute("organ_level", "choice", "决策机关层级", default="government", choices=("government", "department", "township"),
              label_en="Level of the decision organ", choice_labels=(
                  ("government", "县级以上地方人民政府", "Local people's government (county level or above)"),
                  ("department", "政府部门", "Government department"),
                  ("township", "乡镇人民政府", "Township government"),
              )),
    JURISDICTION,
    Attribute("hearing_required", "bool", "应当举行听证", default=False, label_en="Hearing required"),
    Attribute("expert_required", "bool", "应当专家论证", default=False, label_en="Expert argumentation required"),
    Attribute("risk_assessment_required", "bool", "应当风险评估", default=False, label_en="Risk assessment required"),
    Attribute("confidential", "bool", "依法不予公开", default=False, label_en="Not to be disclosed by law"),
)

# -- record types ---------------------------------------------------------------------------------------

# Presentation labels of the choice codes: (code, 中文, English). Labels only; the codes are the stored values.

REVIEW_CONCLUSIONS: Labels = (
    ("lawful", "合法", "Lawful"),
    ("lawful_with_revisions", "合法但需修改", "Lawful, subject to revisions"),
    ("unlawful", "不合法", "Unlawful"),
)
MEETING_TYPES: Labels = (
    ("executive_meeting", "常务会议", "Executive meeting"),
    ("plenary_meeting", "全体会议", "Plenary meeting"),
    ("leadership_meeting", "领导班子会议", "Leadership meeting"),
)
PUBLICATION_CHANNELS: Labels = (
    ("gazette", "政府公报", "Government gazette"),
    ("government_website", "政府网站", "Government website"),
    ("newspaper", "本地报纸", "Local newspaper"),
)


STATEMENT_FIELDS = (
    _s("member", "发言人", "Speaker"),
    _b("is_chief", "是否行政首长", "Speaker is the administrative head"),
    _choice("position", "表态", "support", "oppose", "abstain", en="Position", labels=(
        ("support", "赞成", "In favour"),
        ("oppose", "反对", "Against"),
        ("abstain", "弃权", "Abstain"),
    )),
    _t("text", "发言内容", "Statement"),
)

PRE_DECISION = ("drafting", "consultation", "legality_review", "discussion", "decided")

RECORD_TYPES = (
    RecordType("proposal", "决策建议", "Proposal", (
        _s("proposer", "提出人", "Proposer"),
        _choice("proposer_kind", "提出人类别", "organ_leader", "department", "lower_government",
                "npc_deputy_or_cppcc_member", "citizen_or_organisation", en="Category of proposer", labels=(
                    ("organ_leader", "决策机关领导人员", "Leader of the decision organ"),
                    ("department", "决策机关所属部门", "Department of the decision organ"),
                    ("lower_government", "下一级人民政府", "Lower-level people's government"),
                    ("npc_deputy_or_cppcc_member", "人大代表、政协委员", "NPC deputy or CPPCC member"),
                    ("citizen_or_organisation", "公民、法人或者其他组织", "Citizen, legal person or other organisation"),
                )),
        _t("problem", "拟解决的主要问题", "Main problem to be solved"),
        _t("grounds", "建议理由和依据", "Reasons and grounds for the proposal"),
    ), (UNDERTAKING, ORGAN), ("proposed",)),
    RecordType("initiation_decision", "决策启动决定", "Initiation decision", (
        _d("decided_on", "决定日期", "Date of decision"),
        _s("undertaking_unit", "决策承办单位", "Undertaking unit"),
        _s("lead_unit", "牵头承办单位", "Lead undertaking unit", required=False),
    ), (ORGAN,), ("proposed",)),
    RecordType("catalog_entry", "决策事项目录条目", "Catalog entry", (
        Field("year", "int", "年度", label_en="Year"),
        _s("item_no", "目录序号", "Catalog item number"),
    ), (ORGAN,), ("proposed",)),
    RecordType("draft", "决策草案", "Draft decision", (
        _s("title", "草案标题", "Title of the draft"),
        _t("explanation", "起草说明", "Drafting explanation"),
        _list("legal_basis", "法律、法规、规章依据", "Legal basis (laws, regulations and rules)", min_items=1),
    ), (UNDERTAKING,), ("drafting", "consultation")),
    RecordType("comment_notice", "公开征求意见公告", "Public comment notice", (
        _s("channel", "发布渠道", "Channel of publication"),
        _d("opens_on", "起始日期", "Opening date"),
        _d("closes_on", "截止日期", "Closing date"),
        _s("method", "意见反馈方式", "How to submit comments"),
        _t("shortening_reason", "缩短期限的理由", "Reason for shortening the period", required=False),
    ), (UNDERTAKING,), ("consultation",)),
    RecordType("comment_summary", "公众意见归纳及采纳情况", "Comment summary and adoption", (
        Field("received", "int", "收到意见数", label_en="Comments received"),
        Field("adopted", "int", "采纳意见数", label_en="Comments adopted"),
        _t("adoption_explanation", "采纳情况说明", "Explanation of adoption"),
    ), (UNDERTAKING,), ("consultation",)),
    RecordType("hearing_notice", "听证会公告", "Hearing notice", (
        _d("hearing_on", "听证日期", "Hearing date"),
        _d("materials_sent_on", "材料送达日期", "Date the materials were delivered"),
        _list("participants", "听证参加人", "Hearing participants", min_items=1),
    ), (UNDERTAKING,), ("consultation",)),
    RecordType("hearing_record", "听证会记录", "Hearing record", (
        _d("held_on", "举行日期", "Date held"),
        _b("participants_signed", "听证参加人已确认并签字", "Confirmed and signed by the hearing participants"),
        _t("summary", "记录摘要", "Summary of the record"),
    ), (UNDERTAKING,), ("consultation",)),
    RecordType("expert_opinion", "专家论证意见", "Expert opinion", (
        _s("expert_name", "专家或机构", "Expert or institution"),
        _s("field", "专业领域", "Field of expertise"),
        _b("signed", "已署名、盖章", "Signed and sealed"),
        _b("direct_interest", "与决策事项有直接利害关系", "Has a direct interest in the decision matter"),
        _t("opinion", "论证意见", "Opinion"),
        _d("given_on", "出具日期", "Date issued"),
    ), (UNDERTAKING,), ("consultation",)),
    RecordType("expert_adoption", "专家论证意见采纳情况", "Adoption of expert opinions", (
        _t("adoption_explanation", "采纳情况说明", "Explanation of adoption"),
    ), (UNDERTAKING,), ("consultation", "legality_review")),
    RecordType("risk_assessment_report", "风险评估报告", "Risk assessment report", (
        _s("assessor", "评估单位", "Assessing unit"),
        _list("risk_points", "风险点", "Risk points"),
        _t("measures", "风险防范措施", "Risk prevention measures"),
        _t("response_plan", "处置预案", "Response plan"),
        _b("controllable", "风险可控", "Risk controllable"),
    ), (UNDERTAKING,), ("consultation", "legality_review", "discussion")),
    RecordType("non_disclosure_basis", "依法不予公开的依据", "Lawful basis for non-disclosure", (
        _choice("ground", "不予公开的理由", "state_secret_or_security", "trade_secret_or_privacy", "process_information",
                en="Ground for non-disclosure", labels=(
                    ("state_secret_or_security", "国家秘密或危及国家安全、社会稳定",
                     "State secret, or a danger to national security or social stability"),
                    ("trade_secret_or_privacy", "商业秘密或个人隐私", "Trade secret or personal privacy"),
                    ("process_information", "过程性信息", "Process information"),
                )),
        _s("citation", "依据条款", "Provision relied on"),
    ), (ORGAN,), PRE_DECISION),
    RecordType("legality_review_submission", "合法性审查送审材料", "Legality review submission", (
        _d("submitted_on", "送审日期", "Date submitted"),
        _t("procedure_statement", "履行决策法定程序的说明", "Statement of the statutory procedures followed"),
        _list("legal_basis", "法律、法规、规章依据", "Legal basis (laws, regulations and rules)", min_items=1),
        _t("short_review_reason", "审查时间少于7个工作日的理由", "Reason for a review period under 7 working days",
           required=False),
    ), (UNDERTAKING,), ("consultation",)),
    RecordType("supplement_request", "补充材料通知", "Request for supplementary materials", (
        _d("requested_on", "通知日期", "Date of the request"),
        _list("missing", "需补充的材料", "Materials to be supplemented", min_items=1),
    ), (LEGAL,), ("legality_review",)),
    RecordType("legality_review_opinion", "合法性审查意见", "Legality review opinion", (
        _choice("conclusion", "审查结论", "lawful", "lawful_with_revisions", "unlawful", en="Review conclusion",
                labels=REVIEW_CONCLUSIONS),
        _t("reasons", "理由和依据", "Reasons and grounds"),
        _d("issued_on", "出具日期", "Date issued"),
        _s("reviewer", "审查人", "Reviewer"),
    ), (LEGAL,), ("legality_review",)),
    RecordType("revision_note", "根据审查意见修改情况", "Revision note", (
        _t("changes", "修改内容", "Changes made"),
    ), (UNDERTAKING,), ("legality_review",)),
    RecordType("exploratory_reform_statement", "探索性改革法律风险说明", "Exploratory reform statement", (
        _t("legal_risk", "明示的法律风险", "Legal risks stated explicitly"),
    ), (ORGAN,), ("legality_review",)),
    RecordType("meeting_minutes", "会议记录", "Meeting minutes", (
        _choice("meeting_type", "会议类型", "executive_meeting", "plenary_meeting", "leadership_meeting",
                en="Type of meeting", labels=MEETING_TYPES),
        _d("held_on", "会议日期", "Date of the meeting"),
        _list("attendees", "出席人员", "Attendees", min_items=1),
        Field("statements", "object_list", "发言（按顺序）", min_items=1, item_fields=STATEMENT_FIELDS,
              label_en="Statements (in order)"),
        _choice("outcome", "决定", "adopt", "reject", "revise", "defer", en="Decision", labels=(
            ("adopt", "通过", "Adopt"),
            ("reject", "不予通过", "Reject"),
            ("revise", "退回修改", "Send back for revision"),
            ("defer", "暂缓", "Defer"),
        )),
        _t("chief_departure_reasons", "行政首长与多数意见不一致的理由",
           "Reasons the administrative head departs from the majority view", required=False),
    ), (ORGAN,), ("discussion",)),
    RecordType("party_committee_report", "向同级党委请示报告", "Report to the Party committee", (
        _d("reported_on", "报告日期", "Date reported"),
        _s("reference_no", "文号", "Document number"),
    ), (ORGAN,), ("decided",)),
    RecordType("publication", "决策公布", "Publication", (
        _choice("channel", "公布渠道", "gazette", "government_website", "newspaper", en="Channel of publication",
                labels=PUBLICATION_CHANNELS),
        _d("published_on", "公布日期", "Date published"),
        _s("document_no", "文号", "Document number"),
    ), (ORGAN,), ("decided",)),
    RecordType("archive_record", "归档记录", "Archive record", (
        _d("archived_on", "归档日期", "Date archived"),
        _s("archive_no", "档案号", "Archive number"),
        Field("case_chain_head", "string", "归档时案卷事件链哈希", server_set="case_chain_head",
              label_en="Hash of the case's event chain when archived"),
    ), (ORGAN,), ("published",)),
    RecordType("execution_report", "执行情况报告（执行台账）", "Execution report", (
        _d("reported_on", "报告日期", "Date reported"),
        _s("status", "执行状态", "Execution status"),
        _t("notes", "情况说明", "Notes"),
    ), (UNDERTAKING,), ("in_execution", "suspended")),
    RecordType("suspension_order", "中止执行决定", "Suspension order", (
        _d("ordered_on", "决定日期", "Date of decision"),
        _t("circumstance", "第三十五条所列情形", "Circumstance listed in article 35"),
        _t("urgency", "紧急情况说明", "Statement of urgency"),
    ), (ORGAN,), ("in_execution",)),
    RecordType("post_evaluation_decision", "决策后评估决定", "Post-evaluation decision", (
        _s("trigger", "评估事由", "Reason for the evaluation"),
        _s("evaluator", "评估单位", "Evaluating unit"),
    ), (ORGAN,), ("in_execution",)),
    RecordType("post_evaluation_report", "决策后评估报告", "Post-evaluation report", (
        _d("completed_on", "完成日期", "Date completed"),
        _t("findings", "评估结论", "Findings"),
        _choice("recommendation", "建议", "continue", "adjust", "suspend", "terminate", en="Recommendation", labels=(
            ("continue", "继续执行", "Continue"),
            ("adjust", "调整", "Adjust"),
            ("suspend", "中止执行", "Suspend"),
            ("terminate", "终止执行", "Terminate"),
        )),
    ), (ORGAN,), ("post_evaluation",)),
)

# -- rules ----------------------------------------------------------------------------------------------

OPINION = "legality_review_opinion"
SUBMISSION = "legality_review_submission"

RULES = (
    Rule("MD-01", "尚无载明决策承办单位的决策启动决定", "No initiation decision naming the undertaking unit",
         Basis(TIAOLI, "第十条、第十一条", "报请决策机关决定是否启动决策程序；应当明确决策事项的承办单位…应当明确牵头的决策承办单位"),
         Latest("initiation_decision", (NotBlank("undertaking_unit"),))),
    Rule("MD-02", "本辖区实行决策事项目录管理，该事项尚未列入目录", "The jurisdiction requires a catalog entry for this matter",
         Basis(TIAOLI, "第三条第三款", "确定决策事项目录、标准，经同级党委同意后向社会公布，并根据实际情况调整"),
         When(ParamIs("catalog_required"), Latest("catalog_entry"))),
    Rule("MD-03", "尚无载明法律依据的决策草案", "No draft with at least one legal basis",
         Basis(TIAOLI, "第十二条、第二十六条", "决策草案及相关材料，包括有关法律、法规、规章等依据和履行决策法定程序的说明等"),
         Latest("draft", (MinItems("legal_basis", 1),))),
    Rule("MD-10", "未完成公众参与（征求意见公告及意见归纳），且无依法不予公开的依据",
         "Public participation not done (comment notice and summary), and no lawful non-disclosure basis",
         Basis(TIAOLI, "第十四条", "应当…充分听取意见…依法不予公开的决策事项除外"),
         AnyOf((AllOf((Latest("comment_notice"), Latest("comment_summary"))),
                AllOf((AttributeIs("confidential"), Latest("non_disclosure_basis")))))),
    Rule("MD-11", "征求意见期限短于规定天数，且公告中未说明缩短理由",
         "The comment period is shorter than the minimum and the notice states no reason",
         Basis(TIAOLI, "第十五条", "公开征求意见期限一般不少于30日…因情况紧急等原因…公开征求意见时应当予以说明"),
         When(Exists("comment_notice"), PeriodAtLeast(
             DateOf("comment_notice", "opens_on"), DateOf("comment_notice", "closes_on"),
             Param("comment_min_days"), inclusive=True, unless="shortening_reason"))),
    Rule("MD-12", "征求意见期限届满前不得归纳意见或送审", "The comment period must close before the summary and the submission",
         Basis(TIAOLI, "第十五条", "公开征求意见期限一般不少于30日"),
         When(Exists("comment_notice"), AllOf((
             Before(DateOf("comment_notice", "closes_on"), DateOf("comment_summary", RECORDED_ON)),
             Before(DateOf("comment_notice", "closes_on"), Today()),
         )))),
    Rule("MD-13", "应当听证：听证材料未按期送达或听证记录未经参加人签字",
         "Hearing required: materials not sent in time, or the record is not signed by the participants",
         Basis(TIAOLI, "第十六条、第十七条", "听证会材料应当于召开听证会7日前送达听证参加人；听证参加人确认听证会记录并签字"),
         When(AttributeIs("hearing_required"), AllOf((
             PeriodAtLeast(DateOf("hearing_notice", "materials_sent_on"), DateOf("hearing_notice", "hearing_on"),
                           Param("hearing_materials_days")),
             Latest("hearing_record", (Equals("participants_signed", True),)),
         )))),
    Rule("MD-14", "应当专家论证：署名且无利害关系的专家意见不足，或有专家未署名、与事项有直接利害关系",
         "Experts required: too few signed, disinterested opinions, or an unsigned or interested expert",
         Basis(TIAOLI, "第十九条、第二十条", "提供书面论证意见的，应当署名、盖章；不得选择与决策事项有直接利害关系的专家"),
         When(AttributeIs("expert_required"), AllOf((
             CountAtLeast("expert_opinion", Param("expert_minimum"),
                          (Equals("signed", True), Equals("direct_interest", False))),
             NoneMatch("expert_opinion", Equals("direct_interest", True)),
             NoneMatch("expert_opinion", Equals("signed", False)),
         )))),
    Rule("MD-15", "应当风险评估：风险评估报告缺少风险点、防范措施或处置预案",
         "Risk assessment required: no report with risk points, measures and a response plan",
         Basis(TIAOLI, "第二十二条、第二十三条", "可能对社会稳定、公共安全等方面造成不利影响"),
         When(AttributeIs("risk_assessment_required"), Latest("risk_assessment_report", (
             MinItems("risk_points", 1), NotBlank("measures"), NotBlank("response_plan"))))),
    Rule("MD-15c", "最新风险评估报告认定风险不可控，不得作出决策",
         "The latest risk assessment finds the risk uncontrollable",
         Basis(TIAOLI, "第二十四条", "[rulebook §1 stage 5: 认为风险不可控的，在采取调整决策草案等措施确保风险可控后，可以作出决策]"),
         When(AttributeIs("risk_assessment_required"), Latest("risk_assessment_report", (Equals("controllable", True),)))),
    Rule("MD-16", "送审材料缺少履行法定程序的说明或法律依据",
         "The review submission lacks the procedure statement or the legal basis",
         Basis(TIAOLI, "第二十六条", "决策草案及相关材料，包括有关法律、法规、规章等依据和履行决策法定程序的说明等"),
         Latest(SUBMISSION, (NotBlank("procedure_statement"), MinItems("legal_basis", 1)))),
    Rule("MD-17", "法制机构尚未发出补充材料通知", "The legal office has not requested supplementary materials",
         Basis(TIAOLI, "第二十六条", "[rulebook §1 stage 6: if incomplete, the reviewer may return it or request supplements]"),
         Latest("supplement_request", since="submit_for_legality_review")),
    Rule("MD-20", "未经合法性审查或经审查不合法，不得提交决策机关讨论",
         "No legality review opinion, or the opinion finds the draft unlawful",
         Basis(TIAOLI, "第二十五条", "未经合法性审查或者经审查不合法的，不得提交决策机关讨论；可以明示法律风险，提交决策机关讨论"),
         AnyOf((Latest(OPINION, (NotEquals("conclusion", "unlawful"),)),
                Latest("exploratory_reform_statement", (NotBlank("legal_risk"),))))),
    Rule("MD-21", "合法性审查时间少于7个工作日，且送审时未说明理由",
         "The review window is under the minimum working days and the submission gives no reason",
         Basis(TIAOLI, "第二十六条", "一般不少于7个工作日"),
         When(Exists(OPINION), PeriodAtLeast(
             DateOf(SUBMISSION, "submitted_on"), DateOf(OPINION, "issued_on"),
             Param("review_min_working_days"), unit="working", unless="short_review_reason"))),
    Rule("MD-22", "审查意见要求修改，尚无其后的修改说明", "The opinion asks for revisions and no later revision note answers it",
         Basis(TIAOLI, "第二十八条", "[rulebook §1 stage 6: the 承办单位's adjustments or supplements after the opinion]"),
         When(Latest(OPINION, (Equals("conclusion", "lawful_with_revisions"),)), RecordedAfter("revision_note", OPINION))),
    Rule("MD-23", "合法性审查意见须由法制机构出具，不得由承办单位录入",
         "The review opinion must be recorded by the legal office, not by the undertaking unit",
         Basis(TIAOLI, "第二十五条、第二十七条", "不得以征求意见等方式代替合法性审查"),
         When(Exists(OPINION), RecordedByRole(OPINION, (LEGAL,)))),
    Rule("MD-24", "提交讨论的材料不完整（草案、审查意见、意见采纳情况、风险评估报告）",
         "The meeting package is incomplete (draft, opinion, adoption of comments and expert views, risk report)",
         Basis(TIAOLI, "第二十九条", "[rulebook §1 stage 7: submission materials (1)–(6); the 合法性审查意见 always]"),
         AllOf((
             Latest("draft"),
             Latest(OPINION),
             When(Exists("comment_notice"), Latest("comment_summary")),
             When(Exists("expert_opinion"), Latest("expert_adoption")),
             When(AttributeIs("risk_assessment_required"), Latest("risk_assessment_report")),
         ))),
    Rule("MD-30", "会议记录不符合集体讨论要求（会议类型、行政首长末位表态、说明理由、决定与操作一致）",
         "The minutes do not meet the rules of collective discussion (type, chief last, reasons, outcome)",
         Basis(TIAOLI, "第三十条", "会议组成人员应当充分发表意见，行政首长最后发表意见。行政首长拟作出的决定与会议组成人员多数人的意见不一致的，应当在会上说明理由"),
         Predicate(checks.minutes_conform, reads=frozenset({"meeting_minutes"}), uses=frozenset({"meeting_types"}))),
    Rule("MD-31", "通过决定须为行政首长在集体讨论基础上作出", "Adoption must be the chief's decision on the basis of the discussion",
         Basis(TIAOLI, "第三十条", "在集体讨论的基础上作出决定"),
         Predicate(checks.chief_adopts, reads=frozenset({"meeting_minutes"}))),
    Rule("MD-32", "暂缓期限：期限内方可恢复审议，期满后只能失效", "Deferral limit: resume only within it; after it, only expiry",
         Basis("地方规定（委级议事规则，见 rulebook §2）", "第十九条", "暂缓…超过一年期限，审议方案自动废止"),
         ByTrigger({
             "resume": DaysSinceTrigger("defer", at_most=Param("deferral_limit_days")),
             "expire": DaysSinceTrigger("defer", more_than=Param("deferral_limit_days")),
         })),
    Rule("MD-33", "出台前尚未向同级党委请示报告", "No report to the same-level Party committee before issue",
         Basis(TIAOLI, "第三十一条", "[rulebook §1 stage 7: a request/report to the same-level Party committee before the decision is issued]"),
         Latest("party_committee_report")),
    Rule("MD-34", "尚未通过政府公报、政府网站或本地报纸公布，且无依法不予公开的依据",
         "Not published through the gazette, the government website or a local newspaper, and no non-disclosure basis",
         Basis(TIAOLI, "第三十二条；《政府信息公开条例》第十四条至第十六条", "本级人民政府公报、政府网站、本行政区域内发行的报纸…依法不予公开"),
         AnyOf((Latest("publication", (OneOf("channel", ("gazette", "government_website", "newspaper")),)),
                AllOf((AttributeIs("confidential"), Latest("non_disclosure_basis")))))),
    Rule("MD-35", "尚无归档记录", "No archive record",
         Basis(TIAOLI, "第三十三条", "由有关单位将履行决策程序形成的记录、材料及时完整归档"),
         Latest("archive_record")),
    Rule("MD-40", "尚无载明第三十五条情形和紧急情况的中止执行决定",
         "No suspension order stating the art. 35 circumstance and the urgency",
         Basis(TIAOLI, "第三十七条", "未经法定程序不得随意变更或者停止执行…行政首长可以先决定中止执行"),
         Latest("suspension_order", (NotBlank("circumstance"), NotBlank("urgency")), since="resume_execution")),
    Rule("MD-41", "尚无决策后评估决定，或评估单位为承办单位、风险评估单位",
         "No post-evaluation decision, or the evaluator is the undertaking unit or the risk assessor",
         Basis(TIAOLI, "第三十六条", "[rulebook §1 stage 11: not the unit that did the main pre-decision argumentation or assessment]"),
         Predicate(checks.evaluator_independent,
                   reads=frozenset({"post_evaluation_decision", "risk_assessment_report"}))),
    Rule("MD-42", "尚无载明建议的决策后评估报告", "No post-evaluation report with a recommendation",
         Basis(TIAOLI, "第三十六条", "[rulebook §1 stage 11: the evaluation result is 调整重大行政决策的重要依据]"),
         Latest("post_evaluation_report", (NotBlank("recommendation"),), since="start_post_evaluation")),
    Rule("MD-43", "重大调整应当重新履行法定程序：此前的公众参与、审查和会议记录不再有效",
         "A major adjustment reruns the procedures: earlier consultation, review and minutes no longer count",
         Basis(TIAOLI, "第三十七条", "需要作出重大调整的，应当依照本条例履行相关法定程序"),
         # An effect, not a precondition: the trigger's ``invalidates`` list carries it out, and every later
         # guard then sees only the records made after the adjustment. Nothing extra is required to adjust.
         AllOf(())),
    Rule("MD-44", "终止须有建议终止的后评估报告或中止执行决定",
         "Termination needs a post-evaluation report recommending it, or a suspension order",
         Basis(TIAOLI, "第三十六条、第三十七条", "未经法定程序不得随意变更或者停止执行"),
         AnyOf((Latest("post_evaluation_report", (Equals("recommendation", "terminate"),)),
                Latest("suspension_order", since="resume_execution")))),
    Rule("MD-45", "恢复执行前须有中止后的执行情况报告", "Resuming execution needs an execution report made after the suspension",
         Basis(TIAOLI, "第三十四条、第三十七条", "未经法定程序不得随意变更或者停止执行"),
         Latest("execution_report", since="suspend")),
)

# -- triggers -------------------------------------------------------------------------------------------

REVIEW_RECORDS = (SUBMISSION, "supplement_request", OPINION, "revision_note", "exploratory_reform_statement")
CONSULTATION_RECORDS = ("comment_notice", "comment_summary", "hearing_notice", "hearing_record", "expert_opinion",
                        "expert_adoption", "risk_assessment_report", "non_disclosure_basis")
DECISION_RECORDS = ("meeting_minutes", "party_committee_report", "publication", "archive_record",
                    "suspension_order", "post_evaluation_decision", "post_evaluation_report")
EXECUTION = ("in_execution", "suspended", "post_evaluation")

TRIGGERS = (
    Trigger("start_drafting", "启动决策程序", "Start drafting", ("proposed",), "drafting", ("MD-01", "MD-02"), (ORGAN,)),
    Trigger("open_consultation", "开始公众参与和论证评估", "Open consultation", ("drafting",), "consultation",
            ("MD-03",), (UNDERTAKING,)),
    Trigger("submit_for_legality_review", "提交合法性审查", "Submit for legality review", ("consultation",),
            "legality_review", ("MD-10", "MD-11", "MD-12", "MD-13", "MD-14", "MD-15", "MD-16"), (UNDERTAKING,)),
    Trigger("return_for_supplement", "退回补充材料", "Return for supplement", ("legality_review",), "consultation",
            ("MD-17",), (LEGAL,), invalidates=REVIEW_RECORDS, invalidation_basis="MD-17"),
    Trigger("submit_for_discussion", "提请集体讨论", "Submit for discussion", ("legality_review",), "discussion",
            ("MD-20", "MD-21", "MD-22", "MD-23", "MD-24"), (UNDERTAKING,)),
    Trigger("adopt", "决定通过", "Adopt", ("discussion",), "decided", ("MD-30", "MD-31", "MD-15c"), (ORGAN,)),
    Trigger("reject", "决定不予通过", "Reject", ("discussion",), "rejected", ("MD-30",), (ORGAN,)),
    Trigger("send_back", "退回修改", "Send back for revision", ("discussion",), "drafting", ("MD-30",), (ORGAN,),
            invalidates=REVIEW_RECORDS + ("meeting_minutes",), invalidation_basis="MD-30"),
    Trigger("defer", "暂缓决策", "Defer", ("discussion",), "deferred", ("MD-30",), (ORGAN,)),
    Trigger("resume", "恢复审议", "Resume discussion", ("deferred",), "discussion", ("MD-32",), (ORGAN,),
            invalidates=("meeting_minutes",), invalidation_basis="MD-32"),
    Trigger("expire", "暂缓期满失效", "Expire", ("deferred",), "void", ("MD-32",), (ORGAN,)),
    Trigger("publish", "公布", "Publish", ("decided",), "published", ("MD-33", "MD-34"), (ORGAN,)),
    Trigger("archive", "归档并交付执行", "Archive and execute", ("published",), "in_execution", ("MD-35",), (ORGAN,)),
    Trigger("suspend", "中止执行", "Suspend execution", ("in_execution",), "suspended", ("MD-40",), (ORGAN,)),
    Trigger("resume_execution", "恢复执行", "Resume execution", ("suspended",), "in_execution", ("MD-45",), (ORGAN,)),
    Trigger("start_post_evaluation", "启动决策后评估", "Start post-evaluation", ("in_execution",), "post_evaluation",
            ("MD-41",), (ORGAN,)),
    Trigger("complete_post_evaluation", "完成决策后评估", "Complete post-evaluation", ("post_evaluation",),
            "in_execution", ("MD-42",), (ORGAN,)),
    Trigger("major_adjustment", "重大调整（重新履行程序）", "Major adjustment", EXECUTION, "drafting", ("MD-43",), (ORGAN,),
            invalidates=CONSULTATION_RECORDS + REVIEW_RECORDS + DECISION_RECORDS, invalidation_basis="MD-43"),
    Trigger("terminate", "终止执行", "Terminate", EXECUTION, "terminated", ("MD-44",), (ORGAN,)),
)

# -- deadlines (shown on the case and in the overdue list; never guards) -----------------------------------

DEADLINES = (
    Deadline("DL-publication", "决策公布期限", "Publication due", "adopt", ("publish",),
             Param("publication_due_working_days"),
             Basis("《政府信息公开条例》", "第二十六条", "[rulebook §1 stage 8: 20 个工作日 from formation, for proactively disclosed information]")),
    Deadline("DL-legality-review", "合法性审查办理期限", "Legality review due", "submit_for_legality_review",
             ("submit_for_discussion", "return_for_supplement"), Param("legality_review_due_working_days"),
             Basis("地方规定（见 rulebook §5）", "—", "[rulebook §5: reviewer finishes within 15 working days, extendable by 10]")),
)

PROCEDURE = Procedure(
    name="major_decision",
    version=1,
    title="重大行政决策",
    title_en="Major administrative decision",
    roles=(UNDERTAKING, LEGAL, ORGAN),
    states=STATES,
    initial="proposed",
    triggers=TRIGGERS,
    rules=RULES,
    record_types=RECORD_TYPES,
    attributes=ATTRIBUTES,
    case_opener_roles=(UNDERTAKING, ORGAN),
    deadlines=DEADLINES,
)
