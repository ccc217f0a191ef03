"""What tap-float asks Float for: page size and numbers, filters, the incremental window.

The tap runs in this process (``sync_tap``) except where the command line itself is under test.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from support.singer import run_tap

from tap_float.client import DeleteLogStream, FloatReportStream, report_window
from tap_float.streams import public_holidays_window
from tap_float.tap import TapFloat

_TAP_STREAMS = TapFloat(config={"api_token": "x"}, validate_config=False, setup_mapper=False).streams
#: The reports: one unpaged answer per run, over a window of dates (tested on their own below).
REPORTS = {name: stream for name, stream in _TAP_STREAMS.items() if isinstance(stream, FloatReportStream)}
#: Stream -> (path, primary key) for every list stream of the tap, as the tap declares them.
STREAMS = {
    name: (stream.path, tuple(stream.primary_keys or ()))
    for name, stream in _TAP_STREAMS.items()
    if name not in REPORTS
}
INCREMENTAL = {name for name, stream in _TAP_STREAMS.items() if stream.replication_key}
SNAPSHOTS = {name for name, stream in _TAP_STREAMS.items() if stream.marks_complete_snapshots}
#: The bookmark's format: the emitted `modified`, RFC 3339 UTC.
RFC3339 = "%Y-%m-%dT%H:%M:%SZ"
#: No pacing: for tests that are not about it.
UNPACED = {"max_requests_per_second": 0, "max_requests_per_minute": 0}


def config(fake, **overrides):
    return {"api_url": fake.url, "api_token": fake.valid_key, **overrides}


def key_of(record, key):
    return tuple(record[k] for k in key)


def expected_records(fake, config_used):
    """The fake's records per stream, public holidays over the window the tap asks for."""
    expected = dict(fake.data.resources())
    start, end = public_holidays_window(config_used, dt.datetime.now(dt.timezone.utc).date())
    expected["public_holidays"] = fake.data.public_holidays(start, end)
    return expected


def calls_to(fake, path):
    return fake.requests_to(f"^/v3{path}$")


def test_a_full_sync_reads_every_page_at_200_once_and_stays_inside_the_rate_limits(start_fake, sync_tap):
    # Default size: every list has several pages. Default pacing, and the fake enforces
    # Float's 10/s and 200/min: a 429 here would mean the defaults are outside the limits.
    fake = start_fake("float", seed=3)
    used = config(fake)
    run = sync_tap(used)
    assert run.returncode == 0, run.stderr

    assert {r.status for r in fake.requests} == {200}
    reports = [r for r in fake.requests if r.path.startswith("/v3/reports/")]
    assert sorted(r.path for r in reports) == sorted(f"/v3{s.path}" for s in REPORTS.values())
    lists = [r for r in fake.requests if not r.path.startswith(("/v3/deleted/", "/v3/reports/"))]
    assert {r.arg("per-page") for r in lists} == {"200"}
    # One request per delete log (empty here: nothing was deleted), after its stream's list.
    logs = {stream.delete_log_path for stream in _TAP_STREAMS.values() if isinstance(stream, DeleteLogStream)}
    assert sorted(r.path.removeprefix("/v3") for r in fake.requests if r not in lists + reports) == sorted(logs)
    expected = expected_records(fake, used)
    for stream, (path, key) in STREAMS.items():
        pages = math.ceil(len(expected[stream]) / 200)
        assert pages >= 2, f"{stream}: the dataset must exercise pagination"
        # Pages 1..N in order, each once, and no request past the last page.
        assert [c.arg("page") for c in calls_to(fake, path)] == [str(p) for p in range(1, pages + 1)], stream
        got = [key_of(r, key) for r in run.records[stream]]
        assert len(got) == len(set(got)), f"{stream}: a record was emitted twice"
        assert set(got) == {key_of(r, key) for r in expected[stream]}, stream
    assert len(lists) == sum(math.ceil(len(expected[s]) / 200) for s in STREAMS)


def test_full_table_lists_are_marked_complete_only_after_their_last_record(start_fake, sync_tap):
    # ACTIVATE_VERSION after a complete listing lets the loader retire rows Float deleted;
    # an incremental read (modified_since) is never a complete listing.
    fake = start_fake("float", seed=3, scale=0.05)
    fake.data.status.clear()  # an empty list (204) is complete too: every status row is gone
    run = sync_tap(config(fake, **UNPACED))
    assert run.returncode == 0, run.stderr

    markers = {m["stream"]: i for i, m in enumerate(run.messages) if m["type"] == "ACTIVATE_VERSION"}
    assert set(markers) == SNAPSHOTS == set(STREAMS) - INCREMENTAL  # the reports: none (below)
    for stream, position in markers.items():
        records = [i for i, m in enumerate(run.messages) if m["type"] == "RECORD" and m["stream"] == stream]
        assert all(i < position for i in records), stream
        assert {run.messages[i]["version"] for i in records} <= {run.messages[position]["version"]}, stream


def test_first_run_filters_incremental_streams_by_start_date_in_floats_format(start_fake, sync_tap):
    fake = start_fake("float", seed=3, scale=0.1)
    run = sync_tap(config(fake, start_date="2026-03-01T10:00:00+02:00", **UNPACED))
    assert run.returncode == 0, run.stderr

    for stream, (path, key) in STREAMS.items():
        sent = {c.arg("modified_since") for c in calls_to(fake, path)}
        if stream in INCREMENTAL:
            assert sent == {"2026-03-01 08:00:00"}, stream  # UTC, Float's format
            wanted = {key_of(r, key) for r in fake.data.resources()[stream] if r["modified"] >= "2026-03-01 08:00:00"}
            assert {key_of(r, key) for r in run.records[stream]} == wanted, stream
        else:
            assert sent == {None}, stream


def as_bookmark(float_timestamp):
    """Float's ``YYYY-MM-DD HH:MM:SS`` (UTC) as the tap writes it into records and bookmarks."""
    return dt.datetime.strptime(float_timestamp, "%Y-%m-%d %H:%M:%S").strftime(RFC3339)


# The first bookmark is RFC 3339, as the tap saves it; the second is in Float's own format, as
# states saved by earlier versions of the tap hold it: both must keep working.
@pytest.mark.parametrize("bookmark", ["2026-06-01T00:00:00Z", "2026-06-01 00:00:00"])
def test_later_runs_start_at_the_bookmark_and_save_the_newest_modified(start_fake, sync_tap, bookmark):
    fake = start_fake("float", seed=3, scale=0.1)
    state = {"bookmarks": {s: {"replication_key": "modified", "replication_key_value": bookmark} for s in INCREMENTAL}}
    run = sync_tap(config(fake, start_date="2020-01-01T00:00:00Z", **UNPACED), state=state)
    assert run.returncode == 0, run.stderr

    for stream in INCREMENTAL:
        path, _ = STREAMS[stream]
        # The filter speaks Float's format, whatever the bookmark's.
        assert {c.arg("modified_since") for c in calls_to(fake, path)} == {"2026-06-01 00:00:00"}, stream
        newest = max(r["modified"] for r in fake.data.resources()[stream])
        saved = run.state["bookmarks"][stream]
        assert saved == {"replication_key": "modified", "replication_key_value": as_bookmark(newest)}, stream


@pytest.mark.parametrize("bookmark", ["2026-01-01T00:00:00Z", "2026-01-01 00:00:00"])
def test_a_start_date_later_than_the_bookmark_wins(start_fake, sync_tap, bookmark):
    fake = start_fake("float", seed=3, scale=0.05)
    state = {"bookmarks": {"people": {"replication_key": "modified", "replication_key_value": bookmark}}}
    sync_tap(config(fake, start_date="2026-02-01T00:00:00Z", **UNPACED), state=state)
    assert {c.arg("modified_since") for c in calls_to(fake, "/people")} == {"2026-02-01 00:00:00"}


@pytest.mark.parametrize("bookmark", ["2026-03-01T00:00:00Z", "2026-03-01 00:00:00"])
def test_a_bookmark_later_than_the_start_date_wins(start_fake, sync_tap, bookmark):
    fake = start_fake("float", seed=3, scale=0.05)
    state = {"bookmarks": {"people": {"replication_key": "modified", "replication_key_value": bookmark}}}
    sync_tap(config(fake, start_date="2026-02-01T00:00:00Z", **UNPACED), state=state)
    assert {c.arg("modified_since") for c in calls_to(fake, "/people")} == {"2026-03-01 00:00:00"}


def test_the_bookmark_never_passes_the_start_of_the_sync(start_fake, sync_tap):
    # A record stamped later than our clock (server clock ahead, or written while we read) must
    # not push the bookmark past the sync start, or the next run could skip changes.
    fake = start_fake("float", seed=3, scale=0.05)
    fake.data.people[0]["modified"] = "2099-01-01 00:00:00"
    before = dt.datetime.now(dt.timezone.utc).strftime(RFC3339)
    run = sync_tap(config(fake, **UNPACED))
    assert run.returncode == 0, run.stderr
    saved = run.state["bookmarks"]["people"]["replication_key_value"]
    assert saved <= before
    assert dt.datetime.strptime(saved, RFC3339)  # the format of the records' `modified`


def test_projects_and_phases_ask_for_their_task_labels_and_team(start_fake, sync_tap):
    fake = start_fake("float", seed=3, scale=0.05)
    run = sync_tap(config(fake, **UNPACED))
    assert run.returncode == 0, run.stderr
    assert {c.arg("expand") for c in calls_to(fake, "/projects")} == {"project_tasks,project_team"}
    assert {c.arg("expand") for c in calls_to(fake, "/phases")} == {"phase_tasks,phase_team"}
    projects = {p["project_id"]: p for p in fake.data.projects}
    assert any(p["project_tasks"] for p in projects.values())
    for record in run.records["projects"]:
        assert record["project_tasks"] == projects[record["project_id"]]["project_tasks"]
        assert record["project_team"] == projects[record["project_id"]]["project_team"]


def test_public_holidays_are_read_for_whole_years_and_keyed_by_id_and_region(start_fake, sync_tap):
    fake = start_fake("float", seed=3, scale=0.05)
    run = sync_tap(config(fake, start_date="2024-05-17T00:00:00Z", **UNPACED))
    assert run.returncode == 0, run.stderr
    next_year = dt.datetime.now(dt.timezone.utc).year + 1
    calls = calls_to(fake, "/public-holidays")
    assert {(c.arg("start_date"), c.arg("end_date")) for c in calls} == {("2024-01-01", f"{next_year}-12-31")}
    records = run.records["public_holidays"]
    keys = [(r["id"], r["region"]) for r in records]
    assert len(keys) == len(set(keys))
    assert len({r["id"] for r in records}) < len(records), "ids repeat across regions"
    # Dates from several years, not just the current one (Float's default).
    assert len({d[:4] for r in records for d in r["dates"]}) == next_year - 2024 + 1


def test_the_user_agent_names_the_integration(start_fake, sync_tap):
    fake = start_fake("float", seed=3, scale=0.05)
    agent = "Acme warehouse sync (data@acme.example)"
    sync_tap(config(fake, user_agent=agent, **UNPACED))
    assert {r.headers.get("user-agent") for r in fake.requests} == {agent}
    # Unset, the tap still names itself rather than sending the SDK's generic agent.
    tap = TapFloat(config={"api_token": "x"}, parse_env_config=False)
    assert tap.streams["people"].user_agent == "tap-float (Meltano Singer tap for Float)"


def test_an_empty_status_list_is_a_204_and_zero_records(start_fake, sync_tap):
    fake = start_fake("float", seed=3, scale=0.05)
    fake.data.status.clear()
    run = sync_tap(config(fake, **UNPACED))
    assert run.returncode == 0, run.stderr
    assert [c.status for c in calls_to(fake, "/status")] == [204]
    assert run.records["status"] == []
    assert len(run.records["people"]) == len(fake.data.people)  # the run carried on


def test_time_tracking_off_skips_logged_time_with_a_warning_and_the_run_succeeds(start_fake, sync_tap):
    fake = start_fake("float", seed=3, scale=0.05, time_tracking=False)
    state = {
        "bookmarks": {"logged_time": {"replication_key": "modified", "replication_key_value": "2026-01-01 00:00:00"}}
    }
    run = sync_tap(config(fake, **UNPACED), state=state)
    assert run.returncode == 0, run.stderr
    assert [c.status for c in calls_to(fake, "/logged-time")] == [403]  # not retried
    assert "Skipping stream 'logged_time'" in run.stderr
    assert "Time Tracking is not enabled" in run.stderr
    assert run.records["logged_time"] == []
    assert len(run.records["tasks"]) == len(fake.data.tasks)
    # The bookmark is kept, so turning Time Tracking on later loses nothing.
    assert run.state["bookmarks"]["logged_time"]["replication_key_value"] == "2026-01-01 00:00:00"


def test_missing_api_token_is_a_clear_config_error(start_fake, tmp_path):
    fake = start_fake("float", seed=3, scale=0.05)
    run = run_tap("tap-float", {"api_url": fake.url}, tmp_path)
    assert run.returncode != 0
    assert "api_token" in run.stderr
    assert not fake.requests


# -- the reports ---------------------------------------------------------------------------------

TODAY = dt.datetime.now(dt.timezone.utc).date()
FAKE_REPORT = {"people_reports": "people_report", "project_reports": "project_report"}


def test_report_streams_are_the_fakes_reports_keyed_by_id_and_window(start_fake, sync_tap):
    fake = start_fake("float", seed=3, scale=0.1, enforce_rate_limits=False)
    start, end = TODAY - dt.timedelta(days=40), TODAY + dt.timedelta(days=20)
    run = sync_tap(config(fake, report_start_date=start.isoformat(), report_end_date=end.isoformat(), **UNPACED))
    assert run.returncode == 0, run.stderr
    assert set(FAKE_REPORT) == set(REPORTS)
    for name, stream in REPORTS.items():
        (call,) = calls_to(fake, stream.path)  # one unpaged request
        assert (call.arg("start_date"), call.arg("end_date")) == (start.isoformat(), end.isoformat())
        assert call.arg("page") is None and call.arg("per-page") is None
        key = tuple(stream.primary_keys or ())
        assert key[1:] == ("report_start_date", "report_end_date"), name
        expected = getattr(fake.data, FAKE_REPORT[name])(start, end)
        assert expected, f"{name}: the fake's report is empty, the test would prove nothing"
        stamp = {"report_start_date": start.isoformat(), "report_end_date": end.isoformat()}
        assert {key_of(r, key) for r in run.records[name]} == {key_of({**r, **stamp}, key) for r in expected}
        by_id = {r[key[0]]: r for r in expected}
        for record in run.records[name]:
            assert record["scheduled"] == by_id[record[key[0]]]["scheduled"], name
        assert not run.activations(name), f"{name}: a window's listing must not retire other windows"
        assert run.record_versions(name) <= {None}, name


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, (TODAY - dt.timedelta(days=29), TODAY)),
        ({"report_window_days": 7}, (TODAY - dt.timedelta(days=6), TODAY)),
        ({"report_start_date": "2026-01-05"}, (dt.date(2026, 1, 5), TODAY)),
        ({"report_end_date": "2026-01-31", "report_window_days": 31}, (dt.date(2026, 1, 1), dt.date(2026, 1, 31))),
        (
            {"report_start_date": "2025-12-01", "report_end_date": "2025-12-31"},
            (dt.date(2025, 12, 1), dt.date(2025, 12, 31)),
        ),
    ],
)
def test_the_report_window_comes_from_the_settings(start_fake, sync_tap, settings, expected):
    assert report_window(settings, TODAY) == expected
    fake = start_fake("float", seed=3, scale=0.05)
    run = sync_tap(config(fake, **settings, **UNPACED))
    assert run.returncode == 0, run.stderr
    dates = (expected[0].isoformat(), expected[1].isoformat())
    for name, stream in REPORTS.items():
        assert {(c.arg("start_date"), c.arg("end_date")) for c in calls_to(fake, stream.path)} == {dates}, name
        assert {(r["report_start_date"], r["report_end_date"]) for r in run.records[name]} <= {dates}, name


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"report_start_date": "2026-02-30"}, "`report_start_date`: '2026-02-30' is not a date"),
        ({"report_end_date": "31/01/2026"}, "`report_end_date`: '31/01/2026' is not a date"),
        (
            {"report_start_date": "2026-02-01", "report_end_date": "2026-01-01"},
            "`report_end_date`: 2026-01-01 is before",
        ),
        ({"report_start_date": "2999-01-01"}, "`report_start_date`: 2999-01-01 is after today"),
        ({"report_window_days": 0}, "`report_window_days`"),
    ],
)
def test_a_bad_report_window_stops_before_any_request_naming_the_setting(start_fake, tmp_path, settings, message):
    fake = start_fake("float", seed=3, scale=0.05)
    run = run_tap("tap-float", config(fake, **settings), tmp_path)
    assert run.returncode == 1
    assert message in run.stderr
    (line,) = [line for line in run.stderr.splitlines() if "invalid configuration" in line]
    assert message in line
    assert not fake.requests
