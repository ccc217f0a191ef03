"""End to end: `meltano run tap-float target-duckdb` makes DuckDB equal Float, run after run."""

from __future__ import annotations

import datetime as dt

import pytest
from support.warehouse import assert_table_matches, live_rows, rows, tables

from scheduling_taps_common.settings import parse_datetime
from tap_float.client import DELETE_LOG_BOOKMARK, DeleteLogStream, FloatReportStream
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
    # target-duckdb lower-cases column names: Float's `nonBillable` is the column `nonbillable`.
    "people_reports": ["capacity", "scheduled", "billable", "nonbillable", "overtime", "timeoff", "unscheduled"],
    "project_reports": ["name", "scheduled", "billable", "nonbillable"],
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


#: The report streams, by the tap, and how the fake computes each (start, end -> rows).
REPORTS = {name: stream for name, stream in _TAP_STREAMS.items() if isinstance(stream, FloatReportStream)}
FAKE_REPORTS = {"people_reports": "people_report", "project_reports": "project_report"}
assert set(FAKE_REPORTS) == set(REPORTS)


def report_window(days_from_today, length):
    """A window around today (the fake's data is anchored on today), as the settings take it."""
    today = dt.datetime.now(dt.timezone.utc).date()
    start = today + dt.timedelta(days=days_from_today)
    return start, start + dt.timedelta(days=length - 1)


def use_report_window(sandbox, window):
    """Meltano passes the window to the tap through the settings' environment variables."""
    sandbox.extra_env["TAP_FLOAT_REPORT_START_DATE"] = window[0].isoformat()
    sandbox.extra_env["TAP_FLOAT_REPORT_END_DATE"] = window[1].isoformat()


def report_rows(fake, stream, window):
    """The fake's report over ``window``, each row stamped with it as the tap stamps it, with
    the column names DuckDB gives its fields (lower case)."""
    stamp = {"report_start_date": window[0].isoformat(), "report_end_date": window[1].isoformat()}
    rows = getattr(fake.data, FAKE_REPORTS[stream])(*window)
    return [{**{name.lower(): value for name, value in row.items()}, **stamp} for row in rows]


def source_tables(fake, reports):
    """The fake's lists; ``reports``: stream -> the report rows the destination must hold."""
    source = dict(fake.data.resources())
    window = public_holidays_window({}, dt.datetime.now(dt.timezone.utc).date())
    source["public_holidays"] = fake.data.public_holidays(*window)
    return {**source, **reports}


def _keyed(stream, records):
    key = _key(_TAP_STREAMS[stream].primary_keys)
    keys = (key,) if isinstance(key, str) else key
    return {tuple(str(r[k]) for k in keys): r for r in records}


def reports_after(fake, window, before=None):
    """Each report's rows over ``window`` now, plus the rows of ``before`` (an earlier read of
    the same window) it no longer lists: without ACTIVATE_VERSION those stay as last loaded."""
    found = {}
    for stream in REPORTS:
        now = _keyed(stream, report_rows(fake, stream, window))
        earlier = _keyed(stream, (before or {}).get(stream, []))
        found[stream] = list(now.values()) + [row for key, row in earlier.items() if key not in now]
    return found


def live_keys(db, stream):
    """Keys of the rows the destination holds as current (a row marked deleted is not)."""
    key = CHECKS[stream][0]
    keys = (key,) if isinstance(key, str) else key
    return {tuple(str(r[k]) for k in keys) for r in live_rows(db, SCHEMA, stream)}


def assert_warehouse_equals_source(sandbox, fake, reports, deleted=None):
    """Every stream's table holds one row per record of the fake, with its current values.

    ``deleted``: stream -> keys of records Float deleted since an earlier run that the table keeps
    as rows marked deleted (soft delete): the loader replaced the whole row with the deletion
    record, so such a row has its key, ``_sdc_deleted_at`` and no other value.
    """
    db = sandbox.warehouse
    assert tables(db, SCHEMA) >= set(CHECKS)
    source = source_tables(fake, reports)
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

    window = report_window(-20, 35)
    use_report_window(sandbox, window)

    first_run_started = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    sandbox.run("tap-float", "target-duckdb").check()
    first_reports = reports_after(fake, window)
    assert all(first_reports.values()), "the reports must have rows to compare"
    assert_warehouse_equals_source(sandbox, fake, first_reports)
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
    # The same report window again: its rows are replaced by key, with the changed hours.
    second_reports = reports_after(fake, window, first_reports)
    assert second_reports != first_reports, "the changes must show in the reports"
    assert_warehouse_equals_source(sandbox, fake, second_reports, None if hard_delete else deleted)
    db = sandbox.warehouse
    for stream, records in source_tables(fake, second_reports).items():
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

    if hard_delete:
        # Another window adds its own rows and retires none of the earlier window's: the
        # report streams send no ACTIVATE_VERSION (it would remove them, hard_delete or not).
        other = report_window(15, 7)
        use_report_window(sandbox, other)
        fake.reset_requests()
        sandbox.run("tap-float", "target-duckdb").check()
        asked = {(c.path, c.arg("start_date"), c.arg("end_date")) for c in fake.requests_to("^/v3/reports/")}
        assert asked == {(f"/v3{s.path}", other[0].isoformat(), other[1].isoformat()) for s in REPORTS.values()}
        both = {stream: second_reports[stream] + reports_after(fake, other)[stream] for stream in REPORTS}
        assert_warehouse_equals_source(sandbox, fake, both, None)
