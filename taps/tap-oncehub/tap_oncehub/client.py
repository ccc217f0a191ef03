"""The OnceHub base stream: ``API-Key`` header, ``{object, data, has_more}`` lists, ``after`` paging."""

from __future__ import annotations

import typing as t

from singer_sdk import SchemaDirectory, StreamSchema
from singer_sdk.authenticators import APIKeyAuthenticator
from typing_extensions import override

from scheduling_taps_common import PageShape, SchedulingAPIStream
from tap_oncehub import schemas
from tap_oncehub.pagination import LastIdPaginator

if t.TYPE_CHECKING:
    import requests
    from singer_sdk.helpers.types import Context

SCHEMAS_DIR = SchemaDirectory(schemas)

#: OnceHub's documented maximum for ``limit`` (the default is 10): ten times fewer requests.
PAGE_SIZE = 100


class OnceHubStream(SchedulingAPIStream[str | None]):
    """A OnceHub v2 list endpoint (paths carry ``/v2``, ``api_url`` is the host)."""

    # `has_more` is optional: one client types the envelope `{count, data}` (see LastIdPaginator).
    page_shape = PageShape("data")
    primary_keys = ("id",)
    schema: t.ClassVar[StreamSchema] = StreamSchema(SCHEMAS_DIR)
    credential_setting = "api_key"
    # Full-table lists are read whole every run: a complete listing retires vanished rows.
    marks_complete_snapshots = True

    @property
    @override
    def url_base(self) -> str:
        # The docs give the base URL as https://api.oncehub.com/v2; accept that spelling of
        # `api_url` too instead of requesting /v2/v2/... and failing with a 404.
        base = super().url_base
        return base.removesuffix("/v2")

    @property
    @override
    def authenticator(self) -> APIKeyAuthenticator:
        return APIKeyAuthenticator(key="API-Key", value=self.credential, location="header")

    @property
    @override
    def http_headers(self) -> dict[str, str]:
        # The API introduction asks every client to send JSON content type headers.
        return {**super().http_headers, "Accept": "application/json", "Content-Type": "application/json"}

    @override
    def get_new_paginator(self) -> LastIdPaginator:
        return LastIdPaginator(PAGE_SIZE)

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        params: dict[str, t.Any] = {"limit": PAGE_SIZE}
        if next_page_token:
            params["after"] = next_page_token
        return params

    @override
    def fatal_error_hint(self, response: requests.Response) -> str:
        if response.status_code == 403:
            return (
                f"OnceHub accepted the key in `{self.credential_setting}` but refused access: "
                "API access needs a plan that includes it."
            )
        if response.status_code == 400:
            return "OnceHub rejected a request parameter the tap sent; please report this with the line above."
        return super().fatal_error_hint(response)
