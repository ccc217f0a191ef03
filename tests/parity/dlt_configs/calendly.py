"""dlt translation of the Calendly config of the original dlt specification.

The original ``rest_api_source`` dict, kept as close as dlt allows. Every changed key:

- ``client.base_url`` ``https://api.example.com`` → the fake's URL; ``client.auth.token``
  ``dlt.secrets["api_key"]`` → the sandbox token. Values only, no semantic change.
- ``event_types``, ``groups``, ``organization_memberships``, ``scheduled_events``: **added**
  ``params.organization`` = the organization URI. The real API answers 400 without a scope
  parameter (Calendly's API reference: "Either `organization` or `user` are required"); the tap
  reads it from ``/users/me``, here it is the fake's organization.
- ``event_invitees``: the original path placeholder ``{scheduled_event_id}`` has no resolver,
  which dlt rejects. Translated to dlt's ``resolve`` parameter on the ``scheduled_events``
  resource. Calendly records have no ``id`` (the original's name), so the field is the event UUID
  taken from the last segment of ``uri`` with a jsonpath-ng ``split`` (``uri`` is
  ``https://api.calendly.com/scheduled_events/<uuid>``: segment 4).
- Pagination (``cursor`` on ``pagination.next_page_token`` / ``page_token``) and the data
  selectors are valid dlt and unchanged; no ``count`` is sent (as in the original), so the API's
  20 per page.
- No key of the original is an Airbyte-style key, and it declares no incremental: dlt re-reads
  every resource on every run and merges on ``uri``.
"""

from __future__ import annotations

import typing as t

TAP = "tap-calendly"
SCHEMA = "tap_calendly"
#: stream -> primary key (the same in dlt, from resource_defaults, and in the tap)
STREAMS = {
    "api_user": "uri",
    "event_types": "uri",
    "groups": "uri",
    "organization_memberships": "uri",
    "scheduled_events": "uri",
    "event_invitees": "uri",
}

#: Full-table streams that end a complete listing with ACTIVATE_VERSION: a loader that applies
#: it retires rows the API stopped listing (dlt's merge keeps them). The fake deletes none of
#: these, so here it only allows for that.
DELETES_RETAINED = SNAPSHOT_DELETES = ("event_types", "groups", "organization_memberships")

_CURSOR = {"type": "cursor", "cursor_param": "page_token", "cursor_path": "pagination.next_page_token"}


def config(fake: t.Any) -> dict[str, t.Any]:
    organization = fake.data.organization

    def listing(name: str, path: str, **endpoint: t.Any) -> dict[str, t.Any]:
        return {
            "name": name,
            "endpoint": {"path": path, "data_selector": "collection", "paginator": dict(_CURSOR), **endpoint},
        }

    return {
        "client": {"base_url": fake.url, "auth": {"type": "bearer", "token": fake.valid_key}},
        "resource_defaults": {"primary_key": "uri", "write_disposition": "merge"},
        "resources": [
            listing("event_types", "/event_types", params={"organization": organization}),
            {"name": "api_user", "endpoint": {"path": "/users/me", "data_selector": "resource"}},
            listing("groups", "/groups", params={"organization": organization}),
            listing("organization_memberships", "/organization_memberships", params={"organization": organization}),
            listing("scheduled_events", "/scheduled_events", params={"organization": organization}),
            listing(
                "event_invitees",
                "/scheduled_events/{scheduled_event_id}/invitees",
                params={
                    "scheduled_event_id": {
                        "type": "resolve",
                        "resource": "scheduled_events",
                        "field": "uri.`split(/, 4, -1)`",
                    }
                },
            ),
        ],
    }


def source(fake: t.Any) -> dict[str, list[dict[str, t.Any]]]:
    """The fake's current dataset, per stream."""
    data = fake.data
    return {
        "api_user": [data.users[0]],
        "event_types": data.event_types,
        "groups": data.groups,
        "organization_memberships": data.memberships,
        "scheduled_events": data.events,
        "event_invitees": data.all_invitees(),
    }


def mutate(fake: t.Any, seed: int) -> None:
    touched = fake.mutate(seed=seed, changes=3)
    # Updates, cancellations, reschedules and bookings always happen; no-shows need a recent
    # past event, which a small dataset may not have.
    assert all(touched[k] for k in ("updated", "canceled", "rescheduled", "booked")), touched
