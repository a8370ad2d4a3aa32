"""The registry of procedure versions and jurisdiction profiles, and the guard evaluation over them.

One ``transitions`` machine is built per procedure version and shared by every case of that version:
cases are not added to the machine (that would keep every case alive); a trigger is fired on a
lightweight model with ``Event.trigger(model)``, so the machine itself holds no per-case state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from transitions import EventData, Machine
from transitions.extensions import GraphMachine

from workflow import deadlines
from workflow.calendar import ChineseStatutoryCalendar, StatutoryCalendar
from workflow.definition import Procedure, Profile, Rule
from workflow.errors import (
    CalendarYearMissing,
    DefinitionError,
    InvalidTransition,
    NotFound,
    ProcedureNotFound,
    ProfileNotFound,
)
from workflow.ledger import canonical
from workflow.rules import Context
from workflow.snapshot import CaseSnapshot
from workflow.statistics import Report

DEFAULT_PROFILE = "national"


@dataclass(frozen=True)
class UnmetRule:
    rule: Rule
    details: tuple[str, ...]

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        message = self.rule.message_en if lang == "en" else self.rule.message_zh
        return {
            "rule": self.rule.id,
            "message": message,
            "message_en": self.rule.message_en,
            "basis": self.rule.basis.to_dict(),
            "details": list(self.details),
        }


@dataclass(frozen=True)
class Evaluation:
    trigger: str
    state: str
    unmet: tuple[UnmetRule, ...]

    @property
    def passed(self) -> bool:
        return not self.unmet

    def unmet_dicts(self, lang: str | None = None) -> list[dict[str, Any]]:
        return [u.to_dict(lang) for u in self.unmet]


class _Model:
    """The object a shared machine moves: it carries only the state for one firing."""

    def __init__(self, state: str) -> None:
        self.state = state


def _rules_hold(event: EventData) -> bool:
    return bool(event.kwargs["evaluation"].passed)


def build_machine(procedure: Procedure) -> Machine:
    transitions = [
        {"trigger": t.name, "source": list(t.sources), "dest": t.dest, "conditions": [_rules_hold]}
        for t in procedure.triggers
    ]
    return Machine(
        model=None,
        states=[s.name for s in procedure.states],
        transitions=transitions,
        initial=procedure.initial,
        auto_transitions=False,
        send_event=True,
    )


class ProcedureRegistry:
    """Every procedure version and profile, validated together when the registry is built."""

    def __init__(
        self,
        procedures: Iterable[Procedure],
        profiles: Iterable[Profile],
        calendar: ChineseStatutoryCalendar | None = None,
        reports: Iterable[Report] = (),
    ) -> None:
        self._procedures: dict[tuple[str, int], Procedure] = {}
        for procedure in procedures:
            key = (procedure.name, procedure.version)
            if key in self._procedures:
                raise DefinitionError(f"procedure {procedure.name} v{procedure.version} is defined twice")
            self._procedures[key] = procedure.validate()
        self._profiles = _resolve_profiles(list(profiles))
        if DEFAULT_PROFILE not in self._profiles:
            raise DefinitionError(f"the '{DEFAULT_PROFILE}' profile is required")
        self._check_parameters()
        self._check_references()
        self._reports = {r.name: r for r in reports}
        self._check_reports()
        self._machines = {key: build_machine(p) for key, p in self._procedures.items()}
        self._calendar = calendar or ChineseStatutoryCalendar()
        self._calendars: dict[str, StatutoryCalendar] = {}
        self._definition_json: dict[tuple[str, int], bytes] = {}

    def _check_parameters(self) -> None:
        problems = [
            f"profile '{profile.name}' parameter '{name}' does not cite its source"
            for profile in self._profiles.values()
            for name, parameter in profile.parameters.items()
            if not str(parameter.source).strip()
        ]
        for procedure in self._procedures.values():
            for profile in self._profiles.values():
                missing = procedure.parameters_used() - set(profile.parameters)
                problems += [
                    f"profile '{profile.name}' lacks parameter '{m}' used by {procedure.name} v{procedure.version}"
                    for m in sorted(missing)
                ]
        if problems:
            raise DefinitionError("; ".join(problems), problems=problems)

    def report(self, name: str) -> Report:
        try:
            return self._reports[name]
        except KeyError:
            raise NotFound(f"no report named '{name}'", report=name, available=sorted(self._reports)) from None

    def _check_reports(self) -> None:
        problems = []
        for report in self._reports.values():
            ids = {c.id for c in report.counters}
            for counter in report.counters:
                for source in counter.sources:
                    name, part = (source, None) if isinstance(source, str) else source
                    versions = [p for (n, _v), p in self._procedures.items() if n == name]
                    if not versions:
                        problems.append(f"report {report.name} counter {counter.id}: unknown procedure '{name}'")
                        continue
                    known = {
                        "fired": {t.name for p in versions for t in p.triggers},
                        "recorded": {r.name for p in versions for r in p.record_types},
                        "deadline": {d.id for p in versions for d in p.deadlines},
                    }.get(counter.kind)
                    if known is not None and part not in known:
                        problems.append(f"report {report.name} counter {counter.id}: {name} has no {counter.kind} '{part}'")
            for minimum in report.minimums:
                if minimum.counter not in ids:
                    problems.append(f"report {report.name} minimum {minimum.id}: unknown counter '{minimum.counter}'")
                problems += [f"report {report.name} minimum {minimum.id}: profile '{p.name}' lacks '{minimum.parameter}'"
                             for p in self._profiles.values() if minimum.parameter not in p.parameters]
        if problems:
            raise DefinitionError("; ".join(problems), problems=problems)

    def _check_references(self) -> None:
        problems = []
        for procedure in self._procedures.values():
            for kind in procedure.record_types:
                spec = kind.reference
                if spec is None:
                    continue
                targets = [p for (name, _v), p in self._procedures.items() if name == spec.procedure]
                where = f"{procedure.name} v{procedure.version} '{kind.name}'"
                if not targets:
                    problems.append(f"{where} references unknown procedure '{spec.procedure}'")
                    continue
                for target in targets:
                    other = target.record_type(spec.record_type)
                    if other is None:
                        problems.append(f"{where}: {target.name} v{target.version} has no '{spec.record_type}'")
                        continue
                    problems += [f"{where}: {target.name} '{spec.record_type}' has no field '{theirs}'"
                                 for _mine, theirs in spec.match if other.field(theirs) is None]
                    problems += [f"{where}: {target.name} has no state '{s}'" for s in spec.in_states
                                 if target.state(s) is None]
        if problems:
            raise DefinitionError("; ".join(problems), problems=problems)

    # -- lookups ------------------------------------------------------------------------------------
    def procedure(self, name: str, version: int | None = None) -> Procedure:
        if version is None:
            versions = [v for (n, v) in self._procedures if n == name]
            if not versions:
                raise ProcedureNotFound(f"no procedure named '{name}'", procedure=name)
            version = max(versions)
        try:
            return self._procedures[(name, version)]
        except KeyError:
            raise ProcedureNotFound(f"no procedure '{name}' version {version}", procedure=name) from None

    def procedures(self) -> list[Procedure]:
        """The latest version of each procedure, by name."""
        latest: dict[str, Procedure] = {}
        for (name, _version), procedure in sorted(self._procedures.items()):
            latest[name] = procedure
        return list(latest.values())

    def all_versions(self) -> list[Procedure]:
        return [self._procedures[k] for k in sorted(self._procedures)]

    def profile(self, name: str) -> Profile:
        try:
            return self._profiles[name]
        except KeyError:
            raise ProfileNotFound(
                f"no jurisdiction profile named '{name}'", jurisdiction=name, available=sorted(self._profiles)
            ) from None

    def profiles(self) -> list[Profile]:
        return [self._profiles[k] for k in sorted(self._profiles)]

    def calendar(self, profile: str) -> StatutoryCalendar:
        if profile not in self._calendars:
            chosen = self.profile(profile)
            self._calendars[profile] = self._calendar.with_local_days(chosen.local_holidays, chosen.local_workdays)
        return self._calendars[profile]

    def definition_json(self, procedure: Procedure) -> bytes:
        """The definition as canonical JSON: what a dossier ships as rules.json and event 1 fingerprints.

        Display labels are left out (``PRESENTATION_KEYS``): a translation added or corrected later must not
        make an archived case's rules look changed. Everything that decides — states, triggers, rule ids
        with their messages and legal basis, record types and fields, attributes, deadlines — is in.
        """
        key = (procedure.name, procedure.version)
        if key not in self._definition_json:
            self._definition_json[key] = canonical(_without_presentation(procedure.to_dict()))
        return self._definition_json[key]

    def definition_sha256(self, procedure: Procedure) -> str:
        return hashlib.sha256(self.definition_json(procedure)).hexdigest()

    def machine(self, procedure: Procedure) -> Machine:
        return self._machines[(procedure.name, procedure.version)]

    # -- evaluation ---------------------------------------------------------------------------------
    def evaluate(self, snapshot: CaseSnapshot, trigger_name: str, today: dt.date) -> Evaluation:
        """Check every rule guarding ``trigger_name`` from the snapshot's state; report all unmet ones."""
        procedure = self.procedure(snapshot.procedure, snapshot.procedure_version)
        trigger = procedure.trigger(trigger_name)
        if trigger is None or snapshot.state not in trigger.sources:
            available = [t.name for t in procedure.triggers_from(snapshot.state)]
            raise InvalidTransition(
                f"'{trigger_name}' is not available from state '{snapshot.state}'",
                trigger=trigger_name,
                state=snapshot.state,
                available=available,
            )
        ctx = Context(
            snapshot=snapshot,
            parameters=snapshot.parameters or self.profile(snapshot.jurisdiction).values(),
            calendar=self.calendar(snapshot.jurisdiction),
            trigger=trigger_name,
            today=today,
        )
        unmet = []
        for rule_id in trigger.rules:
            rule = procedure.rule(rule_id)
            try:
                details = rule.check.failures(ctx)
            except CalendarYearMissing as exc:
                details = [exc.message]  # unmet, never guessed: the rule cannot be shown to hold
            if details:
                unmet.append(UnmetRule(rule, tuple(details)))
        return Evaluation(trigger_name, snapshot.state, tuple(unmet))

    def deadlines(self, snapshot: CaseSnapshot, today: dt.date | None = None) -> list[dict[str, Any]]:
        """Every deadline that has started, with its due date, status and how it was computed.

        With ``today``, each also says whether it is ``overdue``.
        """
        procedure = self.procedure(snapshot.procedure, snapshot.procedure_version)
        parameters = snapshot.parameters or self.profile(snapshot.jurisdiction).values()
        calendar = self.calendar(snapshot.jurisdiction)
        computed = (deadlines.compute(d, snapshot, parameters, calendar, today) for d in procedure.deadlines)
        return [entry for entry in computed if entry is not None]

    def next_due_on(self, snapshot: CaseSnapshot) -> str | None:
        """The earliest due date among the open deadlines (kept on the case row for the overdue list)."""
        open_dates = [d["due_on"] for d in self.deadlines(snapshot) if d["status"] == "open" and d["due_on"]]
        return min(open_dates) if open_dates else None

    def fire(self, snapshot: CaseSnapshot, evaluation: Evaluation) -> str:
        """Move the state through the shared machine; the guard is the evaluation's verdict."""
        procedure = self.procedure(snapshot.procedure, snapshot.procedure_version)
        model = _Model(snapshot.state)
        moved = self.machine(procedure).events[evaluation.trigger].trigger(model, evaluation=evaluation)
        if not moved:
            raise InvalidTransition(f"'{evaluation.trigger}' was refused by its guard", trigger=evaluation.trigger)
        return model.state

    def diagram(self, procedure: Procedure, highlight: str | None = None) -> str:
        """Mermaid ``stateDiagram-v2`` text drawn by transitions' GraphMachine."""
        graph_machine = GraphMachine(
            model=None,
            states=[s.name for s in procedure.states],
            transitions=[{"trigger": t.name, "source": list(t.sources), "dest": t.dest} for t in procedure.triggers],
            initial=procedure.initial,
            auto_transitions=False,
            graph_engine="mermaid",
            title=f"{procedure.title} ({procedure.name} v{procedure.version})",
        )
        model = _Model(highlight or procedure.initial)
        graph_machine.add_model(model, initial=highlight or procedure.initial)
        text = str(model.get_graph().draw(None))  # type: ignore[attr-defined]
        # GraphMachine knows state names only; show the legal (Chinese) label beside each name.
        for state in procedure.states:
            text = text.replace(f'state "{state.name}" as {state.name}', f'state "{state.label} {state.name}" as {state.name}')
        return text


PRESENTATION_KEYS = frozenset({"label", "label_en", "choice_labels"})


def _without_presentation(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_presentation(v) for k, v in value.items() if k not in PRESENTATION_KEYS}
    if isinstance(value, list):
        return [_without_presentation(v) for v in value]
    return value


def _resolve_profiles(profiles: list[Profile]) -> dict[str, Profile]:
    by_name = {p.name: p for p in profiles}
    if len(by_name) != len(profiles):
        raise DefinitionError("a jurisdiction profile is defined twice")
    resolved: dict[str, Profile] = {}

    def resolve(name: str, chain: tuple[str, ...]) -> Profile:
        if name in chain:
            raise DefinitionError(f"profile inheritance loops: {' -> '.join(chain + (name,))}")
        if name not in by_name:
            raise DefinitionError(f"profile '{chain[-1]}' extends unknown profile '{name}'")
        if name not in resolved:
            profile = by_name[name]
            resolved[name] = (
                profile.merged_onto(resolve(profile.extends, chain + (name,))) if profile.extends else profile
            )
        return resolved[name]

    for name in by_name:
        resolve(name, ())
    return resolved
