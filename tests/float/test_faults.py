"""Rate limits and server errors mid-sync lose nothing; bad credentials fail clearly and quietly.

The wrong-token test runs the console script, so it sees exactly what a user would see.
"""

from __future__ import annotations

import math

from api_sandbox.float import FakeFloat
from support.singer import run_tap

UNPACED = {"max_requests_per_second": 0, "max_requests_per_minute": 0}


def config(fake, **overrides):
    return {"api_url": fake.url, "api_token": fake.valid_key, **overrides}


def test_429_and_503_mid_sync_are_retried_and_nothing_is_lost(start_fake, sync_tap):
    fake = start_fake("float", seed=5, scale=0.3, enforce_rate_limits=False)
    assert math.ceil(len(fake.data.tasks) / 200) >= 3 and math.ceil(len(fake.data.logged_time) / 200) >= 3
    # The second page of tasks is rate limited once; the second page of logged time fails once.
    fake.inject_fault(429, path="^/v3/tasks$", after=1, headers={"Retry-After": "1"})
    fake.inject_fault(503, path="^/v3/logged-time$", after=1)

    run = sync_tap(config(fake, **UNPACED))

    assert run.exit_code == 0, run.log
    assert all(f.fired == f.times for f in fake.faults)
    assert {r["task_id"] for r in run.records["tasks"]} == {t["task_id"] for t in fake.data.tasks}
    assert len(run.records["tasks"]) == len(fake.data.tasks)
    assert {r["logged_time_id"] for r in run.records["logged_time"]} == {e["logged_time_id"] for e in fake.data.logged_time}
    # Each failed page was asked again, and only that page: no page skipped or read twice.
    tasks = [(r.arg("page"), r.status) for r in fake.requests_to("^/v3/tasks$")]
    assert tasks == [("1", 200), ("2", 429), ("2", 200), ("3", 200)]
    logged = [(r.arg("page"), r.status) for r in fake.requests_to("^/v3/logged-time$")]
    assert logged == [("1", 200), ("2", 503), ("2", 200), ("3", 200)]
    assert "Backing off" in run.log


def test_without_pacing_floats_own_429s_are_waited_out_and_nothing_is_lost(start_fake, sync_tap):
    # Pacing off: the fake enforces Float's 10 requests per second and answers 429 + Retry-After.
    fake = start_fake("float", seed=5, scale=0.3)
    run = sync_tap(config(fake, **UNPACED))
    assert run.exit_code == 0, run.log
    assert any(r.status == 429 for r in fake.requests), "the burst limit was never reached"
    for stream, records, key in [
        ("people", fake.data.people, "people_id"),
        ("tasks", fake.data.tasks, "task_id"),
        ("logged_time", fake.data.logged_time, "logged_time_id"),
        ("clients", fake.data.clients, "client_id"),
    ]:
        assert sorted(r[key] for r in run.records[stream]) == sorted(r[key] for r in records), stream


def test_persistent_5xx_gives_up_after_three_retries_with_a_clear_error(start_fake, sync_tap):
    fake = start_fake("float", seed=5, scale=0.05, enforce_rate_limits=False)
    fake.inject_fault(500, path="^/v3/departments$", times=10, headers={"Retry-After": "0"})
    run = sync_tap(config(fake, **UNPACED))
    assert run.exit_code != 0
    assert len(fake.requests_to("^/v3/departments$")) == 4  # 1 try + 3 retries
    assert "tap-float failed: gave up after 3 retries: HTTP 500 Internal Server Error for GET /v3/departments" in run.log
    assert "UNHANDLED" not in run.log  # a clear line, not a traceback
    # The listing never completed: no ACTIVATE_VERSION, so the loader retires nothing.
    assert "departments" not in {m["stream"] for m in run.messages if m["type"] == "ACTIVATE_VERSION"}


def test_wrong_token_fails_with_a_clear_message_and_never_prints_the_token(start_fake, tmp_path):
    fake = start_fake("float", seed=5, scale=0.05)
    secret = "flt-wrong-0123456789-SECRET"
    run = run_tap("tap-float", config(fake, api_token=secret), tmp_path)
    assert run.returncode != 0
    assert "HTTP 401" in run.stderr and "`api_token`" in run.stderr
    assert "Your request was made with invalid credentials" in run.stderr  # Float's own words
    assert "Traceback" not in run.stderr
    assert secret not in run.stderr
    assert not run.records
    assert len(fake.requests) == 1  # 401 is not retried, and the run stops


def test_a_non_json_answer_is_reported_as_a_malformed_response(start_fake, sync_tap):
    fake = start_fake("float", seed=5, scale=0.05, enforce_rate_limits=False)
    fake.inject_fault(200, path="^/v3/milestones$", body="<html>maintenance</html>")
    run = sync_tap(config(fake, **UNPACED))
    assert run.exit_code != 0
    assert "Malformed response" in run.log and "expected JSON" in run.log


def test_an_empty_200_is_an_error_not_an_empty_list(start_fake, sync_tap):
    # Only Float's 204 means "nothing to list"; an empty 200 (a proxy's mistake) must not pass
    # as a complete, empty listing, or the loader would retire every row of the table.
    fake = start_fake("float", seed=5, scale=0.05, enforce_rate_limits=False)
    fake.inject_fault(200, path="^/v3/clients$", body=b"")
    run = sync_tap(config(fake, **UNPACED))
    assert run.exit_code != 0
    assert "Malformed response for GET /v3/clients" in run.log
    assert "clients" not in {m["stream"] for m in run.messages if m["type"] == "ACTIVATE_VERSION"}


class ShrinkingFloat(FakeFloat):
    """Float where a client is deleted right after the first page of clients is served."""

    def clients(self, request):
        answer = super().clients(request)
        if request.arg("page") == "1":
            self.data.clients.pop(0)
        return answer


def test_a_list_that_shrinks_mid_read_is_not_marked_complete(sync_tap):
    # Page 2 now starts one row later: the row that slid onto page 1 is missed this run.
    # Marking the listing complete would retire that existing row; the tap does not.
    fake = ShrinkingFloat(seed=5, scale=0.5, enforce_rate_limits=False).start()
    try:
        assert len(fake.data.clients) > 200
        run = sync_tap(config(fake, **UNPACED))
    finally:
        fake.stop()
    assert run.exit_code == 0, run.log
    assert "The 'clients' list changed while it was read" in run.log
    markers = {m["stream"] for m in run.messages if m["type"] == "ACTIVATE_VERSION"}
    assert "clients" not in markers
    assert "departments" in markers  # the other listings are complete as usual
