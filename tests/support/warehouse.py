"""Read what the DuckDB loader wrote, and compare it with a fake's current dataset."""

from __future__ import annotations

import json
import typing as t
from collections import Counter
from pathlib import Path

import duckdb


def rows(database: Path, schema: str, table: str) -> list[dict[str, t.Any]]:
    with duckdb.connect(str(database), read_only=True) as con:
        cursor = con.execute(f'SELECT * FROM "{schema}"."{table}"')
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def live(loaded: t.Iterable[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """Rows the destination holds as current: a loader marks a retired row with ``_sdc_deleted_at``
    (ACTIVATE_VERSION after a full-table snapshot, or a hard-delete record it did not delete)."""
    return [row for row in loaded if row.get("_sdc_deleted_at") is None]


def live_rows(database: Path, schema: str, table: str) -> list[dict[str, t.Any]]:
    return live(rows(database, schema, table))


def tables(database: Path, schema: str) -> set[str]:
    with duckdb.connect(str(database), read_only=True) as con:
        found = con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ?", [schema]
        ).fetchall()
    return {name for (name,) in found}


def assert_table_matches(
    database: Path,
    schema: str,
    table: str,
    expected: t.Iterable[dict[str, t.Any]],
    key: str | tuple[str, ...],
    compare: t.Sequence[str] = (),
) -> list[dict[str, t.Any]]:
    """One row per key, the keys equal the expected records', and ``compare`` fields are current.

    ``compare`` names scalar fields (strings, numbers, booleans) whose destination value must be
    the expected record's value: that proves the newest version of a changed record won.
    """
    keys = (key,) if isinstance(key, str) else tuple(key)
    expected_by_key = {tuple(str(r[k]) for k in keys): r for r in expected}
    actual = rows(database, schema, table)
    counts = Counter(tuple(str(r[k]) for k in keys) for r in actual)
    duplicates = {k: n for k, n in counts.items() if n > 1}
    assert not duplicates, f"{table}: keys loaded more than once: {list(duplicates.items())[:5]}"
    missing = expected_by_key.keys() - counts.keys()
    extra = counts.keys() - expected_by_key.keys()
    assert not missing and not extra, (
        f"{table}: {len(actual)} rows vs {len(expected_by_key)} in the source; "
        f"missing {sorted(missing)[:5]}, unexpected {sorted(extra)[:5]}"
    )
    by_key = {tuple(str(r[k]) for k in keys): r for r in actual}
    for field in compare:
        stale = [
            (k, by_key[k][field], record.get(field))
            for k, record in expected_by_key.items()
            if _normal(by_key[k][field]) != _normal(record.get(field))
        ]
        assert not stale, f"{table}.{field}: {len(stale)} rows differ from the source, e.g. {stale[:3]}"
    return actual


def _normal(value: t.Any) -> t.Any:
    """Compare loaders' representations with JSON values (JSON text, numbers, booleans)."""
    if isinstance(value, str):
        try:
            return _normal(json.loads(value)) if value[:1] in "[{" else value
        except ValueError:
            return value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if hasattr(value, "__float__") and not isinstance(value, (dict, list)):
        return float(value)
    return value
