"""`make demo`: the main job on the embedded default.

Starts the local API sandbox, runs every tap present into DuckDB (output/sandbox/warehouse.duckdb) with
`meltano --environment=sandbox run`, prints a row count per table, and stops the sandbox. Run it
again and the second run is incremental: Meltano keeps the sandbox environment's state. When the
warehouse file is missing (first run, or deleted to start over) the run is a full refresh.
"""

from __future__ import annotations

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
    defined = sorted(p.name.removesuffix(".meltano.yml") for p in (ROOT / "plugins/extractors").glob("tap-*.meltano.yml"))
    return [tap for tap in defined if tap.removeprefix("tap-") in fakes]


def start_sandbox(apis: list[str]) -> tuple[subprocess.Popen, dict[str, str]]:
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


def print_row_counts() -> None:
    with duckdb.connect(str(WAREHOUSE), read_only=True) as con:
        found = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema LIKE 'tap_%' ORDER BY 1, 2"
        ).fetchall()
        print(f"\nRows per table in {WAREHOUSE.relative_to(ROOT)}:")
        width = max((len(f"{s}.{t}") for s, t in found), default=10)
        for schema, table in found:
            (count,) = con.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()
            print(f"  {schema + '.' + table:<{width}}  {count:>8,}")


def main() -> int:
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
        print("$ " + " ".join(command[1:]), flush=True)
        result = subprocess.run(command, cwd=ROOT, env=env, check=False)
        if result.returncode != 0:
            return result.returncode
        print_row_counts()
        return 0
    finally:
        sandbox.send_signal(signal.SIGTERM)
        sandbox.wait(timeout=30)
        ENV_FILE.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
