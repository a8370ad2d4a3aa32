"""``national``: the 条例 alone, plus the defaults the spec asks for where the 条例 sets no number.

Parameters marked ``confirmed=False`` are local-practice defaults (rulebook §2, §7): configurable values
that a jurisdiction profile overrides, never numbers the national text imposes.
"""

from workflow.definition import Parameter, Profile

TIAOLI = "《重大行政决策程序暂行条例》"

MAJOR_DECISION = {
    "comment_min_days": Parameter(30, f"{TIAOLI}第十五条：公开征求意见期限一般不少于30日"),
    "hearing_materials_days": Parameter(
        7, f"{TIAOLI}第十六条：听证会材料应当于召开听证会7日前送达听证参加人"
    ),
    "review_min_working_days": Parameter(7, f"{TIAOLI}第二十六条：一般不少于7个工作日"),
    "expert_minimum": Parameter(
        3, "local practice default (spec MD-14); the 条例 sets no number of experts", confirmed=False
    ),
    "deferral_limit_days": Parameter(
        365,
        "rulebook §2: 委-level rule 暂缓…超过一年期限，审议方案自动废止; no national rule",
        confirmed=False,
    ),
    "catalog_required": Parameter(
        True,
        f"{TIAOLI}第三条第三款 (可以, optional nationally); required by the seeds 000 (九), 001 #9, 003 #14",
        confirmed=False,
    ),
    "meeting_types": Parameter(
        {
            "government": ["executive_meeting", "plenary_meeting"],
            "department": ["leadership_meeting"],
            "township": ["executive_meeting", "plenary_meeting", "leadership_meeting"],
        },
        f"{TIAOLI}第三十条 (常务会议或者全体会议); 第四十二条 参照执行; seed 003 #18 部门领导班子会议",
    ),
    "legality_review_due_working_days": Parameter(
        None,
        "no national time limit: the 条例 art. 26 sets only a minimum; local rules set e.g. 15 (rulebook §5)",
    ),
    "publication_due_working_days": Parameter(
        20, "《政府信息公开条例》第二十六条: 20 个工作日 (a deadline shown on the case, not a guard)"
    ),
    # Local additions (major_decision v2); the 条例 requires none of them, so they are off nationally.
    "legality_pre_review_required": Parameter(
        False, "not in the 条例; 潜江 requires the undertaking department's 合法性初审 (seed 001 #10)"
    ),
    "hearing_for_major_public_interest": Parameter(
        False,
        f"{TIAOLI}第十六条: a hearing is optional; 河南 requires one for major public interest (seed 004 (三)2)",
    ),
    "legal_opinion_letter_required": Parameter(
        False, "not in the 条例; 辽宁 推行合法性审查法律意见书制度 (seed 003 #17)"
    ),
    "catalog_linked": Parameter(
        False,
        f"{TIAOLI}第三条第三款 makes the catalog optional (可以); a jurisdiction that keeps its catalog in juece "
        "sets this, and catalog entries must then name a published item (major_decision v3)",
    ),
    "annual_post_evaluation_minimum": Parameter(
        None,
        f"{TIAOLI}第三十六条: post-evaluation is case by case; 甘肃 set a yearly minimum (seed 000 (十一)); "
        "checked by the annual statistics, never a guard",
    ),
}

# Each procedure package keeps its national defaults beside this block, each value with its source.
NORMATIVE_DOCUMENT: dict[str, Parameter] = {
    "document_comment_min_working_days": Parameter(
        7,
        "法治政府建设示范指标体系 (as reproduced on a government site, rulebook §4.1): 期限一般不少于7个工作日; "
        "the figure of 国办发〔2018〕37号 itself is UNCONFIRMED (rulebook §7)",
    ),
    "market_comment_min_days": Parameter(
        30, "《优化营商环境条例》第六十二条: 与市场主体生产经营活动密切相关…征求意见的期限一般不少于30日"
    ),
    "document_review_due_working_days": Parameter(
        15,
        "国办发〔2018〕115号 '最长不超过15个工作日' is UNCONFIRMED (rulebook §7): a deadline shown on the case, "
        "never a guard",
        confirmed=False,
    ),
    "integrity_assessment_required": Parameter(
        False, "no national 制度廉洁性评估 step (rulebook §4.5); 潜江 requires one (seed 001 #6)"
    ),
    "document_expert_argument_required": Parameter(
        False, "no national requirement for normative documents; 潜江 requires it (seed 001 #6)"
    ),
    "document_risk_assessment_required": Parameter(
        False, "no national requirement for normative documents; 潜江 requires it (seed 001 #6)"
    ),
    "unified_registration_required": Parameter(
        False,
        "三统一 is in seeds 002, 003 and 004 but in no national text read (国办发〔2018〕37号 is UNCONFIRMED, "
        "rulebook §7); registration and numbering stay available everywhere",
    ),
    "automatic_expiry": Parameter(
        False, "no national text read; 辽宁 落实规范性文件自动失效制度 (seed 003 #13)"
    ),
    "filing_due_days": Parameter(
        None,
        "no national limit for normative documents: 30 days is statutory only for 规章 (《法规规章备案条例》第三条, "
        "rulebook §4.1); local limits vary (30, 15 days, 3 working days)",
    ),
    "expiry_reminder_days": Parameter(
        180,
        "local practice (rulebook §4.1 Other local parameters: evaluation 6 months before expiry, taken as "
        "180 days); no national text",
        confirmed=False,
    ),
    "cleanup_interval_days": Parameter(
        None, "no national interval; 丽水 cleans up every two years (seed 002 二(二))"
    ),
}

ENFORCEMENT_REVIEW = {
    "penalty_decision_due_days": Parameter(
        90,
        "《行政处罚法》(2021)第六十条：行政机关应当自行政处罚案件立案之日起九十日内作出行政处罚决定"
        "（法律、法规、规章另有规定的，从其规定）",
    ),
    "enforcement_review_due_working_days": Parameter(
        None,
        "no time limit for the review in 《行政处罚法》第五十八条 or in any source read (rulebook §4.2)",
    ),
    "enforcement_review_before_party_notice": Parameter(
        False,
        "《行政处罚法》第五十八条 requires the review only before the decision; 朔州's local rule has it before the "
        "party is notified (rulebook §4.2); none of the seeds sets it",
    ),
    "enforcement_review_list_binding": Parameter(
        False,
        "《行政处罚法》第五十八条 names the situations itself; a local review list (目录) binds where a profile says so "
        "(丽水, seed 002 四(一)); what 国办发〔2018〕118号 says of lists was not read",
    ),
    "enforcement_findings_must_be_corrected": Parameter(
        False,
        "《行政处罚法》第五十八条 requires only that the review pass; 辽宁 adds 对审核发现的问题及时予以纠正 "
        "(seed 003 #29); whether 国办发〔2018〕118号 requires it was not checked (its text was not read)",
    ),
}

CONTRACT_REVIEW = {
    "contract_review_required": Parameter(
        False,
        "no national text on government-contract review was read (rulebook §4.3); "
        "潜江 (seed 001 #8) and 丽水 (seed 002 三(二)) require it",
    ),
    "contract_counterparty_investigation_required": Parameter(
        False,
        "no national text read (rulebook §4.3); 潜江 requires it (seed 001 #8)",
    ),
    "contract_technical_argumentation_required": Parameter(
        False,
        "no national text read (rulebook §4.3); 潜江 requires it for technical questions (seed 001 #8)",
    ),
    "contract_department_consultation_required": Parameter(
        False,
        "no national text read (rulebook §4.3); 潜江 requires it (seed 001 #8)",
    ),
    "contract_ppp_review_required": Parameter(
        False,
        "no national text read (rulebook §4.3); 丽水 reviews PPP implementation plans and agreements "
        "(seed 002 三(二))",
    ),
    "contract_filing_required": Parameter(
        False,
        "no national text read (rulebook §4.3); 丽水 实行重大行政合同备案制度 (seed 002 三(二))",
    ),
    "contract_review_due_working_days": Parameter(
        None,
        "no national limit read (rulebook §4.3); one city's rule, not one of these profiles, gives the legal office "
        "5 working days from receipt, investigation, evaluation and argumentation excluded (fymate.net 168903)",
    ),
    "contract_filing_due_working_days": Parameter(
        None,
        "no national limit read (rulebook §4.3); the same city's rule files copies within 5 working days after "
        "signing; 丽水 sets no number",
    ),
}

MINUTES_REVIEW = {
    "minutes_review_required": Parameter(
        False,
        "no national text (rulebook §4.4: found only in the seeds); 国办发〔2018〕115号 leaves meeting minutes out of "
        "normative-document review (rulebook §4.1); 丽水 makes it a 必经程序 (seed 002 三(二))",
    ),
}

NATIONAL = Profile(
    name="national",
    title="全国（仅适用国家层面规定）",
    version=1,
    parameters={
        **MAJOR_DECISION,
        **NORMATIVE_DOCUMENT,
        **ENFORCEMENT_REVIEW,
        **CONTRACT_REVIEW,
        **MINUTES_REVIEW,
    },
)
