"""One throwaway PostgreSQL server per test session (tests/support/postgres.py)."""

from __future__ import annotations

import os
import typing as t

import pytest
from support.postgres import Cluster, PostgresUnavailable, start_cluster


@pytest.fixture(scope="session")
def postgres() -> t.Iterator[Cluster]:
    try:
        cluster = start_cluster()
    except PostgresUnavailable as error:
        message = f"PostgreSQL cannot be started here, so the target-postgres tests cannot run: {error}"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(message + " (REQUIRE_POSTGRES=1: CI must run them)")
        pytest.skip(message)
    yield cluster
    cluster.stop()
