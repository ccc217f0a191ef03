"""The fake Luma API behaves as Luma documents it (so the tap is tested against Luma, not a stub)."""

from __future__ import annotations

import time

import pytest
import requests
from contract import harness
from luma.helpers import expected_events, expected_guests

from api_sandbox.luma import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, FakeLuma

#: What Luma documents for the two legacy endpoints (field path -> type), per stream.
DOCUMENTED = harness.documented_fields("luma")

EVENTS = "/public/v1/calendar/list-events"
GUESTS = "/public/v1/event/get-guests"


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
    for stream, records in (("events", expected_events(fake)), ("event_guests", expected_guests(fake))):
        fields = DOCUMENTED[stream]
        top_level = [f for f in fields if "." not in f and "[]" not in f]
        for field in top_level:
            assert all(field in record for record in records), f"{stream}: `{field}` missing"
        for field in fields:
            values = [v for record in records for v in harness.values_at(record, field)]
            assert any(v not in (None, [], "") for v in values), f"{stream}: `{field}` never set"
        nullable = [f for f in top_level if f not in {"api_id", "event_api_id"}]
        assert any(any(r[f] is None for r in records) for f in nullable), "no nulls at all"


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


def test_rate_limit_is_429_without_retry_after_then_a_block(luma):
    fake = luma(scale=0.05, rate_limits=((3, 60.0),), lockout_seconds=2.0)
    assert [get(fake, EVENTS).status_code for _ in range(3)] == [200, 200, 200]
    limited = get(fake, EVENTS)
    assert limited.status_code == 429
    assert "Retry-After" not in limited.headers
    assert "message" in limited.json()
    time.sleep(2.1)  # the block is over, but the 60 s window still holds 3 requests
    assert get(fake, EVENTS).status_code == 429
