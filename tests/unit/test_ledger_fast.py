"""The ledger's faster spellings give exactly the bytes of ``canonical()`` and the values of ``json.loads``."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflow.ledger import (
    EventKind,
    canonical,
    event_body_text,
    event_hash,
    global_hash,
    global_hash_fast,
    global_link_text,
    parse_json,
)

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)  # any character but lone surrogates
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)
TRICKY = ["决策", 'a"b\\c', "\n\t\b\f\r\x00\x1f\x7f", "\u2028\u2029/", "😀 emoji", "", " "]


@settings(max_examples=300, deadline=None)
@given(case_id=st.none() | st.integers(0, 2**40), seq=st.none() | st.integers(0, 2**40), at=TEXT, actor=TEXT,
       role=TEXT, kind=TEXT, payload=JSON, prev_hash=TEXT)
def test_event_body_text_is_the_canonical_body(case_id, seq, at, actor, role, kind, payload, prev_hash):
    body = {"case_id": case_id, "seq": seq, "at": at, "actor": actor, "role": role, "kind": kind,
            "payload": payload, "prev_hash": prev_hash}
    spelt = event_body_text(case_id=case_id, seq=seq, at=at, actor=actor, role=role, kind=kind,
                            payload_text=canonical(payload).decode(), prev_hash=prev_hash)
    assert spelt is not None and spelt.encode() == canonical(body)


@pytest.mark.parametrize("value", TRICKY)
def test_event_body_text_spells_awkward_strings_as_canonical_does(value):
    body = {"case_id": 1, "seq": 2, "at": value, "actor": value, "role": value, "kind": EventKind.TRANSITION,
            "payload": {value: value}, "prev_hash": value}
    spelt = event_body_text(case_id=1, seq=2, at=value, actor=value, role=value, kind=EventKind.TRANSITION,
                            payload_text=canonical({value: value}).decode(), prev_hash=value)
    assert spelt is not None and spelt.encode() == canonical(body)


@pytest.mark.parametrize("odd", [{"case_id": True}, {"seq": 1.0}, {"at": None}, {"actor": 5}, {"prev_hash": b"x"}])
def test_event_body_text_declines_values_it_does_not_spell(odd):
    values = {"case_id": 1, "seq": 1, "at": "t", "actor": "a", "role": "r", "kind": "k", "prev_hash": "p", **odd}
    assert event_body_text(payload_text="{}", **values) is None


@settings(max_examples=200, deadline=None)
@given(global_seq=st.integers(1, 2**50), own=TEXT, prev=TEXT)
def test_global_link_is_the_canonical_link(global_seq, own, prev):
    text = global_link_text(global_seq, own, prev)
    assert text is not None
    assert text.encode() == canonical({"global_seq": global_seq, "hash": own, "prev_global_hash": prev})
    assert global_hash_fast(global_seq, own, prev) == global_hash(global_seq=global_seq, hash=own,
                                                                  prev_global_hash=prev)


def test_global_hash_fast_falls_back_for_odd_types():
    assert global_link_text("7", "a", "b") is None
    assert global_hash_fast(True, "a", "b") == global_hash(global_seq=True, hash="a", prev_global_hash="b")


@settings(max_examples=200, deadline=None)
@given(value=JSON)
def test_canonical_is_still_json_dumps_with_the_documented_options(value):
    assert canonical(value) == json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                                          allow_nan=False).encode("utf-8")


def test_event_hash_of_a_known_body():
    body = {"case_id": 1, "seq": 1, "at": "2026-01-01T00:00:00.000000+00:00", "actor": "a", "role": "r",
            "kind": "case_opened", "payload": {"b": 1, "a": "决策"}, "prev_hash": "0" * 64}
    assert event_hash(**body) == hashlib.sha256(
        '{"actor":"a","at":"2026-01-01T00:00:00.000000+00:00","case_id":1,"kind":"case_opened",'
        '"payload":{"a":"决策","b":1},"prev_hash":"0000000000000000000000000000000000000000000000000000000000000000",'
        '"role":"r","seq":1}'.encode()).hexdigest()


@settings(max_examples=300, deadline=None)
@given(value=JSON)
def test_parse_json_reads_what_json_loads_reads(value):
    for text in (canonical(value).decode(), json.dumps(value), json.dumps(value, indent=1), f" {json.dumps(value)}\n"):
        assert parse_json(text) == json.loads(text)


@pytest.mark.parametrize("bad", ["", "{", '{"a":1}x', "\ufeff{}", "nul", '{"a":1} {"b":2}', "[1,]"])
def test_parse_json_refuses_what_json_loads_refuses(bad):
    with pytest.raises(ValueError) as expected:
        json.loads(bad)
    with pytest.raises(ValueError) as found:
        parse_json(bad)
    assert type(found.value) is type(expected.value)
    assert parse_json(b'{"a": 1}') == {"a": 1}
