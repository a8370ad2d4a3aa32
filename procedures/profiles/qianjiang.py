"""``qianjiang`` (潜江市, 湖北省): seed 001, 《潜江市2022年法治政府建设工作要点》(2022-05-12).

Extends ``national``; only the values the seed sets are listed, each with the item it comes from.
"""

from workflow.definition import Parameter, Profile

SEED = "《潜江市2022年法治政府建设工作要点》(seed 001)"

MAJOR_DECISION = {
    "catalog_required": Parameter(
        True, f"{SEED} 第9项：实施重大行政决策目录化管理…每年年初…报送本年度…重大行政决策事项目录"
    ),
    "legality_pre_review_required": Parameter(
        True, f"{SEED} 第10项：提交市政府研究之前必须经承办部门组织合法性初审"
    ),
    "comment_min_days": Parameter(30, f"{SEED} 第11项：重大决策事项公开征求意见期限一般不少于30日"),
}

NORMATIVE_DOCUMENT = {
    "integrity_assessment_required": Parameter(True, f"{SEED} 第6项：未经…制度廉洁性评估的不得提交市政府决策"),
    "document_expert_argument_required": Parameter(True, f"{SEED} 第6项：未经…专家论证…的不得提交市政府决策"),
    "document_risk_assessment_required": Parameter(True, f"{SEED} 第6项：未经…风险评估…的不得提交市政府决策"),
    "filing_due_days": Parameter(
        30, f"{SEED} 第7项：市政府部门和区镇街道的规范性文件自公布之日起30日内向市司法局报备"
    ),
}

ENFORCEMENT_REVIEW: dict[str, Parameter] = {}

CONTRACT_REVIEW: dict[str, Parameter] = {}

MINUTES_REVIEW: dict[str, Parameter] = {}

QIANJIANG = Profile(
    name="qianjiang",
    title="湖北省潜江市",
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
