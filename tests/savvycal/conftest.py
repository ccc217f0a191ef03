"""Fixtures of the SavvyCal tests: run tap-savvycal against a fake and keep every message, in order."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import typing as t
from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from support.paths import VENV_BIN
from tap_savvycal.tap import TapSavvyCal

if t.TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from api_sandbox.server import FakeAPI


@dataclass
class SavvyCalRun:
    """What one run of the console script printed (``support.singer`` drops ACTIVATE_VERSION)."""

    returncode: int
    stdout: str
    stderr: str
    messages: list[dict[str, t.Any]] = field(default_factory=list)

    @property
    def records(self) -> dict[str, list[dict[str, t.Any]]]:
        by_stream: dict[str, list[dict[str, t.Any]]] = defaultdict(list)
        for message in self.messages:
            if message["type"] == "RECORD":
                by_stream[message["stream"]].append(message["record"])
        return by_stream

    def activations(self, stream: str) -> list[int]:
        return [m["version"] for m in self.messages if m["type"] == "ACTIVATE_VERSION" and m["stream"] == stream]

    def record_versions(self, stream: str) -> set[int | None]:
        return {m.get("version") for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream}

    def index_of_last(self, kind: str, stream: str) -> int:
        return max(i for i, m in enumerate(self.messages) if m["type"] == kind and m.get("stream") == stream)


@pytest.fixture
def run_savvycal(tmp_path: Path) -> Callable[..., SavvyCalRun]:
    """``run_savvycal(fake, **settings)``: a sync against ``fake``.

    In-process by default (a second per run saved on imports); ``cli=True`` runs the console
    script, for what a user sees: exit code and stderr.
    """
    counter = iter(range(1000))

    def run(fake: FakeAPI, *, cli: bool = False, **settings: t.Any) -> SavvyCalRun:
        config = {"api_url": fake.url, "api_key": fake.valid_key, **settings}
        config = {k: v for k, v in config.items() if v is not None}  # None = leave the setting out
        if not cli:
            return _run_in_process(config)
        path = tmp_path / f"config{next(counter)}.json"
        path.write_text(json.dumps(config))
        completed = subprocess.run(
            [str(VENV_BIN / "tap-savvycal"), "--config", str(path)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        messages = [json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{")]
        return SavvyCalRun(completed.returncode, completed.stdout, completed.stderr, messages)

    return run


def _run_in_process(config: dict[str, t.Any]) -> SavvyCalRun:
    stdout, returncode = io.StringIO(), 0
    with contextlib.redirect_stdout(stdout):
        try:
            TapSavvyCal(config=config).sync_all()
        except SystemExit as exit_:
            returncode = int(exit_.code or 0)
    messages = [json.loads(line) for line in stdout.getvalue().splitlines() if line.startswith("{")]
    return SavvyCalRun(returncode, stdout.getvalue(), "", messages)
