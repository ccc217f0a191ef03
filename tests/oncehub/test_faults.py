"""Rate limits and server errors mid-sync lose nothing; bad credentials fail clearly and quietly."""

from __future__ import annotations

import math

from support.singer import run_tap


def config(fake, **overrides):
    return {"api_url": fake.url, "api_key": fake.valid_key, **overrides}


def test_429_with_retry_after_and_503_mid_sync_are_retried_and_nothing_is_lost(start_fake, tmp_path):
    fake = start_fake("oncehub", seed=5, scale=0.3)
    # The third page of bookings is rate limited once; the second page of contacts fails once.
    fake.inject_fault(429, path="^/v2/bookings$", after=2, headers={"Retry-After": "1"})
    fake.inject_fault(503, path="^/v2/contacts$", after=1)

    run = run_tap("tap-oncehub", config(fake), tmp_path)

    assert run.returncode == 0, run.stderr
    assert all(f.fired == f.times for f in fake.faults)
    for stream in ("bookings", "contacts"):
        assert sorted(r["id"] for r in run.records[stream]) == sorted(r["id"] for r in fake.data.lists[stream])
        pages = math.ceil(len(fake.data.lists[stream]) / 100)
        # Each failed request was repeated once per failure, and the page after it was not skipped.
        assert [r.status for r in fake.requests_to(f"^/v2/{stream}$")].count(200) == pages
    statuses = [(r.arg("after"), r.status) for r in fake.requests_to("^/v2/bookings$")]
    assert statuses[2][1] == 429 and statuses[3] == (statuses[2][0], 200)  # the same page again
    assert "Backing off" in run.stderr


def test_the_apis_own_rate_limit_answer_is_waited_out_when_pacing_is_off(start_fake, tmp_path):
    fake = start_fake("oncehub", seed=5, scale=0.1)
    run = run_tap("tap-oncehub", config(fake, max_requests_per_second=0), tmp_path)
    assert run.returncode == 0, run.stderr
    limited = [r for r in fake.requests if r.status == 429]
    assert limited, "without pacing the fake's 5/s limit must be hit"
    for stream, records in fake.data.lists.items():
        assert len(run.records[stream]) == len(records), stream


def test_persistent_5xx_gives_up_after_three_retries(start_fake, tmp_path):
    fake = start_fake("oncehub", seed=5, scale=0.05)
    fake.inject_fault(500, path="^/v2/teams$", times=10, headers={"Retry-After": "0"})
    run = run_tap("tap-oncehub", config(fake), tmp_path)
    assert run.returncode != 0
    assert len(fake.requests_to("^/v2/teams$")) == 4  # 1 try + 3 retries
    assert "gave up after 3 retries: HTTP 500 Internal Server Error for GET /v2/teams: api_error" in run.stderr
    assert "Traceback" not in run.stderr


def test_wrong_key_fails_with_a_clear_message_and_never_prints_the_key(start_fake, tmp_path):
    fake = start_fake("oncehub", seed=5, scale=0.05)
    secret = "oh-wrong-0123456789-SECRET"
    run = run_tap("tap-oncehub", config(fake, api_key=secret), tmp_path)
    assert run.returncode != 0
    assert "HTTP 401" in run.stderr and "`api_key`" in run.stderr
    assert "authentication_error - Invalid API key." in run.stderr  # the API's own explanation
    assert "Traceback" not in run.stderr
    assert secret not in run.stderr
    assert not run.records
    assert len(fake.requests) == 1  # 401 is not retried


def test_a_non_json_answer_is_reported_as_a_malformed_response(start_fake, tmp_path):
    fake = start_fake("oncehub", seed=5, scale=0.05)
    fake.inject_fault(200, path="^/v2/users$", body="<html>maintenance</html>")
    run = run_tap("tap-oncehub", config(fake), tmp_path)
    assert run.returncode != 0
    assert "Malformed response" in run.stderr and "expected JSON" in run.stderr
