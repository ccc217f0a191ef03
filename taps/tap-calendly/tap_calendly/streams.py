"""Calendly streams: one small class per endpoint."""

from __future__ import annotations

import datetime as dt
import typing as t

from singer_sdk.exceptions import FatalAPIError
from typing_extensions import override

from scheduling_taps_common import PageShape, WholeResourceStream, malformed, page_body
from scheduling_taps_common.stream import CLOCK_SKEW_MARGIN
from tap_calendly.client import CalendlyStream, OrganizationWideStream, ScopedCalendlyStream

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context


class ApiUserStream(WholeResourceStream, CalendlyStream):
    """The token's own user (``GET /users/me``); also tells the tap its organization."""

    name = "api_user"
    token_scope = "users:read"
    path = "/users/me"

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
    token_scope = "event_types:read"
    path = "/event_types"
    marks_complete_snapshots = True  # full list every run: vanished rows can be retired

    @override
    def get_child_context(self, record: dict[str, t.Any], context: Context | None) -> dict[str, t.Any]:
        # `event_type` is already a field of every host (the event type, expanded).
        return {"event_type": record["uri"]}


class GroupsStream(CalendlyStream):
    """Groups of the organization (whatever the scope)."""

    name = "groups"
    token_scope = "groups:read"
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
    token_scope = "organizations:read"
    path = "/organization_memberships"
    marks_complete_snapshots = True  # full list every run: vanished rows can be retired

    @override
    def get_child_context(self, record: dict[str, t.Any], context: Context | None) -> dict[str, t.Any]:
        # `user` is already a field of every availability schedule.
        return {"user": record["user"]["uri"]}


class ScheduledEventsStream(ScopedCalendlyStream):
    """Scheduled events, incremental on ``updated_at`` through a start-time window.

    Calendly filters events only by start time. Each run asks for every event starting at or
    after (bookmark - ``lookback_days``), with no upper bound, so new bookings months ahead,
    cancellations and reschedules of any upcoming event, and recent past events are all
    re-read; the target's merge on ``uri`` keeps one row per event. See the README for the
    trade-off.
    """

    name = "scheduled_events"
    token_scope = "scheduled_events:read"
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
    token_scope = "scheduled_events:read"
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


class EventTypeMembershipsStream(CalendlyStream):
    """Hosts of every event type the parent lists (``GET /event_type_memberships?event_type=``)."""

    name = "event_type_memberships"
    token_scope = "event_types:read"
    path = "/event_type_memberships"
    parent_stream_type = EventTypesStream
    # All hosts of every event type are read on every run, with the event types: the parent's
    # complete listing retires the hosts that left a pool.
    marks_complete_snapshots = True
    state_partitioning_keys: t.ClassVar[list[str]] = []

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        event_type = self.parent_context(context)["event_type"]
        return {**super().get_url_params(context, next_page_token), "event_type": event_type}


class RoutingFormsStream(OrganizationWideStream):
    """Routing forms of the organization (``GET /routing_forms?organization=``)."""

    name = "routing_forms"
    token_scope = "routing_forms:read"
    path = "/routing_forms"
    marks_complete_snapshots = True  # full list every run: vanished rows can be retired
    organization_only_reason = "routing forms (and so their submissions) belong to the organization"

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        return {**super().get_url_params(context, next_page_token), "sort": "created_at:asc"}

    @override
    def get_child_context(self, record: dict[str, t.Any], context: Context | None) -> dict[str, t.Any]:
        # `routing_form` is already a field of every submission.
        return {"routing_form": record["uri"]}


class RoutingFormSubmissionsStream(CalendlyStream):
    """Submissions of every routing form (``GET /routing_form_submissions?form=``)."""

    name = "routing_form_submissions"
    token_scope = "routing_forms:read"
    path = "/routing_form_submissions"
    parent_stream_type = RoutingFormsStream
    # Calendly filters submissions only by form: each form's are read in full, every run.
    marks_complete_snapshots = True
    state_partitioning_keys: t.ClassVar[list[str]] = []

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        form = self.parent_context(context)["routing_form"]
        return {**super().get_url_params(context, next_page_token), "form": form, "sort": "created_at:asc"}


class OrganizationInvitationsStream(OrganizationWideStream):
    """Invitations to join the organization (``GET /organizations/{uuid}/invitations``; admins)."""

    name = "organization_invitations"
    token_scope = "organizations:read"
    path = "/organizations/{uuid}/invitations"  # the organization's uuid, in get_url
    marks_complete_snapshots = True  # full list every run: revoked invitations are retired
    organization_only_reason = "invitations belong to the organization and only its admins may list them"

    @override
    def get_url(self, context: Context | None) -> str:
        organization_uuid = self.tap.organization_uri.rstrip("/").rsplit("/", 1)[-1]
        return f"{self.url_base}/organizations/{organization_uuid}/invitations"

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        # The organization is in the path, not in the query.
        params = CalendlyStream.get_url_params(self, context, next_page_token)
        return {**params, "sort": "created_at:asc"}


class UserAvailabilitySchedulesStream(CalendlyStream):
    """Availability schedules of every member the parent lists (``GET /user_availability_schedules?user=``).

    At ``scope: user`` the memberships list holds only the token's user, so only that user's
    schedules are read. The endpoint answers one unpaged ``collection``.
    """

    name = "user_availability_schedules"
    token_scope = "availability:read"
    path = "/user_availability_schedules"
    parent_stream_type = OrganizationMembershipsStream
    page_shape = PageShape("collection")
    marks_complete_snapshots = True  # all schedules of every member, every run
    state_partitioning_keys: t.ClassVar[list[str]] = []

    @override
    def get_new_paginator(self) -> None:
        return None

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        return {"user": self.parent_context(context)["user"]}


class PlanRequiredError(FatalAPIError):
    """The API refused a list the account's plan (or the token) does not include."""


class ActivityLogEntriesStream(OrganizationWideStream):
    """The organization's activity log (Enterprise plans only), incremental on ``occurred_at``.

    Entries are never changed once written, and ``min_occurred_at`` filters on the replication
    key itself, so each run asks for what occurred after the bookmark (less a small overlap),
    oldest first. An account without the Enterprise plan gets a 403: the stream is skipped with
    one warning and the run goes on.
    """

    name = "activity_log_entries"
    token_scope = "activity_log:read"
    path = "/activity_log_entries"
    replication_key = "occurred_at"
    is_sorted = True  # occurred_at:asc: the bookmark advances page by page
    organization_only_reason = "the activity log belongs to the organization and only its admins may read it"

    #: The activity log's maximum ``count`` (the other lists stop at 100).
    PAGE_SIZE = 1000
    #: Re-read this much before the bookmark: entries written late with an earlier time, and
    #: entries in the bookmark's own millisecond (``min_occurred_at`` is "after", exclusive).
    OVERLAP = dt.timedelta(minutes=5)

    @property
    @override
    def check_sorted(self) -> bool:
        # The overlap re-reads entries older than the bookmark; they never move it back.
        return False

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        params = super().get_url_params(context, next_page_token)
        params.update(count=self.PAGE_SIZE, sort="occurred_at:asc")
        starting = self.get_starting_timestamp(context)
        if starting is not None:
            since = (starting - self.OVERLAP).astimezone(dt.timezone.utc)
            params["min_occurred_at"] = _millis(since)
        return params

    @override
    def validate_response(self, response: requests.Response) -> None:
        if response.status_code == 403:
            raise PlanRequiredError(self.response_error_message(response))
        super().validate_response(response)

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        try:
            yield from super().get_records(context)
        except PlanRequiredError as refused:
            self.logger.warning(
                "Skipping 'activity_log_entries': Calendly's activity log needs the Enterprise plan, "
                "an organization admin's token and the `activity_log:read` scope; this account was "
                "refused (%s). The other streams are not affected.",
                refused,
            )

    @override
    def get_replication_key_signpost(self, context: Context | None = None) -> t.Any:
        # Written as the API writes `occurred_at` (milliseconds), so the string comparison holds.
        started = dt.datetime.fromtimestamp(self.tap.initialized_at / 1000, tz=dt.timezone.utc)
        return _millis(started - CLOCK_SKEW_MARGIN)


def _millis(moment: dt.datetime) -> str:
    """``2020-01-02T03:04:05.678Z``, the activity log's own timestamp format."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
