"""Fake Luma public API, legacy v1 generation (``/public/v1/...``), as Luma's OpenAPI documents it.

The OpenAPI revisions are the ones tests/contract/luma/documented_fields.json cites. Reproduces:

- auth by the ``x-luma-api-key`` header: a missing or blank key answers 400, an unknown key 401;
- the list envelope ``{"entries": [...], "has_more": bool, "next_cursor": str}`` with records
  wrapped in entries (``entries[].event`` plus entry-level ``tags``; ``entries[].guest``);
- ``pagination_limit`` clamped to :data:`MAX_PAGE_SIZE` (the server "enforces a maximum"; a
  public client names 50), :data:`DEFAULT_PAGE_SIZE` when absent, 400 when not a positive integer;
- ``pagination_cursor``: opaque keyset cursors, 400 for a cursor this server did not issue;
- the documented quirk that ``has_more`` is authoritative: the last page still carries a
  ``next_cursor`` (following it costs a request and returns an empty page);
- list-events filters ``after``/``before`` (on event start) and ``sort_column``/``sort_direction``;
  get-guests ``event_api_id`` (required), ``approval_status``, ``sort_column``/``sort_direction``;
- list-people (entries are the people themselves, not wrapped): ``query`` (names and emails),
  ``tags`` (comma-separated tag names or ids, any of them), ``member_status``,
  ``calendar_membership_tier_id`` (and its deprecated twin ``calendar_membership_tier_api_id``),
  ``sort_column``/``sort_direction``; list-person-tags: ``sort_column``/``sort_direction``;
- ticket-types/list: ``event_id`` or its deprecated twin ``event_api_id`` (one is needed),
  ``include_hidden``; the whole list at once as ``{"ticket_types": [...]}`` (no paging, none
  documented); event/coupons: ``event_api_id`` (or ``event_id``), paged like the other lists;
- rate limits per key: the newest documented limit (200 requests per minute), answered with
  429 and no ``Retry-After`` (none is documented), followed by the 1-minute block the older
  documentation describes.

Not documented, chosen here (and said so in taps/tap-luma/README.md): error bodies are
``{"message": "..."}``; an unknown ``event_api_id`` answers 404; list-people and
list-person-tags sort by ``created_at`` unless asked otherwise; coupons come in creation order;
``include_hidden`` counts as set when it is ``true`` or ``1``; the ``/public`` prefix serves
ticket-types/list as it serves every other legacy route (public clients call it there; Luma's
January 2026 reference writes it ``/v1/event/ticket-types/list``).
"""

from __future__ import annotations

import datetime as dt
import typing as t

from ..datagen import Record, decode_cursor, encode_cursor, keyset_page, parse_iso, span
from ..server import ApiError, FakeAPI, RateLimits, Request, Response, json_response, route
from .data import LumaData

#: Most entries one page returns; larger ``pagination_limit`` values are clamped to it.
MAX_PAGE_SIZE = 50
#: Entries per page when ``pagination_limit`` is not sent (not documented; an assumption).
DEFAULT_PAGE_SIZE = 20
#: Newest documented limit: 200 requests per minute per calendar key, GET and POST together.
RATE_LIMITS: RateLimits = ((200, 60.0),)
#: Older documentation: once over the limit, the key is blocked for one minute.
LOCKOUT_SECONDS = 60.0

_SORT_DIRECTIONS = {"asc": False, "desc": True, "asc nulls last": False, "desc nulls last": True}
_GUEST_SORT_COLUMNS = ("name", "email", "created_at", "registered_at", "checked_in_at")
_PEOPLE_SORT_COLUMNS = ("created_at", "event_checked_in_count", "event_approved_count", "name", "revenue_usd_cents")
_PERSON_TAG_SORT_COLUMNS = ("name", "color", "created_at")
_MEMBER_STATUSES = ("approved", "pending", "declined")


def _event_key(event: Record) -> list[str]:
    """List Events' order (and cursor): start, then id."""
    return [event["start_at"], event["api_id"]]


class FakeLuma(FakeAPI):
    """Luma's public API v1 for one calendar (an API key belongs to one calendar)."""

    name = "luma"
    valid_key = "sandbox-luma-key"
    rate_limits = RATE_LIMITS
    data: LumaData

    def __init__(
        self,
        *,
        seed: int = 1,
        scale: float = 1.0,
        rate_limits: RateLimits | None = None,
        lockout_seconds: float = LOCKOUT_SECONDS,
        **kwargs: t.Any,
    ) -> None:
        super().__init__(seed=seed, scale=scale, **kwargs)
        self.data = LumaData(seed=seed, scale=scale)
        if rate_limits is not None:
            self.rate_limits = rate_limits
        self.lockout_seconds = lockout_seconds
        self._blocked_until = 0.0

    # -- vendor conventions ---------------------------------------------------------------------

    def authenticate(self, request: Request) -> Response | None:
        """The ``x-luma-api-key`` header: missing or blank is a 400, unknown a 401."""
        key = (request.header("x-luma-api-key") or "").strip()
        if not key:
            return self.error(400, "Missing API key. Pass your API key in the x-luma-api-key header.")
        if key != self.valid_key:
            return self.error(401, "Invalid API key.")
        return None

    def not_found(self, request: Request) -> Response:
        """``{"message": "Not found"}`` (the body is not documented)."""
        return self.error(404, "Not found")

    def rate_limited(self, retry_after: int) -> Response:
        """A 429 without ``Retry-After``: Luma documents the status but no header."""
        return self.error(429, "Too many requests. Please slow down and try again in a minute.")

    def rate_limit_wait(self, now: float) -> int | None:
        """The per-minute window, and the block that follows a request over it."""
        if now < self._blocked_until:
            return max(1, int(self._blocked_until - now + 0.999))
        wait = super().rate_limit_wait(now)
        if wait is not None and self.lockout_seconds:
            self._blocked_until = now + self.lockout_seconds
        return wait

    # -- pagination -------------------------------------------------------------------------------

    def _page(
        self,
        request: Request,
        ordered: list[Record],
        key: t.Callable[[Record], list[t.Any]],
        wrap: t.Callable[[Record], dict[str, t.Any]],
        *,
        descending: bool,
        within: tuple[int, int] | None = None,
    ) -> Response:
        """One page after ``pagination_cursor``, each record wrapped in its entry.

        ``ordered`` is sorted by ``key``; ``within`` (a :func:`span` of it) narrows it.
        """
        limit = _page_size(request)
        after = None
        cursor = request.arg("pagination_cursor")
        if cursor:
            state = decode_cursor(cursor)
            if state is None or not isinstance(state.get("after"), list):
                raise ApiError(400, "Invalid pagination_cursor.")
            after = state["after"]
        lo, hi = within or (0, len(ordered))
        page, more_after = keyset_page(ordered, key, after, limit, descending=descending, lo=lo, hi=hi)
        body: dict[str, t.Any] = {"entries": [wrap(item) for item in page], "has_more": more_after is not None}
        if page:
            # Quirk: the last page still carries a cursor (pointing past its last entry).
            body["next_cursor"] = encode_cursor({"after": list(key(page[-1]))})
        return json_response(body)

    # -- routes -----------------------------------------------------------------------------------

    @route("GET", r"/public/v1/calendar/list-events")
    def list_events(self, request: Request) -> Response:
        """List Events: entries of ``{"api_id", "event", "tags"}`` by start, ``after``/``before`` filters."""
        after, before = _instant(request, "after"), _instant(request, "before")
        sort_column = request.arg("sort_column", "start_at")
        if sort_column != "start_at":
            raise ApiError(400, "Invalid sort_column. Expected: start_at.")
        descending = _descending(request)
        ordered = self.data.ordered("events", self.data.events, _event_key, descending=descending)
        # Sorted by start, the events the filters keep are one run of the order.
        within = span(ordered, lambda e: parse_iso(e["start_at"]), after, before, descending=descending)
        return self._page(
            request,
            ordered,
            _event_key,
            lambda e: {"api_id": e["api_id"], "event": e, "tags": self.data.event_tags[e["api_id"]]},
            descending=descending,
            within=within,
        )

    @route("GET", r"/public/v1/event/get-guests")
    def get_guests(self, request: Request) -> Response:
        """Get Guests of ``event_api_id``: entries of ``{"api_id", "guest"}``, sortable, by status."""
        event_api_id = request.arg("event_api_id")
        if not event_api_id:
            raise ApiError(400, "Missing event_api_id.")
        if self.data.event(event_api_id) is None:
            raise ApiError(404, f"Event {event_api_id} not found.")
        sort_column = request.arg("sort_column", "created_at")
        if sort_column not in _GUEST_SORT_COLUMNS:
            raise ApiError(400, f"Invalid sort_column. Expected one of: {', '.join(_GUEST_SORT_COLUMNS)}.")
        descending = _descending(request)

        def key(guest: Record) -> list[str]:
            return [guest.get(sort_column) or "", guest["api_id"]]

        guests = self.data.guests[event_api_id]
        ordered = self.data.ordered(("guests", event_api_id, sort_column), guests, key, descending=descending)
        status = request.arg("approval_status")
        if status:  # filtering the order keeps it: the same page as sorting what is kept
            ordered = [g for g in ordered if g["approval_status"] == status]
        return self._page(request, ordered, key, lambda g: {"api_id": g["api_id"], "guest": g}, descending=descending)


    @route("GET", r"/public/v1/calendar/list-people")
    def list_people(self, request: Request) -> Response:
        """List People: the calendar's people as entries themselves, filterable and sortable."""
        column = _sort_column(request, _PEOPLE_SORT_COLUMNS)
        descending = _descending(request)

        def key(person: Record) -> list[t.Any]:
            value = person["user"]["name"] or "" if column == "name" else person[column]
            return [value, person["api_id"]]

        people = self.data.calendar_people
        ordered = self.data.ordered(("people", column), people, key, descending=descending)
        query = (request.arg("query") or "").strip().lower()
        if query:
            ordered = [
                p for p in ordered if query in p["email"].lower() or query in (p["user"]["name"] or "").lower()
            ]
        tags = {tag.strip() for tag in (request.arg("tags") or "").split(",") if tag.strip()}
        if tags:
            ordered = [p for p in ordered if any(tag["api_id"] in tags or tag["name"] in tags for tag in p["tags"])]
        status = request.arg("member_status")
        if status:
            if status not in _MEMBER_STATUSES:
                raise ApiError(400, f"Invalid member_status. Expected one of: {', '.join(_MEMBER_STATUSES)}.")
            ordered = [p for p in ordered if p["membership"] and p["membership"]["status"] == status]
        tier = request.arg("calendar_membership_tier_id") or request.arg("calendar_membership_tier_api_id")
        if tier:
            ordered = [p for p in ordered if p["membership"] and p["membership"]["calendar_membership_tier_id"] == tier]
        return self._page(request, ordered, key, lambda p: p, descending=descending)

    @route("GET", r"/public/v1/calendar/list-person-tags")
    def list_person_tags(self, request: Request) -> Response:
        """List Person Tags: entries are the tags themselves, sortable."""
        column = _sort_column(request, _PERSON_TAG_SORT_COLUMNS)
        descending = _descending(request)

        def key(tag: Record) -> list[t.Any]:
            return [tag[column], tag["api_id"]]

        ordered = self.data.ordered(("person_tags", column), self.data.person_tags, key, descending=descending)
        return self._page(request, ordered, key, lambda tag: tag, descending=descending)

    @route("GET", r"/public/v1/event/ticket-types/list")
    def list_ticket_types(self, request: Request) -> Response:
        """List Ticket Types of an event: ``{"ticket_types": [...]}``, hidden ones on request."""
        event_api_id = _event_of(request, self.data)
        include_hidden = (request.arg("include_hidden") or "").lower() in ("true", "1")
        ticket_types = self.data.event_ticket_types[event_api_id]
        return json_response({"ticket_types": [tt for tt in ticket_types if include_hidden or not tt["is_hidden"]]})

    @route("GET", r"/public/v1/event/coupons")
    def list_event_coupons(self, request: Request) -> Response:
        """List Event Coupons: entries are the coupons themselves, in creation order."""
        event_api_id = _event_of(request, self.data)
        coupons = self.data.coupons[event_api_id]
        position = {coupon["api_id"]: index for index, coupon in enumerate(coupons)}

        def key(coupon: Record) -> list[t.Any]:
            return [position[coupon["api_id"]]]

        return self._page(request, coupons, key, lambda coupon: coupon, descending=False)


def _event_of(request: Request, data: LumaData) -> str:
    """The event a per-event list is for: ``event_id`` or its deprecated twin ``event_api_id``."""
    event_api_id = request.arg("event_id") or request.arg("event_api_id")
    if not event_api_id:
        raise ApiError(400, "Missing event_id.")
    if data.event(event_api_id) is None:
        raise ApiError(404, f"Event {event_api_id} not found.")
    return event_api_id


def _sort_column(request: Request, columns: tuple[str, ...]) -> str:
    column = request.arg("sort_column", "created_at")
    if column not in columns:
        raise ApiError(400, f"Invalid sort_column. Expected one of: {', '.join(columns)}.")
    return column


def _page_size(request: Request) -> int:
    """``pagination_limit``: a positive integer, clamped to :data:`MAX_PAGE_SIZE`."""
    raw = request.arg("pagination_limit")
    if raw is None:
        return DEFAULT_PAGE_SIZE
    try:
        limit = int(raw)
    except ValueError:
        raise ApiError(400, "Invalid pagination_limit: must be a positive integer.") from None
    if limit < 1:
        raise ApiError(400, "Invalid pagination_limit: must be a positive integer.")
    return min(limit, MAX_PAGE_SIZE)


def _descending(request: Request) -> bool:
    """``sort_direction``: ascending unless it says ``desc``."""
    direction = request.arg("sort_direction", "asc")
    if direction not in _SORT_DIRECTIONS:
        raise ApiError(400, f"Invalid sort_direction. Expected one of: {', '.join(_SORT_DIRECTIONS)}.")
    return _SORT_DIRECTIONS[direction]


def _instant(request: Request, name: str) -> dt.datetime | None:
    """A date-time filter parameter, if sent."""
    raw = request.arg(name)
    if raw is None:
        return None
    try:
        return parse_iso(raw)
    except ValueError:
        raise ApiError(400, f"Invalid {name}: expected an ISO-8601 date-time.") from None
