"""Fixtures of the Float tests."""

from __future__ import annotations

import typing as t

import pytest
from support.singer import TapRun, run_tap

if t.TYPE_CHECKING:
    from collections.abc import Callable


@pytest.fixture
def sync_tap() -> Callable[..., TapRun]:
    """``sync_tap(config, state=None)``: one run of tap-float."""

    def run(config: dict[str, t.Any], state: dict[str, t.Any] | None = None) -> TapRun:
        return run_tap("tap-float", config, state=state)

    return run
