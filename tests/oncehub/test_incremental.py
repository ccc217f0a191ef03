"""Incremental bookings: changes since the bookmark always arrive, and failures never lose any.

The list is ordered by creation, ``last_updated_time.gt`` is strict, timestamps have whole
seconds, and the filter may be date-granular: these tests pin down each of those traps.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests
from singer_sdk.exceptions import RetriableAPIError
from support.bookmarks import assert_capped_bookmark
from support.singer import run_tap

from tap_oncehub.tap import TapOnceHub


def config(fake):
    # Pacing is tested elsewhere; these fakes do not enforce the rate limit, so go full speed.
    return {"api_url": fake.url, "api_key": fake.valid_key, "max_requests_per_second": 0}


def bookmark_state(value):
    """The state a finished run leaves (test_requests checks a run writes exactly this shape)."""
    return {"bookmarks": {"bookings": {"replication_key": "last_updated_time", "replication_key_value": value}}}


@pytest.mark.parametrize("date_granular", [False, True], ids=["datetime-filter", "date-granular-filter"])
def test_the_next_run_brings_every_change_including_one_in_the_bookmarks_second(start_fake, tmp_path, date_granular):
    fake = start_fake("oncehub", seed=8, scale=0.3, enforce_rate_limits=False, date_granular_filters=date_granular)
    bookmark = fake.data.newest_update()  # where a full sync of the current data leaves it

    touched = fake.mutate(seed=9)
    late_id = touched["same_second"][0]
    # The trap is real: asking for strictly newer than the bookmark misses the late edit.
    naive = requests.get(
        f"{fake.url}/v2/bookings",
        headers={"API-Key": fake.valid_key},
        params={"limit": 100, "last_updated_time.gt": bookmark},
        timeout=10,
    ).json()["data"]
    assert late_id not in {b["id"] for b in naive}

    fake.reset_requests()
    started = dt.datetime.now(dt.timezone.utc)
    second = run_tap("tap-oncehub", config(fake), tmp_path, state=bookmark_state(bookmark))
    ended = dt.datetime.now(dt.timezone.utc)
    assert second.returncode == 0, second.stderr

    got = {r["id"]: r for r in second.records["bookings"]}
    changed = {i for ids in touched.values() for i in ids}
    assert changed <= got.keys()
    for booking_id in changed:
        current = fake.data.find("bookings", booking_id)
        assert got[booking_id]["last_updated_time"] == current["last_updated_time"]
        assert got[booking_id]["status"] == current["status"]
    assert got[late_id]["subject"].endswith("(late edit)")
    # Incremental: a couple of days of changes, not the whole history.
    assert len(got) < len(fake.data.bookings) / 4
    reached = second.state["bookmarks"]["bookings"]["replication_key_value"]
    assert_capped_bookmark(reached, fake.data.newest_update(), started=started, ended=ended)


def test_an_interrupted_run_keeps_the_old_bookmark_and_the_rerun_loses_nothing(start_fake, tmp_path):
    fake = start_fake("oncehub", seed=8, scale=0.3, enforce_rate_limits=False)
    old_state = bookmark_state(fake.data.newest_update())
    touched = fake.mutate(seed=9, changes=60)  # enough changes for several pages

    # The second page of bookings fails for good (a try and three retries).
    fake.inject_fault(500, path="^/v2/bookings$", after=1, times=4, headers={"Retry-After": "0"})
    broken = run_tap("tap-oncehub", config(fake), tmp_path / "2", state=old_state)
    assert broken.returncode != 0
    assert broken.records["bookings"], "the first page was read before the failure"
    for state in broken.states:
        assert state["bookmarks"]["bookings"].get("replication_key_value") == (
            old_state["bookmarks"]["bookings"]["replication_key_value"]
        ), "the bookmark moved past bookings that were never read"

    fake.clear_faults()
    resumed_state = broken.state or old_state
    rerun = run_tap("tap-oncehub", config(fake), tmp_path / "3", state=resumed_state)
    assert rerun.returncode == 0, rerun.stderr
    changed = {i for ids in touched.values() for i in ids}
    assert changed <= {r["id"] for r in rerun.records["bookings"]}


def test_state_written_mid_stream_never_moves_the_bookmark_past_unread_bookings(start_fake, capsys):
    """STATE goes out every 10 000 records in production; here every 50, then the API fails."""
    fake = start_fake("oncehub", seed=8, scale=0.3, enforce_rate_limits=False)
    start = "2020-01-01T00:00:00Z"
    tap = TapOnceHub(config=config(fake), state=bookmark_state(start))
    tap.streams["bookings"].STATE_MSG_FREQUENCY = 50
    fake.inject_fault(500, path="^/v2/bookings$", after=3, times=4, headers={"Retry-After": "0"})

    with pytest.raises(RetriableAPIError):
        tap.sync_all()

    messages = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    booking_lines = [i for i, m in enumerate(messages) if m["type"] == "RECORD" and m["stream"] == "bookings"]
    assert len(booking_lines) == 300  # three pages, then the failure
    mid_stream = [m["value"] for m in messages[booking_lines[0] :] if m["type"] == "STATE"]
    assert mid_stream, "no STATE was written while bookings were read"
    assert {s["bookmarks"]["bookings"].get("replication_key_value") for s in mid_stream} == {start}
