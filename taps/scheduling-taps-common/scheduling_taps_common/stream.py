"""The REST stream every scheduling tap builds on: retries, pacing, errors that say what to fix."""

from __future__ import annotations

import datetime as dt
import json
import typing as t
from collections import deque
from functools import cached_property
from urllib.parse import urlparse

import backoff
import requests
from singer_sdk import RESTStream
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.pagination import SinglePagePaginator
from typing_extensions import override

from scheduling_taps_common import sdk_private
from scheduling_taps_common.decoding import RecordDecoder
from scheduling_taps_common.pages import PageShape, request_line
from scheduling_taps_common.retry import MAX_RETRIES, RETRY_STATUSES, backoff_waits
from scheduling_taps_common.snapshots import SnapshotStream
from scheduling_taps_common.tap import in_request_pool

if t.TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterable, Iterator
    from concurrent.futures import Future

    from singer_sdk.helpers.types import Context

    from scheduling_taps_common.pacing import RequestPacer
    from scheduling_taps_common.tap import SchedulingTap

_TToken = t.TypeVar("_TToken")

#: Longest excerpt of an error body quoted in a message.
_BODY_EXCERPT = 300

#: What a request may fail with and still be worth repeating: the retry statuses (raised as
#: RetriableAPIError by validate_response) and the transport failures the SDK retries too.
RETRIED_ERRORS: tuple[type[Exception], ...] = (
    RetriableAPIError,
    ConnectionResetError,
    requests.exceptions.Timeout,
    requests.exceptions.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)

#: A bookmark never passes the sync's start minus this margin, so a change written while the
#: sync runs, or stamped by a server clock slightly behind ours, is read again next run.
CLOCK_SKEW_MARGIN = dt.timedelta(minutes=1)


class ParentVanishedError(FatalAPIError):
    """A child request answered 404: its parent was deleted after the parent list was read."""


class SchedulingAPIStream(SnapshotStream, RESTStream[_TToken]):
    """Base stream: retries, pacing, clear fatal errors, checked pages, deletions propagated.

    The base URL is ``api_url``; the retry policy and the request pacer are shared; pages are
    checked against the API's :class:`~scheduling_taps_common.pages.PageShape`; full-table
    streams that set ``marks_complete_snapshots`` end a complete listing with ACTIVATE_VERSION
    (:mod:`scheduling_taps_common.snapshots`).

    Subclasses (one per API) set ``page_shape`` and ``credential_setting`` (so that a 401 names
    the setting to fix), and may override :meth:`api_error_detail` to read the vendor's error body.
    """

    #: What a well-formed page of this endpoint looks like; anything else stops the run.
    page_shape: t.ClassVar[PageShape]

    #: The shared decoding brings every value to its declared type and drops undeclared top-level
    #: fields (:mod:`scheduling_taps_common.decoding`), and the contract tests hold every nested
    #: field declared: the SDK's own per-value conforming (a third of a tap's time per record)
    #: would only repeat it.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE

    #: Name of the tap setting holding the credential, quoted in 401/403 messages.
    credential_setting: t.ClassVar[str] = "api_key"

    #: How the API writes the replication key's timestamps (``strftime``), for the bookmark cap;
    #: see :meth:`get_replication_key_signpost`.
    replication_key_format: t.ClassVar[str | None] = None

    #: The API documents its zone-less timestamps as UTC: decode them to RFC 3339 UTC.
    naive_datetimes_are_utc: t.ClassVar[bool] = False

    @property
    def tap(self) -> SchedulingTap:
        """The tap running this stream."""
        return t.cast("SchedulingTap", sdk_private.tap_of(self))

    @property
    @override
    def url_base(self) -> str:
        return str(self.config["api_url"]).rstrip("/")

    @property
    def credential(self) -> str:
        """The credential setting's value, stripped.

        A key pasted with a trailing newline would make ``requests`` raise an error that quotes
        the header, i.e. print the key.
        """
        return str(self.config[self.credential_setting]).strip()

    @property
    @override
    def timeout(self) -> int:
        return self.tap.request_timeout

    # -- retries ----------------------------------------------------------------------------

    @override
    def backoff_wait_generator(self) -> Generator[float, t.Any, None]:
        return backoff_waits()

    @override
    def backoff_max_tries(self) -> int:
        return MAX_RETRIES + 1

    @override
    def backoff_jitter(self, value: float) -> float:
        # Waits are exact: Retry-After must be honoured as sent, and 2/4/8 s is already spread.
        return value

    @override
    def request_decorator(self, func: Callable) -> Callable:
        pacer = self.request_pacer

        reporter, name = self.tap.sync_reporter, self.name

        def paced(*args: t.Any, **kwargs: t.Any) -> t.Any:
            pacer.wait()
            reporter.count_request(name)
            return func(*args, **kwargs)

        # Pacing sits inside the retry loop, so retries are paced too. The SDK's decorator would
        # also pass its logger to `backoff`, which logs every retry and the give-up again, with
        # the request's repr; backoff_handler logs one readable line instead.
        return backoff.on_exception(
            self.backoff_wait_generator,
            RETRIED_ERRORS,
            max_tries=self.backoff_max_tries,
            on_backoff=self.backoff_handler,
            jitter=self.backoff_jitter,
            logger=None,
        )(paced)

    @override
    def backoff_handler(self, details: t.Any) -> None:
        error = details.get("exception")
        prepared = next((a for a in details.get("args", ()) if isinstance(a, requests.PreparedRequest)), None)
        method = prepared.method if prepared is not None else "GET"
        path = urlparse(prepared.url).path if prepared is not None and prepared.url else self.path
        if isinstance(error, RetriableAPIError) and error.response is not None:
            cause = f"HTTP {error.response.status_code} {error.response.reason}"
        else:
            cause = type(error).__name__ if error is not None else "an error"
        self.logger.warning(
            "Retrying %s %s in %.1f s after %s (retry %d of %d).",
            method,
            path,
            details.get("wait") or 0.0,
            cause,
            details.get("tries", 0),
            MAX_RETRIES,
        )

    @property
    def request_pacer(self) -> RequestPacer:
        """The tap's pacer: vendors count requests per account, not per endpoint."""
        return self.tap.request_pacer

    # -- errors -----------------------------------------------------------------------------

    @override
    def validate_response(self, response: requests.Response) -> None:
        status = response.status_code
        if status in RETRY_STATUSES:
            raise RetriableAPIError(self.response_error_message(response), response)
        if status == 404 and self.parent_stream_type is not None:
            raise ParentVanishedError(self.response_error_message(response))
        if status >= 400:
            raise FatalAPIError(self.fatal_error_message(response))

    def response_error_message(self, response: requests.Response) -> str:
        """One line naming the request and the API's own explanation; never headers or secrets."""
        message = f"HTTP {response.status_code} {response.reason} for {request_line(response)}"
        detail = self.api_error_detail(response)
        return f"{message}: {detail}" if detail else message

    def fatal_error_message(self, response: requests.Response) -> str:
        """The error line plus what the user should change."""
        message = self.response_error_message(response)
        hint = self.fatal_error_hint(response)
        return f"{message.rstrip('.')}. {hint}" if hint else message

    def fatal_error_hint(self, response: requests.Response) -> str:
        """What the user should change after this fatal answer ("" when nothing to say)."""
        status = response.status_code
        if status == 401:
            return (
                f"The API rejected the credential: check the `{self.credential_setting}` setting "
                f"(and that `api_url` points at the right API)."
            )
        if status == 403:
            return (
                f"The credential in `{self.credential_setting}` is valid but lacks permission "
                "for this resource."
            )
        if status == 404:
            return "Check the `api_url` setting: the API has no such resource there."
        return ""

    def api_error_detail(self, response: requests.Response) -> str:
        """The API's explanation from an error body (JSON message fields, else a text excerpt)."""
        try:
            body = response.json()
        except ValueError:
            text = " ".join(response.text.split())
            return text[:_BODY_EXCERPT]
        return _message_from_error_body(body)[:_BODY_EXCERPT]

    # -- records ----------------------------------------------------------------------------

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        reporter = self.tap.sync_reporter
        if self.parent_stream_type is not None:
            report = reporter.report(self.name)
            report.parents += 1
            report.parent_stream = self.parent_stream_name
            yield from self._records_of_a_parent(context)
            return
        reporter.started(self.name, self.logger, self.sync_mode())
        records = self._with_children_read_ahead(self.read_records(context))
        if self.propagates_deletions:
            yield from self.complete_listing(records)
        else:
            yield from records
        reporter.finished(self.name, self.logger, children=self.selected_descendants())

    def read_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """This stream's records for ``context``: the SDK's requests and pages.

        :meth:`get_records` adds what every stream does around them (the log lines, deletions,
        the rule for vanished parents); a stream that gets its records another way overrides this.
        A child stream whose list was read ahead for ``context`` takes that list.
        """
        ahead = self._read_ahead.pop(_context_key(context), None) if context else None
        if ahead is None:
            yield from super().get_records(context)
            return
        try:
            records = ahead.result()
        except _ReadAheadStoppedError as stopped:
            raise stopped.cause from None
        yield from records

    # -- per-parent lists read ahead ---------------------------------------------------------

    @cached_property
    def _read_ahead(self) -> dict[tuple[t.Any, ...], Future[list[dict[str, t.Any]]]]:
        return {}

    def _with_children_read_ahead(self, records: Iterable[dict[str, t.Any]]) -> Iterator[dict[str, t.Any]]:
        """``records``, while the lists of their child streams are fetched ahead, in parallel.

        The SDK reads a child stream for each parent record, one after the other, so a parent-child
        sync spends its time waiting for one child request at a time. Here, as parent records
        arrive, the child lists of the next ones are already requested from the tap's pool
        (``parallel_requests`` threads, every request through the shared pacer); the parent
        records are handed on in order, at most a window ahead, and each child stream then takes
        its list in order: the output is the same as one by one, memory holds only the window,
        and an error surfaces exactly where the child would have met it.
        """
        workers = self.tap.parallel_requests
        readers = [
            child
            for child in self.child_streams
            if isinstance(child, SchedulingAPIStream) and child.selected and not child.child_streams
        ]
        if workers <= 1 or not readers:
            yield from records
            return
        window: deque[dict[str, t.Any]] = deque()
        try:
            for record in records:
                context = self.get_child_context(record, None)
                if context is not None:
                    for child in readers:
                        child.read_ahead(context)
                window.append(record)
                if len(window) >= 2 * workers:
                    yield window.popleft()
            while window:
                yield window.popleft()
        finally:
            for child in readers:
                child.cancel_read_ahead()

    def read_ahead(self, context: Context) -> None:
        """Start fetching this child stream's list for ``context`` in the tap's pool.

        Once one list fails for good (a revoked key, a 5xx past the retries), the lists still
        queued are not requested: the run stops at that parent as it would one by one.
        """
        tap = self.tap

        def fetch() -> list[dict[str, t.Any]]:
            if tap.read_ahead_failure is not None:
                raise _ReadAheadStoppedError(tap.read_ahead_failure)
            try:
                return list(RESTStream.get_records(self, context))
            except ParentVanishedError:
                raise  # only this parent is skipped
            except Exception as error:
                tap.read_ahead_failure = tap.read_ahead_failure or error
                raise

        self._read_ahead[_context_key(context)] = tap.request_pool.submit(fetch)

    def cancel_read_ahead(self) -> None:
        """Drop the lists fetched ahead and not taken (the parent listing ended early)."""
        for future in self._read_ahead.values():
            future.cancel()
        self._read_ahead.clear()

    @cached_property
    def parent_stream_name(self) -> str | None:
        """The name of the stream whose records this child stream is read for."""
        parent = self.parent_stream_type
        return next((s.name for s in self.tap.streams.values() if parent and type(s) is parent), None)

    def sync_mode(self) -> str:
        """How this run reads the stream, for the log: full table, or incremental from where."""
        if not self.replication_key:
            return "full table"
        start = self.get_starting_replication_key_value(None)
        return f"incremental on `{self.replication_key}` from {start}" if start else "incremental, from the beginning"

    def selected_descendants(self) -> list[str]:
        """Names of the selected child streams read along with this one, depth first."""
        names = []
        for child in self.child_streams:
            if child.selected:
                names.append(child.name)
                if isinstance(child, SchedulingAPIStream):
                    names += child.selected_descendants()
        return names

    def progress_detail(self) -> str:
        """What a progress line adds to the counts; empty by default.

        An API that announces its page count says which page of how many.
        """
        return ""

    def parent_context(self, context: Context | None) -> Context:
        """A child stream's ``context``: the child context its parent record gave (never None)."""
        if context is None:
            raise TypeError(f"'{self.name}' is read once per parent record, and was called without one")
        return context

    def _records_of_a_parent(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        # One rule for every child stream: a parent deleted between its listing and the request
        # for its children (404) is skipped with a warning, because it has no children any more
        # and the parent's own row is the parent listing's business. 401/403 stay fatal.
        try:
            yield from self.read_records(context)
        except ParentVanishedError as error:
            self.logger.warning("Skipping '%s' of a parent that vanished during the sync: %s", self.name, error)

    @override
    def request_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """The SDK's paging loop, with the next page requested while this one's records are written.

        The request for page n+1 depends only on page n's answer, so it goes out (from the tap's
        request pool, through the same retries and pacer) as soon as page n is decoded, and the
        network wait overlaps with the work on page n's records. Records come out in the same
        order, and a failure surfaces at the same place: a page that cannot be advanced from
        raises after its records, a failed request where the loop would have sent it. Lists read
        inside the pool (per-parent lists read ahead) go page after page.
        """
        if in_request_pool():
            yield from super().request_records(context)
            return
        paginator = self.get_new_paginator() or SinglePagePaginator()
        send = self.request_decorator(sdk_private.send_request(self))

        def fetch() -> tuple[requests.PreparedRequest, requests.Response]:
            prepared = sdk_private.prepare_page_request(self, context, paginator)
            return prepared, send(prepared, context)

        pool = self.tap.request_pool
        with self.get_http_request_counter() as request_counter:
            request_counter.with_context(context)
            pending: Future[tuple[requests.PreparedRequest, requests.Response]] | None = pool.submit(fetch)
            while pending is not None:
                prepared, response = pending.result()
                pending = None
                request_counter.increment()
                self.update_sync_costs(prepared, response, context)
                records = list(self.parse_response(response))
                if not records and not paginator.continue_if_empty(response):
                    break
                stopped: Exception | None = None
                try:
                    paginator.advance(response)
                except Exception as error:  # raised again after this page's records
                    stopped = error
                if stopped is None and not paginator.finished:
                    pending = pool.submit(fetch)
                yield from records
                if stopped is not None:
                    raise stopped

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        yield from self.page_shape.records_of(response)

    @cached_property
    def record_decoder(self) -> RecordDecoder:
        """This stream's tolerant decoding (see :mod:`scheduling_taps_common.decoding`)."""
        return RecordDecoder(
            self.schema, naive_datetimes_are_utc=self.naive_datetimes_are_utc, on_undeclared=self._report_undeclared
        )

    def _report_undeclared(self, names: list[str]) -> None:
        self.logger.warning(
            "'%s' records carry fields its schema does not declare, dropped: %s.", self.name, ", ".join(names)
        )

    @override
    def post_process(self, row: dict[str, t.Any], context: Context | None = None) -> dict[str, t.Any] | None:
        # Subclasses that add their own post-processing call this last, for the rows they keep.
        reporter = self.tap.sync_reporter
        reporter.report(self.name).records += 1
        reporter.progress(self.name, self.logger, self.progress_detail())
        return self.record_decoder(row)

    # -- bookmarks --------------------------------------------------------------------------

    @override
    def get_replication_key_signpost(self, context: Context | None = None) -> t.Any:
        """The sync's start minus :data:`CLOCK_SKEW_MARGIN`, in the API's own timestamp format.

        The SDK caps a bookmark at the signpost by comparing the two as strings; its own
        signpost (an ISO string with microseconds and ``+00:00``) compares wrongly with values
        such as ``2026-01-02T10:00:00Z`` in the same second, so the cap is written the way the
        API writes the key.
        """
        if self.replication_key_format is None:
            return super().get_replication_key_signpost(context)
        started = dt.datetime.fromtimestamp(self.tap.initialized_at / 1000, tz=dt.timezone.utc)
        return (started - CLOCK_SKEW_MARGIN).strftime(self.replication_key_format)


class WholeResourceStream(SchedulingAPIStream[t.Any]):
    """A resource answered whole in one response to a request without parameters (``GET /me``).

    Put it first among a stream's bases, before the API's own base stream, whose paging it turns off.
    """

    @override
    def get_new_paginator(self) -> None:
        return None

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any | None) -> dict[str, t.Any]:
        return {}


class _ReadAheadStoppedError(Exception):
    """A list not requested because an earlier one failed (``cause``)."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _context_key(context: Context) -> tuple[t.Any, ...]:
    return tuple(sorted(context.items()))


def _message_from_error_body(body: t.Any) -> str:
    """Pull a human message out of the usual error body shapes of the five APIs."""
    if isinstance(body, dict):
        parts = [str(body[key]) for key in ("title", "name", "type") if body.get(key)]
        for key in ("message", "detail", "error", "error_description"):
            if body.get(key):
                parts.append(str(body[key]))
                break
        errors = body.get("errors") or body.get("details")
        if isinstance(errors, list) and errors:
            parts.append(json.dumps(errors[:3], default=str))
        if parts:
            return " - ".join(dict.fromkeys(parts))
    return json.dumps(body, default=str)
