"""dlt translation of the OnceHub seed (../shared/seeds/000_6d08f0dae57172dc.txt).

Changed keys (everything else is the seed's):

- ``client.base_url`` → the fake's URL (paths keep the seed's ``/v2/...``).
- ``client.auth``: ``name: "api_key"`` → ``name: "API-Key"``, the header the seed's prose (and
  OnceHub) name; the value is the sandbox key instead of ``dlt.secrets``.
- ``paginator.limit: 100`` (rejected on a cursor paginator) → ``params: {"limit": 100}``; the
  API's default is 10 (apis.md §8.3).
- ``paginator.stop_condition: "not 'next' in headers.get('Link')"`` (Airbyte-style, rejected).
  The seed's cursor paginator has no ``cursor_path``, so dlt's default (``cursors.next``) finds
  nothing and dlt would stop after page one. OnceHub's cursor is the id of the last record of
  the page, sent back as ``after``; its ``Link`` next URLs omit ``/v2`` (as documented), so
  dlt's ``header_link`` paginator would follow them into a 404. Translated to the cursor
  paginator with ``cursor_path: "data[-1].id"`` and ``has_more_path: "has_more"`` (the body's
  end-of-list flag, equivalent to the Link header's absence).
- No incremental in the seed: dlt re-reads every list and merges on ``id``; the tap reads
  bookings incrementally (``last_updated_time``), the other lists in full.
"""

from __future__ import annotations

import typing as t

SEED = "000_6d08f0dae57172dc.txt"
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
    touched = fake.data.mutate(seed=seed, changes=3)
    assert touched["updated"] and touched["booked"] and touched["same_second"], touched
