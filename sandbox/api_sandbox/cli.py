"""``api-sandbox serve``: run the fakes as one process for the demo (or for poking by hand).

Prints, and optionally writes to ``--env-file``, one ``SANDBOX_<API>_URL=...`` line per fake;
the ``sandbox`` environment in meltano.yml reads those variables.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from . import registry


def env_var(name: str) -> str:
    """The environment variable that carries fake ``name``'s URL (``SANDBOX_<NAME>_URL``)."""
    return f"SANDBOX_{name.upper()}_URL"


def main(argv: list[str] | None = None) -> int:
    """Run ``api-sandbox``; returns the exit code."""
    parser = argparse.ArgumentParser(prog="api-sandbox", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="start fakes on free ports on 127.0.0.1 until stopped")
    serve.add_argument("--apis", default="all", help="comma-separated names, or 'all' (default)")
    serve.add_argument("--seed", type=int, default=1, help="data seed (default 1)")
    serve.add_argument("--scale", type=float, default=1.0, help="dataset size multiplier (default 1.0)")
    serve.add_argument("--env-file", help="also write the SANDBOX_*_URL lines to this file")
    sub.add_parser("list", help="list the fakes that are available")
    args = parser.parse_args(argv)

    if args.command == "list":
        print("\n".join(registry.available()))
        return 0

    names = registry.available() if args.apis == "all" else [n.strip() for n in args.apis.split(",") if n.strip()]
    unknown = [n for n in names if n not in registry.FAKES]
    if unknown:
        parser.error(f"unknown API(s): {', '.join(unknown)}; known: {', '.join(registry.FAKES)}")

    fakes = [registry.load(name)(seed=args.seed, scale=args.scale).start() for name in names]
    lines = [f"{env_var(fake.name)}={fake.url}" for fake in fakes]
    if args.env_file:
        tmp = f"{args.env_file}.tmp"
        with open(tmp, "w") as handle:
            handle.write("\n".join(lines) + "\n")
        os.replace(tmp, args.env_file)  # readers never see a half-written file
    print("\n".join(lines), flush=True)

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
    for fake in fakes:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
