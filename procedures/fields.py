"""Short constructors for record fields, shared by every procedure definition (data stays readable)."""

from __future__ import annotations

from workflow.definition import Attribute, Field

Labels = tuple[tuple[str, str, str], ...]  # (choice code, 中文, English)


def string(name: str, label: str, en: str = "", required: bool = True) -> Field:
    return Field(name, "string", label, required, label_en=en)


def text(name: str, label: str, en: str = "", required: bool = True) -> Field:
    return Field(name, "text", label, required, label_en=en)


def date(name: str, label: str, en: str = "", required: bool = True) -> Field:
    return Field(name, "date", label, required, label_en=en)


def boolean(name: str, label: str, en: str = "") -> Field:
    return Field(name, "bool", label, label_en=en)


def string_list(name: str, label: str, en: str = "", min_items: int = 0) -> Field:
    return Field(name, "string_list", label, min_items=min_items, label_en=en)


def choice(name: str, label: str, *choices: str, en: str = "", labels: Labels = ()) -> Field:
    return Field(name, "choice", label, choices=choices, label_en=en, choice_labels=labels)


# Every procedure has it: the engine picks the case's jurisdiction profile from it when the case opens.
JURISDICTION = Attribute("jurisdiction", "string", "适用规则（辖区）", default="national",
                         label_en="Applicable rules (jurisdiction)")
