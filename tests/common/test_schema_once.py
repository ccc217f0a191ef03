"""One SCHEMA per stream per run, child streams included.

The SDK syncs a child stream once per parent record and sends its SCHEMA each time; loaders
that flush on SCHEMA would then load one tiny batch per parent. The shared message writer
(scheduling_taps_common.writer) drops the repeats, for every tap.
"""

from __future__ import annotations

from collections import Counter

import pytest
from support.singer import run_tap, sandbox_config, unpaced

#: Taps with a child stream read once per parent record: (tap, parent, child, fake scale).
PARENT_CHILD = {
    "calendly": ("scheduled_events", "event_invitees", 0.1),
    "luma": ("events", "event_guests", 0.1),
}


@pytest.mark.parametrize("api", PARENT_CHILD)
def test_each_stream_sends_its_schema_once_before_its_first_record(start_fake, api):
    parent, child, scale = PARENT_CHILD[api]
    fake = start_fake(api, seed=5, scale=scale, enforce_rate_limits=False)
    tap = f"tap-{api}"

    run = run_tap(tap, sandbox_config(tap, fake, **unpaced(tap)))

    assert run.returncode == 0, run.stderr[-3000:]
    assert len(run.records[parent]) > 1, "one parent record would not show a repeated child SCHEMA"
    assert run.records[child], f"no {child} records: the child stream was never read"
    schemas = Counter(m["stream"] for m in run.messages if m["type"] == "SCHEMA")
    assert schemas == dict.fromkeys(run.records, 1)
    for stream in run.records:
        first_schema = next(i for i, m in enumerate(run.messages) if m["type"] == "SCHEMA" and m["stream"] == stream)
        first_record = next(i for i, m in enumerate(run.messages) if m["type"] == "RECORD" and m["stream"] == stream)
        assert first_schema < first_record, stream
