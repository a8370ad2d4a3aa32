"""marshmallow schemas generated from record types, so a new procedure needs no schema code.

The engine validates record data itself (workflow.validation) whoever calls it; these schemas give the
HTTP layer the same rules up front and publish each record type's shape in the OpenAPI document.
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from workflow.definition import Field, Procedure, RecordType
from workflow.validation import MAX_INT, MAX_ITEMS, MAX_STRING, MAX_TEXT


def _field(spec: Field, owner: str) -> fields.Field:
    common = {"required": spec.required, "allow_none": not spec.required, "metadata": {"description": spec.label}}
    if spec.kind == "string":
        return fields.String(validate=validate.Length(min=1, max=MAX_STRING), **common)
    if spec.kind == "text":
        return fields.String(validate=validate.Length(max=MAX_TEXT), **common)
    if spec.kind == "choice":
        return fields.String(validate=validate.OneOf(spec.choices), **common)
    if spec.kind == "date":
        return fields.Date(**common)
    if spec.kind == "bool":
        return fields.Boolean(truthy={True}, falsy={False}, **common)
    if spec.kind == "int":
        return fields.Integer(strict=True, validate=validate.Range(min=0, max=MAX_INT), **common)
    if spec.kind == "string_list":
        return fields.List(fields.String(validate=validate.Length(min=1, max=MAX_STRING)),
                           validate=validate.Length(min=spec.min_items, max=MAX_ITEMS), **common)
    if spec.kind == "object_list":
        # Named after its record type too: two procedures (or versions) may both have a "statements" list.
        item = _schema_class(f"{owner}_{spec.name}_item", spec.item_fields)
        return fields.List(fields.Nested(item), validate=validate.Length(min=spec.min_items, max=MAX_ITEMS), **common)
    raise AssertionError(f"unknown field kind {spec.kind}")


def _schema_class(name: str, specs: tuple[Field, ...]) -> type[Schema]:
    attrs: dict[str, object] = {spec.name: _field(spec, name) for spec in specs if not spec.server_set}
    attrs["Meta"] = type("Meta", (), {"unknown": RAISE})
    return type(name, (Schema,), attrs)


class RecordSchemas:
    """One schema per (procedure, version, record type), built once when the app starts."""

    def __init__(self, procedures: list[Procedure]) -> None:
        self._schemas: dict[tuple[str, int, str], Schema] = {}
        for procedure in procedures:
            for record_type in procedure.record_types:
                name = component_name(procedure, record_type)
                self._schemas[(procedure.name, procedure.version, record_type.name)] = _schema_class(
                    name.replace(".", "_"), record_type.fields
                )()

    def get(self, procedure: str, version: int, record_type: str) -> Schema | None:
        return self._schemas.get((procedure, version, record_type))

    def items(self) -> list[tuple[str, Schema]]:
        return [(f"{p}.v{v}.{t}", schema) for (p, v, t), schema in sorted(self._schemas.items())]


def component_name(procedure: Procedure, record_type: RecordType) -> str:
    return f"{procedure.name}.v{procedure.version}.{record_type.name}"
