"""The OnceHub fake answers the way OnceHub's API reference says the real API does."""

from __future__ import annotations

import pytest
import requests
from contract import harness

from api_sandbox.oncehub import FakeOnceHub

HEADERS = {"API-Key": FakeOnceHub.valid_key}


@pytest.fixture(scope="module")
def fake():
    """One read-only fake for the module; tests that change data start their own."""
    with FakeOnceHub(seed=7, scale=0.3, enforce_rate_limits=False) as started:
        yield started


def get(fake, path, headers=HEADERS, **params):
    return requests.get(f"{fake.url}{path}", headers=headers, params=params, timeout=10)


def test_a_missing_or_wrong_key_gets_the_documented_401(fake):
    for headers in ({}, {"API-Key": "nope"}, {"Authorization": f"Bearer {FakeOnceHub.valid_key}"}):
        response = get(fake, "/v2/bookings", headers=headers)
        assert response.status_code == 401
        assert response.json() == {"type": "authentication_error", "message": "Invalid API key."}
    assert get(fake, "/v2/test").json()["message"].startswith("The API key is valid for account")


def test_lists_use_the_envelope_default_to_ten_and_come_newest_first(fake):
    body = get(fake, "/v2/bookings").json()
    assert set(body) == {"object", "data", "has_more"} and body["object"] == "list"
    assert len(body["data"]) == 10 and body["has_more"] is True
    created = [b["creation_time"] for b in body["data"]]
    assert created == sorted(created, reverse=True)


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
def test_a_limit_outside_1_to_100_is_an_invalid_request(fake, limit):
    response = get(fake, "/v2/contacts", limit=limit)
    assert response.status_code == 400
    assert response.json()["type"] == "invalid_request_error" and response.json()["param"] == "limit"


def test_after_pages_by_the_last_id_and_the_link_header_omits_v2(fake):
    first = get(fake, "/v2/contacts", limit=100)
    link = first.links["next"]["url"]
    last_id = first.json()["data"][-1]["id"]
    assert link == f"{fake.url}/contacts?after={last_id}&limit=100"  # no /v2, as documented
    assert "previous" not in first.links
    assert requests.get(link, headers=HEADERS, timeout=10).status_code == 404  # following it blindly fails

    second = get(fake, "/v2/contacts", limit=100, after=last_id)
    assert second.json()["data"][0]["id"] != last_id
    assert "previous" in second.links
    ids = [c["id"] for c in first.json()["data"] + second.json()["data"]]
    assert len(ids) == len(set(ids)) == 200


def test_the_last_page_has_no_link_header_and_has_more_false(fake):
    teams = fake.data.lists["teams"]
    response = get(fake, "/v2/teams", limit=100, after=teams[len(teams) // 2]["id"])
    assert response.json()["has_more"] is False
    assert "Link" not in response.headers


def test_after_and_before_are_exclusive_and_unknown_ids_are_rejected(fake):
    users = fake.data.users
    both = get(fake, "/v2/users", after=users[0]["id"], before=users[1]["id"])
    assert both.status_code == 400 and both.json()["type"] == "invalid_request_error"
    unknown = get(fake, "/v2/users", after="USR-NOPE")
    assert unknown.status_code == 400
    assert unknown.json() == {"type": "invalid_request_error", "message": "No such user: 'USR-NOPE'", "param": "after"}
    before = get(fake, "/v2/users", limit=3, before=users[-10]["id"]).json()["data"]
    assert [u["id"] for u in before] == [u["id"] for u in reversed(users[-9:-6])]


def test_last_updated_time_gt_is_strict(fake):
    newest = fake.data.newest_update()
    at_newest = [b["id"] for b in fake.data.bookings if b["last_updated_time"] == newest]
    returned = get(fake, "/v2/bookings", limit=100, **{"last_updated_time.gt": newest}).json()["data"]
    assert not {b["id"] for b in returned} & set(at_newest)
    bad = get(fake, "/v2/bookings", **{"last_updated_time.gt": "yesterday"})
    assert bad.status_code == 400 and bad.json()["param"] == "last_updated_time.gt"


def test_date_granular_mode_compares_dates_only(start_fake):
    fake = start_fake("oncehub", seed=7, scale=0.3, enforce_rate_limits=False, date_granular_filters=True)
    newest = fake.data.newest_update()
    late_same_day = newest[:10] + "T00:00:01Z"
    returned = get(fake, "/v2/bookings", limit=100, **{"last_updated_time.gt": late_same_day}).json()["data"]
    assert not [b for b in returned if b["last_updated_time"][:10] == newest[:10]]


def test_more_than_five_requests_in_a_second_get_rate_limit_error_without_retry_after(start_fake):
    fake = start_fake("oncehub", seed=7, scale=0.05)
    statuses = [get(fake, "/v2/teams") for _ in range(7)]
    limited = [r for r in statuses if r.status_code == 429]
    assert [r.status_code for r in statuses[:5]] == [200] * 5 and limited
    assert limited[0].json()["type"] == "rate_limit_error"
    assert "Retry-After" not in limited[0].headers


def test_unknown_paths_answer_an_oncehub_error_body(fake):
    response = get(fake, "/v2/calendars")
    assert response.status_code == 404
    assert response.json()["type"] == "invalid_request_error"


def test_every_record_has_exactly_the_documented_top_level_fields():
    documented = harness.documented_fields("oncehub")
    data = FakeOnceHub(seed=7, scale=0.3).data
    for name in data.lists:
        expected = {path for path in documented[name] if "." not in path and "[]" not in path}
        for record in data.lists[name]:
            assert set(record) == expected, (name, set(record) ^ expected)
        # Every documented field has a value somewhere (only webhooks carry cancel_reschedule_url).
        for field in expected - {"cancel_reschedule_url"}:
            values = [r[field] for r in data.lists[name]]
            assert any(v not in (None, "") for v in values), (name, field)


def test_no_value_comes_both_ways_the_vendor_shows_it():
    """The REST examples write "no value" as null, the webhook and contacts-list examples as ""."""
    data = FakeOnceHub(seed=7, scale=0.3).data
    bookings, contacts = data.bookings, data.contacts
    for field in ("location_description", "rescheduled_booking_id"):
        assert {None, ""} <= {b[field] for b in bookings}, field
    assert {None, ""} <= {c["last_interacted_time"] for c in contacts}
    assert {"type": "none", "name": "", "id": "", "event_id": ""} in [b["external_calendar"] for b in bookings]
    assert {"reason": "", "actioned_by": "", "user_id": ""} in [b["cancel_reschedule_information"] for b in bookings]


def test_the_data_is_deterministic_and_big_enough_for_several_pages():
    from api_sandbox.oncehub.data import OnceHubData

    assert all(len(records) > 200 for records in OnceHubData(seed=3).lists.values())  # default size
    one, two = OnceHubData(seed=3, scale=0.2), OnceHubData(seed=3, scale=0.2)
    assert one.lists == two.lists
    assert OnceHubData(seed=4, scale=0.2).lists != one.lists


def test_mutate_updates_adds_cancels_and_trashes_bookings():
    data = FakeOnceHub(seed=3, scale=0.3).data
    before = {b["id"]: dict(b) for b in data.bookings}
    newest = data.newest_update()
    touched = data.mutate(seed=4)
    assert all(touched.values()), touched
    after = {b["id"]: b for b in data.bookings}
    assert set(touched["booked"]) == after.keys() - before.keys()
    assert all(after[i]["status"] == "canceled" for i in touched["canceled"])
    assert all(after[i]["status"] == "rescheduled" for i in touched["rescheduled"])
    assert all(after[i]["in_trash"] for i in touched["trashed"])
    late = after[touched["same_second"][0]]
    assert late["last_updated_time"] == newest and late["subject"] != before[late["id"]]["subject"]


def test_booking_calendars_page_like_every_list_and_filter_by_host(fake):
    calendars = fake.data.lists["booking_calendars"]
    body = get(fake, "/v2/booking-calendars", limit=100).json()
    assert body["object"] == "list" and body["has_more"] is (len(calendars) > 100)
    assert [c["id"] for c in body["data"]] == [c["id"] for c in reversed(calendars)][:100]
    assert all(c["object"] == "booking_calendar" and c["id"].startswith("BKC-") for c in calendars)
    # The bookings made through a booking calendar name calendars that exist.
    used = {b["booking_calendar"] for b in fake.data.bookings if b["booking_calendar"]}
    assert used and used <= {c["id"] for c in calendars}
    host = calendars[0]["host"]
    hosted = get(fake, "/v2/booking-calendars", limit=100, host=host).json()["data"]
    assert hosted and {c["host"] for c in hosted} == {host}
    assert {c["host"].split("-")[0] for c in calendars} == {"USR", "TM"}
    one = calendars[-1]["id"]
    assert get(fake, f"/v2/booking-calendars/{one}").json()["id"] == one


def test_mutate_edits_deletes_and_adds_booking_calendars(start_fake):
    fake = start_fake("oncehub", seed=7, scale=0.3)
    before = {c["id"]: dict(c) for c in fake.data.lists["booking_calendars"]}
    fake.data.mutate(seed=3)
    changes = fake.data.calendar_changes
    after = {c["id"]: c for c in fake.data.lists["booking_calendars"]}
    assert changes["deleted"] and before.keys() - after.keys() == set(changes["deleted"])
    assert changes["added"] and after.keys() - before.keys() == set(changes["added"])
    assert changes["updated"] and all(after[i] != before[i] for i in changes["updated"])
    # Paging still walks every calendar once after the deletion.
    seen, cursor = [], None
    while True:
        body = get(fake, "/v2/booking-calendars", limit=100, **({"after": cursor} if cursor else {})).json()
        seen += [c["id"] for c in body["data"]]
        if not body["has_more"]:
            break
        cursor = body["data"][-1]["id"]
    assert seen == [c["id"] for c in reversed(fake.data.lists["booking_calendars"])]
