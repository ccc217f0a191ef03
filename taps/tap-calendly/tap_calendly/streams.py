"""Calendly streams: one small class per endpoint."""

from __future__ import annotations

import datetime as dt
import typing as t

from typing_extensions import override

from scheduling_taps_common import malformed, page_body
from tap_calendly.client import CalendlyStream, ScopedCalendlyStream

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context


class ApiUserStream(CalendlyStream):
    """The token's own user (``GET /users/me``); also tells the tap its organization."""

    name = "api_user"
    path = "/users/me"

    @override
    def get_new_paginator(self) -> None:
        return None

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        return {}

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        body = page_body(response)
        resource = body.get("resource") if isinstance(body, dict) else None
        if not isinstance(resource, dict):
            raise malformed(response, "expected the user as an object under `resource`")
        yield resource

    def fetch_current_user(self) -> dict[str, t.Any]:
        """One ``GET /users/me``, with the shared retry policy."""
        return next(iter(super().read_records(None)))

    @override
    def read_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        # The tap already fetched this record to resolve the scope: do not ask twice.
        yield self.tap.current_user


class EventTypesStream(ScopedCalendlyStream):
    """Event types of the organization, or of the token's user (``scope: user``)."""

    name = "event_types"
    path = "/event_types"
    marks_complete_snapshots = True  # full list every run: vanished rows can be retired


class GroupsStream(CalendlyStream):
    """Groups of the organization (whatever the scope)."""

    name = "groups"
    path = "/groups"
    marks_complete_snapshots = True  # full list every run: vanished rows can be retired

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        # /groups only accepts `organization`, whatever the scope.
        organization = self.tap.organization_uri
        return {**super().get_url_params(context, next_page_token), "organization": organization}


class OrganizationMembershipsStream(ScopedCalendlyStream):
    """Memberships of the organization, or the token user's own (``scope: user``)."""

    name = "organization_memberships"
    path = "/organization_memberships"
    marks_complete_snapshots = True  # full list every run: vanished rows can be retired


class ScheduledEventsStream(ScopedCalendlyStream):
    """Scheduled events, incremental on ``updated_at`` through a start-time window.

    Calendly filters events only by start time. Each run asks for every event starting at or
    after (bookmark - ``lookback_days``), with no upper bound, so new bookings months ahead,
    cancellations and reschedules of any upcoming event, and recent past events are all
    re-read; the target's merge on ``uri`` keeps one row per event. See the README for the
    trade-off.
    """

    name = "scheduled_events"
    path = "/scheduled_events"
    replication_key = "updated_at"
    replication_key_format = "%Y-%m-%dT%H:%M:%S.%fZ"  # 2026-01-02T10:00:00.123456Z
    is_sorted = False  # sorted by start_time, so the bookmark is only saved at the end

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        params = super().get_url_params(context, next_page_token)
        params["sort"] = "start_time:asc"
        window_start = self.window_start(context)
        if window_start is not None:
            params["min_start_time"] = window_start.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return params

    def window_start(self, context: Context | None) -> dt.datetime | None:
        """Earliest start time to request: the bookmark (or `start_date`) minus the lookback."""
        starting = self.get_starting_timestamp(context)
        if starting is None:
            return None
        if not self.stream_state.get("replication_key_value"):
            return starting.astimezone(dt.timezone.utc)  # first run: start_date as given
        lookback = dt.timedelta(days=self.config.get("lookback_days", 0))
        return (starting - lookback).astimezone(dt.timezone.utc)

    @override
    def get_child_context(self, record: dict[str, t.Any], context: Context | None) -> dict[str, t.Any]:
        # `event` is already a field of every invitee, so the context adds no column.
        return {"event": record["uri"]}


class EventInviteesStream(CalendlyStream):
    """Invitees of every event the parent read this run (``/scheduled_events/{uuid}/invitees``)."""

    name = "event_invitees"
    path = "/scheduled_events/{uuid}/invitees"  # filled from the parent's `uri` in get_url
    parent_stream_type = ScheduledEventsStream
    # Invitees carry no bookmark of their own: all invitees of each event read by the parent
    # are re-read. One flat state entry instead of one per event ever synced.
    state_partitioning_keys: t.ClassVar[list[str]] = []

    @override
    def get_url(self, context: Context | None) -> str:
        event_uuid = str(self.parent_context(context)["event"]).rstrip("/").rsplit("/", 1)[-1]
        return f"{self.url_base}/scheduled_events/{event_uuid}/invitees"

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        return {**super().get_url_params(context, next_page_token), "sort": "created_at:asc"}
