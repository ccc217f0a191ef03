"""The Calendly fake sends what Calendly documents, in the shapes its own examples show.

The field lists come from tests/contract/calendly/documented_fields.json (the vendor's OpenAPI
and API reference); the contract tests check the fake against them through the tap, these
check the fake's raw answers.
"""

from __future__ import annotations

import requests
from contract import harness

from api_sandbox.calendly import FakeCalendly

#: The ten location types of the OpenAPI's Location, as sent: Zoom's examples and recorded
#: responses say `zoom`, its schema `zoom_conference`.
LOCATION_TYPES = {
    "physical",
    "outbound_call",
    "inbound_call",
    "custom",
    "ask_invitee",
    "google_conference",
    "zoom",
    "zoom_conference",
    "gotomeeting",
    "microsoft_teams_conference",
    "webex_conference",
}


def get(fake: FakeCalendly, path: str, **params: object) -> dict:
    response = requests.get(
        fake.url + path, params=params, headers={"Authorization": f"Bearer {fake.valid_key}"}, timeout=10
    )
    response.raise_for_status()
    return response.json()


def test_raw_answers_carry_every_documented_field():
    documented = harness.documented_fields("calendly")
    with FakeCalendly(seed=5, scale=0.3) as fake:
        organization = fake.data.organization
        answers = {
            "api_user": [get(fake, "/users/me")["resource"]],
            "event_types": get(fake, "/event_types", organization=organization, count=100)["collection"],
            "groups": get(fake, "/groups", organization=organization, count=100)["collection"],
            "organization_memberships": get(fake, "/organization_memberships", organization=organization, count=100)[
                "collection"
            ],
            "scheduled_events": get(fake, "/scheduled_events", organization=organization, count=100)["collection"],
        }
        answers["event_invitees"] = [
            invitee
            for event in answers["scheduled_events"]
            for invitee in get(fake, f"/scheduled_events/{event['uri'].rsplit('/', 1)[-1]}/invitees")["collection"]
        ]
        answers["event_type_memberships"] = [
            host
            for event_type in answers["event_types"]
            for host in get(fake, "/event_type_memberships", event_type=event_type["uri"], count=100)["collection"]
        ]
        answers["routing_forms"] = get(fake, "/routing_forms", organization=organization, count=100)["collection"]
        answers["routing_form_submissions"] = [
            submission
            for form in answers["routing_forms"]
            for submission in get(fake, "/routing_form_submissions", form=form["uri"], count=100)["collection"]
        ]
        answers["organization_invitations"] = get(
            fake, f"/organizations/{organization.rsplit('/', 1)[-1]}/invitations", count=100
        )["collection"]
        answers["user_availability_schedules"] = [
            schedule
            for membership in answers["organization_memberships"]
            for schedule in get(fake, "/user_availability_schedules", user=membership["user"]["uri"])["collection"]
        ]
        answers["activity_log_entries"] = get(fake, "/activity_log_entries", organization=organization, count=1000)[
            "collection"
        ]
    missing = {
        stream: sorted(set(fields) - set().union(*(harness.field_paths(r) for r in answers[stream])))
        for stream, fields in documented.items()
    }
    assert not any(missing.values()), missing


def test_event_locations_take_every_documented_shape():
    events = FakeCalendly(seed=5, scale=0.3).data.events
    locations = [e["location"] for e in events if e["location"] is not None]
    assert {location["type"] for location in locations} == LOCATION_TYPES
    assert len(locations) < len(events), "some events have no location (Location is nullable)"

    zoom_ids = [loc["data"]["id"] for loc in locations if loc["type"].startswith("zoom") and loc.get("data")]
    assert any(isinstance(i, int) for i in zoom_ids), "the vendor's examples send Zoom ids as integers"
    assert any(isinstance(i, str) for i in zoom_ids), "its schema declares them strings"
    # A conference whose meeting is not created yet has no data (the vendor's status examples).
    pending = [loc for loc in locations if loc.get("status") in {"initiated", "processing", "failed"}]
    assert pending and all(loc.get("data") is None for loc in pending)


def test_the_activity_log_answers_403_below_the_enterprise_plan():
    with FakeCalendly(seed=5, scale=0.1, enterprise=False) as fake:
        response = requests.get(
            fake.url + "/activity_log_entries",
            params={"organization": fake.data.organization},
            headers={"Authorization": f"Bearer {fake.valid_key}"},
            timeout=10,
        )
    assert response.status_code == 403
    assert response.json() == {
        "title": "Permission Denied",
        "message": "Please upgrade your Calendly account to Enterprise.",
    }


def test_the_activity_log_pages_filters_and_counts_as_documented():
    with FakeCalendly(seed=5, scale=0.3) as fake:
        organization = fake.data.organization
        newest_first = get(fake, "/activity_log_entries", organization=organization)
        assert len(newest_first["collection"]) == 20  # the default count
        times = [e["occurred_at"] for e in newest_first["collection"]]
        assert times == sorted(times, reverse=True)  # occurred_at:desc by default
        assert newest_first["total_count"] == len(fake.data.activity)
        assert newest_first["last_event_time"] == max(times)
        since = sorted(e["occurred_at"] for e in fake.data.activity)[-5]
        after = get(fake, "/activity_log_entries", organization=organization, min_occurred_at=since, count=1000)
        assert all(e["occurred_at"] > since for e in after["collection"])  # "after": exclusive
        assert after["total_count"] == sum(e["occurred_at"] > since for e in fake.data.activity)
