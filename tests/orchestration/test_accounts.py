"""The accounts file and one account's `meltano run`: command, settings, state id, destination, secrets."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest

from orchestration import cli, state
from orchestration.accounts import (
    AccountsFileError,
    CredentialMissingError,
    load_accounts,
    parse_accounts,
    plan_run,
    run_account,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "orchestration" / "accounts.example.yml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "accounts.yml"
    path.write_text(textwrap.dedent(text))
    return path


def test_the_example_file_parses_with_its_limits():
    accounts = load_accounts(EXAMPLE)
    assert [a.id for a in accounts.accounts] == ["acme_calendly", "globex_calendly", "initech_luma"]
    assert accounts.environment == "sandbox" and accounts.target == "target-duckdb"
    assert accounts.limits.max_workers == 2
    assert accounts.limits.per_api == {"calendly": 2, "luma": 1}, "an API the file does not name has no own limit"
    assert accounts.heartbeat_timeout_seconds == 60
    acme = accounts.account("acme_calendly")
    assert acme.api == "calendly" and acme.credential_env == "ACME_CALENDLY_API_KEY"
    assert acme.state_id("prod", "target-duckdb") == "prod:tap-calendly-to-target-duckdb:acme_calendly"


def test_one_accounts_run_gets_its_settings_credential_state_id_and_own_duckdb_file(tmp_path):
    accounts = parse_accounts({
        "accounts": [{
            "id": "acme", "tap": "tap-float", "credential_env": "ACME_FLOAT_TOKEN",
            "settings": {"api_url": "https://float.example/v3", "start_date": "2024-01-01T00:00:00Z",
                         "propagate_deletions": False, "max_requests_per_minute": 100},
        }],
    })
    plan = plan_run(accounts.accounts[0], "prod", output_dir=tmp_path, secrets={"ACME_FLOAT_TOKEN": "s3cr3t"})
    assert plan.command[1:] == ("--environment=prod", "run", "--state-id-suffix=acme", "tap-float", "target-duckdb")
    assert plan.state_id == "prod:tap-float-to-target-duckdb:acme"
    assert plan.env == {
        "TAP_FLOAT_API_URL": "https://float.example/v3",
        "TAP_FLOAT_START_DATE": "2024-01-01T00:00:00Z",
        "TAP_FLOAT_PROPAGATE_DELETIONS": "false",
        "TAP_FLOAT_MAX_REQUESTS_PER_MINUTE": "100",
        "TAP_FLOAT_API_TOKEN": "s3cr3t",  # the tap's own credential setting, from the named variable
        "TARGET_DUCKDB_FILEPATH": str(tmp_path / "acme.duckdb"),
    }
    assert plan.redact("token=s3cr3t!") == "token=***!"


def test_default_destinations_per_target(tmp_path):
    account = parse_accounts({"accounts": [{"id": "a1", "tap": "tap-luma", "credential_env": "K"}]}).accounts[0]
    duckdb = plan_run(account, "dev", secrets={"K": "x"})
    assert duckdb.destination is not None
    assert duckdb.destination.parts[-4:] == ("output", "dev", "accounts", "a1.duckdb")
    postgres = plan_run(account, "prod", "target-postgres", secrets={"K": "x"})
    assert postgres.schema == "prod_a1" and postgres.env["TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA"] == "prod_a1"
    assert postgres.state_id == "prod:tap-luma-to-target-postgres:a1"
    jsonl = plan_run(account, "prod", "target-jsonl", output_dir=tmp_path, secrets={"K": "x"})
    assert jsonl.env["TARGET_JSONL_DESTINATION_PATH"] == str(tmp_path / "a1" / "jsonl")


def test_sandbox_accounts_also_satisfy_the_sandbox_environments_url_variable():
    account = parse_accounts({"accounts": [{"id": "a1", "tap": "tap-luma", "credential_env": "K"}]}).accounts[0]
    plan = plan_run(account, "sandbox", secrets={"K": "x"}, overrides={"api_url": "http://127.0.0.1:1"})
    assert plan.env["TAP_LUMA_API_URL"] == plan.env["SANDBOX_LUMA_URL"] == "http://127.0.0.1:1"


def test_a_missing_credential_stops_before_meltano_and_names_only_the_variable():
    document = {"accounts": [{"id": "a1", "tap": "tap-luma", "credential_env": "A1_LUMA_KEY"}]}
    account = parse_accounts(document).accounts[0]
    with pytest.raises(CredentialMissingError, match="A1_LUMA_KEY"):
        plan_run(account, "prod", secrets={})


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"accounts": []}, "non-empty list"),
        ({"accounts": [{"id": "Bad-Id", "tap": "tap-luma", "credential_env": "K"}]}, "must match"),
        ({"accounts": [{"id": "a", "tap": "tap-nope", "credential_env": "K"}]}, "tap 'tap-nope'"),
        ({"accounts": [{"id": "a", "tap": "tap-luma", "credential_env": "not a name"}]}, "NAME of an environment"),
        ({"accounts": [{"id": "a", "tap": "tap-luma", "credential_env": "K", "settings": {"api_key": "x"}}]},
         "credential never goes in the file"),
        ({"accounts": [{"id": "a", "tap": "tap-luma", "credential_env": "K"}] * 2}, "appears twice"),
        ({"limits": {"per_api": {"zoom": 1}}, "accounts": [{"id": "a", "tap": "tap-luma", "credential_env": "K"}]},
         "unknown API 'zoom'"),
        ({"limits": {"max_workers": 0}, "accounts": [{"id": "a", "tap": "tap-luma", "credential_env": "K"}]},
         "max_workers"),
        ({"target": "target-csv", "accounts": [{"id": "a", "tap": "tap-luma", "credential_env": "K"}]}, "target"),
        ({"acounts": []}, "unknown key"),
    ],
)
def test_invalid_files_are_refused_with_the_reason(document, message):
    with pytest.raises(AccountsFileError, match=message):
        parse_accounts(document)


def test_select_reruns_only_chosen_accounts():
    accounts = load_accounts(EXAMPLE)
    assert [a.id for a in accounts.select(["initech_luma"]).accounts] == ["initech_luma"]
    with pytest.raises(AccountsFileError, match="unknown account"):
        accounts.select(["nobody"])


def test_a_failed_run_is_logged_without_the_secret(tmp_path):
    account = parse_accounts({"accounts": [{"id": "a1", "tap": "tap-luma", "credential_env": "K"}]}).accounts[0]
    plan = plan_run(account, "prod", output_dir=tmp_path, secrets={"K": "very-secret-key"})
    # A stand-in for meltano that echoes its environment, secret included, and fails.
    script = (
        "import os, sys; print('key is', os.environ['TAP_LUMA_API_KEY']); print('METRIC noise');"
        "print('tap-luma failed: HTTP 401 for key', os.environ['TAP_LUMA_API_KEY']); sys.exit(3)"
    )
    plan = type(plan)(**{**plan.__dict__, "command": (sys.executable, "-c", script)})
    outcome = run_account(plan, project_root=tmp_path)
    assert outcome.returncode == 3 and not outcome.ok
    assert outcome.tail == "tap-luma failed: HTTP 401 for key ***"  # the error, not the noise
    log = Path(outcome.log_file).read_text()
    assert "key is ***" in log and "very-secret-key" not in log


def test_state_backend_uri_is_described_without_its_password():
    uri = "postgresql://meltano:pa55word@db.internal:5432/meltano"
    assert state.describe(uri) == "postgresql://meltano:***@db.internal:5432/meltano"
    assert state.is_shared(uri) and state.is_shared("postgresql+psycopg://u@h/db")
    assert not state.is_shared("sqlite:///.meltano/meltano.db") and not state.is_shared(None)


def test_list_command_prints_state_ids_and_destinations(capsys):
    assert cli.main(["list", "--accounts", str(EXAMPLE), "--environment", "prod"]) == 0
    out = capsys.readouterr().out
    assert "prod:tap-calendly-to-target-duckdb:acme_calendly" in out
    assert "prod:tap-luma-to-target-duckdb:initech_luma" in out
    assert cli.main(["list", "--accounts", str(EXAMPLE), "--only", "ghost"]) == 2


def test_each_account_runs_in_a_meltano_folder_of_its_own_sharing_plugins_and_system_database(tmp_path):
    # A project whose Meltano folder holds an installed tap, a run file and the SQLite database.
    project = tmp_path / "project"
    (project / ".meltano" / "extractors" / "tap-luma" / "venv").mkdir(parents=True)
    (project / ".meltano" / "run" / "tap-luma").mkdir(parents=True)
    (project / ".meltano" / "run" / "tap-luma" / "tap.properties.json").write_text("{}")
    (project / ".meltano" / "meltano.db").write_text("")
    account = parse_accounts({"accounts": [{"id": "a1", "tap": "tap-luma", "credential_env": "K"}]}).accounts[0]
    plan = plan_run(account, "prod", output_dir=tmp_path / "out", secrets={"K": "key"})
    # A stand-in for meltano that shows where Meltano would look.
    script = (
        "import os; from pathlib import Path; root = Path(os.environ['MELTANO_SYS_DIR_ROOT']);"
        "print('sys', root); print('db', os.environ['MELTANO_DATABASE_URI']);"
        "print('venv', (root / 'extractors' / 'tap-luma' / 'venv').is_dir());"
        "print('catalog', (root / 'run' / 'tap-luma' / 'tap.properties.json').exists())"
    )
    plan = type(plan)(**{**plan.__dict__, "command": (sys.executable, "-c", script)})
    base = {k: v for k, v in os.environ.items() if k not in {"MELTANO_SYS_DIR_ROOT", "MELTANO_DATABASE_URI"}}

    assert run_account(plan, project_root=project, base_env=base).ok
    seen = dict(line.split(" ", 1) for line in Path(plan.log_file).read_text().splitlines()[1:])
    assert seen["sys"] == str(plan.meltano_dir) and plan.meltano_dir.parent == tmp_path / "out" / "meltano"
    assert seen["venv"] == "True", "the project's installed plugins are reachable"
    assert seen["catalog"] == "False", "run files (the catalog) are the account's own"
    assert seen["db"] == f"sqlite:///{project / '.meltano' / 'meltano.db'}", "every account shares the state"

    # A system database given in the environment (the shared PostgreSQL) is the one used.
    shared = "postgresql://meltano@db.internal/meltano"
    assert run_account(plan, project_root=project, base_env={**base, "MELTANO_DATABASE_URI": shared}).ok
    assert f"db {shared}" in Path(plan.log_file).read_text()

    # The project moved (a new checkout): the account's folder follows it to the plugins.
    moved = project.rename(tmp_path / "moved")
    assert run_account(plan, project_root=moved, base_env=base).ok
    assert Path(plan.log_file).read_text().splitlines()[-2:] == ["venv True", "catalog False"]
