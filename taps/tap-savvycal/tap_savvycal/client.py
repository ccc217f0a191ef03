"""The SavvyCal base stream: Bearer auth, ``entries``/``metadata.after`` paging, full-table snapshots."""

from __future__ import annotations

import typing as t

from singer_sdk import SchemaDirectory, StreamSchema
from singer_sdk.authenticators import BearerTokenAuthenticator
from typing_extensions import override

from scheduling_taps_common import CursorPaginator, PageShape, SchedulingAPIStream, page_body
from tap_savvycal import schemas

if t.TYPE_CHECKING:
    import requests
    from singer_sdk.helpers.types import Context

SCHEMAS_DIR = SchemaDirectory(schemas)

#: SavvyCal's documented maximum for ``limit`` (default 20): five times fewer requests.
PAGE_SIZE = 100

#: A SavvyCal "Paginated List": ``entries``, and ``metadata.after`` (null on the last page).
PAGINATED_LIST = PageShape("entries", {"metadata": ("object",), "metadata.after": ("string", "null")})


class SavvyCalPaginator(CursorPaginator):
    """``after`` = the previous page's ``metadata.after``; null on the last page."""

    @override
    def next_cursor(self, response: requests.Response) -> str | None:
        after = page_body(response)["metadata"]["after"]  # a string or null: PAGINATED_LIST checked it
        return None if after is None else str(after)


class SavvyCalStream(SchedulingAPIStream[str]):
    """A SavvyCal list endpoint (a "Paginated List": ``entries`` plus ``metadata`` cursors).

    SavvyCal has no "changed since" filter, so every stream is a full-table snapshot: each run
    reads the whole list and the target upserts by ``id``. With ``propagate_deletions`` on, a list
    read to the end is followed by ACTIVATE_VERSION, so that a target which supports it can also
    remove the rows the API no longer lists (deleted links, events outside the configured filter).
    """

    page_shape = PAGINATED_LIST
    primary_keys = ("id",)
    marks_complete_snapshots = True
    schema: t.ClassVar[StreamSchema] = StreamSchema(SCHEMAS_DIR)
    credential_setting = "api_key"

    @property
    @override
    def authenticator(self) -> BearerTokenAuthenticator:
        return BearerTokenAuthenticator(token=self.credential)

    # -- paging -------------------------------------------------------------------------------

    @override
    def get_new_paginator(self) -> SavvyCalPaginator | None:
        return SavvyCalPaginator()

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        params: dict[str, t.Any] = {"limit": PAGE_SIZE}
        if next_page_token:
            params["after"] = next_page_token
        return params

    # -- errors -------------------------------------------------------------------------------

    @override
    def api_error_detail(self, response: requests.Response) -> str:
        # SavvyCal errors are `{"errors": [{"message": ...}]}` (429: `detail` instead).
        try:
            body = response.json()
        except ValueError:
            return super().api_error_detail(response)
        errors = body.get("errors") if isinstance(body, dict) else None
        if isinstance(errors, list):
            messages = [
                str(error.get("message") or error.get("detail"))
                for error in errors
                if isinstance(error, dict) and (error.get("message") or error.get("detail"))
            ]
            if messages:
                return "; ".join(messages)[:300]
        return super().api_error_detail(response)
