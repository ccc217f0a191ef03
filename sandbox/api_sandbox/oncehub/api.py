"""Fake OnceHub API v2 (https://api.oncehub.com/v2/...), as OnceHub's API reference documents it.

The reference: the OpenAPI spec and guides of github.com/scheduleonce/developer-center.

Reproduces:

- ``API-Key`` header auth; a missing or wrong key gets 401
  ``{"type": "authentication_error", "message": "Invalid API key."}``.
- The list envelope ``{"object": "list", "data": [...], "has_more": bool}``, newest first.
- ``limit`` 1-100 (default 10; anything else is a 400 ``invalid_request_error`` naming the
  param), ``after``/``before`` = an object ID (mutually exclusive; an unknown ID is a 400).
- The ``Link`` header with ``rel="next"`` (and ``rel="previous"``), absent when there is no
  further page, whose URLs omit ``/v2`` exactly as the documented examples do.
- Booking filters ``status``, ``owner``, ``contact``, ``booking_page``, ``event_type``,
  ``booking_calendar`` and ``creation_time|starting_time|last_updated_time`` ``.gt``/``.lt``
  (strict). ``date_granular_filters=True`` makes the time filters compare dates only, as
  PostHog's source claims the real API does (unverified): a tap must be safe either way.
- ``/v2/booking-calendars`` (the newer product) pages like every list; its one filter is
  ``host`` (a user or team ID).
- 5 requests per second per account; past it, 429 ``rate_limit_error`` with no ``Retry-After``
  (none is documented).
- Error bodies ``{"type", "message", "param"?}`` with the documented types; retrieving an
  unknown ID is a 400 ``No such <object>: '<id>'`` naming ``param: "id"``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import typing as t
from urllib.parse import urlencode

from ..datagen import leading, parse_iso
from ..server import ApiError, FakeAPI, Request, Response, json_response, route
from .data import BOOKING_STATUSES, OnceHubData

DEFAULT_LIMIT = 10
MAX_LIMIT = 100

#: URL segment -> (list in OnceHubData, object name used in "No such ..." messages)
RESOURCES: dict[str, tuple[str, str]] = {
    "bookings": ("bookings", "booking"),
    "booking-pages": ("booking_pages", "booking page"),
    "event-types": ("event_types", "event type"),
    "master-pages": ("master_pages", "master page"),
    "users": ("users", "user"),
    "teams": ("teams", "team"),
    "contacts": ("contacts", "contact"),
    "booking-calendars": ("booking_calendars", "booking calendar"),
}
_SEGMENTS = "|".join(RESOURCES)

_ERROR_TYPES = {401: "authentication_error", 403: "authentication_error", 429: "rate_limit_error"}
_TIME_FILTERS = ("creation_time", "starting_time", "last_updated_time")
_ID_FILTERS = ("owner", "contact", "booking_page", "event_type", "booking_calendar")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def invalid_request(message: str, param: str) -> ApiError:
    """OnceHub's 400 ``invalid_request_error``, naming the parameter in ``param``."""
    return ApiError(400, message, param=param)


class FakeOnceHub(FakeAPI):
    """OnceHub API v2 for one account; ``date_granular_filters`` makes the time filters compare dates."""

    name = "oncehub"
    valid_key = "sandbox-oncehub-key"
    rate_limits = ((5, 1.0),)
    data: OnceHubData

    def __init__(
        self,
        *,
        seed: int = 1,
        scale: float = 1.0,
        date_granular_filters: bool = False,
        **kwargs: t.Any,
    ) -> None:
        super().__init__(seed=seed, scale=scale, **kwargs)
        self.data = OnceHubData(seed=seed, scale=scale)
        self.date_granular_filters = date_granular_filters

    # -- vendor conventions ---------------------------------------------------------------------

    def error_body(self, status: int, message: str, **details: t.Any) -> dict[str, t.Any]:
        """``{"type", "message"}`` with the documented type for the status, plus ``param`` if named."""
        default = "invalid_request_error" if status < 500 else "api_error"
        return {"type": _ERROR_TYPES.get(status, default), "message": message, **details}

    def authenticate(self, request: Request) -> Response | None:
        """The ``API-Key`` header; a missing or wrong key is a 401 ``authentication_error``."""
        if request.header("API-Key") != self.valid_key:
            return self.error(401, "Invalid API key.")
        return None

    def rate_limited(self, retry_after: int) -> Response:
        """A 429 ``rate_limit_error`` without ``Retry-After`` (OnceHub documents none)."""
        return self.error(429, "Too many requests: the limit is 5 requests per second per account.")

    def not_found(self, request: Request) -> Response:
        """OnceHub's 404 for an unknown path."""
        return self.error(404, f"Unrecognized request URL ({request.method}: {request.path}).")

    # -- routes ---------------------------------------------------------------------------------

    @route("GET", r"/v2/test")
    def test_key(self, request: Request) -> Response:
        """Test the API key: a message naming the account."""
        return json_response({"message": "The API key is valid for account: Acme Scheduling (sandbox)"})

    @route("GET", rf"/v2/(?P<segment>{_SEGMENTS})")
    def list_objects(self, request: Request, segment: str) -> Response:
        """List bookings, booking pages, event types, master pages, users, teams or contacts, newest first."""
        name, _ = RESOURCES[segment]
        items = self.data.lists[name]
        if name == "bookings":
            items = self._filter_bookings(request, items)
        if name == "booking_calendars" and request.arg("host") is not None:
            items = [c for c in items if c["host"] == request.arg("host")]  # hosted by this user or team
        return self._page(request, segment, items)

    @route("GET", rf"/v2/(?P<segment>{_SEGMENTS})/(?P<object_id>[^/]+)")
    def retrieve(self, request: Request, segment: str, object_id: str) -> Response:
        """Retrieve one object by id; an unknown id is a 400 ``No such ...`` naming ``id``."""
        name, noun = RESOURCES[segment]
        record = self.data.find(name, object_id)
        if record is None:
            raise invalid_request(f"No such {noun}: '{object_id}'", "id")
        return self._json(record)

    # -- lists ----------------------------------------------------------------------------------

    def _filter_bookings(self, request: Request, items: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
        """The bookings matching the status, id and time filters sent."""
        status = request.arg("status")
        if status is not None:
            if status not in BOOKING_STATUSES:
                raise invalid_request(f"Invalid status: must be one of {', '.join(BOOKING_STATUSES)}", "status")
            items = [b for b in items if b["status"] == status]
        for field in _ID_FILTERS:
            value = request.arg(field)
            if value is not None:
                items = [b for b in items if b[field] == value]
        for field in _TIME_FILTERS:
            for op in ("gt", "lt"):
                param = f"{field}.{op}"
                raw = request.arg(param)
                if raw is None:
                    continue
                bound = _parse_time(raw, param)
                items = [b for b in items if b[field] is not None and self._beyond(parse_iso(b[field]), bound, op)]
        return items

    def _beyond(self, value: dt.datetime, bound: dt.datetime, op: str) -> bool:
        if self.date_granular_filters:
            left, right = value.date(), bound.date()
            return left > right if op == "gt" else left < right
        return value > bound if op == "gt" else value < bound

    def _page(self, request: Request, segment: str, items: list[dict[str, t.Any]]) -> Response:
        """One page of ``items`` (kept in creation order), newest first, keyed by position.

        ``items`` ascend by rank, so the cursor's place is found by bisection and a page is the
        slice before or after it, reversed.
        """
        limit = _limit(request)
        after, before = request.arg("after"), request.arg("before")
        if after and before:
            raise invalid_request("You may only specify one of these parameters: after, before.", "before")
        noun = RESOURCES[segment][1]
        rank = self.data.rank
        if after:
            pivot = self._rank_of(after, "after", noun)
            end = leading(items, lambda r: rank[r["id"]] < pivot)  # items[:end] are the older ones
            page, more_older, more_newer = items[max(0, end - limit) : end][::-1], end > limit, True
        elif before:
            pivot = self._rank_of(before, "before", noun)
            start = leading(items, lambda r: rank[r["id"]] <= pivot)  # items[start:] are the newer ones
            page, more_older, more_newer = items[start : start + limit][::-1], True, len(items) - start > limit
        else:
            page, more_older, more_newer = items[-limit:][::-1], len(items) > limit, False
        has_more = more_newer if before else more_older
        headers = {}
        if has_more and page:
            headers["Link"] = self._link_header(request, segment, page, more_older=more_older, more_newer=more_newer)
        return self._json({"object": "list", "data": page, "has_more": has_more}, headers)

    def _rank_of(self, object_id: str, param: str, noun: str) -> int:
        if object_id not in self.data.rank:
            raise invalid_request(f"No such {noun}: '{object_id}'", param)
        return self.data.rank[object_id]

    def _link_header(
        self,
        request: Request,
        segment: str,
        page: list[dict[str, t.Any]],
        *,
        more_older: bool,
        more_newer: bool,
    ) -> str:
        """``<...>; rel="next"`` and ``rel="previous"``, without ``/v2`` as the documented examples."""
        query = {k: v[0] for k, v in request.query.items() if k not in {"after", "before", "limit"}}
        limit = request.arg("limit") or str(DEFAULT_LIMIT)
        links = []
        if more_older:
            older = urlencode({"after": page[-1]["id"], "limit": limit, **query})
            links.append(f'<{self.url}/{segment}?{older}>; rel="next"')
        if more_newer:
            newer = urlencode({"before": page[0]["id"], "limit": limit, **query})
            links.append(f'<{self.url}/{segment}?{newer}>; rel="previous"')
        return ", ".join(links)

    @staticmethod
    def _json(body: t.Any, headers: dict[str, str] | None = None) -> Response:
        # Serialised now, under the fake's lock, so a concurrent mutate() cannot tear a page.
        return Response(status=200, body=json.dumps(body).encode(), headers=dict(headers or {}))


def _limit(request: Request) -> int:
    """``limit``: 1 to 100, 10 when absent; anything else is an invalid request."""
    raw = request.arg("limit")
    if raw is None:
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        raise invalid_request("Invalid limit: must be an integer between 1 and 100.", "limit") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise invalid_request("Invalid limit: must be an integer between 1 and 100.", "limit")
    return limit


def _parse_time(raw: str, param: str) -> dt.datetime:
    """A time filter's bound: an ISO-8601 date-time, or a date (midnight UTC)."""
    try:
        if _DATE_ONLY.match(raw):
            return dt.datetime.fromisoformat(raw).replace(tzinfo=dt.timezone.utc)
        return parse_iso(raw)
    except ValueError:
        raise invalid_request(f"Invalid {param}: expected an ISO-8601 date-time in UTC.", param) from None
