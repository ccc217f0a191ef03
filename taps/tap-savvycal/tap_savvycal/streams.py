"""SavvyCal streams: one small class per endpoint."""

from __future__ import annotations

import typing as t

from scheduling_taps_common import MalformedResponseError

from tap_savvycal.client import SavvyCalStream

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


class TimezonesStream(SavvyCalStream):
    """Time zones (``GET /v1/time_zones``), as they stand at the time of the sync.

    The endpoint answers with a bare JSON array and no pagination. Whether that holds for every
    caller is an open question, so a ``{"entries", "metadata"}`` answer is read too, and its
    ``metadata.after`` followed: either way no zone is lost. Offsets, DST flags and names are
    computed by the API for the current instant, so each run refreshes them.
    """

    name = "timezones"
    path = "/v1/time_zones"

    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        # The documented call has no parameters; a cursor is only ever followed if one came back.
        return {"after": next_page_token} if next_page_token else {}

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        body = self.response_json(response)
        records = body.get("entries") if isinstance(body, dict) else body
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            msg = f"Malformed response for GET {self.path}: expected a JSON array of time zones"
            raise MalformedResponseError(msg)
        yield from records
