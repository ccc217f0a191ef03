"""OnceHub streams: one small class per list endpoint of the original dlt specification."""

from __future__ import annotations

import datetime as dt
import typing as t

from typing_extensions import override

from scheduling_taps_common.settings import parse_datetime
from tap_oncehub.client import OnceHubStream

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

#: How far before the bookmark's day each incremental run starts asking. See BookingsStream.
OVERLAP = dt.timedelta(days=1)


class BookingsStream(OnceHubStream):
    """Bookings, incremental on ``last_updated_time`` through ``last_updated_time.gt``.

    Two things make the obvious ``last_updated_time.gt=<bookmark>`` unsafe:

    - ``.gt`` is strict and timestamps have whole seconds, so a booking changed in the same
      second as the newest one a run saw, but after the run read its page, would be skipped.
    - PostHog reports that the time filters are date-granular; if so, ``.gt=<bookmark>`` could
      mean "from the next day" and skip the rest of the bookmark's day.

    So the filter starts at midnight UTC of the day *before* the bookmark's day: under either
    reading it returns everything changed since the bookmark, and the re-read overlap (at most
    two days of changed bookings) is merged away by the target on ``id``. Records older than
    ``start_date`` that the overlap brings back on a first run are dropped here.

    The list is newest-created first, not ordered by ``last_updated_time``, so the bookmark is
    only written when the stream has finished (``is_sorted = False``): an interrupted run
    leaves the previous bookmark in place and the next run repeats the work.
    """

    name = "bookings"
    path = "/v2/bookings"
    replication_key = "last_updated_time"
    replication_key_format = "%Y-%m-%dT%H:%M:%SZ"  # 2026-01-02T10:00:00Z
    is_sorted = False
    marks_complete_snapshots = False  # a read filtered by last_updated_time.gt is not a complete list

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        params = super().get_url_params(context, next_page_token)
        updated_after = self.updated_after(context)
        if updated_after is not None:
            params["last_updated_time.gt"] = updated_after.strftime("%Y-%m-%dT%H:%M:%SZ")
        return params

    def updated_after(self, context: Context | None) -> dt.datetime | None:
        """The ``last_updated_time.gt`` value: midnight UTC, the day before the bookmark's day."""
        starting = self.get_starting_timestamp(context)  # the bookmark, else start_date
        if starting is None:
            return None
        day = starting.astimezone(dt.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
        return day - OVERLAP

    @override
    def post_process(self, row: dict[str, t.Any], context: Context | None = None) -> dict[str, t.Any] | None:
        if self._before_start_date(row.get("last_updated_time")):
            return None
        row["cancel_reschedule_information"] = _single_action(row.get("cancel_reschedule_information"))
        return super().post_process(row, context)

    def _before_start_date(self, updated: t.Any) -> bool:
        start_date = self.config.get("start_date")
        if not start_date or not isinstance(updated, str):
            return False  # no lower bound, or no usable timestamp: keep the record
        try:
            return parse_datetime(updated) < parse_datetime(start_date)
        except ValueError:
            return False


class BookingPagesStream(OnceHubStream):
    """Booking pages: what people book through."""

    name = "booking_pages"
    path = "/v2/booking-pages"


class EventTypesStream(OnceHubStream):
    """Event types: the kinds of meeting that can be booked."""

    name = "event_types"
    path = "/v2/event-types"


class MasterPagesStream(OnceHubStream):
    """Master pages: pages that route a booking to one of several booking pages."""

    name = "master_pages"
    path = "/v2/master-pages"


class UsersStream(OnceHubStream):
    """Users of the OnceHub account."""

    name = "users"
    path = "/v2/users"


class TeamsStream(OnceHubStream):
    """Teams of users."""

    name = "teams"
    path = "/v2/teams"


class ContactsStream(OnceHubStream):
    """Contacts: full table, so that deleted contacts are retired.

    The API filters contacts by ``last_updated_time`` too, but contacts can be deleted, and only
    a complete listing lets the loader retire the deleted ones.
    """

    name = "contacts"
    path = "/v2/contacts"


class BookingCalendarsStream(OnceHubStream):
    """Booking calendars (the newer product), full table.

    The list's one filter is ``host`` (a user or team); nothing filters by change time, and
    calendars can be deleted, so only a complete listing keeps the destination equal to OnceHub.
    """

    name = "booking_calendars"
    path = "/v2/booking-calendars"


def _single_action(value: t.Any) -> t.Any:
    """``cancel_reschedule_information`` as the documented object, even if sent as a list.

    The official docs show one object; one generated client types it as a list of them. A list
    becomes its last entry, the most recent cancel/reschedule action, which is what the
    object describes.
    """
    if isinstance(value, list):
        return value[-1] if value else None
    return value
