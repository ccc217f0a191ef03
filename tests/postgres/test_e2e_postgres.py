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
"""

from __future__ import annotations

import importlib
import typing as t

import pytest
from support.compare import assert_same, by_key
from support.meltano import SandboxMeltano
from support.paths import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("meltano_plugins")]

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


def assert_database_equals_source(postgres, database, api, fake, previous=None):
    source = api.source(fake)
    # meltano.yml names PostgreSQL schemas <environment>_<tap schema>: sandbox rows stay apart.
    schema = f"{SandboxMeltano.environment}_{api.SCHEMA}"
    present = postgres.tables(database, schema)
    for stream, key in api.STREAMS.items():
        assert stream in present, f"{stream}: no table in PostgreSQL ({sorted(present)})"
        loaded = by_key([r for r in postgres.rows(database, schema, stream) if r.get("_sdc_deleted_at") is None], key)
        expected = by_key(source[stream], key)
        vanished = loaded.keys() - expected.keys()
        # Rows deleted at the source stay unless the tap ends a snapshot with ACTIVATE_VERSION,
        # which target-postgres applies (hard_delete: true in meltano.yml).
        retained = set(getattr(api, "DELETES_RETAINED", ())) - set(getattr(api, "SNAPSHOT_DELETES", ()))
        if vanished and stream in retained:
            assert previous is not None and vanished <= previous[stream].keys(), f"{stream}: rows never in the source"
            loaded = {k: v for k, v in loaded.items() if k not in vanished}
        assert_same(loaded, expected, f"PostgreSQL {stream} vs the fake")


@pytest.mark.parametrize("name", list(CASES))
def test_full_then_incremental_runs_keep_postgres_equal_to_source(name, postgres, start_fake, sandbox):
    api = _api(name)
    seed, scale = CASES[name]
    fake = start_fake(name, seed=seed, scale=scale, enforce_rate_limits=False)
    sandbox.fakes[name] = fake
    database = postgres.create_database(f"e2e_{name}")
    sandbox.extra_env.update(postgres.target_env(database))

    sandbox.run(api.TAP, "target-postgres").check()
    assert_database_equals_source(postgres, database, api, fake)

    before = {s: by_key(r, api.STREAMS[s]) for s, r in api.source(fake).items()}
    api.mutate(fake, seed + 1)
    sandbox.run(api.TAP, "target-postgres").check()
    assert_database_equals_source(postgres, database, api, fake, previous=before)
