"""Float's own rate limit, and lists that change while they are read; the faults every tap
shares are in tests/common/test_fault_matrix.py."""

from __future__ import annotations

from support.singer import sandbox_config

from api_sandbox.float import FakeFloat
from scheduling_taps_common.settings import parse_datetime

UNPACED = {"max_requests_per_second": 0, "max_requests_per_minute": 0}


def config(fake, **overrides):
    return sandbox_config("tap-float", fake, **UNPACED, **overrides)


def test_without_pacing_floats_own_429s_are_waited_out_and_nothing_is_lost(start_fake, sync_tap):
    # Pacing off: the fake enforces Float's 10 requests per second and answers 429 + Retry-After.
    fake = start_fake("float", seed=5, scale=0.3)
    run = sync_tap(config(fake))
    assert run.returncode == 0, run.stderr
    assert any(r.status == 429 for r in fake.requests), "the burst limit was never reached"
    for stream, records, key in [
        ("people", fake.data.people, "people_id"),
        ("tasks", fake.data.tasks, "task_id"),
        ("logged_time", fake.data.logged_time, "logged_time_id"),
        ("clients", fake.data.clients, "client_id"),
    ]:
        assert sorted(r[key] for r in run.records[stream]) == sorted(r[key] for r in records), stream


class ShrinkingFloat(FakeFloat):
    """Float where clients are deleted right after each first page of clients is served, and
    logged time once, after the first page of the first read (``clamp_logged_time``: a whole
    page of it after the second page, so the server clamps the request for the third)."""

    clamp_logged_time = False
    logged_time_shrunk = False

    def clients(self, request):
        answer = super().clients(request)
        if request.arg("page") == "1":
            self.data.clients.pop(0)
        return answer

    def logged_time(self, request):
        answer = super().logged_time(request)
        if request.arg("page") == ("2" if self.clamp_logged_time else "1") and not self.logged_time_shrunk:
            # Clamped: a page's worth deleted after page 2, so page 3 no longer exists.
            del self.data.logged_time[: 200 if self.clamp_logged_time else 1]
            self.logged_time_shrunk = True
        return answer


def test_a_list_that_shrinks_mid_read_is_not_marked_complete(sync_tap):
    # Page 2 now starts one row later: the row that slid onto page 1 is missed this run.
    # Marking the listing complete would retire that existing row; the tap does not.
    fake = ShrinkingFloat(seed=5, scale=0.5, enforce_rate_limits=False).start()
    try:
        assert len(fake.data.clients) > 200
        run = sync_tap(config(fake))
    finally:
        fake.stop()
    assert run.returncode == 0, run.stderr
    assert "The 'clients' list changed while it was read" in run.stderr
    markers = {m["stream"] for m in run.messages if m["type"] == "ACTIVATE_VERSION"}
    assert "clients" not in markers
    assert "departments" in markers  # the other listings are complete as usual


def test_an_incremental_list_that_shrinks_mid_read_keeps_the_previous_bookmark(sync_tap):
    # A logged-time entry that slid onto the page already read was missed, and its `modified`
    # may be old: the bookmark must stay where the run started, so the next run reads it.
    previous = {
        "bookmarks": {"logged_time": {"replication_key": "modified", "replication_key_value": "2020-01-01 00:00:00"}}
    }
    for clamp in (False, True):  # one row gone; a whole page gone (the server clamps page 2 to page 1)
        fake = ShrinkingFloat(seed=5, scale=0.25, enforce_rate_limits=False)
        fake.clamp_logged_time = clamp
        fake.start()
        try:
            assert 400 < len(fake.data.logged_time) <= 600, "three pages, the last one removable"
            run = sync_tap(config(fake), state=previous)
            after = sync_tap(config(fake), state=run.state)
        finally:
            fake.stop()
        assert run.returncode == 0, run.stderr
        # The first run asked for three pages (clamped: the third was answered with the second).
        assert [r.arg("page") for r in fake.requests_to("^/v3/logged-time$")][:4] == ["1", "2", "3", "1"]
        assert "The 'logged_time' list shrank while it was read: keeping the previous bookmark" in run.stderr
        assert run.state["bookmarks"]["logged_time"]["replication_key_value"] == "2020-01-01 00:00:00"
        # The next run, on a list that no longer changes, reads everything and moves on.
        read = {r["logged_time_id"] for r in run.records["logged_time"] + after.records["logged_time"]}
        assert read >= {e["logged_time_id"] for e in fake.data.logged_time}
        moved_to = after.state["bookmarks"]["logged_time"]["replication_key_value"]
        assert parse_datetime(moved_to) > parse_datetime("2020-01-01 00:00:00")
