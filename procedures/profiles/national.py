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
    "annual_post_evaluation_minimum": Parameter(
        None,
        f"{TIAOLI}第三十六条: post-evaluation is case by case; 甘肃 set a yearly minimum (seed 000 (十一)); "
        "checked by the annual statistics, never a guard",
    ),
}

# Each procedure package keeps its national defaults beside this block, each value with its source.
NORMATIVE_DOCUMENT: dict[str, Parameter] = {}

ENFORCEMENT_REVIEW: dict[str, Parameter] = {}

CONTRACT_REVIEW: dict[str, Parameter] = {}

MINUTES_REVIEW: dict[str, Parameter] = {}

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
