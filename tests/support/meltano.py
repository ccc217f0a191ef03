"""Run ``meltano --environment=sandbox ...`` in isolation: own system DB (state), own outputs.

The fakes run inside the test process; the Meltano subprocess reaches them over 127.0.0.1
through the ``SANDBOX_<API>_URL`` variables the sandbox environment in meltano.yml reads.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from support.paths import MELTANO, ROOT

if t.TYPE_CHECKING:
    from api_sandbox.server import FakeAPI


@dataclass
class MeltanoResult:
    returncode: int
    output: str  # stdout and stderr together, as a user sees them

    def check(self) -> MeltanoResult:
        assert self.returncode == 0, f"meltano failed ({self.returncode}):\n{self.output[-6000:]}"
        return self


@dataclass
class SandboxMeltano:
    """A Meltano project run against running fakes, with state and outputs under ``workdir``."""

    workdir: Path
    fakes: dict[str, FakeAPI] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)
    environment: str = "sandbox"
    #: The Meltano project to run (``ROOT``, or a copy made by :func:`project_copy`).
    project: Path = ROOT
    #: Send the loaders' output to ``workdir`` instead of where meltano.yml says.
    redirect_outputs: bool = True

    @property
    def warehouse(self) -> Path:
        return self.workdir / "warehouse.duckdb"

    @property
    def jsonl_dir(self) -> Path:
        return self.workdir / "jsonl"

    def env(self) -> dict[str, str]:
        self.workdir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.update(
            MELTANO_CLI_DISABLE_VERSION_CHECK="1",
            MELTANO_SEND_ANONYMOUS_USAGE_STATS="false",
            MELTANO_DATABASE_URI=f"sqlite:///{self.workdir / 'meltano.db'}",
        )
        if self.redirect_outputs:
            env.update(TARGET_DUCKDB_FILEPATH=str(self.warehouse), TARGET_JSONL_DESTINATION_PATH=str(self.jsonl_dir))
        for name, fake in self.fakes.items():
            env[f"SANDBOX_{name.upper()}_URL"] = fake.url
        env.update(self.extra_env)
        return env

    def meltano(self, *args: str, timeout: float = 600) -> MeltanoResult:
        completed = subprocess.run(
            [str(MELTANO), f"--environment={self.environment}", *args],
            cwd=self.project,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
        )
        return MeltanoResult(completed.returncode, completed.stdout)

    def run(self, *blocks: str, timeout: float = 600) -> MeltanoResult:
        """``meltano run <blocks>`` (e.g. ``"tap-calendly", "target-duckdb"``)."""
        return self.meltano("run", *blocks, timeout=timeout)

    def state(self, tap: str, target: str = "target-duckdb") -> dict[str, t.Any]:
        """The state Meltano saved for ``tap`` → ``target`` (the JSON line of `meltano state get`)."""
        result = self.meltano("state", "get", f"{self.environment}:{tap}-to-{target}").check()
        line = next(line for line in result.output.splitlines() if line.startswith("{"))
        return json.loads(line)


def project_copy(destination: Path) -> Path:
    """The Meltano project (meltano.yml and its plugin files) in ``destination``, using the
    installed plugins of the repository, so a run's outputs under ``output/`` land there."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "meltano.yml", destination / "meltano.yml")
    shutil.copytree(ROOT / "plugins", destination / "plugins")  # included files must lie inside
    (destination / ".meltano").symlink_to(ROOT / ".meltano", target_is_directory=True)
    return destination
