"""What a sync logs by default: one line when each stream starts and one when it ends (records,
requests, seconds), progress while it runs long, and none of the SDK's per-parent or per-request
lines, which a DEBUG log level brings back."""

from __future__ import annotations

import re

import pytest
from support.singer import run_tap, sandbox_config, unpaced

from scheduling_taps_common.reporting import StreamReport, SyncReporter

CHATTER = ("METRIC", "Beginning sync of", "with context keys", "Stream is assumed to be unsorted")


def sync(api, start_fake):
    fake = start_fake(api, seed=3, scale=0.1, enforce_rate_limits=False)
    return fake, run_tap(f"tap-{api}", sandbox_config(f"tap-{api}", fake, **unpaced(f"tap-{api}")))


@pytest.mark.parametrize("api", ["calendly", "float"])
def test_each_stream_logs_one_line_when_it_starts_and_one_when_it_ends(api, start_fake):
    _, run = sync(api, start_fake)
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stderr.splitlines()
    assert not [line for line in lines if any(chatter in line for chatter in CHATTER)]
    for stream, records in run.records.items():
        started = [line for line in lines if f"Sync of '{stream}' started" in line]
        finished = [line for line in lines if f"Sync of '{stream}' finished: " in line]
        assert len(finished) == 1, (stream, finished)
        count = int(re.search(r"finished: ([\d,]+) records?", finished[0])[1].replace(",", ""))
        assert count == len(records), (stream, finished[0])
        # Child streams are read along with their parent: their line comes at the parent's end.
        assert len(started) == (0 if " of " in finished[0].split("finished:")[1].split(",")[0] else 1)
    assert len(lines) <= 2 * len(run.records) + 1  # plus the version line


def test_calendly_invitees_are_counted_per_event_in_one_line(start_fake):
    _, run = sync("calendly", start_fake)
    (line,) = [line for line in run.stderr.splitlines() if "Sync of 'event_invitees' finished" in line]
    events = len(run.records["scheduled_events"])
    counted = re.search(r"finished: ([\d,]+) records of ([\d,]+) scheduled_events, ([\d,]+) requests", line)
    assert counted, line
    records, parents, requests = (int(n.replace(",", "")) for n in counted.groups())
    assert (records, parents) == (len(run.records["event_invitees"]), events)
    assert requests >= events  # one per event, more for an event with several pages of invitees


def test_a_debug_log_level_brings_the_sdks_lines_back(start_fake, monkeypatch):
    monkeypatch.setenv("TAP_CALENDLY_LOGLEVEL", "DEBUG")
    _, run = sync("calendly", start_fake)
    assert run.returncode == 0
    assert "METRIC" in run.stderr and "with context keys" in run.stderr


def test_a_long_stream_logs_progress_at_most_every_interval():
    now = [0.0]
    reporter = SyncReporter(interval=15.0, clock=lambda: now[0])
    logged: list[str] = []

    class Logger:
        def info(self, message, *args):
            logged.append(message % args)

    reporter.started("tasks", Logger(), "full table")
    for second in range(0, 61):
        now[0] = float(second)
        reporter.report("tasks").records += 10
        reporter.progress("tasks", Logger(), "page 3 of 9")
    progress = [line for line in logged if line.startswith("Still syncing")]
    assert progress == [
        "Still syncing 'tasks': 160 records, 0 requests, page 3 of 9.",
        "Still syncing 'tasks': 310 records, 0 requests, page 3 of 9.",
        "Still syncing 'tasks': 460 records, 0 requests, page 3 of 9.",
        "Still syncing 'tasks': 610 records, 0 requests, page 3 of 9.",
    ]
    assert SyncReporter.counts(StreamReport(records=1, requests=1)) == "1 record, 1 request"
