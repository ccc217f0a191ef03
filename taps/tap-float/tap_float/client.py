"""The Float base streams: Bearer auth, bare-array pages, ``page``/``per-page`` paging.

Incremental streams read on ``modified`` through ``modified_since``.
"""

from __future__ import annotations

import datetime as dt
import logging
import typing as t

from singer_sdk import SchemaDirectory, StreamSchema
from singer_sdk.authenticators import BearerTokenAuthenticator
from singer_sdk.exceptions import FatalAPIError
from singer_sdk.pagination import BaseAPIPaginator, PageNumberPaginator, SinglePagePaginator
from typing_extensions import override

from scheduling_taps_common import PageShape, SchedulingAPIStream, malformed, page_body, sdk_private
from scheduling_taps_common.settings import parse_datetime
from tap_float import schemas

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import requests
    from singer_sdk.helpers.types import Context

SCHEMAS_DIR = SchemaDirectory(schemas)

#: Float's maximum ``per-page`` (default 50): fewer requests per record.
PAGE_SIZE = 200

#: Float's timestamp format: UTC, whole seconds, no zone (``2026-03-17 07:42:52``). The filter
#: ``modified_since`` takes it; records carry it (decoded to :data:`RFC3339_UTC`).
FLOAT_TIMESTAMP = "%Y-%m-%d %H:%M:%S"

#: How the decoded ``modified`` is written (``2026-03-17T07:42:52Z``), and so the bookmark.
RFC3339_UTC = "%Y-%m-%dT%H:%M:%SZ"


class FloatPaginator(PageNumberPaginator):
    """Page numbers from 1; stops on the last page announced by ``X-Pagination-*`` headers.

    Float runs on Yii2, whose default answers a page past the end with the last page again, so
    "read until an empty page" may never end: the headers are the end signal. Without them (a
    proxy may strip headers), a short page is the last one.

    Every answer must be the page asked for (``X-Pagination-Current-Page``). The one legitimate
    exception is a list that shrank while it was read: Yii2 then clamps a page number past the
    new end to the new last page, which this paginator recognises (the total dropped and the
    answer is the new last page) as the end of a changed list. Any other mismatch is a
    malformed answer, never the end of the list.
    """

    #: Header names for the page count: Float's documented one, and the one PostHog reads.
    PAGE_COUNT_HEADERS = ("X-Pagination-Page-Count", "X-Pagination-Pages")

    def __init__(self, page_size: int = PAGE_SIZE) -> None:
        super().__init__(start_value=1)
        self.page_size = page_size
        self._size: tuple[int | None, int | None] | None = None  # (total, page count) of the last page
        #: True when the list grew or shrank between two pages: rows may have shifted across
        #: a page boundary, so this read may have missed one and is not a complete listing.
        self.list_changed = False
        #: True when it shrank: a row may have slid onto a page already read and been missed.
        self.list_shrank = False

    @override
    def has_more(self, response: requests.Response) -> bool:
        if response.status_code == 204:
            return False
        page_count = _int_header(response, *self.PAGE_COUNT_HEADERS)
        shrank = self._watch_size(_int_header(response, "X-Pagination-Total-Count"), page_count)
        current = _int_header(response, "X-Pagination-Current-Page")
        if current is not None and current != self.current_value:
            if shrank and page_count is not None and current == page_count < self.current_value:
                return False  # the list shrank under us and the server clamped our page number
            raise malformed(response, f"asked for page {self.current_value}, the answer is page {current}")
        if page_count is not None:
            return self.current_value < page_count
        return len(page_body(response)) >= self.page_size

    @property
    def page_count(self) -> int | None:
        """The number of pages the last answer announced, if it announced one."""
        return self._size[1] if self._size is not None else None

    def _watch_size(self, total: int | None, page_count: int | None) -> bool:
        """Record the list's size; True when it is smaller than on an earlier page."""
        size = (total, page_count)
        previous, self._size = self._size, size
        if previous is None:
            return False
        known = zip(size, previous, strict=True)
        pairs = [(now, before) for now, before in known if now is not None and before is not None]
        shrank = any(now < before for now, before in pairs)
        grew = any(now > before for now, before in pairs)
        self.list_changed = self.list_changed or shrank or grew
        self.list_shrank = self.list_shrank or shrank
        return shrank


class FloatStream(SchedulingAPIStream[int]):
    """A Float list endpoint: the body is a bare JSON array of records."""

    page_shape = PageShape(records=None)  # a bare JSON array
    #: Float documents its zone-less timestamps (``2026-03-17 07:42:52``) as UTC: records carry
    #: them as RFC 3339 UTC (``2026-03-17T07:42:52Z``), so loaders type them as timestamps.
    naive_datetimes_are_utc = True
    schema: t.ClassVar[StreamSchema] = StreamSchema(SCHEMAS_DIR)
    credential_setting = "api_token"
    #: A full-table stream lists everything every run: once the last page is read, the loader
    #: may retire the rows Float no longer lists (deleted records).
    marks_complete_snapshots = True

    #: The paginator of the current listing (the SDK makes one per read).
    paginator: FloatPaginator | None = None

    @property
    @override
    def authenticator(self) -> BearerTokenAuthenticator:
        return BearerTokenAuthenticator(token=self.credential)

    @override
    def get_new_paginator(self) -> FloatPaginator:
        self.paginator = FloatPaginator(PAGE_SIZE)
        return self.paginator

    @override
    def progress_detail(self) -> str:
        # Float announces its page count (X-Pagination-Page-Count): say how far the read is.
        if self.paginator is None or self.paginator.page_count is None:
            return ""
        return f"page {self.paginator.current_value} of {self.paginator.page_count}"

    @override
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

    @override
    def get_url_params(self, context: Context | None, next_page_token: int | None) -> dict[str, t.Any]:
        return {"page": next_page_token or 1, "per-page": PAGE_SIZE}

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        if response.status_code == 204:
            return  # /status answers 204 with no body when there is nothing to list
        # Anything else must be JSON: an empty 200 is an error, never "no records" (a full-table
        # listing taken as complete and empty would retire every row in the destination).
        yield from super().parse_response(response)

    @override
    def fatal_error_hint(self, response: requests.Response) -> str:
        if response.status_code == 403 and "html" in response.headers.get("Content-Type", ""):
            # Float's edge answers a request without Authorization with an HTML 403.
            return f"Float received no credential: set the `{self.credential_setting}` setting."
        return super().fatal_error_hint(response)


class IncrementalFloatStream(FloatStream):
    """A list endpoint read incrementally: ``modified_since`` = the bookmark (or ``start_date``).

    ``modified`` arrives as Float writes it (``YYYY-MM-DD HH:MM:SS``, UTC) and is emitted in
    RFC 3339 UTC, so the bookmark is an RFC 3339 string too (it sorts like the instant it names);
    ``modified_since`` is sent in Float's own format. A bookmark saved in Float's format by an
    earlier version of the tap still works: both formats are read as UTC instants. Float's filter
    is "modified at or after", so the boundary records are read again and the target's upsert on
    the primary key keeps one row.
    """

    replication_key = "modified"
    replication_key_format = RFC3339_UTC
    is_sorted = False  # Float pages by id, not by modified: the bookmark is saved at the end
    marks_complete_snapshots = False  # a read filtered by modified_since is not a complete list

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        yield from super().get_records(context)
        if self.paginator is not None and self.paginator.list_shrank:
            # A row deleted from a page already read slides the next page's first row onto it:
            # that row was missed, and its `modified` may be old. Keeping the bookmark this run
            # started from makes the next run read it (the rows read twice are merged by key).
            self.logger.warning(
                "The '%s' list shrank while it was read: keeping the previous bookmark, so the "
                "next run reads again what may have been missed.",
                self.name,
            )
            sdk_private.keep_previous_bookmark(self.stream_state)

    @override
    def post_process(self, row: dict[str, t.Any], context: Context | None = None) -> dict[str, t.Any] | None:
        decoded = super().post_process(row, context)
        if decoded is not None:
            # Float's own examples include records without `modified` (a person as the
            # importing-your-team tutorial shows it): the SDK reads the key to move the bookmark,
            # and a missing one would stop the run. Null says the same and leaves the bookmark.
            decoded.setdefault(self.replication_key, None)
        return decoded

    @override
    def get_url_params(self, context: Context | None, next_page_token: int | None) -> dict[str, t.Any]:
        params = super().get_url_params(context, next_page_token)
        since = self.get_starting_replication_key_value(context)
        if since:
            params["modified_since"] = to_float_timestamp(since)
        return params

    @override
    def compare_start_date(self, value: str, start_date_value: str) -> str:
        # The bookmark (RFC 3339, or Float's format when an earlier version saved it) and
        # start_date (any ISO-8601) compare as instants; the one that wins is kept as written.
        return max(value, start_date_value, key=parse_datetime)


def to_float_timestamp(value: str) -> str:
    """A bookmark or ``start_date`` in the format ``modified_since`` takes (UTC, whole seconds)."""
    return parse_datetime(value).strftime(FLOAT_TIMESTAMP)


#: Entries per request of a delete log (Float's maximum ``limit`` there).
DELETE_LOG_PAGE_SIZE = 500
#: The setting that turns the delete logs on (default) or off.
READ_DELETE_LOGS = "read_delete_logs"
#: Where a stream keeps its delete log's bookmark, beside the SDK's own keys.
DELETE_LOG_BOOKMARK = "delete_log_bookmark"
#: The Singer field that tells a loader a record was deleted at the source.
DELETED_AT = "_sdc_deleted_at"


class DeleteLogPaginator(BaseAPIPaginator[str | None]):
    """Float's delete logs page by an opaque cursor, ``X-Pagination-Next-Cursor``.

    The next request sends it as ``cursor=``. No cursor (or an empty one) ends the log; a cursor
    seen before is a malformed answer (it would read the same page forever).
    """

    NEXT_CURSOR_HEADER = "X-Pagination-Next-Cursor"

    def __init__(self) -> None:
        super().__init__(start_value=None)
        self._seen: set[str] = set()

    @override
    def get_next(self, response: requests.Response) -> str | None:
        cursor = (response.headers.get(self.NEXT_CURSOR_HEADER) or "").strip() or None
        if cursor is not None and cursor in self._seen:
            raise malformed(response, f"the delete log's next cursor {cursor!r} was already read")
        if cursor is not None:
            self._seen.add(cursor)
        return cursor


class DeleteLogStream(FloatStream):
    """A stream whose records Float can delete and lists in a delete log (``delete_log_path``).

    After its own list, the stream reads the log and emits, for each entry, a record of this
    stream with the key and ``_sdc_deleted_at`` (the deletion time): the loader then removes the
    row (``hard_delete``) or marks it. Singer has no way for another stream to write to this
    stream's table, so the log is read by the stream itself, with its own bookmark in the stream's
    state (``delete_log_bookmark``: the newest deletion time read). Float offers no filter on the
    log, so every run reads the whole log (Float keeps a few days of it) and skips the entries
    older than the bookmark; the bookmark moves only once the whole log has been read.
    """

    #: The delete log's path (``/deleted/tasks``, ...).
    delete_log_path: t.ClassVar[str]
    _reading_delete_log = False

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        # A deletion record has no replication key value, by nature: the SDK's warning about a
        # null value would follow every deletion, so it is dropped while the log is read.
        logging.getLogger("singer_sdk").addFilter(self._expected_null_bookmark)

    def _expected_null_bookmark(self, record: logging.LogRecord) -> bool:
        return not (self._reading_delete_log and record.getMessage() == "New replication value is null")

    @property
    def reads_delete_log(self) -> bool:
        """Whether the ``read_delete_logs`` setting is on (true when unset)."""
        value = self.config.get(READ_DELETE_LOGS)
        return True if value is None else bool(value)

    @override
    def read_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        yield from super().read_records(context)
        if self.reads_delete_log:
            yield from self.read_delete_log(context)

    def read_delete_log(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """One record per entry of the delete log at or after the bookmark: key and deletion time."""
        state = self.stream_state
        since = state.get(DELETE_LOG_BOOKMARK)
        newest = since
        self._reading_delete_log = True
        try:
            for entry in self.request_records(context):
                record = self.deletion_record(entry)
                deleted_at = record[DELETED_AT]
                if since and deleted_at and parse_datetime(deleted_at) < parse_datetime(since):
                    continue  # read and loaded on an earlier run
                if deleted_at and (newest is None or parse_datetime(deleted_at) > parse_datetime(newest)):
                    newest = deleted_at
                processed = self.post_process(record, context)
                if processed is not None:
                    yield processed
        finally:
            self._reading_delete_log = False
        if newest is not None:
            state[DELETE_LOG_BOOKMARK] = newest  # the whole log was read: nothing before it is left

    def deletion_record(self, entry: dict[str, t.Any]) -> dict[str, t.Any]:
        """``entry`` of the delete log as a record of this stream: its key and ``_sdc_deleted_at``."""
        (key,) = self.primary_keys or ()
        identifier = entry.get(key, entry.get("id"))
        if identifier is None:
            msg = f"An entry of Float's {self.delete_log_path} has no id: {entry!r}"
            raise FatalAPIError(msg)
        deleted = next((entry[name] for name in ("timestamp", "deleted", "deleted_at") if entry.get(name)), None)
        if deleted is None:  # no time given: the time it was read is an upper bound
            deleted = dt.datetime.now(dt.timezone.utc).strftime(RFC3339_UTC)
        return {key: identifier, DELETED_AT: deleted}

    @override
    def get_url(self, context: Context | None) -> str:
        if self._reading_delete_log:
            return f"{self.url_base}{self.delete_log_path}"
        return super().get_url(context)

    @override
    def get_new_paginator(self) -> FloatPaginator:
        if self._reading_delete_log:
            return t.cast("FloatPaginator", DeleteLogPaginator())  # the list's paginator stays
        return super().get_new_paginator()

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict[str, t.Any]:
        if self._reading_delete_log:
            params: dict[str, t.Any] = {"limit": DELETE_LOG_PAGE_SIZE}
            if next_page_token:
                params["cursor"] = next_page_token
            return params
        return super().get_url_params(context, next_page_token)

    @override
    def progress_detail(self) -> str:
        return "delete log" if self._reading_delete_log else super().progress_detail()


#: The report window's settings: fixed dates, or a rolling number of days ending today (UTC).
REPORT_START_DATE = "report_start_date"
REPORT_END_DATE = "report_end_date"
REPORT_WINDOW_DAYS = "report_window_days"
#: Days of the rolling window when neither date is set: the last 30 days, today included.
DEFAULT_REPORT_WINDOW_DAYS = 30


class ReportWindowError(ValueError):
    """A report-window setting that cannot be used; the message names the setting."""


def report_window(config: Mapping[str, t.Any], today: dt.date) -> tuple[dt.date, dt.date]:
    """The dates (inclusive) the report streams ask for, from the settings; ``today`` is UTC.

    Both dates set: that window. Only ``report_start_date``: from it to today. Only
    ``report_end_date``: the ``report_window_days`` days ending on it. Neither: the
    ``report_window_days`` days ending today. :class:`ReportWindowError` names a bad setting.
    """
    days = config.get(REPORT_WINDOW_DAYS)
    days = DEFAULT_REPORT_WINDOW_DAYS if days is None else days
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        msg = f"`{REPORT_WINDOW_DAYS}`: {days!r} is not a whole number of days of at least 1"
        raise ReportWindowError(msg)
    start, end = (_report_date(config, name) for name in (REPORT_START_DATE, REPORT_END_DATE))
    if start is not None and end is None and start > today:
        msg = (
            f"`{REPORT_START_DATE}`: {start} is after today ({today}), where the window ends without "
            f"`{REPORT_END_DATE}`; set `{REPORT_END_DATE}` too"
        )
        raise ReportWindowError(msg)
    end = end or today
    start = start or end - dt.timedelta(days=days - 1)
    if end < start:
        msg = f"`{REPORT_END_DATE}`: {end} is before `{REPORT_START_DATE}` ({start})"
        raise ReportWindowError(msg)
    return start, end


def report_window_problems(config: Mapping[str, t.Any], today: dt.date) -> list[str]:
    """Why the report-window settings cannot be used (empty when they can), one line each."""
    problems = []
    try:
        report_window({REPORT_WINDOW_DAYS: config.get(REPORT_WINDOW_DAYS)}, today)
    except ReportWindowError as error:
        problems.append(str(error))
        config = {**config, REPORT_WINDOW_DAYS: None}  # the dates are checked on their own
    try:
        report_window(config, today)
    except ReportWindowError as error:
        problems.append(str(error))
    return problems


def _report_date(config: Mapping[str, t.Any], name: str) -> dt.date | None:
    raw = config.get(name)
    if raw is None or raw == "":
        return None
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        msg = f"`{name}`: {raw!r} is not a date (YYYY-MM-DD, e.g. 2025-01-31)"
        raise ReportWindowError(msg) from None


class FloatReportStream(FloatStream):
    """A Float report (``/reports/people``, ``/reports/projects``): aggregates over a window.

    One row per person or project, each an aggregate over the requested window
    (``start_date``/``end_date``, both included). The answer is one JSON object holding the rows
    under a member named like the report (``{"people": [...]}``), not paged. The rows do not
    say which window they cover, so the tap adds it (``report_start_date``,
    ``report_end_date``), and both are part of the key: a re-run over the same window replaces
    its rows, another window adds its own. The window comes from the settings
    (:func:`report_window`), computed once per run.

    Full table per window, with no ACTIVATE_VERSION: the table holds the rows of every window
    read so far, and a listing of one window says nothing about the rows of the others.
    """

    marks_complete_snapshots = False

    @property
    def window(self) -> tuple[dt.date, dt.date]:
        """This run's window: ``today`` is the day the run started (UTC)."""
        started = dt.datetime.fromtimestamp(self.tap.initialized_at / 1000, tz=dt.timezone.utc)
        return report_window(self.config, started.date())

    @override
    def get_new_paginator(self) -> FloatPaginator:
        # One answer holds the whole report: no page parameters, no page headers.
        return t.cast("FloatPaginator", SinglePagePaginator())

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict[str, t.Any]:
        start, end = self.window
        return {"start_date": start.isoformat(), "end_date": end.isoformat()}

    @override
    def post_process(self, row: dict[str, t.Any], context: Context | None = None) -> dict[str, t.Any] | None:
        start, end = self.window
        row[REPORT_START_DATE], row[REPORT_END_DATE] = start.isoformat(), end.isoformat()
        return super().post_process(row, context)


def _int_header(response: requests.Response, *names: str) -> int | None:
    for name in names:
        raw = response.headers.get(name)
        if raw is not None and raw.strip().lstrip("-").isdigit():
            return int(raw)
    return None
