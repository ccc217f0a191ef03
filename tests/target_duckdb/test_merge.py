"""Merge semantics: upsert by key, deletes, ACTIVATE_VERSION, SCHEMA handling, state."""

from __future__ import annotations

import pytest

from target_duckdb_upsert.warehouse import DuckDBWarehouse

PEOPLE = {"id": {"type": "integer"}, "name": {"type": ["string", "null"]}}


def people(singer, rows, version=None, stream="people"):
    return [singer.record(stream, {"id": i, "name": n}, version=version) for i, n in rows]


def test_upsert_across_two_runs(loader, singer):
    loader.run([singer.schema("people", PEOPLE), *people(singer, [(1, "a"), (2, "b"), (3, "c")])])
    loader.run([singer.schema("people", PEOPLE), *people(singer, [(2, "B"), (4, "d")])])

    assert loader.query("SELECT id, name FROM raw.people ORDER BY id") == [
        (1, "a"),
        (2, "B"),
        (3, "c"),
        (4, "d"),
    ]


def test_a_schema_named_like_the_database_file(loader, singer):
    # warehouse.duckdb is the catalog "warehouse": a schema of that name must not be ambiguous.
    for name in ("a", "b"):
        loader.run(
            [singer.schema("people", PEOPLE), *people(singer, [(1, name), (2, name)], version=1)],
            default_target_schema="warehouse",
        )

    assert loader.query("SELECT id, name FROM warehouse.warehouse.people ORDER BY id") == [(1, "b"), (2, "b")]


@pytest.mark.parametrize("batch_size_rows", [1, 2, 100])
def test_last_record_wins_within_and_across_batches(loader, singer, batch_size_rows):
    rows = [(1, "a1"), (2, "b1"), (1, "a2"), (1, "a3"), (2, "b2"), (3, "c1")]
    loader.run([singer.schema("people", PEOPLE), *people(singer, rows)], batch_size_rows=batch_size_rows)

    assert loader.query("SELECT id, name FROM raw.people ORDER BY id") == [
        (1, "a3"),
        (2, "b2"),
        (3, "c1"),
    ]


def test_composite_key_and_null_key_part(loader, singer):
    schema = singer.schema(
        "slots",
        {"user": {"type": "string"}, "day": {"type": ["string", "null"]}, "n": {"type": "integer"}},
        keys=["user", "day"],
    )
    loader.run(
        [
            schema,
            singer.record("slots", {"user": "u", "day": "mon", "n": 1}),
            singer.record("slots", {"user": "u", "day": None, "n": 1}),
        ]
    )
    loader.run(
        [
            schema,
            singer.record("slots", {"user": "u", "day": "mon", "n": 2}),
            singer.record("slots", {"user": "u", "day": None, "n": 2}),
        ]
    )

    assert loader.query("SELECT day, n FROM raw.slots ORDER BY day NULLS LAST") == [
        ("mon", 2),
        (None, 2),
    ]


def test_streams_without_keys_append(loader, singer):
    messages = [
        singer.schema("log", PEOPLE, keys=[]),
        *people(singer, [(1, "a"), (1, "a")], stream="log"),
    ]
    loader.run(messages)
    loader.run(messages)

    assert loader.query("SELECT count(*) FROM raw.log") == [(4,)]


def test_append_only_keeps_duplicates_of_keyed_streams(loader, singer):
    loader.run(
        [singer.schema("people", PEOPLE), *people(singer, [(1, "a"), (1, "b")])],
        load_method="append-only",
    )

    assert loader.query("SELECT name FROM raw.people ORDER BY name") == [("a",), ("b",)]


def test_overwrite_replaces_the_table_contents(loader, singer):
    loader.run([singer.schema("people", PEOPLE), *people(singer, [(1, "a"), (2, "b")])])
    loader.run(
        [singer.schema("people", PEOPLE), *people(singer, [(3, "c"), (3, "c2")])],
        load_method="overwrite",
        batch_size_rows=1,
    )

    assert loader.query("SELECT id, name FROM raw.people") == [(3, "c2")]


DELETABLE = {**PEOPLE, "_sdc_deleted_at": {"type": ["string", "null"], "format": "date-time"}}


def test_sdc_deleted_at_hard_delete(loader, singer):
    loader.run(
        [singer.schema("people", DELETABLE), *people(singer, [(1, "a"), (2, "b")])],
        hard_delete=True,
    )
    loader.run(
        [
            singer.schema("people", DELETABLE),
            singer.record("people", {"id": 1, "name": "a", "_sdc_deleted_at": "2024-05-01T00:00:00Z"}),
            # A record that arrives already deleted is never inserted.
            singer.record("people", {"id": 3, "name": "c", "_sdc_deleted_at": "2024-05-01T00:00:00Z"}),
        ],
        hard_delete=True,
    )

    assert loader.query("SELECT id FROM raw.people ORDER BY id") == [(2,)]


def test_sdc_deleted_at_hard_delete_without_metadata_columns(loader, singer):
    loader.run(
        [
            singer.schema("people", DELETABLE),
            *people(singer, [(1, "a"), (2, "b")]),
            singer.record("people", {"id": 1, "name": "a", "_sdc_deleted_at": "2024-05-01T00:00:00Z"}),
        ],
        hard_delete=True,
        add_record_metadata=False,
    )

    assert loader.query("SELECT id FROM raw.people ORDER BY id") == [(2,)]
    assert not [c for c in loader.columns("people") if c.startswith("_sdc")]


def test_sdc_deleted_at_soft_delete_keeps_the_marker(loader, singer):
    loader.run(
        [
            singer.schema("people", DELETABLE),
            *people(singer, [(1, "a"), (2, "b")]),
            singer.record("people", {"id": 1, "name": "a", "_sdc_deleted_at": "2024-05-01T00:00:00Z"}),
        ]
    )

    assert loader.query("SELECT id, strftime(_sdc_deleted_at, '%Y-%m-%d') FROM raw.people ORDER BY id") == [
        (1, "2024-05-01"),
        (2, None),
    ]


def full_table_run(singer, version, rows, *, activate_first=True):
    """A full-table sync as the SDK emits it: ACTIVATE_VERSION, then versioned records."""
    records = people(singer, rows, version=version)
    activate = [singer.activate_version("people", version)]
    return [
        singer.schema("people", PEOPLE),
        *(activate if activate_first else []),
        *records,
        *([] if activate_first else activate),
    ]


@pytest.mark.parametrize("activate_first", [True, False], ids=["sdk-order", "singer-order"])
def test_activate_version_hard_delete_removes_vanished_rows(loader, singer, activate_first):
    loader.run(
        full_table_run(singer, 100, [(1, "a"), (2, "b"), (3, "c")], activate_first=activate_first),
        hard_delete=True,
    )
    loader.run(
        full_table_run(singer, 200, [(1, "a"), (2, "B")], activate_first=activate_first),
        hard_delete=True,
    )

    assert loader.query("SELECT id, name, _sdc_table_version FROM raw.people ORDER BY id") == [
        (1, "a", 200),
        (2, "B", 200),
    ]


def test_activate_version_soft_delete_marks_vanished_rows(loader, singer):
    loader.run(full_table_run(singer, 100, [(1, "a"), (2, "b"), (3, "c")]))
    loader.run(full_table_run(singer, 200, [(1, "a"), (2, "b")]))

    assert loader.query("SELECT id, _sdc_deleted_at IS NOT NULL FROM raw.people ORDER BY id") == [
        (1, False),
        (2, False),
        (3, True),
    ]

    # The row comes back to life when the source sends it again.
    loader.run(full_table_run(singer, 300, [(1, "a"), (2, "b"), (3, "c")]))
    assert loader.query("SELECT count(*) FROM raw.people WHERE _sdc_deleted_at IS NULL") == [(3,)]


def test_activate_version_keeps_rows_of_the_current_version_across_batches(loader, singer):
    rows = [(i, f"n{i}") for i in range(10)]
    loader.run(full_table_run(singer, 100, rows), hard_delete=True, batch_size_rows=3)

    assert loader.query("SELECT count(*) FROM raw.people") == [(10,)]


def test_activate_version_disabled_by_setting(loader, singer):
    loader.run(full_table_run(singer, 100, [(1, "a"), (2, "b")]), hard_delete=True)
    loader.run(
        full_table_run(singer, 200, [(1, "a")]),
        hard_delete=True,
        process_activate_version_messages=False,
    )

    assert loader.query("SELECT count(*) FROM raw.people") == [(2,)]


def test_identical_schema_per_parent_does_not_flush(loader, singer, monkeypatch):
    loads = []
    original = DuckDBWarehouse.load_batch

    def counting_load(self, **kwargs):
        loads.append(kwargs["table"])
        return original(self, **kwargs)

    monkeypatch.setattr(DuckDBWarehouse, "load_batch", counting_load)
    child = {"parent_id": {"type": "integer"}, "id": {"type": "integer"}}
    messages = []
    for parent in range(50):
        # The SDK re-sends the child's SCHEMA before each parent's children.
        messages.append(singer.schema("invitees", child, keys=["parent_id", "id"]))
        messages += [singer.record("invitees", {"parent_id": parent, "id": n}) for n in range(2)]
    loader.run(messages)

    assert loads == ["invitees"]
    assert loader.query("SELECT count(*) FROM raw.invitees") == [(100,)]


def test_wide_records_are_loaded_in_batches_bounded_by_bytes(loader, singer, monkeypatch):
    # Memory is bounded by batch_size_bytes whatever the rows: 1 KB records, 3 KB batches.
    loaded_lines: list[int] = []
    original = DuckDBWarehouse.load_batch

    def counting_load(self, **kwargs):
        with open(kwargs["staging_file"], "rb") as staged:
            loaded_lines.append(sum(1 for _ in staged))
        return original(self, **kwargs)

    monkeypatch.setattr(DuckDBWarehouse, "load_batch", counting_load)
    wide = [(i, "x" * 1000) for i in range(10)]
    loader.run([singer.schema("people", PEOPLE), *people(singer, wide)], batch_size_bytes=3000)

    assert loaded_lines == [3, 3, 3, 1]
    assert loader.query("SELECT count(*), min(length(name)) FROM raw.people") == [(10, 1000)]


def test_schema_change_mid_stream_keeps_last_record(loader, singer):
    # The old sink holds id 1 = "old"; after the SCHEMA change the new sink fills
    # up and drains first. The older record must not overwrite the newer one.
    grown = {**PEOPLE, "extra": {"type": ["string", "null"]}}
    loader.run(
        [
            singer.schema("people", PEOPLE),
            singer.record("people", {"id": 1, "name": "old"}),
            singer.schema("people", grown),
            singer.record("people", {"id": 1, "name": "new", "extra": "x"}),
            singer.record("people", {"id": 2, "name": "b", "extra": "y"}),
            singer.record("people", {"id": 3, "name": "c", "extra": "z"}),
        ],
        batch_size_rows=3,
    )

    assert loader.query("SELECT id, name, extra FROM raw.people ORDER BY id") == [
        (1, "new", "x"),
        (2, "b", "y"),
        (3, "c", "z"),
    ]


def test_state_is_emitted_only_after_its_records_are_committed(loader, singer, monkeypatch):
    committed_at_emit = []
    from target_duckdb_upsert.target import TargetDuckDB

    original = TargetDuckDB._write_state_message

    def spy(self, state):
        count = self.warehouse.connection.execute("SELECT count(*) FROM raw.people").fetchall()
        committed_at_emit.append((state["bookmarks"]["people"], count[0][0]))
        original(self, state)

    monkeypatch.setattr(TargetDuckDB, "_write_state_message", spy)
    states = loader.run(
        [
            singer.schema("people", PEOPLE),
            *people(singer, [(i, "x") for i in range(5)]),
            singer.state({"bookmarks": {"people": 5}}),
            *people(singer, [(i, "x") for i in range(5, 9)]),
            singer.state({"bookmarks": {"people": 9}}),
        ],
        batch_size_rows=2,
    )

    assert states[-1] == {"bookmarks": {"people": 9}}
    assert committed_at_emit
    for bookmark, rows in committed_at_emit:
        assert rows >= bookmark


def test_failed_load_emits_no_state(loader, singer):
    # 2**70 does not fit BIGINT: the load fails, so the state after it must not
    # be emitted (the next run resumes from the previous bookmark).
    with pytest.raises(Exception, match=r"(?i)overflow|out of range|convert|cast"):
        loader.run(
            [
                singer.schema("people", PEOPLE),
                *people(singer, [(1, "a")]),
                singer.record("people", {"id": 2**70, "name": "too big"}),
                singer.state({"bookmarks": {"people": 2}}),
            ]
        )
    loader.last_target.warehouse.close()
    assert loader.last_stdout == ""
    assert loader.query("SELECT count(*) FROM raw.people") == [(0,)]


def test_batch_message_files_are_loaded_and_deduplicated(loader, singer):
    batch_file = loader.workdir / "people-0001.jsonl"
    batch_file.write_text('{"id": 1, "name": "a"}\n{"id": 2, "name": "b"}\n{"id": 1, "name": "a2"}\n')
    loader.run(
        [
            singer.schema("people", PEOPLE),
            {
                "type": "BATCH",
                "stream": "people",
                "encoding": {"format": "jsonl", "compression": "none"},
                "manifest": [batch_file.as_uri()],
            },
        ]
    )

    assert loader.query("SELECT id, name FROM raw.people ORDER BY id") == [(1, "a2"), (2, "b")]


def test_activate_version_without_metadata_columns_is_ignored_with_a_warning(loader, singer, caplog):
    loader.run(full_table_run(singer, 100, [(1, "a"), (2, "b")]), add_record_metadata=False)
    loader.run(full_table_run(singer, 200, [(1, "a")]), add_record_metadata=False)

    assert loader.query("SELECT count(*) FROM raw.people") == [(2,)]
    assert "enable add_record_metadata" in caplog.text
