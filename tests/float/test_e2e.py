"""End to end: `meltano run tap-float target-duckdb` makes DuckDB equal Float, run after run."""

from __future__ import annotations

import datetime as dt

import pytest
from support.warehouse import assert_table_matches, live_rows, rows, tables

from scheduling_taps_common.settings import parse_datetime
from tap_float.client import DELETE_LOG_BOOKMARK, DeleteLogStream
from tap_float.streams import public_holidays_window
from tap_float.tap import TapFloat

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("meltano_plugins")]

SCHEMA = "tap_float"

_TAP_STREAMS = TapFloat(config={"api_token": "x"}, validate_config=False, setup_mapper=False).streams


def _key(primary_keys):
    """A single key as its name, a composite one as a tuple (as assert_table_matches takes it)."""
    keys = tuple(primary_keys or ())
    return keys[0] if len(keys) == 1 else keys


#: Stream -> scalar fields whose current value must be in DuckDB (keys: as the tap declares them).
COMPARED = {
    "accounts": ["access", "modified", "active"],
    "departments": ["name"],
    "people": ["job_title", "default_hourly_rate", "active", "end_date", "modified"],
    "roles": ["name"],
    "public_holidays": ["name", "dates"],
    "holidays": ["name", "date", "end_date"],
    "projects": ["name", "budget_total", "active", "status", "project_tasks", "modified"],
    "status": ["status_type_id", "modified"],
    "time_off": ["status", "timeoff_notes", "people_ids"],
    "timeoff_types": ["timeoff_type_name"],
    "clients": ["name"],
    "phases": ["status", "modified"],
    "project_tasks": ["task_name", "project_id"],
    "milestones": ["date", "modified"],
    "tasks": ["hours", "status", "modified"],
    "logged_time": ["hours", "notes", "modified"],
}
assert set(COMPARED) == set(_TAP_STREAMS), "every stream of the tap is compared"
CHECKS = {name: (_key(stream.primary_keys), COMPARED[name]) for name, stream in _TAP_STREAMS.items()}


SCHEMAS = {name: stream.schema for name, stream in _TAP_STREAMS.items()}


def as_loaded(stream, record):
    """``record`` as DuckDB gives it back: columns are typed by the tap's schema, so Float's
    timestamps and dates come back as TIMESTAMPTZ and DATE (Float's timestamps are UTC), and its
    numeric strings (``"2.0"``, ``["1234"]``) as the numbers the schema declares. Lists are JSON
    columns: their items keep JSON's types."""
    return {name: _typed(SCHEMAS[stream]["properties"].get(name, {}), value) for name, value in record.items()}


def _typed(declared, value, *, in_json=False):
    if isinstance(value, list) and isinstance(declared.get("items"), dict):
        return [_typed(declared["items"], item, in_json=True) for item in value]
    if not isinstance(value, str):
        return value
    types = declared.get("type") or []
    if declared.get("format") == "date-time" and not in_json:
        return parse_datetime(value)
    if declared.get("format") == "date" and not in_json:
        return dt.date.fromisoformat(value)
    if "integer" in types:
        return int(value)
    if "number" in types:
        return float(value)
    return value


def source_tables(fake):
    source = dict(fake.data.resources())
    window = public_holidays_window({}, dt.datetime.now(dt.timezone.utc).date())
    source["public_holidays"] = fake.data.public_holidays(*window)
    return source


def live_keys(db, stream):
    """Keys of the rows the destination holds as current (a row marked deleted is not)."""
    key = CHECKS[stream][0]
    keys = (key,) if isinstance(key, str) else key
    return {tuple(str(r[k]) for k in keys) for r in live_rows(db, SCHEMA, stream)}


def assert_warehouse_equals_source(sandbox, fake, deleted=None):
    """Every stream's table holds one row per record of the fake, with its current values.

    ``deleted``: stream -> keys of records Float deleted since an earlier run that the table keeps
    as rows marked deleted (soft delete): the loader replaced the whole row with the deletion
    record, so such a row has its key, ``_sdc_deleted_at`` and no other value.
    """
    db = sandbox.warehouse
    assert tables(db, SCHEMA) >= set(CHECKS)
    source = source_tables(fake)
    for stream, (key, compare) in CHECKS.items():
        expected = [as_loaded(stream, r) for r in source[stream]]
        expected += [{key: k} for k in (deleted or {}).get(stream, [])]
        assert_table_matches(db, SCHEMA, stream, expected, key, compare=compare)


#: The streams whose deletions come from Float's delete logs, by the tap.
LOGGED = sorted(name for name, stream in _TAP_STREAMS.items() if isinstance(stream, DeleteLogStream))


@pytest.mark.parametrize("hard_delete", [False, True], ids=["soft_delete", "hard_delete"])
def test_full_then_incremental_runs_keep_duckdb_equal_to_float(start_fake, sandbox, hard_delete):
    fake = start_fake("float", seed=21, scale=0.3)
    sandbox.fakes["float"] = fake
    sandbox.extra_env["TARGET_DUCKDB_HARD_DELETE"] = "true" if hard_delete else "false"

    first_run_started = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    sandbox.run("tap-float", "target-duckdb").check()
    assert_warehouse_equals_source(sandbox, fake)
    assert {r.status for r in fake.requests} == {200}  # default pacing stayed inside the limits
    first_run_pages = {path: len(fake.requests_to(f"^/v3{path}$")) for path in ("/tasks", "/logged-time")}

    touched = fake.mutate(seed=22)
    assert all(touched.values()), touched
    assert set(LOGGED) == {kind.split(".")[0] for kind in touched if kind.endswith(".deleted")}
    fake.reset_requests()
    sandbox.run("tap-float", "target-duckdb").check()

    # A record deleted in Float is gone after one incremental run (hard_delete), or kept as a row
    # marked deleted (_sdc_deleted_at): for tasks and logged time through Float's delete logs,
    # for time off through its delete log and the complete listing's ACTIVATE_VERSION.
    deleted = {stream: touched[f"{stream}.deleted"] for stream in LOGGED}
    assert_warehouse_equals_source(sandbox, fake, None if hard_delete else deleted)
    db = sandbox.warehouse
    for stream, records in source_tables(fake).items():
        key = CHECKS[stream][0]
        keys = (key,) if isinstance(key, str) else key
        assert {tuple(str(r[k]) for k in keys) for r in records} <= live_keys(db, stream), stream
    for stream, ids in deleted.items():
        assert not {(str(i),) for i in ids} & live_keys(db, stream), stream
        marked = {str(r[CHECKS[stream][0]]): r["_sdc_deleted_at"] for r in rows(db, SCHEMA, stream)}
        for i in ids:
            assert (str(i) in marked) is not hard_delete, (stream, i)
            if not hard_delete:  # marked with the time Float's log gives for the deletion
                (entry,) = [e for log in fake.data.delete_logs.values() for e in log if e["id"] == i]
                assert marked[str(i)] == parse_datetime(entry["timestamp"] + "Z"), (stream, i)
        assert fake.requests_to(f"^/v3{_TAP_STREAMS[stream].delete_log_path}$"), stream

    # The second run asked the incremental endpoints only for changes since the bookmark Meltano
    # stored: Float's own format, no later than the first run's start.
    for path in ("/people", "/projects", "/tasks", "/logged-time"):
        (since,) = {c.arg("modified_since") for c in fake.requests_to(f"^/v3{path}$")}
        assert since < first_run_started, path
        assert dt.datetime.strptime(since, "%Y-%m-%d %H:%M:%S"), path
    for path in ("/tasks", "/logged-time"):
        assert len(fake.requests_to(f"^/v3{path}$")) < first_run_pages[path], path
    # The delete logs' bookmarks are in the state Meltano keeps for the next run.
    bookmarks = sandbox.state("tap-float")["singer_state"]["bookmarks"]
    for stream in LOGGED:
        assert bookmarks[stream][DELETE_LOG_BOOKMARK], stream
