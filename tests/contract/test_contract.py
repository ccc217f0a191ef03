"""Contract tests: the vendors' own example responses, replayed through each tap, and the
vendors' documented field lists, held against each tap's schemas and each fake's data.

- Every record of every example is emitted, with no field dropped, every field declared in
  the stream's SCHEMA, and every value valid against it (formats included).
- Each stream's schema declares at least 95 % of the fields the vendor documents for it (the
  figures are printed at the end of the test run).
- The fake's data covers every documented field, its records are valid against the tap's
  SCHEMA once decoded, and it sends the documented oddities (numeric strings, empty strings,
  integer ids) the tap must decode.
"""

from __future__ import annotations

import importlib
import json
import typing as t

import pytest
from support.singer import run_tap, sandbox_config, tap_class, unpaced

from contract import harness

if t.TYPE_CHECKING:
    from singer_sdk import Stream

APIS = harness.apis()

MINIMUM_COVERAGE = 0.95


def streams_of(tap: str) -> dict[str, Stream]:
    return tap_class(tap)(config={}, validate_config=False, setup_mapper=False).streams


def _key(record: dict[str, t.Any], fields: t.Sequence[str]) -> tuple[t.Any, ...]:
    return tuple(record.get(f) for f in fields)


@pytest.mark.parametrize("api", APIS)
def test_the_vendors_examples_go_through_the_tap_whole_and_valid(api):
    tap = f"tap-{api}"
    served = harness.examples(api)
    assert {e.stream for e in served} == set(streams_of(tap)), "every stream needs a vendor example"
    server = harness.ReplayAPI(served).start()
    try:
        run = run_tap(tap, sandbox_config(tap, server, **unpaced(tap)))
    finally:
        server.stop()
    assert run.returncode == 0, run.stderr[-3000:]

    streams, problems = streams_of(tap), []
    for example in served:
        schema, emitted = run.schemas[example.stream], run.records[example.stream]
        read = list(streams[example.stream].parse_response(example.response()))
        assert read, f"{example.file.name}: the example holds no record"
        for record in read:
            # Match on the key fields the record itself carries (a child's parent id is added later).
            key = [k for k in run.key_properties[example.stream] if k in record]
            twins = [e for e in emitted if _key(e, key) == _key(record, key)]
            if not twins:
                problems.append(f"{example.file.name}: record {_key(record, key)} was not emitted")
                continue
            dropped = harness.field_paths(record) - harness.field_paths(twins[0])
            undeclared = harness.field_paths(record) - harness.declared_paths(schema)
            problems += [f"{example.file.name}: `{f}` dropped" for f in sorted(dropped)]
            problems += [
                f"{example.file.name}: `{f}` not declared in the {example.stream} schema" for f in sorted(undeclared)
            ]
        for record in emitted:
            problems += [
                f"{example.stream}: {e}" for e in harness.schema_errors(schema, json.loads(json.dumps(record)))
            ]
    assert not problems, f"{len(problems)} problems:\n  " + "\n  ".join(dict.fromkeys(problems))


@pytest.mark.parametrize("api", APIS)
def test_the_schemas_declare_the_documented_fields(api):
    streams = streams_of(f"tap-{api}")
    short = []
    for stream, fields in harness.documented_fields(api).items():
        declared = harness.declared_paths(streams[stream].schema)
        covered = len(set(fields) & declared)
        harness.COVERAGE[f"tap-{api} {stream}"] = (covered, len(fields))
        if covered < MINIMUM_COVERAGE * len(fields):
            short.append(f"{stream}: {covered}/{len(fields)}; missing {sorted(set(fields) - declared)[:10]}")
    assert not short, "schemas below the documented-field coverage:\n  " + "\n  ".join(short)


@pytest.mark.parametrize("api", APIS)
def test_the_fake_sends_every_documented_field_in_the_schemas_types(api, start_fake):
    tap = f"tap-{api}"
    fake = start_fake(api, seed=3, scale=0.2, enforce_rate_limits=False)
    run = run_tap(tap, sandbox_config(tap, fake, **unpaced(tap)))
    assert run.returncode == 0, run.stderr[-3000:]
    problems = []
    for stream, fields in harness.documented_fields(api).items():
        sent: set[str] = set()
        for record in run.records[stream]:
            sent |= harness.field_paths(record)
        problems += [f"{stream}: the fake never sends `{f}`" for f in sorted(set(fields) - sent)]
    for stream, records in run.records.items():
        for record in records:
            problems += [f"{stream}: {e}" for e in harness.schema_errors(run.schemas[stream], record)]
    # The oddities the vendors document, which the tap must decode: the fake sends them raw.
    source = importlib.import_module(f"parity.dlt_configs.{api}").source(fake)
    for oddity in harness.oddities(api):
        values = [v for record in source[oddity["stream"]] for v in harness.values_at(record, oddity["field"])]
        if not any(harness.ODDITY_KINDS[oddity["kind"]](v) for v in values):
            problems.append(f"{oddity['stream']}: the fake never sends `{oddity['field']}` as {oddity['kind']}")
    assert not problems, f"{len(problems)} problems:\n  " + "\n  ".join(dict.fromkeys(problems[:60]))
