"""Fake Calendly API v2 (https://api.calendly.com), as Calendly documents it (its OpenAPI 2.0.0 and
API reference; the field lists are in tests/contract/calendly/documented_fields.json).

Reproduces: Bearer auth and the 401 body, ``collection``/``pagination`` envelopes, ``count``
(1-100, default 20) with ``page_token`` (opaque; ``next_page_token`` null at the end), the
required ``organization``/``user`` scope parameters with their 400/403 answers, the
``min_start_time``/``max_start_time`` start-time filters, sorting, and Calendly error bodies
(``title``/``message``/``details``).
"""

from __future__ import annotations

import datetime as dt
import typing as t
from urllib.parse import urlencode

from api_sandbox.calendly.data import CalendlyData, uuid_of
from api_sandbox.datagen import decode_cursor, encode_cursor, keyset_page, parse_iso
from api_sandbox.server import FakeAPI, Request, Response, json_response, route

MEMBER_KEY = "sandbox-calendly-member-key"

_TITLES = {
    400: "Invalid Argument",
    401: "Unauthenticated",
    403: "Permission Denied",
    404: "Resource Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


class InvalidArgument(Exception):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


class FakeCalendly(FakeAPI):
    name = "calendly"
    valid_key = "sandbox-calendly-key"

    def __init__(self, *, seed: int = 1, scale: float = 1.0, **kwargs: t.Any) -> None:
        super().__init__(seed=seed, scale=scale, **kwargs)
        self.data = CalendlyData(seed=seed, scale=scale)
        # The owner's key (admin) and a plain member's key (users[1]) for user-scope tests.
        self.tokens = {self.valid_key: 0, MEMBER_KEY: 1}

    # -- vendor conventions -------------------------------------------------------------------

    def error_body(self, status: int, message: str) -> dict[str, t.Any]:
        return {"title": _TITLES.get(status, "Error"), "message": message}

    def not_found(self, request: Request) -> Response:
        return self.error(404, "The server could not find the requested resource.")

    def authenticate(self, request: Request) -> Response | None:
        header = request.header("Authorization") or ""
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or token not in self.tokens:
            return self.error(401, "The access token is invalid")
        request.headers["x-fake-user"] = str(self.tokens[token])
        return None

    def _caller(self, request: Request) -> dict[str, t.Any]:
        return self.data.users[int(request.headers["x-fake-user"])]

    def _is_admin(self, request: Request) -> bool:
        caller = self._caller(request)["uri"]
        membership = next(m for m in self.data.memberships if m["user"]["uri"] == caller)
        return membership["role"] in {"admin", "owner"}

    def _invalid(self, error: InvalidArgument) -> Response:
        body = {
            "title": "Invalid Argument",
            "message": "The supplied parameters are invalid.",
            "details": [{"parameter": error.parameter, "message": error.message}],
        }
        return json_response(body, 400)

    def _denied(self, message: str = "You do not have permission to access this resource.") -> Response:
        return self.error(403, message)

    # -- pagination ---------------------------------------------------------------------------

    def _collection(
        self,
        request: Request,
        items: list[dict[str, t.Any]],
        key: t.Callable[[dict[str, t.Any]], t.Any],
        *,
        descending: bool = False,
    ) -> Response:
        count = _count(request)
        token = request.arg("page_token")
        after = None
        if token:
            state = decode_cursor(token)
            if state is None or "after" not in state:
                raise InvalidArgument("page_token", "is invalid")
            after = state["after"]
        ordered = sorted(items, key=key, reverse=descending)
        page, last_key = keyset_page(ordered, key, after, count, descending=descending)
        next_token = encode_cursor({"after": list(last_key) if isinstance(last_key, tuple) else last_key}) if last_key is not None else None
        next_page = None
        if next_token:
            query = {k: v[0] for k, v in request.query.items() if k != "page_token"}
            next_page = f"{self.url}{request.path}?{urlencode({**query, 'page_token': next_token})}"
        return json_response(
            {
                "collection": page,
                "pagination": {
                    "count": len(page),
                    "next_page": next_page,
                    "previous_page": None,
                    "next_page_token": next_token,
                    "previous_page_token": None,
                },
            }
        )

    # -- routes -------------------------------------------------------------------------------

    @route("GET", r"/users/me")
    def users_me(self, request: Request) -> Response:
        return json_response({"resource": self._caller(request)})

    @route("GET", r"/event_types")
    def event_types(self, request: Request) -> Response:
        try:
            organization, user = request.arg("organization"), request.arg("user")
            if not organization and not user:
                raise InvalidArgument("organization", "organization or user is required")
            if organization and organization != self.data.organization:
                return self._denied()
            items = self.data.event_types
            if user:
                items = [e for e in items if (e["profile"] or {}).get("owner") == user]
            active = request.arg("active")
            if active is not None:
                items = [e for e in items if e["active"] == (active == "true")]
            descending = _descending(request, "name")
            return self._collection(request, items, lambda e: [e["name"] or "", e["uri"]], descending=descending)
        except InvalidArgument as error:
            return self._invalid(error)

    @route("GET", r"/groups")
    def groups(self, request: Request) -> Response:
        try:
            organization = request.arg("organization")
            if not organization:
                raise InvalidArgument("organization", "is required")
            if organization != self.data.organization:
                return self._denied()
            return self._collection(request, self.data.groups, lambda g: g["uri"])
        except InvalidArgument as error:
            return self._invalid(error)

    @route("GET", r"/organization_memberships")
    def organization_memberships(self, request: Request) -> Response:
        try:
            organization, user, email = request.arg("organization"), request.arg("user"), request.arg("email")
            if not (organization or user or email):
                raise InvalidArgument("organization", "organization, user or email is required")
            if organization and organization != self.data.organization:
                return self._denied()
            items = self.data.memberships
            if user:
                items = [m for m in items if m["user"]["uri"] == user]
            if email:
                items = [m for m in items if m["user"]["email"] == email]
            return self._collection(request, items, lambda m: [m["created_at"], m["uri"]])
        except InvalidArgument as error:
            return self._invalid(error)

    @route("GET", r"/scheduled_events")
    def scheduled_events(self, request: Request) -> Response:
        try:
            organization, user = request.arg("organization"), request.arg("user")
            caller = self._caller(request)["uri"]
            if not organization and not user:
                raise InvalidArgument("organization", "organization or user is required")
            if organization:
                if organization != self.data.organization or not self._is_admin(request):
                    return self._denied()
            elif user != caller:
                return self._denied(
                    "Please also specify organization when requesting events for a user within your organization."
                )
            items = self.data.events
            if user:
                items = [e for e in items if any(m["user"] == user for m in e["event_memberships"])]
            status = request.arg("status")
            if status is not None:
                if status not in {"active", "canceled"}:
                    raise InvalidArgument("status", "must be active or canceled")
                items = [e for e in items if e["status"] == status]
            minimum, maximum = _instant(request, "min_start_time"), _instant(request, "max_start_time")
            if minimum is not None:
                items = [e for e in items if parse_iso(e["start_time"]) >= minimum]
            if maximum is not None:
                items = [e for e in items if parse_iso(e["start_time"]) < maximum]
            email = request.arg("invitee_email")
            if email:
                items = [e for e in items if any(i["email"] == email for i in self.data.invitees[uuid_of(e["uri"])])]
            descending = _descending(request, "start_time")
            return self._collection(request, items, lambda e: [e["start_time"], e["uri"]], descending=descending)
        except InvalidArgument as error:
            return self._invalid(error)

    @route("GET", r"/scheduled_events/(?P<event_uuid>[^/]+)")
    def scheduled_event(self, request: Request, event_uuid: str) -> Response:
        event = self.data.event(event_uuid)
        return json_response({"resource": event}) if event else self.not_found(request)

    @route("GET", r"/scheduled_events/(?P<event_uuid>[^/]+)/invitees")
    def invitees(self, request: Request, event_uuid: str) -> Response:
        event = self.data.event(event_uuid)
        if event is None:
            return self.not_found(request)
        caller = self._caller(request)["uri"]
        if not self._is_admin(request) and all(m["user"] != caller for m in event["event_memberships"]):
            return self._denied()
        try:
            items = self.data.invitees[event_uuid]
            status = request.arg("status")
            if status is not None:
                items = [i for i in items if i["status"] == status]
            email = request.arg("email")
            if email:
                items = [i for i in items if i["email"] == email]
            descending = _descending(request, "created_at")
            return self._collection(request, items, lambda i: [i["created_at"], i["uri"]], descending=descending)
        except InvalidArgument as error:
            return self._invalid(error)


def _descending(request: Request, field: str) -> bool:
    """The ``sort`` parameter, which each list accepts on one field only (ascending by default)."""
    sort = request.arg("sort", f"{field}:asc")
    if sort not in {f"{field}:asc", f"{field}:desc"}:
        raise InvalidArgument("sort", f"must be {field}:asc or {field}:desc")
    return sort == f"{field}:desc"


def _count(request: Request) -> int:
    raw = request.arg("count", "20")
    try:
        count = int(raw or "")
    except ValueError:
        raise InvalidArgument("count", "must be an integer") from None
    if not 1 <= count <= 100:
        raise InvalidArgument("count", "must be between 1 and 100")
    return count


def _instant(request: Request, name: str) -> dt.datetime | None:
    raw = request.arg(name)
    if raw is None:
        return None
    try:
        return parse_iso(raw)
    except ValueError:
        raise InvalidArgument(name, "must be an ISO-8601 date-time in UTC") from None
