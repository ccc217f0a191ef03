"""The DuckDB column types a tap's tables get, as one Markdown table row per table.

The tap runs against its fake into the project's DuckDB loader, and the columns are read back.

    .venv/bin/python scripts/column_types.py float          # print the table
    .venv/bin/python scripts/column_types.py float --write  # update taps/tap-float/README.md

Each tap's README carries this table between ``<!-- column-types:start -->`` and
``<!-- column-types:end -->``; tests/common/test_readme_column_types.py fails when it is stale.
Metadata columns (``_sdc_*``) and the loader's ``_load_history`` table are left out.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import typing as t
from pathlib import Path

import duckdb
from script_support import tap_class, write_block

from api_sandbox import registry

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
START, END = "<!-- column-types:start -->", "<!-- column-types:end -->"


def tap_settings(tap: str) -> dict[str, dict]:
    """The tap's settings schema, from the class its console script names (``module:Class.cli``)."""
    properties: dict[str, dict] = tap_class(tap).config_jsonschema["properties"]
    return properties


def column_types(api: str) -> dict[str, list[tuple[str, str]]]:
    """Table -> [(column, DuckDB type)] after a full sync of the fake (seed 3, scale 0.2)."""
    tap = f"tap-{api}"
    settings = tap_settings(tap)
    (credential,) = [name for name, schema in settings.items() if schema.get("secret")]
    fake = registry.load(api)(seed=3, scale=0.2, enforce_rate_limits=False).start()
    try:
        with tempfile.TemporaryDirectory() as workdir:
            config: dict[str, t.Any] = {"api_url": fake.url, credential: fake.valid_key}
            config |= {name: 0 for name in settings if name.startswith("max_requests_per_")}
            database = Path(workdir) / "warehouse.duckdb"
            (Path(workdir) / "tap.json").write_text(json.dumps(config))
            target_config = {"filepath": str(database), "default_target_schema": "tap"}
            (Path(workdir) / "target.json").write_text(json.dumps(target_config))
            tap_run = subprocess.Popen(
                [str(BIN / tap), "--config", f"{workdir}/tap.json"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
            )
            loaded = subprocess.run(
                [str(BIN / "target-duckdb"), "--config", f"{workdir}/target.json"],
                stdin=tap_run.stdout, capture_output=True, check=False,
            )
            if tap_run.wait() != 0 or loaded.returncode != 0:
                sys.exit(f"{tap} into DuckDB failed: {loaded.stderr.decode()[-2000:]}")
            with duckdb.connect(str(database), read_only=True) as connection:
                rows = connection.execute(
                    "select table_name, column_name, data_type from information_schema.columns "
                    "where table_schema = 'tap' and table_name <> '_load_history' "
                    "and column_name not like '\\_sdc\\_%' escape '\\' "
                    "order by table_name, ordinal_position"
                ).fetchall()
    finally:
        fake.stop()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


def markdown(tables: dict[str, list[tuple[str, str]]]) -> str:
    """The README table: one row per table, its columns and their DuckDB types."""
    lines = ["| Table | Columns (DuckDB type) |", "| --- | --- |"]
    for table, columns in tables.items():
        lines.append(f"| `{table}` | " + ", ".join(f"`{c}` {t}" for c, t in columns) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the table for one API, or write it into the tap's README (``--write``)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("api", choices=registry.available())
    parser.add_argument("--write", action="store_true", help="replace the block in the tap's README")
    args = parser.parse_args(argv)
    table = markdown(column_types(args.api))
    if not args.write:
        print(table)
        return 0
    write_block(ROOT / "taps" / f"tap-{args.api}" / "README.md", START, END, table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
