"""dlt translation of the original dlt specification for OnceHub.

Changed keys (everything else is the original specification's):

- ``client.base_url`` → the fake's URL (paths keep the specification's ``/v2/...``).
- ``client.auth``: ``name: "api_key"`` → ``name: "API-Key"``, the header the specification's
  prose (and OnceHub) name; the value is the sandbox key instead of ``dlt.secrets``.
- ``paginator.limit: 100`` (rejected on a cursor paginator) → ``params: {"limit": 100}``; the
  API's default is 10.
- ``paginator.stop_condition: "not 'next' in headers.get('Link')"`` (Airbyte-style, rejected).
  The specification's cursor paginator has no ``cursor_path``, so dlt's default
  (``cursors.next``) finds nothing and dlt would stop after page one. OnceHub's cursor is the id
  of the last record of the page, sent back as ``after``; its ``Link`` next URLs omit ``/v2``
  (as documented), so dlt's ``header_link`` paginator would follow them into a 404. Translated
  to the cursor paginator with ``cursor_path: "data[-1].id"`` and ``has_more_path: "has_more"``
  (the body's end-of-list flag, equivalent to the Link header's absence).
- No incremental in the specification: dlt re-reads every list and merges on ``id``; the tap
  reads bookings incrementally (``last_updated_time``), the other lists in full.

One representation differs (``DLT_MISSES``): a contact's custom field value may be any JSON
value (text, number, boolean, list), and dlt coerces them all into the type of the first value it
saw (a boolean becomes ``"True"``, a phone number ``"+1202..."`` a number); the tap keeps them.
"""

from __future__ import annotations

import typing as t

TAP = "tap-oncehub"
SCHEMA = "tap_oncehub"
PATHS = {
    "bookings": "/v2/bookings",
    "booking_pages": "/v2/booking-pages",
    "event_types": "/v2/event-types",
    "master_pages": "/v2/master-pages",
    "users": "/v2/users",
    "teams": "/v2/teams",
    "contacts": "/v2/contacts",
}
STREAMS = dict.fromkeys(PATHS, "id")


def config(fake: t.Any) -> dict[str, t.Any]:
    return {
        "client": {
            "base_url": fake.url,
            "auth": {"type": "api_key", "name": "API-Key", "api_key": fake.valid_key, "location": "header"},
        },
        "resource_defaults": {"primary_key": "id", "write_disposition": "merge"},
        "resources": [
            {
                "name": name,
                "endpoint": {
                    "path": path,
                    "data_selector": "data",
                    "params": {"limit": 100},
                    "paginator": {
                        "type": "cursor",
                        "cursor_param": "after",
                        "cursor_path": "data[-1].id",
                        "has_more_path": "has_more",
                    },
                },
            }
            for name, path in PATHS.items()
        ],
    }


def source(fake: t.Any) -> dict[str, list[dict[str, t.Any]]]:
    return {name: list(fake.data.lists[name]) for name in PATHS}


def mutate(fake: t.Any, seed: int) -> None:
    touched = fake.mutate(seed=seed, changes=3)
    assert touched["updated"] and touched["booked"] and touched["same_second"], touched


def _kind(value: t.Any) -> str:
    """The JSON kind of a canonical value (support.compare writes booleans as ``"bool:True"``)."""
    if isinstance(value, str):
        return "boolean" if value.startswith("bool:") else "string"
    return {float: "number", list: "array", dict: "object"}.get(type(value), "null")


def _dlt_coerces_mixed_custom_field_values(dlt: t.Any, singer: t.Any, expected: t.Any) -> None:
    """dlt keeps all of a table's custom field values in one ``contacts__custom_fields.value``
    column typed by the first value it sees, and coerces the others into it: a boolean becomes
    the text ``"True"``, a phone number ``"+1202..."`` the number ``1202...``. The tap keeps each
    value as sent (the Singer side was asserted equal to the fake before this check).

    So: every other column is equal, the custom fields have the same names in the same order, and
    where a value differs, dlt changed its JSON kind, never the value within its kind.
    """
    from support.compare import assert_same

    assert_same(singer, dlt, "contacts except custom_fields: Singer vs dlt", ignore=("custom_fields",))
    problems = []
    for key in singer:
        ours, theirs = singer[key].get("customfields", []), dlt[key].get("customfields", [])
        if [f["name"] for f in ours] != [f["name"] for f in theirs]:
            problems.append(f"{key}: custom field names {ours} != {theirs}")
            continue
        for mine, other in zip(ours, theirs, strict=True):
            value, coerced = mine.get("value"), other.get("value")
            if value != coerced and _kind(value) == _kind(coerced):
                problems.append(f"{key} custom field {mine['name']}: {value!r} != {coerced!r}")
    assert not problems, "dlt changed custom field values:\n  " + "\n  ".join(problems[:15])


DLT_MISSES = {
    phase: {
        "contacts": (
            "dlt coerces custom field values of mixed JSON types into the type of the first one it saw.",
            _dlt_coerces_mixed_custom_field_values,
        )
    }
    for phase in ("first run", "incremental run")
}
