"""重大行政决策 — version 3: version 2, with the catalog entry linked to the organ's published catalog.

Where a jurisdiction manages its 决策事项目录 in juece (profile flag ``catalog_linked``: 潜江, 甘肃, 辽宁,
whose rules make the catalog mandatory), a ``catalog_entry`` must name a listed item of a *published*
``decision_catalog`` case of the same decision organ; the engine looks it up when the entry is recorded and
stamps the item (case/record/sha256) into it, so MD-02 is enforced through the catalog itself. Elsewhere
the entry is recorded as in v2. Written beside v2, never over it.
"""

from __future__ import annotations

import dataclasses

from procedures.major_decision import v2
from procedures.major_decision.v1 import ORGAN
from workflow.definition import Field, RecordType, Reference

CATALOG_ENTRY = RecordType(
    "catalog_entry", "决策事项目录条目", "Catalog entry",
    (
        Field("year", "int", "年度", label_en="Year"),
        Field("item_no", "string", "目录序号", label_en="Catalog item number"),
        Field("catalog_item", "string", "关联的目录事项（系统查找）", required=False, server_set="reference",
              label_en="Linked catalog item (looked up by the system)"),
    ),
    (ORGAN,), ("proposed",),
    reference=Reference(
        procedure="decision_catalog", record_type="catalog_item", match=(("year", "year"), ("item_no", "item_no")),
        into="catalog_item", in_states=("published",), where=(("status", "listed"),),
        same_case=("decision_organ",), required_when="catalog_linked", label="已公布的决策事项目录",
    ),
)

PROCEDURE = dataclasses.replace(
    v2.PROCEDURE,
    version=3,
    record_types=tuple(CATALOG_ENTRY if r.name == "catalog_entry" else r for r in v2.PROCEDURE.record_types),
)
