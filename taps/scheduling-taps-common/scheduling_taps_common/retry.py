"""Retry policy shared by every tap: which statuses retry, how long to wait, how often.

The seeds ask for retries on 429, 500, 502, 503 and 504, at most 3 retries, exponential
backoff with factor 2 (waits of 2, 4, 8 seconds), and a server's ``Retry-After`` wins over
the computed wait when it is present.
"""

from __future__ import annotations

import email.utils
import time
import typing as t

from singer_sdk.exceptions import RetriableAPIError

if t.TYPE_CHECKING:
    from collections.abc import Generator

    import requests

RETRY_STATUSES: frozenset[int] = frozenset({429, 500, 502, 503, 504})
MAX_RETRIES = 3
BACKOFF_FACTOR = 2.0
#: A server asking for more than this is capped: a scheduled job should fail, not hang.
MAX_RETRY_AFTER_SECONDS = 300.0


def retry_after_seconds(response: requests.Response | None, *, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or HTTP-date), or None."""
    if response is None:
        return None
    value = response.headers.get("Retry-After")
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, moment.timestamp() - current)


def backoff_waits(
    factor: float = BACKOFF_FACTOR,
    max_wait: float = MAX_RETRY_AFTER_SECONDS,
    *,
    rate_limit_wait: float | None = None,
) -> Generator[float, BaseException | None, None]:
    """A ``backoff`` wait generator: ``Retry-After`` when the server sends it, else exponential.

    ``rate_limit_wait``: at least this long after a 429 that carries no ``Retry-After``, for APIs
    that block a key for a documented time once it is over the limit (retrying inside the
    block would only burn the retries).

    ``backoff`` primes the generator with ``send(None)`` and then sends the exception that
    caused each retry, so the response (and its headers) is in scope here.
    """
    error = yield 0.0
    attempt = 0
    while True:
        response = error.response if isinstance(error, RetriableAPIError) else None
        hinted = retry_after_seconds(response)
        wait = hinted if hinted is not None else factor * 2**attempt
        if hinted is None and rate_limit_wait is not None and response is not None and response.status_code == 429:
            wait = max(wait, rate_limit_wait)
        attempt += 1
        error = yield min(wait, max_wait)
