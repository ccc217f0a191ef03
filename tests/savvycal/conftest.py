"""Fixtures of the SavvyCal tests."""

from __future__ import annotations

import typing as t

import pytest
from support.singer import TapRun, run_tap, sandbox_config

if t.TYPE_CHECKING:
    from collections.abc import Callable

    from api_sandbox.server import FakeAPI


@pytest.fixture
def run_savvycal() -> Callable[..., TapRun]:
    """``run_savvycal(fake, **settings)``: a sync against ``fake`` (``cli=True``: the console script)."""

    def run(fake: FakeAPI, *, cli: bool = False, **settings: t.Any) -> TapRun:
        return run_tap("tap-savvycal", sandbox_config("tap-savvycal", fake, **settings), subprocess=cli)

    return run
