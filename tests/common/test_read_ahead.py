"""Per-parent lists read ahead in parallel: the same output as one by one, never more requests in
flight than `parallel_requests`, and every request through the shared pacer.

(How much faster it is under latency is measured by scripts/bench_taps.py, never timed here.)
"""

from __future__ import annotations

import copy

import pytest
from support.singer import run_tap, sandbox_config, tap_class, unpaced

from api_sandbox import registry

#: The APIs whose taps read per-parent lists ahead (they declare `parallel_requests`).
PARENT_CHILD = [
    api
    for api in registry.available()
    if "parallel_requests" in tap_class(f"tap-{api}").config_jsonschema["properties"]
]


def sync(start_fake, api, parallel_requests, **settings):
    fake = start_fake(api, seed=9, scale=0.15, enforce_rate_limits=False, latency=0.005)
    tap = f"tap-{api}"
    run = run_tap(tap, sandbox_config(tap, fake, **unpaced(tap), parallel_requests=parallel_requests, **settings))
    assert run.returncode == 0, run.stderr[-3000:]
    return fake, run


@pytest.mark.parametrize("api", PARENT_CHILD)
def test_reading_ahead_writes_exactly_what_reading_one_by_one_writes(start_fake, api):
    one_by_one_fake, one_by_one = sync(start_fake, api, 1)
    ahead_fake, ahead = sync(start_fake, api, 4)

    def stable(run):  # messages without the times that differ between two runs
        return [
            (m["type"], m.get("stream"), m.get("record"))
            for m in run.messages
            if m["type"] in {"RECORD", "SCHEMA", "ACTIVATE_VERSION"}
        ]

    assert stable(ahead) == stable(one_by_one)
    assert ahead.state["bookmarks"] == one_by_one.state["bookmarks"]
    assert len(ahead_fake.requests) == len(one_by_one_fake.requests), "read ahead, never read twice"
    assert one_by_one_fake.most_in_flight == 1
    assert 2 <= ahead_fake.most_in_flight <= 4


def test_the_pacer_still_bounds_requests_read_ahead(start_fake):
    # Pacing to 2 requests per second with 4 threads: never more than 2 in any second.
    fake = start_fake("luma", seed=9, scale=0.05, enforce_rate_limits=False)
    fake.rate_limits = ((2, 1.0),)  # the fake enforces the same, and would answer 429 past it
    fake.enforce_rate_limits = True
    tap = "tap-luma"
    config = sandbox_config(tap, fake, **{**unpaced(tap), "max_requests_per_second": 2}, parallel_requests=4)
    run = run_tap(tap, config)
    assert run.returncode == 0, run.stderr[-3000:]
    assert all(r.status == 200 for r in fake.requests), "a request went out past the pacer"


@pytest.mark.parametrize("parallel_requests", [1, 2])
def test_a_request_that_needs_another_list_first_completes_with_any_pool_size(start_fake, parallel_requests):
    # With only the events and their invitees selected, the first request of the events list is
    # prepared in a pool thread and needs the token's user first (the organization to filter on):
    # that read must not wait on the pool it runs in.
    fake = start_fake("calendly", seed=9, scale=0.05, enforce_rate_limits=False)
    tap = "tap-calendly"
    config = sandbox_config(tap, fake, **unpaced(tap), parallel_requests=parallel_requests)
    discovered = copy.deepcopy(tap_class(tap)(config=config, setup_mapper=False).catalog_dict)
    wanted = {"scheduled_events", "event_invitees"}
    for entry in discovered["streams"]:
        for item in entry["metadata"]:
            if item["breadcrumb"] == []:
                item["metadata"]["selected"] = entry["tap_stream_id"] in wanted
    run = run_tap(tap, config, catalog=discovered, subprocess=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert {m["stream"] for m in run.messages if m["type"] == "RECORD"} == wanted
