"""Float test helpers: run the tap in this process (no interpreter start-up per run)."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import typing as t
from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from tap_float.tap import TapFloat


@dataclass
class InProcessRun:
    exit_code: int
    log: str
    records: dict[str, list[dict[str, t.Any]]] = field(default_factory=lambda: defaultdict(list))
    states: list[dict[str, t.Any]] = field(default_factory=list)
    #: Every message in the order the tap wrote them (RECORD, SCHEMA, STATE, ACTIVATE_VERSION...).
    messages: list[dict[str, t.Any]] = field(default_factory=list)

    @property
    def state(self) -> dict[str, t.Any] | None:
        return self.states[-1] if self.states else None


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname} {record.name} {record.getMessage()}")


def sync_in_process(config: dict[str, t.Any], state: dict[str, t.Any] | None = None) -> InProcessRun:
    """``tap-float --config ... [--state ...]`` as a function: the Singer messages it wrote."""
    capture = _Capture()
    root = logging.getLogger()
    root.addHandler(capture)
    stdout = io.StringIO()
    try:
        tap = TapFloat(config=config, state=state, parse_env_config=False)
        with contextlib.redirect_stdout(stdout):
            try:
                tap.sync_all()
                exit_code = 0
            except SystemExit as exit_:
                exit_code = int(exit_.code or 0)
            except Exception as error:  # what the CLI would print before exiting 1
                capture.lines.append(f"UNHANDLED {type(error).__name__}: {error}")
                exit_code = 1
    finally:
        root.removeHandler(capture)
    run = InProcessRun(exit_code, "\n".join(capture.lines))
    for line in stdout.getvalue().splitlines():
        message = json.loads(line)
        run.messages.append(message)
        if message["type"] == "RECORD":
            run.records[message["stream"]].append(message["record"])
        elif message["type"] == "STATE":
            run.states.append(message["value"])
    return run


@pytest.fixture
def sync_tap() -> t.Callable[..., InProcessRun]:
    return sync_in_process
