"""DuckDB target class."""

from __future__ import annotations

import typing as t

from singer_sdk import typing as th
from singer_sdk.helpers.capabilities import PluginCapabilities, TargetCapabilities
from singer_sdk.target_base import Target

from target_duckdb_upsert.columns import safe_identifier
from target_duckdb_upsert.sdk_private import StateListener
from target_duckdb_upsert.sinks import DuckDBSink
from target_duckdb_upsert.warehouse import DuckDBWarehouse

if t.TYPE_CHECKING:
    from singer_sdk.sinks import Sink


class TargetDuckDB(StateListener, Target):
    """Singer target for DuckDB: upsert by key, ACTIVATE_VERSION, no lost rows."""

    name = "target-duckdb"
    # The distribution name differs from the executable; used for --version.
    package_name = "target-duckdb-upsert"

    capabilities: t.ClassVar[list] = [
        *Target.capabilities,
        PluginCapabilities.ACTIVATE_VERSION,
        TargetCapabilities.HARD_DELETE,
        TargetCapabilities.TARGET_SCHEMA,
    ]

    config_jsonschema = th.PropertiesList(
        th.Property(
            "filepath",
            th.StringType,
            required=True,
            title="Database file",
            description=(
                "Path of the DuckDB database file; created with its parent folders "
                "if missing. `:memory:` works for tests."
            ),
            examples=["output/warehouse.duckdb"],
        ),
        th.Property(
            "default_target_schema",
            th.StringType,
            title="Target schema",
            description=(
                "Database schema the tables are written to (created if missing). Default: the "
                "extractor's load schema when run by Meltano (`MELTANO_EXTRACT__LOAD_SCHEMA`, "
                "e.g. `tap_calendly`), else `main`. Tables are named after the stream, "
                "lower-cased, with any character outside [a-z0-9_] replaced by `_`."
            ),
        ),
        th.Property(
            "add_record_metadata",
            th.BooleanType,
            default=True,
            title="Add metadata columns",
            description=(
                "Store the SDK's `_sdc_*` columns (`_sdc_extracted_at`, "
                "`_sdc_received_at`, `_sdc_batched_at`, `_sdc_deleted_at`, "
                "`_sdc_sequence`, `_sdc_table_version`, `_sdc_sync_started_at`). "
                "ACTIVATE_VERSION handling and soft deletes need it."
            ),
        ),
        th.Property(
            "hard_delete",
            th.BooleanType,
            default=False,
            title="Hard delete",
            description=(
                "When true, a record whose `_sdc_deleted_at` is set deletes the row "
                "with its key (and is not inserted), and ACTIVATE_VERSION deletes the "
                "rows a full-table sync no longer sends. When false, such rows are "
                "kept and marked in `_sdc_deleted_at` (soft delete)."
            ),
        ),
        th.Property(
            "load_method",
            th.StringType,
            default="upsert",
            allowed_values=["upsert", "append-only", "overwrite"],
            title="Load method",
            description=(
                "`upsert`: one row per `key_properties` value, the last record wins "
                "(streams without keys append). `append-only`: insert every record. "
                "`overwrite`: empty each table that receives records in this run, "
                "then load (keys still deduplicate)."
            ),
        ),
        th.Property(
            "batch_size_rows",
            th.IntegerType,
            default=DuckDBSink.MAX_SIZE_DEFAULT,
            title="Batch size (rows)",
            description=(
                "Records buffered per stream before a load (or fewer, see "
                "`batch_size_bytes`). State is emitted only after every buffered record "
                "is committed."
            ),
        ),
        th.Property(
            "batch_size_bytes",
            th.IntegerType(minimum=1),
            default=DuckDBSink.MAX_BYTES_DEFAULT,
            title="Batch size (bytes)",
            description=(
                "Encoded record bytes buffered per stream before a load, whatever the "
                "number of rows: with wide records this, not `batch_size_rows`, bounds "
                "the loader's memory."
            ),
        ),
    ).to_dict()

    default_sink_class = DuckDBSink

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.warehouse = DuckDBWarehouse(self.config["filepath"], self.logger)
        # DuckDB has one writer per file and our single connection is not meant
        # to be shared across threads: drain sinks one after another.
        self.max_parallelism = 1

    def get_sink(
        self,
        stream_name: str,
        *,
        record: dict | None = None,
        schema: dict | None = None,
        key_properties: t.Sequence[str] | None = None,
    ) -> Sink:
        """Return the stream's sink; commit the old one first if the schema changed.

        The SDK parks a replaced sink until the next full drain. Its older records
        could then be written after newer records of the new sink (which may
        drain first when full) and overwrite them, so drain it right away.
        Identical SCHEMA messages (a child stream re-emits one per parent record)
        never reach this point: the SDK ignores them without a flush.
        """
        existing = (
            super().get_sink(stream_name)
            if schema is not None and self.sink_exists(stream_name)
            else None
        )
        if existing is not None and (
            existing.original_schema != schema or existing.key_properties != key_properties
        ):
            self.drain_one(existing)
        return super().get_sink(
            stream_name, record=record, schema=schema, key_properties=key_properties
        )

    def process_endofpipe(self) -> None:
        """Commit everything, apply ACTIVATE_VERSION cleanups, record the load history, close.

        Cleanups run only here, at the end of a complete input, never on a
        termination signal: a sync that stopped half-way must not delete rows.
        """
        self.drain_all()
        self.warehouse.activate_versions(hard_delete=bool(self.config.get("hard_delete")))
        entries = self.warehouse.record_load_history()
        super().process_endofpipe()
        self.warehouse.close()
        for line in change_report(entries):
            self.logger.info("%s", line)

    def on_state(self, state: dict[str, t.Any]) -> None:
        """Remember the bookmark each stream reached, for the load history."""
        for stream, bookmark in (state.get("bookmarks") or {}).items():
            if isinstance(bookmark, dict) and bookmark.get("replication_key_value") is not None:
                self.warehouse.bookmarks[safe_identifier(stream)] = bookmark["replication_key_value"]


def change_report(entries: list[dict[str, t.Any]]) -> list[str]:
    """This run's changes per table, as aligned text lines."""
    if not entries:
        return ["Load report: no records received."]
    columns = ("received", "inserted", "updated", "unchanged", "deleted", "soft_deleted", "rows_now")
    names = [f"{e['schema_name']}.{e['table_name']}" for e in entries]
    width = max(len(n) for n in [*names, "table"])
    header = f"{'table':<{width}}  " + "  ".join(f"{c:>12}" for c in columns) + "  bookmark"
    lines = [f"Load report ({entries[0]['load_id'][:8]}):", header]
    for name, entry in zip(names, entries, strict=True):
        counts = "  ".join(f"{entry[c]:>12,}" for c in columns)
        lines.append(f"{name:<{width}}  {counts}  {entry['bookmark'] or ''}")
    return lines


if __name__ == "__main__":
    TargetDuckDB.cli()
