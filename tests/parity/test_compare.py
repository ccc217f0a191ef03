"""The comparison machinery itself: dlt's child tables fold back into the lists they came from,
and the canonical form equates what must be equal and nothing else."""

from __future__ import annotations

import datetime as dt
import decimal
import json

import pytest
from support.compare import by_key, canonical, diff_tables
from support.dlt_run import read_dlt, run_dlt

RECORDS = [
    {
        "id": 1,
        "userName": "Ada",
        "updated_at": "2026-01-02T03:04:05.123456Z",
        "location": {"type": "zoom", "data": {"settings": {"numbers": [{"n": "1"}, {"n": "2"}]}}},
        "tags": ["a", "b", "c"],
        "items": [{"sku": "x", "parts": [1, 2]}, {"sku": "y", "parts": []}],
        "price": 12.5,
        "empty": [],
        "nothing": None,
    },
    {"id": 2, "userName": "Bob", "updated_at": "2026-01-02T03:04:05Z", "tags": ["z"], "items": [], "price": 3},
]


def test_dlt_child_tables_fold_back_into_the_original_lists(tmp_path):
    import dlt

    @dlt.resource(name="things", primary_key="id", write_disposition="merge")
    def things():
        yield from json.loads(json.dumps(RECORDS))

    run = run_dlt(things, tmp_path)
    folded = by_key(read_dlt(run, "things"), "id")
    assert not diff_tables(folded, by_key(RECORDS, "id")), diff_tables(folded, by_key(RECORDS, "id"))
    # Lists are compared in order, element by element.
    changed = json.loads(json.dumps(RECORDS))
    changed[0]["tags"] = ["a", "c", "b"]
    assert diff_tables(folded, by_key(changed, "id"))


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ({"updated_at": "2026-01-02T03:04:05Z"}, {"updated_at": dt.datetime(2026, 1, 2, 3, 4, 5)}),  # naive = UTC
        ({"t": "2026-01-02 05:04:05+02:00"}, {"t": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)}),
        ({"modified": "2026-01-02 03:04:05"}, {"modified": "2026-01-02T03:04:05Z"}),  # Float's format
        ({"userId": 1}, {"user_id": decimal.Decimal("1.0")}),  # dlt snake_case, Decimal vs int
        ({"a": {"b": 1}}, {"a__b": 1}),  # dlt flattens dicts
        ({"a": json.dumps({"b": [1, 2]})}, {"a": {"b": [1, 2]}}),  # a JSON column read back as text
        ({"x": None, "y": [], "z": ""}, {}),  # no value
        ({"hours": "2.0", "id": 123}, {"hours": 2.0, "id": "123"}),  # numeric strings, integer ids
        ({"answer": True}, {"answer": "True"}),  # dlt's text column holding a boolean
    ],
)
def test_canonical_form_equates_representations(left, right):
    assert canonical(left, json_text=True) == canonical(right, json_text=True)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ({"n": 1}, {"n": 2}),
        ({"flag": True}, {"flag": 1}),
        ({"t": "2026-01-02T03:04:05Z"}, {"t": "2026-01-02T03:04:06Z"}),
        ({"tags": ["a", "b"]}, {"tags": ["b", "a"]}),
        ({"items": [{"k": 1}]}, {"items": [{"k": 1}, {"k": 2}]}),
        ({"s": "a"}, {"s": "A"}),
        ({"hours": "2.5"}, {"hours": 2.0}),
    ],
)
def test_canonical_form_keeps_real_differences(left, right):
    assert canonical(left) != canonical(right)


def test_a_date_equals_its_midnight_utc_instant_and_nothing_else():
    left = by_key([{"id": 1, "created": "2024-02-05"}], "id")
    assert not diff_tables(left, by_key([{"id": 1, "created": "2024-02-05T00:00:00Z"}], "id"))
    assert diff_tables(left, by_key([{"id": 1, "created": "2024-02-05T09:00:00Z"}], "id"))
