"""Helpers for the tap-luma tests: tap config for a fake, and the fake's data as the tap emits it."""

from __future__ import annotations

import copy
import typing as t

from tap_luma import streams
from tap_luma.tap import TapLuma

if t.TYPE_CHECKING:
    from api_sandbox.luma import FakeLuma

SCHEMA = "tap_luma"  # the DuckDB schema: the extractor's namespace
GUEST_KEY = ("event_api_id", "api_id")

#: The tap's streams, by name (names, paths and keys are read from them, not restated).
STREAMS = TapLuma(config={}, validate_config=False, setup_mapper=False).streams
EVENTS = streams.EventsStream.name
GUESTS = streams.EventGuestsStream.name
TICKET_TYPES = streams.TicketTypesStream.name
COUPONS = streams.EventCouponsStream.name
PEOPLE = streams.PeopleStream.name
PERSON_TAGS = streams.PersonTagsStream.name
#: The per-event lists: one request (or more, paged) per event.
PER_EVENT = (GUESTS, TICKET_TYPES, COUPONS)


def key_of(stream: str) -> tuple[str, ...]:
    """The stream's primary key, as the tap declares it."""
    return tuple(STREAMS[stream].primary_keys or ())


def path_of(stream: str) -> str:
    """A regular expression matching the stream's request path."""
    return f"{STREAMS[stream].path}$"


def tap_config(fake: FakeLuma, **overrides: t.Any) -> dict[str, t.Any]:
    return {"api_url": fake.url, "api_key": fake.valid_key, **overrides}


def expected_events(fake: FakeLuma) -> list[dict[str, t.Any]]:
    """The events as the tap emits them: the entry's tags copied into the event."""
    return [{**event, "tags": fake.data.event_tags[event["api_id"]]} for event in fake.data.events]


def expected_guests(fake: FakeLuma) -> list[dict[str, t.Any]]:
    return fake.data.all_guests()


def expected(fake: FakeLuma) -> dict[str, list[dict[str, t.Any]]]:
    """Every stream's records as the tap emits them (per-event records with their ``event_api_id``)."""
    data = fake.data
    return {
        EVENTS: expected_events(fake),
        GUESTS: data.all_guests(),
        TICKET_TYPES: data.all_ticket_types(),
        COUPONS: data.all_coupons(),
        PEOPLE: list(data.calendar_people),
        PERSON_TAGS: list(data.person_tags),
    }


def snapshot(fake: FakeLuma) -> tuple[list[dict[str, t.Any]], list[dict[str, t.Any]]]:
    """A deep copy of (events, guests), for comparing with the data before a mutation."""
    return copy.deepcopy(expected_events(fake)), copy.deepcopy(expected_guests(fake))
