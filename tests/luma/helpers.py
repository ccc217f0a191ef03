"""Helpers for the tap-luma tests: tap config for a fake, and the fake's data as the tap emits it."""

from __future__ import annotations

import copy
import typing as t

if t.TYPE_CHECKING:
    from api_sandbox.luma import FakeLuma

SCHEMA = "tap_luma"  # the DuckDB schema: the extractor's namespace
GUEST_KEY = ("event_api_id", "api_id")


def tap_config(fake: FakeLuma, **overrides: t.Any) -> dict[str, t.Any]:
    return {"api_url": fake.url, "api_key": fake.valid_key, **overrides}


def expected_events(fake: FakeLuma) -> list[dict[str, t.Any]]:
    """The events as the tap emits them: the entry's tags copied into the event."""
    return [{**event, "tags": fake.data.event_tags[event["api_id"]]} for event in fake.data.events]


def expected_guests(fake: FakeLuma) -> list[dict[str, t.Any]]:
    return fake.data.all_guests()


def snapshot(fake: FakeLuma) -> tuple[list[dict[str, t.Any]], list[dict[str, t.Any]]]:
    """A deep copy of (events, guests), for comparing with the data before a mutation."""
    return copy.deepcopy(expected_events(fake)), copy.deepcopy(expected_guests(fake))
