"""Run the ``sync_accounts`` Dagster job for an accounts file and report each account's result."""

from __future__ import annotations

import os
import sys
import typing as t
from dataclasses import dataclass
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance, execute_job, reconstructable

from orchestration import dagster_defs, state
from orchestration.accounts import PROJECT_ROOT, AccountsFile
from orchestration.dagster_defs import API_TAG, sync_accounts

if t.TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


def run_config(
    accounts: AccountsFile,
    *,
    accounts_file: str,
    environment: str = "",
    target: str = "",
    only: Sequence[str] = (),
    output_dir: str = "",
    retry_wait_seconds: float = 30.0,
    overrides: Mapping[str, Mapping[str, str]] | None = None,
    max_workers: int | None = None,
    log_level: str = "INFO",
) -> dict[str, t.Any]:
    """The run configuration of ``sync_accounts``: the plan's settings and the file's limits.

    ``limits.max_workers`` becomes the multiprocess executor's ``max_concurrent`` (worker
    processes at once) and ``limits.per_api`` its ``tag_concurrency_limits`` on the
    ``scheduling/api`` tag of each account's step.
    """
    tag_limits = [
        {"key": API_TAG, "value": api, "limit": limit} for api, limit in sorted(accounts.limits.per_api.items())
    ]
    return {
        "ops": {
            "plan_accounts": {
                "config": {
                    "accounts_file": accounts_file,
                    "environment": environment,
                    "target": target,
                    "only": list(only),
                    "output_dir": output_dir,
                    "retry_wait_seconds": retry_wait_seconds,
                    "overrides": {key: dict(value) for key, value in (overrides or {}).items()},
                }
            }
        },
        "execution": {
            "config": {
                "max_concurrent": max_workers or accounts.limits.max_workers,
                "tag_concurrency_limits": tag_limits,
            }
        },
        "loggers": {"console": {"config": {"log_level": log_level}}},
    }


@dataclass(frozen=True)
class AccountReport:
    """How one account fared in a run of ``sync_accounts``."""

    account_id: str
    api: str
    #: ``succeeded``, ``failed`` or ``not run`` (its step never started).
    status: str
    attempts: int
    seconds: float | None
    destination: str | None
    state_id: str | None
    log_file: str | None
    error: str | None = None


@dataclass(frozen=True)
class RunReport:
    """A run of ``sync_accounts``: Dagster's run id and one report per account."""

    run_id: str
    success: bool
    accounts: tuple[AccountReport, ...]

    def by_id(self) -> dict[str, AccountReport]:
        """The account reports by account id."""
        return {report.account_id: report for report in self.accounts}


def instance_for(home: Path | None) -> DagsterInstance:
    """``DAGSTER_HOME``'s instance if set, else a local one rooted at ``home`` (kept between runs)."""
    if os.environ.get("DAGSTER_HOME"):
        return DagsterInstance.get()
    if home is None:
        raise ValueError("set DAGSTER_HOME or give a folder for Dagster's run storage")
    home.mkdir(parents=True, exist_ok=True)
    return DagsterInstance.local_temp(tempdir=str(home))


def execute(
    accounts: AccountsFile,
    config: dict[str, t.Any],
    *,
    instance: DagsterInstance,
    require_shared_state: bool = False,
) -> RunReport:
    """Run ``sync_accounts`` with ``config`` and collect each account's result.

    The system database is migrated once first (:func:`orchestration.state.prepare`), so parallel
    workers never race to create Meltano's tables. With ``require_shared_state`` the run refuses
    to start unless ``MELTANO_DATABASE_URI`` is a PostgreSQL database.
    """
    environment = config["ops"]["plan_accounts"]["config"]["environment"] or accounts.environment
    if require_shared_state and state.shared_uri() is None:
        raise state.StateBackendError(
            f"{state.DATABASE_URI_ENV} must point at PostgreSQL (postgresql://...) so every worker shares the state"
        )
    state.prepare(environment)
    # The worker processes import this package by module name: make it importable for them.
    root = str(PROJECT_ROOT)
    if root not in sys.path:
        sys.path.insert(0, root)
    paths = os.environ.get("PYTHONPATH", "")
    if root not in paths.split(os.pathsep):
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (root, paths) if p)

    result = execute_job(reconstructable(sync_accounts), instance=instance, run_config=config)
    selected = accounts.select(config["ops"]["plan_accounts"]["config"]["only"])
    return RunReport(result.run_id, result.success, _reports(instance, result.run_id, selected))


def _reports(instance: DagsterInstance, run_id: str, accounts: AccountsFile) -> tuple[AccountReport, ...]:
    starts: dict[str, int] = {}
    outputs: dict[str, dict[str, t.Any]] = {}
    failures: dict[str, str] = {}
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        step_key = record.step_key
        if event is None or step_key is None:
            continue
        if event.event_type in (DagsterEventType.STEP_START, DagsterEventType.STEP_RESTARTED):
            starts[step_key] = starts.get(step_key, 0) + 1
        elif event.event_type == DagsterEventType.STEP_FAILURE:
            error = event.step_failure_data.error
            failures[step_key] = _error_text(error) if error else "failed"
        elif event.event_type == DagsterEventType.STEP_OUTPUT:
            metadata = event.step_output_data.metadata
            outputs[step_key] = {k: v.value for k, v in metadata.items()}
    reports = []
    for account in accounts.accounts:
        key = f"{dagster_defs.SYNC_OPS[account.api].name}[{account.id}]"
        attempts = starts.get(key, 0)
        meta = outputs.get(key)
        status = "succeeded" if meta is not None else "failed" if attempts else "not run"
        if failures.get(key):
            status = "failed"
        reports.append(
            AccountReport(
                account_id=account.id,
                api=account.api,
                status=status,
                attempts=attempts,
                seconds=_float(meta.get("seconds")) if meta else None,
                destination=str(meta.get("destination")) if meta else None,
                state_id=str(meta.get("state_id")) if meta else None,
                log_file=str(meta.get("log_file")) if meta else None,
                error=failures.get(key),
            )
        )
    return tuple(reports)


def _float(value: t.Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None


def _error_text(error: t.Any) -> str:
    """The innermost message of a Dagster error (the account's own error, not the wrapper)."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    return str(getattr(error, "message", error)).strip()
