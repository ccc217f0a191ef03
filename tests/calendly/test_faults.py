"""Rate limits and server errors mid-sync lose nothing; bad credentials fail clearly and quietly."""

from __future__ import annotations

from api_sandbox.calendly.data import uuid_of
from support.singer import run_tap


def test_429_and_503_mid_sync_are_retried_and_nothing_is_lost(start_fake, tmp_path):
    fake = start_fake("calendly", seed=5, scale=0.3)
    # The second page of events is rate limited once; one invitee list fails twice with 503.
    fake.inject_fault(429, path="^/scheduled_events$", after=1, headers={"Retry-After": "1"})
    fake.inject_fault(503, path="/invitees$", after=10, times=2)

    run = run_tap("tap-calendly", {"api_url": fake.url, "api_key": fake.valid_key}, tmp_path)

    assert run.returncode == 0, run.stderr
    assert all(f.fired == f.times for f in fake.faults)
    assert {r["uri"] for r in run.records["scheduled_events"]} == {e["uri"] for e in fake.data.events}
    assert {r["uri"] for r in run.records["event_invitees"]} == {i["uri"] for i in fake.data.all_invitees()}
    # Each failed request was repeated exactly once per failure, never more.
    statuses = [r.status for r in fake.requests_to("^/scheduled_events$")]
    assert statuses.count(429) == 1 and statuses.count(200) == len(run.records["scheduled_events"]) // 100 + 1
    assert "Backing off" in run.stderr


def test_persistent_5xx_gives_up_after_three_retries(start_fake, tmp_path):
    fake = start_fake("calendly", seed=5, scale=0.05)
    fake.inject_fault(500, path="^/groups$", times=10, headers={"Retry-After": "0"})
    run = run_tap("tap-calendly", {"api_url": fake.url, "api_key": fake.valid_key}, tmp_path)
    assert run.returncode != 0
    assert len(fake.requests_to("^/groups$")) == 4  # 1 try + 3 retries
    assert "500" in run.stderr


def test_wrong_key_fails_with_a_clear_message_and_never_prints_the_key(start_fake, tmp_path):
    fake = start_fake("calendly", seed=5, scale=0.05)
    secret = "pat-wrong-0123456789-SECRET"
    run = run_tap("tap-calendly", {"api_url": fake.url, "api_key": secret}, tmp_path)
    assert run.returncode != 0
    assert "HTTP 401" in run.stderr and "`api_key`" in run.stderr
    assert "The access token is invalid" in run.stderr  # the API's own explanation
    assert secret not in run.stderr
    assert not run.records
    assert len(fake.requests) == 1  # 401 is not retried


def test_a_non_json_answer_is_reported_as_a_malformed_response(start_fake, tmp_path):
    fake = start_fake("calendly", seed=5, scale=0.05)
    event = fake.data.events[0]
    fake.inject_fault(200, path=f"{uuid_of(event['uri'])}/invitees$", body="<html>maintenance</html>")
    run = run_tap("tap-calendly", {"api_url": fake.url, "api_key": fake.valid_key}, tmp_path)
    assert run.returncode != 0
    assert "Malformed response" in run.stderr and "expected JSON" in run.stderr
