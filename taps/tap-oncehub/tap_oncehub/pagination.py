"""OnceHub's list paging: ``after`` = the ID of the last object of the page, newest first."""

from __future__ import annotations

import typing as t

from singer_sdk.pagination import BaseAPIPaginator

if t.TYPE_CHECKING:
    import requests


class LastIdPaginator(BaseAPIPaginator[t.Optional[str]]):
    """Next token = ``id`` of the page's last record; more pages when the API says so.

    OnceHub signals a further page twice: a ``Link`` header with ``rel="next"`` (absent on
    the last page) and, per PostHog's reading of the live API, ``has_more`` in the body (another
    client types the envelope ``{count, data}``, without it). Either one saying "more" is
    believed, so a body without ``has_more`` still pages and a disagreement costs at most one
    request that comes back empty (which ends pagination) instead of silently lost records.
    The ``Link`` URL itself is never followed: the documented ones drop the ``/v2`` segment.
    """

    def __init__(self) -> None:
        super().__init__(None)
        self._parsed: tuple[int, t.Any] | None = None

    def has_more(self, response: requests.Response) -> bool:
        body = self._body(response)
        if isinstance(body, dict) and body.get("has_more"):
            return True
        return "next" in response.links

    def get_next(self, response: requests.Response) -> str | None:
        body = self._body(response)
        records = body.get("data") if isinstance(body, dict) else None
        if not records or not isinstance(records[-1], dict):
            return None  # an empty page has no last ID: the list is over
        return records[-1].get("id")

    def _body(self, response: requests.Response) -> t.Any:
        # advance() asks has_more() then get_next() about the same response: decode it once.
        if self._parsed is None or self._parsed[0] != id(response):
            self._parsed = (id(response), response.json())
        return self._parsed[1]
