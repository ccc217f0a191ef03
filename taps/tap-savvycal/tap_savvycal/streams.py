"""SavvyCal streams: one small class per endpoint."""

from __future__ import annotations

import typing as t

from typing_extensions import override

from scheduling_taps_common import PageShape, WholeResourceStream, malformed, page_body
from tap_savvycal.client import PAGINATED_LIST, SavvyCalPaginator, SavvyCalStream

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context


class EventsStream(SavvyCalStream):
    """Events (``GET /v1/events``).

    The API lists only *confirmed, upcoming* events unless asked otherwise, so the tap sends
    ``state`` and ``period`` from the settings, ``all`` and ``all`` by default: past, future,
    canceled, tentative, awaiting approval or checkout, declined.
    """

    name = "events"
    path = "/v1/events"

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        return {
            **super().get_url_params(context, next_page_token),
            "state": self.config.get("event_state", "all"),
            "period": self.config.get("event_period", "all"),
        }


class SchedulingLinksStream(SavvyCalStream):
    """Scheduling links (``GET /v1/links``)."""

    name = "scheduling_links"
    path = "/v1/links"


class CurrentUserStream(WholeResourceStream, SavvyCalStream):
    """The token's user (``GET /v1/me``): one record, a bare Current User object."""

    name = "current_user"
    path = "/v1/me"

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        body = page_body(response)
        if not isinstance(body, dict) or "id" not in body:
            raise malformed(response, "expected the Current User object, with its `id`")
        yield body


#: Webhook fields the tap never passes on: ``secret`` signs SavvyCal's deliveries, and anyone
#: holding it can forge them.
WITHHELD_WEBHOOK_FIELDS = frozenset({"secret"})


class WebhooksStream(SavvyCalStream):
    """Webhooks (``GET /v1/webhooks``), without their signing secrets.

    SavvyCal returns each webhook's ``secret`` with it. The tap removes it from every record as
    the page is read, before anything else sees the record, and the schema does not declare
    it: the secret reaches no record, no log line and no destination table.
    """

    name = "webhooks"
    path = "/v1/webhooks"

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        for record in super().parse_response(response):
            yield {key: value for key, value in record.items() if key not in WITHHELD_WEBHOOK_FIELDS}


class WorkflowsStream(SavvyCalStream):
    """Workflows the user can edit (``GET /v1/workflows``); the parent of ``workflow_rules``."""

    name = "workflows"
    path = "/v1/workflows"

    @override
    def get_child_context(self, record: dict[str, t.Any], context: Context | None) -> dict[str, t.Any]:
        return {"workflow_id": record["id"]}


#: The documented answer of ``/v1/workflows/:workflow_id/rules`` and ``/v1/time_zones``: a JSON array.
BARE_ARRAY = PageShape(records=None)


class WorkflowRulesStream(WholeResourceStream, SavvyCalStream):
    """The rules of every workflow (``GET /v1/workflows/:workflow_id/rules``), with their actions.

    The endpoint takes no parameters and answers with a bare array: one request per workflow.
    Rule ids (``wrule_...``) are unique in the account, so ``id`` is the key; ``workflow_id``
    is added from the parent. The parent's complete listing also completes this stream's
    snapshot, so rules deleted in SavvyCal (or with their workflow) are retired too.
    """

    name = "workflow_rules"
    path = "/v1/workflows/{workflow_id}/rules"
    parent_stream_type = WorkflowsStream
    page_shape = BARE_ARRAY
    # No bookmark per workflow: one flat state entry rather than one per workflow ever synced.
    state_partitioning_keys: t.ClassVar[list[str]] = []

    @override
    def post_process(self, row: dict[str, t.Any], context: Context | None = None) -> dict[str, t.Any] | None:
        # Set here, not left to the SDK: it copies only *state partition* keys into child records.
        row["workflow_id"] = self.parent_context(context)["workflow_id"]
        return super().post_process(row, context)


class TimezonesPaginator(SavvyCalPaginator):
    """A bare array is the whole list; a Paginated List pages as usual."""

    @override
    def next_cursor(self, response: requests.Response) -> str | None:
        if isinstance(page_body(response), list):
            return None
        return super().next_cursor(response)


class TimezonesStream(SavvyCalStream):
    """Time zones (``GET /v1/time_zones``), as they stand at the time of the sync.

    The endpoint answers with a bare JSON array and no pagination. Whether that holds for every
    caller is an open question, so a Paginated List answer is read too, and its
    ``metadata.after`` followed: either way no zone is lost. Offsets, DST flags and names are
    computed by the API for the current instant, so each run refreshes them.
    """

    name = "timezones"
    path = "/v1/time_zones"

    @override
    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        # The documented call has no parameters; a cursor is only ever followed if one came back.
        return {"after": next_page_token} if next_page_token else {}

    @override
    def get_new_paginator(self) -> TimezonesPaginator:
        return TimezonesPaginator()

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        shape = BARE_ARRAY if isinstance(page_body(response), list) else PAGINATED_LIST
        yield from shape.records_of(response)

