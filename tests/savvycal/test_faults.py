"""SavvyCal's own rate limit and time-zone shapes; the faults every tap shares are in
tests/common/test_fault_matrix.py."""

from __future__ import annotations


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


def test_time_zones_in_an_unexpected_shape_fail_clearly_instead_of_syncing_nothing(start_fake, run_savvycal):
    fake = start_fake("savvycal", seed=5, scale=0.05)
    fake.inject_fault(200, path="^/v1/time_zones$", body={"zones": []})
    run = run_savvycal(fake)
    assert run.returncode == 1
    assert "Malformed response for GET /v1/time_zones" in run.stderr
    assert not run.records["timezones"]
    assert run.activations("timezones") == []  # an unreadable answer is not an empty snapshot
