"""A sample catalog: one organ's 2026 catalog with two items, consented and published."""

from __future__ import annotations

from typing import Any

from procedures.decision_catalog.v1 import ORGAN
from procedures.major_decision.samples import Step

ORGAN_NAME = "某市人民政府"


def case_fields(year: int = 2026, organ: str = ORGAN_NAME) -> dict[str, Any]:
    return {"procedure": "decision_catalog", "title": f"{organ}{year}年度重大行政决策事项目录",
            "decision_organ": organ, "undertaking_unit": f"{organ}办公室"}


def item(item_no: str = "1", year: int = 2026, title: str = "调整城市公共交通票价", status: str = "listed") -> Step:
    return Step("record", ORGAN, "catalog_item", {
        "year": year, "item_no": item_no, "title": title, "undertaking_unit": "某市交通运输局",
        "grounds": "涉及群众切身利益，依《条例》第三条列入。", "planned_time": f"{year}年第三季度", "status": status,
    })


def walk(year: int = 2026, item_nos: tuple[str, ...] = ("2026-07", "2026-08")) -> list[Step]:
    """From drafting to published, with the given items (the major_decision samples cite "2026-07")."""
    titles = ("调整城市公共交通票价", "老旧小区加装电梯补贴标准")
    return [
        *(item(no, year, titles[i % len(titles)]) for i, no in enumerate(item_nos)),
        Step("fire", ORGAN, "submit_for_consent"),
        Step("record", ORGAN, "party_consent", {"consented_on": f"{year}-01-20", "reference_no": f"市委办〔{year}〕3号"}),
        Step("record", ORGAN, "catalog_publication", {"published_on": f"{year}-01-25", "channel": "government_website"}),
        Step("fire", ORGAN, "publish"),
    ]
