"""Luma streams: the calendar's events, people and person tags; each event's guests, ticket types, coupons.

All are FULL_TABLE: Luma has no "updated since" filter on any of these lists (``after``/``before``
bound the event start only), and a guest's approval status, a person's counts and tags, a ticket
type's price or a coupon's remaining count change at any time, so only re-reading everything
guarantees that no change is missed. The target's merge on the primary key keeps one row per
record, newest version; each complete listing ends with ACTIVATE_VERSION (``propagate_deletions``)
so rows Luma no longer lists are retired.
"""

from __future__ import annotations

import typing as t

from singer_sdk.pagination import SinglePagePaginator
from typing_extensions import override

from scheduling_taps_common import PageShape
from tap_luma.client import LumaEventListStream, LumaStream

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


class EventGuestsStream(LumaEventListStream):
    """The guests of every event (``GET /event/get-guests?event_api_id=``)."""

    name = "event_guests"
    path = "/public/v1/event/get-guests"
    entry_key = "guest"
    parent_stream_type = EventsStream


class PeopleStream(LumaStream):
    """The calendar's people (``GET /calendar/list-people``): entries are the people themselves."""

    name = "people"
    path = "/public/v1/calendar/list-people"


class PersonTagsStream(LumaStream):
    """The calendar's person tags (``GET /calendar/list-person-tags``)."""

    name = "person_tags"
    path = "/public/v1/calendar/list-person-tags"


class TicketTypesStream(LumaEventListStream):
    """The ticket types of every event, hidden ones included (``GET /event/ticket-types/list``).

    One answer holds the event's whole list as ``{"ticket_types": [...]}``: Luma documents no
    paging for it, so the tap sends no paging parameters and reads one page.
    """

    name = "ticket_types"
    path = "/public/v1/event/ticket-types/list"
    parent_stream_type = EventsStream
    page_shape = PageShape("ticket_types")

    @override
    def get_new_paginator(self) -> SinglePagePaginator:  # type: ignore[override]
        return SinglePagePaginator()

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        # Hidden ticket types are still the event's (and guests may hold tickets of them).
        return {"event_api_id": self.parent_context(context)["event_api_id"], "include_hidden": "true"}


class EventCouponsStream(LumaEventListStream):
    """The coupons of every event (``GET /event/coupons?event_api_id=``)."""

    name = "event_coupons"
    path = "/public/v1/event/coupons"
    parent_stream_type = EventsStream
