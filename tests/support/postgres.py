"""A throwaway PostgreSQL server for the tests: Debian's package, a temp cluster, 127.0.0.1.

:func:`start_cluster` finds the server binaries (``initdb``/``pg_ctl`` on PATH or under
``/usr/lib/postgresql/<version>/bin``; when they are missing and we are root, it installs the
``postgresql`` package with apt-get, as ``.ci/run`` does), creates a cluster in a temporary
folder (trust authentication, listening only on 127.0.0.1 on a free port, Unix socket in the
same folder), starts it with ``pg_ctl`` and returns a :class:`Cluster`. PostgreSQL refuses to
run as root, so as root the cluster belongs to, and runs as, the ``postgres`` system user.

When the server cannot be started, :class:`PostgresUnavailable` says why; the fixture skips
with that message, or fails when ``REQUIRE_POSTGRES=1`` (CI sets it: CI must run these tests).
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import typing as t
from dataclasses import dataclass
from pathlib import Path

from support.compare import assert_same, by_key

USER = "postgres"
PASSWORD = "sandbox-postgres"  # trust authentication: accepted, never checked


class PostgresUnavailable(RuntimeError):
    pass


@dataclass
class Cluster:
    bindir: Path
    datadir: Path
    port: int
    run_as: list[str]
    host: str = "127.0.0.1"

    def dsn(self, database: str = "postgres") -> str:
        return f"host={self.host} port={self.port} user={USER} password={PASSWORD} dbname={database}"

    def create_database(self, name: str) -> str:
        import psycopg2

        connection = psycopg2.connect(self.dsn())
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()
        return name

    def target_env(self, database: str) -> dict[str, str]:
        """The environment that points Meltano's ``target-postgres`` at ``database`` here."""
        return {
            "TARGET_POSTGRES_HOST": self.host,
            "TARGET_POSTGRES_PORT": str(self.port),
            "TARGET_POSTGRES_USER": USER,
            "TARGET_POSTGRES_PASSWORD": PASSWORD,
            "TARGET_POSTGRES_DATABASE": database,
        }

    def rows(self, database: str, schema: str, table: str) -> list[dict[str, t.Any]]:
        import psycopg2

        connection = psycopg2.connect(self.dsn(database))
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'SELECT * FROM "{schema}"."{table}"')
                names = [d[0] for d in cursor.description]
                return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            connection.close()

    def tables(self, database: str, schema: str) -> set[str]:
        import psycopg2

        connection = psycopg2.connect(self.dsn(database))
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema])
                return {name for (name,) in cursor.fetchall()}
        finally:
            connection.close()

    def stop(self) -> None:
        subprocess.run(
            [*self.run_as, str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            check=False,
            timeout=60,
        )
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


def find_bindir(install: bool = True) -> Path:
    candidates = []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(os.path.realpath(on_path)).parent)
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2].split(".")[0]))
    candidates += [Path(p) for p in reversed(versions)]
    for bindir in candidates:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    if install and os.geteuid() == 0 and shutil.which("apt-get"):
        for command in (["apt-get", "update"], ["apt-get", "install", "-y", "postgresql"]):
            done = subprocess.run(
                command, capture_output=True, text=True, check=False, timeout=900,
                env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            )
            if done.returncode != 0:
                raise PostgresUnavailable(f"`{' '.join(command)}` failed: {done.stderr[-500:]}")
        return find_bindir(install=False)
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found; install Debian's `postgresql` package "
        "(`apt-get install -y postgresql`, as .ci/run does)"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_cluster() -> Cluster:
    bindir = find_bindir()
    root = Path(tempfile.mkdtemp(prefix="pg-test-"))
    datadir = root / "data"
    run_as: list[str] = []
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam(USER)
        except KeyError:
            raise PostgresUnavailable(
                f"running as root and there is no `{USER}` system user to run the server"
            ) from None
        os.chmod(root, 0o700)
        os.chown(root, owner.pw_uid, owner.pw_gid)
        run_as = ["runuser", "-u", USER, "--"] if shutil.which("runuser") else ["su", USER, "-s", "/bin/sh", "-c"]
        if run_as[0] == "su":
            raise PostgresUnavailable("`runuser` is missing: cannot run PostgreSQL as the postgres user")

    def run(*command: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*run_as, *command], capture_output=True, text=True, check=False, timeout=timeout, cwd=root,
            env={**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
        )

    done = run(str(bindir / "initdb"), "-D", str(datadir), "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync")
    if done.returncode != 0:
        raise PostgresUnavailable(f"initdb failed: {(done.stdout + done.stderr)[-800:]}")
    for _ in range(3):
        port = _free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {root}"
            " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        )
        done = run(
            str(bindir / "pg_ctl"), "-D", str(datadir), "-l", str(root / "server.log"), "-o", options,
            "-w", "-t", "60", "start",
        )
        if done.returncode == 0:
            cluster = Cluster(bindir=bindir, datadir=datadir, port=port, run_as=run_as)
            _wait_ready(cluster)
            return cluster
    log = (root / "server.log").read_text(errors="replace")[-800:] if (root / "server.log").exists() else ""
    raise PostgresUnavailable(f"pg_ctl start failed: {(done.stdout + done.stderr)[-500:]} {log}")


def _wait_ready(cluster: Cluster, timeout: float = 30) -> None:
    import psycopg2

    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg2.connect(cluster.dsn()).close()
            return
        except psycopg2.OperationalError as error:
            if time.monotonic() > deadline:
                raise PostgresUnavailable(f"the server did not accept connections: {error}") from None
            time.sleep(0.2)


def assert_schema_equals_source(
    cluster: Cluster,
    database: str,
    schema: str,
    api: t.Any,
    fake: t.Any,
    previous: dict[str, dict[t.Any, t.Any]] | None = None,
) -> None:
    """Every stream of ``api`` (a module of tests/parity/dlt_configs) in ``schema`` equals ``fake``.

    Rows marked deleted (``_sdc_deleted_at``) are not live data. ``previous``: the source by key
    before the last change, for streams whose deleted rows a merge keeps.
    """
    source = api.source(fake)
    present = cluster.tables(database, schema)
    for stream, key in api.STREAMS.items():
        assert stream in present, f"{stream}: no table in PostgreSQL schema {schema} ({sorted(present)})"
        rows = cluster.rows(database, schema, stream)
        loaded = by_key([r for r in rows if r.get("_sdc_deleted_at") is None], key)
        expected = by_key(source[stream], key)
        vanished = loaded.keys() - expected.keys()
        # Rows deleted at the source stay unless the tap ends a snapshot with ACTIVATE_VERSION,
        # which target-postgres applies (hard_delete: true in meltano.yml).
        retained = set(getattr(api, "DELETES_RETAINED", ())) - set(getattr(api, "SNAPSHOT_DELETES", ()))
        if vanished and stream in retained:
            assert previous is not None and vanished <= previous[stream].keys(), f"{stream}: rows never in the source"
            loaded = {k: v for k, v in loaded.items() if k not in vanished}
        assert_same(loaded, expected, f"PostgreSQL {schema}.{stream} vs the fake")


# -- Meltano's system database on PostgreSQL (the shared state of the orchestration tests) ------

#: One of Meltano's runs: its state (``SUCCESS``, ``FAIL``, ``RUNNING``), start and end.
MeltanoRun = tuple[str, dt.datetime, dt.datetime | None]


def meltano_runs(dsn: str) -> dict[str, list[MeltanoRun]]:
    """Meltano's ``runs`` table by state id (job name), oldest first."""
    import psycopg2

    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT job_name, state, started_at, ended_at FROM runs ORDER BY started_at")
        runs: dict[str, list[MeltanoRun]] = {}
        for name, status, started, ended in cursor.fetchall():
            runs.setdefault(name, []).append((status, started, ended))
    return runs


def meltano_states(dsn: str) -> dict[str, dict[str, t.Any]]:
    """Meltano's completed state by state id."""
    import psycopg2

    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT state_id, completed_state FROM state")
        return {state_id: json.loads(value) if isinstance(value, str) else value for state_id, value in cursor}


def overlap(a: MeltanoRun, b: MeltanoRun) -> bool:
    """Whether two finished runs were running at the same time."""
    assert a[2] is not None and b[2] is not None, "a run that has not ended"
    return a[1] < b[2] and b[1] < a[2]
