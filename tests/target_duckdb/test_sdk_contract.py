"""The SDK behaviour behind target_duckdb_upsert.sdk_private: these fail loudly when an SDK
upgrade changes what the loader relies on."""

from __future__ import annotations

import datetime as dt

from singer_sdk.sinks import BatchSink

from target_duckdb_upsert.sdk_private import FastTimestampParsing, StateListener
from target_duckdb_upsert.target import TargetDuckDB

SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "at": {"type": ["string", "null"], "format": "date-time"},
        "day": {"type": ["string", "null"], "format": "date"},
        "clock": {"type": ["string", "null"], "format": "time"},
    },
}


def sink():
    target = TargetDuckDB(config={"filepath": ":memory:"})
    return target.get_sink("things", schema=SCHEMA, key_properties=["id"])


def test_the_sdk_parses_dates_of_each_record_through__parse_timestamps_in_record():
    seen = []
    the_sink = sink()
    original = type(the_sink)._parse_timestamps_in_record

    def spy(self, record, schema, treatment):
        seen.append((record, schema))
        original(self, record, schema, treatment)

    type(the_sink)._parse_timestamps_in_record = spy
    try:
        the_sink._validate_and_parse({"id": 1, "at": "2026-01-02T03:04:05+00:00"})
    finally:
        type(the_sink)._parse_timestamps_in_record = original
    assert seen and seen[0][1] == the_sink.schema


def test_the_fast_parsing_gives_what_the_sdks_own_parsing_gives():
    the_sink = sink()
    record = {"id": 1, "at": "2026-01-02T03:04:05+02:00", "day": "2026-01-02", "clock": "09:30:00"}
    ours, theirs = dict(record), dict(record)
    FastTimestampParsing._parse_timestamps_in_record(the_sink, ours, the_sink.schema, the_sink.datetime_error_treatment)
    BatchSink._parse_timestamps_in_record(the_sink, theirs, the_sink.schema, the_sink.datetime_error_treatment)
    assert ours == theirs
    assert ours["at"] == dt.datetime(2026, 1, 2, 1, 4, 5, tzinfo=dt.timezone.utc)


def test_every_state_message_reaches_on_state(loader, singer, monkeypatch):
    states = []
    assert issubclass(TargetDuckDB, StateListener)
    monkeypatch.setattr(TargetDuckDB, "on_state", lambda self, state: states.append(state))
    loader.run([singer.state({"bookmarks": {"a": {"replication_key_value": 1}}}), singer.state({"bookmarks": {}})])
    assert states == [{"bookmarks": {"a": {"replication_key_value": 1}}}, {"bookmarks": {}}]
