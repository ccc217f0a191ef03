"""tap-calendly: the tap class, its settings, and the scope (organization or user) it syncs."""

from __future__ import annotations

import typing as t
from functools import cached_property

from singer_sdk import typing as th
from typing_extensions import override

from scheduling_taps_common import SchedulingTap, settings
from tap_calendly import streams

if t.TYPE_CHECKING:
    from tap_calendly.client import CalendlyStream


class TapCalendly(SchedulingTap):
    """Singer tap for Calendly API v2."""

    name = "tap-calendly"

    config_jsonschema = th.PropertiesList(
        settings.credential(
            "api_key",
            "Calendly personal access token (or OAuth access token), sent as `Authorization: Bearer`.",
        ),
        settings.api_url("https://api.calendly.com"),
        settings.request_timeout(),
        settings.parallel_requests(),
        settings.start_date(
            "Earliest event start time to sync on the first run (ISO-8601), and the earliest "
            "activity log entry. Later runs start from the bookmark (events: minus "
            "`lookback_days`). Unset: all events, past and future, and the whole activity log."
        ),
        th.Property(
            "scope",
            th.StringType,
            default="organization",
            allowed_values=["organization", "user"],
            title="Scope",
            description=(
                "`organization` (default) syncs the whole organization and needs an admin or owner "
                "token; `user` syncs only the token user's event types (and their hosts), events, "
                "invitees, membership and availability schedules, for non-admin tokens, and skips "
                "the organization-wide lists (routing forms, invitations, activity log)."
            ),
        ),
        th.Property(
            "organization",
            th.StringType,
            title="Organization URI",
            description="Organization URI to sync. Default: the token user's `current_organization`.",
        ),
        th.Property(
            "lookback_days",
            th.IntegerType(minimum=0),
            default=14,
            title="Lookback days",
            description=(
                "Each incremental run re-reads events that started up to this many days before "
                "the previous run's bookmark (plus every future event), to pick up late changes "
                "such as no-shows and invitee updates on recent events."
            ),
        ),
        *settings.pacing(
            per_second=None,
            per_minute=None,
            documented_limit="Calendly publishes no global limit; 429 answers are retried with Retry-After.",
        ),
        settings.propagate_deletions(),
    ).to_dict()

    @override
    def discover_streams(self) -> list[CalendlyStream]:
        return [
            streams.ApiUserStream(self),
            streams.EventTypesStream(self),
            streams.GroupsStream(self),
            streams.OrganizationMembershipsStream(self),
            streams.ScheduledEventsStream(self),
            streams.EventInviteesStream(self),
            streams.EventTypeMembershipsStream(self),
            streams.RoutingFormsStream(self),
            streams.RoutingFormSubmissionsStream(self),
            streams.OrganizationInvitationsStream(self),
            streams.UserAvailabilitySchedulesStream(self),
            streams.ActivityLogEntriesStream(self),
        ]

    @cached_property
    def current_user(self) -> dict[str, t.Any]:
        """The token's user, fetched once per run."""
        api_user = t.cast("streams.ApiUserStream", self.streams["api_user"])
        return api_user.fetch_current_user()

    @property
    def organization_uri(self) -> str:
        """The organization to sync: the `organization` setting, else the token user's."""
        return str(self.config.get("organization") or self.current_user["current_organization"])

    @property
    def user_scope(self) -> bool:
        """The `scope` setting asks for the token user's own data only."""
        return bool(self.config.get("scope", "organization") == "user")

    def scope_params(self) -> dict[str, str]:
        """The query parameters that scope a list to the organization or to the token's user."""
        if self.user_scope:
            return {"user": self.current_user["uri"]}
        return {"organization": self.organization_uri}


if __name__ == "__main__":
    TapCalendly.cli()
