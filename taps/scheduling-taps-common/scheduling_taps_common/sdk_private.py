"""The SDK internals the taps rely on, in one place.

The SDK offers no public way to do these things; each is behind one typed function here, and
``tests/common/test_sdk_contract.py`` fails loudly if the SDK behaviour it relies on changes.
"""

from __future__ import annotations

import typing as t

from singer_sdk.helpers._state import PROGRESS_MARKERS

if t.TYPE_CHECKING:
    from singer_sdk import Stream, Tap

#: What the SDK logs (at ERROR) when a stream's sync raises, before re-raising.
_STREAM_FAILURE_LOG = "An unhandled error occurred while syncing '%s'"


def tap_of(stream: Stream) -> Tap:
    """The tap running ``stream`` (a stream keeps it as ``_tap``)."""
    return stream._tap


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


def is_stream_failure_log(message: str) -> bool:
    """Whether ``message`` is the SDK's generic log line for a stream whose sync raised.

    The taps log the cause in one line of their own, so this line is only noise next to it.
    """
    return message == _STREAM_FAILURE_LOG
