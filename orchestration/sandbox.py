"""The multi-account sandbox: one fake API per account, each with its own seed and port.

For the demo (``python -m orchestration run --accounts orchestration/accounts.example.yml``)
and the tests: each account with a ``sandbox`` entry gets a fake of its API (from
``api_sandbox``) on a free port of 127.0.0.1; its URL becomes the account's ``api_url``
override and the fake's dummy key the value of the account's credential variable.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from api_sandbox import registry
from orchestration.accounts import AccountsFile

if t.TYPE_CHECKING:
    from api_sandbox.server import FakeAPI


@dataclass
class SandboxAccounts:
    """Started fakes by account id, with what a run needs to reach them."""

    fakes: dict[str, FakeAPI] = field(default_factory=dict)
    #: Per account id: settings that win over the file's (``api_url``).
    overrides: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Credential variables to set (name → the fake's dummy key; not a secret).
    credentials: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        """Stop every fake."""
        for fake in self.fakes.values():
            fake.stop()
        self.fakes.clear()


def start_fakes(accounts: AccountsFile) -> SandboxAccounts:
    """A started fake for each account that has a ``sandbox`` entry."""
    started = SandboxAccounts()
    try:
        for account in accounts.accounts:
            if account.sandbox is None:
                continue
            fake = registry.load(account.api)(seed=account.sandbox.seed, scale=account.sandbox.scale).start()
            started.fakes[account.id] = fake
            started.overrides[account.id] = {"api_url": fake.url}
            started.credentials[account.credential_env] = fake.valid_key
    except BaseException:
        started.stop()
        raise
    return started
