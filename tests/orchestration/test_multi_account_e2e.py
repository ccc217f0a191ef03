"""Three sandbox accounts through Dagster: parallel workers, per-API limit, one account retried alone.

Two fake Calendly organisations and one fake Luma calendar (different seeds, own ports), the
accounts file's limits (2 workers, 1 Calendly account at a time), Meltano's state in a shared
PostgreSQL system database, one DuckDB file per account. One Calendly fake refuses a request
mid-run (a 403 the tap does not retry): only that account is run again, and then succeeds.
"""

from __future__ import annotations

import textwrap

import pytest
from support.postgres import PASSWORD, USER, meltano_runs, meltano_states, overlap
from support.warehouse import assert_table_matches, tables

from orchestration import runner
from orchestration.accounts import load_accounts

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("meltano_plugins")]

ACCOUNTS = """\
    version: 1
    environment: sandbox
    target: target-duckdb
    retries: 1
    limits:
      max_workers: 2
      per_api: {calendly: 1}
    accounts:
    - {id: acme, tap: tap-calendly, credential_env: ACME_CALENDLY_KEY}
    - {id: globex, tap: tap-calendly, credential_env: GLOBEX_CALENDLY_KEY}
    - id: initech
      tap: tap-luma
      credential_env: INITECH_LUMA_KEY
      settings: {max_requests_per_five_minutes: 0}
"""


def test_accounts_in_parallel_with_one_failed_account_retried_alone(
    tmp_path, monkeypatch, start_fake, postgres
):
    fakes = {
        "acme": start_fake("calendly", seed=31, scale=0.08),
        "globex": start_fake("calendly", seed=32, scale=0.08),
        "initech": start_fake("luma", seed=33, scale=0.05),
    }
    # Globex's key is refused mid-run, once: the tap stops at once (a 403 is not retried).
    fault = fakes["globex"].inject_fault(403, after=6, times=1)

    database = postgres.create_database("meltano_system")
    dsn = postgres.dsn(database)
    monkeypatch.setenv("MELTANO_DATABASE_URI", f"postgresql://{USER}:{PASSWORD}@{postgres.host}:{postgres.port}/{database}")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    for account, fake in fakes.items():
        variable = {"acme": "ACME_CALENDLY_KEY", "globex": "GLOBEX_CALENDLY_KEY", "initech": "INITECH_LUMA_KEY"}
        monkeypatch.setenv(variable[account], fake.valid_key)

    path = tmp_path / "accounts.yml"
    path.write_text(textwrap.dedent(ACCOUNTS))
    accounts = load_accounts(path)
    output = tmp_path / "accounts"
    config = runner.run_config(
        accounts,
        accounts_file=str(path),
        output_dir=str(output),
        retry_wait_seconds=0,
        overrides={account: {"api_url": fake.url} for account, fake in fakes.items()},
    )
    report = runner.execute(
        accounts, config, instance=runner.instance_for(tmp_path / "dagster"), require_shared_state=True
    )

    # Every account succeeded; only Globex needed a second attempt.
    results = report.by_id()
    assert report.success, results
    assert {a: (r.status, r.attempts) for a, r in results.items()} == {
        "acme": ("succeeded", 1), "globex": ("succeeded", 2), "initech": ("succeeded", 1),
    }
    assert fault.fired == 1 and [r.status for r in fakes["globex"].requests].count(403) == 1
    globex_log = (output / "globex.log").read_text()
    assert globex_log.count("=== ") == 2 and "403" in globex_log  # both attempts, and why the first failed
    assert fakes["globex"].valid_key not in globex_log
    assert all(r.status == 200 for r in fakes["acme"].requests + fakes["initech"].requests)

    # Meltano's runs, in the shared system database: the failed attempt and the retry for Globex,
    # one run each for the others (not rerun); workers in parallel, one Calendly account at a time.
    runs = meltano_runs(dsn)
    state_ids = {a: f"sandbox:tap-{fakes[a].name}-to-target-duckdb:{a}" for a in fakes}
    assert [status for status, _, _ in runs[state_ids["acme"]]] == ["SUCCESS"]
    assert [status for status, _, _ in runs[state_ids["initech"]]] == ["SUCCESS"]
    assert [status for status, _, _ in runs[state_ids["globex"]]] == ["FAIL", "SUCCESS"]
    calendly_runs = runs[state_ids["acme"]] + runs[state_ids["globex"]]
    assert not any(overlap(a, b) for i, a in enumerate(calendly_runs) for b in calendly_runs[i + 1:])
    assert any(overlap(luma, other) for luma in runs[state_ids["initech"]] for other in calendly_runs), runs

    # Each account's state lives in the shared backend, under its own state id, with bookmarks.
    states = meltano_states(dsn)
    for account, state_id in state_ids.items():
        bookmarks = states[state_id]["singer_state"]["bookmarks"]
        assert bookmarks, f"{account}: no bookmarks in the shared state"
    assert states[state_ids["acme"]] != states[state_ids["globex"]]

    # Each account's own DuckDB file equals its own fake's data.
    for account in ("acme", "globex"):
        db, data = output / f"{account}.duckdb", fakes[account].data
        assert results[account].destination == str(db)
        assert_table_matches(db, "tap_calendly", "event_types", data.event_types, "uri", compare=["name", "active"])
        assert_table_matches(db, "tap_calendly", "scheduled_events", data.events, "uri", compare=["status", "name"])
        assert_table_matches(db, "tap_calendly", "event_invitees", data.all_invitees(), "uri", compare=["email"])
        assert_table_matches(
            db, "tap_calendly", "organization_memberships", data.memberships, "uri", compare=["role"]
        )
    luma_db, luma = output / "initech.duckdb", fakes["initech"].data
    assert tables(luma_db, "tap_luma") >= {"events", "event_guests"}
    assert_table_matches(luma_db, "tap_luma", "events", luma.events, "api_id", compare=["name"])
    assert_table_matches(
        luma_db, "tap_luma", "event_guests", luma.all_guests(), ("event_api_id", "api_id"), compare=["email"]
    )
