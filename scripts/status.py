"""`make status`: per environment, tap and table, the last run and what the warehouse holds.

    .venv/bin/python scripts/status.py [--environment sandbox]

For each Meltano environment of the project: every tap's last run and its outcome, and the
last failed run if a failure came after the last success (from Meltano's system database, the
`runs` table Meltano keeps for `meltano run`), then per table of that environment's DuckDB
warehouse the rows it holds, when it was last loaded and the bookmark that load reached (from
the loader's `_load_history`). Nothing is changed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import sys
import typing as t
from pathlib import Path

import duckdb
import yaml

ROOT = Path(__file__).resolve().parents[1]


def environments(project: Path) -> list[str]:
    """The environments meltano.yml declares."""
    definition = yaml.safe_load((project / "meltano.yml").read_text()) or {}
    return [environment["name"] for environment in definition.get("environments") or []]


def runs(project: Path) -> list[tuple[str, str, t.Any, t.Any]]:
    """Meltano's recorded runs: (state id `<env>:<tap>-to-<target>`, outcome, started, ended)."""
    uri = os.environ.get("MELTANO_DATABASE_URI", f"sqlite:///{project / '.meltano' / 'meltano.db'}")
    path = uri.removeprefix("sqlite:///")
    if not uri.startswith("sqlite:///") or not Path(path).exists():
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return list(connection.execute("SELECT job_name, state, started_at, ended_at FROM runs ORDER BY started_at"))


def tables(warehouse: Path) -> list[tuple[str, str, int, t.Any, str]]:
    """Per table of the warehouse: (schema, table, rows now, last load finished, bookmark)."""
    if not warehouse.exists():
        return []
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        schemas = [
            schema
            for (schema,) in connection.execute(
                "SELECT DISTINCT table_schema FROM information_schema.tables "
                "WHERE table_name = '_load_history' ORDER BY 1"
            ).fetchall()
        ]
        found: list[tuple[str, str, int, t.Any, str]] = []
        for schema in schemas:
            found += connection.execute(
                f"SELECT '{schema}', table_name, arg_max(rows_now, finished_at), max(finished_at), "
                f"coalesce(arg_max(bookmark, finished_at), '') FROM \"{schema}\"._load_history "
                "GROUP BY table_name ORDER BY table_name"
            ).fetchall()
        return found


def when(value: t.Any) -> str:
    """A timestamp as `YYYY-MM-DD HH:MM UTC`."""
    if value is None:
        return "-"
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def report(project: Path, environment: str, recorded: list[tuple[str, str, t.Any, t.Any]]) -> list[str]:
    """The status lines of one environment."""
    warehouse = project / "output" / environment / "warehouse.duckdb"
    lines = [f"Environment `{environment}` ({warehouse.relative_to(project)}):"]
    by_job: dict[str, list[tuple[str, t.Any, t.Any]]] = {}
    for job, outcome, started, ended in recorded:
        if job.startswith(f"{environment}:"):
            by_job.setdefault(job.split(":", 1)[1], []).append((outcome, started, ended))
    if not by_job:
        lines.append("  no runs yet")
    for job, history in sorted(by_job.items()):
        outcome, started, ended = history[-1]
        line = f"  {job}: last run {when(ended or started)} {outcome}"
        failures = [h for h in history if h[0] == "FAIL"]
        successes = [h for h in history if h[0] == "SUCCESS"]
        if failures and (not successes or str(failures[-1][1]) > str(successes[-1][1])):
            line += f"; failing since {when(failures[-1][1])} (the run's log says why)"
        lines.append(line)
    loaded = tables(warehouse)
    if loaded:
        width = max(len(f"{schema}.{table}") for schema, table, *_ in loaded)
        lines.append(f"  {'table':<{width}}  {'rows':>9}  {'last loaded':<20}  bookmark")
        for schema, table, rows_now, finished, bookmark in loaded:
            lines.append(f"  {schema + '.' + table:<{width}}  {rows_now:>9,}  {when(finished):<20}  {bookmark}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print the status of every environment (or of one)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--environment", help="only this environment")
    parser.add_argument("--project", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    recorded = runs(args.project)
    for environment in environments(args.project):
        if args.environment in (None, environment):
            print("\n".join(report(args.project, environment, recorded)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
