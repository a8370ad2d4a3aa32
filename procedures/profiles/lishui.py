"""``lishui`` (丽水市, 浙江省): seed 002, 丽水市2017年度法治政府建设报告 (丽政〔2017〕49号).

Extends ``national``; only the values the seed sets are listed, each with the item it comes from.
"""

from workflow.definition import Parameter, Profile

SEED = "丽水市2017年度法治政府建设报告（丽政〔2017〕49号, seed 002）"

MAJOR_DECISION: dict[str, Parameter] = {}

NORMATIVE_DOCUMENT = {
    "unified_registration_required": Parameter(True, f"{SEED} 二(二)：执行规范性文件“三统一”制度"),
    "cleanup_interval_days": Parameter(
        730, f"{SEED} 二(二)：坚持两年一次“定期清” (two years taken as 730 calendar days)"
    ),
}

ENFORCEMENT_REVIEW = {
    "enforcement_review_list_binding": Parameter(
        True,
        f"{SEED} 四(一)：贯彻…浙江省重大行政执法决定法制审核办法(试行)…研究制定了由市政府审批的行政执法决定事项目录、"
        "法制审核规程; 2018年(三)：严格执行政府审批的行政执法决定事项目录、法制审核规程",
    ),
}

CONTRACT_REVIEW = {
    "contract_review_required": Parameter(
        True, f"{SEED} 三(二)：推行行政机关合同合法性审查…共审核行政机关合同28份"
    ),
    "contract_ppp_review_required": Parameter(
        True, f"{SEED} 三(二)：PPP项目合法性审查…审查PPP项目等重大项目实施方案及项目协议32份"
    ),
    "contract_filing_required": Parameter(True, f"{SEED} 三(二)：实行重大行政合同备案制度,已报备合同84份"),
}

MINUTES_REVIEW = {
    "minutes_review_required": Parameter(
        True,
        f"{SEED} 三(二)：把政府法制机构合法性审查作为政府出会议纪要(抄告单)的必经程序; "
        "2018年(一)：政府规范性文件、会议纪要、抄告单全面实行合法性审查制度",
    ),
}

LISHUI = Profile(
    name="lishui",
    title="浙江省丽水市",
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
