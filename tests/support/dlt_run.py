"""Run a dlt ``rest_api_source`` config offline into its own DuckDB file, and read it back.

dlt is a test-only dependency (``requirements-dev.txt``). It runs in the test process, against
the same running fake as the Singer pipeline, with telemetry off and every dlt directory
(data dir, project dir, pipelines dir) in the test's temporary folder, so nothing outside it is
read or written and no host other than 127.0.0.1 is contacted.

:func:`read_dlt` turns dlt's relational layout back into one nested record per root row: dict
fields stay flattened (``location__type``, as dlt stores them), and every child table
``<parent>__<field>`` becomes the list ``<field>`` again, ordered by ``_dlt_list_idx`` (scalar
elements come from dlt's ``value`` column). ``_dlt_*`` columns and tables, and the
``<dataset>_staging`` schema, are left out (§8.7).
"""

from __future__ import annotations

import os
import re
import typing as t
from contextlib import contextmanager
from pathlib import Path

# Before anything imports dlt: its anonymous telemetry stays off for the whole test process.
os.environ["RUNTIME__DLTHUB_TELEMETRY"] = "false"

DATASET = "ds"

#: dlt's own settings for these runs: no telemetry; fewer, faster retries than its defaults
#: (5 attempts, 1-2-4-8 s), which only matter if a fake answers 429/5xx.
_DLT_ENV = {
    "RUNTIME__DLTHUB_TELEMETRY": "false",
    "RUNTIME__REQUEST_MAX_ATTEMPTS": "5",
    "RUNTIME__REQUEST_BACKOFF_FACTOR": "0.2",
    "RUNTIME__REQUEST_MAX_RETRY_DELAY": "5",
    "RUNTIME__LOG_LEVEL": "ERROR",
}


_LOOPBACK = {"127.0.0.1", "localhost", "::1", None}


@contextmanager
def _loopback_only() -> t.Iterator[list[str]]:
    """Record every host name dlt resolves that is not the loopback (telemetry would be one)."""
    import socket

    elsewhere: list[str] = []
    original = socket.getaddrinfo

    def guarded(host: t.Any, *args: t.Any, **kwargs: t.Any) -> t.Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in _LOOPBACK:
            elsewhere.append(str(name))
            raise OSError(f"offline test: dlt tried to reach {name}")
        return original(host, *args, **kwargs)

    socket.getaddrinfo = guarded  # type: ignore[assignment]
    try:
        yield elsewhere
    finally:
        socket.getaddrinfo = original  # type: ignore[assignment]


@contextmanager
def _dlt_environment(workdir: Path) -> t.Iterator[None]:
    env = {**_DLT_ENV, "DLT_DATA_DIR": str(workdir / "dlt-data"), "DLT_PROJECT_DIR": str(workdir / "dlt-project")}
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class DltRun(t.NamedTuple):
    database: Path
    #: child table -> (parent table, the list field's flattened name in the parent)
    children: dict[str, tuple[str, str]]
    state: dict[str, t.Any]


def run_dlt(
    config: dict[str, t.Any] | t.Callable[[], t.Any], workdir: Path, *, pipeline_name: str = "parity"
) -> DltRun:
    """``pipeline.run(rest_api_source(config))`` into ``workdir/dlt.duckdb``; repeatable (state kept).

    ``config`` may also be a callable returning any dlt source or resource (tests of this module).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    with _dlt_environment(workdir), _loopback_only() as elsewhere:
        import dlt
        from dlt.sources.rest_api import rest_api_source

        database = workdir / "dlt.duckdb"
        pipeline = dlt.pipeline(
            pipeline_name=pipeline_name,
            destination=dlt.destinations.duckdb(str(database)),
            dataset_name=DATASET,
            pipelines_dir=str(workdir / "dlt-pipelines"),
        )
        info = pipeline.run(config() if callable(config) else rest_api_source(config))
        assert not info.has_failed_jobs, info
        schema = pipeline.default_schema
        children: dict[str, tuple[str, str]] = {}
        for name, table in schema.tables.items():
            parent = table.get("parent")
            if parent and not name.startswith("_dlt"):
                children[name] = (parent, name[len(parent) + 2 :])
        state = dict(pipeline.state)
    assert not elsewhere, f"dlt tried to reach hosts other than 127.0.0.1: {sorted(set(elsewhere))}"
    return DltRun(database, children, state)


def incremental_state(run: DltRun, resource: str) -> dict[str, t.Any]:
    """dlt's stored incremental state of ``resource`` (``last_value``, ``unique_hashes``...)."""
    resources = run.state.get("sources", {}).get("rest_api", {}).get("resources", {})
    incremental = resources.get(resource, {}).get("incremental", {})
    return next(iter(incremental.values()), {})


_VARIANT = re.compile(r"__v_[a-z0-9_]+$")


def read_dlt(run: DltRun, table: str) -> list[dict[str, t.Any]]:
    """Root table ``table`` with its child tables folded back in as ordered lists."""
    import duckdb

    with duckdb.connect(str(run.database), read_only=True) as con:
        existing = {
            name
            for (name,) in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ?", [DATASET]
            ).fetchall()
        }
        if table not in existing:
            return []

        def fetch(name: str) -> list[dict[str, t.Any]]:
            cursor = con.execute(f'SELECT * FROM "{DATASET}"."{name}"')
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

        def build(name: str, rows: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
            records = []
            by_id: dict[str, dict[str, t.Any]] = {}
            for row in rows:
                record: dict[str, t.Any] = {}
                for column, value in row.items():
                    if column.startswith("_dlt_"):
                        continue
                    base = _VARIANT.sub("", column)  # dlt's variant columns (a type changed)
                    if value is not None or base not in record:
                        record[base] = value
                by_id[row["_dlt_id"]] = record
                records.append((row, record))
            for child, (parent, field) in run.children.items():
                if parent != name or child not in existing:
                    continue
                child_rows = fetch(child)
                child_records = build(child, child_rows)
                grouped: dict[str, list[tuple[int, t.Any]]] = {}
                for row, record in zip(child_rows, child_records, strict=True):
                    element = record["value"] if set(record) == {"value"} else record
                    grouped.setdefault(row["_dlt_parent_id"], []).append((row["_dlt_list_idx"], element))
                for parent_id, elements in grouped.items():
                    if parent_id in by_id:
                        by_id[parent_id][field] = [e for _, e in sorted(elements, key=lambda p: p[0])]
            return [record for _, record in records]

        return build(table, fetch(table))
