"""The SavvyCal base stream: Bearer auth, ``entries``/``metadata.after`` paging, full-table snapshots."""

from __future__ import annotations

import typing as t

from scheduling_taps_common import SchedulingAPIStream
from singer_sdk import SchemaDirectory, StreamSchema
from singer_sdk import singerlib as singer
from singer_sdk.authenticators import BearerTokenAuthenticator
from singer_sdk.mapper import RemoveRecordTransform
from singer_sdk.pagination import JSONPathPaginator

from tap_savvycal import schemas

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context

SCHEMAS_DIR = SchemaDirectory(schemas)

#: SavvyCal's documented maximum for ``limit`` (default 20): five times fewer requests.
PAGE_SIZE = 100


class SavvyCalStream(SchedulingAPIStream[str]):
    """A SavvyCal list endpoint (a "Paginated List": ``entries`` plus ``metadata`` cursors).

    SavvyCal has no "changed since" filter, so every stream is a full-table snapshot: each run
    reads the whole list and the target upserts by ``id``. When the list has been read to the
    end, the stream emits ACTIVATE_VERSION so that a target which supports it can also remove
    the rows the API no longer lists (deleted links, events outside the configured filter).
    """

    records_jsonpath = "$.entries[*]"
    primary_keys = ("id",)
    schema: t.ClassVar[StreamSchema] = StreamSchema(SCHEMAS_DIR)
    credential_setting = "api_key"

    @property
    def authenticator(self) -> BearerTokenAuthenticator:
        return BearerTokenAuthenticator(token=self.config["api_key"])

    # -- paging -------------------------------------------------------------------------------

    def get_new_paginator(self) -> JSONPathPaginator:
        # `metadata.after` is null on the last page, which ends paging with no extra request.
        return JSONPathPaginator("$.metadata.after")

    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, t.Any]:
        params: dict[str, t.Any] = {"limit": PAGE_SIZE}
        if next_page_token:
            params["after"] = next_page_token
        return params

    # -- errors -------------------------------------------------------------------------------

    def api_error_detail(self, response: requests.Response) -> str:
        """SavvyCal errors are ``{"errors": [{"message": ...}]}`` (429: ``detail`` instead)."""
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

    # -- full-table snapshot ------------------------------------------------------------------

    @property
    def emit_activate_version_messages(self) -> bool:
        # Never the SDK's marker, even if `emit_activate_version_messages` is set: it is sent
        # before the records, and a loader that applies it at the end of its input then
        # deletes every row a failed run did not reach (measured: 125 of 225 events). This
        # stream sends its own marker after a complete listing instead.
        return False

    @property
    def snapshot_version(self) -> int:
        """The table version of this run (seconds since the epoch at tap start, as the SDK uses)."""
        return self._tap.initialized_at // 1000

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        # Every RECORD carries this run's version, so the target can tell rows this run did
        # not send. The SDK only sets it when it emits ACTIVATE_VERSION *before* the records;
        # a target that applies that marker at the end of its input would then delete every
        # row not yet re-sent if the sync failed half-way. So the marker goes out here, after
        # the last page, and an interrupted listing never emits it.
        self._stream_version = self.snapshot_version
        yield from super().get_records(context)
        self._write_snapshot_complete()

    def _write_snapshot_complete(self) -> None:
        for stream_map in self.stream_maps:
            if isinstance(stream_map, RemoveRecordTransform):
                continue  # the stream is removed by a stream map: nothing to activate
            self._tap.write_message(
                singer.ActivateVersionMessage(stream=stream_map.stream_alias, version=self.snapshot_version)
            )
