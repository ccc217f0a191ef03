"""`make demo`: the main job on the embedded default.

Starts the local API sandbox, runs every tap present into DuckDB (output/sandbox/warehouse.duckdb) with
`meltano --environment=sandbox run`, prints what the run changed per table (the loader's load
history), and stops the sandbox. Run it
again and the second run is incremental: Meltano keeps the sandbox environment's state. When the
warehouse file is missing (first run, or deleted to start over) the run is a full refresh.
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OUTPUT = ROOT / "output"
ENV_FILE = OUTPUT / "sandbox.env"
WAREHOUSE = OUTPUT / "sandbox" / "warehouse.duckdb"  # meltano.yml: output/<environment>/


def taps_present() -> list[str]:
    """Taps with a plugin definition and a fake to run against."""
    from api_sandbox import registry

    fakes = set(registry.available())
    plugin_files = (ROOT / "plugins" / "extractors").glob("tap-*.meltano.yml")
    defined = sorted(p.name.removesuffix(".meltano.yml") for p in plugin_files)
    return [tap for tap in defined if tap.removeprefix("tap-") in fakes]


def start_sandbox(apis: list[str]) -> tuple[subprocess.Popen, dict[str, str]]:
    """Start the fakes of ``apis`` in a child process; return it and their URLs by variable."""
    ENV_FILE.unlink(missing_ok=True)
    process = subprocess.Popen(
        [str(BIN / "python"), "-m", "api_sandbox", "serve", "--apis", ",".join(apis), "--env-file", str(ENV_FILE)],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not ENV_FILE.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            sys.exit("The API sandbox did not start; run `python -m api_sandbox serve` to see why.")
        time.sleep(0.1)
    urls = dict(line.split("=", 1) for line in ENV_FILE.read_text().split())
    return process, urls


def print_change_report(since: datetime.datetime) -> None:
    """What this run did, per table: the loader's load history since ``since``."""
    with duckdb.connect(str(WAREHOUSE), read_only=True) as con:
        schemas = [s for (s,) in con.execute(
            "SELECT DISTINCT table_schema FROM information_schema.tables WHERE table_name = '_load_history' ORDER BY 1"
        ).fetchall()]
        rows = []
        for schema in schemas:
            rows += con.execute(
                f"SELECT '{schema}.' || table_name, inserted, updated, unchanged, deleted + soft_deleted, rows_now, "
                f"coalesce(bookmark, '') FROM \"{schema}\"._load_history WHERE finished_at >= ? ORDER BY table_name",
                [since],
            ).fetchall()
    headers = ("table", "inserted", "updated", "unchanged", "deleted", "rows now", "bookmark")
    width = max([len(headers[0]), *(len(r[0]) for r in rows)])
    print(f"\nWhat this run changed in {WAREHOUSE.relative_to(ROOT)}:")
    print(f"  {headers[0]:<{width}}  " + "  ".join(f"{h:>9}" for h in headers[1:6]) + f"  {headers[6]}")
    for table, *counts, bookmark in rows:
        print(f"  {table:<{width}}  " + "  ".join(f"{c:>9,}" for c in counts) + f"  {bookmark}")


def main() -> int:
    """Run every tap against the sandbox into DuckDB and print what the run changed."""
    taps = taps_present()
    if not taps:
        sys.exit("No tap has both a plugin file in plugins/extractors and a fake in the sandbox.")
    sandbox, urls = start_sandbox([tap.removeprefix("tap-") for tap in taps])
    try:
        print(f"API sandbox running: {', '.join(urls.values())}")
        blocks = [block for tap in taps for block in (tap, "target-duckdb")]
        env = {**os.environ, **urls}
        command = [str(BIN / "meltano"), "--environment=sandbox", "run", *blocks]
        if not WAREHOUSE.exists():
            # Saved bookmarks describe data this warehouse no longer holds: start over.
            command.insert(3, "--full-refresh")
        print("$ meltano " + " ".join(command[1:]), flush=True)
        started = datetime.datetime.now(tz=datetime.timezone.utc)
        result = subprocess.run(command, cwd=ROOT, env=env, check=False)
        if result.returncode != 0:
            return result.returncode
        print_change_report(started)
        return 0
    finally:
        sandbox.send_signal(signal.SIGTERM)
        sandbox.wait(timeout=30)
        ENV_FILE.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
