"""End to end: `meltano run tap-calendly target-duckdb` makes DuckDB equal the fake, run after run."""

from __future__ import annotations

import pytest
from support.warehouse import assert_table_matches, tables

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("meltano_plugins")]

SCHEMA = "tap_calendly"


def assert_warehouse_equals_source(sandbox, fake):
    db, data = sandbox.warehouse, fake.data
    assert tables(db, SCHEMA) >= {
        "api_user", "event_types", "groups", "organization_memberships", "scheduled_events", "event_invitees"
    }
    assert_table_matches(db, SCHEMA, "api_user", [data.users[0]], "uri", compare=["email"])
    assert_table_matches(db, SCHEMA, "event_types", data.event_types, "uri", compare=["name", "active"])
    assert_table_matches(db, SCHEMA, "groups", data.groups, "uri", compare=["member_count"])
    assert_table_matches(db, SCHEMA, "organization_memberships", data.memberships, "uri", compare=["role"])
    assert_table_matches(db, SCHEMA, "scheduled_events", data.events, "uri", compare=["status", "name", "cancellation"])
    assert_table_matches(
        db, SCHEMA, "event_invitees", data.all_invitees(), "uri",
        compare=["status", "rescheduled", "new_invitee", "old_invitee", "no_show"],
    )


def test_full_then_incremental_runs_keep_duckdb_equal_to_calendly(start_fake, sandbox):
    fake = start_fake("calendly", seed=21, scale=0.5)
    sandbox.fakes["calendly"] = fake

    sandbox.run("tap-calendly", "target-duckdb").check()
    assert_warehouse_equals_source(sandbox, fake)
    first_run_requests = len(fake.requests)

    touched = fake.mutate(seed=22)
    assert all(touched.values()), touched  # updates, cancellations, reschedules, bookings, no-shows
    fake.reset_requests()
    sandbox.run("tap-calendly", "target-duckdb").check()
    assert_warehouse_equals_source(sandbox, fake)

    # The second run read a start-time window, not the whole history.
    assert len(fake.requests) < first_run_requests
    state = sandbox.state("tap-calendly")
    assert state["singer_state"]["bookmarks"]["scheduled_events"]["replication_key"] == "updated_at"
