"""Run a tap's console script against a fake and collect its Singer messages."""

from __future__ import annotations

import json
import subprocess
import typing as t
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from support.paths import VENV_BIN


@dataclass
class TapRun:
    returncode: int
    stderr: str
    records: dict[str, list[dict[str, t.Any]]] = field(default_factory=lambda: defaultdict(list))
    schemas: dict[str, dict[str, t.Any]] = field(default_factory=dict)
    states: list[dict[str, t.Any]] = field(default_factory=list)
    #: Every message in the order the tap wrote them (RECORD, SCHEMA, STATE, ACTIVATE_VERSION...).
    messages: list[dict[str, t.Any]] = field(default_factory=list)

    @property
    def state(self) -> dict[str, t.Any] | None:
        return self.states[-1] if self.states else None


def run_tap(
    executable: str,
    config: dict[str, t.Any],
    workdir: Path,
    *,
    state: dict[str, t.Any] | None = None,
    catalog: dict[str, t.Any] | None = None,
    extra_args: t.Sequence[str] = (),
    timeout: float = 300,
) -> TapRun:
    """``tap-x --config c.json [--state s.json] [--catalog k.json]``; messages parsed from stdout."""
    workdir.mkdir(parents=True, exist_ok=True)
    config_path = workdir / "config.json"
    config_path.write_text(json.dumps(config))
    command = [str(VENV_BIN / executable), "--config", str(config_path), *extra_args]
    if state is not None:
        (workdir / "state.json").write_text(json.dumps(state))
        command += ["--state", str(workdir / "state.json")]
    if catalog is not None:
        (workdir / "catalog.json").write_text(json.dumps(catalog))
        command += ["--catalog", str(workdir / "catalog.json")]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    run = TapRun(completed.returncode, completed.stderr)
    for line in completed.stdout.splitlines():
        message = json.loads(line)
        run.messages.append(message)
        if message["type"] == "RECORD":
            run.records[message["stream"]].append(message["record"])
        elif message["type"] == "SCHEMA":
            run.schemas[message["stream"]] = message["schema"]
        elif message["type"] == "STATE":
            run.states.append(message["value"])
    return run
