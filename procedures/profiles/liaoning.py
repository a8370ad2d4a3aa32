"""``liaoning`` (辽宁省): seed 003, 辽宁省法治政府建设"十三五"规划 (辽政办发〔2016〕76号).

Extends ``national``; only the values the seed sets are listed, each with the item it comes from.
"""

from workflow.definition import Parameter, Profile

SEED = "辽宁省法治政府建设“十三五”规划（辽政办发〔2016〕76号, seed 003）"

MAJOR_DECISION = {
    "catalog_required": Parameter(True, f"{SEED} 第14项：决策事项目录管理（提出、调整、公布）"),
    "legal_opinion_letter_required": Parameter(True, f"{SEED} 第17项：推行合法性审查法律意见书制度"),
    "catalog_linked": Parameter(
        True, f"{SEED} 第14项：目录管理（提出、调整、公布） (the catalog is kept in juece)"
    ),
    "meeting_types": Parameter(
        {
            "government": ["executive_meeting", "plenary_meeting"],
            "department": ["leadership_meeting"],
            "township": ["executive_meeting", "plenary_meeting", "leadership_meeting"],
        },
        f"{SEED} 第18项：重大行政决策由政府常务会议、全体会议或者部门领导班子会议集体讨论",
    ),
}

NORMATIVE_DOCUMENT = {
    "unified_registration_required": Parameter(
        True, f"{SEED} 第12项：实行制定机关对规范性文件统一登记、统一编号、统一印发制度"
    ),
    "automatic_expiry": Parameter(True, f"{SEED} 第13项：落实规范性文件自动失效制度"),
}

ENFORCEMENT_REVIEW = {
    "enforcement_findings_must_be_corrected": Parameter(
        True, f"{SEED} 第29项：应当由本机关所属法制机构进行审核,对审核发现的问题及时予以纠正"
    ),
}

CONTRACT_REVIEW: dict[str, Parameter] = {}

MINUTES_REVIEW: dict[str, Parameter] = {}

LIAONING = Profile(
    name="liaoning",
    title="辽宁省",
    version=1,
    extends="national",
    parameters={
        **MAJOR_DECISION,
        **NORMATIVE_DOCUMENT,
        **ENFORCEMENT_REVIEW,
        **CONTRACT_REVIEW,
        **MINUTES_REVIEW,
    },
)
