"""Shared building blocks of the scheduling taps (Calendly, Luma, Float, SavvyCal, OnceHub)."""

from scheduling_taps_common.pacing import RequestPacer
from scheduling_taps_common.pages import CursorPaginator, MalformedResponseError, PageShape, malformed, page_body
from scheduling_taps_common.retry import (
    BACKOFF_FACTOR,
    MAX_RETRIES,
    RETRY_STATUSES,
    backoff_waits,
    retry_after_seconds,
)
from scheduling_taps_common.stream import SchedulingAPIStream, WholeResourceStream
from scheduling_taps_common.tap import SchedulingTap

__all__ = [
    "BACKOFF_FACTOR",
    "MAX_RETRIES",
    "RETRY_STATUSES",
    "CursorPaginator",
    "MalformedResponseError",
    "PageShape",
    "RequestPacer",
    "SchedulingAPIStream",
    "SchedulingTap",
    "WholeResourceStream",
    "backoff_waits",
    "malformed",
    "page_body",
    "retry_after_seconds",
]
