"""Hypothesis strategies generated from a record type's field specs (``workflow.definition.Field``): data the
type accepts, and data with exactly one thing wrong, named by the field it is wrong in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from workflow.definition import Field, RecordType
from workflow.validation import MAX_INT, MAX_ITEMS, MAX_STRING, MAX_TEXT

# Any Unicode but NUL and lone surrogates; some strings carry characters that matter elsewhere (SQL, HTML).
_CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_HOSTILE = st.sampled_from(["'; DROP TABLE records; --", "<script>alert(1)</script>", "\"\\", "决策", "\u202e", "😀"])
_TEXT = st.one_of(st.text(_CHARACTERS, min_size=1, max_size=40), _HOSTILE).filter(lambda s: s.strip() != "")


def valid_value(field: Field, *, dates: tuple[dt.date, dt.date]) -> st.SearchStrategy[Any]:
    kind = field.kind
    if kind in ("string", "text"):
        return _TEXT if field.required else st.one_of(_TEXT, st.just(""))
    if kind == "choice":
        return st.sampled_from(field.choices)
    if kind == "date":
        return st.dates(*dates).map(dt.date.isoformat)
    if kind == "bool":
        return st.booleans()
    if kind == "int":
        return st.one_of(st.integers(0, 1000), st.just(MAX_INT), st.just(0))
    if kind == "string_list":
        return st.lists(_TEXT, min_size=field.min_items, max_size=field.min_items + 3)
    if kind == "object_list":
        return st.lists(valid_object(field.item_fields, dates=dates), min_size=field.min_items,
                        max_size=field.min_items + 2)
    raise AssertionError(f"no strategy for field kind {kind}")


def valid_object(fields: tuple[Field, ...], *, dates: tuple[dt.date, dt.date]) -> st.SearchStrategy[dict[str, Any]]:
    client_set = [f for f in fields if not f.server_set]
    return st.fixed_dictionaries(
        {f.name: valid_value(f, dates=dates) for f in client_set if f.required},
        optional={f.name: valid_value(f, dates=dates) for f in client_set if not f.required},
    )


def valid_data(record_type: RecordType, *, dates: tuple[dt.date, dt.date] = (dt.date(1990, 1, 1),
                                                                            dt.date(2099, 12, 31))) -> st.SearchStrategy:
    return valid_object(record_type.fields, dates=dates)


def _wrong_values(field: Field) -> list[Any]:
    """Values this field must refuse (each alone is enough)."""
    kind = field.kind
    wrong: list[Any] = [{"nested": "object"}]
    if kind in ("string", "text", "choice"):
        wrong += [5, True, ["list"], "a\x00b", "\ud800x"]
        wrong.append("x" * ((MAX_TEXT if kind == "text" else MAX_STRING) + 1))
        if field.required:
            wrong.append("   ")
        if kind == "choice":
            wrong.append("not-" + field.choices[0])
    elif kind == "date":
        wrong += ["2026-02-30", "2026-13-01", "20260101", "2026-1-1", "2026-06-01T00:00:00", 20260601, "tomorrow"]
    elif kind == "bool":
        wrong += ["true", 1, 0, "yes"]
    elif kind == "int":
        wrong += [-1, MAX_INT + 1, 2**64, 1.5, True, "7", float("inf")]
    elif kind in ("string_list", "object_list"):
        wrong += ["not a list", [None], [5] if kind == "string_list" else ["not an object"]]
        wrong.append([{} if kind == "object_list" else "x"] * (MAX_ITEMS + 1))
        if field.min_items:
            wrong.append([])
    return wrong


def broken_data(record_type: RecordType, valid: dict[str, Any], draw: Any) -> tuple[dict[str, Any], str]:
    """``valid`` with one thing wrong: (the data, the field name the refusal must name)."""
    client_set = [f for f in record_type.fields if not f.server_set]
    server_set = [f for f in record_type.fields if f.server_set]
    choices = ["unknown", *(["server_set"] if server_set else [])]
    choices += [f"missing:{f.name}" for f in client_set if f.required]
    choices += [f"wrong:{f.name}" for f in client_set]
    choice = draw(st.sampled_from(choices))
    data = dict(valid)
    if choice == "unknown":
        data["__not_a_field__"] = "x"
        return data, "__not_a_field__"
    if choice == "server_set":
        field = server_set[0]
        data[field.name] = "set by the client"
        return data, field.name
    action, name = choice.split(":", 1)
    if action == "missing":
        data.pop(name, None)
        if draw(st.booleans()):
            data[name] = None  # null counts as missing
        return data, name
    field = next(f for f in client_set if f.name == name)
    data[name] = draw(st.sampled_from(_wrong_values(field)))
    return data, name
