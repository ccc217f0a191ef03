"""`make demo`: the main job on the embedded default.

Starts the local API sandbox, runs every tap into DuckDB (output/sandbox/warehouse.duckdb) with
`meltano --environment=sandbox run`, and ends with what the run changed in each table (the
loader's load history). Run it again and the second run is incremental: Meltano keeps the
sandbox environment's state. When the warehouse file is missing (first run, or deleted to start
over) the run is a full refresh.

While it runs, a terminal shows which tap and stream are running and how far along they are;
without a terminal (CI, a pipe) the same news comes as plain lines. Meltano's full log goes to
output/sandbox/demo.log.

    .venv/bin/python scripts/demo.py [--apis calendly,luma] [--scale 0.5]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import re
import signal
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

#: A line of Meltano's console log: `<time> [level] <who> <message>`.
_LOG_LINE = re.compile(r"^\S+ \[(?P<level>\w+)\s*\] (?P<who>\S+)\s+(?P<message>.*)$")
#: The taps' own lines: a stream started, is still running, finished.
_STARTED = re.compile(r"^Sync of '(?P<stream>[^']+)' started")
_PROGRESS = re.compile(r"^Still syncing '(?P<stream>[^']+)'")
_FINISHED = re.compile(r"^Sync of '(?P<stream>[^']+)' finished")


class Project:
    """Where the demo reads and writes: the repository, or a copy of its Meltano project (tests)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.output = root / "output"
        self.env_file = self.output / "sandbox.env"
        self.warehouse = self.output / "sandbox" / "warehouse.duckdb"  # meltano.yml: output/<environment>/
        self.log_file = self.output / "sandbox" / "demo.log"

    def taps(self, apis: list[str] | None) -> list[str]:
        """Taps with a plugin definition and a fake to run against (``apis``: only those)."""
        from api_sandbox import registry

        fakes = set(registry.available())
        plugin_files = (self.root / "plugins" / "extractors").glob("tap-*.meltano.yml")
        defined = sorted(p.name.removesuffix(".meltano.yml") for p in plugin_files)
        wanted = [tap for tap in defined if tap.removeprefix("tap-") in fakes]
        return [tap for tap in wanted if apis is None or tap.removeprefix("tap-") in apis]


def start_sandbox(project: Project, apis: list[str], scale: float) -> tuple[subprocess.Popen, dict[str, str]]:
    """Start the fakes of ``apis`` in a child process; return it and their URLs by variable."""
    project.env_file.unlink(missing_ok=True)
    project.output.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [
            str(BIN / "python"), "-m", "api_sandbox", "serve", "--apis", ",".join(apis),
            "--scale", str(scale), "--env-file", str(project.env_file),
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not project.env_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            sys.exit("The API sandbox did not start; run `python -m api_sandbox serve` to see why.")
        time.sleep(0.1)
    urls = dict(line.split("=", 1) for line in project.env_file.read_text().split())
    return process, urls


class PlainLines:
    """Progress as plain lines: each finished stream, each progress line, warnings and errors."""

    def __init__(self) -> None:
        self.current = ""

    def __enter__(self) -> PlainLines:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def feed(self, line: str) -> None:
        """Show what matters in one line of Meltano's log."""
        parsed = _LOG_LINE.match(line.rstrip())
        if parsed is None:
            return
        level, who, message = parsed["level"], parsed["who"], parsed["message"]
        if level in {"warning", "error", "critical"}:
            self.show(f"{level.upper()} {who}: {message}")
        elif _FINISHED.match(message) or _PROGRESS.match(message):
            self.show(f"{who}: {message}")
        elif _STARTED.match(message):
            self.started(who, message)

    def started(self, who: str, message: str) -> None:
        """A stream started: nothing to print in plain mode (its end line follows)."""
        self.current = f"{who}: {message}"

    def show(self, text: str) -> None:
        """Print one line of news."""
        print(f"  {text}", flush=True)


class LiveStatus(PlainLines):
    """In a terminal: the same lines, under a live status line naming the running stream."""

    def __enter__(self) -> LiveStatus:
        from rich.console import Console

        self.console = Console()
        self.status = self.console.status("Starting…")
        self.status.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.status.__exit__(None, None, None)

    def started(self, who: str, message: str) -> None:
        """A stream started: say so in the status line."""
        self.current = f"{who}: {message}"
        self.status.update(self.current)

    def show(self, text: str) -> None:
        """Print above the status line, which keeps showing the running stream."""
        if _PROGRESS.search(text.split(": ", 1)[-1]):
            self.status.update(text)
            return
        self.console.print(f"  {text}", highlight=False, markup=False)


def run_meltano(project: Project, command: list[str], env: dict[str, str]) -> int:
    """Run Meltano, its full log to ``demo.log``, the news to the screen."""
    project.log_file.parent.mkdir(parents=True, exist_ok=True)
    display = LiveStatus() if sys.stdout.isatty() else PlainLines()
    with project.log_file.open("w") as log, display:
        process = subprocess.Popen(
            command, cwd=project.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert process.stdout is not None
        for line in process.stdout:
            log.write(line)
            display.feed(line)
        return process.wait()


def print_change_report(project: Project, since: datetime.datetime) -> None:
    """What this run did, per table: the loader's load history since ``since``."""
    with duckdb.connect(str(project.warehouse), read_only=True) as con:
        schemas = [
            schema
            for (schema,) in con.execute(
                "SELECT DISTINCT table_schema FROM information_schema.tables "
                "WHERE table_name = '_load_history' ORDER BY 1"
            ).fetchall()
        ]
        rows: list[tuple[t.Any, ...]] = []
        for schema in schemas:
            rows += con.execute(
                f"SELECT '{schema}.' || table_name, inserted, updated, unchanged, deleted + soft_deleted, "
                f"rows_now, coalesce(bookmark, '') FROM \"{schema}\"._load_history "
                "WHERE finished_at >= ? ORDER BY table_name",
                [since],
            ).fetchall()
    headers = ("table", "inserted", "updated", "unchanged", "deleted", "rows now", "bookmark")
    width = max([len(headers[0]), *(len(r[0]) for r in rows)])
    print(f"\nWhat this run changed in {project.warehouse.relative_to(project.root)}:")
    print(f"  {headers[0]:<{width}}  " + "  ".join(f"{h:>9}" for h in headers[1:6]) + f"  {headers[6]}")
    for table, *counts, bookmark in rows:
        print(f"  {table:<{width}}  " + "  ".join(f"{c:>9,}" for c in counts) + f"  {bookmark}")


def main(argv: list[str] | None = None) -> int:
    """Run every tap against the sandbox into DuckDB and print what the run changed."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--apis", help="comma-separated APIs to run (default: all)")
    parser.add_argument("--scale", type=float, default=1.0, help="sandbox dataset size (default 1.0)")
    parser.add_argument("--project", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    project = Project(args.project)
    taps = project.taps(args.apis.split(",") if args.apis else None)
    if not taps:
        sys.exit("No tap has both a plugin file in plugins/extractors and a fake in the sandbox.")
    sandbox, urls = start_sandbox(project, [tap.removeprefix("tap-") for tap in taps], args.scale)
    try:
        print(f"API sandbox running: {', '.join(urls.values())}")
        blocks = [block for tap in taps for block in (tap, "target-duckdb")]
        env = {**os.environ, **urls}
        command = [str(BIN / "meltano"), "--environment=sandbox", "run", *blocks]
        if not project.warehouse.exists():
            # Saved bookmarks describe data this warehouse no longer holds: start over.
            command.insert(3, "--full-refresh")
        print("$ meltano " + " ".join(command[1:]), flush=True)
        started = datetime.datetime.now(tz=datetime.timezone.utc)
        returncode = run_meltano(project, command, env)
        if returncode != 0:
            print(f"meltano failed (exit {returncode}); its full log: {project.log_file}")
            return returncode
        print_change_report(project, started)
        print(f"Full log: {project.log_file.relative_to(project.root)}")
        return 0
    finally:
        sandbox.send_signal(signal.SIGTERM)
        sandbox.wait(timeout=30)
        with contextlib.suppress(FileNotFoundError):
            project.env_file.unlink()


if __name__ == "__main__":
    sys.exit(main())
