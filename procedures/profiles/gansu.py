"""``gansu`` (甘肃省): seed 000, 甘肃省2017年依法行政工作要点 (甘政办发〔2017〕103号).

Extends ``national``; only the values the seed sets are listed, each with the item it comes from.
"""

from workflow.definition import Parameter, Profile

SEED = "甘肃省2017年依法行政工作要点（甘政办发〔2017〕103号, seed 000）"

MAJOR_DECISION = {
    "catalog_required": Parameter(
        True, f"{SEED} (九)：建立重大决策清单制度，实行重大行政决策目录化、档案化管理"
    ),
    "catalog_linked": Parameter(
        True, f"{SEED} (九)：实行重大行政决策目录化、档案化管理 (the catalog is kept in juece)"
    ),
    "annual_post_evaluation_minimum": Parameter(
        2, f"{SEED} (十一)：2017年，市州、县市区政府选取至少2件重大决策，开展实施情况后评估"
    ),
}

NORMATIVE_DOCUMENT: dict[str, Parameter] = {}

ENFORCEMENT_REVIEW: dict[str, Parameter] = {}

CONTRACT_REVIEW: dict[str, Parameter] = {}

MINUTES_REVIEW: dict[str, Parameter] = {}

GANSU = Profile(
    name="gansu",
    title="甘肃省",
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
