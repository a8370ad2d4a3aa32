"""Regenerate the reference tables of docs/procedures/<name>.md from the procedure registry.

    .venv/bin/python docs/tools/gen_procedure_doc.py            # rewrite every generated block
    .venv/bin/python docs/tools/gen_procedure_doc.py --check    # exit 1 if a document is out of date

Only the text between ``<!-- BEGIN GENERATED -->`` and ``<!-- END GENERATED -->`` is replaced; the prose
around it is written by hand. The tables come from ``procedures.build_registry()``, so they say exactly
what the engine enforces (latest version of each procedure, and the profiles).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from procedures import build_registry  # noqa: E402
from workflow.definition import Field, Procedure, Profile  # noqa: E402
from workflow.rules import Param, Predicate  # noqa: E402

BEGIN, END = "<!-- BEGIN GENERATED -->", "<!-- END GENERATED -->"


def cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def codes(names: Any) -> str:
    return ", ".join(f"`{n}`" for n in names) or "—"


def expr(value: Any) -> str:
    """A compact, exact rendering of a check tree: the kind names and their non-default arguments."""
    if isinstance(value, Param):
        return f"profile.{value.name}"
    if isinstance(value, Predicate):
        return f"{value.function.__module__.rsplit('.', 1)[-1]}.{value.function.__name__}()"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {expr(v)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple):
        return "[" + ", ".join(expr(v) for v in value) + "]"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        args = []
        for f in dataclasses.fields(value):
            current = getattr(value, f.name)
            if current is None or (f.name not in POSITIONAL and (current is False or current == ())):
                continue
            shown = expr(current)
            args.append(shown if f.name in POSITIONAL else f"{f.name}={shown}")
        return f"{type(value).__name__}({', '.join(args)})"
    return json.dumps(value, ensure_ascii=False)


POSITIONAL = ("record_type", "checks", "condition", "then", "field", "name", "value", "values")


def value_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def choices_text(choices: tuple[str, ...], labels: tuple[tuple[str, str, str], ...]) -> str:
    """``code`` 中文/English for each choice, in the order of the choices."""
    named = {code: f" {zh}/{en}" for code, zh, en in labels}
    return " \\| ".join(f"`{c}`{cell(named.get(c, ''))}" for c in choices)


def bilingual(label: str, label_en: str) -> str:
    return f"{label} / {label_en}" if label_en else label


def field_text(f: Field) -> str:
    kind = f.kind
    if f.choices:
        kind += ": " + choices_text(f.choices, f.choice_labels)
    if f.min_items:
        kind += f", ≥{f.min_items}"
    if f.item_fields:
        kind += "; items {" + ", ".join(field_text(i) for i in f.item_fields) + "}"
    flags = []
    if not f.required:
        flags.append("optional")
    if f.server_set:
        flags.append(f"set by the engine: {f.server_set}")
    extra = f", {', '.join(flags)}" if flags else ""
    return f"`{f.name}` ({kind}{extra}) {bilingual(f.label, f.label_en)}"


def procedure_tables(p: Procedure) -> list[str]:
    out = [f"Generated from `{p.name}` v{p.version} by `docs/tools/gen_procedure_doc.py`; do not edit by hand.", ""]
    out += ["### States", "", "| state | 中文 | English | final | triggers from here |", "|---|---|---|---|---|"]
    for s in p.states:
        out.append(f"| `{s.name}` | {s.label} | {s.label_en} | {'yes' if s.final else ''} | "
                   f"{codes(t.name for t in p.triggers_from(s.name))} |")
    out += ["", f"Initial state: `{p.initial}`. Roles: {codes(p.roles)} (plus `admin`, who may do anything).",
            f"Who may open a case: {codes(p.case_opener_roles)}.", ""]
    out += ["### Triggers", "", "| trigger | 中文 | source → dest | rules | roles | invalidates (basis) |",
            "|---|---|---|---|---|---|"]
    for t in p.triggers:
        voids = f"{codes(t.invalidates)} ({t.invalidation_basis})" if t.invalidates else "—"
        out.append(f"| `{t.name}` | {t.label} | {', '.join(t.sources)} → {t.dest} | {', '.join(t.rules)} | "
                   f"{codes(t.roles)} | {voids} |")
    out += ["", "### Rules", "", "| id | message (zh / en) | basis | guards |", "|---|---|---|---|"]
    for r in p.rules:
        guards = codes(t.name for t in p.triggers if r.id in t.rules)
        out.append(f"| **{r.id}** | {cell(r.message_zh)}<br>{cell(r.message_en)} | {cell(r.basis.instrument)} "
                   f"{cell(r.basis.article)}: “{cell(r.basis.quote)}” | {guards} |")
    out += ["", "What each rule checks, in the engine's own terms (`profile.X` is a jurisdiction parameter; "
            f"`checks.f()` is a function in `procedures/{p.name}/checks.py`):", ""]
    out += [f"- **{r.id}** `{expr(r.check)}`" for r in p.rules]
    out += ["", "### Record types", "",
            "| type | 中文 / English | recorded by | accepted in | read by rules | invalidated by |",
            "|---|---|---|---|---|---|"]
    for rt in p.record_types:
        readers = ", ".join(r.id for r in p.rules if rt.name in r.check.record_types()) or "—"
        voiders = codes(t.name for t in p.triggers if rt.name in t.invalidates)
        out.append(f"| `{rt.name}` | {rt.label} / {rt.label_en} | {codes(rt.roles)} | {codes(rt.accepted_in)} | "
                   f"{readers} | {voiders} |")
    out += ["", "Fields (required unless marked optional; dates are `YYYY-MM-DD`):", ""]
    for rt in p.record_types:
        out.append(f"- **`{rt.name}`**: " + "; ".join(field_text(f) for f in rt.fields))
    if p.deadlines:
        out += ["", "### Deadlines (shown on the case and in the overdue list; never guards)", "",
                "| id | 中文 / English | starts | days | met by | tolled in | basis |", "|---|---|---|---|---|---|---|"]
        for d in p.deadlines:
            start = d.to_dict()["starts_on"]
            starts = f"`{start['trigger']}` fires" if "trigger" in start else f"`{start['record_type']}.{start['field']}`"
            days = f"profile.{d.days.name}" if isinstance(d.days, Param) else str(d.days)
            unit = "working days" if d.unit == "working" else "calendar days"
            out.append(f"| **{d.id}** | {d.label} / {d.label_en} | {starts} | {days} {unit}{' before' if d.before else ''} | "
                       f"{codes(d.met_by)} | {codes(d.tolled_in)} | {cell(d.basis.instrument)} {cell(d.basis.article)}: "
                       f"“{cell(d.basis.quote)}” |")
    out += ["", "### Case attributes", "", "| attribute | kind | 中文 | English | default |", "|---|---|---|---|---|"]
    for a in p.attributes:
        kind = a.kind + (": " + choices_text(a.choices, a.choice_labels) if a.choices else "")
        out.append(f"| `{a.name}` | {kind} | {a.label} | {a.label_en} | `{value_text(a.default)}` |")
    return out


def profile_tables(profiles: list[Profile], used: set[str]) -> list[str]:
    out = []
    for prof in profiles:
        parent = f", extends `{prof.extends}`" if prof.extends else ""
        out += ["", f"### Profile `{prof.name}` v{prof.version}{parent}: {prof.title}", "",
                "| parameter | value | confirmed | source |", "|---|---|---|---|"]
        for name, param in sorted(prof.parameters.items()):
            if name not in used:
                continue  # another procedure's parameter
            note = ""
            out.append(f"| `{name}`{note} | `{cell(value_text(param.value))}` | {'yes' if param.confirmed else '**no** (local-practice default)'} | "
                       f"{cell(param.source)} |")
        if prof.local_holidays or prof.local_workdays:
            out.append("")
            out.append(f"Local holidays: {', '.join(d.isoformat() for d in prof.local_holidays) or '—'}; "
                       f"local working days: {', '.join(d.isoformat() for d in prof.local_workdays) or '—'}.")
    return out


def render(name: str) -> str:
    registry = build_registry()
    procedure = registry.procedure(name)
    lines = procedure_tables(procedure) + profile_tables(registry.profiles(), procedure.parameters_used())
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for path in sorted((ROOT / "docs" / "procedures").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if BEGIN not in text or END not in text:
            continue
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        new = f"{head}{BEGIN}\n{render(path.stem)}{END}{tail}"
        if new != text:
            stale.append(path)
            if not check:
                path.write_text(new, encoding="utf-8")
    for path in stale:
        print(f"{'out of date' if check else 'rewrote'}: {path.relative_to(ROOT)}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
