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

ENFORCEMENT_REVIEW: dict[str, Parameter] = {}

CONTRACT_REVIEW: dict[str, Parameter] = {}

MINUTES_REVIEW: dict[str, Parameter] = {}

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
