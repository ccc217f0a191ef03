"""What tap-oncehub asks the API for: page size, ``after`` cursors, no extra request, pacing."""

from __future__ import annotations

import math

import pytest
from support.singer import run_tap

from tap_oncehub.tap import TapOnceHub

#: Stream name -> API path, as the tap declares them.
LISTS = {
    name: stream.path
    for name, stream in TapOnceHub(config={"api_key": "x"}, validate_config=False, setup_mapper=False).streams.items()
}


def config(fake, **overrides):
    return {"api_url": fake.url, "api_key": fake.valid_key, **overrides}


@pytest.fixture(scope="module")
def full_sync(tmp_path_factory):
    """One default full sync of a dataset where every list needs two pages or more."""
    from api_sandbox.oncehub import FakeOnceHub

    fake = FakeOnceHub(seed=3, scale=0.5).start()  # rate limits enforced, as the real API
    run = run_tap("tap-oncehub", config(fake), tmp_path_factory.mktemp("full"))
    yield fake, run
    fake.stop()


def test_every_list_pages_at_100_by_the_last_id_with_no_extra_request(full_sync):
    fake, run = full_sync
    assert run.returncode == 0, run.stderr
    for stream, path in LISTS.items():
        calls = fake.requests_to(f"^{path}$")
        records = fake.data.lists[stream]
        assert len(records) > 100, "every list must need several pages"
        assert {c.arg("limit") for c in calls} == {"100"}, stream
        # ceil(n/100) requests: no trailing empty page, no repeated page.
        assert len(calls) == math.ceil(len(records) / 100), stream
        assert calls[0].arg("after") is None
        newest_first = list(reversed(records))
        expected_cursors = [newest_first[100 * i - 1]["id"] for i in range(1, len(calls))]
        assert [c.arg("after") for c in calls[1:]] == expected_cursors, stream
        assert all(c.arg("before") is None for c in calls)
        # Every record once, in the API's order.
        assert [r["id"] for r in run.records[stream]] == [r["id"] for r in newest_first], stream


def test_requests_carry_the_api_key_header_and_stay_inside_the_rate_limit(full_sync):
    fake, run = full_sync
    assert {r.headers.get("api-key") for r in fake.requests} == {fake.valid_key}
    assert {r.headers.get("accept") for r in fake.requests} == {"application/json"}
    # The fake enforces 5 requests/second; the default pacing (4/s) never trips it.
    assert [r.status for r in fake.requests if r.status != 200] == []
    assert fake.valid_key not in run.stderr


def test_the_first_run_without_start_date_reads_every_booking_unfiltered(full_sync):
    fake, run = full_sync
    assert all(c.arg("last_updated_time.gt") is None for c in fake.requests_to("^/v2/bookings$"))
    bookmark = run.state["bookmarks"]["bookings"]
    assert bookmark == {"replication_key": "last_updated_time", "replication_key_value": fake.data.newest_update()}


def test_start_date_filters_bookings_with_a_safe_margin_and_drops_older_ones(start_fake, tmp_path):
    fake = start_fake("oncehub", seed=3, scale=0.3)
    start = "2026-09-15T12:30:00Z"
    fake.data.bookings[0]["last_updated_time"] = start  # a booking right on the boundary counts
    run = run_tap("tap-oncehub", config(fake, start_date=start), tmp_path)
    assert run.returncode == 0, run.stderr

    calls = fake.requests_to("^/v2/bookings$")
    # Midnight of the day before: right under either reading of the filter (datetime or date).
    assert {c.arg("last_updated_time.gt") for c in calls} == {"2026-09-14T00:00:00Z"}
    expected = {b["id"] for b in fake.data.bookings if b["last_updated_time"] >= start}
    assert {r["id"] for r in run.records["bookings"]} == expected
    assert fake.data.bookings[0]["id"] in expected
    # Full-table streams ignore start_date.
    assert len(run.records["contacts"]) == len(fake.data.contacts)


def test_api_url_may_be_given_with_the_documented_v2_suffix(start_fake, tmp_path):
    fake = start_fake("oncehub", seed=3, scale=0.05)
    run = run_tap("tap-oncehub", config(fake, api_url=f"{fake.url}/v2/"), tmp_path)
    assert run.returncode == 0, run.stderr
    assert {r.path for r in fake.requests} == set(LISTS.values())
    assert len(run.records["teams"]) == len(fake.data.lists["teams"])
