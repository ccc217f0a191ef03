"""Property: after any record stream, the table equals the last-wins dedup of the input."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BASE = {
    "id": {"type": "integer"},
    "text": {"type": ["string", "null"]},
    "num": {"type": ["integer", "null"]},
}
GROWN = {**BASE, "extra": {"type": ["string", "null"]}}

texts = st.one_of(st.none(), st.just(""), st.text(max_size=5))
records = st.fixed_dictionaries(
    {"id": st.integers(0, 5), "text": texts, "num": st.one_of(st.none(), st.integers(-5, 5))},
    optional={"extra": texts},
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    stream=st.lists(records, min_size=1, max_size=25),
    grow_at=st.integers(0, 25),
    second_run_at=st.integers(0, 25),
    batch_size_rows=st.integers(1, 5),
)
def test_table_equals_last_wins_dedup(
    new_loader,
    singer,
    stream,
    grow_at,
    second_run_at,
    batch_size_rows,
):
    loader = new_loader()
    # Before grow_at the schema has no "extra" column; records then cannot carry it.
    stream = [
        r if i >= grow_at else {k: v for k, v in r.items() if k != "extra"}
        for i, r in enumerate(stream)
    ]
    runs = [stream[:second_run_at], stream[second_run_at:]]
    position = 0
    for run in runs:
        if not run:
            continue
        messages = []
        for record in run:
            grown = position >= grow_at
            # Every record is preceded by its SCHEMA, as the SDK does for child
            # streams; unchanged ones must be no-ops.
            messages.append(singer.schema("items", GROWN if grown else BASE))
            messages.append(singer.record("items", record))
            position += 1
        loader.run(messages, batch_size_rows=batch_size_rows, add_record_metadata=False)

    expected = {}
    for record in stream:
        expected[record["id"]] = (record["id"], record["text"], record["num"], record.get("extra"))
    has_extra = grow_at < len(stream)
    extra = "extra" if has_extra else "NULL"
    actual = loader.query(f"SELECT id, text, num, {extra} FROM raw.items ORDER BY id")
    assert actual == [expected[k] for k in sorted(expected)]
