"""Every field, item field and case attribute of every registered procedure version has an English label,
and every choice has a 中文 and an English label (the product is bilingual: labels are for people)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pytest

from procedures import build_registry
from workflow.definition import Attribute, Field, Procedure

VERSIONS = build_registry().all_versions()


def _fields(fields: tuple[Field, ...], path: str) -> Iterator[tuple[str, Field]]:
    for f in fields:
        yield f"{path}.{f.name}", f
        yield from _fields(f.item_fields, f"{path}.{f.name}[]")


def _labelled(procedure: Procedure) -> Iterator[tuple[str, Field | Attribute]]:
    for record_type in procedure.record_types:
        yield from _fields(record_type.fields, record_type.name)
    for attribute in procedure.attributes:
        yield f"attribute {attribute.name}", attribute


def _problems(labelled: Iterable[tuple[str, Field | Attribute]]) -> list[str]:
    problems = []
    for where, item in labelled:
        if not item.label.strip():
            problems.append(f"{where}: no 中文 label")
        if not item.label_en.strip():
            problems.append(f"{where}: no English label (label_en)")
        labels = {code: (zh, en) for code, zh, en in item.choice_labels}
        for code in item.choices:
            zh, en = labels.get(code, ("", ""))
            if not (zh.strip() and en.strip()):
                problems.append(f"{where}: choice '{code}' lacks its 中文 or English label")
        problems += [f"{where}: label for unknown choice '{code}'" for code in labels if code not in item.choices]
        if len(labels) != len(item.choice_labels):
            problems.append(f"{where}: a choice is labelled twice")
    return problems


def test_every_version_is_checked() -> None:
    assert {p.name for p in VERSIONS} >= {"major_decision", "normative_document", "enforcement_review",
                                          "contract_review", "minutes_review", "decision_catalog"}


@pytest.mark.parametrize("procedure", VERSIONS, ids=lambda p: f"{p.name}-v{p.version}")
def test_fields_and_attributes_are_labelled_in_both_languages(procedure: Procedure) -> None:
    problems = _problems(_labelled(procedure))
    assert not problems, "\n".join(problems)


def test_the_check_sees_a_missing_label() -> None:
    half = Field("conclusion", "choice", "审查结论", choices=("lawful", "unlawful"), label_en="Conclusion",
                 choice_labels=(("lawful", "合法", "Lawful"),))
    item = Field("position", "choice", "表态", choices=("support",), label_en="Position",
                 choice_labels=(("support", "赞成", ""),))
    nested = Field("statements", "object_list", "发言", item_fields=(item,))
    flag = Attribute("flag", "bool", "标志")
    assert _problems([*_fields((half, nested), "t"), ("attribute flag", flag)]) == [
        "t.conclusion: choice 'unlawful' lacks its 中文 or English label",
        "t.statements: no English label (label_en)",
        "t.statements[].position: choice 'support' lacks its 中文 or English label",
        "attribute flag: no English label (label_en)",
    ]
