"""Benchmark the taps against their fakes: every ratio of the README's Performance section, one run.

    .venv/bin/python scripts/bench_taps.py [--records 20000] [--apis calendly,float] [--skip dlt,paced]

1. **Throughput.** Per API, its largest list that is not read per parent, with ``--records``
   records (and a fifth of them, for memory), from a fake without latency, rate limits off and
   client-side pacing off, so the code is measured, not the vendors' limits:
   *raw* is a bare ``requests`` loop paging the endpoint with the query the tap sent (same page
   size); *tap* the tap's console script with only that stream selected, its output read;
   *tap→DuckDB* the tap piped into the project's loader; *dlt* the original specification
   (translated for the parity tests, ``tests/parity/dlt_configs``) with only that resource, run by
   dlt into DuckDB with merge. Each runs in its own process (the fake serves from this one), and
   each peak RSS is that process's own (``wait4``).
2. **Parent-child under latency.** Each tap with a per-parent stream, about 500 parents, every
   answer 20 ms late: the wall time of parent and child streams against the sequential bound
   (requests x 20 ms), with ``parallel_requests`` at its default and at 1.
3. **Paced runs.** One after the other, each fake that enforces its vendor's documented limit, enough data for more
   than two of its longest windows, the tap at its default settings: the wall time against the
   rate bound (the least time those requests need without a 429), and the 429s the fake answered.

Machines are noisy: compare the ratios of one run, not absolute numbers across runs.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import math
import pickle
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import typing as t
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the parity tests' dlt translations and the tap helpers

from support.singer import sandbox_config, tap_class, unpaced  # noqa: E402

from api_sandbox import registry  # noqa: E402

if t.TYPE_CHECKING:
    from api_sandbox.server import FakeAPI

BIN = Path(sys.executable).parent
LATENCY = 0.02
PARENTS = 500
PACED_SECONDS = 30.0


# -- processes and their peaks -----------------------------------------------------------------


class Process:
    """A child process and its own peak RSS.

    The peak is the kernel's high-water mark of the process's memory after it started
    (``VmHWM``), read while it runs: ``wait4``'s ``ru_maxrss`` would also count the pages of
    this process (with the fakes' data) that the child had before its ``exec``.
    """

    def __init__(self, command: list[str], **kwargs: t.Any) -> None:
        self.popen = subprocess.Popen(command, **kwargs)
        self.peak_mb = 0.0
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        status = Path(f"/proc/{self.popen.pid}/status")
        while self.popen.poll() is None:
            try:
                peak = next(line for line in status.read_text().splitlines() if line.startswith("VmHWM:"))
            except (OSError, StopIteration):  # exiting
                return
            self.peak_mb = max(self.peak_mb, int(peak.split()[1]) / 1024)
            time.sleep(0.02)

    def finish(self) -> int:
        """Wait for the process; its return code."""
        self.popen.wait()
        self._watcher.join()
        return int(self.popen.returncode)


def start(command: list[str], **kwargs: t.Any) -> Process:
    """Start ``command`` with its peak RSS watched."""
    return Process(command, **kwargs)


def helper(mode: str, payload: t.Any, workdir: Path) -> tuple[dict[str, t.Any], float, float]:
    """Run this script in ``mode`` in a fresh process: (its JSON answer, wall seconds, peak MB)."""
    source = workdir / f"{mode}.pickle"
    source.write_bytes(pickle.dumps(payload))
    started = time.perf_counter()
    process = start([sys.executable, __file__, f"--{mode}", str(source)], stdout=subprocess.PIPE)
    assert process.popen.stdout is not None
    answer = process.popen.stdout.read()
    process.finish()
    wall = time.perf_counter() - started
    if process.popen.returncode != 0:
        raise RuntimeError(f"{mode} helper failed ({process.popen.returncode})")
    return json.loads(answer), wall, process.peak_mb


# -- the taps ----------------------------------------------------------------------------------


@dataclass
class TapRun:
    """One tap run: records read, wall seconds, peaks, and the requests the fake answered."""

    records: int
    wall: float
    peak_mb: float
    loader_peak_mb: float = 0.0
    requests: list[t.Any] = field(default_factory=list)


def write_config(workdir: Path, config: dict[str, t.Any], name: str = "config.json") -> Path:
    """Write ``config`` as JSON into ``workdir``."""
    path = workdir / name
    path.write_text(json.dumps(config))
    return path


def catalog_of(tap: str, config: Path, streams: set[str], workdir: Path) -> Path:
    """The tap's discovered catalog with only ``streams`` selected."""
    discovered = subprocess.run(
        [str(BIN / tap), "--config", str(config), "--discover"], capture_output=True, check=True
    )
    catalog = json.loads(discovered.stdout)
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            if metadata["breadcrumb"] == []:
                metadata["metadata"]["selected"] = entry["tap_stream_id"] in streams
    path = workdir / f"catalog-{'-'.join(sorted(streams))}.json"
    path.write_text(json.dumps(catalog))
    return path


def run_tap(
    tap: str, fake: FakeAPI, streams: set[str], workdir: Path, *, into_duckdb: bool = False, **settings: t.Any
) -> TapRun:
    """Run ``tap`` for ``streams`` (output read and counted, or piped into the DuckDB loader)."""
    config = write_config(workdir, sandbox_config(tap, fake, **settings))
    catalog = catalog_of(tap, config, streams, workdir)
    fake.requests.clear()
    log = (workdir / f"{tap}.log").open("wb")
    started = time.perf_counter()
    producer = start(
        [str(BIN / tap), "--config", str(config), "--catalog", str(catalog)], stdout=subprocess.PIPE, stderr=log
    )
    assert producer.popen.stdout is not None
    records, loader = 0, None
    if into_duckdb:
        target_config = write_config(
            workdir, {"filepath": str(workdir / "loaded.duckdb"), "default_target_schema": "bench"}, "target.json"
        )
        loader = start(
            [str(BIN / "target-duckdb"), "--config", str(target_config)],
            stdin=producer.popen.stdout,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        producer.popen.stdout.close()
    else:
        records = sum(line.startswith(b'{"type":"RECORD"') for line in producer.popen.stdout)
    failed = producer.finish() or (loader.finish() if loader else 0)
    wall = time.perf_counter() - started
    if failed:
        log.close()
        raise RuntimeError(f"{tap} failed: {Path(log.name).read_text()[-2000:]}")
    if loader:
        import duckdb

        with duckdb.connect(str(workdir / "loaded.duckdb"), read_only=True) as connection:
            counts = [connection.execute(f'select count(*) from bench."{s}"').fetchone() for s in streams]
            records = sum(count[0] for count in counts if count)
        (workdir / "loaded.duckdb").unlink()
    return TapRun(records, wall, producer.peak_mb, loader.peak_mb if loader else 0.0, list(fake.requests))


@functools.cache
def tap_streams(tap: str) -> dict[str, t.Any]:
    """The tap's streams by name (a tap object built without configuration)."""
    return dict(tap_class(tap)(config={}, validate_config=False, setup_mapper=False).streams)


def child_streams(tap: str) -> dict[str, str]:
    """``{child: parent}`` for the tap's per-parent streams."""
    return {s.name: s.parent_stream_type.name for s in tap_streams(tap).values() if s.parent_stream_type}


def list_path(tap: str, stream: str) -> str:
    """The path the tap's stream pages."""
    return str(tap_streams(tap)[stream].path)


def list_sizes(api: str, fake: FakeAPI) -> dict[str, int]:
    """Records per stream of the fake's dataset, as the dlt translation names the streams."""
    translation = importlib.import_module(f"parity.dlt_configs.{api}")
    return {stream: len(records) for stream, records in translation.source(fake).items()}


def largest_list(api: str) -> tuple[str, int]:
    """The API's largest list that is not read per parent, and its size at scale 1."""
    fake = registry.load(api)(seed=7, scale=1.0)
    sizes = {s: n for s, n in list_sizes(api, fake).items() if s not in child_streams(f"tap-{api}")}
    stream = max(sizes, key=lambda s: sizes[s])
    return stream, sizes[stream]


# -- 1. throughput -------------------------------------------------------------------------------


def raw_paging(job: dict[str, t.Any]) -> dict[str, t.Any]:
    """A bare ``requests`` loop over one list: the floor any client pays for the same pages."""
    import requests

    session = requests.Session()
    session.headers.update(job["headers"])
    url, params = job["url"], job["query"]
    records = 0
    while url:
        response = session.get(url, params=params, timeout=60)
        response.raise_for_status()
        body = response.json()
        page, (url, params) = NEXT_PAGE[job["api"]](response, body, url, params)
        records += len(page)
    return {"records": records}


def _calendly(response: t.Any, body: t.Any, url: str, params: dict) -> tuple[list, tuple[str | None, dict]]:
    return body["collection"], (body["pagination"].get("next_page"), {})


def _luma(response: t.Any, body: t.Any, url: str, params: dict) -> tuple[list, tuple[str | None, dict]]:
    more = body.get("has_more") and body.get("next_cursor")
    return body["entries"], ((url, {**params, "pagination_cursor": body["next_cursor"]}) if more else (None, {}))


def _float(response: t.Any, body: t.Any, url: str, params: dict) -> tuple[list, tuple[str | None, dict]]:
    page = int(params["page"][0] if isinstance(params["page"], list) else params["page"])
    more = page < int(response.headers["X-Pagination-Page-Count"])
    return body, ((url, {**params, "page": page + 1}) if more else (None, {}))


def _savvycal(response: t.Any, body: t.Any, url: str, params: dict) -> tuple[list, tuple[str | None, dict]]:
    after = body["metadata"].get("after")
    return body["entries"], ((url, {**params, "after": after}) if after else (None, {}))


def _oncehub(response: t.Any, body: t.Any, url: str, params: dict) -> tuple[list, tuple[str | None, dict]]:
    page = body["data"]
    more = body.get("has_more") and page
    return page, ((url, {**params, "after": page[-1]["id"]}) if more else (None, {}))


NEXT_PAGE: dict[str, t.Callable[..., tuple[list, tuple[str | None, dict]]]] = {
    "calendly": _calendly,
    "luma": _luma,
    "float": _float,
    "savvycal": _savvycal,
    "oncehub": _oncehub,
}


def dlt_run(job: dict[str, t.Any]) -> dict[str, t.Any]:
    """The original specification's one resource, run by dlt into DuckDB with merge."""
    import duckdb
    from support.dlt_run import DATASET, run_dlt

    run = run_dlt(job["config"], Path(job["workdir"]), pipeline_name="bench")
    with duckdb.connect(str(run.database), read_only=True) as connection:
        count = connection.execute(f'select count(*) from {DATASET}."{job["resource"]}"').fetchone()
    return {"records": count[0] if count else 0}


def throughput(api: str, records: int, workdir: Path, *, with_dlt: bool) -> dict[str, t.Any]:
    """Raw paging, tap, tap into DuckDB and dlt over the API's largest list, at N/5 and N records."""
    tap = f"tap-{api}"
    stream, at_scale_1 = largest_list(api)
    row: dict[str, t.Any] = {"api": api, "stream": stream}
    for label, count in (("small", records // 5), ("full", records)):
        fake = registry.load(api)(seed=7, scale=count / at_scale_1, enforce_rate_limits=False).start()
        try:
            alone = run_tap(tap, fake, {stream}, workdir, **unpaced(tap))
            first = next(r for r in alone.requests if r.path.endswith(list_path(tap, stream)))
            e2e = run_tap(tap, fake, {stream}, workdir, into_duckdb=True, **unpaced(tap))
            row[label] = {"records": alone.records, "tap_peak": alone.peak_mb, "loader_peak": e2e.loader_peak_mb}
            if label == "full":
                base = urlsplit(fake.url)
                raw, raw_wall, _ = helper(
                    "raw",
                    {
                        "api": api,
                        "url": f"{base.scheme}://{base.netloc}{first.path}",
                        "query": first.query,
                        "headers": {k: v for k, v in first.headers.items() if k not in {"host", "content-length"}},
                    },
                    workdir,
                )
                row.update(raw=raw["records"] / raw_wall, tap=alone.records / alone.wall, e2e=e2e.records / e2e.wall)
                assert raw["records"] == alone.records == e2e.records, (raw, alone.records, e2e.records)
            if with_dlt:
                translation = importlib.import_module(f"parity.dlt_configs.{api}")
                config = translation.config(fake)
                config["resources"] = [r for r in config["resources"] if r["name"] == stream]
                done, dlt_wall, dlt_peak = helper(
                    "dlt",
                    {"config": config, "workdir": str(workdir / f"dlt-{api}-{label}"), "resource": stream},
                    workdir,
                )
                row[label]["dlt_peak"] = dlt_peak
                if label == "full":
                    row["dlt"] = done["records"] / dlt_wall
        finally:
            fake.stop()
    return row


# -- 2. parent-child under latency ---------------------------------------------------------------


def parent_child(api: str, workdir: Path) -> list[dict[str, t.Any]]:
    """Each per-parent stream of the API with its parent, every answer LATENCY late."""
    tap = f"tap-{api}"
    rows = []
    sizes = list_sizes(api, registry.load(api)(seed=7, scale=1.0))
    # The per-parent streams of the original specification, whose sizes the translation reads.
    for child, parent in child_streams(tap).items():
        if child not in sizes or parent not in sizes:
            continue
        at_scale_1 = sizes[parent]
        scale = PARENTS / at_scale_1
        fake = registry.load(api)(seed=7, scale=scale, enforce_rate_limits=False, latency=LATENCY).start()
        try:
            row: dict[str, t.Any] = {"api": api, "streams": f"{parent} + {child}"}
            variants: list[tuple[str, dict[str, t.Any]]] = [
                ("default", {}),
                ("one_at_a_time", {"parallel_requests": 1}),
            ]
            for label, settings in variants:
                run = run_tap(tap, fake, {parent, child}, workdir, **unpaced(tap), **settings)
                bound = len(run.requests) * LATENCY
                row[label] = {
                    "requests": len(run.requests),
                    "wall": run.wall,
                    "ratio": run.wall / bound,
                    "records": run.records,
                }
            row["parents"] = list_sizes(api, fake)[parent]
            rows.append(row)
        finally:
            fake.stop()
    return rows


# -- 3. paced runs -------------------------------------------------------------------------------


def rate_bound(requests: int, limits: t.Iterable[tuple[int, float]]) -> float:
    """The least seconds ``requests`` requests need without ever exceeding a (limit, window) pair."""
    sent: list[float] = []
    for index in range(requests):
        sent.append(max([0.0, *(sent[index - limit] + window for limit, window in limits if index >= limit)]))
    return sent[-1] if sent else 0.0


def paced(api: str, workdir: Path) -> dict[str, t.Any] | None:
    """The tap at default pacing against its fake enforcing the documented limits (None: no limits)."""
    tap = f"tap-{api}"
    limits = registry.load(api).rate_limits
    if not limits:
        return None
    # Enough requests for more than two of the longest window, and at least PACED_SECONDS.
    limit, window = max(limits, key=lambda pair: pair[1])
    wanted = limit * max(2, math.ceil(PACED_SECONDS / window)) + 1
    probe = registry.load(api)(seed=7, scale=1.0, enforce_rate_limits=False).start()
    try:
        per_scale = len(run_tap(tap, probe, set(list_sizes(api, probe)), workdir, **unpaced(tap)).requests)
    finally:
        probe.stop()
    fake = registry.load(api)(seed=7, scale=wanted / per_scale, enforce_rate_limits=True).start()
    try:
        run = run_tap(tap, fake, set(list_sizes(api, fake)), workdir)  # the tap's default pacing
        statuses = [r.status for r in run.requests]
        bound = rate_bound(len(statuses), limits)
        return {
            "api": api,
            "requests": len(statuses),
            "limits": limits,
            "wall": run.wall,
            "bound": bound,
            "ratio": run.wall / bound,
            "429s": statuses.count(429),
        }
    finally:
        fake.stop()


# -- report --------------------------------------------------------------------------------------


def report(rows: list[dict[str, t.Any]], pairs: list[dict[str, t.Any]], paced_rows: list[dict[str, t.Any]]) -> None:
    """Print the three tables and the medians as Markdown."""
    print("\n### Throughput (records/s) and peak RSS (MB) at N/5 -> N records\n")
    print("| api | stream | N | raw | tap | tap/raw | tap→DuckDB | dlt | e2e/dlt | tap peak | loader peak | dlt peak |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |")
    for r in rows:
        s, f = r["small"], r["full"]
        dlt = r.get("dlt")
        dlt_rate, e2e_over_dlt = (f"{dlt:,.0f}", f"{r['e2e'] / dlt:.1f}") if dlt else ("–", "–")
        print(
            f"| {r['api']} | {r['stream']} | {f['records']:,} | {r['raw']:,.0f} | {r['tap']:,.0f} "
            f"| {r['tap'] / r['raw']:.2f} "
            f"| {r['e2e']:,.0f} | {dlt_rate} | {e2e_over_dlt} "
            f"| {s['tap_peak']:.0f} → {f['tap_peak']:.0f} | {s['loader_peak']:.0f} → {f['loader_peak']:.0f} "
            f"| {_peaks(s, f, 'dlt_peak')} |"
        )
    if pairs:
        print(f"\n### Parent-child, every answer {LATENCY * 1000:.0f} ms late (wall / sequential bound)\n")
        print("| api | streams | parents | requests | default parallel_requests | parallel_requests=1 |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        for p in pairs:
            d, one = p["default"], p["one_at_a_time"]
            print(
                f"| {p['api']} | {p['streams']} | {p['parents']} | {d['requests']} "
                f"| {d['wall']:.1f} s = {d['ratio']:.2f} | {one['wall']:.1f} s = {one['ratio']:.2f} |"
            )
    if paced_rows:
        print("\n### Paced runs at default settings against a fake enforcing the documented limit\n")
        print("| api | enforced limits | requests | wall s | rate bound s | wall/bound | 429s |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
        for p in paced_rows:
            limits = ", ".join(f"{n}/{w:g} s" for n, w in p["limits"])
            print(
                f"| {p['api']} | {limits} | {p['requests']} | {p['wall']:.1f} | {p['bound']:.1f} "
                f"| {p['ratio']:.2f} | {p['429s']} |"
            )
    print("\n### Medians over the APIs\n")
    if rows:
        print(f"- tap / raw paging: {statistics.median(r['tap'] / r['raw'] for r in rows):.2f}")
        if all("dlt" in r for r in rows):
            print(f"- tap→DuckDB / dlt: {statistics.median(r['e2e'] / r['dlt'] for r in rows):.1f}")
        growth = statistics.median(r["full"]["tap_peak"] / r["small"]["tap_peak"] for r in rows)
        print(f"- tap peak at N / at N/5: {growth:.2f}")
    if pairs:
        print(f"- parent-child wall / sequential bound: {statistics.median(p['default']['ratio'] for p in pairs):.2f}")
    if paced_rows:
        ratio = statistics.median(p["ratio"] for p in paced_rows)
        print(f"- paced wall / rate bound: {ratio:.2f}, 429s: {sum(p['429s'] for p in paced_rows)}")


def _peaks(small: dict[str, t.Any], full: dict[str, t.Any], key: str) -> str:
    return f"{small[key]:.0f} → {full[key]:.0f}" if key in small else "–"


def main() -> int:
    """Run the sections not skipped and print the report (or, with --raw/--dlt, one helper's job)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--apis", default=",".join(registry.available()))
    parser.add_argument("--skip", default="", help="comma list of: throughput, dlt, latency, paced")
    parser.add_argument("--raw", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--dlt", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    for mode, run in (("raw", raw_paging), ("dlt", dlt_run)):
        if getattr(args, mode):
            print(json.dumps(run(pickle.loads(getattr(args, mode).read_bytes()))))
            return 0
    apis, skip = args.apis.split(","), set(args.skip.split(","))
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        workdir = Path(tmp)
        with_dlt = "dlt" not in skip
        rows = [] if "throughput" in skip else [throughput(a, args.records, workdir, with_dlt=with_dlt) for a in apis]
        pairs = [] if "latency" in skip else [p for a in apis for p in parent_child(a, workdir)]
        paced_rows: list[dict[str, t.Any]] = []
        if "paced" not in skip:
            # One after the other, as each account meets its vendor alone: side by side, four
            # fakes in this one process would delay each other's answers, which no API does.
            paced_rows = [p for p in (paced(a, workdir) for a in apis) if p]
    report(rows, pairs, paced_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
