"""Settings every tap declares the same way (the settings contract in the project README)."""

from __future__ import annotations

from singer_sdk import typing as th


def api_url(default: str) -> th.Property:
    return th.Property(
        "api_url",
        th.URIType,
        default=default,
        title="API base URL",
        description=f"Base URL of the API. Default: the real API, {default}.",
    )


def credential(name: str, description: str) -> th.Property:
    return th.Property(name, th.StringType, required=True, secret=True, title=name, description=description)


def start_date(description: str) -> th.Property:
    # The SDK reads a setting named exactly `start_date` as the first run's bookmark.
    return th.Property("start_date", th.DateTimeType, title="Start date", description=description)


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
