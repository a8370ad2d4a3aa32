
"""Stateful property test: one ``major_decision`` case driven by random records, triggers and clock moves.

Each hypothesis example gets its own migrated SQLite file. After every step the ledger must verify (case
chain, projections, global chain), the compliance replay must find nothing, and the engine's state and
version must equal a model kept here from the procedure definition alone:

* a write that succeeds adds exactly one event (version + 1); a refused one changes nothing;
* the state changes only when ``fire_trigger`` returns, and then to the trigger's ``dest``;
* a refused trigger (invalid, forbidden or unmet) leaves one more entry in the attempt log;
* the only exceptions are the engine's expected refusals, each predicted from the definition (and, for
  ``RequirementsUnmet``, from ``case_view``'s own verdict at the same moment).

All dates stay within 2025–2026, the years ``chinesecalendar`` knows, so ``CalendarYearMissing`` is a bug.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from procedures.major_decision import samples
from tests.conftest import ACTORS, Clock, publish_catalog
from workflow import services
from workflow.adapters.db import Database
from workflow.definition import ADMIN_ROLE, Procedure, RecordType, Trigger
from workflow.errors import (
    Forbidden,
    InvalidInput,
    InvalidTransition,
    RecordNotAccepted,
    RequirementsUnmet,
    VersionMismatch,
    WorkflowError,
)
from workflow.registry import ProcedureRegistry
from workflow.services import Actor, Runtime
from workflow.snapshot import legal_date

pytestmark = pytest.mark.sqlite_only  # reads or edits the SQLite file directly

FIRST_DAY, LAST_DAY = dt.date(2025, 1, 1), dt.date(2026, 12, 31)
# 20:00 on 31 December 2026 in Beijing: the clock never passes it, so every legal date is in 2026 or before.
LAST_MOMENT = dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC)
ALL_ROLES = tuple(ACTORS)  # undertaking_unit, legal_office, decision_organ, auditor, admin
UNIT = samples.case_fields()["undertaking_unit"]
ASSESSOR = "某市社会稳定风险评估中心"
RESEARCH_CENTRE = "某市发展研究中心"
PROPOSAL = samples.opening_steps(dt.date(2026, 6, 1))[0].data or {}


def _clamp(day: dt.date) -> dt.date:
    return min(max(day, FIRST_DAY), LAST_DAY)


# -- realistic record data, with deliberately wrong (but well-formed) values now and then ------------


# The items the test's template publishes in the city government's catalogs for 2025 and 2026.
PUBLISHED_ITEMS = ("2026-07", "2026-08")


class Gen:
    """Draws record data around ``today``: plausible values, sometimes ones the rules must refuse."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any], today: dt.date) -> None:
        self.draw = draw
        self.today = today

    def day(self, lo: int, hi: int) -> str:
        return _clamp(self.today + dt.timedelta(days=self.draw(st.integers(lo, hi)))).isoformat()

    def after(self, iso: str, lo: int, hi: int) -> str:
        return _clamp(dt.date.fromisoformat(iso) + dt.timedelta(days=self.draw(st.integers(lo, hi)))).isoformat()

    def pick(self, *values: Any) -> Any:
        return self.draw(st.sampled_from(values))

    def chance(self, numerator: int, denominator: int = 10) -> bool:
        return self.draw(st.integers(1, denominator)) <= numerator

    def data(self, record_type: str) -> dict[str, Any]:
        return getattr(self, f"_{record_type}")()

    def _proposal(self) -> dict[str, Any]:
        return {
            "proposer": self.pick(UNIT, "王市长", "市人大代表刘某"),
            "proposer_kind": self.pick("organ_leader", "department", "lower_government",
                                       "npc_deputy_or_cppcc_member", "citizen_or_organisation"),
            "problem": "公交运营亏损持续扩大，票价十年未调整。",
            "grounds": "《价格法》第二十三条；成本监审报告。",
        }

    def _initiation_decision(self) -> dict[str, Any]:
        data = {"decided_on": self.day(-90, 0), "undertaking_unit": self.pick(UNIT, "某市发展和改革委员会")}
        if self.chance(3):
            data["lead_unit"] = UNIT
        return data

    def _catalog_entry(self) -> dict[str, Any]:
        # Where the profile keeps its catalog in juece only a published item may be named: the test's template
        # publishes items 2026-07 and 2026-08 for 2025 and 2026, so the other numbers are refused there.
        return {"year": self.pick(2025, 2026), "item_no": self.pick("2026-07", "2025-03", "2026-11")}

    def _draft(self) -> dict[str, Any]:
        return {
            "title": "某市城市公共交通票价调整方案（征求意见稿）",
            "explanation": "基准票价由1元调整为2元，老年人、学生继续享受优惠。",
            "legal_basis": self.pick(["《中华人民共和国价格法》第二十三条"],
                                     ["《中华人民共和国价格法》第二十三条", "《政府制定价格行为规则》第十条"]),
        }

    def _comment_notice(self) -> dict[str, Any]:
        opens = self.day(-70, 5)
        length = self.pick(30, 30, 31, 45, 29, 15, 7)  # under 30 days: too short unless a reason is stated
        data = {"channel": self.pick("市政府门户网站", "某市日报"), "opens_on": opens,
                "closes_on": self.after(opens, length - 1, length - 1), "method": "电子邮件、信函、网上留言"}
        if self.chance(2):
            data["shortening_reason"] = "汛期临近，情况紧急，征求意见期限缩短。"
        return data

    def _comment_summary(self) -> dict[str, Any]:
        received = self.draw(st.integers(0, 5000))
        return {"received": received, "adopted": self.draw(st.integers(0, received)),
                "adoption_explanation": "采纳关于学生优惠、换乘优惠的意见。"}

    def _hearing_notice(self) -> dict[str, Any]:
        hearing_on = self.day(-40, 15)
        gap = self.pick(10, 7, 15, 6, 3, 0)  # materials must go out at least 7 days before the hearing
        return {"hearing_on": hearing_on, "materials_sent_on": self.after(hearing_on, -gap, -gap),
                "participants": ["消费者代表甲", "经营者代表乙", "专家丙", "人大代表丁"][: self.draw(st.integers(1, 4))]}

    def _hearing_record(self) -> dict[str, Any]:
        return {"held_on": self.day(-30, 0), "participants_signed": self.chance(7),
                "summary": "多数参加人同意调整，建议加强低收入群体补贴。"}

    def _expert_opinion(self) -> dict[str, Any]:
        return {
            "expert_name": self.pick("交通大学陈教授", "财经大学刘教授", "市规划院周研究员", "公交集团总工程师吴某"),
            "field": self.pick("交通经济", "公共财政", "城市规划"),
            "signed": self.chance(8),  # unsigned experts now and then
            "direct_interest": self.chance(1),  # and the odd interested one
            "opinion": "方案必要、可行，建议分步实施。",
            "given_on": self.day(-40, 0),
        }

    def _expert_adoption(self) -> dict[str, Any]:
        return {"adoption_explanation": "采纳分步实施建议。"}

    def _risk_assessment_report(self) -> dict[str, Any]:
        return {
            "assessor": self.pick(ASSESSOR, ASSESSOR, RESEARCH_CENTRE),
            "risk_points": self.pick(["低收入群体出行成本上升", "舆情风险"], ["舆情风险"], []),
            "measures": "发放出行补贴；提前开展政策解读。",
            "response_plan": "设立热线，建立舆情快速响应机制。",
            "controllable": self.chance(8),
        }

    def _non_disclosure_basis(self) -> dict[str, Any]:
        return {"ground": self.pick("state_secret_or_security", "trade_secret_or_privacy", "process_information"),
                "citation": "《政府信息公开条例》第十四条"}

    def _legality_review_submission(self) -> dict[str, Any]:
        data = {"submitted_on": self.day(-40, 0), "procedure_statement": "已履行公众参与、专家论证、风险评估程序，材料附后。",
                "legal_basis": ["《中华人民共和国价格法》第二十三条"]}
        if self.chance(2):
            data["short_review_reason"] = "上级要求限期出台，审查时间相应缩短。"
        return data

    def _supplement_request(self) -> dict[str, Any]:
        return {"requested_on": self.day(-5, 0), "missing": self.pick(["风险评估报告"], ["专家论证意见", "听证会记录"])}

    def _legality_review_opinion(self) -> dict[str, Any]:
        conclusion = self.pick("lawful", "lawful", "lawful_with_revisions", "unlawful")
        data = samples.opinion(self.today, conclusion)
        data["issued_on"] = self.day(-20, 0)
        return data

    def _legality_pre_review(self) -> dict[str, Any]:  # v2, MD-46 (qianjiang)
        return {"conclusion": self.pick("lawful", "lawful", "unlawful"), "reasons": "草案符合上位法规定。",
                "issued_on": self.day(-30, 0), "reviewer": "市交通运输局法规科"}

    def _legal_opinion_letter(self) -> dict[str, Any]:  # v2, MD-48 (liaoning)
        return {"letter_no": "法意〔2026〕1号", "issued_on": self.day(-15, 0), "opinion": "草案合法。",
                "signed": self.pick(True, True, False)}

    def _revision_note(self) -> dict[str, Any]:
        return {"changes": "删除缺乏法律依据的收费条款，补充过渡期安排。"}

    def _exploratory_reform_statement(self) -> dict[str, Any]:
        return {"legal_risk": "票价联动机制属探索性改革，存在被认定超越权限的法律风险。"}

    def _meeting_minutes(self) -> dict[str, Any]:
        chief = self.pick("support", "support", "oppose", "abstain")
        reasons = "综合考虑财政承受能力，暂不采纳多数意见。" if self.chance(5) else None
        held_on = dt.date.fromisoformat(self.day(-10, 0))
        data = samples.minutes(held_on, self.pick("adopt", "adopt", "reject", "revise", "defer"),
                               chief_position=chief, departure_reasons=reasons)
        data["meeting_type"] = self.pick("executive_meeting", "executive_meeting", "plenary_meeting",
                                         "leadership_meeting")
        if self.chance(1):  # the chief does not speak last
            data["statements"] = [data["statements"][-1], *data["statements"][:-1]]
        if self.chance(1):  # a statement by someone not listed as an attendee
            data["attendees"] = data["attendees"][:-1]
        return data

    def _party_committee_report(self) -> dict[str, Any]:
        return {"reported_on": self.day(-10, 0), "reference_no": "某政报〔2026〕12号"}

    def _publication(self) -> dict[str, Any]:
        return {"channel": self.pick("gazette", "government_website", "newspaper"), "published_on": self.day(-5, 0),
                "document_no": "某政发〔2026〕20号"}

    def _archive_record(self) -> dict[str, Any]:
        return {"archived_on": self.day(-5, 0), "archive_no": self.pick("JC-2026-0007", "JC-2025-0113")}

    def _execution_report(self) -> dict[str, Any]:
        return {"reported_on": self.day(-10, 0), "status": self.pick("按计划推进", "部分完成", "已完成"),
                "notes": "新票价已执行，补贴发放到位。"}

    def _suspension_order(self) -> dict[str, Any]:
        return {"ordered_on": self.day(-3, 0), "circumstance": "决策实施后出现第三十五条所列重大不可抗力情形。",
                "urgency": "公共交通运营受到严重影响，需立即中止。"}

    def _post_evaluation_decision(self) -> dict[str, Any]:
        # Neither the undertaking unit nor a risk assessor may evaluate (MD-41): both appear now and then.
        return {"trigger": self.pick("实施满一年", "社会反映强烈"),
                "evaluator": self.pick("某大学公共政策研究院", "某大学公共政策研究院", RESEARCH_CENTRE, UNIT)}

    def _post_evaluation_report(self) -> dict[str, Any]:
        return {"completed_on": self.day(-10, 0), "findings": "总体达到预期目标，低收入群体补贴需完善。",
                "recommendation": self.pick("continue", "continue", "adjust", "suspend", "terminate")}


def _malform(draw: Callable[[st.SearchStrategy[Any]], Any], kind: RecordType, data: dict[str, Any]) -> dict[str, Any]:
    """Break well-formed data so that the engine's validation must refuse it."""
    broken = dict(data)
    required = [f for f in kind.fields if f.required and not f.server_set]
    how = draw(st.sampled_from(("drop", "retype", "unknown", "server_set")))
    if how == "server_set":
        server_set = [f for f in kind.fields if f.server_set]
        if server_set:
            broken[server_set[0].name] = "0" * 64
            return broken
        how = "unknown"
    if how == "unknown" or not required:
        broken["备注_unknown"] = "未定义的字段"
        return broken
    target = draw(st.sampled_from(required))
    if how == "drop":
        broken.pop(target.name, None)
    else:
        wrong = {"date": "2026-02-30", "bool": "yes", "int": "12", "string_list": "不是列表",
                 "object_list": [{"member": "某人"}], "choice": "not-a-choice"}
        broken[target.name] = wrong.get(target.kind, 12345)
    return broken


# -- the sample walk, split into one segment per state, with branches off the happy path ---------------

Step = samples.Step
Branches = dict[str, list[list[Step]]]


def _with_local_steps(walk: list[Step], start: dt.date, jurisdiction: str) -> list[Step]:
    """The records a local profile adds to the walk (major_decision v2: MD-46 qianjiang, MD-48 liaoning)."""
    extra = {
        ("qianjiang", "submit_for_legality_review"): Step("record", "undertaking_unit", "legality_pre_review", {
            "conclusion": "lawful", "reasons": "草案符合上位法规定。", "issued_on": (start + dt.timedelta(days=31)).isoformat(),
            "reviewer": "市交通运输局法规科"}),
        ("liaoning", "submit_for_discussion"): Step("record", "legal_office", "legal_opinion_letter", {
            "letter_no": "法意〔2026〕1号", "issued_on": (start + dt.timedelta(days=45)).isoformat(),
            "opinion": "草案合法。", "signed": True}),
    }
    out: list[Step] = []
    for step in walk:
        if step.action == "fire" and (jurisdiction, step.name) in extra:
            out.append(extra[(jurisdiction, step.name)])
        out.append(step)
    return out


def _branches(start: dt.date, attributes: dict[str, Any], definition: Procedure) -> Branches:
    """For each state, the ways a client would leave it: ``samples.walk_to_execution`` first, then others.

    The walk is cut at its transitions; each piece is the first branch of the state it starts in. The
    other branches take the roads the walk does not (a deferral, a rejection, a return for supplements,
    a suspension, a termination, a major adjustment), with data from ``samples`` where it has some.
    """
    local_hearing = attributes["jurisdiction"] == "henan" and attributes["major_public_interest"]
    walk = samples.walk_to_execution(start, hearing=attributes["hearing_required"] or local_hearing,
                                     experts=attributes["expert_required"],
                                     risk=attributes["risk_assessment_required"])
    walk = _with_local_steps(walk, start, str(attributes["jurisdiction"]))
    branches: Branches = {}
    state, piece = definition.initial, []
    for step in walk:
        piece.append(step)
        if step.action == "fire":
            branches[state] = [piece]
            trigger = definition.trigger(step.name)
            assert trigger is not None
            state, piece = trigger.dest, []
    organ, unit, legal = "decision_organ", "undertaking_unit", "legal_office"
    meeting = start + dt.timedelta(days=65)
    later = (start + dt.timedelta(days=75)).isoformat()
    report = Step("record", unit, "execution_report", {"reported_on": later, "status": "按计划推进",
                                                       "notes": "新票价已执行，补贴发放到位。"})
    order = Step("record", organ, "suspension_order", {
        "ordered_on": later, "circumstance": "决策实施后出现第三十五条所列重大不可抗力情形。",
        "urgency": "公共交通运营受到严重影响，需立即中止。"})

    def evaluation_report(recommendation: str) -> Step:
        return Step("record", organ, "post_evaluation_report", {
            "completed_on": later, "findings": "总体达到预期目标。", "recommendation": recommendation})

    branches["legality_review"] += [
        [Step("record", legal, "supplement_request", {"requested_on": later, "missing": ["风险评估报告"]}),
         Step("fire", legal, "return_for_supplement")],
        [Step("record", legal, "legality_review_opinion", samples.opinion(start, "lawful_with_revisions")),
         Step("record", unit, "revision_note", {"changes": "删除缺乏法律依据的收费条款。"}),
         Step("fire", unit, "submit_for_discussion")],
        [Step("record", legal, "legality_review_opinion", samples.opinion(start, "unlawful")),
         Step("record", organ, "exploratory_reform_statement", {"legal_risk": "票价联动机制属探索性改革，存在法律风险。"}),
         Step("fire", unit, "submit_for_discussion")],
    ]
    branches["discussion"] += [
        [Step("record", organ, "meeting_minutes", samples.minutes(meeting, outcome)), Step("fire", organ, trigger)]
        for outcome, trigger in (("defer", "defer"), ("reject", "reject"), ("revise", "send_back"))
    ]
    branches["deferred"] = [[Step("fire", organ, "resume")],
                            [Step("clock", "", "366 days"), Step("fire", organ, "expire")]]
    branches["in_execution"] = [
        [report, Step("record", organ, "post_evaluation_decision", {"trigger": "实施满一年", "evaluator": "某大学公共政策研究院"}),
         Step("fire", organ, "start_post_evaluation")],
        [order, Step("fire", organ, "suspend")],
        [order, Step("fire", organ, "terminate")],
        [Step("fire", organ, "major_adjustment")],
    ]
    branches["post_evaluation"] = [
        [evaluation_report("continue"), Step("fire", organ, "complete_post_evaluation")],
        [evaluation_report("terminate"), Step("fire", organ, "terminate")],
        [evaluation_report("adjust"), Step("fire", organ, "major_adjustment")],
    ]
    branches["suspended"] = [[report, Step("fire", organ, "resume_execution")],
                             [Step("fire", organ, "terminate")],
                             [Step("fire", organ, "major_adjustment")]]
    return branches


def _allowed(role: str, roles: tuple[str, ...]) -> bool:
    return role == ADMIN_ROLE or role in roles


class MajorDecisionMachine(RuleBasedStateMachine):
    """One case per example; set ``template``, ``registry`` and ``workdir`` on a subclass before running."""

    template: Path
    catalog_events: int
    registry: ProcedureRegistry
    workdir: Path
    reached: set[str] = set()  # states seen by any example of the current run (a coverage check)

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="example-", dir=self.workdir))
        shutil.copy(self.template, self.dir / "juece.db")
        self.clock = Clock()
        self.rt = Runtime(db=Database(f"sqlite:///{self.dir / 'juece.db'}"), registry=self.registry, clock=self.clock)
        self.definition = self.registry.procedure("major_decision")
        self.case_id: int | None = None
        self.state = self.definition.initial
        self.version = 0
        self.attempts = 0
        self.transitions = 0
        self.attributes: dict[str, Any] = {}
        self.record_types: dict[int, str] = {}  # record id -> type, for every record added
        self.superseded: set[int] = set()
        self.branches: Branches = {}
        self.plan: list[Step] = []  # the rest of the branch being walked in the current state

    def teardown(self) -> None:
        self.rt.db.dispose()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- opening ------------------------------------------------------------------------------------
    @initialize(
        flags=st.fixed_dictionaries({
            **{name: st.booleans() for name in (
                "hearing_required", "expert_required", "risk_assessment_required", "confidential",
                "major_public_interest")},
            # Every profile: the local rules (MD-46…48) must refuse and pass exactly as the model predicts.
            "jurisdiction": st.sampled_from(("national", "national", "qianjiang", "henan", "liaoning", "gansu", "lishui")),
        }),
        start=st.dates(dt.date(2025, 2, 1), dt.date(2025, 5, 31)),
        hour=st.integers(0, 23),
        opener=st.sampled_from(("undertaking_unit", "decision_organ", "admin")),
    )
    def open_case(self, flags: dict[str, bool], start: dt.date, hour: int, opener: str) -> None:
        # The sample walk counts from ``start`` and must run after ``start + 70``.
        self.clock.now = dt.datetime.combine(start + dt.timedelta(days=71), dt.time(hour), tzinfo=dt.UTC)
        opened = services.open_case(self.rt, ACTORS[opener], attributes=flags, **samples.case_fields())
        self.case_id = opened["id"]
        assert opened["state"] == self.definition.initial
        self.version = 1
        assert opened["version"] == self.version
        self.attributes = services.case_view(self.rt, self.case_id)["attributes"]
        assert {k: self.attributes[k] for k in flags} == flags
        self.branches = _branches(start, flags, self.definition)

    # -- the writes, each checked against the model -------------------------------------------------
    def _today(self) -> dt.date:
        return legal_date(self.clock())

    def _expected_record_error(self, kind: RecordType, role: str, malformed: bool,
                               supersedes: int | None, reason: str | None,
                               data: dict[str, Any] | None = None) -> type[WorkflowError] | None:
        if not _allowed(role, kind.roles):
            return Forbidden
        if self.state not in kind.accepted_in:
            return RecordNotAccepted
        if malformed:
            return InvalidInput
        if supersedes is None:
            return InvalidInput if reason else self._reference_error(kind, data)
        if not (reason and reason.strip()) or self.record_types.get(supersedes) != kind.name \
                or supersedes in self.superseded:
            return InvalidInput
        return self._reference_error(kind, data)

    def _reference_error(self, kind: RecordType, data: dict[str, Any] | None) -> type[WorkflowError] | None:
        """A linked register (major_decision v3's catalog entry): only the template's published items exist."""
        spec = kind.reference
        if spec is None or not self.registry.profile(self.attributes["jurisdiction"]).values().get(spec.required_when):
            return None
        return None if (data or {}).get("item_no") in PUBLISHED_ITEMS else InvalidInput

    def _add(self, kind: RecordType, role: str, data: dict[str, Any], *, malformed: bool = False,
             supersedes: int | None = None, reason: str | None = None, expected_version: int | None = None) -> bool:
        assert self.case_id is not None
        expected = self._expected_record_error(kind, role, malformed, supersedes, reason, data)
        note(f"add_record {kind.name} as {role} in {self.state} (supersedes={supersedes}) -> "
             f"{expected.__name__ if expected else 'ok'}: {data}")
        try:
            result = services.add_record(self.rt, ACTORS[role], self.case_id, record_type=kind.name, data=data,
                                         supersedes=supersedes, reason=reason, expected_version=expected_version)
        except WorkflowError as exc:
            assert type(exc) is expected, f"expected {expected}, got {exc!r} {exc.details}"
            return False
        assert expected is None, f"expected {expected.__name__}, the record was accepted"
        self.version += 1
        assert result["case_version"] == self.version
        assert result["seq"] == self.version
        assert result["type"] == kind.name
        self.record_types[result["id"]] = kind.name
        if supersedes is not None:
            self.superseded.add(supersedes)
        return True

    def _fire(self, trigger: Trigger, role: str, *, expected_version: int | None = None) -> bool:
        assert self.case_id is not None
        view = services.case_view(self.rt, self.case_id)
        offered = {n["trigger"]: n for n in view["next"]}
        expected: type[WorkflowError] | None
        if self.state not in trigger.sources:
            expected = InvalidTransition
            assert trigger.name not in offered
        elif not _allowed(role, trigger.roles):
            expected = Forbidden
        elif not offered[trigger.name]["allowed"]:
            expected = RequirementsUnmet
        else:
            expected = None
        note(f"fire {trigger.name} as {role} in {self.state} -> {expected.__name__ if expected else trigger.dest}")
        try:
            result = services.fire_trigger(self.rt, ACTORS[role], self.case_id, trigger=trigger.name,
                                           note="随机测试", expected_version=expected_version)
        except WorkflowError as exc:
            assert type(exc) is expected, f"expected {expected}, got {exc!r} {exc.details}"
            if isinstance(exc, RequirementsUnmet):
                unmet = [u["rule"] for u in exc.details["unmet"]]
                assert unmet, "a refusal names at least one rule"
                assert set(unmet) <= set(trigger.rules)
                assert unmet == [u["rule"] for u in offered[trigger.name]["unmet"]]
            self.attempts += 1
            last = services.case_attempts(self.rt, self.case_id)[-1]
            assert (last["trigger"], last["state"], last["case_version"], last["outcome"], last["role"]) == (
                trigger.name, self.state, self.version, exc.code, role)
            return False
        assert expected is None, f"expected {expected.__name__}, '{trigger.name}' was fired"
        assert result["state"] == trigger.dest
        self.state = trigger.dest
        self.plan = []
        self.version += 1
        self.transitions += 1
        assert result["version"] == self.version
        return True

    # -- rules --------------------------------------------------------------------------------------
    @precondition(lambda self: self.case_id is not None)
    @rule(data=st.data())
    def add_record(self, data: st.DataObject) -> None:
        kinds = self.definition.record_types
        accepted = [k for k in kinds if self.state in k.accepted_in]
        names = [k.name for k in (accepted if accepted and data.draw(st.booleans()) else kinds)]
        kind = self.definition.record_type(data.draw(st.sampled_from(names)))
        assert kind is not None
        role = data.draw(st.one_of(st.sampled_from(kind.roles), st.sampled_from(kind.roles),
                                   st.sampled_from(kind.roles), st.sampled_from(ALL_ROLES)))
        record = Gen(data.draw, self._today()).data(kind.name)
        malformed = data.draw(st.integers(0, 9)) == 0
        if malformed:
            record = _malform(data.draw, kind, record)
        supersedes, reason = None, None
        correction = data.draw(st.integers(0, 9))
        if correction == 0 and self.record_types:
            same = [rid for rid, t in self.record_types.items() if t == kind.name]
            supersedes = data.draw(st.sampled_from(same or sorted(self.record_types)))
            reason = data.draw(st.sampled_from(("原记录日期有误，予以更正。", "原记录日期有误，予以更正。", "  ")))
        elif correction == 1:
            reason = "无对应被更正记录的理由"  # a reason without a correction is refused
        version = self.version if data.draw(st.booleans()) else None
        self._add(kind, role, record, malformed=malformed, supersedes=supersedes, reason=reason,
                  expected_version=version)

    @precondition(lambda self: self.case_id is not None)
    @rule(data=st.data())
    def fire(self, data: st.DataObject) -> None:
        available = self.definition.triggers_from(self.state)
        everything = list(self.definition.triggers)
        names = [t.name for t in (available if available and data.draw(st.booleans()) else everything)]
        trigger = self.definition.trigger(data.draw(st.sampled_from(names)))
        assert trigger is not None
        role = data.draw(st.one_of(st.sampled_from(trigger.roles), st.sampled_from(trigger.roles),
                                   st.sampled_from(ALL_ROLES)))
        version = self.version if data.draw(st.booleans()) else None
        self._fire(trigger, role, expected_version=version)

    @precondition(lambda self: self.case_id is not None)
    @rule(days=st.one_of(st.integers(0, 10), st.integers(11, 60), st.sampled_from((120, 200, 366, 400))),
          hours=st.integers(0, 23))
    def advance_clock(self, days: int, hours: int) -> None:
        target = min(self.clock.now + dt.timedelta(days=days, hours=hours), LAST_MOMENT)
        self.clock.now = max(self.clock.now, target)
        note(f"clock now {self.clock.now.isoformat()} (legal date {self._today()})")

    @precondition(lambda self: self.case_id is not None)
    @rule(
        name=st.sampled_from(("hearing_required", "expert_required", "risk_assessment_required", "confidential",
                              "organ_level")),
        data=st.data(),
        role=st.sampled_from(ALL_ROLES),
        reason=st.sampled_from(("经复核，事项可能影响社会稳定。", "经复核，事项可能影响社会稳定。", " ")),
    )
    def change_attribute(self, name: str, data: st.DataObject, role: str, reason: str) -> None:
        assert self.case_id is not None
        value = data.draw(st.sampled_from(("government", "department", "township")) if name == "organ_level"
                          else st.booleans())
        if not reason.strip():
            expected: type[WorkflowError] | None = InvalidInput
        elif not _allowed(role, self.definition.case_opener_roles + ("decision_organ",)):
            expected = Forbidden
        else:
            expected = None
        note(f"change_attribute {name}={value!r} as {role} -> {expected.__name__ if expected else 'ok'}")
        try:
            result = services.change_attribute(self.rt, ACTORS[role], self.case_id, name=name, value=value,
                                               reason=reason)
        except WorkflowError as exc:
            assert type(exc) is expected, f"expected {expected}, got {exc!r} {exc.details}"
            return
        assert expected is None
        self.version += 1
        self.attributes[name] = value
        assert result["version"] == self.version
        assert result["attributes"] == self.attributes

    @precondition(lambda self: self.case_id is not None)
    @rule(fire=st.booleans(), behind=st.integers(1, 3))
    def stale_write(self, fire: bool, behind: int) -> None:
        """A stale ``expected_version`` is refused before anything is attempted: no event, no attempt."""
        assert self.case_id is not None
        stale = self.version - behind
        try:
            if fire:
                services.fire_trigger(self.rt, ACTORS["decision_organ"], self.case_id, trigger="start_drafting",
                                      expected_version=stale)
            else:
                services.add_record(self.rt, ACTORS["decision_organ"], self.case_id, record_type="proposal",
                                    data=dict(PROPOSAL),
                                    expected_version=stale)
        except VersionMismatch as exc:
            assert exc.details["current_version"] == self.version
        else:
            raise AssertionError("a stale expected_version was accepted")

    def _walk(self, data: st.DataObject, states: int) -> None:
        """Walk the sample road: finish the current state's branch (drawing one if none is under way),
        then go on for up to ``states`` states. Each write is checked against the model as it happens;
        the invariants run after the rule. A refused transition drops the plan: the next walk redraws."""
        for _ in range(states):
            if not self.plan:
                choices = self.branches.get(self.state)
                if not choices:
                    return
                self.plan = list(data.draw(st.sampled_from(choices)))
            while self.plan:
                step = self.plan.pop(0)
                if step.action == "record":
                    kind = self.definition.record_type(step.name)
                    assert kind is not None
                    self._add(kind, step.role, dict(step.data or {}))
                elif step.action == "clock":
                    self.advance_clock(int(step.name.split()[0]), 0)
                else:
                    trigger = self.definition.trigger(step.name)
                    assert trigger is not None
                    if not self._fire(trigger, step.role):
                        self.plan = []
                        return
                    break  # _fire cleared the plan: the case is in a new state

    @precondition(lambda self: self.case_id is not None and self.state in self.branches)
    @rule(data=st.data())
    def walk(self, data: st.DataObject) -> None:
        self._walk(data, 1)

    @precondition(lambda self: self.case_id is not None and self.state in self.branches)
    @rule(data=st.data(), states=st.integers(2, 5))
    def walk_far(self, data: st.DataObject, states: int) -> None:
        self._walk(data, states)

    # -- invariants ---------------------------------------------------------------------------------
    @invariant()
    def check_ledger(self) -> None:
        if self.case_id is None:
            return
        verdict = services.verify_case(self.rt, self.case_id)
        assert verdict["ok"], verdict
        assert verdict["events"] == self.version
        everything = services.verify_all(self.rt)
        assert everything["ok"], everything
        # one case besides the catalogs, no users: every other event is this case's
        assert everything["global"]["events"] == self.version + self.catalog_events
        compliance = services.compliance(self.rt, self.case_id)
        assert compliance["findings"] == [], compliance
        assert compliance["ok"]
        assert compliance["transitions_checked"] == self.transitions
        view = services.case_view(self.rt, self.case_id)
        assert (view["state"], view["version"]) == (self.state, self.version)
        assert view["attributes"] == self.attributes
        assert sorted(r["id"] for r in view["records"]) == sorted(self.record_types)
        assert {r["id"] for r in view["records"] if r["superseded_by"] is not None} == self.superseded
        assert len(services.case_attempts(self.rt, self.case_id)) == self.attempts
        MajorDecisionMachine.reached.add(self.state)


def test_random_case_histories_keep_the_ledger_sound(
    migrated_template: Path, registry: ProcedureRegistry, tmp_path: Path
) -> None:
    # Jurisdictions that keep their catalog in juece need a published item for the sample catalog entries.
    template = tmp_path / "with-catalogs.db"
    shutil.copy(migrated_template, template)
    setup = Runtime(db=Database(f"sqlite:///{template}"), registry=registry, clock=Clock())
    for year in (2025, 2026):
        publish_catalog(setup, year)
    catalog_events = services.verify_all(setup)["global"]["events"]
    setup.db.dispose()
    machine = type("Machine", (MajorDecisionMachine,), {
        "template": template, "registry": registry, "workdir": tmp_path, "catalog_events": catalog_events})
    MajorDecisionMachine.reached = set()
    run_state_machine_as_test(machine, settings=settings(
        max_examples=int(os.environ.get("JUECE_STATEFUL_EXAMPLES", "25")),  # raise it for a deeper local run
        stateful_step_count=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    ))
    reached = MajorDecisionMachine.reached
    print(f"states reached: {sorted(reached)}")
    # The walk rules exist to get past the first states; if no example got near a decision they are broken.
    assert reached - {"proposed", "drafting", "consultation", "legality_review"}, f"only reached {sorted(reached)}"


def test_actor_table_covers_every_role(registry: ProcedureRegistry) -> None:
    """The machine draws roles from the conftest actors: they must include every role of the procedure."""
    definition = registry.procedure("major_decision")
    assert set(definition.roles) <= set(ACTORS)
    assert isinstance(ACTORS["admin"], Actor)
