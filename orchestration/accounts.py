"""Accounts as data: the accounts file, and one account's ``meltano run`` (command, environment).

An accounts file (YAML, see ``accounts.example.yml`` and the README of this folder) lists the
accounts to sync, each with its tap, a stable id, the NAME of the environment variable that
holds its credential (never the credential itself) and optional tap settings. One account's
run is::

    meltano --environment=<env> run --state-id-suffix=<account id> <tap> <target>

with the account's settings injected as Meltano's ``<PLUGIN>_<SETTING>`` environment variables
(``TAP_CALENDLY_API_KEY``, ``TAP_CALENDLY_START_DATE``, ...), its own state id
(``<env>:<tap>-to-<target>:<account id>``) and its own destination: one DuckDB file per account
(``output/<env>/accounts/<account id>.duckdb``), one PostgreSQL schema per account
(``<env>_<account id>``), one JSONL folder per account. Each run also gets a Meltano folder of
its own (:func:`private_meltano_dir`), so runs of the same tap can go side by side in one project.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import typing as t
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

if t.TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

#: The Meltano project this folder belongs to (meltano.yml lives there).
PROJECT_ROOT = Path(__file__).resolve().parents[1]

#: The credential setting of each tap, as its plugin file declares it.
CREDENTIAL_SETTINGS: dict[str, str] = {
    "tap-calendly": "api_key",
    "tap-luma": "api_key",
    "tap-float": "api_token",
    "tap-savvycal": "api_key",
    "tap-oncehub": "api_key",
}
#: The loaders an account can be written to, and how each gets a destination of its own.
TARGETS = ("target-duckdb", "target-postgres", "target-jsonl")

#: Account ids are identifiers everywhere they go: a file name, a PostgreSQL schema name, a
#: Meltano state id suffix and a Dagster partition and mapping key.
ACCOUNT_ID = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
#: Environment variable names (for the credential reference).
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: Setting names of the taps (lower-case identifiers).
SETTING_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

#: Where Meltano keeps installed plugins and per-run files (default ``<project>/.meltano``).
SYS_DIR_ENV = "MELTANO_SYS_DIR_ROOT"
#: Meltano's system database (runs and state); its default is a SQLite file in the folder above.
DATABASE_URI_ENV = "MELTANO_DATABASE_URI"
#: Entries of Meltano's folder that belong to one run and so are never shared between runs.
PER_RUN_ENTRIES = frozenset({"run", "logs"})


class AccountsFileError(ValueError):
    """The accounts file is not valid; the message says where and why."""


class CredentialMissingError(RuntimeError):
    """The environment variable an account's credential is read from is not set."""


@dataclass(frozen=True)
class SandboxFake:
    """How the sandbox demo fakes an account's API: a fake started with this seed and scale."""

    seed: int = 1
    scale: float = 0.1


@dataclass(frozen=True)
class Account:
    """One account to sync: a tap, a stable id, where its credential comes from, its settings."""

    #: Stable id: state id suffix, destination file and schema name, Dagster partition key.
    id: str
    #: The extractor (``tap-calendly``, ...).
    tap: str
    #: Name of the environment variable that holds the credential (the secret stays there).
    credential_env: str
    #: Other tap settings (``api_url``, ``start_date``, ...), injected as environment variables.
    settings: Mapping[str, t.Any] = field(default_factory=dict)
    #: Seed and scale of the fake that stands in for the account in the sandbox demo.
    sandbox: SandboxFake | None = None

    @property
    def api(self) -> str:
        """The API name (``calendly`` for ``tap-calendly``): the unit of per-API limits."""
        return self.tap.removeprefix("tap-")

    @property
    def credential_setting(self) -> str:
        """The tap's credential setting (``api_key``, ``api_token``)."""
        return CREDENTIAL_SETTINGS[self.tap]

    def state_id(self, environment: str, target: str) -> str:
        """The Meltano state id of this account's runs into ``target``."""
        return f"{environment}:{self.tap}-to-{target}:{self.id}"


@dataclass(frozen=True)
class Limits:
    """How many accounts run at once: in the whole run, and per API."""

    max_workers: int = 4
    #: Accounts of one API at once; an API not named here is bounded by ``max_workers`` only.
    per_api: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class AccountsFile:
    """A parsed accounts file."""

    accounts: tuple[Account, ...]
    limits: Limits = field(default_factory=Limits)
    environment: str = "dev"
    target: str = "target-duckdb"
    #: Attempts after the first when an account's run fails (the others are not rerun).
    retries: int = 1
    #: A run Meltano still lists as running but whose heartbeat (written every second) stopped
    #: this long ago belongs to a worker that died: the account's next run marks it failed and
    #: resumes from the shared state instead of waiting for Meltano's own five minutes.
    heartbeat_timeout_seconds: int = 60

    def account(self, account_id: str) -> Account:
        """The account called ``account_id``."""
        for account in self.accounts:
            if account.id == account_id:
                return account
        raise KeyError(account_id)

    def select(self, ids: Sequence[str]) -> AccountsFile:
        """This file restricted to the accounts ``ids`` (all when empty)."""
        if not ids:
            return self
        unknown = sorted(set(ids) - {a.id for a in self.accounts})
        if unknown:
            raise AccountsFileError(f"unknown account id(s): {', '.join(unknown)}")
        chosen = tuple(a for a in self.accounts if a.id in set(ids))
        return replace(self, accounts=chosen)


def _fail(where: str, message: str) -> t.NoReturn:
    raise AccountsFileError(f"{where}: {message}")


def _positive_int(value: t.Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        _fail(where, f"expected a whole number ≥ 1, got {value!r}")
    return int(value)


def parse_accounts(document: Mapping[str, t.Any], source: str = "accounts file") -> AccountsFile:
    """Check and parse an accounts document (the YAML already loaded)."""
    if not isinstance(document, dict):
        _fail(source, "expected a mapping with an `accounts` list")
    known = {"version", "environment", "target", "retries", "heartbeat_timeout_seconds", "limits", "accounts"}
    extra = sorted(set(document) - known)
    if extra:
        _fail(source, f"unknown key(s) {', '.join(extra)} (known: {', '.join(sorted(known))})")
    if document.get("version", 1) != 1:
        _fail(source, f"version {document['version']!r} is not supported (expected 1)")
    target = document.get("target", AccountsFile.target)
    if target not in TARGETS:
        _fail(source, f"target {target!r} is not one of {', '.join(TARGETS)}")
    environment = str(document.get("environment", AccountsFile.environment))
    retries = document.get("retries", AccountsFile.retries)
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        _fail(f"{source}: retries", f"expected a whole number ≥ 0, got {retries!r}")
    heartbeat_timeout = _positive_int(
        document.get("heartbeat_timeout_seconds", AccountsFile.heartbeat_timeout_seconds),
        f"{source}: heartbeat_timeout_seconds",
    )

    raw_limits = document.get("limits") or {}
    if not isinstance(raw_limits, dict) or set(raw_limits) - {"max_workers", "per_api"}:
        _fail(f"{source}: limits", "expected a mapping with `max_workers` and `per_api`")
    per_api_raw = raw_limits.get("per_api") or {}
    if not isinstance(per_api_raw, dict):
        _fail(f"{source}: limits.per_api", "expected a mapping of API name to a number")
    apis = {tap.removeprefix("tap-") for tap in CREDENTIAL_SETTINGS}
    per_api: dict[str, int] = {}
    for api, limit in per_api_raw.items():
        if api not in apis:
            _fail(f"{source}: limits.per_api", f"unknown API {api!r} (known: {', '.join(sorted(apis))})")
        per_api[api] = _positive_int(limit, f"{source}: limits.per_api.{api}")
    max_workers = _positive_int(raw_limits.get("max_workers", Limits.max_workers), f"{source}: limits.max_workers")
    limits = Limits(max_workers, per_api)

    raw_accounts = document.get("accounts")
    if not isinstance(raw_accounts, list) or not raw_accounts:
        _fail(source, "`accounts` must be a non-empty list")
    accounts = [_parse_account(raw, f"{source}: accounts[{index}]") for index, raw in enumerate(raw_accounts)]
    seen: set[str] = set()
    for account in accounts:
        if account.id in seen:
            _fail(source, f"account id {account.id!r} appears twice (ids must be unique)")
        seen.add(account.id)
    return AccountsFile(tuple(accounts), limits, environment, target, retries, heartbeat_timeout)


def _parse_account(raw: t.Any, where: str) -> Account:
    if not isinstance(raw, dict):
        _fail(where, "expected a mapping")
    known = {"id", "tap", "credential_env", "settings", "sandbox"}
    extra = sorted(set(raw) - known)
    if extra:
        _fail(where, f"unknown key(s) {', '.join(extra)} (known: {', '.join(sorted(known))})")
    account_id = raw.get("id")
    if not isinstance(account_id, str) or not ACCOUNT_ID.match(account_id):
        _fail(where, f"id {account_id!r} must match {ACCOUNT_ID.pattern} (lower case, digits, underscores)")
    where = f"{where} ({account_id})"
    tap = raw.get("tap")
    if tap not in CREDENTIAL_SETTINGS:
        _fail(where, f"tap {tap!r} is not one of {', '.join(CREDENTIAL_SETTINGS)}")
    credential_env = raw.get("credential_env")
    if not isinstance(credential_env, str) or not ENV_NAME.match(credential_env):
        _fail(where, "credential_env must be the NAME of an environment variable (the secret stays there)")
    settings = raw.get("settings") or {}
    if not isinstance(settings, dict):
        _fail(where, "settings must be a mapping of tap setting names to values")
    for name in settings:
        if not isinstance(name, str) or not SETTING_NAME.match(name):
            _fail(where, f"setting name {name!r} is not a tap setting name")
    if CREDENTIAL_SETTINGS[tap] in settings:
        _fail(where, f"the credential never goes in the file: set {credential_env} in the environment instead")
    sandbox_raw = raw.get("sandbox")
    sandbox = None
    if sandbox_raw is not None:
        if not isinstance(sandbox_raw, dict) or set(sandbox_raw) - {"seed", "scale"}:
            _fail(where, "sandbox must be a mapping with `seed` and `scale`")
        sandbox = SandboxFake(int(sandbox_raw.get("seed", 1)), float(sandbox_raw.get("scale", 0.1)))
    return Account(account_id, tap, credential_env, dict(settings), sandbox)


def load_accounts(path: str | os.PathLike[str]) -> AccountsFile:
    """Read and check the accounts file at ``path``."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise AccountsFileError(f"{path}: not valid YAML: {error}") from None
    return parse_accounts(document, str(path))


# -- one account's run ---------------------------------------------------------------------------


def env_name(plugin: str, setting: str) -> str:
    """Meltano's environment variable for ``setting`` of ``plugin`` (``TAP_CALENDLY_API_KEY``)."""
    return f"{plugin}_{setting}".upper().replace("-", "_")


def env_value(value: t.Any) -> str:
    """A setting value as Meltano reads it from an environment variable."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def destination_dir(environment: str, project_root: Path = PROJECT_ROOT) -> Path:
    """Where the accounts' destinations go by default: ``output/<env>/accounts``."""
    return project_root / "output" / environment / "accounts"


@dataclass(frozen=True)
class RunPlan:
    """One account's ``meltano run``: command line and the variables it adds to the environment."""

    account: Account
    environment: str
    target: str
    command: tuple[str, ...]
    #: Added to the worker's environment; ``secret_names`` are the ones holding secrets.
    env: Mapping[str, str]
    secret_names: frozenset[str]
    #: The account's DuckDB file (target-duckdb) or folder (target-jsonl); None for PostgreSQL.
    destination: Path | None
    #: The account's schema (target-postgres), else None.
    schema: str | None
    log_file: Path
    #: Meltano's folder for this account's runs (:func:`private_meltano_dir`).
    meltano_dir: Path

    @property
    def state_id(self) -> str:
        """The Meltano state id this run reads and writes."""
        return self.account.state_id(self.environment, self.target)

    def redact(self, text: str) -> str:
        """``text`` with every secret value of the plan replaced by ``***``."""
        for name in self.secret_names:
            secret = self.env.get(name)
            if secret:
                text = text.replace(secret, "***")
        return text


def meltano_env(base: t.Mapping[str, str], **extra: str) -> dict[str, str]:
    """``base`` plus ``extra``, with Meltano's version check and usage statistics off unless set."""
    env = {**base, **extra}
    env.setdefault("MELTANO_CLI_DISABLE_VERSION_CHECK", "1")
    env.setdefault("MELTANO_SEND_ANONYMOUS_USAGE_STATS", "false")
    return env


def project_meltano_dir(env: Mapping[str, str], project_root: Path = PROJECT_ROOT) -> Path:
    """The project's Meltano folder (installed plugins, default system database)."""
    return Path(env.get(SYS_DIR_ENV) or project_root / ".meltano")


def database_uri(env: Mapping[str, str], project_root: Path = PROJECT_ROOT) -> str:
    """The system database all runs share: ``MELTANO_DATABASE_URI``, else the project's SQLite file."""
    return env.get(DATABASE_URI_ENV) or f"sqlite:///{project_meltano_dir(env, project_root) / 'meltano.db'}"


def private_meltano_dir(folder: Path, shared: Path) -> Path:
    """``folder`` made a Meltano folder for one account's runs: its own ``run`` files, shared plugins.

    Meltano writes each run's catalog and state files to ``<folder>/run/<plugin>/``, one path per
    plugin in a project: two runs of one tap in the same folder would read each other's
    half-written catalog. Pointing ``MELTANO_SYS_DIR_ROOT`` at a folder of the account's own, with
    links to the project's installed plugins (``extractors``, ``loaders``, ...), keeps those files
    apart without a second install. The system database is given explicitly
    (:func:`database_uri`), so every run still shares the same runs and state.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for entry in shared.iterdir() if shared.is_dir() else ():
        if not entry.is_dir() or entry.name in PER_RUN_ENTRIES:
            continue
        link, plugins = folder / entry.name, entry.resolve()
        if link.is_symlink() and link.readlink() != plugins:
            link.unlink()  # the project moved since the last run: follow it
        if not link.is_symlink():
            link.symlink_to(plugins, target_is_directory=True)
    return folder


def meltano_executable() -> str:
    """The ``meltano`` beside this Python (the project venv), else the one on PATH."""
    beside = Path(sys.executable).parent / "meltano"
    if beside.exists():
        return str(beside)
    found = shutil.which("meltano")
    if found is None:
        raise FileNotFoundError("meltano is not installed in this Python's environment nor on PATH")
    return found


def plan_run(
    account: Account,
    environment: str,
    target: str = "target-duckdb",
    *,
    output_dir: Path | None = None,
    secrets: Mapping[str, str] | None = None,
    overrides: Mapping[str, t.Any] | None = None,
) -> RunPlan:
    """The ``meltano run`` of ``account``: command and environment variables.

    ``secrets`` is where credentials are read by name (default: this process's environment);
    ``overrides`` are settings that win over the file's (the sandbox demo's ``api_url``).
    Raises :class:`CredentialMissingError` when the credential's variable is not set.
    """
    source = os.environ if secrets is None else secrets
    credential = source.get(account.credential_env)
    if not credential:
        raise CredentialMissingError(
            f"account {account.id}: environment variable {account.credential_env} (its credential) is not set"
        )
    settings = {**account.settings, **(overrides or {})}
    env = {env_name(account.tap, name): env_value(value) for name, value in settings.items()}
    credential_var = env_name(account.tap, account.credential_setting)
    env[credential_var] = credential
    if environment == "sandbox" and "api_url" in settings:
        # The sandbox environment reads SANDBOX_<API>_URL (strict mode: it must be set); the
        # account's own api_url wins anyway, as an environment variable beats meltano.yml.
        env[f"SANDBOX_{account.api.upper()}_URL"] = env_value(settings["api_url"])

    folder = output_dir if output_dir is not None else destination_dir(environment)
    destination: Path | None = None
    schema: str | None = None
    if target == "target-duckdb":
        destination = folder / f"{account.id}.duckdb"
        env["TARGET_DUCKDB_FILEPATH"] = str(destination)
    elif target == "target-jsonl":
        destination = folder / account.id / "jsonl"
        env["TARGET_JSONL_DESTINATION_PATH"] = str(destination)
    elif target == "target-postgres":
        schema = f"{environment}_{account.id}"
        env["TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA"] = schema
    else:
        raise ValueError(f"unknown target {target!r}")

    command = (
        meltano_executable(),
        f"--environment={environment}",
        "run",
        f"--state-id-suffix={account.id}",
        account.tap,
        target,
    )
    return RunPlan(
        account=account,
        environment=environment,
        target=target,
        command=command,
        env=env,
        secret_names=frozenset({credential_var}),
        destination=destination,
        schema=schema,
        log_file=folder / f"{account.id}.log",
        meltano_dir=folder / "meltano" / account.id,
    )


@dataclass(frozen=True)
class RunOutcome:
    """How one ``meltano run`` of an account ended."""

    account_id: str
    state_id: str
    returncode: int
    seconds: float
    log_file: str
    destination: str | None
    schema: str | None
    #: The lines of Meltano's output that say what failed (else its last lines), secrets removed.
    tail: str

    @property
    def ok(self) -> bool:
        """Whether the run succeeded."""
        return self.returncode == 0


def run_account(
    plan: RunPlan,
    *,
    project_root: Path = PROJECT_ROOT,
    base_env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> RunOutcome:
    """Run ``plan`` in ``project_root``; Meltano's output (secrets removed) goes to the plan's log file."""
    base = os.environ if base_env is None else base_env
    meltano_dir = private_meltano_dir(plan.meltano_dir, project_meltano_dir(base, project_root))
    env = meltano_env(
        base,
        **plan.env,
        **{SYS_DIR_ENV: str(meltano_dir), DATABASE_URI_ENV: database_uri(base, project_root)},
    )
    plan.log_file.parent.mkdir(parents=True, exist_ok=True)
    if plan.destination is not None:
        (plan.destination if plan.target == "target-jsonl" else plan.destination.parent).mkdir(
            parents=True, exist_ok=True
        )
    started = time.monotonic()
    try:
        completed = subprocess.run(
            list(plan.command),
            cwd=project_root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
        )
        output, returncode = completed.stdout, completed.returncode
    except subprocess.TimeoutExpired as expired:
        partial = expired.output
        output = (partial.decode(errors="replace") if isinstance(partial, bytes) else partial or "") + (
            f"\nstopped after {timeout} s"
        )
        returncode = -1
    seconds = time.monotonic() - started
    output = plan.redact(output)
    with plan.log_file.open("a", encoding="utf-8") as log:
        log.write(f"=== {time.strftime('%Y-%m-%dT%H:%M:%S')} {' '.join(plan.command[1:])} (exit {returncode})\n")
        log.write(output)
    return RunOutcome(
        account_id=plan.account.id,
        state_id=plan.state_id,
        returncode=returncode,
        seconds=round(seconds, 2),
        log_file=str(plan.log_file),
        destination=str(plan.destination) if plan.destination is not None else None,
        schema=plan.schema,
        tail=summary(output),
    )


#: Lines of Meltano's output that say why a run failed.
_ERROR_LINE = re.compile(r"\[error|error|failed|HTTP \d{3}|Traceback", re.IGNORECASE)


def summary(output: str, lines: int = 12) -> str:
    """The lines of ``output`` that say what went wrong (the last ``lines`` of them), else its end."""
    all_lines = output.splitlines()
    errors = [line for line in all_lines if _ERROR_LINE.search(line)]
    return "\n".join((errors or all_lines)[-lines:])
