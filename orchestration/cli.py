"""``python -m orchestration``: sync every account of an accounts file with Dagster.

Commands:

- ``run --accounts FILE``: run the ``sync_accounts`` job and print one line per account
  (status, attempts, seconds, destination, state id). In the ``sandbox`` environment it first
  starts one fake API per account (``sandbox:`` entries of the file) and stops them afterwards.
- ``list --accounts FILE``: the accounts, their state ids and destinations, without running.

Exit code: 0 when every account succeeded, 1 when one failed, 2 for an unusable accounts file
or state backend.
"""

from __future__ import annotations

import argparse
import os
import sys
import typing as t
from pathlib import Path

from orchestration import state
from orchestration.accounts import PROJECT_ROOT, AccountsFileError, destination_dir, load_accounts

if t.TYPE_CHECKING:
    from collections.abc import Sequence

    from orchestration.runner import RunReport


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m orchestration", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("run", "sync every account"), ("list", "show the accounts without running")):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--accounts", required=True, type=Path, help="the accounts file (YAML)")
        command.add_argument("--environment", default="", help="Meltano environment (default: the file's)")
        command.add_argument("--target", default="", help="loader (default: the file's, else target-duckdb)")
        command.add_argument("--only", action="append", default=[], metavar="ACCOUNT_ID",
                             help="only this account (repeatable): rerun failed accounts alone")
        command.add_argument(
            "--output-dir", default="", help="per-account destinations (default output/<env>/accounts)"
        )
    run = commands.choices["run"]
    run.add_argument("--max-workers", type=int, default=None, help="worker processes at once (default: the file's)")
    run.add_argument("--retry-wait", type=float, default=30.0, help="seconds before a failed account is retried")
    run.add_argument("--dagster-home", type=Path, default=None,
                     help="Dagster's run storage when DAGSTER_HOME is unset (default output/<env>/dagster)")
    run.add_argument("--log-level", default="INFO", help="Dagster's console log level (DEBUG shows every step event)")
    run.add_argument("--require-shared-state", action="store_true",
                     help=f"refuse to run unless {state.DATABASE_URI_ENV} is a PostgreSQL database")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m orchestration``."""
    args = _parser().parse_args(argv)
    try:
        accounts = load_accounts(args.accounts).select(args.only)
    except (AccountsFileError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    environment = args.environment or accounts.environment
    target = args.target or accounts.target
    if args.command == "list":
        folder = Path(args.output_dir) if args.output_dir else destination_dir(environment)
        for account in accounts.accounts:
            where = f"schema {environment}_{account.id}" if target == "target-postgres" else str(folder / account.id)
            print(f"{account.id:24} {account.tap:14} {account.state_id(environment, target):56} {where}")
        return 0
    return _run(args, accounts, environment, target)


def _run(args: argparse.Namespace, accounts: t.Any, environment: str, target: str) -> int:
    from orchestration import runner
    from orchestration.sandbox import start_fakes

    uri = os.environ.get(state.DATABASE_URI_ENV)
    where = state.describe(uri) if uri else "the project's SQLite system database"
    print(f"state backend: {where}")
    if not state.is_shared(uri):
        print("  (not shared: every worker must run on this machine; set MELTANO_DATABASE_URI=postgresql://...)")
    fakes = start_fakes(accounts) if environment == "sandbox" else None
    try:
        if fakes is not None:
            for account_id, fake in fakes.fakes.items():
                print(f"sandbox: {account_id} → fake {fake.name} (seed {fake.seed}) at {fake.url}")
            os.environ.update(fakes.credentials)  # the fakes' dummy keys, inherited by the workers
        config = runner.run_config(
            accounts,
            accounts_file=str(args.accounts.resolve()),
            environment=environment,
            target=target,
            only=args.only,
            output_dir=str(Path(args.output_dir).resolve()) if args.output_dir else "",
            retry_wait_seconds=args.retry_wait,
            overrides=fakes.overrides if fakes is not None else None,
            max_workers=args.max_workers,
            log_level=args.log_level.upper(),
        )
        home = args.dagster_home or PROJECT_ROOT / "output" / environment / "dagster"
        report = runner.execute(
            accounts, config, instance=runner.instance_for(home), require_shared_state=args.require_shared_state
        )
    except state.StateBackendError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        if fakes is not None:
            fakes.stop()
    print_report(report)
    return 0 if all(a.status == "succeeded" for a in report.accounts) else 1


def print_report(report: RunReport) -> None:
    """One line per account, then the failed accounts' errors."""
    print(f"\nDagster run {report.run_id}: {'succeeded' if report.success else 'failed'}")
    print(f"{'account':24} {'api':9} {'status':10} {'attempts':>8} {'seconds':>8}  destination / state id")
    for account in report.accounts:
        seconds = f"{account.seconds:.1f}" if account.seconds is not None else "-"
        print(f"{account.account_id:24} {account.api:9} {account.status:10} {account.attempts:>8} {seconds:>8}  "
              f"{account.destination or '-'}")
        if account.state_id:
            print(f"{'':66}{account.state_id}")
    for account in report.accounts:
        if account.error:
            print(f"\n{account.account_id} failed:\n{account.error}")
    failed = [a.account_id for a in report.accounts if a.status != "succeeded"]
    if failed:
        print(f"\nrerun only these: --only {' --only '.join(failed)}")
