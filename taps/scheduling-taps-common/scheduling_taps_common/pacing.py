"""Client-side request pacing, so a tap stays inside an API's published rate limits.

Limits are sliding windows ("at most N requests in any W seconds"); several can apply at once
(Float: 200 per minute and 10 per second). One pacer is shared by all streams of a tap run,
because vendors count requests per account, not per endpoint.
"""

from __future__ import annotations

import collections
import threading
import time
import typing as t

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable

#: Added to every window: the server starts counting when a request *arrives*, and uneven latency
#: can make a request sent exactly one window after an earlier one arrive inside it. A quarter of
#: a second, but at most 5 % of the window, so the pacer reaches at least 95 % of each limit.
ARRIVAL_MARGIN_SECONDS = 0.25
ARRIVAL_MARGIN_SHARE = 0.05


def arrival_margin(window: float) -> float:
    """Seconds added to a ``window`` of that many seconds (see :data:`ARRIVAL_MARGIN_SECONDS`)."""
    return min(ARRIVAL_MARGIN_SECONDS, ARRIVAL_MARGIN_SHARE * window)


class RequestPacer:
    """Blocks just long enough that no window ever holds more than its limit of requests."""

    def __init__(
        self,
        limits: Iterable[tuple[int, float]],
        *,
        margin: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Pace requests within ``limits``.

        Args:
            limits: (requests, seconds) windows; a limit of 0 or None is no limit.
            margin: seconds added to every window; by default :func:`arrival_margin` of it.
            clock: monotonic seconds (injected by tests).
            sleep: how to wait (injected by tests).
        """
        self.limits = sorted(
            (int(n), float(w) + (arrival_margin(float(w)) if margin is None else margin))
            for n, w in limits
            if n and n > 0
        )
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        keep = max((n for n, _ in self.limits), default=0)
        self._sent: collections.deque[float] = collections.deque(maxlen=keep or None)
        self.total_wait = 0.0

    @classmethod
    def from_rates(cls, per_second: float | None, per_minute: float | None) -> RequestPacer:
        """Build a pacer from the ``max_requests_per_second``/``_minute`` settings (0/None = off)."""
        limits = []
        if per_second:
            limits.append((int(per_second), 1.0))
        if per_minute:
            limits.append((int(per_minute), 60.0))
        return cls(limits)

    def wait(self) -> float:
        """Wait until a request may be sent, record it, and return the seconds waited."""
        if not self.limits:
            return 0.0
        waited = 0.0
        with self._lock:
            while True:
                now = self._clock()
                delay = self._delay_needed(now)
                if delay <= 0:
                    self._sent.append(now)
                    self.total_wait += waited
                    return waited
                self._sleep(delay)
                waited += delay

    def _delay_needed(self, now: float) -> float:
        delay = 0.0
        for limit, window in self.limits:
            if len(self._sent) < limit:
                continue
            oldest_in_window = self._sent[-limit]
            delay = max(delay, oldest_in_window + window - now)
        return delay
