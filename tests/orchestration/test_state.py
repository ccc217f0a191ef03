"""Ending the runs of dead workers in Meltano's own system database (its tables, its job model).

A worker killed mid-run leaves its `meltano run` listed as running; only runs whose heartbeat
stopped longer ago than the timeout are ended, never a live one nor another account's. The
test builds the database with Meltano and writes the runs with Meltano's job model, so it fails
if Meltano changes the table or values :func:`orchestration.state.fail_dead_runs` relies on.
"""

from __future__ import annotations

import datetime as dt
import os

import sqlalchemy
from meltano.core.job import Job, State
from meltano.core.job.finder import JobFinder
from sqlalchemy.orm import Session

from orchestration import state
from orchestration.accounts import DATABASE_URI_ENV

ACME = "prod:tap-calendly-to-target-duckdb:acme"
GLOBEX = "prod:tap-calendly-to-target-duckdb:globex"


def _run(session: Session, state_id: str, *, silent_for: float, ended: bool = False) -> int:
    job = Job(job_name=state_id)
    job.start()
    job.last_heartbeat_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=silent_for)
    if ended:
        job.success()
    job.save(session)
    return job.id


def test_only_runs_silent_past_the_timeout_are_ended(tmp_path):
    uri = f"sqlite:///{tmp_path / 'meltano.db'}"
    assert state.fail_dead_runs(ACME, heartbeat_timeout=60, uri=uri) == 0, "a new database has no runs"
    state.prepare("prod", env={**os.environ, DATABASE_URI_ENV: uri})  # Meltano creates its tables
    engine = sqlalchemy.create_engine(uri)
    with Session(engine) as session:
        dead = _run(session, ACME, silent_for=300)
        live = _run(session, ACME, silent_for=1)
        finished = _run(session, ACME, silent_for=300, ended=True)
        other_dead = _run(session, GLOBEX, silent_for=300)

    assert state.fail_dead_runs(ACME, heartbeat_timeout=60, uri=uri) == 1
    assert state.fail_dead_runs(ACME, heartbeat_timeout=60, uri=uri) == 0, "ending is done once"

    with Session(engine) as session:
        states = {job.id: job.state for job in session.query(Job)}
        assert states == {dead: State.FAIL, live: State.RUNNING, finished: State.SUCCESS, other_dead: State.RUNNING}
        ended = session.get(Job, dead)
        assert ended is not None and ended.ended_at is not None
        # Meltano's own check still sees the live run, and refuses a second one while it lives.
        running = JobFinder(ACME).latest_running(session)
        assert running is not None and running.id == live
    engine.dispose()
