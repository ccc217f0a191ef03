"""A real `meltano run` killed mid-sync (SIGKILL to Meltano, the tap and the target), then the
source changes and the next `meltano run` converges: the destination equals the source.

This checks with Meltano itself what support/pipeline.py assumes for the many killed runs of
test_change_stream.py: Meltano keeps the state the target emitted before the kill and the
next run starts from it (or from the previous complete state), and nothing is lost.
The sync is held mid-way deterministically: the fake blocks the tap's first request after
``booking_pages`` and ``bookings`` were read (and their STATE messages written), then
everything Meltano started is killed. Meltano then refuses the next run of the same pipeline
for about five minutes (the killed run still looks alive) unless ``--force`` is given.
"""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import threading
import time

import pytest
from support.compare import assert_same, by_key
from support.paths import MELTANO, ROOT
from support.warehouse import rows, tables

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("meltano_plugins")]

HOLD_AT = "/v2/contacts"  # streams run in name order: booking_pages, bookings, contacts, ...


def test_meltano_run_killed_mid_sync_then_next_run_converges(start_fake, sandbox):
    api = importlib.import_module("parity.dlt_configs.oncehub")
    fake = start_fake("oncehub", seed=11, scale=0.05, enforce_rate_limits=False)
    sandbox.fakes["oncehub"] = fake

    # 1. A complete run, then changes: the killed run has real work and a previous state.
    sandbox.run(api.TAP, "target-duckdb").check()
    fake.mutate(seed=12, changes=3)

    # 2. The next run is held at its first /contacts request, then killed outright.
    reached, release = threading.Event(), threading.Event()
    original = fake.dispatch

    def held(request):
        if request.path == HOLD_AT and not release.is_set():
            reached.set()
            release.wait(300)
        return original(request)

    fake.dispatch = held
    run = subprocess.Popen(
        [str(MELTANO), "--environment=sandbox", "run", api.TAP, "target-duckdb"],
        cwd=ROOT, env=sandbox.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        assert reached.wait(300), "the run never reached the contacts stream"
        time.sleep(2)  # let the target take in what the tap sent
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait(60)
        release.set()
        fake.dispatch = original
    assert run.returncode == -signal.SIGKILL

    # 3. More changes, then the next run. Meltano still counts the killed run as running (until
    # its heartbeat goes stale, about five minutes), so it refuses without --force, as it tells.
    fake.mutate(seed=13, changes=3)
    refused = sandbox.run(api.TAP, "target-duckdb")
    assert refused.returncode != 0 and "--force" in refused.output, refused.output[-2000:]
    sandbox.meltano("run", "--force", api.TAP, "target-duckdb", timeout=600).check()
    source = api.source(fake)
    for stream, key in api.STREAMS.items():
        assert stream in tables(sandbox.warehouse, api.SCHEMA)
        loaded = [r for r in rows(sandbox.warehouse, api.SCHEMA, stream) if r.get("_sdc_deleted_at") is None]
        assert_same(by_key(loaded, key, json_text=True), by_key(source[stream], key), f"after the kill: {stream}")
