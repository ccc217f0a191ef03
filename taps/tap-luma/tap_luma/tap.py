"""tap-luma: the tap class, its settings, and request pacing inside Luma's rate limits."""

from __future__ import annotations

import typing as t
from functools import cached_property

from singer_sdk import typing as th
from typing_extensions import override

from scheduling_taps_common import RequestPacer, SchedulingTap, settings
from tap_luma import streams

if t.TYPE_CHECKING:
    from tap_luma.client import LumaStream

#: Luma has published three rate limits per calendar key: 300 requests per minute (oldest),
#: 500 GET requests per 5 minutes (later), 200 requests per minute (newest). The defaults keep
#: within all of them at once: at most 200 in any minute and 500 in any five minutes.
DOCUMENTED_LIMITS = (
    "Luma documents 200 requests/minute per calendar key (newest), 500 GET requests per 5 minutes "
    "and 300/minute (older versions); the defaults stay within all three."
)


class TapLuma(SchedulingTap):
    """Singer tap for Luma's public API (legacy v1: ``/public/v1/...``, records keyed by ``api_id``)."""

    name = "tap-luma"

    config_jsonschema = th.PropertiesList(
        settings.credential(
            "api_key",
            "Luma API key (calendar key, needs Luma Plus), sent as the `x-luma-api-key` header.",
        ),
        settings.api_url("https://public-api.luma.com"),
        settings.request_timeout(),
        settings.parallel_requests(),
        *settings.pacing(per_second=None, per_minute=200, documented_limit=DOCUMENTED_LIMITS),
        th.Property(
            "max_requests_per_five_minutes",
            th.IntegerType(minimum=0),
            default=500,
            title="Max requests per five minutes",
            description=(
                "Client-side pacing: at most this many requests in any 300 seconds (0 = no limit). "
                f"{DOCUMENTED_LIMITS}"
            ),
        ),
        settings.propagate_deletions(),
    ).to_dict()

    @override
    def discover_streams(self) -> list[LumaStream]:
        return [
            streams.EventsStream(self),
            streams.EventGuestsStream(self),
            streams.TicketTypesStream(self),
            streams.EventCouponsStream(self),
            streams.PeopleStream(self),
            streams.PersonTagsStream(self),
        ]

    @cached_property
    @override
    def request_pacer(self) -> RequestPacer:
        """Shared by every stream: Luma counts requests per calendar key."""
        windows = (
            ("max_requests_per_second", 1.0),
            ("max_requests_per_minute", 60.0),
            ("max_requests_per_five_minutes", 300.0),
        )
        return RequestPacer((self.config.get(setting) or 0, seconds) for setting, seconds in windows)


if __name__ == "__main__":
    TapLuma.cli()
