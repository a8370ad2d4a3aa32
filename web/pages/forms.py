"""Record forms generated from a record type's fields, and the form data read back into record data.

One rule per field kind, never one form per record type: a new procedure's record types get forms as
they are defined. The engine (``workflow.validation``) stays the one authority on what is valid; this
module only turns HTML form values into the JSON-shaped data the engine checks, keeping what the user
typed when it is not of the right shape so the engine's message names the field.

Input names: ``f-<field>`` for a field; ``f-<field>-<row>-<item field>`` for an ``object_list`` row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from workflow.definition import Field

PREFIX = "f-"


def input_name(field: Field, row: int | None = None, item: Field | None = None) -> str:
    if row is None or item is None:
        return f"{PREFIX}{field.name}"
    return f"{PREFIX}{field.name}-{row}-{item.name}"


def error_key(field: Field, row: int | None = None, item: Field | None = None) -> str:
    """The key the engine uses for this input in ``InvalidInput.details["fields"]``."""
    if row is None or item is None:
        return field.name
    return f"{field.name}.{row}.{item.name}"


def read_record_data(fields: tuple[Field, ...], form: MultiDict[str, str]) -> dict[str, Any]:
    """The record data a form carries: a value per field the user filled in."""
    data: dict[str, Any] = {}
    for field in fields:
        if field.server_set:
            continue
        if field.kind == "object_list":
            data[field.name] = _read_rows(field, form)
            continue
        present, value = _read_value(field, form, input_name(field))
        if present:
            data[field.name] = value
    return data


def _read_value(field: Field, form: Mapping[str, str], name: str) -> tuple[bool, Any]:
    """(present, value): an empty input is absent, so the engine reports a missing required field."""
    raw = form.get(name)
    if raw is None:
        return False, None
    if field.kind == "string_list":
        items = [line.strip() for line in raw.splitlines() if line.strip()]
        return (bool(items) or field.required), items
    raw = raw.strip()
    if raw == "":
        return False, None
    if field.kind == "bool":
        return True, {"true": True, "false": False}.get(raw, raw)
    if field.kind == "int":
        return True, int(raw) if re.fullmatch(r"[0-9]{1,16}", raw) else raw
    return True, raw


def _read_rows(field: Field, form: MultiDict[str, str]) -> list[dict[str, Any]]:
    """The rows of an ``object_list`` in index order; a row left wholly blank is not a row."""
    pattern = re.compile(rf"^{re.escape(PREFIX + field.name)}-([0-9]{{1,4}})-")
    indices = sorted({int(m.group(1)) for key in form if (m := pattern.match(key))})
    rows = []
    for index in indices:
        row = {}
        for item in field.item_fields:
            present, value = _read_value(item, form, input_name(field, index, item))
            if present:
                row[item.name] = value
        if row:
            rows.append(row)
    return rows


def row_values(field: Field, value: Any) -> list[Any]:
    """The rows to draw for an ``object_list``: those given (e.g. sent back after a refusal), else blank ones
    up to the field's minimum; always at least one."""
    rows = list(value) if isinstance(value, list) else []
    return rows + [{}] * (max(field.min_items, 1) - len(rows))


def list_text(value: Any) -> str:
    """A ``string_list`` value as the textarea shows it: one item per line."""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return "" if value is None else str(value)
