"""End to end: `meltano run tap-calendly target-duckdb` makes DuckDB equal the fake, run after run."""

from __future__ import annotations

import json

import pytest
from support.warehouse import assert_table_matches, live, rows, tables

from tap_calendly.tap import TapCalendly

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("meltano_plugins")]

SCHEMA = "tap_calendly"
STREAMS = set(TapCalendly(config={}, validate_config=False, setup_mapper=False).streams)


def assert_live_rows_match(db, table, expected, compare=()):
    """The rows not retired are the source's, one per `uri`, current; retired rows are marked, not gone."""
    loaded = rows(db, SCHEMA, table)
    current = {row["uri"]: row for row in live(loaded)}
    source = {record["uri"]: record for record in expected}
    assert len(current) == len(live(loaded)), f"{table}: a key loaded twice"
    assert current.keys() == source.keys(), (
        f"{table}: missing {sorted(source.keys() - current.keys())[:3]}, "
        f"not retired {sorted(current.keys() - source.keys())[:3]}"
    )
    for field in compare:
        stale = [uri for uri, record in source.items() if _plain(current[uri][field]) != _plain(record.get(field))]
        assert not stale, f"{table}.{field}: {len(stale)} rows differ from the source, e.g. {stale[:3]}"
    return {row["uri"] for row in loaded} - current.keys()


def _plain(value):
    return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value


def assert_warehouse_equals_source(sandbox, fake):
    db, data = sandbox.warehouse, fake.data
    assert tables(db, SCHEMA) >= STREAMS
    assert_table_matches(db, SCHEMA, "api_user", [data.users[0]], "uri", compare=["email"])
    assert_table_matches(db, SCHEMA, "event_types", data.event_types, "uri", compare=["name", "active"])
    assert_table_matches(db, SCHEMA, "groups", data.groups, "uri", compare=["member_count"])
    assert_table_matches(db, SCHEMA, "organization_memberships", data.memberships, "uri", compare=["role"])
    assert_table_matches(db, SCHEMA, "scheduled_events", data.events, "uri", compare=["status", "name", "cancellation"])
    assert_table_matches(
        db, SCHEMA, "event_invitees", data.all_invitees(), "uri",
        compare=["status", "rescheduled", "new_invitee", "old_invitee", "no_show"],
    )
    hosts = data.all_hosts()
    for host in hosts:  # the expanded event type as listed now, after the decoder's conversions
        host["event_type_name"] = host["event_type"]["name"]
    retired = {
        "event_type_memberships": assert_live_rows_match(db, "event_type_memberships", hosts, compare=["member"]),
        "routing_forms": assert_live_rows_match(db, "routing_forms", data.routing_forms, compare=["name", "questions"]),
        "routing_form_submissions": assert_live_rows_match(
            db, "routing_form_submissions", data.all_submissions(), compare=["result", "questions_and_answers"]
        ),
        "organization_invitations": assert_live_rows_match(
            db, "organization_invitations", data.invitations, compare=["status", "user"]
        ),
        "user_availability_schedules": assert_live_rows_match(
            db, "user_availability_schedules", data.all_schedules(), compare=["rules"]
        ),
    }
    loaded_hosts = live(rows(db, SCHEMA, "event_type_memberships"))
    current_names = {r["uri"]: _plain(r["event_type"])["name"] for r in loaded_hosts}
    assert current_names == {h["uri"]: h["event_type_name"] for h in hosts}, "hosts carry their event type as it is now"
    assert_table_matches(
        db, SCHEMA, "activity_log_entries", data.activity, "uri", compare=["action", "fully_qualified_name"]
    )
    return retired


def test_full_then_incremental_runs_keep_duckdb_equal_to_calendly(start_fake, sandbox):
    fake = start_fake("calendly", seed=21, scale=0.5)
    sandbox.fakes["calendly"] = fake

    sandbox.run("tap-calendly", "target-duckdb").check()
    assert not any(assert_warehouse_equals_source(sandbox, fake).values())
    first_run_requests = len(fake.requests)

    touched = fake.mutate(seed=22)
    assert all(touched.values()), touched  # updates, cancellations, reschedules, bookings, no-shows, ...
    fake.reset_requests()
    sandbox.run("tap-calendly", "target-duckdb").check()
    retired = assert_warehouse_equals_source(sandbox, fake)
    # A host who left a pool and a revoked invitation are retired by their lists' snapshots.
    assert retired["event_type_memberships"] == {touched["hosts_changed"][0]}
    assert retired["organization_invitations"] == {touched["invitations"][1]}

    # The second run read a start-time window, not the whole history, and only the new activity.
    assert len(fake.requests) < first_run_requests
    state = sandbox.state("tap-calendly")
    assert state["singer_state"]["bookmarks"]["scheduled_events"]["replication_key"] == "updated_at"
    assert state["singer_state"]["bookmarks"]["activity_log_entries"]["replication_key"] == "occurred_at"
    activity_reads = fake.requests_to("^/activity_log_entries$")
    assert activity_reads and all(r.arg("min_occurred_at") for r in activity_reads)
