"""Luma's own failure modes; the faults every tap shares are in tests/common/test_fault_matrix.py."""

from __future__ import annotations

from luma.helpers import tap_config
from support.singer import run_tap

EVENTS = r"/calendar/list-events$"


def test_blank_key_names_the_setting(luma):
    # Luma answers 400, not 401, to a blank key.
    fake = luma(scale=0.05)
    run = run_tap("tap-luma", tap_config(fake, api_key="  "))
    assert run.returncode == 1
    assert "HTTP 400" in run.stderr and "set the `api_key` setting" in run.stderr
    assert "Traceback" not in run.stderr
    assert len(fake.requests) == 1  # a 400 is not retried


def test_key_pasted_with_a_newline_still_works(luma):
    fake = luma(scale=0.05)
    run = run_tap("tap-luma", tap_config(fake, api_key=fake.valid_key + "\n"))
    assert run.returncode == 0, run.stderr[-2000:]
    assert len(run.records["events"]) == len(fake.data.events)


def test_an_entry_without_its_record_fails_instead_of_dropping_it(luma):
    # E.g. the current API's flat entries: reading them as empty would lose every record.
    fake = luma(scale=0.05)
    fake.inject_fault(200, path=EVENTS, body={"entries": [{"id": "evt-1", "name": "Flat"}], "has_more": False})
    run = run_tap("tap-luma", tap_config(fake))
    assert run.returncode != 0
    assert "expected every entry to hold an `event` object" in run.stderr


def test_has_more_without_a_cursor_fails_instead_of_ending_the_list(luma):
    fake = luma(scale=0.05)
    fake.inject_fault(200, path=EVENTS, body={"entries": [], "has_more": True})
    run = run_tap("tap-luma", tap_config(fake))
    assert run.returncode != 0
    assert "`has_more` is true but `next_cursor` is missing" in run.stderr
