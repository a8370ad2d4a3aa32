"""A case is pinned to the procedure version it was opened under; a new version never changes it."""

import dataclasses

from procedures.major_decision.v1 import PROCEDURE as V1
from procedures.profiles import PROFILES
from tests.conftest import ORGAN, open_case
from workflow import services
from workflow.definition import Basis, Rule
from workflow.errors import RequirementsUnmet
from workflow.registry import ProcedureRegistry
from workflow.rules import Latest
from workflow.services import Runtime


def _v2_requiring_a_proposal():
    extra = Rule("MD-99", "须有决策建议", "A proposal is required", Basis("test", "n/a", "n/a"), Latest("proposal"))
    triggers = tuple(
        dataclasses.replace(t, rules=t.rules + ("MD-99",)) if t.name == "start_drafting" else t for t in V1.triggers
    )
    return dataclasses.replace(V1, version=2, rules=V1.rules + (extra,), triggers=triggers)


def _ready_to_start(rt, case_id):
    services.add_record(rt, ORGAN, case_id, record_type="initiation_decision",
                        data={"decided_on": "2026-05-01", "undertaking_unit": "某市交通运输局"})
    services.add_record(rt, ORGAN, case_id, record_type="catalog_entry", data={"year": 2026, "item_no": "1"})


def test_old_case_keeps_its_version_new_case_gets_the_new_one(rt, clock):
    older = Runtime(db=rt.db, registry=ProcedureRegistry([V1], PROFILES), clock=clock)
    old_case = open_case(older)
    newer = Runtime(db=rt.db, registry=ProcedureRegistry([V1, _v2_requiring_a_proposal()], PROFILES), clock=clock)
    new_case = open_case(newer)
    assert services.case_view(newer, old_case)["procedure_version"] == 1
    assert services.case_view(newer, new_case)["procedure_version"] == 2
    for case_id in (old_case, new_case):
        _ready_to_start(newer, case_id)
    services.fire_trigger(newer, ORGAN, old_case, trigger="start_drafting")  # v1 has no MD-99
    try:
        services.fire_trigger(newer, ORGAN, new_case, trigger="start_drafting")
    except RequirementsUnmet as refused:
        assert [u["rule"] for u in refused.details["unmet"]] == ["MD-99"]
    else:
        raise AssertionError("v2's extra rule was not applied to the case opened under v2")
    assert services.compliance(newer, old_case)["ok"]
