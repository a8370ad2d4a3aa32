"""Record data and attributes are validated by the engine itself; bad input names every bad field."""

import pytest

from procedures.major_decision.v1 import PROCEDURE
from workflow.errors import InvalidInput
from workflow.validation import validate_attributes, validate_record_data


def kind(name):
    return PROCEDURE.record_type(name)


def fields_of(record_type, data):
    with pytest.raises(InvalidInput) as caught:
        validate_record_data(kind(record_type), data)
    return caught.value.details["fields"]


def test_valid_data_is_cleaned():
    data = validate_record_data(kind("draft"), {"title": " 草案 ", "explanation": "说明", "legal_basis": ["法"]})
    assert data == {"title": "草案", "explanation": "说明", "legal_basis": ["法"]}


def test_every_bad_field_is_named_at_once():
    errors = fields_of("comment_notice", {"channel": "", "opens_on": "2026-02-30", "closes_on": 5, "extra": 1})
    assert set(errors) == {"channel", "opens_on", "closes_on", "method", "extra"}
    assert errors["extra"] == ["unknown field"]
    assert "real calendar date" in errors["opens_on"][0]


@pytest.mark.parametrize("value,message", [
    ("x" * 2001, "at most"), ("a\x00b", "NUL"), (12, "must be a string"), ("  ", "blank"),
])
def test_hostile_strings(value, message):
    assert message in fields_of("catalog_entry", {"year": 2026, "item_no": value})["item_no"][0]


@pytest.mark.parametrize("value", [-1, True, "3", 2**60])
def test_int_fields_refuse_non_counts(value):
    assert "received" in fields_of("comment_summary", {"received": value, "adopted": 0, "adoption_explanation": "x"})


def test_choice_and_min_items():
    errors = fields_of("legality_review_opinion", {"conclusion": "maybe", "reasons": "r", "issued_on": "2026-01-05", "reviewer": "r"})
    assert "one of" in errors["conclusion"][0]
    assert "at least 1" in fields_of("draft", {"title": "t", "explanation": "e", "legal_basis": []})["legal_basis"][0]


def test_nested_statements_are_validated_per_item():
    data = {"meeting_type": "executive_meeting", "held_on": "2026-01-05", "attendees": ["a"], "outcome": "adopt",
            "statements": [{"member": "a", "is_chief": "yes", "position": "support", "text": "t"}]}
    assert "statements.0.is_chief" in fields_of("meeting_minutes", data)


def test_server_set_field_may_not_be_sent():
    errors = fields_of("archive_record", {"archived_on": "2026-01-05", "archive_no": "A", "case_chain_head": "f" * 64})
    assert errors == {"case_chain_head": ["is set by the system and may not be sent"]}


def test_data_must_be_an_object():
    assert fields_of("draft", ["not", "an", "object"]) == {"data": ["must be an object"]}


def test_attributes_defaults_and_errors():
    assert validate_attributes(PROCEDURE.attributes, {})["organ_level"] == "government"
    with pytest.raises(InvalidInput) as caught:
        validate_attributes(PROCEDURE.attributes, {"organ_level": "village", "confidential": "yes", "colour": 1})
    assert set(caught.value.details["fields"]) == {"organ_level", "confidential", "colour"}
