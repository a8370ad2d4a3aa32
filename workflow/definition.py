"""Procedure definitions and jurisdiction profiles as frozen data, validated when they are loaded.

A procedure is written once per version (``procedures/<name>/v1.py``); a case is pinned to the version it
was opened under, so a later version never changes the rules of a running case.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from workflow.errors import DefinitionError
from workflow.rules import Check, DateOf, Param, references

FieldKind = Literal["string", "text", "date", "bool", "int", "string_list", "choice", "object_list"]
ADMIN_ROLE = "admin"


@dataclass(frozen=True)
class Basis:
    """Where a rule comes from: the instrument, the article, and a short quote of the text."""

    instrument: str
    article: str
    quote: str

    def to_dict(self) -> dict[str, str]:
        return {"instrument": self.instrument, "article": self.article, "quote": self.quote}


@dataclass(frozen=True)
class Rule:
    id: str
    message_zh: str
    message_en: str
    basis: Basis
    check: Check

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "message": {"zh": self.message_zh, "en": self.message_en},
            "basis": self.basis.to_dict(),
        }


@dataclass(frozen=True)
class Field:
    """One field of a record type. ``object_list`` items are described by ``item_fields``."""

    name: str
    kind: FieldKind
    label: str
    required: bool = True
    choices: tuple[str, ...] = ()
    min_items: int = 0
    item_fields: tuple[Field, ...] = ()
    # Filled by the engine, never by a client: "case_chain_head" stamps the hash of the case's event
    # chain at the moment of recording (条例 art. 33 archiving, rule MD-35); "sequence" receives the
    # number the record type's ``Numbering`` assigns (三统一: 统一编号).
    # "reference" receives what the record type's ``Reference`` found ("case/record/sha256").
    server_set: Literal["case_chain_head", "sequence", "reference"] | None = None
    label_en: str = ""  # the English label; pages fall back to the field name when it is empty
    # How each choice reads: (code, 中文, English). Codes are the stored values; labels are for people.
    choice_labels: tuple[tuple[str, str, str], ...] = ()

    def choice_label(self, code: str, lang: str = "zh") -> str:
        for value, zh, en in self.choice_labels:
            if value == code:
                return en if lang == "en" else zh
        return code

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "label": self.label, "required": self.required}
        if self.label_en:
            out["label_en"] = self.label_en
        if self.choices:
            out["choices"] = list(self.choices)
        if self.choice_labels:
            out["choice_labels"] = {code: {"zh": zh, "en": en} for code, zh, en in self.choice_labels}
        if self.min_items:
            out["min_items"] = self.min_items
        if self.item_fields:
            out["item_fields"] = [f.to_dict() for f in self.item_fields]
        if self.server_set:
            out["server_set"] = self.server_set
        return out


@dataclass(frozen=True)
class Numbering:
    """A number the engine assigns when the record is added: consecutive per scope and year, never reused.

    The scope is the procedure plus the values of ``scope`` fields of the record (e.g. the issuing organ's
    document prefix) plus the year of the ``year_from`` date field; ``template`` formats the number into the
    ``into`` field, e.g. ``"{prefix}〔{year}〕{number}号"`` → 潜政规〔2026〕3号. A correction (a record that
    supersedes one of the same type) keeps the number it corrects: a number is given once.
    """

    into: str
    scope: tuple[str, ...]
    year_from: str
    template: str

    def to_dict(self) -> dict[str, Any]:
        return {"into": self.into, "scope": list(self.scope), "year_from": self.year_from, "template": self.template}


@dataclass(frozen=True)
class Reference:
    """The record must name a current record in a case of another procedure — e.g. a decision's catalog
    entry names an item of the organ's published catalog (决策事项目录).

    Checked when the record is added (then the found record is stamped into ``into`` as
    ``"<case id>/<record id>/<sha256>"``, so the link is part of the chained record): the other case is of
    ``procedure``, has the same ``same_case`` columns (e.g. the decision organ), is in one of ``in_states``;
    its current ``record_type`` record has the same values for each ``(this field, that field)`` pair of
    ``match`` and the values of ``where``. ``required_when`` names a profile flag: when it is false the
    reference is not looked up (the jurisdiction does not manage that register in juece).
    """

    procedure: str
    record_type: str
    match: tuple[tuple[str, str], ...]
    into: str
    in_states: tuple[str, ...] = ()
    where: tuple[tuple[str, Any], ...] = ()
    same_case: tuple[Literal["decision_organ", "undertaking_unit", "jurisdiction"], ...] = ("decision_organ",)
    required_when: str | None = None
    label: str = "关联记录"

    def to_dict(self) -> dict[str, Any]:
        return {"procedure": self.procedure, "record_type": self.record_type, "match": [list(m) for m in self.match],
                "into": self.into, "in_states": list(self.in_states), "where": [list(w) for w in self.where],
                "same_case": list(self.same_case), "required_when": self.required_when, "label": self.label}


@dataclass(frozen=True)
class RecordType:
    name: str
    label: str
    label_en: str
    fields: tuple[Field, ...]
    roles: tuple[str, ...]
    accepted_in: tuple[str, ...]
    numbering: Numbering | None = None
    reference: Reference | None = None

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def numbering_problems(self) -> list[str]:
        problems = []
        server_sequences = [f.name for f in self.fields if f.server_set == "sequence"]
        spec = self.numbering
        if spec is None:
            return [f"record type '{self.name}': field '{n}' is a sequence but there is no numbering" for n in server_sequences]
        if server_sequences != [spec.into]:
            problems.append(f"record type '{self.name}': numbering goes into '{spec.into}', which must be its one "
                            "field with server_set='sequence'")
        for name in spec.scope:
            scope_field = self.field(name)
            if scope_field is None or not scope_field.required or scope_field.kind not in ("string", "choice"):
                problems.append(f"record type '{self.name}': numbering scope '{name}' must be a required string field")
        year_field = self.field(spec.year_from)
        if year_field is None or year_field.kind != "date" or not year_field.required:
            problems.append(f"record type '{self.name}': numbering year_from '{spec.year_from}' must be a required date field")
        try:
            spec.template.format(year=2000, number=1, **{n: "x" for n in spec.scope})
        except (KeyError, IndexError, ValueError) as exc:
            problems.append(f"record type '{self.name}': numbering template is invalid ({exc!r})")
        return problems

    def to_dict(self) -> dict[str, Any]:
        out = {
            "name": self.name,
            "label": {"zh": self.label, "en": self.label_en},
            "fields": [f.to_dict() for f in self.fields],
            "roles": list(self.roles),
            "accepted_in": list(self.accepted_in),
        }
        if self.numbering:
            out["numbering"] = self.numbering.to_dict()
        if self.reference:
            out["reference"] = self.reference.to_dict()
        return out

    def reference_problems(self) -> list[str]:
        spec = self.reference
        stamped = [f.name for f in self.fields if f.server_set == "reference"]
        if spec is None:
            return [f"record type '{self.name}': field '{n}' is a reference but there is none" for n in stamped]
        problems = []
        if stamped != [spec.into]:
            problems.append(f"record type '{self.name}': the reference goes into '{spec.into}', which must be its "
                            "one field with server_set='reference'")
        problems += [f"record type '{self.name}': reference field '{mine}' is not a required field"
                     for mine, _theirs in spec.match if not (self.field(mine) and self.field(mine).required)]  # type: ignore[union-attr]
        return problems


@dataclass(frozen=True)
class State:
    name: str
    label: str
    label_en: str
    final: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "label": {"zh": self.label, "en": self.label_en}, "final": self.final}


@dataclass(frozen=True)
class Trigger:
    """A transition. ``invalidates``: record types that no longer count once it fires (a re-run)."""

    name: str
    label: str
    label_en: str
    sources: tuple[str, ...]
    dest: str
    rules: tuple[str, ...]
    roles: tuple[str, ...]
    invalidates: tuple[str, ...] = ()
    invalidation_basis: str | None = None  # the rule id that says why, shown to auditors

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": {"zh": self.label, "en": self.label_en},
            "sources": list(self.sources),
            "dest": self.dest,
            "rules": list(self.rules),
            "roles": list(self.roles),
            "invalidates": list(self.invalidates),
            "invalidation_basis": self.invalidation_basis,
        }


@dataclass(frozen=True)
class Deadline:
    """A time limit shown on the case and in the overdue list — never a guard (workflow/deadlines.py).

    It runs from the last firing of the trigger ``starts_on`` (or from a date in the latest record, with
    ``DateOf``) for ``days`` in ``unit`` ("working": on the statutory calendar; "calendar": natural days,
    the last one moved past rest days and holidays); ``before`` counts back from the start instead (a
    reminder ahead of an expiry date). Days spent in a ``tolled_in`` state do not count. It is met when one
    of ``met_by`` fires after the start. A parameter whose value is ``None`` means the jurisdiction sets no
    such limit.
    """

    id: str
    label: str
    label_en: str
    starts_on: str | DateOf
    met_by: tuple[str, ...]
    days: Param | int
    basis: Basis
    unit: Literal["working", "calendar"] = "working"
    before: bool = False
    tolled_in: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        days = self.days.name if isinstance(self.days, Param) else self.days
        starts_on = (
            {"record_type": self.starts_on.record_type, "field": self.starts_on.field}
            if isinstance(self.starts_on, DateOf) else {"trigger": self.starts_on}
        )
        return {"id": self.id, "label": {"zh": self.label, "en": self.label_en}, "starts_on": starts_on,
                "met_by": list(self.met_by), "days_parameter": days, "unit": self.unit, "before": self.before,
                "tolled_in": list(self.tolled_in), "basis": self.basis.to_dict()}


@dataclass(frozen=True)
class Attribute:
    name: str
    kind: Literal["bool", "string", "choice"]
    label: str
    default: Any = None
    choices: tuple[str, ...] = ()
    label_en: str = ""
    choice_labels: tuple[tuple[str, str, str], ...] = ()  # (code, 中文, English)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "label": self.label, "default": self.default}
        if self.label_en:
            out["label_en"] = self.label_en
        if self.choices:
            out["choices"] = list(self.choices)
        if self.choice_labels:
            out["choice_labels"] = {code: {"zh": zh, "en": en} for code, zh, en in self.choice_labels}
        return out


@dataclass(frozen=True)
class Procedure:
    name: str
    version: int
    title: str
    title_en: str
    roles: tuple[str, ...]
    states: tuple[State, ...]
    initial: str
    triggers: tuple[Trigger, ...]
    rules: tuple[Rule, ...]
    record_types: tuple[RecordType, ...]
    attributes: tuple[Attribute, ...]
    case_opener_roles: tuple[str, ...]
    deadlines: tuple[Deadline, ...] = ()

    # -- lookups ------------------------------------------------------------------------------------
    def state(self, name: str) -> State | None:
        return next((s for s in self.states if s.name == name), None)

    def trigger(self, name: str) -> Trigger | None:
        return next((t for t in self.triggers if t.name == name), None)

    def rule(self, rule_id: str) -> Rule:
        return self._rules[rule_id]

    def record_type(self, name: str) -> RecordType | None:
        return next((r for r in self.record_types if r.name == name), None)

    def triggers_from(self, state: str) -> list[Trigger]:
        return [t for t in self.triggers if state in t.sources]

    @property
    def _rules(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    def parameters_used(self) -> set[str]:
        used = set().union(*(r.check.parameters() for r in self.rules))
        used |= {t.reference.required_when for t in self.record_types if t.reference and t.reference.required_when}
        return used | {d.days.name for d in self.deadlines if isinstance(d.days, Param)}

    # -- validation ---------------------------------------------------------------------------------
    def validate(self) -> Procedure:
        """Raise ``DefinitionError`` listing every problem; return self so it can be chained."""
        problems = self._problems()
        if problems:
            raise DefinitionError(
                f"procedure {self.name} v{self.version} is invalid: " + "; ".join(problems),
                procedure=self.name,
                problems=problems,
            )
        return self

    def _problems(self) -> list[str]:
        problems: list[str] = []
        state_names = [s.name for s in self.states]
        states = set(state_names)
        roles = set(self.roles) | {ADMIN_ROLE}
        problems += _duplicates("state", state_names)
        problems += _duplicates("trigger", [t.name for t in self.triggers])
        problems += _duplicates("rule", [r.id for r in self.rules])
        problems += _duplicates("record type", [r.name for r in self.record_types])
        if self.initial not in states:
            problems.append(f"initial state '{self.initial}' is unknown")
        for trigger in self.triggers:
            problems += self._trigger_problems(trigger, states, roles)
        for record_type in self.record_types:
            if not record_type.roles:
                problems.append(f"record type '{record_type.name}' has no roles")
            problems += [f"record type '{record_type.name}' names unknown role '{r}'" for r in record_type.roles if r not in roles]
            problems += [
                f"record type '{record_type.name}' is accepted in unknown state '{s}'"
                for s in record_type.accepted_in
                if s not in states
            ]
            problems += record_type.numbering_problems()
            problems += [f"record type '{record_type.name}' field '{f.name}' labels unknown choice '{code}'"
                         for f in _all_fields(record_type.fields) for code, _zh, _en in f.choice_labels
                         if code not in f.choices]
            problems += record_type.reference_problems()
        known_types = {r.name for r in self.record_types}
        known = {"trigger": {t.name for t in self.triggers}, "attribute": {a.name for a in self.attributes}}
        for rule in self.rules:
            if not all(part.strip() for part in (rule.basis.instrument, rule.basis.article, rule.basis.quote)):
                problems.append(f"rule {rule.id} does not cite its basis (instrument, article and quote)")
            if not (rule.message_zh.strip() and rule.message_en.strip()):
                problems.append(f"rule {rule.id} lacks its zh or en message")
            problems += [f"rule {rule.id} names unknown record type '{t}'" for t in sorted(rule.check.record_types() - known_types)]
            problems += [
                f"rule {rule.id} names unknown {kind} '{name}'"
                for kind, name in sorted(references(rule.check))
                if name not in known[kind]
            ]
        triggers = {t.name for t in self.triggers}
        for deadline in self.deadlines:
            starts = () if isinstance(deadline.starts_on, DateOf) else (deadline.starts_on,)
            problems += [f"deadline {deadline.id} names unknown trigger '{t}'"
                         for t in (*starts, *deadline.met_by) if t not in triggers]
            problems += [f"deadline {deadline.id} is tolled in unknown state '{s}'" for s in deadline.tolled_in
                         if s not in states]
            if isinstance(deadline.starts_on, DateOf) and deadline.starts_on.record_type not in known_types:
                problems.append(f"deadline {deadline.id} starts from unknown record type '{deadline.starts_on.record_type}'")
            if deadline.unit not in ("working", "calendar"):
                problems.append(f"deadline {deadline.id} has unknown unit '{deadline.unit}'")
        problems += _duplicates("deadline", [d.id for d in self.deadlines])
        problems += self._reachability_problems(states)
        return problems

    def _trigger_problems(self, trigger: Trigger, states: set[str], roles: set[str]) -> list[str]:
        problems = []
        if not trigger.roles:
            problems.append(f"trigger '{trigger.name}' has no roles")
        problems += [f"trigger '{trigger.name}' names unknown role '{r}'" for r in trigger.roles if r not in roles]
        problems += [f"trigger '{trigger.name}' leaves unknown state '{s}'" for s in trigger.sources if s not in states]
        if trigger.dest not in states:
            problems.append(f"trigger '{trigger.name}' enters unknown state '{trigger.dest}'")
        problems += [f"trigger '{trigger.name}' names unknown rule '{r}'" for r in trigger.rules if r not in self._rules]
        if trigger.invalidation_basis is not None and trigger.invalidation_basis not in self._rules:
            problems.append(f"trigger '{trigger.name}' cites unknown rule '{trigger.invalidation_basis}'")
        known_types = {r.name for r in self.record_types}
        problems += [
            f"trigger '{trigger.name}' invalidates unknown record type '{t}'" for t in trigger.invalidates if t not in known_types
        ]
        for source in trigger.sources:
            state = self.state(source)
            if state is not None and state.final:
                problems.append(f"final state '{source}' has outgoing trigger '{trigger.name}'")
        return problems

    def _reachability_problems(self, states: set[str]) -> list[str]:
        seen, queue = {self.initial}, deque([self.initial])
        while queue:
            current = queue.popleft()
            for trigger in self.triggers_from(current):
                if trigger.dest not in seen:
                    seen.add(trigger.dest)
                    queue.append(trigger.dest)
        return [f"state '{s}' is unreachable from '{self.initial}'" for s in sorted(states - seen)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "title": {"zh": self.title, "en": self.title_en},
            "roles": list(self.roles),
            "initial": self.initial,
            "states": [s.to_dict() for s in self.states],
            "triggers": [t.to_dict() for t in self.triggers],
            "rules": [r.to_dict() for r in self.rules],
            "record_types": [r.to_dict() for r in self.record_types],
            "attributes": [a.to_dict() for a in self.attributes],
            "deadlines": [d.to_dict() for d in self.deadlines],
        }


def _all_fields(fields: tuple[Field, ...]) -> list[Field]:
    return [f for field in fields for f in (field, *_all_fields(field.item_fields))]


def _duplicates(what: str, names: list[str]) -> list[str]:
    seen: set[str] = set()
    dupes = {n for n in names if n in seen or seen.add(n)}  # type: ignore[func-returns-value]
    return [f"duplicate {what} '{n}'" for n in sorted(dupes)]


@dataclass(frozen=True)
class Parameter:
    """A profile value with the text it comes from, so an auditor sees why a number applies."""

    value: Any
    source: str
    confirmed: bool = True  # False: a local-practice default, not found in a binding text (rulebook §7)

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "source": self.source, "confirmed": self.confirmed}


@dataclass(frozen=True)
class Profile:
    """A jurisdiction's parameters (periods, minimums, flags) and its local calendar days."""

    name: str
    title: str
    version: int
    parameters: Mapping[str, Parameter]
    local_holidays: tuple[dt.date, ...] = ()
    local_workdays: tuple[dt.date, ...] = ()
    extends: str | None = None

    def values(self) -> dict[str, Any]:
        return {k: p.value for k, p in self.parameters.items()}

    def merged_onto(self, parent: Profile) -> Profile:
        return Profile(
            name=self.name,
            title=self.title,
            version=self.version,
            parameters={**parent.parameters, **self.parameters},
            local_holidays=parent.local_holidays + self.local_holidays,
            local_workdays=parent.local_workdays + self.local_workdays,
            extends=self.extends,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "version": self.version,
            "extends": self.extends,
            "parameters": {k: p.to_dict() for k, p in self.parameters.items()},
            "local_holidays": [d.isoformat() for d in self.local_holidays],
            "local_workdays": [d.isoformat() for d in self.local_workdays],
        }
