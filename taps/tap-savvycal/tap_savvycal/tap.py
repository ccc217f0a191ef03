"""tap-savvycal: the tap class and its settings."""

from __future__ import annotations

import typing as t

from singer_sdk import typing as th
from typing_extensions import override

from scheduling_taps_common import SchedulingTap, settings
from tap_savvycal import streams

if t.TYPE_CHECKING:
    from tap_savvycal.client import SavvyCalStream


class TapSavvyCal(SchedulingTap):
    """Singer tap for the SavvyCal API v1."""

    name = "tap-savvycal"

    config_jsonschema = th.PropertiesList(
        settings.credential(
            "api_key",
            "SavvyCal personal access token (`pt_secret_...`) or OAuth access token, sent as "
            "`Authorization: Bearer`.",
        ),
        settings.api_url("https://api.savvycal.com"),
        settings.request_timeout(),
        settings.parallel_requests(),
        th.Property(
            "event_state",
            th.StringType,
            default="all",
            allowed_values=["all", "confirmed", "canceled"],
            title="Event state",
            description=(
                "Which events to sync by state: `all` (default: confirmed, canceled, tentative, "
                "awaiting approval or checkout, declined, checkout expired), `confirmed` or "
                "`canceled`. SavvyCal's own default is `confirmed`."
            ),
        ),
        th.Property(
            "event_period",
            th.StringType,
            default="all",
            allowed_values=["all", "upcoming", "past"],
            title="Event period",
            description=(
                "Which events to sync by time: `all` (default), `upcoming` or `past`. SavvyCal's "
                "own default is `upcoming`."
            ),
        ),
        *settings.pacing(
            per_second=0,  # no per-second limit is documented: the minute's 300 may come at once
            per_minute=300,
            documented_limit=(
                "SavvyCal publishes no limit for this API; its platform API allows 300 requests per "
                "minute per token, the default here. 429 answers are retried after the server's "
                "retry-after."
            ),
        ),
        settings.propagate_deletions(),
    ).to_dict()

    @override
    def discover_streams(self) -> list[SavvyCalStream]:
        return [
            streams.EventsStream(self),
            streams.SchedulingLinksStream(self),
            streams.TimezonesStream(self),
            streams.CurrentUserStream(self),
            streams.WebhooksStream(self),
            streams.WorkflowsStream(self),
            streams.WorkflowRulesStream(self),
        ]


if __name__ == "__main__":
    TapSavvyCal.cli()
