"""``qianjiang`` (潜江市, 湖北省): seed 001, 《潜江市2022年法治政府建设工作要点》(2022-05-12).

Extends ``national``; only the values the seed sets are listed, each with the item it comes from.
"""

from workflow.definition import Parameter, Profile

SEED = "《潜江市2022年法治政府建设工作要点》(seed 001)"

MAJOR_DECISION = {
    "catalog_required": Parameter(
        True, f"{SEED} 第9项：实施重大行政决策目录化管理…每年年初…报送本年度…重大行政决策事项目录"
    ),
    "catalog_linked": Parameter(
        True, f"{SEED} 第9项：实施重大行政决策目录化管理 (the catalog is kept in juece)"
    ),
    "legality_pre_review_required": Parameter(
        True, f"{SEED} 第10项：提交市政府研究之前必须经承办部门组织合法性初审"
    ),
    "comment_min_days": Parameter(30, f"{SEED} 第11项：重大决策事项公开征求意见期限一般不少于30日"),
}

NORMATIVE_DOCUMENT = {
    "integrity_assessment_required": Parameter(
        True, f"{SEED} 第6项：未经…制度廉洁性评估的不得提交市政府决策"
    ),
    "document_expert_argument_required": Parameter(True, f"{SEED} 第6项：未经…专家论证…的不得提交市政府决策"),
    "document_risk_assessment_required": Parameter(True, f"{SEED} 第6项：未经…风险评估…的不得提交市政府决策"),
    "filing_due_days": Parameter(
        30, f"{SEED} 第7项：市政府部门和区镇街道的规范性文件自公布之日起30日内向市司法局报备"
    ),
}

ENFORCEMENT_REVIEW: dict[str, Parameter] = {}

CONTRACT_REVIEW = {
    "contract_review_required": Parameter(
        True,
        f"{SEED} 第8项：合同承办单位应当在合同签订前对合同进行合法性审查，未经合法性审查或经审查认定不合法的，不得签订",
    ),
    "contract_counterparty_investigation_required": Parameter(
        True, f"{SEED} 第8项：应对合同相对方的主体资格、资质资信、经营状况、履约能力等进行调查"
    ),
    "contract_technical_argumentation_required": Parameter(
        True, f"{SEED} 第8项：同时组织对相关专业性技术性问题进行论证"
    ),
    "contract_department_consultation_required": Parameter(True, f"{SEED} 第8项：并征求相关部门意见"),
}

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
