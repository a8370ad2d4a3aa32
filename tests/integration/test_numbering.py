"""统一编号 in the engine: consecutive per scope and year, kept by corrections, never consumed by a refused write,
and replayed by verification so a changed counter or number is found."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from procedures.profiles import PROFILES
from tests.conftest import UNDERTAKING
from workflow import services
from workflow.definition import Attribute, Field, Numbering, Procedure, RecordType, State, Trigger
from workflow.errors import DefinitionError, InvalidInput
from workflow.registry import ProcedureRegistry
from workflow.services import Runtime

ROLE = "undertaking_unit"
REGISTRATION = RecordType(
    "registration", "登记", "Registration",
    (Field("prefix", "string", "发文机关代字"), Field("registered_on", "date", "登记日期"),
     Field("document_no", "string", "文号", server_set="sequence")),
    (ROLE,), ("open",),
    numbering=Numbering(into="document_no", scope=("prefix",), year_from="registered_on",
                        template="{prefix}〔{year}〕{number}号"),
)
NUMBERED = Procedure(
    name="numbered_test", version=1, title="编号测试", title_en="Numbering test", roles=(ROLE,),
    states=(State("open", "办理中", "Open"), State("closed", "办结", "Closed", final=True)), initial="open",
    triggers=(Trigger("close", "办结", "Close", ("open",), "closed", (), (ROLE,)),), rules=(),
    record_types=(REGISTRATION,), attributes=(Attribute("jurisdiction", "string", "辖区", default="national"),),
    case_opener_roles=(ROLE,),
)


@pytest.fixture
def nrt(rt, clock):
    return Runtime(db=rt.db, registry=ProcedureRegistry([NUMBERED], PROFILES), clock=clock)


def _register(runtime: Runtime, prefix: str = "潜政规", day: str = "2026-03-02", case_id: int | None = None,
              **extra) -> dict:
    if case_id is None:
        case_id = services.open_case(runtime, UNDERTAKING, procedure="numbered_test", title="某规范性文件",
                                     decision_organ="潜江市人民政府", undertaking_unit="市司法局")["id"]
    return services.add_record(runtime, UNDERTAKING, case_id, record_type="registration",
                               data={"prefix": prefix, "registered_on": day}, **extra)


def test_numbers_run_per_prefix_and_year(nrt):
    numbers = [_register(nrt)["data"]["document_no"] for _ in range(3)]
    assert numbers == ["潜政规〔2026〕1号", "潜政规〔2026〕2号", "潜政规〔2026〕3号"]
    assert _register(nrt, prefix="潜政办规")["data"]["document_no"] == "潜政办规〔2026〕1号"
    assert _register(nrt, day="2027-01-04")["data"]["document_no"] == "潜政规〔2027〕1号"
    assert _register(nrt)["data"]["document_no"] == "潜政规〔2026〕4号"
    assert services.verify_all(nrt)["numbering"] == {"ok": True, "numbered_records": 6, "scopes": 3, "problems": []}


def test_a_correction_keeps_its_number_and_a_refused_write_takes_none(nrt):
    first = _register(nrt)
    case_id = services.case_view(nrt, 1)["id"]
    corrected = _register(nrt, case_id=case_id, day="2026-03-03", supersedes=first["id"], reason="登记日期有误")
    assert corrected["data"]["document_no"] == first["data"]["document_no"] == "潜政规〔2026〕1号"
    with pytest.raises(InvalidInput):
        services.add_record(nrt, UNDERTAKING, case_id, record_type="registration",
                            data={"prefix": "潜政规", "registered_on": "2026-02-30"})
    with pytest.raises(InvalidInput):  # the number is the engine's to give
        services.add_record(nrt, UNDERTAKING, case_id, record_type="registration",
                            data={"prefix": "潜政规", "registered_on": "2026-03-02", "document_no": "潜政规〔2026〕9号"})
    assert _register(nrt)["data"]["document_no"] == "潜政规〔2026〕2号"
    assert services.verify_all(nrt)["ok"]


def test_verification_finds_a_moved_counter(nrt):
    _register(nrt)
    _register(nrt)
    with nrt.db.write() as session:
        session.execute(text("UPDATE number_sequences SET last = 5"))
    result = services.verify_all(nrt)
    assert not result["ok"] and result["global"]["ok"]
    assert result["numbering"]["problems"] == [
        'counter ["numbered_test","registration","潜政规",2026] stands at 5; the records use 2']


def test_verification_finds_a_deleted_counter(nrt):
    _register(nrt)
    with nrt.db.write() as session:
        session.execute(text("DELETE FROM number_sequences"))
    assert not services.verify_all(nrt)["numbering"]["ok"]


def test_a_numbering_must_fill_one_sequence_field_from_required_fields():
    bad = RecordType("registration", "登记", "Registration", (Field("prefix", "string", "代字", required=False),),
                     (ROLE,), ("open",), numbering=Numbering("document_no", ("prefix",), "registered_on", "{prefix}{nope}"))
    with pytest.raises(DefinitionError) as raised:
        ProcedureRegistry([NUMBERED.__class__(**{**NUMBERED.__dict__, "record_types": (bad,)})], PROFILES)
    problems = raised.value.details["problems"]
    assert any("must be its one field with server_set='sequence'" in p for p in problems)
    assert any("scope 'prefix' must be a required string field" in p for p in problems)
    assert any("year_from 'registered_on' must be a required date field" in p for p in problems)
    assert any("template is invalid" in p for p in problems)
