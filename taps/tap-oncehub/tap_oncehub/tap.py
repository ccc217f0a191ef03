"""tap-oncehub: the tap class and its settings."""

from __future__ import annotations

import typing as t

from singer_sdk import typing as th
from typing_extensions import override

from scheduling_taps_common import SchedulingTap, settings
from tap_oncehub import streams

if t.TYPE_CHECKING:
    from tap_oncehub.client import OnceHubStream


class TapOnceHub(SchedulingTap):
    """Singer tap for OnceHub API v2."""

    name = "tap-oncehub"

    config_jsonschema = th.PropertiesList(
        settings.credential(
            "api_key",
            "OnceHub API key (Settings > API & Webhooks), sent as the `API-Key` header.",
        ),
        settings.api_url("https://api.oncehub.com"),
        settings.request_timeout(),
        settings.start_date(
            "Sync bookings last updated at or after this moment (ISO-8601) on the first run; later "
            "runs continue from the bookmark. Unset: every booking. The other streams are always "
            "synced in full."
        ),
        *settings.pacing(
            per_second=5,
            per_minute=None,
            documented_limit=(
                "OnceHub allows 5 requests per second per account; the pacer widens each second "
                "by 50 ms so that network jitter never puts a sixth request into one second of the "
                "server's clock."
            ),
        ),
        settings.propagate_deletions(),
    ).to_dict()

    @override
    def discover_streams(self) -> list[OnceHubStream]:
        return [
            streams.BookingsStream(self),
            streams.BookingPagesStream(self),
            streams.EventTypesStream(self),
            streams.MasterPagesStream(self),
            streams.UsersStream(self),
            streams.TeamsStream(self),
            streams.ContactsStream(self),
            streams.BookingCalendarsStream(self),
        ]


if __name__ == "__main__":
    TapOnceHub.cli()
