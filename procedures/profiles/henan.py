"""``henan`` (河南省): seed 004, 河南省机关事务管理局 implementing opinions (2019-02-21).

Extends ``national``; only the values the seed sets are listed, each with the item it comes from.
"""

from workflow.definition import Parameter, Profile

SEED = "河南省机关事务管理局关于全面推进依法行政的实施意见（2019-02-21, seed 004）"

MAJOR_DECISION = {
    "hearing_for_major_public_interest": Parameter(
        True,
        f"{SEED} (三)2：法律法规规章规定应当听证以及涉及重大公共利益和群众切身利益的决策事项…应当举行听证",
    ),
}

NORMATIVE_DOCUMENT = {
    "unified_registration_required": Parameter(
        True, f"{SEED} (二)3：实行对本机关制定的规范性文件统一登记、统一编号、统一印发制度"
    ),
}

ENFORCEMENT_REVIEW: dict[str, Parameter] = {}

CONTRACT_REVIEW: dict[str, Parameter] = {}

MINUTES_REVIEW: dict[str, Parameter] = {}

HENAN = Profile(
    name="henan",
    title="河南省",
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
