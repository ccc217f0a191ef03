"""The Dagster side without running Meltano: limits become executor config, accounts become partitions."""

from __future__ import annotations

from pathlib import Path

from dagster import build_schedule_context, build_sensor_context, instance_for_test

from orchestration import dagster_defs, runner
from orchestration.accounts import load_accounts

EXAMPLE = Path(__file__).resolve().parents[2] / "orchestration" / "accounts.example.yml"


def test_limits_become_the_executors_concurrency_limits():
    accounts = load_accounts(EXAMPLE)
    config = runner.run_config(accounts, accounts_file=str(EXAMPLE), only=["initech_luma"], retry_wait_seconds=5)
    assert config["execution"]["config"] == {
        "max_concurrent": 2,
        "tag_concurrency_limits": [
            {"key": "scheduling/api", "value": "calendly", "limit": 2},
            {"key": "scheduling/api", "value": "luma", "limit": 1},
        ],
    }
    plan = config["ops"]["plan_accounts"]["config"]
    assert plan["only"] == ["initech_luma"] and plan["retry_wait_seconds"] == 5
    # Each API's sync step carries the tag those limits count.
    assert dagster_defs.SYNC_OPS["calendly"].tags["scheduling/api"] == "calendly"
    assert runner.run_config(accounts, accounts_file="x", max_workers=7)["execution"]["config"]["max_concurrent"] == 7


def test_the_job_and_the_asset_load_as_one_code_location():
    repository = dagster_defs.defs.get_repository_def()
    assert {"sync_accounts", "account_sync_job"} <= {job.name for job in repository.get_all_jobs()}
    job = dagster_defs.defs.get_job_def("sync_accounts")
    assert {node.name for node in job.nodes} == {"plan_accounts", *(f"sync_{api}" for api in dagster_defs.APIS)}


def test_sensor_adds_a_partition_per_new_account_and_schedule_runs_every_known_one(monkeypatch):
    monkeypatch.setenv(dagster_defs.ACCOUNTS_FILE_ENV, str(EXAMPLE))
    with instance_for_test() as instance:
        first = dagster_defs.accounts_sensor(build_sensor_context(instance=instance))
        assert [r.partition_key for r in first.run_requests] == ["acme_calendly", "globex_calendly", "initech_luma"]
        assert first.run_requests[2].tags == {"scheduling/api": "luma", "scheduling/account": "initech_luma"}
        (added,) = first.dynamic_partitions_requests
        assert list(added.partition_keys) == ["acme_calendly", "globex_calendly", "initech_luma"]

        instance.add_dynamic_partitions("scheduling_accounts", ["acme_calendly", "initech_luma"])
        again = dagster_defs.accounts_sensor(build_sensor_context(instance=instance))
        assert [r.partition_key for r in again.run_requests] == ["globex_calendly"]

        daily = dagster_defs.daily_accounts(build_schedule_context(instance=instance))
        assert sorted(r.partition_key for r in daily) == ["acme_calendly", "initech_luma"]
