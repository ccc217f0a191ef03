"""Dagster definitions: every account of an accounts file synced as its own step or partition.

Two ways to run the same accounts, for two ways of operating:

- ``sync_accounts`` (a job): one run for a whole accounts file. ``plan_accounts`` reads the file
  and fans out one dynamic output per account, grouped by API; ``sync_<api>`` runs one account's
  ``meltano run`` (:mod:`orchestration.accounts`). The multiprocess executor runs the steps in
  parallel worker processes, at most ``limits.max_workers`` at once and at most
  ``limits.per_api.<api>`` per API (each ``sync_<api>`` step carries the tag
  ``scheduling/api: <api>``; :func:`orchestration.runner.run_config` turns the file's limits into
  the executor's ``max_concurrent`` and ``tag_concurrency_limits``). A failed account's step is
  retried on its own (``RetryRequested``); the other accounts are not rerun. After a run that
  still failed, Dagster's "re-execute from failure" reruns only the failed steps.
- ``account_sync`` (an asset partitioned by account, dynamic partitions): for a long-running
  Dagster deployment. ``accounts_sensor`` adds a partition for each new account of the file and
  asks for its first run; ``daily_accounts`` asks for a run of every account each day. Each run
  carries the tag ``scheduling/api``, so the run queue's ``tag_concurrency_limits`` bound the
  runs per API (see ``dagster.yaml.example``), and its ``max_concurrent_runs`` the whole.

``dagster dev -m orchestration.dagster_defs`` serves both (environment variables below).
"""

# No `from __future__ import annotations`: Dagster reads the config and input types at run time.

import os
import typing as t
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dagster import (
    Config,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    Definitions,
    DynamicOut,
    DynamicOutput,
    DynamicPartitionsDefinition,
    Failure,
    MaterializeResult,
    OpDefinition,
    OpExecutionContext,
    Output,
    RetryPolicy,
    RetryRequested,
    RunRequest,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SensorResult,
    asset,
    define_asset_job,
    job,
    multiprocess_executor,
    op,
    schedule,
    sensor,
)

from orchestration import state
from orchestration.accounts import (
    CREDENTIAL_SETTINGS,
    PROJECT_ROOT,
    Account,
    AccountsFile,
    CredentialMissingError,
    RunOutcome,
    database_uri,
    load_accounts,
    plan_run,
    run_account,
)

#: The tag that carries an account's API, on steps and runs: the key of per-API limits.
API_TAG = "scheduling/api"
#: The tag that carries the account id on the runs of the partitioned asset.
ACCOUNT_TAG = "scheduling/account"
#: Every API an account can belong to, in a fixed order (one dynamic output and op per API).
APIS: tuple[str, ...] = tuple(tap.removeprefix("tap-") for tap in CREDENTIAL_SETTINGS)

#: Accounts file, environment and target of the partitioned asset, sensor and schedule.
ACCOUNTS_FILE_ENV = "ORCHESTRATION_ACCOUNTS_FILE"
ENVIRONMENT_ENV = "ORCHESTRATION_ENVIRONMENT"
DEFAULT_ACCOUNTS_FILE = "orchestration/accounts.example.yml"


class AccountRunError(RuntimeError):
    """An account's ``meltano run`` exited with an error (the message has the log's last lines)."""


@dataclass(frozen=True)
class AccountTask:
    """What one worker needs to sync one account (passed from ``plan_accounts`` to ``sync_<api>``)."""

    account: Account
    environment: str
    target: str
    retries: int
    retry_wait_seconds: float
    heartbeat_timeout_seconds: float
    output_dir: str | None = None
    overrides: dict[str, str] = field(default_factory=dict)


class PlanConfig(Config):
    """Run configuration of ``plan_accounts`` (paths relative to the project root)."""

    accounts_file: str = DEFAULT_ACCOUNTS_FILE
    #: Meltano environment; default the file's ``environment``.
    environment: str = ""
    #: Loader; default the file's ``target``.
    target: str = ""
    #: Only these account ids (all when empty): rerun chosen accounts without the others.
    only: list[str] = []  # noqa: RUF012 (Dagster copies config values)
    #: Folder of the per-account destinations and logs; default ``output/<env>/accounts``.
    output_dir: str = ""
    #: Seconds between a failed attempt of an account and its retry.
    retry_wait_seconds: float = 30.0
    #: Settings that win over the file's, per account id (the sandbox demo's ``api_url``).
    overrides: dict[str, dict[str, str]] = {}  # noqa: RUF012


def _resolve(path: str) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else PROJECT_ROOT / candidate


@op(out={f"{api}_accounts": DynamicOut(AccountTask, is_required=False) for api in APIS})
def plan_accounts(context: OpExecutionContext, config: PlanConfig) -> t.Iterator[DynamicOutput[AccountTask]]:
    """One dynamic output per account of the accounts file, on its API's output (``calendly_accounts``)."""
    accounts = load_accounts(_resolve(config.accounts_file)).select(config.only)
    environment = config.environment or accounts.environment
    target = config.target or accounts.target
    output_dir = str(_resolve(config.output_dir)) if config.output_dir else None
    for account in accounts.accounts:
        state_id = account.state_id(environment, target)
        context.log.info(f"account {account.id}: {account.tap} → {target}, state id {state_id}")
        task = AccountTask(
            account=account,
            environment=environment,
            target=target,
            retries=accounts.retries,
            retry_wait_seconds=config.retry_wait_seconds,
            heartbeat_timeout_seconds=accounts.heartbeat_timeout_seconds,
            output_dir=output_dir,
            overrides=dict(config.overrides.get(account.id, {})),
        )
        yield DynamicOutput(task, mapping_key=account.id, output_name=f"{account.api}_accounts")


def sync_one(task: AccountTask, log: t.Callable[[str], None]) -> RunOutcome:
    """Run one account; raise :class:`Failure` (not retried) or :class:`AccountRunError`.

    A run of the account that a dead worker left listed as running is marked failed first
    (:func:`orchestration.state.fail_dead_runs`): this run resumes from the state it saved.
    """
    try:
        plan = plan_run(
            task.account,
            task.environment,
            task.target,
            output_dir=Path(task.output_dir) if task.output_dir else None,
            overrides=task.overrides,
        )
    except CredentialMissingError as error:
        raise Failure(description=str(error), allow_retries=False) from None
    dead = state.fail_dead_runs(
        plan.state_id, heartbeat_timeout=task.heartbeat_timeout_seconds, uri=database_uri(os.environ)
    )
    if dead:
        log(
            f"account {task.account.id}: marked failed {dead} run(s) whose worker stopped heartbeating "
            f"{task.heartbeat_timeout_seconds:g} s ago; resuming from the shared state"
        )
    log(f"account {task.account.id}: meltano run into {plan.destination or plan.schema} (state id {plan.state_id})")
    outcome = run_account(plan)
    if not outcome.ok:
        raise AccountRunError(
            f"account {task.account.id}: meltano run exited {outcome.returncode} after {outcome.seconds} s "
            f"(log: {outcome.log_file}):\n{outcome.tail}"
        )
    log(f"account {task.account.id}: synced in {outcome.seconds} s")
    return outcome


def _sync_op(api: str) -> OpDefinition:
    @op(name=f"sync_{api}", tags={API_TAG: api})
    def sync(context: OpExecutionContext, task: AccountTask) -> Output[dict[str, t.Any]]:
        """Sync one account of this API; a failed run is retried on its own, ``retries`` times."""
        try:
            outcome = sync_one(task, context.log.info)
        except AccountRunError as error:
            context.log.warning(f"attempt {context.retry_number + 1} of {task.account.id} failed")
            raise RetryRequested(max_retries=task.retries, seconds_to_wait=task.retry_wait_seconds) from error
        value = {**asdict(outcome), "attempt": context.retry_number + 1, "api": api}
        metadata: dict[str, str | float | int] = {
            "state_id": outcome.state_id,
            "destination": outcome.destination or outcome.schema or "",
            "seconds": outcome.seconds,
            "log_file": outcome.log_file,
            "attempt": context.retry_number + 1,
        }
        return Output(value, metadata=metadata)

    return sync


SYNC_OPS: dict[str, OpDefinition] = {api: _sync_op(api) for api in APIS}


@job(executor_def=multiprocess_executor, tags={"scheduling/job": "sync_accounts"})
def sync_accounts() -> None:
    """Every account of an accounts file, in parallel workers within the file's limits."""
    planned = plan_accounts()
    for api in APIS:
        getattr(planned, f"{api}_accounts").map(SYNC_OPS[api])


# -- a partitioned asset per account, for a long-running deployment --------------------------------

account_partitions = DynamicPartitionsDefinition(name="scheduling_accounts")


def _accounts_file() -> AccountsFile:
    return load_accounts(_resolve(os.environ.get(ACCOUNTS_FILE_ENV, DEFAULT_ACCOUNTS_FILE)))


def _environment(accounts: AccountsFile) -> str:
    return os.environ.get(ENVIRONMENT_ENV) or accounts.environment


@asset(partitions_def=account_partitions, retry_policy=RetryPolicy(max_retries=1, delay=30))
def account_sync(context: OpExecutionContext) -> MaterializeResult:
    """One account's tables: its ``meltano run`` (the partition key is the account id)."""
    accounts = _accounts_file()
    account = accounts.account(context.partition_key)
    task = AccountTask(
        account,
        _environment(accounts),
        accounts.target,
        accounts.retries,
        retry_wait_seconds=30.0,
        heartbeat_timeout_seconds=accounts.heartbeat_timeout_seconds,
    )
    outcome = sync_one(task, context.log.info)
    return MaterializeResult(
        metadata={
            "state_id": outcome.state_id,
            "destination": outcome.destination or outcome.schema or "",
            "seconds": outcome.seconds,
        }
    )


account_sync_job = define_asset_job("account_sync_job", selection=[account_sync])


def _run_request(account: Account) -> RunRequest:
    return RunRequest(
        partition_key=account.id, tags={API_TAG: account.api, ACCOUNT_TAG: account.id}
    )


@sensor(job=account_sync_job, minimum_interval_seconds=300, default_status=DefaultSensorStatus.STOPPED)
def accounts_sensor(context: SensorEvaluationContext) -> SensorResult:
    """A partition for each account new in the accounts file, and that account's first run."""
    accounts = _accounts_file()
    known = set(context.instance.get_dynamic_partitions(account_partitions.name or ""))
    new = [account for account in accounts.accounts if account.id not in known]
    return SensorResult(
        run_requests=[_run_request(account) for account in new],
        dynamic_partitions_requests=[account_partitions.build_add_request([a.id for a in new])] if new else [],
    )


@schedule(
    job=account_sync_job, cron_schedule="0 3 * * *", default_status=DefaultScheduleStatus.STOPPED
)
def daily_accounts(context: ScheduleEvaluationContext) -> list[RunRequest]:
    """Every known account once a day (the run queue's limits decide how many at once)."""
    known = set(context.instance.get_dynamic_partitions(account_partitions.name or ""))
    return [_run_request(account) for account in _accounts_file().accounts if account.id in known]


defs = Definitions(
    assets=[account_sync],
    jobs=[sync_accounts, account_sync_job],
    sensors=[accounts_sensor],
    schedules=[daily_accounts],
)
