"""Fake Float API v3 (``https://api.float.com/v3``), as Float documents it and as other clients observed it.

Float's documentation: developer.float.com (the Swagger spec, the tutorials). Reproduces:

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
- Delete logs: ``/deleted/tasks``, ``/deleted/timeoffs`` and ``/deleted/logged-time`` list the
  records deleted in the last 72 hours as ``[{"id", "timestamp"}]`` (oldest first), paged by an
  opaque ``cursor`` and ``limit`` (default 50, maximum 500) with the next page's cursor in
  ``X-Pagination-Next-Cursor``. This follows the public clients that read them (Float's stored
  reference pages do not describe these endpoints): see the tap's README.
- Reports: ``/reports/people`` and ``/reports/projects`` answer one JSON object, not paged (no
  ``page``/``per-page``, no pagination headers): ``{"people": [...]}`` / ``{"projects": [...]}``,
  one row per person (every person) or per project (those with hours scheduled), each an
  aggregate over ``start_date``..``end_date`` (``YYYY-MM-DD``, both included), computed from
  the team's allocations, time off and holidays (:meth:`FloatData.people_report`). The rows'
  fields are those of Float's answers recorded from api.float.com (the tap's contract examples).
  ``people_id`` / ``project_id`` narrow a report to one person or project. Float documents the
  reports' own limit, 30 GET per minute; the fake applies only the company-wide limits below.
  A missing, unreadable or reversed date is a 422 (the fake's choice: Float's stored documents
  do not say what it answers).
- Quirks: /status answers 204 with no body when nothing matches; /logged-time answers 403
  "Time Tracking is not enabled for this team" when the fake is built with ``time_tracking=False``.
- Rate limits: 200 GET per minute and 10 per second per company. Past them: 429 with
  ``Retry-After`` and the ``RateLimit-*``/``X-RateLimit-*-Minute`` counters Float's gateway
  sends (Kong's rate-limiting headers; the 429 body is that gateway's ``{"message": ...}``).
- Errors other than the gateway's use Yii2's body: ``{"name","message","code","status"}``; a
  query parameter it cannot read (``modified_since``, ``start_date``/``end_date``) is a 422 with
  Yii2's validation list ``[{"field", "message"}]``.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import typing as t

from ..server import ApiError, FakeAPI, Request, Response, json_response, route
from .data import TIMESTAMP, FloatData

#: Yii2 Pagination defaults as Float configures them.
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
#: Float's limits per company: GET requests per second and per minute.
PER_SECOND = 10
PER_MINUTE = 200
#: The delete logs' paging (``cursor``/``limit``) and how long they keep an entry.
DEFAULT_DELETE_LOG_LIMIT = 50
MAX_DELETE_LOG_LIMIT = 500
DELETE_LOG_RETENTION = dt.timedelta(hours=72)

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


def invalid_parameter(name: str, message: str) -> ApiError:
    """Yii2's 422 for a query parameter it cannot read: ``[{"field": name, "message": message}]``."""
    return ApiError(422, message, field=name)


class FakeFloat(FakeAPI):
    """Float API v3 for one team; ``time_tracking=False`` is a team without Time Tracking."""

    name = "float"
    valid_key = "sandbox-float-token"
    rate_limits = ((PER_SECOND, 1.0), (PER_MINUTE, 60.0))
    data: FloatData

    def __init__(self, *, seed: int = 1, scale: float = 1.0, time_tracking: bool = True, **kwargs: t.Any) -> None:
        super().__init__(seed=seed, scale=scale, **kwargs)
        self.data = FloatData(seed=seed, scale=scale)
        #: Off: /logged-time answers 403, as for a team without the Time Tracking feature.
        self.time_tracking = time_tracking

    @property
    def url(self) -> str:
        """The base URL with Float's ``/v3`` prefix."""
        return f"{super().url}/v3"

    # -- vendor conventions ----------------------------------------------------------------------

    def error_body(self, status: int, message: str, **details: t.Any) -> t.Any:
        """Yii2's ``{"name", "message", "code", "status"}``; a validation error is a list of fields."""
        if status == 422 and "field" in details:
            return [{"field": details["field"], "message": message}]
        return {"name": _NAMES.get(status, "Error"), "message": message, "code": 0, "status": status}

    def not_found(self, request: Request) -> Response:
        """Yii2's 404 for an unknown path."""
        return self.error(404, "Page not found.")

    def authenticate(self, request: Request) -> Response | None:
        """No ``Authorization`` header: the edge's HTML 403; a wrong bearer token: Float's JSON 401."""
        header = request.header("Authorization")
        if not header:
            return Response(status=403, body=EDGE_FORBIDDEN_HTML, content_type="text/html")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or token.strip() != self.valid_key:
            return self.error(401, "Your request was made with invalid credentials.")
        return None

    def rate_limited(self, retry_after: int) -> Response:
        """The gateway's 429: ``{"message": "API rate limit exceeded"}`` and ``Retry-After``."""
        return json_response({"message": "API rate limit exceeded"}, 429, {"Retry-After": str(retry_after)})

    def response_headers(self, request: Request) -> dict[str, str]:
        """The per-minute counters Float's gateway adds to every answer (bursts have none)."""
        usage = self.rate_limit_usage(60.0)
        remaining = max(0, PER_MINUTE - usage.used)
        reset = max(1, math.ceil(usage.frees_in)) if usage.frees_in is not None else 60
        return {
            "RateLimit-Limit": str(PER_MINUTE),
            "RateLimit-Remaining": str(remaining),
            "RateLimit-Reset": str(reset),
            "X-RateLimit-Limit-Minute": str(PER_MINUTE),
            "X-RateLimit-Remaining-Minute": str(remaining),
        }

    # -- pagination ------------------------------------------------------------------------------

    def _page(
        self,
        request: Request,
        items: list[dict[str, t.Any]],
        *,
        empty_is_204: bool = False,
        expandable: tuple[str, ...] = (),
    ) -> Response:
        """One page of ``items`` as a bare array, with Yii2's pagination headers.

        ``expandable``: fields left out unless ``expand=`` names them (only the page's records
        are copied without them).
        """
        per_page = _clamp(_int(request.arg("per-page"), DEFAULT_PER_PAGE), 1, MAX_PER_PAGE)
        total = len(items)
        page_count = math.ceil(total / per_page)
        # Yii2 validatePage: a page past the end is the last page (page 1 when there is none).
        page = _clamp(_int(request.arg("page"), 1), 1, max(page_count, 1))
        if empty_is_204 and total == 0:
            return Response(status=204)
        body = _expanded(items[(page - 1) * per_page : page * per_page], request, expandable)
        headers = {
            "X-Pagination-Total-Count": str(total),
            "X-Pagination-Page-Count": str(page_count),
            "X-Pagination-Current-Page": str(page),
            "X-Pagination-Per-Page": str(per_page),
        }
        return json_response(body, headers=headers)

    def _modified_since(self, request: Request, items: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
        """``items`` modified at or after ``modified_since``, when it is sent."""
        raw = request.arg("modified_since")
        if raw is None or raw == "":
            return items
        since = _parse_modified_since(raw)
        return [item for item in items if item["modified"] >= since]

    # -- routes ----------------------------------------------------------------------------------

    @route("GET", r"/v3/accounts")
    def accounts(self, request: Request) -> Response:
        """GET /accounts: the team's accounts."""
        return self._page(request, self.data.accounts)

    @route("GET", r"/v3/departments")
    def departments(self, request: Request) -> Response:
        """GET /departments: the departments."""
        return self._page(request, self.data.departments)

    @route("GET", r"/v3/people")
    def people(self, request: Request) -> Response:
        """GET /people: the people, ``modified_since`` filters."""
        return self._page(request, self._modified_since(request, self.data.people))

    @route("GET", r"/v3/roles")
    def roles(self, request: Request) -> Response:
        """GET /roles: the roles."""
        return self._page(request, self.data.roles)

    @route("GET", r"/v3/public-holidays")
    def public_holidays(self, request: Request) -> Response:
        """GET /public-holidays: one record per holiday and region, this year unless dates say."""
        year = dt.datetime.now(dt.timezone.utc).year
        start = _date(request, "start_date", dt.date(year, 1, 1))
        end = _date(request, "end_date", dt.date(year, 12, 31))
        return self._page(request, self.data.public_holidays(start, end))

    @route("GET", r"/v3/holidays")
    def holidays(self, request: Request) -> Response:
        """GET /holidays: the team holidays."""
        return self._page(request, self.data.holidays)

    @route("GET", r"/v3/projects")
    def projects(self, request: Request) -> Response:
        """GET /projects: the projects, ``modified_since`` filters, ``expand`` adds tasks and team."""
        items = self._modified_since(request, self.data.projects)
        return self._page(request, items, expandable=("project_tasks", "project_team"))

    @route("GET", r"/v3/status")
    def status(self, request: Request) -> Response:
        """GET /status: the people's statuses; 204 without a body when there are none."""
        return self._page(request, self.data.status, empty_is_204=True)

    @route("GET", r"/v3/timeoffs")
    def timeoffs(self, request: Request) -> Response:
        """GET /timeoffs: the time off."""
        return self._page(request, self.data.timeoffs)

    @route("GET", r"/v3/timeoff-types")
    def timeoff_types(self, request: Request) -> Response:
        """GET /timeoff-types: the kinds of time off."""
        return self._page(request, self.data.timeoff_types)

    @route("GET", r"/v3/clients")
    def clients(self, request: Request) -> Response:
        """GET /clients: the clients."""
        return self._page(request, self.data.clients)

    @route("GET", r"/v3/phases")
    def phases(self, request: Request) -> Response:
        """GET /phases: the project phases, ``expand`` adds their tasks and team."""
        return self._page(request, self.data.phases, expandable=("phase_tasks", "phase_team"))

    @route("GET", r"/v3/project-tasks")
    def project_tasks(self, request: Request) -> Response:
        """GET /project-tasks: the projects' task names."""
        return self._page(request, self.data.project_tasks)

    @route("GET", r"/v3/milestones")
    def milestones(self, request: Request) -> Response:
        """GET /milestones: the project milestones."""
        return self._page(request, self.data.milestones)

    @route("GET", r"/v3/tasks")
    def tasks(self, request: Request) -> Response:
        """GET /tasks: the scheduled allocations, ``modified_since`` filters."""
        return self._page(request, self._modified_since(request, self.data.tasks))

    def _delete_log(self, request: Request, log: str) -> Response:
        """A delete log: ``[{"id", "timestamp"}]`` oldest first, paged by ``cursor``/``limit``.

        ``limit`` (default 50, maximum 500) is clamped like ``per-page``; the cursor of the next
        page is in ``X-Pagination-Next-Cursor``, absent on the last page. Entries older than the
        log's retention are gone. An unreadable cursor is a 422.
        """
        limit = _clamp(_int(request.arg("limit"), DEFAULT_DELETE_LOG_LIMIT), 1, MAX_DELETE_LOG_LIMIT)
        after = _decode_cursor(request.arg("cursor"))
        horizon = (dt.datetime.now(dt.timezone.utc) - DELETE_LOG_RETENTION).strftime(TIMESTAMP)
        entries = [e for e in self.data.delete_logs[log] if e["seq"] > after and e["timestamp"] >= horizon]
        page = entries[:limit]
        headers = {"X-Pagination-Next-Cursor": _encode_cursor(page[-1]["seq"])} if len(entries) > limit else {}
        return json_response([{"id": e["id"], "timestamp": e["timestamp"]} for e in page], headers=headers)

    @route("GET", r"/v3/deleted/tasks")
    def deleted_tasks(self, request: Request) -> Response:
        """GET /deleted/tasks: the allocations deleted lately."""
        return self._delete_log(request, "tasks")

    @route("GET", r"/v3/deleted/timeoffs")
    def deleted_timeoffs(self, request: Request) -> Response:
        """GET /deleted/timeoffs: the time off deleted lately."""
        return self._delete_log(request, "timeoffs")

    @route("GET", r"/v3/deleted/logged-time")
    def deleted_logged_time(self, request: Request) -> Response:
        """GET /deleted/logged-time: the logged time deleted lately; 403 without Time Tracking."""
        if not self.time_tracking:
            raise ApiError(403, TIME_TRACKING_OFF)
        return self._delete_log(request, "logged_time")

    def _report_window(self, request: Request) -> tuple[dt.date, dt.date]:
        """The report's ``start_date`` and ``end_date``: both required, the end not before the start."""
        start, end = (_required_date(request, name) for name in ("start_date", "end_date"))
        if end < start:
            raise invalid_parameter("end_date", "must be on or after start_date")
        return start, end

    @route("GET", r"/v3/reports/people")
    def people_report(self, request: Request) -> Response:
        """GET /reports/people: each person's hours over the window, ``people_id`` narrows."""
        start, end = self._report_window(request)
        rows = self.data.people_report(start, end, _optional_id(request, "people_id"))
        return json_response({"people": rows})

    @route("GET", r"/v3/reports/projects")
    def project_report(self, request: Request) -> Response:
        """GET /reports/projects: each project's hours over the window, ``project_id`` narrows."""
        start, end = self._report_window(request)
        rows = self.data.project_report(start, end, _optional_id(request, "project_id"))
        return json_response({"projects": rows})

    @route("GET", r"/v3/logged-time")
    def logged_time(self, request: Request) -> Response:
        """GET /logged-time: the logged time, ``modified_since`` filters; 403 without Time Tracking."""
        if not self.time_tracking:
            raise ApiError(403, TIME_TRACKING_OFF)
        return self._page(request, self._modified_since(request, self.data.logged_time))


def _expanded(items: list[dict[str, t.Any]], request: Request, expandable: tuple[str, ...]) -> list[dict[str, t.Any]]:
    """Records with the ``expand=`` fields asked for; the others are left out, as Float does."""
    asked = {name.strip() for name in (request.arg("expand") or "").split(",") if name.strip()}
    drop = [name for name in expandable if name not in asked]
    if not drop:
        return items
    return [{k: v for k, v in item.items() if k not in drop} for item in items]


def _int(raw: str | None, default: int) -> int:
    """Yii2's ``(int)`` cast: junk becomes 0 (then clamped), a missing value takes the default."""
    if raw is None:
        return default
    try:
        return int(raw.strip())
    except ValueError:
        return 0


def _encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"after:{seq}".encode()).decode()


def _decode_cursor(raw: str | None) -> int:
    """The position after which the next page starts (0: the start of the log)."""
    if not raw:
        return 0
    try:
        text = base64.urlsafe_b64decode(raw.encode()).decode()
        prefix, _, seq = text.partition(":")
        if prefix != "after":
            raise ValueError(text)
        return int(seq)
    except ValueError:
        raise invalid_parameter("cursor", "is not a cursor this API gave out") from None


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
        raise invalid_parameter("modified_since", "must be 'YYYY-MM-DD HH:MM:SS' or a Unix timestamp") from None


def _date(request: Request, name: str, default: dt.date) -> dt.date:
    """A ``YYYY-MM-DD`` parameter, ``default`` when absent."""
    raw = request.arg(name)
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise invalid_parameter(name, "must be a date in the format YYYY-MM-DD") from None


def _required_date(request: Request, name: str) -> dt.date:
    """A required ``YYYY-MM-DD`` parameter."""
    if not request.arg(name):
        raise invalid_parameter(name, f"{name} cannot be blank.")
    return _date(request, name, dt.date.min)


def _optional_id(request: Request, name: str) -> int | None:
    """An optional integer id parameter."""
    raw = request.arg(name)
    if raw is None or raw == "":
        return None
    if not raw.strip().isdigit():
        raise invalid_parameter(name, f"{name} must be an integer.")
    return int(raw)
