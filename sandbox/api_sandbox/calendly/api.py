"""Fake Calendly API v2 (``https://api.calendly.com``), as Calendly's OpenAPI 2.0.0 and API reference document it.

The records carry every field listed in tests/contract/calendly/documented_fields.json. Reproduces:

- ``Authorization: Bearer <key>``; a missing or unknown key gets the 401
  ``{"title": "Unauthenticated", "message": "The access token is invalid"}``.
- The ``{"collection": [...], "pagination": {...}}`` envelope: ``count`` 1-100 (default 20) and
  an opaque ``page_token``; ``next_page_token`` and ``next_page`` are null on the last page.
- The scope parameters each list requires (``organization`` or ``user``): a missing one is a
  400, another organization, or the organization's events for a non-admin key, a 403.
- ``min_start_time``/``max_start_time`` on ``/scheduled_events``, the ``status`` and ``email``
  filters, and ``sort`` on the one field each list sorts by.
- Error bodies ``{"title", "message"}``; a 400 adds ``details: [{"parameter", "message"}]``.
- Event type hosts (``/event_type_memberships?event_type=``), routing forms and their
  submissions (``?organization=``, ``?form=``), organization invitations (admins only),
  availability schedules (``?user=``, one unpaged ``collection``) and the activity log
  (``count`` up to 1000, ``min_occurred_at``/``max_occurred_at``, newest first by default,
  ``total_count``), which answers 403 "Please upgrade your Calendly account to Enterprise."
  unless the account is on the Enterprise plan (``FakeCalendly(enterprise=False)``).
"""

from __future__ import annotations

import datetime as dt
import typing as t
from urllib.parse import urlencode

from ..datagen import Record, decode_cursor, encode_cursor, keyset_page, parse_iso, span
from ..server import ApiError, FakeAPI, Request, Response, json_response, route
from .data import CalendlyData, uuid_of

#: A plain member's key (``data.users[1]``), for user-scope tests; ``valid_key`` is the owner's.
MEMBER_KEY = "sandbox-calendly-member-key"
#: Calendly's 403 when the caller may not read what it asked for.
PERMISSION_DENIED = "You do not have permission to access this resource."
#: The 403 for a user-scoped event list that names a user other than the caller.
OTHER_USER_DENIED = "Please also specify organization when requesting events for a user within your organization."
#: The activity log's 403 for an account below the Enterprise plan.
ENTERPRISE_REQUIRED = "Please upgrade your Calendly account to Enterprise."
#: The availability schedules' 403 for a user of another organization.
NOT_IN_ORGANIZATION = "This user is not in your organization"

_TITLES = {
    400: "Invalid Argument",
    401: "Unauthenticated",
    403: "Permission Denied",
    404: "Resource Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


# Each list's order (and cursor key): the field its ``sort`` names, then the URI to break ties.
def _by_name(event_type: Record) -> list[str]:
    return [event_type["name"] or "", event_type["uri"]]


def _by_uri(group: Record) -> t.Any:
    return group["uri"]


def _by_creation(record: Record) -> list[str]:
    return [record["created_at"], record["uri"]]


def _by_start(event: Record) -> list[str]:
    return [event["start_time"], event["uri"]]


def invalid_argument(parameter: str, message: str) -> ApiError:
    """Calendly's 400 "Invalid Argument", with a ``details`` entry naming the parameter."""
    return ApiError(400, "The supplied parameters are invalid.", details=[{"parameter": parameter, "message": message}])


class FakeCalendly(FakeAPI):
    """Calendly API v2 for one organisation; the owner's key and a plain member's key."""

    name = "calendly"
    valid_key = "sandbox-calendly-key"
    data: CalendlyData

    def __init__(self, *, seed: int = 1, scale: float = 1.0, enterprise: bool = True, **kwargs: t.Any) -> None:
        super().__init__(seed=seed, scale=scale, **kwargs)
        self.data = CalendlyData(seed=seed, scale=scale)
        #: The account's plan is Enterprise: only then is the activity log available.
        self.enterprise = enterprise
        #: Key -> index of its user in ``data.users``: the owner (admin), and users[1], a member.
        self.tokens = {self.valid_key: 0, MEMBER_KEY: 1}

    # -- vendor conventions -------------------------------------------------------------------

    def error_body(self, status: int, message: str, **details: t.Any) -> dict[str, t.Any]:
        """``{"title", "message"}`` plus the error's details (a 400's ``details: [{"parameter", "message"}]``)."""
        return {"title": _TITLES.get(status, "Error"), "message": message, **details}

    def not_found(self, request: Request) -> Response:
        """Calendly's 404, the same for an unknown path and an unknown id."""
        return self.error(404, "The server could not find the requested resource.")

    def authenticate(self, request: Request) -> Response | None:
        """``Authorization: Bearer <key>``; anything else is a 401."""
        if self._token(request) is None:
            return self.error(401, "The access token is invalid")
        return None

    def _token(self, request: Request) -> str | None:
        scheme, _, token = (request.header("Authorization") or "").partition(" ")
        return token if scheme.lower() == "bearer" and token in self.tokens else None

    def _caller(self, request: Request) -> dict[str, t.Any]:
        token = self._token(request)
        assert token is not None, "authenticate() admitted the request"
        return self.data.users[self.tokens[token]]

    def _is_admin(self, request: Request) -> bool:
        caller = self._caller(request)["uri"]
        membership = next(m for m in self.data.memberships if m["user"]["uri"] == caller)
        return membership["role"] in {"admin", "owner"}

    # -- pagination ---------------------------------------------------------------------------

    def _collection(
        self,
        request: Request,
        ordered: list[Record],
        key: t.Callable[[Record], t.Any],
        *,
        descending: bool = False,
        within: tuple[int, int] | None = None,
        maximum: int = 100,
        extra: t.Callable[[list[Record]], dict[str, t.Any]] | None = None,
    ) -> Response:
        """One ``count``-sized page after ``page_token``, in the collection envelope.

        ``ordered`` is sorted by ``key``; ``within`` (a :func:`span` of it) narrows it;
        ``extra`` adds members to the envelope, from the page's records.
        """
        count = _count(request, maximum)
        token = request.arg("page_token")
        after = None
        if token:
            state = decode_cursor(token)
            if state is None or "after" not in state:
                raise invalid_argument("page_token", "is invalid")
            after = state["after"]
        lo, hi = within or (0, len(ordered))
        page, last_key = keyset_page(ordered, key, after, count, descending=descending, lo=lo, hi=hi)
        next_token = None
        next_page = None
        if last_key is not None:
            next_token = encode_cursor({"after": list(last_key) if isinstance(last_key, tuple) else last_key})
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
                **(extra(page) if extra else {}),
            }
        )

    # -- routes -------------------------------------------------------------------------------

    @route("GET", r"/users/me")
    def users_me(self, request: Request) -> Response:
        """Get Current User: ``{"resource": <the key's user>}``."""
        return json_response({"resource": self._caller(request)})

    @route("GET", r"/event_types")
    def event_types(self, request: Request) -> Response:
        """List Event Types of the ``organization`` or a ``user``, by name; ``active`` filters."""
        organization, user = request.arg("organization"), request.arg("user")
        if not organization and not user:
            raise invalid_argument("organization", "organization or user is required")
        if organization and organization != self.data.organization:
            raise ApiError(403, PERMISSION_DENIED)
        active = request.arg("active")
        descending = _descending(request, "name")
        # Filtering the order keeps it: the same pages as sorting what the filters keep.
        items = self.data.ordered("event_types", self.data.event_types, _by_name, descending=descending)
        if user:
            items = [e for e in items if (e["profile"] or {}).get("owner") == user]
        if active is not None:
            items = [e for e in items if e["active"] == (active == "true")]
        return self._collection(request, items, _by_name, descending=descending)

    @route("GET", r"/groups")
    def groups(self, request: Request) -> Response:
        """List Groups of the ``organization`` (required)."""
        organization = _required(request, "organization")
        if organization != self.data.organization:
            raise ApiError(403, PERMISSION_DENIED)
        return self._collection(request, self.data.ordered("groups", self.data.groups, _by_uri), _by_uri)

    @route("GET", r"/organization_memberships")
    def organization_memberships(self, request: Request) -> Response:
        """List Organization Memberships, by ``organization``, ``user`` or ``email``."""
        organization, user, email = request.arg("organization"), request.arg("user"), request.arg("email")
        if not (organization or user or email):
            raise invalid_argument("organization", "organization, user or email is required")
        if organization and organization != self.data.organization:
            raise ApiError(403, PERMISSION_DENIED)
        items = self.data.ordered("memberships", self.data.memberships, _by_creation)
        if user:
            items = [m for m in items if m["user"]["uri"] == user]
        if email:
            items = [m for m in items if m["user"]["email"] == email]
        return self._collection(request, items, _by_creation)

    @route("GET", r"/scheduled_events")
    def scheduled_events(self, request: Request) -> Response:
        """List Events of the organization (admins) or of the caller, by start time, filtered."""
        organization, user = request.arg("organization"), request.arg("user")
        caller = self._caller(request)["uri"]
        if not organization and not user:
            raise invalid_argument("organization", "organization or user is required")
        if organization:
            if organization != self.data.organization or not self._is_admin(request):
                raise ApiError(403, PERMISSION_DENIED)
        elif user != caller:
            raise ApiError(403, OTHER_USER_DENIED)
        status = request.arg("status")
        if status is not None and status not in {"active", "canceled"}:
            raise invalid_argument("status", "must be active or canceled")
        minimum, maximum = _instant(request, "min_start_time"), _instant(request, "max_start_time")
        email = request.arg("invitee_email")
        descending = _descending(request, "start_time")
        items = self.data.ordered("events", self.data.events, _by_start, descending=descending)
        if user:
            items = [e for e in items if any(m["user"] == user for m in e["event_memberships"])]
        if status is not None:
            items = [e for e in items if e["status"] == status]
        if email:
            items = [e for e in items if any(i["email"] == email for i in self.data.invitees[uuid_of(e["uri"])])]
        # Sorted by start, the events the time filters keep are one run of the order.
        within = span(items, lambda e: parse_iso(e["start_time"]), minimum, maximum, descending=descending)
        return self._collection(request, items, _by_start, descending=descending, within=within)

    @route("GET", r"/scheduled_events/(?P<event_uuid>[^/]+)")
    def scheduled_event(self, request: Request, event_uuid: str) -> Response:
        """Get Event: ``{"resource": <the event>}``, 404 for an unknown uuid."""
        event = self.data.event(event_uuid)
        return json_response({"resource": event}) if event else self.not_found(request)

    @route("GET", r"/scheduled_events/(?P<event_uuid>[^/]+)/invitees")
    def invitees(self, request: Request, event_uuid: str) -> Response:
        """List Event Invitees of one event (its hosts or an admin), by creation; filters."""
        event = self.data.event(event_uuid)
        if event is None:
            return self.not_found(request)
        caller = self._caller(request)["uri"]
        if not self._is_admin(request) and all(m["user"] != caller for m in event["event_memberships"]):
            raise ApiError(403, PERMISSION_DENIED)
        status, email = request.arg("status"), request.arg("email")
        descending = _descending(request, "created_at")
        items = self.data.invitees[event_uuid]
        items = self.data.ordered(("invitees", event_uuid), items, _by_creation, descending=descending)
        if status is not None:
            items = [i for i in items if i["status"] == status]
        if email:
            items = [i for i in items if i["email"] == email]
        return self._collection(request, items, _by_creation, descending=descending)

    @route("GET", r"/event_type_memberships")
    def event_type_memberships(self, request: Request) -> Response:
        """List Event Type Hosts of one ``event_type`` (required), by creation."""
        uri = _required(request, "event_type")
        event_type = self.data.event_type(uri)
        if event_type is None:
            return self.not_found(request)
        caller = self._caller(request)["uri"]
        hosts = self.data.hosts[uri]
        if not self._is_admin(request) and all(h["member"] != caller for h in hosts):
            raise ApiError(403, PERMISSION_DENIED)
        items = [self.data.expanded_host(h) for h in self.data.ordered(("hosts", uri), hosts, _by_creation)]
        return self._collection(request, items, _by_creation)

    @route("GET", r"/routing_forms")
    def routing_forms(self, request: Request) -> Response:
        """List Routing Forms of the ``organization`` (required), by creation."""
        organization = _required(request, "organization")
        if organization != self.data.organization:
            raise ApiError(403, PERMISSION_DENIED)
        descending = _descending(request, "created_at")
        items = self.data.ordered("routing_forms", self.data.routing_forms, _by_creation, descending=descending)
        return self._collection(request, items, _by_creation, descending=descending)

    @route("GET", r"/routing_form_submissions")
    def routing_form_submissions(self, request: Request) -> Response:
        """List Routing Form Submissions of one ``form`` (required), by creation."""
        form = _required(request, "form")
        if form not in self.data.submissions:
            return self.not_found(request)
        descending = _descending(request, "created_at")
        submissions = self.data.submissions[form]
        items = self.data.ordered(("submissions", form), submissions, _by_creation, descending=descending)
        return self._collection(request, items, _by_creation, descending=descending)

    @route("GET", r"/organizations/(?P<org_uuid>[^/]+)/invitations")
    def organization_invitations(self, request: Request, org_uuid: str) -> Response:
        """List Organization Invitations (admins and owners), by creation; ``email``/``status`` filter."""
        if org_uuid != uuid_of(self.data.organization) or not self._is_admin(request):
            raise ApiError(403, PERMISSION_DENIED)
        status, email = request.arg("status"), request.arg("email")
        if status is not None and status not in {"pending", "accepted", "declined"}:
            raise invalid_argument("status", "must be pending, accepted or declined")
        descending = _descending(request, "created_at")
        items = self.data.ordered("invitations", self.data.invitations, _by_creation, descending=descending)
        if status is not None:
            items = [i for i in items if i["status"] == status]
        if email:
            items = [i for i in items if i["email"] == email]
        return self._collection(request, items, _by_creation, descending=descending)

    @route("GET", r"/user_availability_schedules")
    def user_availability_schedules(self, request: Request) -> Response:
        """List User Availability Schedules of ``user`` (default: the caller): one unpaged collection."""
        caller = self._caller(request)["uri"]
        user = request.arg("user") or caller
        if self.data.user(user) is None:
            raise ApiError(403, NOT_IN_ORGANIZATION)
        if user != caller and not self._is_admin(request):
            raise ApiError(403, PERMISSION_DENIED)
        return json_response({"collection": self.data.schedules.get(user, [])})

    @route("GET", r"/activity_log_entries")
    def activity_log_entries(self, request: Request) -> Response:
        """List activity log entries of the ``organization`` (Enterprise plans, admins), newest first."""
        organization = _required(request, "organization")
        if not self.enterprise:
            raise ApiError(403, ENTERPRISE_REQUIRED)
        if organization != self.data.organization or not self._is_admin(request):
            raise ApiError(403, PERMISSION_DENIED)
        sort = request.arg("sort", "occurred_at:desc")
        if sort not in {"occurred_at:asc", "occurred_at:desc"}:
            raise invalid_argument("sort", "this sandbox sorts by occurred_at:asc or occurred_at:desc")
        descending = sort == "occurred_at:desc"
        minimum, maximum = _instant(request, "min_occurred_at"), _instant(request, "max_occurred_at")
        items = self.data.ordered("activity", self.data.activity, _by_occurrence, descending=descending)

        # "after" and "prior to": both bounds are exclusive.
        def kept(entry: Record) -> bool:
            at = parse_iso(entry["occurred_at"])
            return (minimum is None or at > minimum) and (maximum is None or at < maximum)

        if minimum is not None or maximum is not None:
            items = [e for e in items if kept(e)]
        total = len(items)

        def envelope(page: list[Record]) -> dict[str, t.Any]:
            newest = max((e["occurred_at"] for e in page), default=None)
            return {"last_event_time": newest, "total_count": total, "exceeds_max_total_count": False}

        return self._collection(request, items, _by_occurrence, descending=descending, maximum=1000, extra=envelope)


def _by_occurrence(entry: Record) -> list[str]:
    return [entry["occurred_at"], entry["uri"]]


def _required(request: Request, parameter: str) -> str:
    """The value of a required query ``parameter``; Calendly's 400 naming it when it is missing."""
    value = request.arg(parameter)
    if not value:
        raise invalid_argument(parameter, "is required")
    return value


def _descending(request: Request, field: str) -> bool:
    """The ``sort`` parameter, which each list accepts on one field only (ascending by default)."""
    sort = request.arg("sort", f"{field}:asc")
    if sort not in {f"{field}:asc", f"{field}:desc"}:
        raise invalid_argument("sort", f"must be {field}:asc or {field}:desc")
    return sort == f"{field}:desc"


def _count(request: Request, maximum: int = 100) -> int:
    """``count``: 1 to ``maximum`` (100; the activity log's 1000), 20 when absent."""
    raw = request.arg("count", "20")
    try:
        count = int(raw or "")
    except ValueError:
        raise invalid_argument("count", "must be an integer") from None
    if not 1 <= count <= maximum:
        raise invalid_argument("count", f"must be between 1 and {maximum}")
    return count


def _instant(request: Request, name: str) -> dt.datetime | None:
    """A date-time filter parameter, if sent."""
    raw = request.arg(name)
    if raw is None:
        return None
    try:
        return parse_iso(raw)
    except ValueError:
        raise invalid_argument(name, "must be an ISO-8601 date-time in UTC") from None
