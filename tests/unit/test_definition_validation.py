"""Load-time validation: a broken definition is refused with every problem named."""

import dataclasses

import pytest

from procedures.major_decision.v1 import PROCEDURE
from procedures.profiles.national import NATIONAL
from workflow.definition import Basis, Parameter, Profile, Rule, State, Trigger
from workflow.errors import DefinitionError
from workflow.registry import ProcedureRegistry
from workflow.rules import DateOf, Latest, Param, PeriodAtLeast


def _problems(procedure):
    with pytest.raises(DefinitionError) as caught:
        procedure.validate()
    return caught.value.details["problems"]


def _replace_trigger(name, **changes):
    return tuple(dataclasses.replace(t, **changes) if t.name == name else t for t in PROCEDURE.triggers)


def test_shipped_definition_is_valid():
    assert PROCEDURE.validate() is PROCEDURE


def test_unknown_destination_state():
    broken = dataclasses.replace(PROCEDURE, triggers=_replace_trigger("publish", dest="nowhere"))
    assert "trigger 'publish' enters unknown state 'nowhere'" in _problems(broken)


def test_unknown_source_state():
    broken = dataclasses.replace(PROCEDURE, triggers=_replace_trigger("publish", sources=("limbo",)))
    assert "trigger 'publish' leaves unknown state 'limbo'" in _problems(broken)


def test_unreachable_state():
    broken = dataclasses.replace(PROCEDURE, states=PROCEDURE.states + (State("orphan", "孤立", "Orphan"),))
    assert "state 'orphan' is unreachable from 'proposed'" in _problems(broken)


def test_trigger_without_roles():
    broken = dataclasses.replace(PROCEDURE, triggers=_replace_trigger("adopt", roles=()))
    assert "trigger 'adopt' has no roles" in _problems(broken)


def test_rule_naming_an_unknown_record_type():
    bad_rule = Rule("MD-99", "x", "x", Basis("i", "a", "q"), Latest("no_such_record"))
    broken = dataclasses.replace(PROCEDURE, rules=PROCEDURE.rules + (bad_rule,))
    assert "rule MD-99 names unknown record type 'no_such_record'" in _problems(broken)


def test_trigger_naming_an_unknown_rule():
    broken = dataclasses.replace(PROCEDURE, triggers=_replace_trigger("adopt", rules=("MD-77",)))
    assert "trigger 'adopt' names unknown rule 'MD-77'" in _problems(broken)


def test_final_state_with_outgoing_trigger():
    broken = dataclasses.replace(PROCEDURE, triggers=_replace_trigger("resume", sources=("rejected",)))
    assert "final state 'rejected' has outgoing trigger 'resume'" in _problems(broken)


def test_duplicate_rule_ids_and_unknown_roles_are_all_reported_together():
    broken = dataclasses.replace(
        PROCEDURE,
        rules=PROCEDURE.rules + PROCEDURE.rules[:1],
        triggers=_replace_trigger("adopt", roles=("mayor",)),
    )
    problems = _problems(broken)
    assert "duplicate rule 'MD-01'" in problems
    assert "trigger 'adopt' names unknown role 'mayor'" in problems


def test_record_type_accepted_in_unknown_state():
    types = tuple(dataclasses.replace(r, accepted_in=("nowhere",)) if r.name == "draft" else r for r in PROCEDURE.record_types)
    assert "record type 'draft' is accepted in unknown state 'nowhere'" in _problems(dataclasses.replace(PROCEDURE, record_types=types))


def test_profile_missing_a_parameter_a_rule_uses():
    thin = Profile("thin", "缺参数", 1, {k: v for k, v in NATIONAL.parameters.items() if k != "comment_min_days"})
    with pytest.raises(DefinitionError, match="profile 'thin' lacks parameter 'comment_min_days'"):
        ProcedureRegistry([PROCEDURE], [NATIONAL, thin])


def test_profile_extends_inherits_and_overrides():
    local = Profile("local", "某市", 1, {"comment_min_days": Parameter(20, "local rule")}, extends="national")
    registry = ProcedureRegistry([PROCEDURE], [NATIONAL, local])
    values = registry.profile("local").values()
    assert values["comment_min_days"] == 20
    assert values["expert_minimum"] == NATIONAL.parameters["expert_minimum"].value


def test_profile_extending_unknown_or_looping_is_refused():
    with pytest.raises(DefinitionError, match="unknown profile"):
        ProcedureRegistry([PROCEDURE], [NATIONAL, Profile("a", "a", 1, {}, extends="zzz")])
    with pytest.raises(DefinitionError, match="loops"):
        ProcedureRegistry([PROCEDURE], [NATIONAL, Profile("a", "a", 1, {}, extends="b"), Profile("b", "b", 1, {}, extends="a")])


def test_national_profile_is_required():
    with pytest.raises(DefinitionError, match="national"):
        ProcedureRegistry([PROCEDURE], [dataclasses.replace(NATIONAL, name="other")])


def test_same_version_twice_is_refused():
    with pytest.raises(DefinitionError, match="defined twice"):
        ProcedureRegistry([PROCEDURE, PROCEDURE], [NATIONAL])


def test_parameters_used_are_declared_by_the_checks():
    check = PeriodAtLeast(DateOf("comment_notice", "opens_on"), DateOf("comment_notice", "closes_on"), Param("x"))
    assert check.parameters() == {"x"}
    assert {"comment_min_days", "expert_minimum", "deferral_limit_days", "catalog_required",
            "review_min_working_days", "hearing_materials_days", "meeting_types"} <= PROCEDURE.parameters_used()


def test_one_machine_per_version_without_models(registry):
    machine = registry.machine(PROCEDURE)
    assert machine is registry.machine(PROCEDURE)
    assert machine.models == []  # cases are never attached to the shared machine
    assert "to_drafting" not in machine.events  # auto_transitions=False


def test_mermaid_diagram_highlights_the_state(registry):
    text = registry.diagram(PROCEDURE, "legality_review")
    assert text.splitlines()[3] == "stateDiagram-v2" or "stateDiagram-v2" in text
    assert "Class legality_review s_active" in text
    assert "consultation --> legality_review: submit_for_legality_review" in text


def test_machine_trigger_is_refused_from_the_wrong_state(registry):
    from transitions import MachineError

    from workflow.registry import _Model

    with pytest.raises(MachineError):
        registry.machine(PROCEDURE).events["adopt"].trigger(_Model("proposed"), evaluation=None)


def test_trigger_dataclass_defaults():
    assert Trigger("t", "t", "t", ("a",), "b", (), ("r",)).invalidates == ()


def test_rule_naming_an_unknown_trigger_or_attribute():
    from workflow.rules import AttributeIs, DaysSinceTrigger, When

    bad = Rule("MD-98", "x", "x", Basis("i", "a", "q"),
               When(AttributeIs("colour"), _latest_draft_since_unknown_trigger()))
    problems = _problems(dataclasses.replace(PROCEDURE, rules=PROCEDURE.rules + (bad,)))
    assert "rule MD-98 names unknown attribute 'colour'" in problems
    assert "rule MD-98 names unknown trigger 'no_such_trigger'" in problems
    later = Rule("MD-97", "x", "x", Basis("i", "a", "q"), DaysSinceTrigger("nope", at_most=1))
    assert "rule MD-97 names unknown trigger 'nope'" in _problems(dataclasses.replace(PROCEDURE, rules=PROCEDURE.rules + (later,)))


def _latest_draft_since_unknown_trigger():
    return Latest("draft", since="no_such_trigger")


def test_invalidation_citing_an_unknown_rule():
    broken = dataclasses.replace(PROCEDURE, triggers=_replace_trigger("resume", invalidation_basis="MD-00"))
    assert "trigger 'resume' cites unknown rule 'MD-00'" in _problems(broken)
