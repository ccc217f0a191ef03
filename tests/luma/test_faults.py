"""Faults: throttling and server errors mid-sync lose nothing; bad keys fail clearly, never printed."""

from __future__ import annotations

import pytest
from luma.helpers import expected_guests, tap_config
from support.singer import run_tap

EVENTS = r"/calendar/list-events$"
GUESTS = r"/event/get-guests$"


def test_429_and_5xx_mid_sync_lose_nothing(luma, tmp_path):
    fake = luma(scale=0.4)
    # The second page of events fails once, a guest list is throttled (with Retry-After), and a
    # later guest lists hit a 503 and a 502: each is retried and the sync completes.
    fake.inject_fault(503, path=EVENTS, after=1, times=1)
    fake.inject_fault(429, path=GUESTS, after=10, times=1, headers={"Retry-After": "1"})
    fake.inject_fault(503, path=GUESTS, after=30, times=1)
    fake.inject_fault(502, path=GUESTS, after=60, times=1)

    run = run_tap("tap-luma", tap_config(fake), tmp_path)

    assert run.returncode == 0, run.stderr[-3000:]
    statuses = [r.status for r in fake.requests]
    assert statuses.count(429) == 1 and statuses.count(503) == 2 and statuses.count(502) == 1
    # Every record exactly once: nothing lost, nothing doubled by the retries.
    assert sorted(r["api_id"] for r in run.records["events"]) == sorted(e["api_id"] for e in fake.data.events)
    emitted = sorted((r["event_api_id"], r["api_id"]) for r in run.records["event_guests"])
    assert emitted == sorted((g["event_api_id"], g["api_id"]) for g in expected_guests(fake))
    # Each failed request was repeated as is: the throttled guest list was asked for again.
    throttled = next(i for i, r in enumerate(fake.requests) if r.status == 429)
    again = fake.requests[throttled + 1]
    assert (again.path, again.query, again.status) == (fake.requests[throttled].path, fake.requests[throttled].query, 200)


@pytest.mark.e2e
@pytest.mark.usefixtures("meltano_plugins")
def test_blank_key_names_the_setting(luma, tmp_path):
    fake = luma(scale=0.05)
    run = run_tap("tap-luma", tap_config(fake, api_key="  "), tmp_path)
    assert run.returncode == 1
    assert "HTTP 400" in run.stderr and "set the `api_key` setting" in run.stderr
    assert "Traceback" not in run.stderr
    assert len(fake.requests) == 1  # a 400 is not retried


def test_wrong_key_is_not_retried_and_not_printed(luma, tmp_path):
    fake = luma(scale=0.05)
    secret = "luma-secret-DO-NOT-PRINT-81aa"
    run = run_tap("tap-luma", tap_config(fake, api_key=secret), tmp_path)
    assert run.returncode == 1
    assert [r.status for r in fake.requests] == [401]
    assert secret not in run.stderr and not run.records


def test_key_pasted_with_a_newline_still_works(luma, tmp_path):
    fake = luma(scale=0.05)
    run = run_tap("tap-luma", tap_config(fake, api_key=fake.valid_key + "\n"), tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert len(run.records["events"]) == len(fake.data.events)


def test_persistent_5xx_gives_up_after_three_retries(luma, tmp_path):
    fake = luma(scale=0.05)
    fake.inject_fault(500, path=GUESTS, times=10, headers={"Retry-After": "0"})
    run = run_tap("tap-luma", tap_config(fake), tmp_path)
    assert run.returncode != 0
    assert [r.status for r in fake.requests_to(GUESTS)] == [500] * 4  # 1 try + 3 retries
    assert "HTTP 500" in run.stderr


def test_a_non_json_answer_is_reported_as_a_malformed_response(luma, tmp_path):
    fake = luma(scale=0.05)
    fake.inject_fault(200, path=EVENTS, body="<html>maintenance</html>")
    run = run_tap("tap-luma", tap_config(fake), tmp_path)
    assert run.returncode != 0
    assert "Malformed response" in run.stderr and "expected JSON" in run.stderr


def test_an_entry_without_its_record_fails_instead_of_dropping_it(luma, tmp_path):
    # E.g. the current API's flat entries: reading them as empty would lose every record.
    fake = luma(scale=0.05)
    fake.inject_fault(200, path=EVENTS, body={"entries": [{"id": "evt-1", "name": "Flat"}], "has_more": False})
    run = run_tap("tap-luma", tap_config(fake), tmp_path)
    assert run.returncode != 0
    assert "expected every entry to hold an `event` object" in run.stderr


def test_missing_api_key_is_a_clear_config_error(luma, tmp_path):
    fake = luma(scale=0.05)
    run = run_tap("tap-luma", {"api_url": fake.url}, tmp_path)
    assert run.returncode != 0
    assert "api_key" in run.stderr
    assert not fake.requests
