"""Fixtures of the tap-luma tests."""

from __future__ import annotations

import typing as t

import pytest

if t.TYPE_CHECKING:
    from api_sandbox.luma import FakeLuma


@pytest.fixture
def luma(start_fake: t.Callable[..., FakeLuma]) -> t.Callable[..., FakeLuma]:
    """``luma(scale=0.2)``: a started fake Luma (``seed=1`` unless given)."""

    def start(**kwargs: t.Any) -> FakeLuma:
        return start_fake("luma", **kwargs)

    return start
