"""target-jsonl is append-only (README, "What merge means here"): it never merges.

After a full run, a change at the source and an incremental run, its file holds every record
every run emitted: records the incremental window re-read appear twice, and nothing is ever
removed. The merged view is the last line per key, which equals the source.
"""

from __future__ import annotations

import importlib
import json
from collections import Counter

import pytest
from support.compare import assert_same, by_key
from support.pipeline import Pipeline

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("meltano_plugins")]


def test_jsonl_appends_every_run_and_the_last_line_per_key_is_the_source(start_fake, tmp_path):
    api = importlib.import_module("parity.dlt_configs.oncehub")
    fake = start_fake("oncehub", seed=9, scale=0.05, enforce_rate_limits=False)
    pipeline = Pipeline(
        api="oncehub", tap="tap-oncehub", fake=fake, workdir=tmp_path, streams=("bookings",), target="target-jsonl"
    )

    first = pipeline.run()
    fake.mutate(seed=10, changes=3)
    second = pipeline.run()

    lines = [json.loads(line) for line in (pipeline.jsonl_dir / "bookings.jsonl").read_text().splitlines()]
    assert len(lines) == first.records_sent + second.records_sent  # appended, not merged
    counts = Counter(line["id"] for line in lines)
    assert any(n > 1 for n in counts.values()), "the overlap window re-read nothing: no duplicate to show"

    last = {}
    for line in lines:
        last[line["id"]] = line
    assert_same(
        by_key(last.values(), "id"), by_key(api.source(fake)["bookings"], "id"), "last line per key vs the fake"
    )
