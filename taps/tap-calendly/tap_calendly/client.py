"""The Calendly base stream: Bearer auth, ``collection`` envelope, ``page_token`` paging."""

from __future__ import annotations

import typing as t

from singer_sdk import SchemaDirectory, StreamSchema
from singer_sdk.authenticators import BearerTokenAuthenticator
from singer_sdk.pagination import JSONPathPaginator
from scheduling_taps_common import SchedulingAPIStream

from tap_calendly import schemas

if t.TYPE_CHECKING:
    import requests
    from singer_sdk.helpers.types import Context

SCHEMAS_DIR = SchemaDirectory(schemas)

#: Calendly's documented maximum for ``count`` (default 20): fewer requests per record.
PAGE_SIZE = 100


class CalendlyStream(SchedulingAPIStream[str]):
    """A Calendly collection endpoint."""

    records_jsonpath = "$.collection[*]"
    primary_keys = ("uri",)
    schema: t.ClassVar[StreamSchema] = StreamSchema(SCHEMAS_DIR)
    credential_setting = "api_key"

    @property
    def authenticator(self) -> BearerTokenAuthenticator:
        return BearerTokenAuthenticator(token=self.credential)

    def get_new_paginator(self) -> JSONPathPaginator | None:
        # The token is null on the last page, which ends pagination with no extra request.
        return JSONPathPaginator("$.pagination.next_page_token")

    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        params: dict[str, t.Any] = {"count": PAGE_SIZE}
        if next_page_token:
            params["page_token"] = next_page_token
        return params

    def fatal_error_hint(self, response: requests.Response) -> str:
        if response.status_code == 403 and "organization=" in (response.request.url or ""):
            return (
                "Calendly refused organization-wide access: the token's user is not an "
                "organization admin or owner. Set `scope` to `user` to sync only that user's "
                "event types, events and invitees, or use an admin's token."
            )
        return super().fatal_error_hint(response)


class ScopedCalendlyStream(CalendlyStream):
    """An endpoint that needs ``organization=`` or ``user=``, as the ``scope`` setting says."""

    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        return {**super().get_url_params(context, next_page_token), **self._tap.scope_params()}  # type: ignore[attr-defined]
