"""Benchmark every tap against its fake: records, requests, wall time and peak memory per scale.

    .venv/bin/python scripts/bench_taps.py [--scales 1 4] [--apis calendly,float]

Each tap runs as its console script (as Meltano runs it) with client-side pacing off and the
fake's rate limits off, so the numbers measure the tap, not the vendor's limits. Peak RSS comes
from the child's resource usage. "Memory flat in the number of records" means the peak barely
moves between scales while the record count grows several-fold. Machines are noisy: compare
ratios from one run, not absolute times across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from api_sandbox import registry

BIN = Path(sys.executable).parent
CREDENTIAL = {"float": "api_token"}
NO_PACING = {"max_requests_per_second": 0, "max_requests_per_minute": 0, "max_requests_per_five_minutes": 0}


def measure(api: str, scale: float) -> dict[str, float | int | str]:
    """Run ``tap-<api>`` once against its fake at ``scale``: records, requests, time, peak RSS."""
    fake = registry.load(api)(seed=7, scale=scale, enforce_rate_limits=False).start()
    try:
        config = {"api_url": fake.url, CREDENTIAL.get(api, "api_key"): fake.valid_key, **NO_PACING}
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(config, handle)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        completed = subprocess.run(
            [str(BIN / f"tap-{api}"), "--config", handle.name], capture_output=True, text=True, check=False
        )
        wall = time.perf_counter() - started
        os.unlink(handle.name)
        if completed.returncode != 0:
            return {"api": api, "scale": scale, "error": completed.stderr.strip().splitlines()[-1][:200]}
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        records = sum(1 for line in completed.stdout.splitlines() if line.startswith('{"type":"RECORD"'))
        return {
            "api": api,
            "scale": scale,
            "records": records,
            "requests": len(fake.requests),
            "wall_s": round(wall, 1),
            "records_per_s": round(records / wall),
            # RUSAGE_CHILDREN keeps the largest child so far: only a growing peak is visible.
            "peak_rss_mb": round(max(peak_kb, before) / 1024, 1),
        }
    finally:
        fake.stop()


def main() -> int:
    """Measure every tap at every scale and print the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", nargs="+", type=float, default=[1.0, 4.0])
    parser.add_argument("--apis", default=",".join(registry.available()))
    args = parser.parse_args()
    print("| tap | scale | records | requests | wall s | records/s | peak RSS MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for api in args.apis.split(","):
        for scale in sorted(args.scales):
            # A fresh interpreter per measurement, so each peak is that run's own.
            row = json.loads(
                subprocess.run(
                    [sys.executable, __file__, "--one", api, str(scale)], capture_output=True, text=True, check=True
                ).stdout
            )
            if "error" in row:
                print(f"| tap-{api} | {scale:g} | failed: {row['error']} |")
                continue
            print(
                f"| tap-{api} | {scale:g} | {row['records']:,} | {row['requests']:,} | {row['wall_s']} "
                f"| {row['records_per_s']:,} | {row['peak_rss_mb']} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        print(json.dumps(measure(sys.argv[2], float(sys.argv[3]))))
        sys.exit(0)
    sys.exit(main())
