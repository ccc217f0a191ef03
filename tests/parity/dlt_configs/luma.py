"""dlt translation of the original dlt specification's Luma source.

Changed keys (everything else is the original specification's):

- ``client.base_url`` ``https://api.example.com`` → ``<fake>/public``. The specification's paths
  (``/v1/calendar/list-events`` with ``entries[].event``, ``api_id`` keys) are Luma's *legacy*
  public API, which Luma's May 2025 OpenAPI documents under ``/public/v1/...`` on
  ``https://public-api.lu.ma``, and which the tap and the fake implement.
- ``client.auth``: ``name: "api_key"`` → ``name: "x-luma-api-key"``, the header the
  specification's prose (and Luma) name; the value is the sandbox key instead of ``dlt.secrets``.
- ``paginator.stop_condition: "has_more == false"`` (an Airbyte-style key dlt rejects) →
  ``has_more_path: "has_more"``, dlt's cursor-paginator option for the same rule. It matters:
  Luma's last page still carries a ``next_cursor``.
- ``event_guests``: the API requires ``event_api_id`` (the specification sends none, so every
  call would be a 400). Added as dlt's parent reference in a query parameter,
  ``"{resources.events.api_id}"`` (a ``type: resolve`` param must be bound in the path, dlt
  says): one guest list per event, as the tap does.
"""

from __future__ import annotations

import typing as t

TAP = "tap-luma"
SCHEMA = "tap_luma"
#: Compared by the specification's key ``api_id`` on both sides. The tap's key for guests is
#: (event_api_id, api_id), a superset; the comparison also proves api_id alone is unique.
STREAMS = {"events": "api_id", "event_guests": "api_id"}

#: Deliberately more than dlt: the tap keeps the entry-level ``tags`` next to each event (dlt's
#: selector ``entries.*.event`` drops them) and stores the parent ``event_api_id`` on each guest
#: (part of its key). Compared with the fake, not with dlt.
SINGER_ONLY_COLUMNS = {"events": ("tags",), "event_guests": ("event_api_id",)}

#: Luma deletes a cancelled event (it and its guests vanish from the lists). dlt's merge keeps
#: the vanished rows; the tap (``propagate_deletions``, on by default) ends each complete listing
#: of both full-table streams with ACTIVATE_VERSION, so a loader that applies it retires them:
#: there the Singer destination is deliberately better (the cancelled event is gone).
DELETES_RETAINED = SNAPSHOT_DELETES = ("events", "event_guests")

_PAGINATOR = {
    "type": "cursor",
    "cursor_param": "pagination_cursor",
    "cursor_path": "next_cursor",
    "has_more_path": "has_more",
}


def config(fake: t.Any) -> dict[str, t.Any]:
    return {
        "client": {
            "base_url": f"{fake.url}/public",
            "auth": {"type": "api_key", "name": "x-luma-api-key", "api_key": fake.valid_key, "location": "header"},
        },
        "resource_defaults": {"primary_key": "api_id", "write_disposition": "merge"},
        "resources": [
            {
                "name": "events",
                "endpoint": {
                    "path": "/v1/calendar/list-events",
                    "data_selector": "entries.*.event",
                    "paginator": dict(_PAGINATOR),
                },
            },
            {
                "name": "event_guests",
                "endpoint": {
                    "path": "/v1/event/get-guests",
                    "data_selector": "entries.*.guest",
                    "paginator": dict(_PAGINATOR),
                    "params": {"event_api_id": "{resources.events.api_id}"},
                },
            },
        ],
    }


def source(fake: t.Any) -> dict[str, list[dict[str, t.Any]]]:
    data = fake.data
    return {
        "events": [{**e, "tags": data.event_tags[e["api_id"]]} for e in data.events],
        "event_guests": data.all_guests(),
    }


def mutate(fake: t.Any, seed: int) -> None:
    # One change of each kind: a small calendar has few upcoming events, and one must be left
    # over to be cancelled (deleted).
    touched = fake.mutate(seed=seed, changes=1)
    assert touched["updated"] and touched["created"] and touched["deleted"], touched
