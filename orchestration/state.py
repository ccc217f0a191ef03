"""The shared state backend: Meltano's system database on PostgreSQL.

Meltano 4.4 keeps state in its system database (state backend ``systemdb``, the default) or in
an add-on backend (``file``, ``s3``, ``azure``, ``gs``: the ones its ``meltano.state_backends``
entry points install). There is no ``postgresql://`` *state backend* in this version, so the
shared backend is the system database itself: ``MELTANO_DATABASE_URI=postgresql://...``. Every
worker that points there reads and writes the same ``state`` table (one row per state id, so
one per account) and the same ``runs`` table, where Meltano also refuses to start a second run
of a state id that is still running. SQLAlchemy's default PostgreSQL driver is psycopg2
(``psycopg2-binary``); ``postgresql+psycopg://`` works with ``meltano[postgres]`` (psycopg 3).

A worker killed mid-run leaves its run listed as running; Meltano refuses another run of that
state id until the run's heartbeat is five minutes old. :func:`fail_dead_runs` ends such runs
sooner, on the orchestrator's own (shorter) heartbeat timeout, so the account resumes at once
from the state its dead worker last saved.

The URI carries the database password: it is read from the environment, never from the
accounts file, and never printed (:func:`describe` hides the password).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import typing as t
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy

from orchestration.accounts import DATABASE_URI_ENV as DATABASE_URI_ENV  # re-exported: the CLI names it
from orchestration.accounts import PROJECT_ROOT, meltano_env, meltano_executable

if t.TYPE_CHECKING:
    from collections.abc import Mapping

#: Meltano's table of runs, and the columns and values :func:`fail_dead_runs` relies on (Meltano
#: 4.4: ``meltano.core.job.Job``; tests/orchestration/test_state.py fails if they change).
RUNS_TABLE = "runs"
RUNNING, FAILED = "RUNNING", "FAIL"


class StateBackendError(RuntimeError):
    """The shared state backend is not usable; the message says why (never the password)."""


def describe(uri: str) -> str:
    """``uri`` with its password hidden, for logs and reports."""
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def is_shared(uri: str | None) -> bool:
    """Whether ``uri`` is a database every worker can reach (PostgreSQL), not a local SQLite file."""
    return bool(uri) and urlsplit(t.cast(str, uri)).scheme.split("+")[0] in {"postgresql", "postgres"}


def shared_uri(env: Mapping[str, str] | None = None) -> str | None:
    """The system database URI from the environment, if it is a shared (PostgreSQL) one."""
    uri = (os.environ if env is None else env).get(DATABASE_URI_ENV)
    return uri if uri and is_shared(uri) else None


def prepare(
    environment: str,
    *,
    project_root: Path = PROJECT_ROOT,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> None:
    """Create or upgrade Meltano's tables in the system database once, before workers start.

    Each Meltano command migrates the system database when it starts; two workers starting at
    once on a new database would both try. ``meltano state list`` does it once, here.
    """
    base = meltano_env(os.environ if env is None else env)
    completed = subprocess.run(
        [meltano_executable(), f"--environment={environment}", "state", "list"],
        cwd=project_root,
        env=base,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        uri = base.get(DATABASE_URI_ENV, "the project's SQLite database")
        output = completed.stdout
        password = urlsplit(uri).password if DATABASE_URI_ENV in base else None
        if password:
            output = output.replace(password, "***")
        raise StateBackendError(f"Meltano cannot use its system database {describe(uri)}:\n{output[-2000:]}")


def fail_dead_runs(state_id: str, *, heartbeat_timeout: float, uri: str) -> int:
    """Mark failed the runs of ``state_id`` whose worker died; return how many.

    Those are the runs still listed as running whose heartbeat stopped ``heartbeat_timeout``
    seconds ago: a live ``meltano run`` writes its heartbeat every second. Meltano does the same
    after five minutes (``fail_stale_jobs``). The update is one statement that matches only
    silent runs, so a live run is never touched and Meltano's own check still refuses a second
    live run of the account. A database Meltano has not set up yet has no runs to end.
    """
    engine = sqlalchemy.create_engine(uri)
    try:
        if not sqlalchemy.inspect(engine).has_table(RUNS_TABLE):
            return 0
        runs = sqlalchemy.Table(RUNS_TABLE, sqlalchemy.MetaData(), autoload_with=engine)
        # Meltano stores naive UTC times.
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        silent_since = now - dt.timedelta(seconds=heartbeat_timeout)
        with engine.begin() as connection:
            result = connection.execute(
                runs.update()
                .where(
                    runs.c.job_name == state_id,
                    runs.c.state == RUNNING,
                    runs.c.last_heartbeat_at < silent_since,
                )
                .values(state=FAILED, ended_at=now)
            )
        return int(result.rowcount)
    finally:
        engine.dispose()
