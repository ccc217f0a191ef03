"""Float's delete logs: a record deleted at the source reaches the loader as its key and
``_sdc_deleted_at``, once, in the stream of the record, with the log's own bookmark.

The tap runs in this process (``sync_tap``).
"""

from __future__ import annotations

import pytest

from scheduling_taps_common.settings import parse_datetime
from tap_float.client import DELETE_LOG_BOOKMARK, DELETE_LOG_PAGE_SIZE, DELETED_AT, DeleteLogStream
from tap_float.tap import TapFloat

_TAP_STREAMS = TapFloat(config={"api_token": "x"}, validate_config=False, setup_mapper=False).streams
#: Stream -> (delete log path, key) for every stream that reads a delete log, as the tap declares them.
LOGGED = {
    name: (stream.delete_log_path, stream.primary_keys[0])
    for name, stream in _TAP_STREAMS.items()
    if isinstance(stream, DeleteLogStream)
}
#: The fake's delete log of each of those streams, and the kind of change mutate() notes.
FAKE_LOG = {"tasks": "tasks", "time_off": "timeoffs", "logged_time": "logged_time"}
UNPACED = {"max_requests_per_second": 0, "max_requests_per_minute": 0}


def config(fake, **overrides):
    return {"api_url": fake.url, "api_token": fake.valid_key, **UNPACED, **overrides}


def deletions(run, stream):
    return [r for r in run.records.get(stream, []) if r.get(DELETED_AT)]


def test_the_streams_with_a_delete_log_declare_the_deletion_column():
    assert set(LOGGED) == set(FAKE_LOG)
    for name in LOGGED:
        declared = _TAP_STREAMS[name].schema["properties"][DELETED_AT]
        assert declared["format"] == "date-time"
        assert "null" in declared["type"]


def test_a_deleted_record_comes_once_as_key_and_deletion_time_then_the_bookmark_skips_it(start_fake, sync_tap):
    fake = start_fake("float", seed=5, scale=0.05)
    first = sync_tap(config(fake))
    assert first.returncode == 0, first.stderr
    for stream in LOGGED:
        assert deletions(first, stream) == [], stream  # nothing deleted yet

    touched = fake.data.mutate(seed=6)
    second = sync_tap(config(fake), state=first.state)
    assert second.returncode == 0, second.stderr
    for stream, (path, key) in LOGGED.items():
        (entry,) = fake.data.delete_logs[FAKE_LOG[stream]]
        (record,) = deletions(second, stream)
        assert record[key] == entry["id"] == touched[f"{stream}.deleted"][0]
        assert parse_datetime(record[DELETED_AT]) == parse_datetime(entry["timestamp"] + "Z")
        # The deletion comes after the list, so an edit read earlier in the run cannot undo it.
        assert second.records[stream][-1] == record
        assert fake.requests_to(f"^/v3{path}$"), path
        assert second.state["bookmarks"][stream][DELETE_LOG_BOOKMARK] == entry["timestamp"]
    # A deletion has no `modified` by nature: no warning about a null replication value per record.
    assert "replication value is null" not in second.stderr

    # A third run reads the log again (no filter exists) but emits only deletions at or after the
    # bookmark: the same deletion again at most (same second), never an older one.
    fake.data.record_deletion("tasks", 424242)
    fake.data.delete_logs["tasks"][0]["timestamp"] = "2020-01-01 00:00:00"  # older than the bookmark
    third = sync_tap(config(fake), state=second.state)
    assert third.returncode == 0, third.stderr
    assert [r["task_id"] for r in deletions(third, "tasks")] == [424242]


def test_the_delete_log_is_read_page_by_page_with_the_cursor(start_fake, sync_tap):
    fake = start_fake("float", seed=7, scale=0.05)
    for i in range(DELETE_LOG_PAGE_SIZE + 3):
        fake.data.record_deletion("tasks", 900000 + i)
    run = sync_tap(config(fake), state=None)
    assert run.returncode == 0, run.stderr
    expected = [900000 + i for i in range(DELETE_LOG_PAGE_SIZE + 3)]
    assert sorted(r["task_id"] for r in deletions(run, "tasks")) == expected
    calls = fake.requests_to("^/v3/deleted/tasks$")
    assert [c.arg("limit") for c in calls] == [str(DELETE_LOG_PAGE_SIZE)] * 2
    assert calls[0].arg("cursor") is None and calls[1].arg("cursor")


@pytest.mark.parametrize("setting", [False])
def test_read_delete_logs_off_reads_no_log(start_fake, sync_tap, setting):
    fake = start_fake("float", seed=8, scale=0.05)
    fake.data.mutate(seed=9)
    run = sync_tap(config(fake, read_delete_logs=setting))
    assert run.returncode == 0, run.stderr
    assert not fake.requests_to("^/v3/deleted/")
    for stream in LOGGED:
        assert deletions(run, stream) == []
