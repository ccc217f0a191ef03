"""The REST stream every scheduling tap builds on: retries, pacing, errors that say what to fix."""

from __future__ import annotations

import decimal
import json
import typing as t
from urllib.parse import urlparse

from singer_sdk import RESTStream
from singer_sdk import singerlib as singer
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from singer_sdk.helpers.jsonpath import extract_jsonpath
from singer_sdk.mapper import RemoveRecordTransform

from scheduling_taps_common.retry import MAX_RETRIES, RETRY_STATUSES, backoff_waits

if t.TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterable

    import requests
    from singer_sdk.helpers.types import Context

    from scheduling_taps_common.pacing import RequestPacer

_TToken = t.TypeVar("_TToken")

#: Longest excerpt of an error body quoted in a message.
_BODY_EXCERPT = 300


class MalformedResponseError(FatalAPIError):
    """The API answered 2xx with something that is not the documented JSON."""


class SchedulingAPIStream(RESTStream[_TToken]):
    """Base stream: ``api_url`` base, shared retry policy, request pacing, clear fatal errors.

    Subclasses (one per API) set ``credential_setting`` so that a 401 names the setting to fix,
    and may override :meth:`api_error_detail` to read the vendor's error body.
    """

    #: Name of the tap setting holding the credential, quoted in 401/403 messages.
    credential_setting: t.ClassVar[str] = "api_key"

    #: For full-table streams that list everything on every run: after the last page, send
    #: ACTIVATE_VERSION so a loader can retire rows the API no longer lists (deleted records).
    marks_complete_snapshots: t.ClassVar[bool] = False

    @property
    def url_base(self) -> str:
        return str(self.config["api_url"]).rstrip("/")

    @property
    def credential(self) -> str:
        """The credential setting's value, stripped: a key pasted with a trailing newline would
        make ``requests`` raise an error that quotes the header, i.e. print the key."""
        return str(self.config[self.credential_setting]).strip()

    # -- retries ----------------------------------------------------------------------------

    def backoff_wait_generator(self) -> Generator[float, t.Any, None]:
        return backoff_waits()

    def backoff_max_tries(self) -> int:
        return MAX_RETRIES + 1

    def backoff_jitter(self, value: float) -> float:
        # Waits are exact: Retry-After must be honoured as sent, and 2/4/8 s is already spread.
        return value

    def request_decorator(self, func: Callable) -> Callable:
        pacer = self.request_pacer

        def paced(*args: t.Any, **kwargs: t.Any) -> t.Any:
            pacer.wait()
            return func(*args, **kwargs)

        # Pacing sits inside the retry loop, so retries are paced too.
        return super().request_decorator(paced)

    @property
    def request_pacer(self) -> RequestPacer:
        return self._tap.request_pacer  # type: ignore[attr-defined]

    # -- errors -----------------------------------------------------------------------------

    def validate_response(self, response: requests.Response) -> None:
        status = response.status_code
        if status in RETRY_STATUSES:
            raise RetriableAPIError(self.response_error_message(response), response)
        if status >= 400:
            raise FatalAPIError(self.fatal_error_message(response))

    def response_error_message(self, response: requests.Response) -> str:
        """One line naming the request and the API's own explanation; never headers or secrets."""
        request = response.request
        method = request.method if request is not None else "GET"
        path = urlparse(response.url).path or self.path
        message = f"HTTP {response.status_code} {response.reason} for {method} {path}"
        detail = self.api_error_detail(response)
        return f"{message}: {detail}" if detail else message

    def fatal_error_message(self, response: requests.Response) -> str:
        """The error line plus what the user should change."""
        message = self.response_error_message(response)
        hint = self.fatal_error_hint(response)
        return f"{message.rstrip('.')}. {hint}" if hint else message

    def fatal_error_hint(self, response: requests.Response) -> str:
        status = response.status_code
        if status == 401:
            return (
                f"The API rejected the credential: check the `{self.credential_setting}` setting "
                f"(and that `api_url` points at the right API)."
            )
        if status == 403:
            return (
                f"The credential in `{self.credential_setting}` is valid but lacks permission "
                "for this resource."
            )
        if status == 404:
            return "Check the `api_url` setting: the API has no such resource there."
        return ""

    def api_error_detail(self, response: requests.Response) -> str:
        """The API's explanation from an error body (JSON message fields, else a text excerpt)."""
        try:
            body = response.json()
        except ValueError:
            text = " ".join(response.text.split())
            return text[:_BODY_EXCERPT]
        return _message_from_error_body(body)[:_BODY_EXCERPT]

    # -- full-table snapshots ---------------------------------------------------------------

    @property
    def emit_activate_version_messages(self) -> bool:
        # Never the SDK's own marker, whatever `emit_activate_version_messages` says: the SDK
        # sends it *before* the records, and Meltano closes the loader's input normally when a
        # tap fails, so the loader would retire every row the failed run had not reached yet.
        # Streams with `marks_complete_snapshots` send theirs after a complete listing instead.
        return False

    @property
    def snapshot_version(self) -> int:
        """This run's table version (seconds since the epoch at tap start, as the SDK uses)."""
        return self._tap.initialized_at // 1000

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        if not self.marks_complete_snapshots or self.parent_stream_type is not None:
            yield from super().get_records(context)
            return
        # A top-level snapshot stream speaks for itself and its snapshot children (whose records
        # are all read while this listing runs). Every RECORD carries this run's version, so the
        # loader can tell rows this run did not send; the markers go out only once the listing
        # is complete, so an interrupted run never retires anything.
        snapshot = [self, *(child for child in self.child_streams if child.marks_complete_snapshots)]
        for stream in snapshot:
            stream._stream_version = self.snapshot_version
        yield from super().get_records(context)
        for stream in snapshot:
            stream.write_snapshot_complete()

    def write_snapshot_complete(self) -> None:
        """ACTIVATE_VERSION for this stream (under each alias a stream map gives it)."""
        for stream_map in self.stream_maps:
            if isinstance(stream_map, RemoveRecordTransform):
                continue  # the stream is removed by a stream map: nothing to activate
            self._tap.write_message(
                singer.ActivateVersionMessage(stream=stream_map.stream_alias, version=self.snapshot_version)
            )

    # -- parsing ----------------------------------------------------------------------------

    def response_json(self, response: requests.Response) -> t.Any:
        """The decoded body, or a clear error when a 2xx answer is not JSON."""
        try:
            return response.json(parse_float=decimal.Decimal)
        except ValueError as exc:
            content_type = response.headers.get("Content-Type", "no content type")
            excerpt = " ".join(response.text.split())[:120]
            path = urlparse(response.url).path
            msg = (
                f"Malformed response for GET {path}: expected JSON, got {content_type} "
                f"({excerpt!r}). Check the `api_url` setting."
            )
            raise MalformedResponseError(msg) from exc

    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        body = self.response_json(response)
        for record in extract_jsonpath(self.records_jsonpath, input=body):
            if not isinstance(record, dict):
                path = urlparse(response.url).path
                msg = f"Malformed response for GET {path}: expected objects at {self.records_jsonpath}"
                raise MalformedResponseError(msg)
            yield record


def _message_from_error_body(body: t.Any) -> str:
    """Pull a human message out of the usual error body shapes of the five APIs."""
    if isinstance(body, dict):
        parts = [str(body[key]) for key in ("title", "name", "type") if body.get(key)]
        for key in ("message", "detail", "error", "error_description"):
            if body.get(key):
                parts.append(str(body[key]))
                break
        errors = body.get("errors") or body.get("details")
        if isinstance(errors, list) and errors:
            parts.append(json.dumps(errors[:3], default=str))
        if parts:
            return " - ".join(dict.fromkeys(parts))
    return json.dumps(body, default=str)
