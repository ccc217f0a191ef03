"""Change-stream correctness: random sequences of source changes and incremental runs, some of
them killed half-way, and after every completed run the destination equals the source.

For each incremental stream (Calendly ``scheduled_events`` with its ``event_invitees``, OnceHub
``bookings``, Float ``logged_time``, ``people``, ``projects`` and ``tasks``), hypothesis draws a
sequence of steps:

- ``mutate``: the fake changes the way real use does (its own ``mutate``: updates, inserts,
  cancellations, reschedules, deletions where the API deletes, OnceHub's late write in the
  bookmark's second);
- ``run``: one complete incremental run, tap → target-duckdb, with the state Meltano would pass
  (support/pipeline.py); then the destination must equal the fake;
- ``kill``: a run killed mid-sync: the tap gets SIGKILL after 1-12 records (when
  ``after_state``, records after it wrote its first STATE), and sometimes the target is killed too,
  losing everything it had not committed. Whatever state the target managed to emit is kept,
  as Meltano keeps it.

Every sequence ends with a complete run, which must converge: nothing lost, nothing duplicated,
every row at its newest version. "Equals" is the canonical comparison of support.compare on
every field. Rows whose record the API deleted stay (a merge never deletes; the tap has no
delete feed), so the destination may also hold keys the source had earlier, and only those.

Examples are few (each step starts real processes): ``CHANGES_MAX_EXAMPLES`` (default 1) drawn
sequences per stream, plus one explicit sequence with both kinds of kill.
"""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
import typing as t
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support.compare import assert_same, by_key
from support.pipeline import Pipeline
from support.warehouse import rows, tables

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("meltano_plugins")]

#: case -> (api, tap, selected streams, streams checked, fake scale, mutate size)
CASES: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...], float, int]] = {
    "calendly-scheduled_events": (
        "calendly",
        "tap-calendly",
        ("scheduled_events", "event_invitees"),
        ("scheduled_events", "event_invitees"),
        0.05,
        2,
    ),
    # booking_pages first: its STATE comes before the bookings, so a kill can land after a STATE.
    "oncehub-bookings": ("oncehub", "tap-oncehub", ("booking_pages", "bookings"), ("bookings",), 0.05, 3),
    "float-incremental": (
        "float",
        "tap-float",
        ("logged_time", "people", "projects", "tasks"),
        ("logged_time", "people", "projects", "tasks"),
        0.05,
        3,
    ),
}

MAX_EXAMPLES = int(os.environ.get("CHANGES_MAX_EXAMPLES", "1"))

step = st.one_of(
    st.tuples(st.just("mutate"), st.integers(1, 10_000)),
    st.tuples(st.just("run")),
    st.tuples(
        st.just("kill"),
        st.integers(1, 12),  # after this many records (counted after the first STATE, if asked)
        st.booleans(),  # kill the target too
        st.booleans(),  # only after the tap wrote a STATE
    ),
)
EXPLICIT = [
    ("run",),
    ("mutate", 11),
    ("kill", 3, False, True),  # the tap dies after a STATE and 3 records; the target commits what it got
    ("mutate", 12),
    ("kill", 2, True, False),  # the tap and the target die after 2 records
]


class Checker:
    def __init__(self, api: t.Any, streams: t.Sequence[str], fake: t.Any, pipeline: Pipeline) -> None:
        self.api, self.streams, self.fake, self.pipeline = api, streams, fake, pipeline
        self.ever: dict[str, set[tuple[t.Any, ...]]] = {s: set() for s in streams}
        self.remember()

    def source(self) -> dict[str, dict[tuple[t.Any, ...], dict[str, t.Any]]]:
        data = self.api.source(self.fake)
        return {s: by_key(data[s], self.api.STREAMS[s]) for s in self.streams}

    def remember(self) -> None:
        for stream, table in self.source().items():
            self.ever[stream] |= table.keys()

    def destination(self, stream: str) -> dict[tuple[t.Any, ...], dict[str, t.Any]]:
        schema = self.api.SCHEMA
        if not self.pipeline.warehouse.exists() or stream not in tables(self.pipeline.warehouse, schema):
            return {}
        loaded = [r for r in rows(self.pipeline.warehouse, schema, stream) if r.get("_sdc_deleted_at") is None]
        return by_key(loaded, self.api.STREAMS[stream], json_text=True)

    def assert_no_duplicates(self) -> None:
        for stream in self.streams:
            self.destination(stream)  # by_key fails on a key loaded twice

    def assert_equal(self, where: str) -> None:
        for stream, expected in self.source().items():
            loaded = self.destination(stream)
            extra = loaded.keys() - expected.keys()
            assert extra <= self.ever[stream], (
                f"{where}: {stream} holds rows the source never had: {sorted(map(str, extra))[:3]}"
            )
            current = {k: v for k, v in loaded.items() if k not in extra}
            assert_same(current, expected, f"{where}: {stream} vs the fake")


def run_sequence(case: str, steps: list[tuple[t.Any, ...]]) -> None:
    api_name, tap, selected, checked, scale, changes = CASES[case]
    api = importlib.import_module(f"parity.dlt_configs.{api_name}")
    from api_sandbox import registry

    workdir = Path(tempfile.mkdtemp(prefix=f"changes-{api_name}-"))
    fake = registry.load(api_name)(seed=7, scale=scale, enforce_rate_limits=False).start()
    try:
        pipeline = Pipeline(api=api_name, tap=tap, fake=fake, workdir=workdir, streams=selected)
        checker = Checker(api, checked, fake, pipeline)
        for number, current in enumerate([*steps, ("run",)]):
            where = f"step {number} {current} of {[*steps, ('run',)]}"
            if current[0] == "mutate":
                checker.remember()
                # A distinct seed per step, so every step picks different records to change.
                fake.mutate(seed=current[1] * 100 + number, changes=changes)
                checker.remember()
            elif current[0] == "run":
                pipeline.run()
                checker.assert_equal(where)
            else:
                _, at, kill_target, after_state = current
                pipeline.run(kill_after_records=at, kill_target=kill_target, require_state=after_state)
                checker.assert_no_duplicates()
        if steps == EXPLICIT:
            # The explicit sequence must really have killed runs, of both kinds.
            killed = [o for o in pipeline.history if o.killed]
            assert {o.killed for o in killed} == {"tap", "tap+target"}, [
                (o.killed, o.records_sent) for o in pipeline.history
            ]
            assert any(o.killed == "tap" and o.states_seen_by_target for o in killed)
    finally:
        fake.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.mark.parametrize("case", list(CASES))
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@example(steps=EXPLICIT)
@given(steps=st.lists(step, min_size=2, max_size=4))
def test_destination_equals_source_after_every_run(case, steps):
    run_sequence(case, steps)
