"""The root README's stream table, read from the taps themselves: every stream, its key, mode and deletions.

    .venv/bin/python scripts/stream_table.py          # print the table
    .venv/bin/python scripts/stream_table.py --write  # update README.md

The table sits between ``<!-- streams:start -->`` and ``<!-- streams:end -->`` in README.md;
tests/common/test_readme_streams.py fails when it is stale. What a deletion at the source becomes
follows from how the stream is read:

- a stream that lists everything on every run (``marks_complete_snapshots``) ends each complete
  listing with ACTIVATE_VERSION, so the loader retires the rows the API no longer lists;
- a stream whose schema declares ``_sdc_deleted_at`` gets records for the ids the vendor's delete
  log reports, so the loader removes or marks them;
- any other stream keeps a deleted row as last seen (what dlt's merge does for every stream).

The last column marks the streams of the original dlt specification, read from its translation
for the parity tests (``tests/parity/dlt_configs``); the others go beyond it.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import sys
import typing as t
from pathlib import Path

from script_support import tap_class, write_block

from api_sandbox import registry

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START, END = "<!-- streams:start -->", "<!-- streams:end -->"
TAPS = ("tap-calendly", "tap-luma", "tap-float", "tap-savvycal", "tap-oncehub")


def tap_streams(tap: str) -> list[t.Any]:
    """The tap's streams in its discovery order, from the class its console script names."""
    return list(tap_class(tap)(config={}, validate_config=False, setup_mapper=False).streams.values())


def specified_streams(tap: str) -> set[str]:
    """The resource names of the original dlt specification for ``tap``'s API."""
    api = tap.removeprefix("tap-")
    if str(ROOT / "tests") not in sys.path:
        sys.path.insert(0, str(ROOT / "tests"))  # the translations import the tests' helpers
    module = importlib.import_module(f"parity.dlt_configs.{api}")
    fake = registry.load(api)(seed=1, scale=0.01, enforce_rate_limits=False).start()  # read, never called
    try:
        return {resource["name"] for resource in module.config(fake)["resources"]}
    finally:
        fake.stop()


def replication(stream: t.Any) -> str:
    """Incremental on its replication key, or full table; per parent when it has one."""
    mode = f"incremental on `{stream.replication_key}`" if stream.replication_key else "full table"
    parent = stream.parent_stream_type
    return f"{mode}, per `{parent.name}`" if parent else mode


def deletion(stream: t.Any) -> str:
    """What a row deleted at the source becomes in the warehouse (see the module docstring)."""
    parent = stream.parent_stream_type
    listed_whole = getattr(stream, "marks_complete_snapshots", False) and (
        parent is None or getattr(parent, "marks_complete_snapshots", False)
    )
    if listed_whole:
        return "retired at the next complete listing"
    if "_sdc_deleted_at" in stream.schema.get("properties", {}):
        return "removed or marked from the delete log"
    return "kept as last seen"


def markdown() -> str:
    """One row per stream of every tap."""
    lines = [
        "| Tap | Stream | Key | Replication | A row deleted at the source | In the dlt specification |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for tap in TAPS:
        specified = specified_streams(tap)
        for stream in tap_streams(tap):
            key = ", ".join(f"`{k}`" for k in stream.primary_keys or [])
            in_spec = "yes" if stream.name in specified else ""
            lines.append(
                f"| `{tap}` | `{stream.name}` | {key} | {replication(stream)} | {deletion(stream)} | {in_spec} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the table, or write it into README.md (``--write``)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="replace the block in README.md")
    args = parser.parse_args(argv)
    table = markdown()
    if not args.write:
        print(table)
        return 0
    write_block(README, START, END, table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
