"""Run a tap the way a user does, and read what it wrote: the one tap runner of the tests.

``run_tap("tap-calendly", config, state=..., catalog=...)`` runs the tap's command line. By
default it runs in this process: the same click command as the console script, so the same
settings checks, exit codes and log lines, without starting an interpreter per run. With
``subprocess=True`` it runs the installed console script, for what only a separate process
shows (the real stderr, the entry point). Either way the result is a :class:`TapRun` with the
exit code, what the tap printed on stderr, and every Singer message in order.

Retry waits are real unless a test takes the ``no_waits`` fixture (tests/conftest.py), which
makes them instant in this process and records the wait each retry asked for.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.metadata
import io
import json
import logging
import subprocess as subprocesses
import tempfile
import traceback
import typing as t
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from support.paths import VENV_BIN

if t.TYPE_CHECKING:
    from singer_sdk import Tap


@dataclass
class TapRun:
    """What one run of a tap did."""

    returncode: int
    stderr: str
    #: Every message in the order the tap wrote them (RECORD, SCHEMA, STATE, ACTIVATE_VERSION...).
    messages: list[dict[str, t.Any]] = field(default_factory=list)

    @property
    def records(self) -> dict[str, list[dict[str, t.Any]]]:
        by_stream: dict[str, list[dict[str, t.Any]]] = {}
        for message in self.messages:
            if message["type"] == "RECORD":
                by_stream.setdefault(message["stream"], []).append(message["record"])
        return _Records(by_stream)

    @property
    def schemas(self) -> dict[str, dict[str, t.Any]]:
        return {m["stream"]: m["schema"] for m in self.messages if m["type"] == "SCHEMA"}

    @property
    def key_properties(self) -> dict[str, list[str]]:
        return {m["stream"]: m["key_properties"] for m in self.messages if m["type"] == "SCHEMA"}

    @property
    def states(self) -> list[dict[str, t.Any]]:
        return [m["value"] for m in self.messages if m["type"] == "STATE"]

    @property
    def state(self) -> dict[str, t.Any] | None:
        states = self.states
        return states[-1] if states else None

    def activations(self, stream: str) -> list[int]:
        """Versions of the ACTIVATE_VERSION messages sent for ``stream``."""
        return [m["version"] for m in self.messages if m["type"] == "ACTIVATE_VERSION" and m["stream"] == stream]

    def record_versions(self, stream: str) -> set[int | None]:
        return {m.get("version") for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream}

    def index_of_last(self, kind: str, stream: str) -> int:
        return max(i for i, m in enumerate(self.messages) if m["type"] == kind and m.get("stream") == stream)

    @property
    def error_lines(self) -> list[str]:
        """The lines of stderr logged at ERROR level (or worse)."""
        return [line for line in self.stderr.splitlines() if "| ERROR" in line or "| CRITICAL" in line]

    @property
    def warning_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if "| WARNING" in line]


class _Records(dict):
    """Records by stream; a stream that sent none reads as an empty list."""

    def __missing__(self, stream: str) -> list[dict[str, t.Any]]:
        return []


def run_tap(
    tap: str,
    config: dict[str, t.Any],
    workdir: Path | None = None,
    *,
    state: dict[str, t.Any] | None = None,
    catalog: dict[str, t.Any] | None = None,
    extra_args: t.Sequence[str] = (),
    subprocess: bool = False,
    timeout: float = 300,
) -> TapRun:
    """``tap --config c.json [--state s.json] [--catalog k.json] [extra_args]``."""
    with contextlib.ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"{tap}-")))
        workdir.mkdir(parents=True, exist_ok=True)
        args = ["--config", _write(workdir / "config.json", config), *extra_args]
        if state is not None:
            args += ["--state", _write(workdir / "state.json", state)]
        if catalog is not None:
            args += ["--catalog", _write(workdir / "catalog.json", catalog)]
        if subprocess:
            completed = subprocesses.run(
                [str(VENV_BIN / tap), *args], capture_output=True, text=True, timeout=timeout, check=False
            )
            returncode, stdout, stderr = completed.returncode, completed.stdout, completed.stderr
        else:
            returncode, stdout, stderr = _run_in_process(tap, args)
    messages = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    return TapRun(returncode, stderr, messages)


@cache
def tap_class(tap: str) -> type[Tap]:
    """The Tap class behind a console script (``tap_calendly.tap:TapCalendly.cli``)."""
    (entry_point,) = importlib.metadata.entry_points(group="console_scripts", name=tap)
    module_name, _, attribute = entry_point.value.partition(":")
    return getattr(importlib.import_module(module_name), attribute.split(".")[0])


def _write(path: Path, content: dict[str, t.Any]) -> str:
    path.write_text(json.dumps(content))
    return str(path)


def _run_in_process(tap: str, args: list[str]) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            # The SDK adds a stderr handler to the root logger each time `cli` is read; it is
            # read here, inside the redirection, and removed again below.
            command = tap_class(tap).cli
            try:
                command.main(args=args, prog_name=tap, standalone_mode=True)
                returncode = 0
            except SystemExit as exit_:
                returncode = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
            except Exception:  # what the console script would print before exiting 1
                traceback.print_exc(file=stderr)
                returncode = 1
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
    return returncode, stdout.getvalue(), stderr.getvalue()


def credential_setting(tap: str) -> str:
    """The tap's required secret setting (``api_key``, ``api_token``)."""
    properties = tap_class(tap).config_jsonschema["properties"]
    (name,) = [name for name, schema in properties.items() if schema.get("secret")]
    return name


def sandbox_config(tap: str, fake: t.Any, **settings: t.Any) -> dict[str, t.Any]:
    """The tap's config for a fake: its URL, its valid credential, then ``settings`` (a setting
    given as ``None`` is left out)."""
    config = {"api_url": fake.url, credential_setting(tap): fake.valid_key, **settings}
    return {name: value for name, value in config.items() if value is not None}


def unpaced(tap: str) -> dict[str, int]:
    """Settings that turn the tap's client-side pacing off (for fakes that enforce no limit)."""
    return {name: 0 for name in tap_class(tap).config_jsonschema["properties"] if name.startswith("max_requests_per_")}
