"""The Float base streams: Bearer auth, bare-array pages, ``page``/``per-page`` paging, and
incremental reads on ``modified`` through ``modified_since``."""

from __future__ import annotations

import datetime as dt
import typing as t

from singer_sdk import SchemaDirectory, StreamSchema
from singer_sdk.authenticators import BearerTokenAuthenticator
from singer_sdk.pagination import PageNumberPaginator
from scheduling_taps_common import SchedulingAPIStream

from tap_float import schemas

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context

SCHEMAS_DIR = SchemaDirectory(schemas)

#: Float's maximum ``per-page`` (default 50): fewer requests per record.
PAGE_SIZE = 200

#: Float's timestamp format: UTC, whole seconds, no zone (``2026-03-17 07:42:52``).
FLOAT_TIMESTAMP = "%Y-%m-%d %H:%M:%S"

#: The bookmark never passes the sync's start minus this margin, so a change written while the
#: sync runs, or stamped by a server clock slightly behind ours, is read again next run.
CLOCK_SKEW_MARGIN = dt.timedelta(minutes=1)


class FloatPaginator(PageNumberPaginator):
    """Page numbers from 1; stops on the last page announced by ``X-Pagination-*`` headers.

    Float runs on Yii2, whose default answers a page past the end with the last page again, so
    "read until an empty page" may never end: the headers are the end signal. Without them (a proxy may
    strip headers), a short page is the last one.
    """

    #: Header names for the page count: Float's documented one, and the one PostHog reads.
    PAGE_COUNT_HEADERS = ("X-Pagination-Page-Count", "X-Pagination-Pages")

    def __init__(self, page_size: int = PAGE_SIZE) -> None:
        super().__init__(start_value=1)
        self.page_size = page_size
        self.total_count: int | None = None
        #: True when the list grew or shrank between two pages: rows may have shifted across
        #: a page boundary, so this read may have missed one and is not a complete listing.
        self.list_changed = False

    def has_more(self, response: requests.Response) -> bool:
        if response.status_code == 204:
            return False
        self._watch_total(_int_header(response, "X-Pagination-Total-Count"))
        page_count = _int_header(response, *self.PAGE_COUNT_HEADERS)
        if page_count is not None:
            current = _int_header(response, "X-Pagination-Current-Page")
            if current is not None and current != self.current_value:
                self.list_changed = True  # the list shrank under us, and the server clamped
                return False  # our page number: we are past the end
            return self.current_value < page_count
        return len(response.json()) >= self.page_size

    def _watch_total(self, total: int | None) -> None:
        if total is None:
            return
        if self.total_count is not None and total != self.total_count:
            self.list_changed = True
        self.total_count = total


class FloatStream(SchedulingAPIStream[int]):
    """A Float list endpoint: the body is a bare JSON array of records."""

    records_jsonpath = "$[*]"
    schema: t.ClassVar[StreamSchema] = StreamSchema(SCHEMAS_DIR)
    credential_setting = "api_token"
    #: A full-table stream lists everything every run: once the last page is read, the loader
    #: may retire the rows Float no longer lists (deleted records).
    marks_complete_snapshots = True

    @property
    def authenticator(self) -> BearerTokenAuthenticator:
        return BearerTokenAuthenticator(token=self.credential)

    #: The paginator of the current listing (the SDK makes one per read).
    paginator: FloatPaginator | None = None

    def get_new_paginator(self) -> FloatPaginator:
        self.paginator = FloatPaginator(PAGE_SIZE)
        return self.paginator

    def write_snapshot_complete(self) -> None:
        if self.paginator is not None and self.paginator.list_changed:
            # Page-number paging over a list that changed mid-read can skip a row; marking this
            # listing complete would retire that row. The next run's listing decides instead.
            self.logger.warning(
                "The '%s' list changed while it was read: not marking it complete this run, so "
                "no row is retired by mistake.",
                self.name,
            )
            return
        super().write_snapshot_complete()

    def get_url_params(self, context: Context | None, next_page_token: int | None) -> dict[str, t.Any]:
        return {"page": next_page_token or 1, "per-page": PAGE_SIZE}

    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        if response.status_code == 204:
            return  # /status answers 204 with no body when there is nothing to list
        # Anything else must be JSON: an empty 200 is an error, never "no records" (a full-table
        # listing taken as complete and empty would retire every row in the destination).
        yield from super().parse_response(response)

    def fatal_error_hint(self, response: requests.Response) -> str:
        if response.status_code == 403 and "html" in response.headers.get("Content-Type", ""):
            # Float's edge answers a request without Authorization with an HTML 403.
            return f"Float received no credential: set the `{self.credential_setting}` setting."
        return super().fatal_error_hint(response)


class IncrementalFloatStream(FloatStream):
    """A list endpoint read incrementally: ``modified_since`` = the bookmark (or ``start_date``).

    ``modified`` is kept as Float sends it (a ``YYYY-MM-DD HH:MM:SS`` UTC string), so the
    bookmark is that string too: the format sorts like the instant it names. Float's filter is
    "modified at or after", so the boundary records are read again and the target's upsert on
    the primary key keeps one row.
    """

    replication_key = "modified"
    is_sorted = False  # Float pages by id, not by modified: the bookmark is saved at the end
    marks_complete_snapshots = False  # a read filtered by modified_since is not a complete list

    def get_url_params(self, context: Context | None, next_page_token: int | None) -> dict[str, t.Any]:
        params = super().get_url_params(context, next_page_token)
        since = self.get_starting_replication_key_value(context)
        if since:
            params["modified_since"] = to_float_timestamp(since)
        return params

    def compare_start_date(self, value: str, start_date_value: str) -> str:
        # The bookmark (Float format) and start_date (ISO-8601) compare as instants.
        return max(value, start_date_value, key=parse_timestamp)

    def get_replication_key_signpost(self, context: Context | None = None) -> str:
        # The SDK caps only date-time typed keys at the sync start (it asks once per sync);
        # ours is a Float string, so give the cap in the same format.
        started = dt.datetime.now(dt.timezone.utc) - CLOCK_SKEW_MARGIN
        return started.strftime(FLOAT_TIMESTAMP)


def parse_timestamp(value: str) -> dt.datetime:
    """A Float timestamp (UTC, no zone) or an ISO-8601 date/date-time, as an aware UTC datetime."""
    text = str(value).strip().replace("Z", "+00:00")
    parsed = dt.datetime.fromisoformat(text)  # accepts "YYYY-MM-DD HH:MM:SS" and "YYYY-MM-DD"
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc)


def to_float_timestamp(value: str) -> str:
    return parse_timestamp(value).strftime(FLOAT_TIMESTAMP)


def _int_header(response: requests.Response, *names: str) -> int | None:
    for name in names:
        raw = response.headers.get(name)
        if raw is not None and raw.strip().lstrip("-").isdigit():
            return int(raw)
    return None
