"""A worker killed mid-run, and another that resumes the account from the shared state, into PostgreSQL.

Two fake Calendly organisations are synced side by side (two workers, both on tap-calendly: each
run has a Meltano folder of its own) into one PostgreSQL database, a schema per account, with
Meltano's state in a shared PostgreSQL system database. Then Acme's data changes and the worker
syncing it is killed outright mid-run: the orchestrator, Dagster's worker processes, Meltano,
tap and target, one process group, as when a machine dies. Another worker (a new
``python -m orchestration run`` with its own Dagster storage) ends the dead run, whose heartbeat
stopped, resumes Acme from the state the first run saved (events are asked for from its
bookmark, not from the start), and every account's schema equals its fake's data.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from support.paths import ROOT
from support.postgres import PASSWORD, USER, assert_schema_equals_source, meltano_runs, meltano_states, overlap
from support.singer import tap_class

from orchestration.accounts import DATABASE_URI_ENV, load_accounts, plan_run

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("meltano_plugins")]

calendly = importlib.import_module("parity.dlt_configs.calendly")

#: Seconds of silence after which a worker counts as dead (Meltano heartbeats every second).
HEARTBEAT_TIMEOUT = 3
#: Where the killed worker is held: the first invitee list, after the event list was read.
HOLD_AT = re.compile(r"^/scheduled_events/[^/]+/invitees$")

ACCOUNTS = """\
    version: 1
    environment: sandbox
    target: target-postgres
    retries: 0
    heartbeat_timeout_seconds: {heartbeat}
    limits:
      max_workers: 2
      per_api: {{calendly: 2}}
    accounts:
    - {{id: acme, tap: tap-calendly, credential_env: ACME_CALENDLY_KEY, settings: {{api_url: "{acme}"}}}}
    - {{id: globex, tap: tap-calendly, credential_env: GLOBEX_CALENDLY_KEY, settings: {{api_url: "{globex}"}}}}
"""


def _event_bookmark(dsn: str, state_id: str) -> dt.datetime:
    mark = meltano_states(dsn)[state_id]["singer_state"]["bookmarks"]["scheduled_events"]["replication_key_value"]
    return dt.datetime.fromisoformat(mark.replace("Z", "+00:00"))


def _window_starts(fake, since: int = 0) -> list[str]:
    """``min_start_time`` of each event list request the fake answered (requests ``since`` on)."""
    return [
        (r.query.get("min_start_time") or [""])[0]
        for r in fake.requests[since:]
        if r.path == "/scheduled_events" and r.status == 200
    ]


def test_a_killed_worker_resumes_from_the_shared_state_on_another_worker(tmp_path, start_fake, postgres):
    fakes = {"acme": start_fake("calendly", seed=41, scale=0.06), "globex": start_fake("calendly", seed=42, scale=0.06)}
    system, warehouse = postgres.create_database("meltano_resume"), postgres.create_database("accounts_resume")
    dsn = postgres.dsn(system)
    path = tmp_path / "accounts.yml"
    path.write_text(textwrap.dedent(ACCOUNTS).format(
        heartbeat=HEARTBEAT_TIMEOUT, acme=fakes["acme"].url, globex=fakes["globex"].url
    ))
    accounts = load_accounts(path)
    state_id = {a.id: a.state_id("sandbox", "target-postgres") for a in accounts.accounts}
    env = {
        **{k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"},
        **postgres.target_env(warehouse),
        DATABASE_URI_ENV: f"postgresql://{USER}:{PASSWORD}@{postgres.host}:{postgres.port}/{system}",
        "ACME_CALENDLY_KEY": fakes["acme"].valid_key,
        "GLOBEX_CALENDLY_KEY": fakes["globex"].valid_key,
    }

    def worker(name: str, *only: str) -> list[str]:
        """A worker: the orchestrator's command line, with Dagster's storage of its own."""
        return [
            sys.executable, "-m", "orchestration", "run", "--accounts", str(path), "--output-dir",
            str(tmp_path / "out"), "--dagster-home", str(tmp_path / f"dagster-{name}"), "--retry-wait", "0",
            "--require-shared-state", *(arg for account in only for arg in ("--only", account)),
        ]

    # 1. Both accounts, side by side, into their own schemas.
    first = subprocess.run(worker("a"), cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    runs = meltano_runs(dsn)
    (acme_run,), (globex_run,) = runs[state_id["acme"]], runs[state_id["globex"]]
    assert acme_run[0] == globex_run[0] == "SUCCESS"
    assert overlap(acme_run, globex_run), "two runs of one tap did not overlap"
    bookmark = _event_bookmark(dsn, state_id["acme"])

    # 2. Acme changes; a worker syncing it is held mid-run, then killed with all it started.
    calendly.mutate(fakes["acme"], 43)
    acme, reached, release = fakes["acme"], threading.Event(), threading.Event()
    original = acme.dispatch

    def held(request):
        if not release.is_set() and HOLD_AT.match(request.path):
            reached.set()
            release.wait(300)
        return original(request)

    acme.dispatch = held
    killed_from = len(acme.requests)
    killed = subprocess.Popen(
        worker("b", "acme"), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert reached.wait(300), "the worker never reached Acme's invitees"
    finally:
        os.killpg(killed.pid, signal.SIGKILL)
        killed.wait(60)
        release.set()
        acme.dispatch = original
    killed_at = time.monotonic()
    assert [run[0] for run in meltano_runs(dsn)[state_id["acme"]]] == ["SUCCESS", "RUNNING"], "the dead run looks alive"

    # 3. Another worker, once the dead run's heartbeat is older than the timeout, resumes Acme.
    time.sleep(max(0.0, HEARTBEAT_TIMEOUT + 1 - (time.monotonic() - killed_at)))
    resumed_from = len(acme.requests)
    resumed = subprocess.run(
        worker("c", "acme"), cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert resumed.returncode == 0, resumed.stdout[-3000:] + resumed.stderr[-3000:]
    runs = meltano_runs(dsn)
    acme_runs = runs[state_id["acme"]]
    assert [run[0] for run in acme_runs] == ["SUCCESS", "FAIL", "SUCCESS"], acme_runs
    ended = acme_runs[1][2]
    assert ended is not None and ended <= acme_runs[2][1], "the dead run was ended before the resumed one began"
    assert [run[0] for run in runs[state_id["globex"]]] == ["SUCCESS"], "another account was rerun"

    # Both later workers read events from the first run's bookmark (minus the tap's lookback),
    # as the shared state has it: neither started over.
    lookback = tap_class(calendly.TAP).config_jsonschema["properties"]["lookback_days"]["default"]
    window = (bookmark - dt.timedelta(days=lookback)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert _window_starts(acme, killed_from)[:1] == [window]
    assert _window_starts(acme, resumed_from)[:1] == [window]
    assert "" not in _window_starts(acme, resumed_from)

    # Every account's schema equals its fake: Acme with its changes, Globex as first synced.
    for account in accounts.accounts:
        plan = plan_run(account, "sandbox", "target-postgres", secrets=env)
        assert plan.schema is not None
        assert_schema_equals_source(postgres, warehouse, plan.schema, calendly, fakes[account.id])
