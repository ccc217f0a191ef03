"""The Calendly base stream: Bearer auth, ``collection`` envelope, ``page_token`` paging."""

from __future__ import annotations

import typing as t
from urllib.parse import parse_qs, urlparse

from singer_sdk import SchemaDirectory, StreamSchema
from singer_sdk.authenticators import BearerTokenAuthenticator
from typing_extensions import override

from scheduling_taps_common import CursorPaginator, PageShape, SchedulingAPIStream, malformed, page_body
from tap_calendly import schemas

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context

    from tap_calendly.tap import TapCalendly

SCHEMAS_DIR = SchemaDirectory(schemas)

#: Calendly's documented maximum for ``count`` (default 20): fewer requests per record.
PAGE_SIZE = 100


class CalendlyPaginator(CursorPaginator):
    """``page_token`` from ``pagination.next_page_token``; null on the last page.

    Older responses carry only ``pagination.next_page`` (the next page's URL): its
    ``page_token`` is followed then. A ``pagination`` with neither member cannot say whether
    the list is complete, so it is a malformed page, not the end.
    """

    @override
    def next_cursor(self, response: requests.Response) -> str | None:
        pagination = page_body(response)["pagination"]
        token = pagination.get("next_page_token")
        if token:
            return str(token)
        if "next_page_token" in pagination:
            return None
        if "next_page" not in pagination:
            raise malformed(response, "`pagination` has neither `next_page_token` nor `next_page`")
        next_page = pagination["next_page"]
        if not next_page:
            return None
        tokens = parse_qs(urlparse(str(next_page)).query).get("page_token")
        if not tokens:
            raise malformed(response, "`pagination.next_page` is a URL without a `page_token`")
        return tokens[0]


class CalendlyStream(SchedulingAPIStream[str]):
    """A Calendly collection endpoint."""

    page_shape = PageShape("collection", {"pagination": ("object",)})
    primary_keys = ("uri",)
    schema: t.ClassVar[StreamSchema] = StreamSchema(SCHEMAS_DIR)
    credential_setting = "api_key"

    @property
    @override
    def tap(self) -> TapCalendly:
        # Only TapCalendly.discover_streams creates these streams.
        return t.cast("TapCalendly", super().tap)

    @property
    @override
    def authenticator(self) -> BearerTokenAuthenticator:
        return BearerTokenAuthenticator(token=self.credential)

    @override
    def get_new_paginator(self) -> CalendlyPaginator | None:
        return CalendlyPaginator()

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        params: dict[str, t.Any] = {"count": PAGE_SIZE}
        if next_page_token:
            params["page_token"] = next_page_token
        return params

    #: The token scope (Calendly's OAuth and personal access token scopes) this list needs.
    token_scope: t.ClassVar[str]

    @override
    def fatal_error_hint(self, response: requests.Response) -> str:
        if response.status_code == 403 and not self.tap.user_scope:
            return (
                "Calendly refused organization-wide access: the token's user is not an "
                "organization admin or owner, or the token lacks the "
                f"`{self.token_scope}` scope. Set `scope` to `user` to sync only that user's "
                "data, or use an admin's token with the scopes the README lists."
            )
        if response.status_code == 403:
            return (
                f"The token may lack the `{self.token_scope}` scope (personal access tokens "
                "created since March 2026 carry only the scopes chosen for them; the README lists "
                "the scopes each stream needs)."
            )
        return super().fatal_error_hint(response)


class ScopedCalendlyStream(CalendlyStream):
    """An endpoint that needs ``organization=`` or ``user=``, as the ``scope`` setting says."""

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        return {**super().get_url_params(context, next_page_token), **self.tap.scope_params()}


class OrganizationWideStream(CalendlyStream):
    """A list that belongs to the whole organization and has no per-user filter.

    At ``scope: user`` (a token without organization-wide access) it is skipped with one
    warning, before any request: no records, no bookmark, and no ACTIVATE_VERSION, so the
    rows an earlier organization-scope run loaded stay as they were.
    """

    #: Why the stream needs organization scope, for the warning.
    organization_only_reason: t.ClassVar[str] = "it lists the whole organization"

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        if self.tap.user_scope:
            self.logger.warning(
                "Skipping '%s' with `scope: user`: %s, and Calendly has no per-user filter for it "
                "(set `scope` to `organization`, with an admin's token, to read it).",
                self.name,
                self.organization_only_reason,
            )
            return
        yield from super().get_records(context)

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        params = super().get_url_params(context, next_page_token)
        return {**params, "organization": self.tap.organization_uri}
