"""The fake Luma API behaves as Luma documents it (so the tap is tested against Luma, not a stub)."""

from __future__ import annotations

import time

import pytest
import requests
from contract import harness
from luma.helpers import (
    COUPONS,
    PEOPLE,
    PERSON_TAGS,
    STREAMS,
    TICKET_TYPES,
    expected,
    expected_events,
    expected_guests,
)

from api_sandbox.luma import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, FakeLuma

#: What Luma documents for the legacy endpoints (field path -> type), per stream.
DOCUMENTED = harness.documented_fields("luma")

EVENTS = "/public/v1/calendar/list-events"
GUESTS = "/public/v1/event/get-guests"
PEOPLE_PATH = STREAMS[PEOPLE].path
TAGS_PATH = STREAMS[PERSON_TAGS].path
TICKET_TYPES_PATH = STREAMS[TICKET_TYPES].path
COUPONS_PATH = STREAMS[COUPONS].path


@pytest.fixture(scope="module")
def fake():
    """One default-size fake for the read-only tests (each started fake costs a shutdown)."""
    with FakeLuma() as started:
        yield started


def get(fake: FakeLuma, path: str, key: str | None = "sandbox-luma-key", **params: object) -> requests.Response:
    headers = {"x-luma-api-key": key} if key is not None else {}
    return requests.get(fake.url + path, headers=headers, params=params, timeout=10)


@pytest.mark.parametrize(("key", "status"), [(None, 400), ("", 400), ("not-a-key", 401)])
def test_missing_or_blank_key_is_400_unknown_key_is_401(fake, key, status):
    response = get(fake, EVENTS, key=key)
    assert response.status_code == status
    assert set(response.json()) == {"message"}


def test_default_page_size_and_limit_clamped_to_the_maximum(fake):
    assert len(get(fake, EVENTS).json()["entries"]) == DEFAULT_PAGE_SIZE
    assert len(get(fake, EVENTS, pagination_limit=1000).json()["entries"]) == MAX_PAGE_SIZE
    assert get(fake, EVENTS, pagination_limit=0).status_code == 400
    assert get(fake, EVENTS, pagination_limit="ten").status_code == 400


def test_cursor_walk_returns_every_event_once_and_the_last_cursor_lingers(fake):
    seen, cursor, pages = [], None, 0
    while True:
        params = {"pagination_limit": MAX_PAGE_SIZE, **({"pagination_cursor": cursor} if cursor else {})}
        body = get(fake, EVENTS, **params).json()
        pages += 1
        seen += [entry["event"]["api_id"] for entry in body["entries"]]
        assert all(entry["api_id"] == entry["event"]["api_id"] for entry in body["entries"])
        cursor = body.get("next_cursor")
        if not body["has_more"]:
            break
    assert pages > 1
    assert sorted(seen) == sorted(e["api_id"] for e in fake.data.events)
    # The documented quirk: the last page still carries a cursor; following it is a wasted request.
    assert cursor
    tail = get(fake, EVENTS, pagination_cursor=cursor).json()
    assert tail["entries"] == [] and tail["has_more"] is False


def test_invalid_cursor_is_400(fake):
    assert get(fake, EVENTS, pagination_cursor="garbage!").status_code == 400


def test_guests_filter_by_event_and_unknown_event(fake):
    fits_one_page = [e for e in fake.data.events if 0 < len(fake.data.guests[e["api_id"]]) <= MAX_PAGE_SIZE]
    event = max(fits_one_page, key=lambda e: len(fake.data.guests[e["api_id"]]))
    body = get(fake, GUESTS, event_api_id=event["api_id"], pagination_limit=50).json()
    expected = {g["api_id"] for g in fake.data.guests[event["api_id"]]}
    assert {entry["guest"]["api_id"] for entry in body["entries"]} == expected
    approved = get(fake, GUESTS, event_api_id=event["api_id"], approval_status="approved", pagination_limit=50).json()
    assert {e["guest"]["approval_status"] for e in approved["entries"]} <= {"approved"}
    assert get(fake, GUESTS).status_code == 400
    assert get(fake, GUESTS, event_api_id="evt-doesnotexist").status_code == 404


def test_start_time_filters(fake):
    middle = sorted(e["start_at"] for e in fake.data.events)[len(fake.data.events) // 2]
    body = get(fake, EVENTS, after=middle, pagination_limit=50).json()
    assert body["entries"]
    assert all(entry["event"]["start_at"] >= middle for entry in body["entries"])


def test_default_dataset_needs_several_pages_at_the_maximum(fake):
    assert len(fake.data.events) > 3 * MAX_PAGE_SIZE
    assert max(len(g) for g in fake.data.guests.values()) > 2 * MAX_PAGE_SIZE


def test_every_documented_field_is_sent_with_values_and_nulls(fake):
    assert DOCUMENTED.keys() == STREAMS.keys()
    for stream, records in expected(fake).items():
        fields = DOCUMENTED[stream]
        top_level = [f for f in fields if "." not in f and "[]" not in f]
        for field in top_level:
            assert all(field in record for record in records), f"{stream}: `{field}` missing"
        for field in fields:
            values = [v for record in records for v in harness.values_at(record, field)]
            assert any(v not in (None, [], "") for v in values), f"{stream}: `{field}` never set"
        # Where Luma documents a null, the fake sends one.
        nullable = [f for f in top_level if "null" in fields[f]]
        assert all(any(r[f] is None for r in records) for f in nullable), f"{stream}: a documented null never sent"


def test_nested_objects_carry_every_documented_field(fake):
    def documented_under(stream: str, parent: str) -> set[str]:
        prefix = parent + "."
        children = (f.removeprefix(prefix) for f in DOCUMENTED[stream] if f.startswith(prefix))
        return {child for child in children if "." not in child}

    events, guests = expected_events(fake), expected_guests(fake)
    for parent in ("geo_address_json", "tags[]"):
        objects = [o for event in events for o in harness.values_at(event, parent) if o is not None]
        assert objects and all(documented_under("events", parent) <= set(o) for o in objects), parent
    for parent in ("event_tickets[]", "event_ticket"):
        objects = [o for guest in guests for o in harness.values_at(guest, parent) if o is not None]
        assert objects and all(documented_under("event_guests", parent) <= set(o) for o in objects), parent


def test_answers_follow_their_events_questions_typed_by_question_type(fake):
    questions = {q["id"]: q for event in fake.data.events for q in event["registration_questions"]}
    answers = [a for guest in fake.data.every_guest() for a in guest["registration_answers"] or []]
    assert {a["question_type"] for a in answers} >= {"agree-check", "company", "dropdown", "multi-select", "text"}
    for answer in answers:
        question = questions[answer["question_id"]]
        assert (answer["label"], answer["question_type"]) == (question["label"], question["question_type"])
        kind, value = answer["question_type"], answer["value"]
        if kind == "agree-check":
            assert value is True and answer["answer"] is True
        elif kind == "company":
            assert set(value) == {"company", "job_title"} and answer["answer_company"] == value["company"]
        elif kind == "multi-select":
            assert isinstance(value, list) and set(value) <= set(question["options"])
        else:
            assert value is None or isinstance(value, str)
            assert kind != "dropdown" or value is None or value in question["options"]


def test_deprecated_api_id_fields_hold_the_same_value_as_their_id(fake):
    twins = {"api_id": "id", "user_api_id": "user_id", "calendar_api_id": "calendar_id"}
    for event in fake.data.events:
        assert all(event[old] == event[new] for old, new in twins.items())
    for guest in fake.data.every_guest():
        assert (guest["api_id"], guest["user_api_id"]) == (guest["id"], guest["user_id"])
        for ticket in guest["event_tickets"]:
            assert ticket["api_id"] == ticket["id"]
            assert ticket["event_ticket_type_api_id"] == ticket["event_ticket_type_id"]
        assert guest["event_ticket"] == (guest["event_tickets"][0] if guest["event_tickets"] else None)


def test_timestamps_are_iso_with_milliseconds(fake):
    event = fake.data.events[0]
    assert event["start_at"].endswith("Z") and len(event["start_at"]) == len("2022-10-19T03:27:13.673Z")


def test_same_seed_same_data(luma):
    assert luma(scale=0.1).data.events == luma(scale=0.1).data.events
    assert luma(scale=0.1, seed=2).data.events != luma(scale=0.1).data.events


def test_mutate_updates_creates_deletes_and_changes_guests(luma):
    fake = luma(scale=0.3)
    before = {e["api_id"]: dict(e) for e in fake.data.events}
    touched = fake.mutate()
    after = {e["api_id"]: e for e in fake.data.events}
    assert all(after[i]["name"] != before[i]["name"] for i in touched["updated"])
    assert all(after[i]["start_at"] > before[i]["start_at"] for i in touched["rescheduled"])
    assert touched["created"] and all(i in after and i not in before for i in touched["created"])
    assert touched["deleted"] and all(i in before and i not in after for i in touched["deleted"])
    statuses = {g["api_id"]: g["approval_status"] for g in fake.data.every_guest()}
    assert touched["guest_declined"] and all(statuses[i] == "declined" for i in touched["guest_declined"])
    assert touched["guest_registered"] and all(statuses[i] == "approved" for i in touched["guest_registered"])


def test_mutate_changes_people_tags_ticket_types_and_coupons(luma):
    fake = luma(scale=0.3)
    data = fake.data
    counts_before = {p["api_id"]: p["event_approved_count"] for p in data.calendar_people}
    tags_before = {t["api_id"] for t in data.person_tags}
    types_before = {t["api_id"]: dict(t) for t in data.all_ticket_types()}
    coupons_before = {c["api_id"]: dict(c) for c in data.all_coupons()}
    touched = fake.mutate()
    people = {p["api_id"]: p for p in data.calendar_people}
    assert touched["person_added"] and all(i in people and i not in counts_before for i in touched["person_added"])
    assert any(people[i]["event_approved_count"] != n for i, n in counts_before.items())  # registrations counted
    tags = {t["api_id"] for t in data.person_tags}
    assert touched["person_tag_deleted"] and not set(touched["person_tag_deleted"]) & tags
    assert all(i in tags - tags_before for i in touched["person_tag_created"])
    created = set(touched["person_tag_created"])
    assert all(any(tag["api_id"] in created for tag in people[i]["tags"]) for i in touched["person_tagged"])
    deleted_tags = set(touched["person_tag_deleted"])
    assert not any(tag["api_id"] in deleted_tags for p in data.calendar_people for tag in p["tags"])
    types = {t["api_id"]: t for t in data.all_ticket_types()}
    assert touched["ticket_type_deleted"] and not set(touched["ticket_type_deleted"]) & types.keys()
    assert touched["ticket_type_hidden"] and all(types[i]["is_hidden"] for i in touched["ticket_type_hidden"])
    assert not any(types_before[i]["is_hidden"] for i in touched["ticket_type_hidden"])
    assert all(i in types and i not in types_before for i in touched["ticket_type_created"])
    coupons = {c["api_id"]: c for c in data.all_coupons()}
    assert all(i in coupons and i not in coupons_before for i in touched["coupon_created"])
    assert touched["coupon_redeemed"] and all(
        coupons[i]["remaining_count"] == coupons_before[i]["remaining_count"] - 1 for i in touched["coupon_redeemed"]
    )


def _walk(fake: FakeLuma, path: str, **params: object) -> list[dict]:
    """Every entry of a list, following its cursor."""
    entries, cursor = [], None
    while True:
        page = {**params, **({"pagination_cursor": cursor} if cursor else {})}
        body = get(fake, path, **page).json()
        entries += body["entries"]
        cursor = body.get("next_cursor")
        if not body["has_more"]:
            return entries


def test_people_are_the_entries_themselves_paged_filtered_and_sorted(fake):
    people = _walk(fake, PEOPLE_PATH, pagination_limit=MAX_PAGE_SIZE)
    assert len(people) > MAX_PAGE_SIZE
    assert sorted(p["api_id"] for p in people) == sorted(p["api_id"] for p in fake.data.calendar_people)
    assert [p["created_at"] for p in people] == sorted(p["created_at"] for p in people)  # the default order
    by_name = _walk(fake, PEOPLE_PATH, sort_column="name", sort_direction="desc", pagination_limit=MAX_PAGE_SIZE)
    names = [p["user"]["name"] or "" for p in by_name]
    assert names == sorted(names, reverse=True)
    tag = next(t for t in fake.data.person_tags if any(t["api_id"] == x["api_id"] for p in people for x in p["tags"]))
    tagged = {p["api_id"] for p in people if any(x["api_id"] == tag["api_id"] for x in p["tags"])}
    assert {p["api_id"] for p in _walk(fake, PEOPLE_PATH, tags=tag["name"])} == tagged
    assert {p["api_id"] for p in _walk(fake, PEOPLE_PATH, tags=f"nothing,{tag['api_id']}")} == tagged
    members = _walk(fake, PEOPLE_PATH, member_status="pending")
    assert members and {p["membership"]["status"] for p in members} == {"pending"}
    someone = people[0]
    found = _walk(fake, PEOPLE_PATH, query=someone["email"].upper())
    assert someone["api_id"] in {p["api_id"] for p in found}
    assert get(fake, PEOPLE_PATH, sort_column="email").status_code == 400
    assert get(fake, PEOPLE_PATH, member_status="member").status_code == 400


def test_person_tags_are_listed_sortable(fake):
    tags = _walk(fake, TAGS_PATH, sort_column="name")
    assert [t["name"] for t in tags] == sorted(t["name"] for t in fake.data.person_tags)
    assert len(get(fake, TAGS_PATH, pagination_limit=2).json()["entries"]) == 2
    assert get(fake, TAGS_PATH, sort_column="api_id").status_code == 400


def test_ticket_types_come_whole_hidden_ones_on_request(fake):
    event_api_id = next(e for e, types in fake.data.event_ticket_types.items() if any(t["is_hidden"] for t in types))
    every = fake.data.event_ticket_types[event_api_id]
    body = get(fake, TICKET_TYPES_PATH, event_api_id=event_api_id).json()
    assert set(body) == {"ticket_types"}  # no paging members: the whole list at once
    assert body["ticket_types"] == [t for t in every if not t["is_hidden"]]
    for param in ("event_api_id", "event_id"):  # the deprecated name and the new one
        body = get(fake, TICKET_TYPES_PATH, include_hidden="true", **{param: event_api_id}).json()
        assert body["ticket_types"] == every
    assert get(fake, TICKET_TYPES_PATH).status_code == 400
    assert get(fake, TICKET_TYPES_PATH, event_api_id="evt-doesnotexist").status_code == 404


def test_coupons_of_an_event_paged_in_creation_order(fake):
    event_api_id = max(fake.data.coupons, key=lambda e: len(fake.data.coupons[e]))
    coupons = fake.data.coupons[event_api_id]
    assert len(coupons) > 1
    walked = _walk(fake, COUPONS_PATH, event_api_id=event_api_id, pagination_limit=1)
    assert walked == coupons
    assert get(fake, COUPONS_PATH).status_code == 400
    assert get(fake, COUPONS_PATH, event_api_id="evt-doesnotexist").status_code == 404


def test_rate_limit_is_429_without_retry_after_then_a_block(luma):
    fake = luma(scale=0.05, rate_limits=((3, 60.0),), lockout_seconds=2.0)
    assert [get(fake, EVENTS).status_code for _ in range(3)] == [200, 200, 200]
    limited = get(fake, EVENTS)
    assert limited.status_code == 429
    assert "Retry-After" not in limited.headers
    assert "message" in limited.json()
    time.sleep(2.1)  # the block is over, but the 60 s window still holds 3 requests
    assert get(fake, EVENTS).status_code == 429
