"""The SDK's standard target tests (its sample Singer files, in-process)."""

from __future__ import annotations

from singer_sdk.testing import get_target_test_class

from target_duckdb_upsert.target import TargetDuckDB

# In-memory database: each standard test gets a fresh one.
TestTargetDuckDBStandard = get_target_test_class(
    TargetDuckDB,
    config={"filepath": ":memory:", "default_target_schema": "sdk_tests"},
)
