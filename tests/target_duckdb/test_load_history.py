"""The load history: per run and table, what the load did (inserted, updated, unchanged, deleted)
and the bookmark reached, in `<schema>._load_history` beside the data."""

from __future__ import annotations

import logging

PROPERTIES = {"id": {"type": "integer"}, "name": {"type": ["string", "null"]}, "tags": {"type": ["array", "null"]}}
HISTORY = (
    "SELECT table_name, received, inserted, updated, unchanged, deleted, soft_deleted, rows_now, bookmark "
    "FROM raw._load_history ORDER BY finished_at, table_name"
)


def test_each_run_records_what_it_changed_per_table(loader, singer):
    first = [
        singer.schema("people", PROPERTIES),
        *(singer.record("people", {"id": i, "name": f"p{i}", "tags": ["a"]}, version=1) for i in (1, 2, 3)),
        singer.state({"bookmarks": {"people": {"replication_key": "id", "replication_key_value": 3}}}),
    ]
    loader.run(first)
    second = [
        singer.schema("people", PROPERTIES),
        singer.record("people", {"id": 1, "name": "p1", "tags": ["a"]}, version=2),  # unchanged
        singer.record("people", {"id": 2, "name": "renamed", "tags": ["a"]}, version=2),  # updated
        singer.record("people", {"id": 2, "name": "renamed again", "tags": ["a", "b"]}, version=2),  # same batch
        singer.record("people", {"id": 4, "name": "p4", "tags": None}, version=2),  # inserted
        singer.activate_version("people", 2),  # 3 was not listed again: soft-deleted
        singer.state({"bookmarks": {"people": {"replication_key": "id", "replication_key_value": 4}}}),
    ]
    loader.run(second)

    assert loader.query(HISTORY) == [
        ("people", 3, 3, 0, 0, 0, 0, 3, "3"),
        ("people", 3, 1, 1, 1, 0, 1, 3, "4"),
    ]
    load_ids = loader.query("SELECT DISTINCT load_id FROM raw._load_history")
    assert len(load_ids) == 2


def test_hard_deletes_and_keyless_appends_are_counted(loader, singer):
    keyless = {"id": {"type": "integer"}}
    messages = [
        singer.schema("people", PROPERTIES),
        *(singer.record("people", {"id": i, "name": "x"}, version=1) for i in (1, 2)),
        singer.schema("clicks", keyless, keys=()),
        *(singer.record("clicks", {"id": 7}) for _ in range(3)),
    ]
    loader.run(messages, hard_delete=True)
    loader.run(
        [
            singer.schema("people", PROPERTIES),
            singer.record("people", {"id": 1, "name": "x"}, version=2),
            singer.activate_version("people", 2),
        ],
        hard_delete=True,
    )
    rows = loader.query(HISTORY)
    assert ("clicks", 3, 3, 0, 0, 0, 0, 3, None) in rows
    assert rows[-1] == ("people", 1, 0, 0, 1, 1, 0, 1, None)


def test_the_report_is_printed_at_the_end_of_the_run(loader, singer, caplog):
    caplog.set_level(logging.INFO)
    loader.run([singer.schema("people", PROPERTIES), singer.record("people", {"id": 1, "name": "x"})])
    report = [
        r.getMessage() for r in caplog.records if "raw.people" in r.getMessage() or "Load report" in r.getMessage()
    ]
    assert report[0].startswith("Load report")
    assert "raw.people" in report[-1] and " 1 " in f" {report[-1]} "
