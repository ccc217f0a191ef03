"""The DuckDB database file: one connection per run, table DDL, and batch loads."""

from __future__ import annotations

import datetime
import json
import logging
import os
import typing as t
import uuid
from dataclasses import dataclass, fields
from functools import cached_property
from pathlib import Path

import duckdb

from target_duckdb_upsert.columns import normalize_type, quote, widen

#: DuckDB reads NDJSON in buffers sized from ``maximum_object_size`` (the longest line it
#: accepts): sized from the batch's own longest line, not a fixed 64 MiB, a load allocates
#: little more than its batch.
_MIN_OBJECT_SIZE = 1024 * 1024

#: The load-history table, one per target schema, beside the tables it describes.
LOAD_HISTORY = "_load_history"

#: Columns that describe a load, not the source's data: not compared for "unchanged".
_METADATA_PREFIX = "_sdc_"


@dataclass
class TableChanges:
    """What one run did to one table."""

    received: int = 0  # records loaded (after keeping the last one per key within a batch)
    inserted: int = 0  # new keys
    updated: int = 0  # existing keys whose data changed
    unchanged: int = 0  # existing keys sent again with the same data
    deleted: int = 0  # rows removed (hard delete, ACTIVATE_VERSION, overwrite)
    soft_deleted: int = 0  # rows marked with _sdc_deleted_at by ACTIVATE_VERSION

    def add(self, **counts: int) -> None:
        """Add ``counts`` (``inserted=3, ...``) to this table's totals."""
        for name, count in counts.items():
            setattr(self, name, getattr(self, name) + int(count or 0))


class DuckDBWarehouse:
    """Owns the single DuckDB connection used by every sink of one target run.

    DuckDB allows one writer per database file, and sinks are drained one at a
    time (see ``TargetDuckDB.__init__``), so one connection is enough and avoids
    re-opening the file for every batch.
    """

    def __init__(self, filepath: str, logger: logging.Logger) -> None:
        self.filepath = filepath
        self.logger = logger
        self._connection: duckdb.DuckDBPyConnection | None = None
        # Full-table version to activate per table once the input ends cleanly.
        self._pending_versions: dict[tuple[str, str], int] = {}
        # Tables already emptied by load_method=overwrite during this run.
        self._overwritten: set[tuple[str, str]] = set()
        #: This run's load history: one id, the start, and the changes per (schema, table).
        self.load_id = uuid.uuid4().hex
        self.started_at = datetime.datetime.now(tz=datetime.timezone.utc)
        self.changes: dict[tuple[str, str], TableChanges] = {}
        #: The last bookmark each stream's STATE carried, by table name.
        self.bookmarks: dict[str, t.Any] = {}

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The run's one connection, opened on first use (UTC session time zone)."""
        if self._connection is None:
            if self.filepath != ":memory:":
                Path(self.filepath).expanduser().parent.mkdir(parents=True, exist_ok=True)
            self._connection = duckdb.connect(str(Path(self.filepath).expanduser()))
            # Timestamps without an offset are UTC (Singer convention), not the
            # machine's local zone.
            self._connection.execute("SET TimeZone = 'UTC'")
        return self._connection

    @cached_property
    def catalog(self) -> str:
        """The database's own name (the file's stem), which every name here is qualified with."""
        (name,) = self.connection.execute("SELECT current_database()").fetchone() or ("memory",)
        return str(name)

    def qualified(self, schema: str, table: str | None = None) -> str:
        """``"catalog"."schema"."table"``: a schema named like the file would be ambiguous otherwise."""
        return ".".join(quote(part) for part in (self.catalog, schema, table) if part is not None)

    def close(self) -> None:
        """Checkpoint and release the file lock so other readers can open it."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    # DDL

    def table_columns(self, schema: str, table: str) -> dict[str, str]:
        """Return ``{column: canonical type}`` of an existing table (empty if absent)."""
        rows = self.connection.execute(
            "SELECT column_name, data_type FROM duckdb_columns() "
            "WHERE database_name = current_database() "
            "AND schema_name = ? AND table_name = ? ORDER BY column_index",
            [schema, table],
        ).fetchall()
        return {name: normalize_type(data_type) for name, data_type in rows}

    def prepare_table(self, schema: str, table: str, columns: dict[str, str]) -> dict[str, str]:
        """Create the table, add missing columns and widen changed types.

        Returns the table's resulting ``{column: type}``. Columns that the schema no
        longer declares are kept (older rows still hold values there).
        """
        con = self.connection
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {self.qualified(schema)}")
        existing = self.table_columns(schema, table)
        full_name = self.qualified(schema, table)
        if not existing:
            column_ddl = ", ".join(f"{quote(c)} {ty}" for c, ty in columns.items())
            con.execute(f"CREATE TABLE IF NOT EXISTS {full_name} ({column_ddl})")
            return self.table_columns(schema, table)

        for column, wanted in columns.items():
            current = existing.get(column)
            if current is None:
                self.logger.info("Adding column %s.%s %s", full_name, column, wanted)
                con.execute(f"ALTER TABLE {full_name} ADD COLUMN {quote(column)} {wanted}")
                continue
            widened = widen(current, wanted)
            if widened != current:
                self.logger.info(
                    "Widening column %s.%s from %s to %s", full_name, column, current, widened
                )
                con.execute(
                    f"ALTER TABLE {full_name} ALTER COLUMN {quote(column)} SET DATA TYPE {widened}"
                )
        return self.table_columns(schema, table)

    # Loads

    def load_batch(
        self,
        *,
        schema: str,
        table: str,
        staging_file: str,
        longest_line: int,
        staging_columns: dict[str, str],
        insert_columns: t.Sequence[str],
        key_columns: t.Sequence[str],
        deleted_flag: str | None,
        overwrite: bool,
    ) -> None:
        """Load one NDJSON staging file in a single transaction.

        Keyed tables get delete-then-insert by key (whole-row replacement, like
        dlt's merge); key columns are compared with IS NOT DISTINCT FROM so a null
        key part still matches. Rows whose ``deleted_flag`` column is set are
        removed and not inserted (hard delete). The batch's effect (inserted,
        updated, unchanged, deleted) is counted inside the same transaction.
        """
        con = self.connection
        full_name = self.qualified(schema, table)
        # Explicit column types: no type sniffing, no header guessing.
        columns_struct = (
            "{"
            + ", ".join(f"{_sql_string(c)}: {_sql_string(ty)}" for c, ty in staging_columns.items())
            + "}"
        )
        stage = quote(f"_stage_{table}")
        changes = self.changes.setdefault((schema, table), TableChanges())
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {stage} AS SELECT * FROM read_json("
                f"{_sql_string(staging_file)}, format = 'newline_delimited', "
                f"columns = {columns_struct}, maximum_object_size = {max(_MIN_OBJECT_SIZE, longest_line + 1)})"
            )
            if overwrite and (schema, table) not in self._overwritten:
                (emptied,) = con.execute(f"DELETE FROM {full_name}").fetchone() or (0,)
                changes.add(deleted=emptied)
                self._overwritten.add((schema, table))
            counts = self._count_changes(schema, table, stage, insert_columns, key_columns, deleted_flag)
            if key_columns:
                matches = " AND ".join(
                    f"t.{quote(k)} IS NOT DISTINCT FROM s.{quote(k)}" for k in key_columns
                )
                con.execute(f"DELETE FROM {full_name} AS t USING {stage} AS s WHERE {matches}")
            column_list = ", ".join(quote(c) for c in insert_columns)
            keep = f" WHERE {quote(deleted_flag)} IS NULL" if deleted_flag else ""
            con.execute(
                f"INSERT INTO {full_name} ({column_list}) SELECT {column_list} FROM {stage}{keep}"
            )
            con.execute(f"DROP TABLE {stage}")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        changes.add(**counts)

    def _count_changes(
        self,
        schema: str,
        table: str,
        stage: str,
        insert_columns: t.Sequence[str],
        key_columns: t.Sequence[str],
        deleted_flag: str | None,
    ) -> dict[str, int]:
        """How the staged batch will change the table: compared by key, on the data columns."""
        con = self.connection
        full_name = self.qualified(schema, table)
        if not key_columns:
            (received,) = con.execute(f"SELECT count(*) FROM {stage}").fetchone() or (0,)
            return {"received": received, "inserted": received}
        types = self.table_columns(schema, table)
        matches = " AND ".join(f"t.{quote(k)} IS NOT DISTINCT FROM s.{quote(k)}" for k in key_columns)
        data = [c for c in insert_columns if not c.startswith(_METADATA_PREFIX)]
        same = " AND ".join(
            f"t.{quote(c)} IS NOT DISTINCT FROM CAST(s.{quote(c)} AS {types[c]})" for c in data
        ) or "true"
        flagged = f"s.{quote(deleted_flag)} IS NOT NULL" if deleted_flag else "false"
        # Only the table's rows of this batch's keys are joined (the table can be far larger).
        batch_rows = (
            f"SELECT t.*, true AS _present FROM {full_name} AS t SEMI JOIN {stage} AS s ON {matches}"
        )
        row = con.execute(
            f"SELECT count(*), "
            f"count(*) FILTER (WHERE NOT ({flagged}) AND t._present IS NULL), "
            f"count(*) FILTER (WHERE NOT ({flagged}) AND t._present AND NOT ({same})), "
            f"count(*) FILTER (WHERE NOT ({flagged}) AND t._present AND ({same})), "
            f"count(*) FILTER (WHERE ({flagged}) AND t._present) "
            f"FROM {stage} AS s LEFT JOIN ({batch_rows}) AS t ON {matches}"
        ).fetchone()
        received, inserted, updated, unchanged, deleted = row or (0, 0, 0, 0, 0)
        return {
            "received": received,
            "inserted": inserted,
            "updated": updated,
            "unchanged": unchanged,
            "deleted": deleted,
        }

    # ACTIVATE_VERSION

    def request_version(self, schema: str, table: str, version: int) -> None:
        """Remember a full-table version; it is applied by :meth:`activate_versions`.

        The SDK emits ACTIVATE_VERSION *before* the records of a full-table sync.
        Deleting at that moment would empty the table until the records arrive,
        and for good if the sync then fails, so the cleanup waits for the end of
        a complete input.
        """
        key = (schema, table)
        self._pending_versions[key] = max(version, self._pending_versions.get(key, version))

    def activate_versions(self, *, hard_delete: bool) -> None:
        """Remove (or soft-delete) rows that the latest full-table sync did not send."""
        con = self.connection
        for (schema, table), version in sorted(self._pending_versions.items()):
            full_name = self.qualified(schema, table)
            stale = "(_sdc_table_version IS NULL OR _sdc_table_version < ?)"
            if hard_delete:
                deleted = con.execute(
                    f"DELETE FROM {full_name} WHERE {stale}", [version]
                ).fetchall()
                action = "Deleted"
            else:
                deleted = con.execute(
                    f"UPDATE {full_name} SET _sdc_deleted_at = ? "
                    f"WHERE {stale} AND _sdc_deleted_at IS NULL",
                    [datetime.datetime.now(tz=datetime.timezone.utc), version],
                ).fetchall()
                action = "Soft-deleted"
            count = deleted[0][0] if deleted else 0
            self.changes.setdefault((schema, table), TableChanges()).add(
                **{"deleted" if hard_delete else "soft_deleted": count}
            )
            self.logger.info("%s %s rows of %s older than version %s", action, count, full_name, version)
        self._pending_versions.clear()

    # Load history

    def record_load_history(self) -> list[dict[str, t.Any]]:
        """Append this run's changes per table to each schema's load-history table; return them."""
        finished_at = datetime.datetime.now(tz=datetime.timezone.utc)
        con = self.connection
        entries = []
        for (schema, table), changes in sorted(self.changes.items()):
            (rows_now,) = con.execute(
                f"SELECT count(*) FROM {self.qualified(schema, table)}"
                + (" WHERE _sdc_deleted_at IS NULL" if "_sdc_deleted_at" in self.table_columns(schema, table) else "")
            ).fetchone() or (0,)
            bookmark = self.bookmarks.get(table)
            entries.append(
                {
                    "load_id": self.load_id,
                    "started_at": self.started_at,
                    "finished_at": finished_at,
                    "environment": os.environ.get("MELTANO_ENVIRONMENT"),
                    "extractor": os.environ.get("MELTANO_EXTRACTOR_NAME"),
                    "schema_name": schema,
                    "table_name": table,
                    **{f.name: getattr(changes, f.name) for f in fields(changes)},
                    "rows_now": rows_now,
                    "bookmark": None if bookmark is None else json.dumps(bookmark, default=str),
                }
            )
        for schema in sorted({schema for schema, _ in self.changes}):
            con.execute(f"CREATE TABLE IF NOT EXISTS {self.qualified(schema, LOAD_HISTORY)} ({_HISTORY_COLUMNS})")
            for entry in (e for e in entries if e["schema_name"] == schema):
                names = [n for n in entry if n != "schema_name"]
                con.execute(
                    f"INSERT INTO {self.qualified(schema, LOAD_HISTORY)} ({', '.join(names)}) "
                    f"VALUES ({', '.join('?' for _ in names)})",
                    [entry[n] for n in names],
                )
        return entries


_HISTORY_COLUMNS = ", ".join(
    [
        "load_id VARCHAR",
        "started_at TIMESTAMPTZ",
        "finished_at TIMESTAMPTZ",
        "environment VARCHAR",
        "extractor VARCHAR",
        "table_name VARCHAR",
        *(f"{f.name} BIGINT" for f in fields(TableChanges)),
        "rows_now BIGINT",
        "bookmark VARCHAR",
    ]
)


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
