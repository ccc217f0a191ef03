"""What a sync tells a person, and nothing per parent record or per request.

One line when a stream starts, a progress line while it runs long, one line when it ends
(records, requests, seconds).

The SDK's own per-request and per-parent lines (METRIC lines, "Beginning sync of ... with
context keys", "Stream is assumed to be unsorted") are quiet unless the tap's log level is
DEBUG (``TAP_CALENDLY_LOGLEVEL=DEBUG``, or ``LOGLEVEL=DEBUG`` for every tap): see
:func:`scheduling_taps_common.sdk_private.quiet_sdk_chatter`.
"""

from __future__ import annotations

import threading
import time
import typing as t
from dataclasses import dataclass, field

if t.TYPE_CHECKING:
    import logging
    from collections.abc import Callable

#: Seconds between two progress lines of a running stream.
PROGRESS_INTERVAL = 15.0


@dataclass
class StreamReport:
    """What one stream did in this run."""

    records: int = 0
    requests: int = 0
    #: Parent records a child stream was read for, and the parent stream's name.
    parents: int = 0
    parent_stream: str | None = None
    started: float | None = None


@dataclass
class SyncReporter:
    """The reports of one tap run, and when the last progress line went out."""

    interval: float = PROGRESS_INTERVAL
    clock: Callable[[], float] = time.monotonic
    reports: dict[str, StreamReport] = field(default_factory=dict)
    _last_progress: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def report(self, stream: str) -> StreamReport:
        """The report of ``stream`` (created on first use)."""
        return self.reports.setdefault(stream, StreamReport())

    def count_request(self, stream: str) -> None:
        """One request of ``stream`` went out (called from the threads reading ahead too)."""
        with self._lock:
            self.report(stream).requests += 1

    def started(self, stream: str, logger: logging.Logger, mode: str) -> None:
        """Log that ``stream`` started, in ``mode`` (full table, incremental from ...)."""
        report = self.report(stream)
        report.started = self._last_progress = self.clock()
        logger.info("Sync of '%s' started: %s.", stream, mode)

    def progress(self, stream: str, logger: logging.Logger, detail: str = "") -> None:
        """Log how far ``stream`` is, at most once per :attr:`interval` seconds (cheap to call)."""
        now = self.clock()
        if now - self._last_progress < self.interval:
            return
        self._last_progress = now
        report = self.report(stream)
        logger.info("Still syncing '%s': %s%s.", stream, self.counts(report), f", {detail}" if detail else "")

    def finished(self, stream: str, logger: logging.Logger, children: t.Iterable[str] = ()) -> None:
        """Log what ``stream`` and the child streams read along with it did."""
        report = self.report(stream)
        seconds = self.clock() - (report.started if report.started is not None else self.clock())
        logger.info("Sync of '%s' finished: %s in %.1f s.", stream, self.counts(report), seconds)
        for child in children:
            logger.info("Sync of '%s' finished: %s.", child, self.counts(self.report(child)))

    @staticmethod
    def counts(report: StreamReport) -> str:
        """``451 records, 5 requests`` (children: ``1,031 records of 451 scheduled_events, ...``)."""
        parents = f" of {report.parents:,} {report.parent_stream}" if report.parents else ""
        return f"{_counted(report.records, 'record')}{parents}, {_counted(report.requests, 'request')}"


def _counted(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")
