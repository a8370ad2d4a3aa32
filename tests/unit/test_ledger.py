import datetime as dt

import pytest

from workflow.ledger import (
    GENESIS,
    canonical,
    event_hash,
    format_time,
    global_hash,
    verify_case_chain,
    verify_global_chain,
)


def test_canonical_encoding_is_sorted_compact_utf8():
    assert canonical({"b": 1, "a": "决策"}) == '{"a":"决策","b":1}'.encode()


def test_canonical_refuses_floats_and_unknown_types():
    with pytest.raises(TypeError):
        canonical({"x": dt.date(2026, 1, 1)})
    with pytest.raises(ValueError):
        canonical({"x": float("nan")})


def test_format_time_is_utc_with_microseconds():
    moment = dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert format_time(moment) == "2026-11-21T00:00:00.000000+00:00"
    with pytest.raises(ValueError):
        format_time(dt.datetime(2026, 1, 1))


def _chain(n, case_id=7):
    events, prev, gprev = [], GENESIS, GENESIS
    for seq in range(1, n + 1):
        body = {"case_id": case_id, "seq": seq, "at": f"2026-01-01T00:00:0{seq}.000000+00:00", "actor": "a",
                "role": "r", "kind": "record_added", "payload": {"n": seq}, "prev_hash": prev}
        own = event_hash(**body)
        linked = global_hash(global_seq=seq, hash=own, prev_global_hash=gprev)
        events.append({**body, "hash": own, "global_seq": seq, "prev_global_hash": gprev, "global_hash": linked})
        prev, gprev = own, linked
    return events


def test_intact_chain_verifies():
    events = _chain(4)
    assert verify_case_chain(7, events).ok
    assert verify_global_chain(events).ok
    assert verify_case_chain(7, events).head == events[-1]["hash"]


@pytest.mark.parametrize("field,value", [("payload", {"n": 99}), ("actor", "b"), ("at", "2026-01-02T00:00:00.000000+00:00")])
def test_changed_event_is_named(field, value):
    events = _chain(4)
    events[2][field] = value
    result = verify_case_chain(7, events)
    assert not result.ok and result.broken_at == 3
    assert verify_global_chain(events).broken_at == 3


def test_removed_event_in_the_middle_is_named():
    events = _chain(4)
    del events[1]
    assert verify_case_chain(7, events).broken_at == 3


def test_event_moved_to_another_case_is_detected():
    assert not verify_case_chain(8, _chain(2)).ok


def test_payload_text_that_is_not_json_is_reported():
    events = _chain(2)
    events[1]["payload"] = "{not json"
    result = verify_case_chain(7, events)
    assert not result.ok and result.broken_at == 2 and "JSON" in result.reason
