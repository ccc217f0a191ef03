"""The Luma base stream: ``x-luma-api-key`` auth, ``entries[]`` envelope, cursor paging.

Plus the base of the per-event lists (guests, ticket types, coupons): one list per event of the
``events`` stream, read ahead in the shared bounded pool, each record keyed with its event.
"""

from __future__ import annotations

import typing as t

from singer_sdk import SchemaDirectory, StreamSchema
from singer_sdk.authenticators import APIKeyAuthenticator
from typing_extensions import override

from scheduling_taps_common import CursorPaginator, PageShape, SchedulingAPIStream, backoff_waits, malformed, page_body
from tap_luma import schemas

if t.TYPE_CHECKING:
    from collections.abc import Generator, Iterable

    import requests
    from singer_sdk.helpers.types import Context

SCHEMAS_DIR = SchemaDirectory(schemas)

#: ``pagination_limit`` sent on every list request: the server's maximum (larger values are
#: clamped to it), so a full sync makes as few requests as possible.
PAGE_SIZE = 50

#: Luma's older rate-limit docs block a key for one minute once it is over the limit, and a 429
#: carries no ``Retry-After``. Retrying such a 429 after the shared 2/4/8 s backoff would only
#: burn the retries inside the block, so a bare 429 waits this long instead.
RATE_LIMIT_BLOCK_SECONDS = 60.0


class LumaCursorPaginator(CursorPaginator):
    """``pagination_cursor`` = the previous page's ``next_cursor``, while ``has_more`` is true.

    ``has_more`` is authoritative: Luma's last page can still carry a ``next_cursor``, and
    following it would cost a request for an empty page. ``has_more`` without a cursor cannot
    be followed, so it is a malformed page, not the end.
    """

    @override
    def next_cursor(self, response: requests.Response) -> str | None:
        body = page_body(response)
        if body["has_more"] is not True:
            return None
        cursor = body.get("next_cursor")
        if not cursor or not isinstance(cursor, str):
            raise malformed(response, "`has_more` is true but `next_cursor` is missing")
        return str(cursor)


class LumaStream(SchedulingAPIStream[str | None]):
    """A Luma v1 list endpoint: ``entries`` (each record, or wrapped under ``entry_key``), paged."""

    #: The key of each entry holding the record (``event``, ``guest``); None where the entries
    #: are the records themselves (people, person tags, coupons).
    entry_key: t.ClassVar[str | None] = None
    page_shape = PageShape("entries", {"has_more": ("boolean",)})
    primary_keys: t.ClassVar[tuple[str, ...]] = ("api_id",)
    schema: t.ClassVar[StreamSchema] = StreamSchema(SCHEMAS_DIR)
    credential_setting = "api_key"
    #: Class attribute so tests can shorten it; see RATE_LIMIT_BLOCK_SECONDS.
    rate_limit_block_seconds: t.ClassVar[float] = RATE_LIMIT_BLOCK_SECONDS
    #: Both streams list everything every run (Luma has no "changed since" filter): the guests'
    #: listing is complete when the events' is, so one run retires cancelled events and guests.
    marks_complete_snapshots = True

    @property
    @override
    def authenticator(self) -> APIKeyAuthenticator:
        return APIKeyAuthenticator(key="x-luma-api-key", value=self.credential, location="header")

    @override
    def backoff_wait_generator(self) -> Generator[float, t.Any, None]:
        # The shared waits (Retry-After, else 2/4/8 s), but a bare 429 waits out Luma's block.
        return backoff_waits(rate_limit_wait=self.rate_limit_block_seconds)

    @override
    def get_new_paginator(self) -> LumaCursorPaginator:
        return LumaCursorPaginator()

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        params: dict[str, t.Any] = {"pagination_limit": PAGE_SIZE}
        if next_page_token:
            params["pagination_cursor"] = next_page_token
        return params

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        for entry in self.page_shape.records_of(response):
            if self.entry_key is None:
                yield entry
                continue
            record = entry.get(self.entry_key)
            if not isinstance(record, dict):
                # A record we cannot read must stop the sync, not vanish from the destination.
                raise malformed(response, f"expected every entry to hold an `{self.entry_key}` object")
            yield self.unwrap(entry, record)

    def unwrap(self, entry: dict[str, t.Any], record: dict[str, t.Any]) -> dict[str, t.Any]:
        """The record of one entry (subclasses add entry-level fields)."""
        return record

    @override
    def fatal_error_hint(self, response: requests.Response) -> str:
        if response.status_code == 400 and not str(self.config.get("api_key") or "").strip():
            return "Luma answers 400 to a missing or blank API key: set the `api_key` setting."
        return super().fatal_error_hint(response)


class LumaEventListStream(LumaStream):
    """A list read once per event of the ``events`` stream, with ``event_api_id=<event api_id>``.

    The key is (``event_api_id``, ``api_id``): the event id in the key keeps rows of different
    events apart whatever Luma does with ids (guest ids are registration-scoped), as PostHog's
    Luma source keys guests. ``event_api_id`` is the parent event's ``api_id``; the lists of the
    next events are read ahead in the tap's bounded pool (``parallel_requests``).
    """

    primary_keys: t.ClassVar[tuple[str, ...]] = ("event_api_id", "api_id")
    # No bookmark per event: one flat state entry rather than one per event ever synced.
    state_partitioning_keys: t.ClassVar[list[str]] = []

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        params = super().get_url_params(context, next_page_token)
        return {"event_api_id": self.parent_context(context)["event_api_id"], **params}

    @override
    def post_process(self, row: dict[str, t.Any], context: Context | None = None) -> dict[str, t.Any] | None:
        # Set here, not left to the SDK: it copies only *state partition* keys into child
        # records, and state_partitioning_keys is empty.
        row["event_api_id"] = self.parent_context(context)["event_api_id"]
        return super().post_process(row, context)
