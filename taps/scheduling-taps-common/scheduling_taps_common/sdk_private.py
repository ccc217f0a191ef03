"""The SDK internals the taps rely on, in one place.

The SDK offers no public way to do these things; each is behind one typed function here, and
``tests/common/test_sdk_contract.py`` fails loudly if the SDK behaviour it relies on changes.
"""

from __future__ import annotations

import logging
import typing as t

from singer_sdk.helpers._state import PROGRESS_MARKERS

if t.TYPE_CHECKING:
    import requests
    from singer_sdk import RESTStream, Stream, Tap
    from singer_sdk.helpers.types import Context
    from singer_sdk.pagination import BaseAPIPaginator

#: What the SDK logs (at ERROR) when a stream's sync raises, before re-raising.
_STREAM_FAILURE_LOG = "An unhandled error occurred while syncing '%s'"


def tap_of(stream: Stream) -> Tap:
    """The tap running ``stream`` (a stream keeps it as ``_tap``)."""
    return stream._tap


def prepare_page_request(
    stream: RESTStream, context: Context | None, paginator: BaseAPIPaginator
) -> requests.PreparedRequest:
    """The request for ``paginator``'s current page, as the SDK's paging loop builds it.

    That is the ``get_http_request`` path. The SDK's loop still honours a stream that overrides
    the deprecated ``prepare_request`` hook instead; the taps' own loop does not, and
    ``tests/common/test_sdk_contract.py`` fails if any stream overrides it.
    """
    return stream._prepare_request(context=context, page=paginator)


def send_request(stream: RESTStream) -> t.Callable[[requests.PreparedRequest, Context | None], requests.Response]:
    """The SDK's one-request function (authenticate, send, validate), for ``request_decorator``."""
    return stream._request


def stamp_records_with_version(stream: Stream, version: int) -> None:
    """Every RECORD ``stream`` writes from now on carries ``version``.

    That is the SDK's table version, which it otherwise sets only when it sends its own
    ACTIVATE_VERSION, before the records.
    """
    stream._stream_version = version


def keep_previous_bookmark(state: dict[str, t.Any]) -> None:
    """Drop this run's progress from an unsorted incremental stream's ``state``.

    Called before the SDK finalises the state, so the bookmark the run started from stays (the
    SDK promotes the progress markers to the bookmark when the stream ends).
    """
    state.pop(PROGRESS_MARKERS, None)




#: The SDK's log lines that repeat per parent record or say what the taps already handle, as
#: the SDK writes them (message templates): quiet unless the log level is DEBUG.
_CHATTER = frozenset(
    {
        "Beginning sync of '%s' in %s mode",
        "Beginning sync of '%s' in %s mode with context keys: %s",
        "Starting incremental sync of '%s' with bookmark value: %s",
        "Added '%s' as child stream to '%s'",
        "Skipping parse of env var settings...",
        # Our unsorted streams save their bookmark at the end of the stream on purpose.
        "Stream is assumed to be unsorted, progress is not resumable if interrupted",
        _STREAM_FAILURE_LOG,
    }
)


class _QuietSdkChatter(logging.Filter):
    """Drops :data:`_CHATTER` lines, unless their logger is at DEBUG level."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg not in _CHATTER:
            return True
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


_QUIET = _QuietSdkChatter()


def quiet_sdk_chatter(metrics_logger: logging.Logger) -> None:
    """Keep the SDK's per-parent and per-request lines out of an INFO log.

    The filter goes on the root logger's handlers (a logger's own filters do not apply to the
    records of its child loggers, such as each stream's); the SDK's METRIC lines go up to
    WARNING. At DEBUG level (``<TAP>_LOGLEVEL=DEBUG``) everything stays.
    """
    for handler in logging.getLogger().handlers:
        if _QUIET not in handler.filters:
            handler.addFilter(_QUIET)
    if not metrics_logger.isEnabledFor(logging.DEBUG):
        metrics_logger.setLevel(logging.WARNING)
