"""OnceHub's list paging: ``after`` = the ID of the last object of the page, newest first."""

from __future__ import annotations

import typing as t

from typing_extensions import override

from scheduling_taps_common import CursorPaginator, malformed, page_body

if t.TYPE_CHECKING:
    import requests


class LastIdPaginator(CursorPaginator):
    """Next cursor = ``id`` of the page's last record, while the API says more pages follow.

    OnceHub signals a further page twice: a ``Link`` header with ``rel="next"`` (absent on
    the last page) and, per PostHog's reading of the live API, ``has_more`` in the body (another
    client types the envelope ``{count, data}``, without it). Either one saying "more" is
    believed, and a full page that carries neither signal (a proxy stripped the header of an
    envelope without ``has_more``) is followed too: a disagreement or a missing signal costs at
    most one request that comes back empty, never a lost page. The ``Link`` URL itself is never
    followed: the documented ones drop the ``/v2`` segment.
    """

    def __init__(self, page_size: int) -> None:
        super().__init__()
        self.page_size = page_size

    @override
    def next_cursor(self, response: requests.Response) -> str | None:
        body = page_body(response)
        records = body["data"]
        has_more = body.get("has_more")
        linked = "next" in response.links
        more = has_more is True or linked
        if has_more is None and not linked:
            more = len(records) >= self.page_size  # no signal at all: only a short page ends the list
        if not more:
            return None
        if not records:
            problem = "the API says more pages follow, but this page is empty: there is no last ID to continue after"
            raise malformed(response, problem)
        last_id = records[-1].get("id")
        if not isinstance(last_id, str) or not last_id:
            raise malformed(response, "the page's last record has no `id` to continue after")
        return last_id
