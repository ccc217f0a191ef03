"""Settings every tap declares the same way, and the checks that refuse a bad value early.

The settings contract is in the project README; a bad value is refused before the first request.
"""

from __future__ import annotations

import datetime as dt
import re
import typing as t
from urllib.parse import urlparse

from singer_sdk import typing as th

#: Request timeout when `request_timeout` is not set: long enough for a slow page of a real
#: API, short enough that a stalled connection is retried (and a dead one given up) in minutes.
DEFAULT_REQUEST_TIMEOUT = 60

#: What a valid `start_date` looks like, shown when one is not.
START_DATE_EXAMPLE = "2025-01-31 or 2025-01-31T00:00:00Z"


#: The one deletion setting of every tap (the project README, "What merge means here").
PROPAGATE_DELETIONS = "propagate_deletions"


def api_url(default: str) -> th.Property:
    """``api_url``: the API's base URL, by default the real API's."""
    return th.Property(
        "api_url",
        th.URIType,
        default=default,
        title="API base URL",
        description=f"Base URL of the API. Default: the real API, {default}.",
    )


def credential(name: str, description: str) -> th.Property:
    """The required, secret credential setting, named as in the API's original specification."""
    title = name.replace("api_", "API ").replace("_", " ")  # api_key -> "API key"
    return th.Property(name, th.StringType, required=True, secret=True, title=title, description=description)


def start_date(description: str) -> th.Property:
    """``start_date``: where incremental streams start on the first run."""
    # The SDK reads a setting named exactly `start_date` as the first run's bookmark.
    return th.Property("start_date", th.DateTimeType, title="Start date", description=description)


def request_timeout() -> th.Property:
    """``request_timeout``: seconds to wait for one answer."""
    return th.Property(
        "request_timeout",
        th.IntegerType(minimum=1),
        default=DEFAULT_REQUEST_TIMEOUT,
        title="Request timeout",
        description=(
            "Seconds to wait for an answer to one request. A request that times out is retried "
            "like a 503 (3 retries), then the run stops with an error."
        ),
    )


#: Requests in flight at once while per-parent lists are read ahead, by default.
DEFAULT_PARALLEL_REQUESTS = 4


def parallel_requests() -> th.Property:
    """``parallel_requests``: for taps with per-parent streams (invitees of each event, ...)."""
    return th.Property(
        "parallel_requests",
        th.IntegerType(minimum=1),
        default=DEFAULT_PARALLEL_REQUESTS,
        title="Parallel requests",
        description=(
            "Requests that may be in flight at once while per-parent lists are read: the lists of "
            "the next parents are fetched while the current ones are written, in the same order "
            "as one by one. The pacing settings still bound the rate. 1 = one request at a time."
        ),
    )


def pacing(*, per_second: int | None, per_minute: int | None, documented_limit: str) -> list[th.Property]:
    """``max_requests_per_second`` and ``max_requests_per_minute``, defaults inside the vendor's limit."""
    return [
        th.Property(
            "max_requests_per_second",
            th.IntegerType(minimum=0),
            default=per_second,
            title="Max requests per second",
            description=(
                f"Client-side pacing: at most this many requests in any one second "
                f"(0 = no limit). {documented_limit}"
            ),
        ),
        th.Property(
            "max_requests_per_minute",
            th.IntegerType(minimum=0),
            default=per_minute,
            title="Max requests per minute",
            description=(
                f"Client-side pacing: at most this many requests in any sixty seconds "
                f"(0 = no limit). {documented_limit}"
            ),
        ),
    ]


def propagate_deletions() -> th.Property:
    """``propagate_deletions``: whether complete full-table listings retire rows the API no longer lists."""
    return th.Property(
        PROPAGATE_DELETIONS,
        th.BooleanType,
        default=True,
        title="Propagate deletions",
        description=(
            "True (default): each full-table stream ends a complete listing with ACTIVATE_VERSION, so "
            "a loader that supports it removes the rows the API no longer lists (or marks them with "
            "`_sdc_deleted_at`); a listing that did not finish sends none. False: no ACTIVATE_VERSION "
            "is ever sent, and rows deleted at the source stay as last seen, like dlt's merge. "
            "Incremental streams never see deletions."
        ),
    )


def propagates_deletions(config: t.Mapping[str, t.Any]) -> bool:
    """The ``propagate_deletions`` setting's value (true when unset)."""
    value = config.get(PROPAGATE_DELETIONS)
    return True if value is None else bool(value)


# -- validation ---------------------------------------------------------------------------------


def parse_datetime(value: str) -> dt.datetime:
    """An ISO-8601 date or date-time as an aware UTC datetime (UTC when no offset is given).

    The same parser the SDK applies to `start_date`; ``ValueError`` for anything else.
    """
    parsed = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc)


def format_problems(config: t.Mapping[str, t.Any], config_jsonschema: t.Mapping[str, t.Any]) -> list[str]:
    """What JSON-schema validation lets through: values that are not of their declared ``format``.

    The SDK validates types, ranges and required settings, not formats.
    """
    problems = []
    for name, schema in (config_jsonschema.get("properties") or {}).items():
        value = config.get(name)
        if value is None:
            continue
        if schema.get("format") == "date-time":
            try:
                parse_datetime(value)
            except (TypeError, ValueError):
                problems.append(
                    f"`{name}`: {value!r} is not an ISO-8601 date or date-time (e.g. {START_DATE_EXAMPLE})"
                )
        elif schema.get("format") == "uri":
            parts = urlparse(str(value).strip())
            if parts.scheme not in {"http", "https"} or not parts.netloc:
                example = schema.get("default") or "https://api.example.com"
                problems.append(f"`{name}`: {value!r} is not an http(s) URL (e.g. {example})")
    return problems


_SDK_ERROR = re.compile(r"^(?P<problem>.*) in config\[(?P<path>.+)\]$", re.DOTALL)
_REQUIRED = re.compile(r"^'(?P<name>[^']+)' is a required property$")


def readable(sdk_error: str) -> str:
    """An SDK config validation error with the setting named first, as our own errors are."""
    if match := _REQUIRED.match(sdk_error):
        return f"`{match['name']}` is required and not set"
    if match := _SDK_ERROR.match(sdk_error):
        setting = ".".join(part.strip("'\"") for part in match["path"].split("]["))
        return f"`{setting}`: {match['problem']}"
    return sdk_error
