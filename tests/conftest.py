"""Fixtures every tap's tests share: fakes on free ports, an isolated Meltano sandbox run, PostgreSQL."""

from __future__ import annotations

import os
import typing as t

import pytest
from support.meltano import SandboxMeltano
from support.paths import ROOT
from support.postgres import Cluster, PostgresUnavailable, start_cluster

from api_sandbox import registry
from scheduling_taps_common import SchedulingAPIStream

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from api_sandbox.server import FakeAPI


@pytest.fixture
def start_fake() -> Iterator[Callable[..., FakeAPI]]:
    """``start_fake("calendly", seed=3, scale=0.2)``: a started fake, stopped after the test."""
    started: list[FakeAPI] = []

    def start(name: str, **kwargs: t.Any) -> FakeAPI:
        fake = registry.load(name)(**kwargs).start()
        started.append(fake)
        return fake

    yield start
    for fake in started:
        fake.stop()


@pytest.fixture
def sandbox(tmp_path: Path) -> SandboxMeltano:
    """Meltano's `sandbox` environment with its own state DB and outputs under tmp_path."""
    return SandboxMeltano(workdir=tmp_path)


@pytest.fixture(scope="session")
def meltano_plugins() -> None:
    """End-to-end tests need `meltano install` to have run (``make test`` does it)."""
    if not (ROOT / ".meltano").is_dir():
        pytest.fail("Meltano plugins are not installed: run `make install` (or `make test`).")


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """One throwaway PostgreSQL server per session (target-postgres, the shared Meltano state)."""
    try:
        cluster = start_cluster()
    except PostgresUnavailable as error:
        message = f"PostgreSQL cannot be started here, so the tests that need it cannot run: {error}"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(message + " (REQUIRE_POSTGRES=1: CI must run them)")
        pytest.skip(message)
    yield cluster
    cluster.stop()


@pytest.fixture
def no_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retry waits are instant for taps run in this process; the list fills with the wait each
    retry asked for (Retry-After or backoff), so tests check the policy without sleeping."""
    asked: list[float] = []

    def instant(stream: SchedulingAPIStream, wait: float) -> float:
        asked.append(wait)
        return 0.0

    # backoff_jitter turns the policy's wait into the one slept; the taps keep it exact.
    monkeypatch.setattr(SchedulingAPIStream, "backoff_jitter", instant)
    return asked


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The documented-field coverage of every stream's schema (tests/contract)."""
    from contract.harness import COVERAGE

    if COVERAGE:
        terminalreporter.section("documented fields declared by each stream's schema")
        for name, (declared, documented) in sorted(COVERAGE.items()):
            terminalreporter.write_line(f"{name}: {declared}/{documented} ({declared / documented:.0%})")
