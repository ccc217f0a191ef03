"""Regression tests for the PyPI target-duckdb 0.8.0 data loss (CSV header sniffing).

0.8.0 COPYs each batch from a CSV and lets DuckDB guess whether the first line is
a header: with nested JSON (duckdb >= 1.3) or an all-text table it drops the
first row. Rows in must equal rows out.
"""

from __future__ import annotations

NESTED = {
    "id": {"type": "string"},
    "payload": {"type": ["object", "null"]},
    "tags": {"type": ["array", "null"], "items": {"type": "string"}},
}
ALL_TEXT = {name: {"type": "string"} for name in ("id", "name", "email", "status")}


def test_nested_json_batch_of_101_keeps_every_row(loader, singer):
    records = [
        {"id": f"evt-{i}", "payload": {"n": i, "inner": {"s": "x"}}, "tags": ["a", "b"]}
        for i in range(101)
    ]
    loader.run([singer.schema("events", NESTED), *(singer.record("events", r) for r in records)])

    assert loader.query("SELECT count(*) FROM raw.events") == [(101,)]
    assert loader.query("SELECT payload->>'$.n' FROM raw.events WHERE id = 'evt-0'") == [("0",)]


def test_all_text_table_of_5_keeps_every_row(loader, singer):
    records = [
        {"id": f"u{i}", "name": f"User {i}", "email": f"u{i}@example.test", "status": "active"}
        for i in range(5)
    ]
    loader.run([singer.schema("users", ALL_TEXT), *(singer.record("users", r) for r in records)])

    assert loader.query("SELECT id FROM raw.users ORDER BY id") == [(f"u{i}",) for i in range(5)]


def test_first_row_that_looks_like_a_header_is_data(loader, singer):
    # The worst case for a sniffer: the first record's values are the column names.
    header_like = {"id": "id", "name": "name", "email": "email", "status": "status"}
    second = {"id": "u1", "name": "Ann", "email": "ann@example.test", "status": "active"}
    loader.run(
        [
            singer.schema("users", ALL_TEXT),
            singer.record("users", header_like),
            singer.record("users", second),
        ]
    )

    assert loader.query("SELECT id, name FROM raw.users ORDER BY id") == [
        ("id", "name"),
        ("u1", "Ann"),
    ]


def test_single_row_batch(loader, singer):
    loader.run(
        [
            singer.schema("users", ALL_TEXT),
            singer.record("users", {"id": "only", "name": "n", "email": "e", "status": "s"}),
        ]
    )

    assert loader.query("SELECT count(*) FROM raw.users") == [(1,)]


def test_every_batch_a_single_row(loader, singer):
    records = [{"id": f"u{i}", "name": "n", "email": "e", "status": "s"} for i in range(7)]
    loader.run(
        [singer.schema("users", ALL_TEXT), *(singer.record("users", r) for r in records)],
        batch_size_rows=1,
    )

    assert loader.query("SELECT count(*) FROM raw.users") == [(7,)]


def test_empty_strings_stay_empty_strings(loader, singer):
    loader.run(
        [
            singer.schema(
                "users",
                {
                    "id": {"type": "integer"},
                    "name": {"type": ["string", "null"]},
                    "note": {"type": ["string", "null"]},
                },
            ),
            singer.record("users", {"id": 1, "name": "", "note": None}),
            singer.record("users", {"id": 2, "name": " ", "note": "0"}),
        ]
    )

    assert loader.query("SELECT id, name, note FROM raw.users ORDER BY id") == [
        (1, "", None),
        (2, " ", "0"),
    ]
