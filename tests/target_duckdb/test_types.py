"""Column types, names, schema growth and type widening."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from target_duckdb_upsert.columns import column_type, safe_identifier, widen


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        ({"type": "string"}, "VARCHAR"),
        ({"type": ["string", "null"]}, "VARCHAR"),
        ({"type": ["null", "string"], "format": "date-time"}, "TIMESTAMPTZ"),
        ({"type": "string", "format": "date"}, "DATE"),
        ({"type": "string", "format": "time"}, "TIME"),
        ({"type": "string", "format": "email"}, "VARCHAR"),
        ({"type": ["integer", "null"]}, "BIGINT"),
        ({"type": ["integer", "string"]}, "VARCHAR"),
        ({"type": ["integer", "number"]}, "DOUBLE"),
        ({"type": "number"}, "DOUBLE"),
        ({"type": "number", "multipleOf": 0.01}, "DECIMAL(38,2)"),
        ({"type": "number", "multipleOf": 0.5}, "DOUBLE"),
        (
            {"type": "string", "format": "x-singer.decimal", "precision": 12, "scale": 4},
            "DECIMAL(12,4)",
        ),
        ({"type": "string", "format": "x-singer.decimal"}, "VARCHAR"),
        ({"type": ["boolean", "null"]}, "BOOLEAN"),
        ({"type": ["boolean", "integer"]}, "VARCHAR"),
        ({"type": ["object", "null"], "properties": {}}, "JSON"),
        ({"type": "array", "items": {"type": "string"}}, "JSON"),
        ({"type": ["string", "object"]}, "JSON"),
        ({}, "JSON"),
        ({"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]}, "TIMESTAMPTZ"),
        ({"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string"}]}, "VARCHAR"),
        ({"anyOf": [{"type": "integer"}, {"type": "null"}]}, "BIGINT"),
        ({"anyOf": [{"type": "integer"}, {"type": "array"}]}, "JSON"),
        ({"enum": ["a", "b"]}, "VARCHAR"),
    ],
)
def test_column_type(prop, expected):
    assert column_type(prop) == expected


@pytest.mark.parametrize(
    ("existing", "incoming", "expected"),
    [
        ("BIGINT", "BIGINT", "BIGINT"),
        ("BIGINT", "DOUBLE", "DOUBLE"),
        ("DOUBLE", "BIGINT", "DOUBLE"),
        ("BOOLEAN", "BIGINT", "BIGINT"),
        ("BIGINT", "VARCHAR", "VARCHAR"),
        ("VARCHAR", "BIGINT", "VARCHAR"),
        ("DATE", "TIMESTAMPTZ", "TIMESTAMPTZ"),
        ("TIMESTAMP WITH TIME ZONE", "DATE", "TIMESTAMPTZ"),
        ("DECIMAL(38,2)", "DECIMAL(38,4)", "DECIMAL(38,4)"),
        ("BIGINT", "DECIMAL(38,2)", "DECIMAL(38,2)"),
        ("JSON", "BIGINT", "JSON"),
        ("JSON", "VARCHAR", "VARCHAR"),
        ("TIMESTAMPTZ", "BIGINT", "VARCHAR"),
    ],
)
def test_widen(existing, incoming, expected):
    assert widen(existing, incoming) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("scheduled-events", "scheduled_events"),
        ("EventTypes", "eventtypes"),
        ("a.b c", "a_b_c"),
        ("2024_stats", "_2024_stats"),
        ("ok_name", "ok_name"),
    ],
)
def test_safe_identifier(name, expected):
    assert safe_identifier(name) == expected


def test_hyphen_and_capital_stream_names_become_safe_tables(loader, singer):
    loader.run(
        [
            singer.schema(
                "Scheduled-Events", {"id": {"type": "integer"}, "startTime": {"type": "string"}}
            ),
            singer.record("Scheduled-Events", {"id": 1, "startTime": "x"}),
        ],
        default_target_schema="Calendly-Raw",
    )

    assert loader.query("SELECT id, starttime FROM calendly_raw.scheduled_events") == [(1, "x")]


def test_property_names_colliding_after_lower_casing_fail_clearly(loader, singer):
    with pytest.raises(ValueError, match="both map to column 'id'"):
        loader.run([singer.schema("s", {"id": {"type": "integer"}, "ID": {"type": "integer"}})])


EVENT = {
    "id": {"type": "integer"},
    "start_time": {"type": ["string", "null"], "format": "date-time"},
    "day": {"type": ["string", "null"], "format": "date"},
    "price": {"type": ["number", "null"], "multipleOf": 0.01},
    "ratio": {"type": ["number", "null"]},
    "active": {"type": ["boolean", "null"]},
    "location": {"type": ["object", "null"]},
    "guests": {"type": ["array", "null"], "items": {"type": "object"}},
    "ref": {"type": ["integer", "string", "null"]},
}


def test_types_of_created_columns(loader, singer):
    loader.run([singer.schema("events", EVENT)], add_record_metadata=False)

    assert loader.columns("events") == {
        "id": "BIGINT",
        "start_time": "TIMESTAMP WITH TIME ZONE",
        "day": "DATE",
        "price": "DECIMAL(38,2)",
        "ratio": "DOUBLE",
        "active": "BOOLEAN",
        "location": "JSON",
        "guests": "JSON",
        "ref": "VARCHAR",
    }


def test_values_round_trip(loader, singer):
    first = json.dumps(
        singer.record(
            "events",
            {
                "id": 1,
                "start_time": "2024-03-01T10:00:00+02:00",
                "day": "2024-03-01",
                "price": 19.99,
                "ratio": 0.25,
                "active": False,
                "location": {"type": "zoom", "data": {"id": "BIG"}},
                "guests": [{"email": "a@example.test"}, {"email": "b@example.test"}],
                "ref": 42,
            },
        )
    ).replace('"BIG"', "12345678901234567890.123")  # more digits than a double holds
    loader.run(
        [singer.schema("events", EVENT), first, singer.record("events", {"id": 2, "ref": "R-7"})]
    )

    row = loader.query(
        "SELECT strftime(start_time, '%Y-%m-%dT%H:%M:%S'), day::VARCHAR, price, ratio, active,"
        " location->>'$.type', guests->>'$[1].email', json_array_length(guests), ref,"
        " location::VARCHAR FROM raw.events WHERE id = 1"
    )[0]
    # The +02:00 offset is converted to the UTC instant.
    assert row[:9] == (
        "2024-03-01T08:00:00",
        "2024-03-01",
        Decimal("19.99"),
        0.25,
        False,
        "zoom",
        "b@example.test",
        2,
        "42",
    )
    # Nested numbers keep their exact digits in the JSON text.
    assert "12345678901234567890.123" in row[9]
    assert loader.query("SELECT ref, start_time IS NULL FROM raw.events WHERE id = 2") == [
        ("R-7", True)
    ]


def test_naive_timestamps_are_utc(loader, singer):
    loader.run(
        [
            singer.schema("events", EVENT),
            singer.record("events", {"id": 1, "start_time": "2024-03-01T10:00:00"}),
        ]
    )

    assert loader.query(
        "SELECT epoch(start_time) = epoch(TIMESTAMPTZ '2024-03-01 10:00:00+00') FROM raw.events"
    ) == [(True,)]


def test_new_columns_are_added_when_the_schema_grows(loader, singer):
    base = {"id": {"type": "integer"}, "name": {"type": "string"}}
    loader.run([singer.schema("people", base), singer.record("people", {"id": 1, "name": "a"})])
    grown = {**base, "email": {"type": ["string", "null"]}, "meta": {"type": ["object", "null"]}}
    loader.run(
        [
            singer.schema("people", grown),
            singer.record("people", {"id": 2, "name": "b", "email": "b@x", "meta": {"k": 1}}),
        ]
    )

    assert loader.query("SELECT id, email, meta->>'k' FROM raw.people ORDER BY id") == [
        (1, None, None),
        (2, "b@x", "1"),
    ]


@pytest.mark.parametrize(
    ("first", "first_value", "second", "second_value", "expected_type", "expected"),
    [
        ({"type": "integer"}, 5, {"type": "string"}, "five", "VARCHAR", ["5", "five"]),
        ({"type": "integer"}, 5, {"type": "number"}, 2.5, "DOUBLE", [5.0, 2.5]),
        (
            {"type": "string", "format": "date"},
            "2024-01-02",
            {"type": "string", "format": "date-time"},
            "2024-01-03T04:05:06Z",
            "TIMESTAMP WITH TIME ZONE",
            ["2024-01-02 00:00:00+00", "2024-01-03 04:05:06+00"],
        ),
        ({"type": "string"}, "x", {"type": "integer"}, 7, "VARCHAR", ["x", "7"]),
        ({"type": "boolean"}, True, {"type": "object"}, {"a": 1}, "JSON", ["true", '{"a":1}']),
    ],
)
def test_type_change_widens_instead_of_failing(
    loader, singer, first, first_value, second, second_value, expected_type, expected
):
    loader.run(
        [
            singer.schema("t", {"id": {"type": "integer"}, "v": first}),
            singer.record("t", {"id": 1, "v": first_value}),
        ]
    )
    loader.run(
        [
            singer.schema("t", {"id": {"type": "integer"}, "v": second}),
            singer.record("t", {"id": 2, "v": second_value}),
        ]
    )

    assert loader.columns("t")["v"] == expected_type
    cast = "v::VARCHAR" if expected_type.startswith("TIMESTAMP") else "v"
    assert [r[0] for r in loader.query(f"SELECT {cast} FROM raw.t ORDER BY id")] == expected


def test_flattening_depth_setting(loader, singer):
    loader.run(
        [
            singer.schema(
                "events",
                {
                    "id": {"type": "integer"},
                    "location": {
                        "type": "object",
                        "properties": {
                            "kind": {"type": "string"},
                            "data": {"type": "object", "properties": {"x": {"type": "integer"}}},
                        },
                    },
                },
            ),
            singer.record("events", {"id": 1, "location": {"kind": "zoom", "data": {"x": 3}}}),
        ],
        flattening_enabled=True,
        flattening_max_depth=1,
        add_record_metadata=False,
    )

    # Below the depth the SDK's flattener hands over JSON text typed as string.
    assert loader.columns("events") == {
        "id": "BIGINT",
        "location__kind": "VARCHAR",
        "location__data": "VARCHAR",
    }
    assert loader.query("SELECT location__kind, location__data->>'x' FROM raw.events") == [
        ("zoom", "3")
    ]


def test_metadata_columns_setting(loader, singer):
    loader.run([singer.schema("p", {"id": {"type": "integer"}}), singer.record("p", {"id": 1})])
    assert {"_sdc_extracted_at", "_sdc_batched_at", "_sdc_deleted_at", "_sdc_table_version"} <= set(
        loader.columns("p")
    )

    loader.run(
        [singer.schema("q", {"id": {"type": "integer"}}), singer.record("q", {"id": 1})],
        add_record_metadata=False,
    )
    assert loader.columns("q") == {"id": "BIGINT"}


def test_unparseable_timestamp_fails_the_run_and_loads_nothing(loader, singer):
    with pytest.raises(ValueError, match="not-a-date"):
        loader.run(
            [
                singer.schema("events", EVENT),
                singer.record("events", {"id": 1, "start_time": "2024-03-01T10:00:00Z"}),
                singer.record("events", {"id": 2, "start_time": "not-a-date"}),
            ]
        )
    loader.last_target.warehouse.close()

    assert loader.query("SELECT count(*) FROM raw.events") == [(0,)]


def test_fields_missing_from_the_schema_are_dropped_with_a_warning(loader, singer, caplog):
    loader.run(
        [
            singer.schema("events", EVENT),
            singer.record("events", {"id": 1, "start_time": "2024-03-01T10:00:00Z", "surprise": 1}),
        ]
    )

    assert "No schema for record field 'surprise'" in caplog.text
    assert "surprise" not in loader.columns("events")
    assert loader.query("SELECT strftime(start_time, '%H') FROM raw.events") == [("10",)]
