"""End to end: `meltano run tap-savvycal target-duckdb` makes DuckDB equal SavvyCal, run after run."""

from __future__ import annotations

import datetime as dt
import json
import typing as t
from collections import Counter

import pytest
from support.warehouse import live_rows, tables

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("meltano_plugins")]

SCHEMA = "tap_savvycal"
#: Fields whose destination value must be the source's current one (what the mutation changes).
COMPARE = {
    "events": ["state", "start_at", "end_at", "canceled_at", "cancel_reason", "rescheduled_at", "attendees", "summary"],
    "scheduling_links": ["name", "state", "durations", "scope"],
    "timezones": ["abbreviation", "offset", "dst", "metazone"],
    "current_user": ["email", "time_format", "plan", "first_day_of_week"],
    "webhooks": ["url", "state", "version", "created_at"],
    "workflows": ["name", "state", "created_at"],
    "workflow_rules": ["workflow_id", "trigger_type", "trigger_offset_amount", "trigger_offset_direction", "actions"],
}


def source_tables(fake) -> dict[str, list[dict[str, t.Any]]]:
    return {
        "events": fake.data.event_records(),
        "scheduling_links": fake.data.link_records(),
        "timezones": fake.data.time_zones(),
        "current_user": [fake.data.user],
        # What SavvyCal serves, minus the signing secrets the tap never passes on.
        "webhooks": [{k: v for k, v in hook.items() if k != "secret"} for hook in fake.data.webhook_records()],
        "workflows": fake.data.workflow_records(),
        "workflow_rules": fake.data.rule_records(),
    }


def assert_destination_equals(db, table, expected, compare, *, deleted_in_source=frozenset()) -> None:
    """One live row per id, the same ids as the source, and ``compare`` fields equal to the source's.

    Ids in ``deleted_in_source`` are not counted as unexpected here; whether they are gone is
    checked on its own.
    """
    actual = live_rows(db, SCHEMA, table)
    counts = Counter(row["id"] for row in actual)
    assert not [k for k, n in counts.items() if n > 1], f"{table}: ids loaded more than once"
    source = {record["id"]: record for record in expected}
    missing, extra = source.keys() - counts.keys(), counts.keys() - source.keys() - deleted_in_source
    assert not missing and not extra, f"{table}: missing {sorted(missing)[:5]}, unexpected {sorted(extra)[:5]}"
    by_id = {row["id"]: row for row in actual}
    for field in compare:
        stale = [
            (i, by_id[i][field], r[field]) for i, r in source.items() if _normal(by_id[i][field]) != _normal(r[field])
        ]
        assert not stale, f"{table}.{field}: {len(stale)} rows differ from the source, e.g. {stale[:2]}"


def _normal(value: t.Any) -> t.Any:
    """One representation for JSON text vs objects, timestamps vs ISO strings, and numbers."""
    if isinstance(value, str) and value[:1] in "[{":
        return _normal(json.loads(value))
    if isinstance(value, str) and len(value) >= 20 and value[4:5] == "-" and value[10:11] == "T":
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        return moment.astimezone(dt.timezone.utc).isoformat()
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


def test_every_run_leaves_duckdb_equal_to_savvycal(start_fake, sandbox):
    fake = start_fake("savvycal", seed=21, scale=0.5)
    sandbox.fakes["savvycal"] = fake
    db = sandbox.warehouse

    sandbox.run("tap-savvycal", "target-duckdb").check()
    assert tables(db, SCHEMA) >= set(COMPARE)
    for table, records in source_tables(fake).items():
        assert_destination_equals(db, table, records, COMPARE[table])

    touched = fake.mutate(seed=22)
    assert all(touched.values()), touched  # reschedules, cancellations, approvals, bookings, link edits/deletes
    sandbox.run("tap-savvycal", "target-duckdb").check()

    # Every source record, once, in its newest version (rows of deleted records aside, below).
    deleted_kinds = ("link_deleted", "webhook_deleted", "workflow_deleted", "rule_deleted")
    deleted = frozenset(i for kind in deleted_kinds for i in touched[kind])
    for table, records in source_tables(fake).items():
        assert_destination_equals(db, table, records, COMPARE[table], deleted_in_source=deleted)

    # A link deleted in SavvyCal is gone from the destination too: the second run's complete
    # listing ends with ACTIVATE_VERSION, and the loader removes (or marks deleted) the rows that
    # listing did not contain.
    assert not deleted & {row["id"] for row in live_rows(db, SCHEMA, "scheduling_links")}

    # So are deleted webhooks, workflows and rules (a deleted workflow's rules with it).
    retired = (("webhooks", "webhook_deleted"), ("workflows", "workflow_deleted"), ("workflow_rules", "rule_deleted"))
    for table, kind in retired:
        assert not set(touched[kind]) & {row["id"] for row in live_rows(db, SCHEMA, table)}, table

    # No webhook signing secret anywhere in the warehouse: no column, no value.
    secrets = [hook["secret"] for hook in fake.data.webhook_records()]
    rows = json.dumps(live_rows(db, SCHEMA, "webhooks"), default=str)
    assert "secret" not in live_rows(db, SCHEMA, "webhooks")[0]
    assert not [secret for secret in secrets if secret in rows]
