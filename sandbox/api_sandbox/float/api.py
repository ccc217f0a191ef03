"""Fake Float API v3 (https://api.float.com/v3), as Float documents it (developer.float.com: the
Swagger spec, the tutorials) and as other clients observed it.

Reproduces:

- Auth: ``Authorization: Bearer <token>``. No Authorization header at all is stopped at Float's
  edge with an HTML 403; any bearer value reaches Float, and a wrong one gets the JSON 401
  ``{"name":"Unauthorized","message":"Your request was made with invalid credentials.",...}``.
- Bare JSON arrays; ``page`` (1-based, default 1) and ``per-page`` (default 50, maximum 200)
  with Yii2's defaults, which Float runs on: an out-of-range ``per-page`` is clamped to 1..200
  and a ``page`` past the end answers the last page again (``validatePage``), so a client that
  reads "until an empty page" never stops. Page metadata only in the ``X-Pagination-Total-Count``,
  ``-Page-Count``, ``-Current-Page`` and ``-Per-Page`` headers.
- ``modified_since`` (``YYYY-MM-DD HH:MM:SS`` UTC or Unix seconds, "modified at or after") on
  /people, /projects, /tasks and /logged-time; ``expand`` on /projects and /phases;
  ``start_date``/``end_date`` on /public-holidays, which otherwise answers the current year only.
- Quirks: /status answers 204 with no body when nothing matches; /logged-time answers 403
  "Time Tracking is not enabled for this team" when the fake is built with ``time_tracking=False``.
- Rate limits: 200 GET per minute and 10 per second per company. Past them: 429 with
  ``Retry-After`` and the ``RateLimit-*``/``X-RateLimit-*-Minute`` counters Float's gateway
  sends (Kong's rate-limiting headers; the 429 body is that gateway's ``{"message": ...}``).
- Errors other than the gateway's use Yii2's body: ``{"name","message","code","status"}``.
"""

from __future__ import annotations

import datetime as dt
import math
import time
import typing as t

from api_sandbox.float.data import TIMESTAMP, FloatData
from api_sandbox.server import FakeAPI, Request, Response, json_response, route

#: Yii2 Pagination defaults as Float configures them.
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200

_NAMES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    422: "Data Validation Failed.",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

#: What Float's edge answers when the Authorization header is missing.
EDGE_FORBIDDEN_HTML = (
    "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n"
    "<center><h1>403 Forbidden</h1></center>\r\n</body>\r\n</html>\r\n"
)
TIME_TRACKING_OFF = "Time Tracking is not enabled for this team"


class InvalidParameter(Exception):
    """A query parameter Float would reject with 422."""


class FakeFloat(FakeAPI):
    name = "float"
    valid_key = "sandbox-float-token"
    rate_limits = ((10, 1.0), (200, 60.0))

    def __init__(self, *, seed: int = 1, scale: float = 1.0, time_tracking: bool = True, **kwargs: t.Any) -> None:
        super().__init__(seed=seed, scale=scale, **kwargs)
        self.data = FloatData(seed=seed, scale=scale)
        #: Off: /logged-time answers 403, as for a team without the Time Tracking feature.
        self.time_tracking = time_tracking

    @property
    def url(self) -> str:
        return f"{super().url}/v3"

    def mutate(self, **kwargs: t.Any) -> dict[str, list[t.Any]]:
        with self.lock:
            return self.data.mutate(**kwargs)

    # -- vendor conventions ----------------------------------------------------------------------

    def error_body(self, status: int, message: str) -> dict[str, t.Any]:
        return {"name": _NAMES.get(status, "Error"), "message": message, "code": 0, "status": status}

    def not_found(self, request: Request) -> Response:
        return self.error(404, "Page not found.")

    def authenticate(self, request: Request) -> Response | None:
        header = request.header("Authorization")
        if not header:
            return Response(status=403, body=EDGE_FORBIDDEN_HTML, content_type="text/html")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or token.strip() != self.valid_key:
            return self.error(401, "Your request was made with invalid credentials.")
        return None

    def rate_limited(self, retry_after: int) -> Response:
        return json_response({"message": "API rate limit exceeded"}, 429, {"Retry-After": str(retry_after)})

    def response_headers(self, request: Request) -> dict[str, str]:
        """The per-minute counters Float's gateway adds to every answer (bursts have none)."""
        now = time.monotonic()
        in_minute = [hit for hit in self._hits if hit > now - 60.0]
        remaining = max(0, 200 - len(in_minute))
        reset = max(1, math.ceil(in_minute[0] + 60.0 - now)) if in_minute else 60
        return {
            "RateLimit-Limit": "200",
            "RateLimit-Remaining": str(remaining),
            "RateLimit-Reset": str(reset),
            "X-RateLimit-Limit-Minute": "200",
            "X-RateLimit-Remaining-Minute": str(remaining),
        }

    # -- pagination ------------------------------------------------------------------------------

    def _page(self, request: Request, items: list[dict[str, t.Any]], *, empty_is_204: bool = False) -> Response:
        """One page of ``items`` as a bare array, with Yii2's pagination headers."""
        per_page = _clamp(_int(request.arg("per-page"), DEFAULT_PER_PAGE), 1, MAX_PER_PAGE)
        total = len(items)
        page_count = math.ceil(total / per_page)
        # Yii2 validatePage: a page past the end is the last page (page 1 when there is none).
        page = _clamp(_int(request.arg("page"), 1), 1, max(page_count, 1))
        if empty_is_204 and total == 0:
            return Response(status=204)
        body = items[(page - 1) * per_page : page * per_page]
        headers = {
            "X-Pagination-Total-Count": str(total),
            "X-Pagination-Page-Count": str(page_count),
            "X-Pagination-Current-Page": str(page),
            "X-Pagination-Per-Page": str(per_page),
        }
        return json_response(body, headers=headers)

    def _modified_since(self, request: Request, items: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
        raw = request.arg("modified_since")
        if raw is None or raw == "":
            return items
        since = _parse_modified_since(raw)
        return [item for item in items if item["modified"] >= since]

    def _invalid(self, message: str) -> Response:
        # Yii2 validation errors are a list of {field, message}.
        field, _, detail = message.partition(": ")
        return json_response([{"field": field, "message": detail or message}], 422)

    # -- routes ----------------------------------------------------------------------------------

    @route("GET", r"/v3/accounts")
    def accounts(self, request: Request) -> Response:
        return self._page(request, self.data.accounts)

    @route("GET", r"/v3/departments")
    def departments(self, request: Request) -> Response:
        return self._page(request, self.data.departments)

    @route("GET", r"/v3/people")
    def people(self, request: Request) -> Response:
        try:
            return self._page(request, self._modified_since(request, self.data.people))
        except InvalidParameter as error:
            return self._invalid(str(error))

    @route("GET", r"/v3/roles")
    def roles(self, request: Request) -> Response:
        return self._page(request, self.data.roles)

    @route("GET", r"/v3/public-holidays")
    def public_holidays(self, request: Request) -> Response:
        year = dt.datetime.now(dt.timezone.utc).year
        try:
            start = _date(request, "start_date", dt.date(year, 1, 1))
            end = _date(request, "end_date", dt.date(year, 12, 31))
        except InvalidParameter as error:
            return self._invalid(str(error))
        return self._page(request, self.data.public_holidays(start, end))

    @route("GET", r"/v3/holidays")
    def holidays(self, request: Request) -> Response:
        return self._page(request, self.data.holidays)

    @route("GET", r"/v3/projects")
    def projects(self, request: Request) -> Response:
        try:
            items = self._modified_since(request, self.data.projects)
        except InvalidParameter as error:
            return self._invalid(str(error))
        return self._page(request, _expanded(items, request, ("project_tasks", "project_team")))

    @route("GET", r"/v3/status")
    def status(self, request: Request) -> Response:
        return self._page(request, self.data.status, empty_is_204=True)

    @route("GET", r"/v3/timeoffs")
    def timeoffs(self, request: Request) -> Response:
        return self._page(request, self.data.timeoffs)

    @route("GET", r"/v3/timeoff-types")
    def timeoff_types(self, request: Request) -> Response:
        return self._page(request, self.data.timeoff_types)

    @route("GET", r"/v3/clients")
    def clients(self, request: Request) -> Response:
        return self._page(request, self.data.clients)

    @route("GET", r"/v3/phases")
    def phases(self, request: Request) -> Response:
        return self._page(request, _expanded(self.data.phases, request, ("phase_tasks", "phase_team")))

    @route("GET", r"/v3/project-tasks")
    def project_tasks(self, request: Request) -> Response:
        return self._page(request, self.data.project_tasks)

    @route("GET", r"/v3/milestones")
    def milestones(self, request: Request) -> Response:
        return self._page(request, self.data.milestones)

    @route("GET", r"/v3/tasks")
    def tasks(self, request: Request) -> Response:
        try:
            return self._page(request, self._modified_since(request, self.data.tasks))
        except InvalidParameter as error:
            return self._invalid(str(error))

    @route("GET", r"/v3/logged-time")
    def logged_time(self, request: Request) -> Response:
        if not self.time_tracking:
            return self.error(403, TIME_TRACKING_OFF)
        try:
            return self._page(request, self._modified_since(request, self.data.logged_time))
        except InvalidParameter as error:
            return self._invalid(str(error))


def _expanded(items: list[dict[str, t.Any]], request: Request, expandable: tuple[str, ...]) -> list[dict[str, t.Any]]:
    """Records with the ``expand=`` fields asked for; the others are left out, as Float does."""
    asked = {name.strip() for name in (request.arg("expand") or "").split(",") if name.strip()}
    drop = [name for name in expandable if name not in asked]
    if not drop:
        return items
    return [{k: v for k, v in item.items() if k not in drop} for item in items]


def _int(raw: str | None, default: int) -> int:
    # Yii2 casts with (int): junk becomes 0 (then clamped), a missing value takes the default.
    if raw is None:
        return default
    try:
        return int(raw.strip())
    except ValueError:
        return 0


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _parse_modified_since(raw: str) -> str:
    """``YYYY-MM-DD HH:MM:SS`` (UTC) or Unix seconds, as a comparable Float timestamp."""
    raw = raw.strip()
    if raw.isdigit():
        return dt.datetime.fromtimestamp(int(raw), dt.timezone.utc).strftime(TIMESTAMP)
    try:
        return dt.datetime.strptime(raw, TIMESTAMP).strftime(TIMESTAMP)
    except ValueError:
        raise InvalidParameter("modified_since: must be 'YYYY-MM-DD HH:MM:SS' or a Unix timestamp") from None


def _date(request: Request, name: str, default: dt.date) -> dt.date:
    raw = request.arg(name)
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidParameter(f"{name}: must be a date in the format YYYY-MM-DD") from None
