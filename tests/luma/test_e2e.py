"""`meltano run tap-luma target-duckdb` twice: DuckDB equals Luma, then Luma after real-world changes."""

from __future__ import annotations

import copy

import pytest
from luma.helpers import (
    COUPONS,
    EVENTS,
    GUESTS,
    PEOPLE,
    PER_EVENT,
    PERSON_TAGS,
    SCHEMA,
    STREAMS,
    TICKET_TYPES,
    expected,
    key_of,
)
from support.warehouse import assert_table_matches

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("meltano_plugins")]

#: Scalar fields compared per stream: each is changed by the fake's mutation somewhere.
FIELDS = {
    EVENTS: ("name", "visibility", "user_api_id", "url"),
    GUESTS: ("approval_status", "email", "user_api_id", "name"),
    TICKET_TYPES: ("name", "is_hidden", "cents", "type"),
    COUPONS: ("code", "remaining_count", "percent_off"),
    PEOPLE: ("email", "event_approved_count", "event_checked_in_count", "revenue_usd_cents"),
    PERSON_TAGS: ("name", "color"),
}


def _key(stream, record):
    return tuple(str(record[k]) for k in key_of(stream))


def test_full_sync_then_resync_after_changes(luma, sandbox):
    # Two pages of events, of people and of the largest guest list. Three lists per event make a
    # run about 170 requests: two runs within one minute would pass Luma's per-minute limit, which
    # the tap's pacing (per run) cannot see, so the fake does not enforce it here (pacing and the
    # 429 block have their own tests).
    fake = luma(scale=0.3, enforce_rate_limits=False)
    sandbox.fakes["luma"] = fake
    assert FIELDS.keys() == STREAMS.keys()

    sandbox.run("tap-luma", "target-duckdb").check()
    for stream, records in expected(fake).items():
        assert records, f"{stream}: the fake has no data; the comparison would prove nothing"
        assert_table_matches(sandbox.warehouse, SCHEMA, stream, records, key_of(stream), FIELDS[stream])

    before = copy.deepcopy(expected(fake))
    touched = fake.mutate()
    assert touched["updated"] and touched["deleted"] and touched["guest_declined"] and touched["guest_registered"]
    assert touched["person_tag_deleted"] and touched["ticket_type_deleted"] and touched["coupon_redeemed"]
    sandbox.run("tap-luma", "target-duckdb").check()

    # Merge by key: every current record once, newest version (the compared fields are current).
    # What Luma no longer lists (the cancelled event with its guests, ticket types and coupons; a
    # deleted person tag or ticket type) keeps its row as last seen, marked deleted by the
    # complete listings' ACTIVATE_VERSION (`propagate_deletions`, on by default).
    now, loaded = expected(fake), {}
    for stream in STREAMS:
        current = {_key(stream, r) for r in now[stream]}
        gone = [r for r in before[stream] if _key(stream, r) not in current]
        rows = assert_table_matches(
            sandbox.warehouse, SCHEMA, stream, now[stream] + gone, key_of(stream), FIELDS[stream]
        )
        retired = {_key(stream, row) for row in rows if row["_sdc_deleted_at"] is not None}
        assert retired == {_key(stream, r) for r in gone}, stream
        loaded[stream] = {_key(stream, row): row for row in rows if row["_sdc_deleted_at"] is None}

    deleted = set(touched["deleted"])
    for stream in PER_EVENT:
        of_cancelled = [_key(stream, r) for r in before[stream] if r["event_api_id"] in deleted]
        assert not set(of_cancelled) & loaded[stream].keys(), stream
    assert before[GUESTS] and any(r["event_api_id"] in deleted for r in before[GUESTS])
    assert not {(t,) for t in touched["person_tag_deleted"]} & loaded[PERSON_TAGS].keys()
    assert not set(touched["ticket_type_deleted"]) & {k[1] for k in loaded[TICKET_TYPES]}
    names = {k[0]: row["name"] for k, row in loaded[EVENTS].items()}
    assert all(names[api_id].endswith("(updated)") for api_id in touched["updated"])
    statuses = {k[1]: row["approval_status"] for k, row in loaded[GUESTS].items()}
    assert all(statuses[api_id] == "declined" for api_id in touched["guest_declined"])
    assert all(statuses[api_id] == "approved" for api_id in touched["guest_registered"])
    hidden = {k[1]: row["is_hidden"] for k, row in loaded[TICKET_TYPES].items()}
    assert touched["ticket_type_hidden"] and all(hidden[i] is True for i in touched["ticket_type_hidden"])
    people = {k[0]: row for k, row in loaded[PEOPLE].items()}
    assert all(api_id in people for api_id in touched["person_added"])
