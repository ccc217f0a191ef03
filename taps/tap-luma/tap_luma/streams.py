"""Luma streams: the calendar's events, and the guests of each event.

Both are FULL_TABLE: Luma has no "updated since" filter (``after``/``before`` bound the event
start only), and a guest's approval status or an event's details change at any time, so only
re-reading everything guarantees that no change is missed. The target's merge on the primary
key keeps one row per record, newest version.
"""

from __future__ import annotations

import typing as t

from typing_extensions import override

from tap_luma.client import LumaStream

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


class EventsStream(LumaStream):
    """Every event of the calendar the API key belongs to (``GET /calendar/list-events``)."""

    name = "events"
    path = "/public/v1/calendar/list-events"
    entry_key = "event"

    @override
    def unwrap(self, entry: dict[str, t.Any], record: dict[str, t.Any]) -> dict[str, t.Any]:
        # The event's tags travel next to it in the entry, not inside it.
        if "tags" in entry and "tags" not in record:
            return {**record, "tags": entry["tags"]}
        return record

    @override
    def get_child_context(self, record: dict[str, t.Any], context: Context | None) -> dict[str, t.Any]:
        return {"event_api_id": record["api_id"]}


class EventGuestsStream(LumaStream):
    """The guests of every event (``GET /event/get-guests?event_api_id=``).

    The key is (``event_api_id``, ``api_id``): Luma's guest ids are registration-scoped, and
    the event id in the key keeps rows of different events apart even if an id were ever
    reused, as PostHog's Luma source does. ``event_api_id`` is the parent event's ``api_id``.
    """

    name = "event_guests"
    path = "/public/v1/event/get-guests"
    entry_key = "guest"
    primary_keys: t.ClassVar[tuple[str, ...]] = ("event_api_id", "api_id")
    parent_stream_type = EventsStream
    # No bookmark per event: one flat state entry rather than one per event ever synced.
    state_partitioning_keys: t.ClassVar[list[str]] = []

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        params = super().get_url_params(context, next_page_token)
        return {"event_api_id": self.parent_context(context)["event_api_id"], **params}

    @override
    def post_process(self, row: dict[str, t.Any], context: Context | None = None) -> dict[str, t.Any] | None:
        # Set here, not left to the SDK: it copies only *state partition* keys into child
        # records, and state_partitioning_keys is empty.
        row["event_api_id"] = self.parent_context(context)["event_api_id"]
        return super().post_process(row, context)
