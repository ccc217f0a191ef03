"""Side-by-side load benchmark for Singer DuckDB targets.

Generates its own Singer input, runs each target as a subprocess on the same
file, and reports wall time, records/s, peak RSS and the resulting row count
(which must equal the number of distinct keys).

Usage (from the repository root):

    python targets/target-duckdb/benchmarks/bench.py \
        --target ours=/tmp/loader-venv/bin/target-duckdb \
        --target pypi-0.8.0=/tmp/pypi-venv/bin/target-duckdb

Each ``--target`` is ``label=executable``; every target gets the same config
(``filepath``, ``default_target_schema``) and otherwise its own defaults.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

EVENT_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "uri": {"type": "string"},
        "name": {"type": ["string", "null"]},
        "status": {"type": ["string", "null"]},
        "start_time": {"type": ["string", "null"], "format": "date-time"},
        "updated_at": {"type": ["string", "null"], "format": "date-time"},
        "duration": {"type": ["number", "null"]},
        "location": {
            "type": ["object", "null"],
            "properties": {
                "type": {"type": ["string", "null"]},
                "join_url": {"type": ["string", "null"]},
                "data": {"type": ["object", "null"]},
            },
        },
        "guests": {"type": ["array", "null"], "items": {"type": "object"}},
        "tags": {"type": ["array", "null"], "items": {"type": "string"}},
    },
}
INVITEE_SCHEMA = {
    "type": "object",
    "properties": {
        "event_id": {"type": "integer"},
        "id": {"type": "integer"},
        "email": {"type": ["string", "null"]},
        "answers": {"type": ["array", "null"], "items": {"type": "object"}},
    },
}


def _event(rng: random.Random, key: int, i: int) -> dict:
    return {
        "id": key,
        "uri": f"https://api.example.test/scheduled_events/{key}",
        "name": f"Event {i}",
        "status": rng.choice(["active", "canceled"]),
        "start_time": f"2024-0{1 + i % 9}-1{i % 10}T1{i % 10}:30:00.000000Z",
        "updated_at": f"2024-10-0{1 + i % 9}T08:00:00+02:00",
        "duration": rng.choice([15, 30, 45.5]),
        "location": {
            "type": "zoom",
            "join_url": f"https://zoom.example.test/{i}",
            "data": {"id": i, "settings": {"waiting_room": i % 2 == 0}},
        },
        "guests": [
            {"email": f"g{i}-{n}@example.test", "created_at": "2024-01-01"} for n in range(i % 4)
        ],
        "tags": ["sales", "demo"][: i % 3],
    }


def write_input(path: Path, n_records: int, n_parents: int, seed: int = 7) -> tuple[int, int]:
    """Write the Singer file; return (distinct event keys, distinct invitee keys).

    ``events`` gets ``n_records`` records over ``0.6 * n_records`` keys (repeats,
    last wins). ``invitees`` is a child stream whose SCHEMA is re-sent once per
    parent, as the SDK does, with 5 records per parent.
    """
    rng = random.Random(seed)
    distinct = int(n_records * 0.6)
    with path.open("w") as out:

        def emit(message: dict) -> None:
            out.write(json.dumps(message, separators=(",", ":")))
            out.write("\n")

        emit(
            {"type": "SCHEMA", "stream": "events", "schema": EVENT_SCHEMA, "key_properties": ["id"]}
        )
        for i in range(n_records):
            key = i if i < distinct else rng.randrange(distinct)
            emit(
                {
                    "type": "RECORD",
                    "stream": "events",
                    "record": _event(rng, key, i),
                    "time_extracted": "2024-11-01T00:00:00+00:00",
                }
            )
            if i % 5000 == 4999:
                emit(
                    {
                        "type": "STATE",
                        "value": {"bookmarks": {"events": {"replication_key_value": i}}},
                    }
                )
        for parent in range(n_parents):
            emit(
                {
                    "type": "SCHEMA",
                    "stream": "invitees",
                    "schema": INVITEE_SCHEMA,
                    "key_properties": ["event_id", "id"],
                }
            )
            for n in range(5):
                emit(
                    {
                        "type": "RECORD",
                        "stream": "invitees",
                        "record": {
                            "event_id": parent,
                            "id": n,
                            "email": f"i{parent}-{n}@example.test",
                            "answers": [{"q": "Why?", "a": "Because"}],
                        },
                    }
                )
        emit(
            {"type": "STATE", "value": {"bookmarks": {"events": {"replication_key_value": "done"}}}}
        )
    return distinct, n_parents * 5


def run_target(
    label: str,
    executable: str,
    singer_file: Path,
    workdir: Path,
    batch_size_rows: int | None,
    extra_config: dict,
) -> dict:
    """Run one target on the benchmark input; return its times, peak memory and row counts."""
    # jwills' target derives a catalog name from the file name and breaks on
    # dots or hyphens in it, so the file name avoids the label.
    db = workdir / f"bench_{abs(hash(label))}.duckdb"
    for leftover in (db, Path(f"{db}.wal")):
        leftover.unlink(missing_ok=True)
    # Both this loader and jwills' target-duckdb use these two setting names.
    config: dict = {"filepath": str(db), "default_target_schema": "bench"}
    if batch_size_rows:
        config["batch_size_rows"] = batch_size_rows  # same name in both targets
    config.update(extra_config)
    config_file = workdir / f"{label}.json"
    config_file.write_text(json.dumps(config))
    started = time.perf_counter()
    with singer_file.open("rb") as stdin, (workdir / f"{label}.log").open("wb") as log:
        proc = subprocess.Popen(
            [executable, "--config", str(config_file)],
            stdin=stdin,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{label} failed; see {workdir / (label + '.log')}")
    with duckdb.connect(str(db), read_only=True) as con:
        events = con.execute("SELECT count(*) FROM bench.events").fetchall()[0][0]
        tables = {
            row[0]
            for row in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'bench'"
            ).fetchall()
        }
        invitees = (
            con.execute("SELECT count(*) FROM bench.invitees").fetchall()[0][0]
            if "invitees" in tables
            else 0
        )
    return {
        "label": label,
        "seconds": elapsed,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "events_rows": events,
        "invitees_rows": invitees,
    }


def main() -> None:
    """Write the benchmark input, run each target on it, print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--target", action="append", required=True, help="label=executable")
    parser.add_argument("--records", type=int, default=100_000, help="records of the events stream")
    parser.add_argument("--parents", type=int, default=2_000, help="parents of the child stream")
    parser.add_argument(
        "--batch-size-rows",
        type=int,
        default=None,
        help="batch_size_rows for every target (default: each target's own)",
    )
    parser.add_argument(
        "--extra-config",
        action="append",
        default=[],
        help="label=JSON object merged into that target's config, "
        "e.g. ours='{\"validate_records\": false}'",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per target (best is reported)")
    args = parser.parse_args()

    extra = {}
    for spec in args.extra_config:
        label, _, raw = spec.partition("=")
        extra[label] = json.loads(raw)

    with tempfile.TemporaryDirectory(prefix="duckdb-bench-") as tmp:
        workdir = Path(tmp)
        singer_file = workdir / "input.jsonl"
        distinct_events, distinct_invitees = write_input(singer_file, args.records, args.parents)
        total = args.records + args.parents * 5
        print(
            f"input: {total} records ({args.records} events over {distinct_events} keys, "
            f"{args.parents * 5} invitees with {args.parents} SCHEMA re-emissions), "
            f"{singer_file.stat().st_size / 1e6:.1f} MB"
        )
        # CPU seconds (user + sys of the target process) are the fairer number on
        # a shared machine; wall seconds include waiting for other processes.
        print(
            f"{'target':<14}{'wall s':>8}{'records/s':>11}{'cpu s':>8}{'rec/cpu-s':>11}"
            f"{'peak RSS MB':>13}{'events':>9}{'invitees':>10}  rows ok"
        )
        for spec in args.target:
            label, executable = spec.split("=", 1)
            best = min(
                (
                    run_target(
                        label,
                        executable,
                        singer_file,
                        workdir,
                        args.batch_size_rows,
                        extra.get(label, {}),
                    )
                    for _ in range(args.repeat)
                ),
                key=lambda r: r["seconds"],
            )
            ok = (
                best["events_rows"] == distinct_events
                and best["invitees_rows"] == distinct_invitees
            )
            print(
                f"{label:<14}{best['seconds']:>8.2f}{total / best['seconds']:>11.0f}"
                f"{best['cpu_seconds']:>8.2f}{total / best['cpu_seconds']:>11.0f}"
                f"{best['peak_rss_mb']:>13.0f}{best['events_rows']:>9}"
                f"{best['invitees_rows']:>10}  {ok}"
            )


if __name__ == "__main__":
    main()
