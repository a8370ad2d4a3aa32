"""Validation of record data and case attributes against a procedure definition.

The engine validates every write itself, whoever calls it (HTTP, CLI, Python): the web layer's
marshmallow schemas describe the same rules for OpenAPI, but this is the authority. Errors are
collected per field (``fields: {name: [messages]}``) and raised together as ``InvalidInput``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from workflow.definition import Attribute, Field, RecordType
from workflow.errors import InvalidInput

MAX_STRING = 2_000
MAX_TEXT = 100_000
MAX_ITEMS = 500
MAX_INT = 2**53
MAX_ID = 2**31 - 1  # ids are INTEGER columns: 32-bit on PostgreSQL


def is_unicode_text(value: str) -> bool:
    """False for strings holding lone surrogates (e.g. from a JSON escape "\\ud800"): not hashable as UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_clean_text(value: Any, limit: int, *, blank_ok: bool = False) -> bool:
    """A string every database stores as given: no NUL, valid Unicode, not blank, at most ``limit`` long."""
    return (
        isinstance(value, str)
        and (blank_ok or bool(value.strip()))
        and len(value) <= limit
        and "\x00" not in value
        and is_unicode_text(value)
    )


def validate_record_data(record_type: RecordType, data: Any) -> dict[str, Any]:
    """Return the cleaned data or raise ``InvalidInput`` naming every bad field."""
    errors: dict[str, list[str]] = {}
    cleaned = _validate_object(record_type.fields, data, errors, prefix="")
    if errors:
        raise InvalidInput(f"the data does not fit record type '{record_type.name}'", fields=errors)
    return cleaned


def _validate_object(fields: tuple[Field, ...], data: Any, errors: dict[str, list[str]], prefix: str) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        errors.setdefault(prefix.rstrip(".") or "data", []).append("must be an object")
        return {}
    known = {f.name: f for f in fields}
    for name in data:
        field = known.get(name)
        if field is None:
            errors.setdefault(f"{prefix}{name}", []).append("unknown field")
        elif field.server_set:
            errors.setdefault(f"{prefix}{name}", []).append("is set by the system and may not be sent")
    cleaned: dict[str, Any] = {}
    for field in fields:
        if field.server_set:
            continue
        key = f"{prefix}{field.name}"
        if field.name not in data or data[field.name] is None:
            if field.required:
                errors.setdefault(key, []).append("missing required field")
            continue
        value, problem = _validate_value(field, data[field.name], errors, key)
        if problem:
            errors.setdefault(key, []).append(problem)
        else:
            cleaned[field.name] = value
    return cleaned


def _validate_value(field: Field, value: Any, errors: dict[str, list[str]], key: str) -> tuple[Any, str | None]:
    kind = field.kind
    if kind in ("string", "text", "choice"):
        return _validate_string(field, value)
    if kind == "date":
        return _validate_date(value)
    if kind == "bool":
        return (value, None) if isinstance(value, bool) else (None, "must be true or false")
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return None, "must be a whole number"
        return (value, None) if 0 <= value <= MAX_INT else (None, f"must be between 0 and {MAX_INT}")
    if kind == "string_list":
        return _validate_list(field, value, lambda _index, item: _validate_string(field, item))
    if kind == "object_list":

        def item_check(index: int, item: Any) -> tuple[Any, str | None]:
            sub_errors: dict[str, list[str]] = {}
            cleaned = _validate_object(field.item_fields, item, sub_errors, prefix=f"{key}.{index}.")
            errors.update(sub_errors)
            return cleaned, ("has invalid items" if sub_errors else None)
        return _validate_list(field, value, item_check)
    raise AssertionError(f"unknown field kind {kind}")


def _validate_string(field: Field, value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str):
        return None, "must be a string"
    if "\x00" in value:
        return None, "must not contain NUL characters"
    if not is_unicode_text(value):
        return None, "must be valid Unicode text"
    text = value.strip()
    if field.required and not text:
        return None, "must not be blank"
    limit = MAX_TEXT if field.kind == "text" else MAX_STRING
    if len(text) > limit:
        return None, f"must be at most {limit} characters"
    if field.kind == "choice" and text not in field.choices:
        return None, f"must be one of: {', '.join(field.choices)}"
    return text, None


def _validate_date(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str) or len(value) != 10:
        return None, "must be an ISO date YYYY-MM-DD"
    try:
        return dt.date.fromisoformat(value).isoformat(), None
    except ValueError:
        return None, "must be a real calendar date YYYY-MM-DD"


def _validate_list(field: Field, value: Any, check_item: Any) -> tuple[Any, str | None]:
    if not isinstance(value, list):
        return None, "must be a list"
    if len(value) > MAX_ITEMS:
        return None, f"must have at most {MAX_ITEMS} items"
    if len(value) < field.min_items:
        return None, f"must have at least {field.min_items} item(s)"
    cleaned = []
    for index, item in enumerate(value):
        result, problem = check_item(index, item)
        if problem:
            return None, problem
        cleaned.append(result)
    return cleaned, None


def validate_attributes(attributes: tuple[Attribute, ...], given: Any, *, partial: bool = False) -> dict[str, Any]:
    """Check case attributes by kind; unknown names are refused; defaults fill what is not given."""
    if not isinstance(given, Mapping):
        raise InvalidInput("attributes must be an object", fields={"attributes": ["must be an object"]})
    known = {a.name: a for a in attributes}
    errors: dict[str, list[str]] = {}
    for name in given:
        if name not in known:
            errors.setdefault(name, []).append("unknown attribute")
    cleaned: dict[str, Any] = {}
    for attribute in attributes:
        if attribute.name not in given:
            if not partial:
                cleaned[attribute.name] = attribute.default
            continue
        value = given[attribute.name]
        problem = _attribute_problem(attribute, value)
        if problem:
            errors.setdefault(attribute.name, []).append(problem)
        else:
            cleaned[attribute.name] = value.strip() if isinstance(value, str) else value
    if errors:
        raise InvalidInput("the case attributes are invalid", fields=errors)
    return cleaned


def _attribute_problem(attribute: Attribute, value: Any) -> str | None:
    if attribute.kind == "bool":
        return None if isinstance(value, bool) else "must be true or false"
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_STRING or "\x00" in value:
        return "must be a non-blank string"
    if not is_unicode_text(value):
        return "must be valid Unicode text"
    if attribute.kind == "choice" and value not in attribute.choices:
        return f"must be one of: {', '.join(attribute.choices)}"
    return None
