"""A tap | target pipeline run the way ``meltano run`` runs it, fast enough to repeat many times,
and able to die half-way.

Meltano's part is reproduced: the tap's and the target's config are their ``config`` in
meltano.yml overlaid with the ``sandbox`` environment's (the API URL is the fake's, the
warehouse file the test's), the catalog is the tap's own discovery with only the streams under
test selected, the executables are the ones ``meltano install`` put in ``.meltano/`` (running
``meltano invoke`` for each would cost seconds per run), and state is handled like Meltano's
state backend: the state passed to
the tap is the last STATE the *target* emitted, and when a run dies, whatever the target
emitted before it died is kept (Meltano saves each one as it arrives) and merged over the
previous state.

A run can be killed: the tap gets SIGKILL after a chosen number of RECORD messages (the target
then sees end-of-input and finishes what it received, as when a tap crashes), or the tap and
the target are both killed (nothing after the target's last commit survives).
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import signal
import subprocess
import threading
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from support.paths import ROOT

_CATALOGS: dict[str, dict[str, t.Any]] = {}


def _yaml(path: Path) -> dict[str, t.Any]:
    import yaml

    return yaml.safe_load(path.read_text()) or {}


def _plugin(kind: str, name: str) -> dict[str, t.Any]:
    """The plugin's definition in meltano.yml or one of its include_paths files."""
    files = [ROOT / "meltano.yml", *sorted((ROOT / "plugins" / "extractors").glob("*.meltano.yml"))]
    for path in files:
        for plugin in (_yaml(path).get("plugins") or {}).get(kind, []):
            if plugin.get("name") == name:
                return plugin
    raise AssertionError(f"{name} is not declared in meltano.yml")


def _sandbox_config(kind: str, name: str) -> dict[str, t.Any]:
    """``config`` of the plugin in meltano.yml, overlaid with the ``sandbox`` environment's."""
    config = dict(_plugin(kind, name).get("config") or {})
    for environment in _yaml(ROOT / "meltano.yml").get("environments", []):
        if environment.get("name") == "sandbox":
            for plugin in ((environment.get("config") or {}).get("plugins") or {}).get(kind, []):
                if plugin.get("name") == name:
                    config.update(plugin.get("config") or {})
    return config


def executable(plugin_type: str, name: str) -> Path:
    path = ROOT / ".meltano" / plugin_type / name / "venv" / "bin" / name
    assert path.exists(), f"{path} is missing: run `make install`"
    return path


def deep_merge(base: dict[str, t.Any], update: dict[str, t.Any]) -> dict[str, t.Any]:
    merged = copy.deepcopy(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


@dataclass
class RunOutcome:
    killed: str | None  # None, "tap" or "tap+target"
    records_sent: int
    states_seen_by_target: int
    target_states: list[dict[str, t.Any]]
    target_returncode: int | None
    tap_stderr: str


@dataclass
class Pipeline:
    """``tap`` → ``target`` (target-duckdb into ``workdir/warehouse.duckdb``, or target-jsonl into
    ``workdir/jsonl``) for the ``streams`` selected."""

    api: str
    tap: str
    fake: t.Any
    workdir: Path
    streams: t.Sequence[str]
    target: str = "target-duckdb"
    state: dict[str, t.Any] = field(default_factory=dict)
    history: list[RunOutcome] = field(default_factory=list)

    @property
    def warehouse(self) -> Path:
        return self.workdir / "warehouse.duckdb"

    @property
    def jsonl_dir(self) -> Path:
        return self.workdir / "jsonl"

    def _files(self) -> tuple[Path, Path, Path]:
        self.workdir.mkdir(parents=True, exist_ok=True)
        tap_config = {k: v for k, v in _sandbox_config("extractors", self.tap).items() if "${" not in str(v)}
        tap_config["api_url"] = self.fake.url
        catalog = copy.deepcopy(self._discover(tap_config))
        for entry in catalog["streams"]:
            wanted = entry["tap_stream_id"] in self.streams
            for item in entry.get("metadata", []):
                if item.get("breadcrumb") == []:
                    item["metadata"]["selected"] = wanted
        target_config = {k: v for k, v in _sandbox_config("loaders", self.target).items() if "${" not in str(v)}
        if self.target == "target-jsonl":
            target_config["destination_path"] = str(self.jsonl_dir)
            self.jsonl_dir.mkdir(parents=True, exist_ok=True)
        else:
            target_config["filepath"] = str(self.warehouse)
            target_config["default_target_schema"] = self.tap.replace("-", "_")
        paths = (self.workdir / "tap.json", self.workdir / "catalog.json", self.workdir / "target.json")
        for path, content in zip(paths, (tap_config, catalog, target_config), strict=True):
            path.write_text(json.dumps(content))
        return paths

    def _discover(self, tap_config: dict[str, t.Any]) -> dict[str, t.Any]:
        if self.tap not in _CATALOGS:
            config = self.workdir / "discover.json"
            config.write_text(json.dumps(tap_config))
            completed = subprocess.run(
                [str(executable("extractors", self.tap)), "--config", str(config), "--discover"],
                capture_output=True, text=True, timeout=300, check=False,
            )
            assert completed.returncode == 0, f"{self.tap} --discover failed:\n{completed.stderr[-3000:]}"
            _CATALOGS[self.tap] = json.loads(completed.stdout)
        return _CATALOGS[self.tap]

    def run(
        self,
        *,
        kill_after_records: int | None = None,
        kill_target: bool = False,
        require_state: bool = False,
        timeout: float = 300,
    ) -> RunOutcome:
        """One run; with ``kill_after_records`` the tap is killed once that many RECORDs went out
        (with ``require_state``: that many RECORDs after the tap's first STATE)."""
        tap_config, catalog, target_config = self._files()
        state_path = self.workdir / "state.json"
        command = [str(executable("extractors", self.tap)), "--config", str(tap_config), "--catalog", str(catalog)]
        if self.state:
            state_path.write_text(json.dumps(self.state))
            command += ["--state", str(state_path)]
        tap_log = (self.workdir / "tap.log").open("w")
        tap = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=tap_log, text=True, start_new_session=True)
        target = subprocess.Popen(
            [str(executable("loaders", self.target)), "--config", str(target_config)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
        )
        target_lines: list[str] = []
        reader = threading.Thread(target=lambda: target_lines.extend(target.stdout), daemon=True)  # type: ignore[arg-type]
        reader.start()
        records = states = counted = 0
        killed = None
        assert tap.stdout is not None and target.stdin is not None
        try:
            for line in tap.stdout:
                kind = json.loads(line).get("type")
                target.stdin.write(line)
                if kind == "RECORD":
                    records += 1
                    counted += 1 if (states > 0 or not require_state) else 0
                elif kind == "STATE":
                    states += 1
                if kill_after_records is not None and kind == "RECORD" and counted >= kill_after_records:
                    target.stdin.flush()
                    os.killpg(tap.pid, signal.SIGKILL)
                    killed = "tap"
                    break
        finally:
            tap.stdout.close()
            tap.wait(timeout=timeout)
            tap_log.close()
            tap_stderr = (self.workdir / "tap.log").read_text(errors="replace")
        if killed and kill_target:
            os.killpg(target.pid, signal.SIGKILL)
            killed = "tap+target"
        else:
            with contextlib.suppress(BrokenPipeError):
                target.stdin.close()
        target.wait(timeout=timeout)
        reader.join(timeout=timeout)
        # Every STATE the target printed before it ended (or was killed) reached Meltano, which
        # saves each one as it arrives: a target prints a state only once its data is committed.
        target_out = "".join(target_lines)
        target_states = [json.loads(line) for line in target_out.splitlines() if line.strip().startswith("{")]
        outcome = RunOutcome(killed, records, states, target_states, target.returncode, tap_stderr)
        if not killed:
            assert tap.returncode == 0, f"{self.tap} failed ({tap.returncode}):\n{tap_stderr[-3000:]}"
            assert target.returncode == 0, f"{self.target} failed ({target.returncode})"
        if target_states:
            # Meltano keeps every state the target emitted; a failed run's is merged over the last.
            last = target_states[-1]
            self.state = last if not killed else deep_merge(self.state, last)
        self.history.append(outcome)
        return outcome
