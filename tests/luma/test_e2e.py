"""`meltano run tap-luma target-duckdb` twice: DuckDB equals Luma, then Luma after real-world changes."""

from __future__ import annotations

import pytest
from luma.helpers import GUEST_KEY, SCHEMA, expected_events, expected_guests, snapshot
from support.warehouse import assert_table_matches

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("meltano_plugins")]

EVENT_FIELDS = ("name", "visibility", "user_api_id", "url")
GUEST_FIELDS = ("approval_status", "email", "user_api_id", "name")


def test_full_sync_then_resync_after_changes(luma, sandbox):
    # Two pages of events and of the largest guest list; both runs stay under 200 requests/minute.
    fake = luma(scale=0.4)
    sandbox.fakes["luma"] = fake

    sandbox.run("tap-luma", "target-duckdb").check()
    assert_table_matches(sandbox.warehouse, SCHEMA, "events", expected_events(fake), "api_id", EVENT_FIELDS)
    assert_table_matches(sandbox.warehouse, SCHEMA, "event_guests", expected_guests(fake), GUEST_KEY, GUEST_FIELDS)

    before_events, before_guests = snapshot(fake)
    touched = fake.mutate()
    assert touched["updated"] and touched["deleted"] and touched["guest_declined"] and touched["guest_registered"]
    sandbox.run("tap-luma", "target-duckdb").check()

    # Merge by key: every current record once, newest version. The cancelled event and its
    # guests are no longer listed: their rows stay, marked deleted by the complete listings'
    # ACTIVATE_VERSION (`propagate_deletions`, on by default).
    deleted = set(touched["deleted"])
    gone_events = [e for e in before_events if e["api_id"] in deleted]
    gone_guests = [g for g in before_guests if g["event_api_id"] in deleted]
    assert gone_events
    events = assert_table_matches(
        sandbox.warehouse, SCHEMA, "events", expected_events(fake) + gone_events, "api_id", EVENT_FIELDS
    )
    guests = assert_table_matches(
        sandbox.warehouse, SCHEMA, "event_guests", expected_guests(fake) + gone_guests, GUEST_KEY, GUEST_FIELDS
    )
    assert {row["api_id"] for row in events if row["_sdc_deleted_at"] is not None} == deleted
    retired_guests = {(row["event_api_id"], row["api_id"]) for row in guests if row["_sdc_deleted_at"] is not None}
    assert retired_guests == {(g["event_api_id"], g["api_id"]) for g in gone_guests}

    # The changes themselves arrived (not only the keys): renamed events, declined guests.
    names = {row["api_id"]: row["name"] for row in events}
    assert all(names[api_id].endswith("(updated)") for api_id in touched["updated"])
    statuses = {row["api_id"]: row["approval_status"] for row in guests}
    assert all(statuses[api_id] == "declined" for api_id in touched["guest_declined"])
    assert all(statuses[api_id] == "approved" for api_id in touched["guest_registered"])
