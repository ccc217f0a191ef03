"""Fixtures for the DuckDB loader tests: build Singer messages, run the target, query.

Helpers are handed out as fixtures (not imported from this file) so the suite
works whatever pytest import mode and whatever other conftest.py files the
repository has.
"""

from __future__ import annotations

import contextlib
import io
import json
import typing as t
import uuid
from pathlib import Path

import duckdb
import pytest

from target_duckdb_upsert.target import TargetDuckDB

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Any warning (deprecations included) fails this suite, as in the taps' config.
    for item in items:
        if _HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.filterwarnings("error"))


class Singer:
    """Builders for Singer messages."""

    @staticmethod
    def schema(stream: str, properties: dict, keys: t.Sequence[str] = ("id",)) -> dict:
        return {
            "type": "SCHEMA",
            "stream": stream,
            "schema": {"type": "object", "properties": properties},
            "key_properties": list(keys),
        }

    @staticmethod
    def record(stream: str, record: dict, version: int | None = None) -> dict:
        message = {"type": "RECORD", "stream": stream, "record": record}
        if version is not None:
            message["version"] = version
        return message

    @staticmethod
    def state(value: dict) -> dict:
        return {"type": "STATE", "value": value}

    @staticmethod
    def activate_version(stream: str, version: int) -> dict:
        return {"type": "ACTIVATE_VERSION", "stream": stream, "version": version}


class Loader:
    """Runs the target in-process against one database file."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.db = workdir / "warehouse.duckdb"
        self.last_target: TargetDuckDB | None = None
        self.last_stdout = ""

    def write_input(self, messages: t.Iterable[dict | str]) -> Path:
        """Write messages; a ``str`` is written as is (exact JSON number text)."""
        path = self.workdir / f"input-{uuid.uuid4().hex}.jsonl"
        path.write_text(
            "".join((m if isinstance(m, str) else json.dumps(m)) + "\n" for m in messages)
        )
        return path

    def config(self, **overrides: t.Any) -> dict:
        return {"filepath": str(self.db), "default_target_schema": "raw", **overrides}

    def run(self, messages: t.Iterable[dict | str], **config: t.Any) -> list[dict]:
        """Run the target on the messages; return the STATE values it printed."""
        input_file = self.write_input(messages)
        target = TargetDuckDB(config=self.config(**config), validate_config=True)
        self.last_target = target
        stdout = io.StringIO()
        try:
            with input_file.open() as singer_input, contextlib.redirect_stdout(stdout):
                target.listen(singer_input)
        finally:
            self.last_stdout = stdout.getvalue()
        return [json.loads(line) for line in self.last_stdout.splitlines() if line.strip()]

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.db), read_only=True) as con:
            return con.execute(sql).fetchall()

    def columns(self, table: str, schema: str = "raw") -> dict[str, str]:
        rows = self.query(
            "SELECT column_name, data_type FROM duckdb_columns() "
            f"WHERE schema_name = '{schema}' AND table_name = '{table}'"
        )
        return dict(rows)


@pytest.fixture(scope="session")
def singer() -> type[Singer]:
    return Singer


@pytest.fixture(scope="session")
def new_loader(tmp_path_factory: pytest.TempPathFactory) -> t.Callable[[], Loader]:
    """Factory for loaders on fresh database files (usable inside hypothesis tests)."""
    return lambda: Loader(tmp_path_factory.mktemp("duckdb"))


@pytest.fixture
def loader(tmp_path: Path) -> Loader:
    return Loader(tmp_path)
