"""Rate limits and server errors mid-sync lose nothing; failures are clear, quiet and never half-activate."""

from __future__ import annotations

import pytest


def test_429_and_503_mid_sync_are_retried_and_nothing_is_lost(start_fake, run_savvycal):
    fake = start_fake("savvycal", seed=5, scale=0.5)
    # The second page of events is rate limited once (SavvyCal's body, retry-after in seconds);
    # the second page of links fails with 503 (no retry-after: the 2 s exponential backoff).
    fake.inject_fault(429, path="^/v1/events$", after=1, headers={"retry-after": "1"})
    fake.inject_fault(503, path="^/v1/links$", after=1)

    run = run_savvycal(fake, cli=True)

    assert run.returncode == 0, run.stderr
    assert all(f.fired == f.times for f in fake.faults)
    assert [r["id"] for r in run.records["events"]] == [e["id"] for e in fake.data.event_records()]
    assert [r["id"] for r in run.records["scheduling_links"]] == [link["id"] for link in fake.data.link_records()]
    # Each failure was retried once with the same cursor, never skipped or repeated more.
    events = fake.requests_to("^/v1/events$")
    assert [r.status for r in events] == [200, 429, 200, 200]
    assert events[1].query == events[2].query
    links = fake.requests_to("^/v1/links$")
    assert [r.status for r in links] == [200, 503, 200]
    assert links[1].query == links[2].query
    assert "Backing off" in run.stderr
    assert run.activations("events") and run.activations("scheduling_links")


def test_the_apis_own_rate_limit_is_honoured_without_losing_records(start_fake, run_savvycal):
    fake = start_fake("savvycal", seed=5, scale=0.3)
    fake.rate_limits = ((3, 1.0),)  # far below the real limit, so a normal sync runs into it
    run = run_savvycal(fake, max_requests_per_second=0, max_requests_per_minute=0)
    assert run.returncode == 0
    assert 429 in {r.status for r in fake.requests}
    assert len(run.records["events"]) == len(fake.data.events)
    assert len(run.records["scheduling_links"]) == len(fake.data.links)


def test_pacing_keeps_the_tap_under_the_limit_so_no_429_happens(start_fake, run_savvycal):
    fake = start_fake("savvycal", seed=5, scale=0.3)
    fake.rate_limits = ((3, 1.0),)
    # One request per second less than the server allows: clock skew between the two windows
    # must not turn into a 429.
    run = run_savvycal(fake, max_requests_per_second=2, max_requests_per_minute=0)
    assert run.returncode == 0
    assert {r.status for r in fake.requests} == {200}


# The SDK's own `emit_activate_version_messages` would send the marker *before* the records;
# the tap must not let it, or a failed run would make the loader drop the events it did not reach.
@pytest.mark.parametrize("settings", [{}, {"emit_activate_version_messages": True}], ids=["default", "sdk-flag"])
def test_persistent_5xx_gives_up_after_three_retries_without_activating_a_partial_listing(
    start_fake, run_savvycal, settings
):
    fake = start_fake("savvycal", seed=5, scale=0.5)
    fake.inject_fault(500, path="^/v1/events$", after=1, times=10, headers={"retry-after": "0"})
    run = run_savvycal(fake, cli=True, **settings)
    assert run.returncode != 0
    assert [r.status for r in fake.requests_to("^/v1/events$")] == [200, 500, 500, 500, 500]  # 1 try + 3 retries
    assert "HTTP 500" in run.stderr
    # The first page was emitted, but the listing is incomplete: no ACTIVATE_VERSION, so a
    # target cannot mistake the events not yet read for deleted ones.
    assert len(run.records["events"]) == 100
    assert run.activations("events") == []


def test_wrong_key_fails_with_a_clear_message_and_never_prints_the_key(start_fake, run_savvycal):
    fake = start_fake("savvycal", seed=5, scale=0.05)
    secret = "pt_secret_WRONG0123456789abcdef"
    run = run_savvycal(fake, cli=True, api_key=secret)
    assert run.returncode != 0
    assert "HTTP 401" in run.stderr and "`api_key`" in run.stderr
    assert "Unauthenticated" in run.stderr  # the API's own explanation
    assert "Traceback" not in run.stderr
    assert secret not in run.stderr and secret not in run.stdout
    assert not run.records
    assert len(fake.requests) == 1  # 401 is not retried


def test_a_non_json_answer_is_reported_as_a_malformed_response(start_fake, run_savvycal):
    fake = start_fake("savvycal", seed=5, scale=0.05)
    fake.inject_fault(200, path="^/v1/links$", body="<html>maintenance</html>")
    run = run_savvycal(fake, cli=True)
    assert run.returncode != 0
    assert "Malformed response" in run.stderr and "expected JSON" in run.stderr
    assert run.activations("scheduling_links") == []


def test_time_zones_in_an_unexpected_shape_fail_clearly_instead_of_syncing_nothing(start_fake, run_savvycal):
    fake = start_fake("savvycal", seed=5, scale=0.05)
    fake.inject_fault(200, path="^/v1/time_zones$", body={"zones": []})
    run = run_savvycal(fake)
    assert run.returncode == 1
    assert not run.records["timezones"]
    assert run.activations("timezones") == []  # an unreadable answer is not an empty snapshot
