"""Tolerant decoding, one test per rule: what the vendors send, as the SCHEMA declares it."""

from __future__ import annotations

import decimal

from scheduling_taps_common.decoding import RecordDecoder

SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "hours": {"type": ["number", "null"]},
        "count": {"type": ["integer", "null"]},
        "created": {"type": ["string", "null"], "format": "date-time"},
        "date": {"type": ["string", "null"], "format": "date"},
        "note": {"type": ["string", "null"]},
        "either": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        "location": {
            "type": ["object", "null"],
            "properties": {"data": {"type": ["object", "null"], "properties": {"id": {"type": ["string", "null"]}}}},
        },
        "tasks": {
            "type": ["array", "null"],
            "items": {"type": "object", "properties": {"hours": {"type": ["number", "null"]}}},
        },
    },
}


def decode(record, **options):
    return RecordDecoder(SCHEMA, **options)(record)


def test_numeric_strings_become_numbers_where_only_numbers_are_declared():
    assert decode({"hours": "2.0", "count": "3"}) == {"hours": decimal.Decimal("2.0"), "count": 3}
    assert decode({"hours": "7"})["hours"] == 7
    assert decode({"hours": "-0.25e1"})["hours"] == decimal.Decimal("-2.5")
    assert decode({"hours": "", "count": " "}) == {"hours": None, "count": None}
    # Not a number, or a fraction where an integer is declared: left for validation to report.
    assert decode({"hours": "two", "count": "2.5"}) == {"hours": "two", "count": "2.5"}
    # A string that is declared as a string stays one, however numeric it looks.
    assert decode({"note": "42"})["note"] == "42"


def test_integer_ids_become_strings_where_only_strings_are_declared():
    assert decode({"id": 123})["id"] == "123"
    assert decode({"location": {"data": {"id": 987654321}}})["location"]["data"]["id"] == "987654321"
    assert decode({"either": 5})["either"] == 5  # a declared union is respected
    assert decode({"note": True})["note"] is True  # only integers are ids


def test_empty_strings_become_null_for_dates_and_datetimes():
    assert decode({"created": "", "date": "  ", "note": ""}) == {"created": None, "date": None, "note": ""}


def test_zone_less_datetimes_become_rfc3339_utc_when_the_api_says_they_are_utc():
    record = {"created": "2025-03-20 11:43:29", "date": "2026-08-11"}
    assert decode(dict(record), naive_datetimes_are_utc=True) == {
        "created": "2025-03-20T11:43:29Z",
        "date": "2026-08-11",
    }
    assert (
        decode({"created": "2023-02-05 03:48:57.964"}, naive_datetimes_are_utc=True)["created"]
        == "2023-02-05T03:48:57.964Z"
    )
    # Minutes only, and a bare date where a date-time is declared: still the same instant.
    assert decode({"created": "2026-05-29 09:00"}, naive_datetimes_are_utc=True)["created"] == "2026-05-29T09:00:00Z"
    assert decode({"created": "2024-02-05"}, naive_datetimes_are_utc=True)["created"] == "2024-02-05T00:00:00Z"
    assert decode(dict(record))["created"] == "2025-03-20 11:43:29"  # other APIs: as sent
    offset = {"created": "2025-03-20T11:43:29+02:00"}
    assert decode(dict(offset), naive_datetimes_are_utc=True) == offset  # a zone is kept


def test_rules_reach_into_nested_objects_and_arrays_and_leave_the_rest_alone():
    # Nested fields the schema does not declare are left as sent (only the top level is cleaned).
    record = {"tasks": [{"hours": "1.5", "note": "x"}, None, {"hours": 2}], "hours": None}
    assert decode(record) == {
        "tasks": [{"hours": decimal.Decimal("1.5"), "note": "x"}, None, {"hours": 2}],
        "hours": None,
    }


def test_undeclared_top_level_fields_are_dropped_and_reported_once():
    reported = []
    decoder = RecordDecoder(SCHEMA, on_undeclared=reported.append)
    assert decoder({"id": "1", "surprise": 1, "other": {"x": 1}}) == {"id": "1"}
    assert decoder({"id": "2", "surprise": 2}) == {"id": "2"}
    assert reported == [["other", "surprise"]]
