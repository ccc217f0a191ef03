"""Sync every tap whose credential is set, each in its own `meltano run`; skip the others and say why.

    .venv/bin/python scripts/sync.py                           # environment `dev`, into DuckDB
    .venv/bin/python scripts/sync.py --environment prod --target target-postgres

A user with keys for some of the APIs gets exactly those synced in one command. A tap whose
credential is not set (in `.env`, the environment, or `meltano config set`) is skipped with the
setting to set; a tap that fails does not stop the ones after it. The exit code is 1 when a tap
failed, 0 otherwise (skips included); the summary at the end lists every tap's outcome.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
MELTANO = Path(sys.executable).parent / "meltano"


def taps(project: Path) -> dict[str, list[str]]:
    """Each tap of the project and its required settings (from its plugin file)."""
    found = {}
    for path in sorted((project / "plugins" / "extractors").glob("tap-*.meltano.yml")):
        for plugin in yaml.safe_load(path.read_text())["plugins"]["extractors"]:
            found[plugin["name"]] = [name for group in plugin.get("settings_group_validation", []) for name in group]
    return found


def meltano(project: Path, environment: str, *args: str, capture: bool = True) -> subprocess.CompletedProcess[str]:
    """``meltano --environment=<environment> <args>`` in ``project``."""
    env = {"MELTANO_CLI_DISABLE_VERSION_CHECK": "1", "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false", **os.environ}
    return subprocess.run(
        [str(MELTANO), f"--environment={environment}", *args],
        cwd=project,
        env=env,
        capture_output=capture,
        text=True,
        check=False,
    )


def missing_settings(project: Path, environment: str, tap: str, required: list[str]) -> list[str] | str:
    """The required settings ``tap`` lacks in ``environment``, or why they could not be read.

    Values are never read: Meltano masks secrets in what it prints.
    """
    printed = meltano(project, environment, "config", "print", tap)
    if printed.returncode != 0:
        lines = [line for line in printed.stdout.splitlines() + printed.stderr.splitlines() if "error" in line.lower()]
        return lines[-1].split("meltano", 1)[-1].strip() if lines else "meltano config print failed"
    start = printed.stdout.index("{")
    configured = json.loads(printed.stdout[start:])
    return [name for name in required if not configured.get(name)]


def main(argv: list[str] | None = None) -> int:
    """Sync the configured taps one by one and print the summary."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--environment", default="dev", help="Meltano environment (default: dev)")
    parser.add_argument("--target", default="target-duckdb", help="loader (default: target-duckdb)")
    parser.add_argument("--project", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    outcomes: dict[str, str] = {}
    for tap, required in taps(args.project).items():
        missing = missing_settings(args.project, args.environment, tap, required)
        if isinstance(missing, str):
            outcomes[tap] = f"skipped: {missing}"
            continue
        if missing:
            variables = ", ".join(f"{tap.upper().replace('-', '_')}_{name.upper()}" for name in missing)
            outcomes[tap] = f"skipped: `{'`, `'.join(missing)}` not set (set {variables} in .env)"
            continue
        print(f"$ meltano --environment={args.environment} run {tap} {args.target}", flush=True)
        result = meltano(args.project, args.environment, "run", tap, args.target, capture=False)
        outcomes[tap] = "synced" if result.returncode == 0 else f"FAILED (exit {result.returncode}; its log is above)"

    print(f"\nSync of environment `{args.environment}` into {args.target}:")
    width = max(map(len, outcomes))
    for tap, outcome in outcomes.items():
        print(f"  {tap:<{width}}  {outcome}")
    return 1 if any(outcome.startswith("FAILED") for outcome in outcomes.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
