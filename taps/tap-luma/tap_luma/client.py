"""The Luma base stream: ``x-luma-api-key`` auth, ``entries[]`` envelope, cursor paging."""

from __future__ import annotations

import typing as t
from urllib.parse import urlparse

from scheduling_taps_common import MalformedResponseError, SchedulingAPIStream, backoff_waits
from singer_sdk import SchemaDirectory, StreamSchema
from singer_sdk.authenticators import APIKeyAuthenticator
from singer_sdk.pagination import BaseAPIPaginator

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


class LumaCursorPaginator(BaseAPIPaginator[str | None]):
    """``pagination_cursor`` = the previous page's ``next_cursor``, while ``has_more`` is true.

    ``has_more`` is authoritative: Luma's last page can still carry a ``next_cursor``, and
    following it would cost a request for an empty page.
    """

    def __init__(self) -> None:
        super().__init__(None)

    def has_more(self, response: requests.Response) -> bool:
        return _envelope(response).get("has_more") is True

    def continue_if_empty(self, response: requests.Response) -> bool:
        # An empty page that says more follow is odd but must not end the sync early.
        return self.has_more(response)

    def get_next(self, response: requests.Response) -> str:
        cursor = _envelope(response).get("next_cursor")
        if not cursor:
            # Stopping here would silently drop the remaining pages.
            path = urlparse(response.url).path
            msg = f"Malformed response for GET {path}: has_more is true but next_cursor is missing"
            raise MalformedResponseError(msg)
        return str(cursor)


def _envelope(response: requests.Response) -> dict[str, t.Any]:
    body = response.json()
    return body if isinstance(body, dict) else {}


class LumaStream(SchedulingAPIStream[str | None]):
    """A Luma v1 list endpoint whose entries wrap each record under ``entry_key``."""

    #: The key of each entry holding the record (``event``, ``guest``).
    entry_key: t.ClassVar[str]
    primary_keys: t.ClassVar[tuple[str, ...]] = ("api_id",)
    schema: t.ClassVar[StreamSchema] = StreamSchema(SCHEMAS_DIR)
    credential_setting = "api_key"
    #: Class attribute so tests can shorten it; see RATE_LIMIT_BLOCK_SECONDS.
    rate_limit_block_seconds: t.ClassVar[float] = RATE_LIMIT_BLOCK_SECONDS

    @property
    def marks_complete_snapshots(self) -> bool:  # type: ignore[override]
        # Both streams are full table; retiring vanished rows is the user's choice.
        return bool(self.config.get("emit_activate_version_messages"))

    @property
    def authenticator(self) -> APIKeyAuthenticator:
        return APIKeyAuthenticator(key="x-luma-api-key", value=self.credential, location="header")

    def backoff_wait_generator(self) -> Generator[float, t.Any, None]:
        # The shared waits (Retry-After, else 2/4/8 s), but a bare 429 waits out Luma's block.
        return backoff_waits(rate_limit_wait=self.rate_limit_block_seconds)

    def get_new_paginator(self) -> LumaCursorPaginator:
        return LumaCursorPaginator()

    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        params: dict[str, t.Any] = {"pagination_limit": PAGE_SIZE}
        if next_page_token:
            params["pagination_cursor"] = next_page_token
        return params

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        body = self.response_json(response)
        entries = body.get("entries") if isinstance(body, dict) else None
        if not isinstance(entries, list):
            raise self._malformed(response, "expected an object with an `entries` list")
        for entry in entries:
            record = entry.get(self.entry_key) if isinstance(entry, dict) else None
            if not isinstance(record, dict):
                # A record we cannot read must stop the sync, not vanish from the destination.
                raise self._malformed(response, f"expected every entry to hold an `{self.entry_key}` object")
            yield self.unwrap(entry, record)

    def unwrap(self, entry: dict[str, t.Any], record: dict[str, t.Any]) -> dict[str, t.Any]:
        """The record of one entry (subclasses add entry-level fields)."""
        return record

    def fatal_error_hint(self, response: requests.Response) -> str:
        if response.status_code == 400 and not str(self.config.get("api_key") or "").strip():
            return "Luma answers 400 to a missing or blank API key: set the `api_key` setting."
        return super().fatal_error_hint(response)

    @staticmethod
    def _malformed(response: requests.Response, expectation: str) -> MalformedResponseError:
        return MalformedResponseError(f"Malformed response for GET {urlparse(response.url).path}: {expectation}")
