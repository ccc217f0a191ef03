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
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time

import psycopg2
import pytest
from support.paths import ROOT
from support.postgres import PASSWORD, USER, assert_schema_equals_source
from support.singer import tap_class

from orchestration.accounts import DATABASE_URI_ENV, load_accounts

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


def _query(dsn: str, sql: str, *args: object) -> list[tuple]:
    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute(sql, args)
        return cursor.fetchall()


def _runs(dsn: str, state_id: str) -> list[tuple[str, dt.datetime, dt.datetime | None]]:
    sql = "SELECT state, started_at, ended_at FROM runs WHERE job_name = %s ORDER BY started_at"
    return [tuple(row) for row in _query(dsn, sql, state_id)]  # type: ignore[misc]


def _event_bookmark(dsn: str, state_id: str) -> dt.datetime:
    ((value,),) = _query(dsn, "SELECT completed_state FROM state WHERE state_id = %s", state_id)
    bookmarks = (json.loads(value) if isinstance(value, str) else value)["singer_state"]["bookmarks"]
    mark = bookmarks["scheduled_events"]["replication_key_value"]
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
    (acme_run,), (globex_run,) = _runs(dsn, state_id["acme"]), _runs(dsn, state_id["globex"])
    assert acme_run[0] == globex_run[0] == "SUCCESS"
    assert acme_run[1] < globex_run[2] and globex_run[1] < acme_run[2], "two runs of one tap did not overlap"
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
    assert [run[0] for run in _runs(dsn, state_id["acme"])] == ["SUCCESS", "RUNNING"], "the dead run looks alive"

    # 3. Another worker, once the dead run's heartbeat is older than the timeout, resumes Acme.
    time.sleep(max(0.0, HEARTBEAT_TIMEOUT + 1 - (time.monotonic() - killed_at)))
    resumed_from = len(acme.requests)
    resumed = subprocess.run(
        worker("c", "acme"), cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert resumed.returncode == 0, resumed.stdout[-3000:] + resumed.stderr[-3000:]
    runs = _runs(dsn, state_id["acme"])
    assert [run[0] for run in runs] == ["SUCCESS", "FAIL", "SUCCESS"], runs
    assert runs[1][2] is not None and runs[1][2] <= runs[2][1], "the dead run was ended before the resumed one began"
    assert [run[0] for run in _runs(dsn, state_id["globex"])] == ["SUCCESS"], "another account was rerun"

    # Both later workers read events from the first run's bookmark (minus the tap's lookback),
    # as the shared state has it: neither started over.
    lookback = tap_class(calendly.TAP).config_jsonschema["properties"]["lookback_days"]["default"]
    window = (bookmark - dt.timedelta(days=lookback)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert _window_starts(acme, killed_from)[:1] == [window]
    assert _window_starts(acme, resumed_from)[:1] == [window]
    assert "" not in _window_starts(acme, resumed_from)

    # Every account's schema equals its fake: Acme with its changes, Globex as first synced.
    for account, fake in fakes.items():
        assert_schema_equals_source(postgres, warehouse, f"sandbox_{account}", calendly, fake)
