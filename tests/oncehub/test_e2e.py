"""End to end: `meltano run tap-oncehub target-duckdb` makes DuckDB equal the fake, run after run."""

from __future__ import annotations

import datetime as dt

import pytest
from support.bookmarks import assert_capped_bookmark
from support.warehouse import assert_table_matches, live_rows, rows, tables

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("meltano_plugins")]

SCHEMA = "tap_oncehub"

#: stream -> scalar/object fields whose destination value must be the source's current one
COMPARE = {
    "bookings": [
        "status",
        "in_trash",
        "subject",
        "location_description",
        "virtual_conferencing",
        "cancel_reschedule_information",
    ],
    "booking_pages": ["name", "active", "timezone"],
    "event_types": ["name", "description"],
    "master_pages": ["name", "active"],
    "users": ["status", "role_name"],
    "teams": ["name"],
    "contacts": ["job_title", "status"],
}
TIMESTAMPS = {"bookings": "last_updated_time", "contacts": "last_updated_time"}
#: Full-table streams whose records can be deleted at the source: compared on the rows the loader
#: holds as current, since a deleted record's row is retired (marked ``_sdc_deleted_at``).
SNAPSHOTS = {"booking_calendars": ["host", "name", "subject", "url", "published", "duration_minutes"]}


def instant(value):
    """A loader's timestamp (naive UTC, aware, or ISO text) and an API string, as one UTC instant."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def assert_warehouse_equals_source(sandbox, fake):
    db, data = sandbox.warehouse, fake.data
    assert tables(db, SCHEMA) >= set(COMPARE)
    for stream, fields in COMPARE.items():
        assert_table_matches(db, SCHEMA, stream, data.lists[stream], "id", compare=fields)
    for stream, fields in SNAPSHOTS.items():
        live = {r["id"]: r for r in live_rows(db, SCHEMA, stream)}
        source = {r["id"]: r for r in data.lists[stream]}
        assert live.keys() == source.keys(), f"{stream}: live rows differ from the source's records"
        stale = [(i, f) for i, r in source.items() for f in fields if live[i][f] != r[f]]
        assert not stale, f"{stream}: not the newest version: {stale[:5]}"
    for stream, field in TIMESTAMPS.items():
        loaded = {r["id"]: instant(r[field]) for r in rows(db, SCHEMA, stream)}
        stale = [r["id"] for r in data.lists[stream] if loaded[r["id"]] != instant(r[field])]
        assert not stale, f"{stream}.{field} is not the newest version for {stale[:5]}"


def test_full_then_incremental_runs_keep_duckdb_equal_to_oncehub(start_fake, sandbox):
    fake = start_fake("oncehub", seed=21, scale=0.5)  # 2+ pages per list, 12 of bookings
    sandbox.fakes["oncehub"] = fake

    sandbox.run("tap-oncehub", "target-duckdb").check()
    assert_warehouse_equals_source(sandbox, fake)
    first_run_booking_pages = len(fake.requests_to("^/v2/bookings$"))

    touched = fake.mutate(seed=22)
    assert all(touched.values()), touched  # same-second edit, updates, cancels, reschedules, new, trash
    fake.reset_requests()
    started = dt.datetime.now(dt.timezone.utc)
    result = sandbox.run("tap-oncehub", "target-duckdb").check()
    ended = dt.datetime.now(dt.timezone.utc)
    assert_warehouse_equals_source(sandbox, fake)
    # A booking calendar deleted in OnceHub is retired (its row kept, marked deleted).
    retired = {r["id"] for r in rows(sandbox.warehouse, SCHEMA, "booking_calendars") if r["_sdc_deleted_at"]}
    assert fake.data.calendar_changes["deleted"] and set(fake.data.calendar_changes["deleted"]) <= retired

    # The second run asked only for recently changed bookings.
    calls = fake.requests_to("^/v2/bookings$")
    assert all(c.arg("last_updated_time.gt") for c in calls)
    assert len(calls) < first_run_booking_pages
    state = sandbox.state("tap-oncehub")
    bookmark = state["singer_state"]["bookmarks"]["bookings"]
    assert bookmark["replication_key"] == "last_updated_time"
    assert_capped_bookmark(bookmark["replication_key_value"], fake.data.newest_update(), started=started, ended=ended)
    assert fake.valid_key not in result.output
