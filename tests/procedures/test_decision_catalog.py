"""决策事项目录: each rule refuses then passes; adjustments need a reason and a new consent; a decision case in a
jurisdiction that keeps its catalog in juece must name a listed item of the organ's published catalog (v3)."""

from __future__ import annotations

import pytest

from procedures.decision_catalog import samples as catalog
from procedures.decision_catalog.v1 import PROCEDURE
from procedures.major_decision.samples import Step
from tests.conftest import ORGAN, START, apply, open_case, publish_catalog
from workflow import services
from workflow.errors import InvalidInput, RequirementsUnmet

CONSENT = Step("record", "decision_organ", "party_consent", {"consented_on": "2026-01-20", "reference_no": "市委办〔2026〕3号"})
PUBLICATION = Step("record", "decision_organ", "catalog_publication", {"published_on": "2026-01-25",
                                                                        "channel": "government_website"})


def _open(rt, organ: str = "某市人民政府") -> int:
    return int(services.open_case(rt, ORGAN, **catalog.case_fields(2026, organ))["id"])


def _refused(rt, case_id: int, trigger: str) -> set[str]:
    with pytest.raises(RequirementsUnmet) as raised:
        services.fire_trigger(rt, ORGAN, case_id, trigger=trigger)
    return {u["rule"] for u in raised.value.details["unmet"]}


def _entry(rt, case_id: int, item_no: str = "2026-07") -> dict:
    return services.add_record(rt, ORGAN, case_id, record_type="catalog_entry", data={"year": 2026, "item_no": item_no})


def test_dc01_an_empty_or_all_withdrawn_catalog_cannot_go_for_consent(rt):
    case_id = _open(rt)
    assert _refused(rt, case_id, "submit_for_consent") == {"DC-01"}
    apply(rt, case_id, [catalog.item("9", status="withdrawn")])
    assert _refused(rt, case_id, "submit_for_consent") == {"DC-01"}
    apply(rt, case_id, [catalog.item("1"), Step("fire", "decision_organ", "submit_for_consent")])
    assert services.case_view(rt, case_id)["state"] == "consent"


def test_dc02_dc03_publication_needs_consent_and_a_publication_record(rt):
    case_id = _open(rt)
    apply(rt, case_id, [catalog.item("1"), Step("fire", "decision_organ", "submit_for_consent")])
    assert _refused(rt, case_id, "publish") == {"DC-02", "DC-03"}
    apply(rt, case_id, [CONSENT])
    assert _refused(rt, case_id, "publish") == {"DC-03"}
    apply(rt, case_id, [PUBLICATION, Step("fire", "decision_organ", "publish")])
    assert services.case_view(rt, case_id)["state"] == "published"


def test_dc04_adjusting_needs_a_reason_and_the_adjusted_catalog_a_new_consent(rt):
    case_id = publish_catalog(rt, 2026)
    assert _refused(rt, case_id, "adjust") == {"DC-04"}
    apply(rt, case_id, [Step("record", "decision_organ", "adjustment_reason", {
        "reason": "年中新增重大事项，撤回一项已不需决策的事项", "decided_on": "2026-06-30"}),
        Step("fire", "decision_organ", "adjust")])
    withdrawn = next(r for r in services.case_view(rt, case_id)["records"] if r["type"] == "catalog_item")
    services.add_record(rt, ORGAN, case_id, record_type="catalog_item", data={**withdrawn["data"], "status": "withdrawn"},
                        supersedes=withdrawn["id"], reason="该事项不再需要作出重大行政决策")
    apply(rt, case_id, [Step("fire", "decision_organ", "submit_for_consent")])
    assert _refused(rt, case_id, "publish") == {"DC-02", "DC-03"}  # the first consent does not cover the change
    apply(rt, case_id, [CONSENT, PUBLICATION, Step("fire", "decision_organ", "publish")])
    assert services.verify_all(rt)["ok"]


def test_every_rule_has_a_test():
    assert {r.id for r in PROCEDURE.rules} == {"DC-01", "DC-02", "DC-03", "DC-04"}


# -- major_decision v3: the catalog entry names a published item ----------------------------------------


def test_a_linked_jurisdiction_needs_a_listed_item_of_the_published_catalog(rt):
    decision = open_case(rt, jurisdiction="qianjiang")
    with pytest.raises(InvalidInput) as raised:
        _entry(rt, decision)
    assert set(raised.value.details["fields"]) == {"year", "item_no"}
    draft_catalog = _open(rt)
    apply(rt, draft_catalog, [catalog.item("2026-07")])
    with pytest.raises(InvalidInput):
        _entry(rt, decision)  # listed, but the catalog is not published
    other_organ = publish_catalog(rt, 2026, organ="某县人民政府")
    assert other_organ
    with pytest.raises(InvalidInput):
        _entry(rt, decision)  # another organ's catalog does not count
    published = publish_catalog(rt, 2026)
    with pytest.raises(InvalidInput):
        _entry(rt, decision, item_no="2099-01")  # not in it
    entry = _entry(rt, decision)
    item = next(r for r in services.case_view(rt, published)["records"]
                if r["type"] == "catalog_item" and r["data"]["item_no"] == "2026-07")
    assert entry["data"]["catalog_item"] == f"{published}/{item['id']}/{item['sha256']}"


def test_a_withdrawn_item_cannot_be_named(rt):
    published = publish_catalog(rt, 2026)
    apply(rt, published, [Step("record", "decision_organ", "adjustment_reason", {"reason": "撤回", "decided_on": "2026-06-30"}),
                          Step("fire", "decision_organ", "adjust")])
    item = next(r for r in services.case_view(rt, published)["records"] if r["data"].get("item_no") == "2026-07")
    services.add_record(rt, ORGAN, published, record_type="catalog_item", data={**item["data"], "status": "withdrawn"},
                        supersedes=item["id"], reason="撤回")
    apply(rt, published, [Step("fire", "decision_organ", "submit_for_consent"), CONSENT, PUBLICATION,
                          Step("fire", "decision_organ", "publish")])
    with pytest.raises(InvalidInput):
        _entry(rt, open_case(rt, jurisdiction="gansu"))


def test_national_cases_record_their_entry_without_a_lookup(rt):
    entry = _entry(rt, open_case(rt))
    assert entry["data"]["catalog_item"] is None


def test_the_sample_walk_reaches_execution_under_a_linked_jurisdiction(rt):
    from procedures.major_decision.samples import walk_to_execution

    publish_catalog(rt, START.year)
    case_id = open_case(rt, jurisdiction="liaoning", hearing_required=False)
    steps = walk_to_execution(START, hearing=False, experts=False, risk=False)
    letter = Step("record", "legal_office", "legal_opinion_letter", {
        "letter_no": "法意〔2026〕1号", "issued_on": "2026-07-10", "opinion": "草案合法。", "signed": True})
    at = next(i for i, s in enumerate(steps) if s.name == "submit_for_discussion")
    apply(rt, case_id, steps[:at] + [letter] + steps[at:])
    assert services.case_view(rt, case_id)["state"] == "in_execution"
