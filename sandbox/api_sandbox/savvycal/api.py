"""Fake SavvyCal API v1 (https://api.savvycal.com), per SavvyCal's API reference (savvycal.com/docs/api).

Reproduces:

- ``Authorization: Bearer <token>``; a missing or unknown token gets the documented 401 body
  ``{"errors": [{"message": "Unauthenticated"}]}`` (docs: endpoints/users, "Get Current User").
- The Paginated List envelope ``{"entries": [...], "metadata": {"before", "after", "limit"}}``.
  Lists are ordered by the resource's internal integer id, and cursors are what the docs'
  example cursor ``g3QAAAABZAACaWRiAAAbFA==`` decodes to: a base64 Erlang term ``%{id: 6932}``
  (the Elixir ``Paginator`` library). ``after`` is null on the last page, ``before`` on the first.
- ``limit``: default 20, at most 100. Out-of-range values are clamped (what ``Paginator`` does
  with its maximum; the docs say only "up to 100 allowed"); a non-integer is a 400.
- ``/v1/events`` filters ``state`` (confirmed|canceled|all, default confirmed) and ``period``
  (past|upcoming|all, default upcoming): without ``state=all&period=all`` only confirmed upcoming
  events are listed. An event is past once it has ended (a meeting in progress is upcoming);
  ``confirmed`` means that state only (tentative or awaiting approval events need ``all``).
- ``/v1/time_zones``: a bare JSON array, no pagination, computed for ``instant`` (default now).
- ``/v1/me``: the Current User resource, a bare object.
- ``/v1/webhooks``: a Paginated List of Webhook resources, each with its signing ``secret``
  (the API reference's Webhook schema); deleted webhooks are no longer listed.
- ``/v1/workflows``: a Paginated List of Workflow resources; ``/v1/workflows/:id/rules``: a bare
  array of that workflow's Workflow Rule resources (no parameters, no pagination), 404 for an
  unknown workflow.
- Rate limit: 300 requests per minute per token (the platform docs' figure; unconfirmed for this
  API), answered with 429, ``retry-after`` in seconds and the platform's JSON:API-style body.
"""

from __future__ import annotations

import base64
import datetime as dt
import struct
import typing as t

from ..datagen import iso, leading, parse_iso
from ..server import ApiError, FakeAPI, Request, Response, json_response, route
from .data import SavvyCalData

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class FakeSavvyCal(FakeAPI):
    """SavvyCal API v1 for one account (a personal access token)."""

    name = "savvycal"
    valid_key = "sandbox-savvycal-key"
    rate_limits = ((300, 60.0),)
    data: SavvyCalData

    def __init__(self, *, seed: int = 1, scale: float = 1.0, **kwargs: t.Any) -> None:
        super().__init__(seed=seed, scale=scale, **kwargs)
        self.data = SavvyCalData(seed=seed, scale=scale)

    # -- vendor conventions -------------------------------------------------------------------

    def error_body(self, status: int, message: str, **details: t.Any) -> dict[str, t.Any]:
        """``{"errors": [{"message"}]}``; a 429 has the platform's JSON:API-style body."""
        if status == 429:
            return _rate_limit_body()
        return {"errors": [{"message": message}]}

    def rate_limited(self, retry_after: int) -> Response:
        """A 429 with ``retry-after`` in seconds."""
        return json_response(_rate_limit_body(), 429, {"retry-after": str(retry_after)})

    def not_found(self, request: Request) -> Response:
        """``{"errors": [{"message": "Not Found"}]}``, for unknown paths and ids."""
        return self.error(404, "Not Found")

    def authenticate(self, request: Request) -> Response | None:
        """``Authorization: Bearer <token>``; anything else gets the documented 401."""
        scheme, _, token = (request.header("Authorization") or "").partition(" ")
        if scheme != "Bearer" or token != self.valid_key:
            return self.error(401, "Unauthenticated")
        return None

    # -- pagination ---------------------------------------------------------------------------

    def _paginated(self, request: Request, records: t.Sequence[tuple[int, dict[str, t.Any]]]) -> Response:
        """One page of ``records`` (``(internal id, body)`` in id order) per before/after/limit.

        The cursor's place is found by bisection, as the ids ascend.
        """
        limit = _limit(request)
        after, before = _cursor_arg(request, "after"), _cursor_arg(request, "before")
        if after is not None:
            start = leading(records, lambda record: record[0] <= after)
            page = records[start : start + limit]
        elif before is not None:
            stop = leading(records, lambda record: record[0] < before)
            start = max(0, stop - limit)
            page = records[start:stop]
        else:
            start = 0
            page = records[:limit]
        end = start + len(page)
        return json_response(
            {
                "entries": [body for _, body in page],
                "metadata": {
                    "before": encode_cursor(page[0][0]) if page and start > 0 else None,
                    "after": encode_cursor(page[-1][0]) if page and end < len(records) else None,
                    "limit": limit,
                },
            }
        )

    # -- routes -------------------------------------------------------------------------------

    @route("GET", r"/v1/events")
    def list_events(self, request: Request) -> Response:
        """List Events: a Paginated List, confirmed upcoming ones unless ``state``/``period`` say otherwise."""
        state = request.arg("state", "confirmed")
        period = request.arg("period", "upcoming")
        if state not in {"confirmed", "canceled", "all"}:
            raise ApiError(400, "state must be one of: confirmed, canceled, all")
        if period not in {"past", "upcoming", "all"}:
            raise ApiError(400, "period must be one of: past, upcoming, all")
        if state == "all" and period == "all":
            return self._paginated(request, self.data.events)  # the stored records: no pass over them
        now = iso(dt.datetime.now(dt.timezone.utc))
        selected = [
            record
            for record in self.data.events
            if (state == "all" or record.body["state"] == state)
            and (period == "all" or (record.body["end_at"] <= now) == (period == "past"))
        ]
        return self._paginated(request, selected)

    @route("GET", r"/v1/events/(?P<event_id>[^/]+)")
    def get_event(self, request: Request, event_id: str) -> Response:
        """Get Event: the bare event, 404 for an unknown id."""
        event = next((r.body for r in self.data.events if r.body["id"] == event_id), None)
        return json_response(event) if event else self.not_found(request)

    @route("GET", r"/v1/links")
    def list_links(self, request: Request) -> Response:
        """List Scheduling Links: a Paginated List of every link."""
        return self._paginated(request, self.data.links)

    @route("GET", r"/v1/links/(?P<link_id>[^/]+)")
    def get_link(self, request: Request, link_id: str) -> Response:
        """Get Scheduling Link: the bare link, 404 for an unknown id."""
        link = next((r.body for r in self.data.links if r.body["id"] == link_id), None)
        return json_response(link) if link else self.not_found(request)

    @route("GET", r"/v1/me")
    def get_current_user(self, request: Request) -> Response:
        """Get Current User: the token's user, a bare object."""
        return json_response(self.data.user)

    @route("GET", r"/v1/webhooks")
    def list_webhooks(self, request: Request) -> Response:
        """List Webhooks: a Paginated List of the account's webhooks, secrets included."""
        return self._paginated(request, self.data.webhooks)

    @route("GET", r"/v1/webhooks/(?P<webhook_id>[^/]+)")
    def get_webhook(self, request: Request, webhook_id: str) -> Response:
        """Get Webhook: the bare webhook, 404 for an unknown id."""
        webhook = next((r.body for r in self.data.webhooks if r.body["id"] == webhook_id), None)
        return json_response(webhook) if webhook else self.not_found(request)

    @route("GET", r"/v1/workflows")
    def list_workflows(self, request: Request) -> Response:
        """List Workflows: a Paginated List of the workflows the user can edit."""
        return self._paginated(request, self.data.workflows)

    @route("GET", r"/v1/workflows/(?P<workflow_id>[^/]+)/rules")
    def list_workflow_rules(self, request: Request, workflow_id: str) -> Response:
        """List Workflow Rules: a bare array of the workflow's rules, 404 for an unknown workflow."""
        rules = self.data.rules.get(workflow_id)
        return json_response(rules) if rules is not None else self.not_found(request)

    @route("GET", r"/v1/time_zones")
    def list_time_zones(self, request: Request) -> Response:
        """List Time Zones: a bare array, described at ``instant`` (default now)."""
        raw = request.arg("instant")
        try:
            instant = parse_iso(raw) if raw else None
        except ValueError:
            raise ApiError(400, "instant must be an ISO-8601 timestamp") from None
        return json_response(self.data.time_zones(instant))


def _rate_limit_body() -> dict[str, t.Any]:
    return {"errors": [{"detail": "Rate limit exceeded. Please try again later.", "status": "429"}]}


def _limit(request: Request) -> int:
    """``limit``: an integer clamped to 1..100, 20 when absent."""
    raw = request.arg("limit")
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, "limit must be an integer") from None
    return min(max(value, 1), MAX_LIMIT)


def _cursor_arg(request: Request, name: str) -> int | None:
    """The internal id behind cursor parameter ``name``, if sent."""
    raw = request.arg(name)
    if not raw:
        return None
    value = decode_cursor(raw)
    if value is None:
        raise ApiError(400, f"{name} is not a valid cursor")
    return value


# -- cursors: base64 of the Erlang external term %{id: N} -----------------------------------------

_TERM_HEADER = b"\x83t\x00\x00\x00\x01d\x00\x02id"  # version, map of 1 pair, atom "id"


def encode_cursor(seq: int) -> str:
    """The cursor of internal id ``seq``: base64 of the Erlang term ``%{id: seq}``."""
    # SMALL_INTEGER_EXT for 0..255, else INTEGER_EXT.
    value = b"a" + bytes([seq]) if 0 <= seq < 256 else b"b" + struct.pack(">i", seq)
    return base64.b64encode(_TERM_HEADER + value).decode()


def decode_cursor(cursor: str) -> int | None:
    """The internal id a cursor encodes, or None if it is not such a cursor."""
    try:
        raw = base64.b64decode(cursor, validate=True)
    except ValueError:
        return None
    if not raw.startswith(_TERM_HEADER):
        return None
    value = raw[len(_TERM_HEADER) :]
    if len(value) == 2 and value[:1] == b"a":
        return value[1]
    if len(value) == 5 and value[:1] == b"b":
        seq: int = struct.unpack(">i", value[1:])[0]
        return seq
    return None
