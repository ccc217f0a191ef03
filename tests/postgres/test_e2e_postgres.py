"""Any target: `meltano run tap-X target-postgres` (MeltanoLabs target-postgres, declared in
meltano.yml) against a real PostgreSQL server makes the database equal the fake, run after run.

The same end-to-end equality as the DuckDB tests, through the same canonical comparison as the
parity tests (every field, lists element by element): a full run, then the fake changes
(updates, inserts, cancellations, deletions where the API deletes), then an incremental run.
target-postgres upserts by the tap's key properties; its ``_sdc_*`` metadata columns are not
data. Where the API deletes records (Luma, SavvyCal), complete full-table listings end with
ACTIVATE_VERSION (``propagate_deletions``, on by default), which target-postgres applies with
``hard_delete: true`` (meltano.yml), so deletions are removed; a stream without such a marker
would keep the deleted rows (merge never deletes, like dlt).

Float also deletes through its delete logs: tap-float emits each deleted task, time off and
logged time as a record of that stream with only its key and ``_sdc_deleted_at``. target-postgres
upserts that record like any other (it replaces every column the schema declares), and its
``hard_delete`` acts on ACTIVATE_VERSION only, so the row stays, marked: the key,
``_sdc_deleted_at`` = Float's deletion time, every other column empty. Asserted after the
incremental run (:func:`assert_float_deletions_marked`).
"""

from __future__ import annotations

import datetime as dt
import importlib
import typing as t

import pytest
from support.compare import by_key
from support.meltano import SandboxMeltano
from support.paths import ROOT
from support.postgres import assert_schema_equals_source

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("meltano_plugins")]


def _schema(api: t.Any) -> str:
    """meltano.yml names PostgreSQL schemas <environment>_<tap schema>: sandbox rows stay apart."""
    return f"{SandboxMeltano.environment}_{api.SCHEMA}"

CASES = {
    "calendly": (5, 0.05),
    "luma": (5, 0.05),
    "float": (5, 0.05),
    "savvycal": (5, 0.05),
    "oncehub": (5, 0.05),
}


def _api(api: str) -> t.Any:
    try:
        module = importlib.import_module(f"parity.dlt_configs.{api}")
    except ModuleNotFoundError:
        pytest.skip(f"{api}: no stream description in tests/parity/dlt_configs yet")
    if not (ROOT / ".meltano" / "extractors" / module.TAP).is_dir():
        pytest.fail(f"{module.TAP} is not installed: run `make install`")
    if not (ROOT / ".meltano" / "loaders" / "target-postgres").is_dir():
        pytest.fail("target-postgres is not installed: run `make install`")
    return module


def assert_float_deletions_marked(postgres, database, api, fake):
    """Each record in a Float delete log is one row of its stream, marked and emptied.

    The streams, their keys and their logs come from the tap (``DeleteLogStream``); the deleted
    ids and times from the fake's delete logs (``/deleted/timeoffs`` is the fake's ``timeoffs``).
    """
    from scheduling_taps_common.settings import parse_datetime
    from tap_float.client import DELETED_AT, DeleteLogStream
    from tap_float.tap import TapFloat

    tap_streams = TapFloat(config={"api_token": "x"}, validate_config=False, setup_mapper=False).streams
    logged = {name: s for name, s in tap_streams.items() if isinstance(s, DeleteLogStream)}
    assert logged, "tap-float has no stream that reads a delete log"
    schema = f"{SandboxMeltano.environment}_{api.SCHEMA}"
    for name, stream in logged.items():
        (key,) = stream.primary_keys
        log = stream.delete_log_path.rsplit("/", 1)[-1].replace("-", "_")
        entries = fake.data.delete_logs[log]
        assert entries, f"{name}: the mutation deleted nothing, so nothing would be proven"
        loaded = {str(row[key]): row for row in postgres.rows(database, schema, name)}
        data_columns = set(stream.schema["properties"]) - {key, DELETED_AT}
        for entry in entries:
            row = loaded.get(str(entry["id"]))
            assert row is not None, f"{name} {entry['id']}: the deleted row is gone (hard_delete acted on it?)"
            deleted_at = row[DELETED_AT]
            assert deleted_at is not None, f"{name} {entry['id']}: deleted in Float, not marked in PostgreSQL"
            if deleted_at.tzinfo is None:
                deleted_at = deleted_at.replace(tzinfo=dt.timezone.utc)
            assert deleted_at == parse_datetime(entry["timestamp"] + "Z"), (name, entry, deleted_at)
            filled = sorted(c for c in data_columns if row.get(c) is not None)
            assert not filled, f"{name} {entry['id']}: a marked row keeps values of the deleted record: {filled}"


#: Checks after the incremental run, per API, beyond the equality of the live rows.
AFTER_MUTATION = {"float": assert_float_deletions_marked}


@pytest.mark.parametrize("name", list(CASES))
def test_full_then_incremental_runs_keep_postgres_equal_to_source(name, postgres, start_fake, sandbox):
    api = _api(name)
    seed, scale = CASES[name]
    fake = start_fake(name, seed=seed, scale=scale, enforce_rate_limits=False)
    sandbox.fakes[name] = fake
    database = postgres.create_database(f"e2e_{name}")
    sandbox.extra_env.update(postgres.target_env(database))

    sandbox.run(api.TAP, "target-postgres").check()
    assert_schema_equals_source(postgres, database, _schema(api), api, fake)

    before = {s: by_key(r, api.STREAMS[s]) for s, r in api.source(fake).items()}
    api.mutate(fake, seed + 1)
    sandbox.run(api.TAP, "target-postgres").check()
    assert_schema_equals_source(postgres, database, _schema(api), api, fake, previous=before)
    check = AFTER_MUTATION.get(name)
    if check is not None:
        check(postgres, database, api, fake)
