"""SavvyCal streams: one small class per endpoint."""

from __future__ import annotations

import typing as t

from typing_extensions import override

from scheduling_taps_common import PageShape, page_body
from tap_savvycal.client import PAGINATED_LIST, SavvyCalPaginator, SavvyCalStream

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context


class EventsStream(SavvyCalStream):
    """Events (``GET /v1/events``).

    The API lists only *confirmed, upcoming* events unless asked otherwise, so the tap sends
    ``state`` and ``period`` from the settings, ``all`` and ``all`` by default: past, future,
    canceled, tentative, awaiting approval or checkout, declined.
    """

    name = "events"
    path = "/v1/events"

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        return {
            **super().get_url_params(context, next_page_token),
            "state": self.config.get("event_state", "all"),
            "period": self.config.get("event_period", "all"),
        }


class SchedulingLinksStream(SavvyCalStream):
    """Scheduling links (``GET /v1/links``)."""

    name = "scheduling_links"
    path = "/v1/links"


#: The documented answer of ``/v1/time_zones``: a JSON array of zones.
BARE_ARRAY = PageShape(records=None)


class TimezonesPaginator(SavvyCalPaginator):
    """A bare array is the whole list; a Paginated List pages as usual."""

    @override
    def next_cursor(self, response: requests.Response) -> str | None:
        if isinstance(page_body(response), list):
            return None
        return super().next_cursor(response)


class TimezonesStream(SavvyCalStream):
    """Time zones (``GET /v1/time_zones``), as they stand at the time of the sync.

    The endpoint answers with a bare JSON array and no pagination. Whether that holds for every
    caller is an open question, so a Paginated List answer is read too, and its
    ``metadata.after`` followed: either way no zone is lost. Offsets, DST flags and names are
    computed by the API for the current instant, so each run refreshes them.
    """

    name = "timezones"
    path = "/v1/time_zones"

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        # The documented call has no parameters; a cursor is only ever followed if one came back.
        return {"after": next_page_token} if next_page_token else {}

    @override
    def get_new_paginator(self) -> TimezonesPaginator:
        return TimezonesPaginator()

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        shape = BARE_ARRAY if isinstance(page_body(response), list) else PAGINATED_LIST
        yield from shape.records_of(response)

