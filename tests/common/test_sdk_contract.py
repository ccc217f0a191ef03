"""The SDK behaviour behind scheduling_taps_common.sdk_private (and the one public hook whose
effect we rely on, the tap's message writer): these fail loudly when an SDK upgrade changes
what the taps rely on, instead of letting a tap silently misbehave."""

from __future__ import annotations

import contextlib
import inspect
import io
import json
import re
import typing as t
from pathlib import Path

import pytest
import singer_sdk
from singer_sdk import RESTStream, Stream, Tap
from singer_sdk import singerlib as singer
from singer_sdk import typing as th
from singer_sdk.io_base import SingerWriter
from support.singer import tap_class

from api_sandbox import registry
from scheduling_taps_common import sdk_private


class Rows(Stream):
    """An unsorted incremental stream over a list, with hooks the tests set."""

    name = "rows"
    primary_keys = ("id",)
    replication_key = "updated"
    is_sorted = False
    schema = th.PropertiesList(th.Property("id", th.IntegerType), th.Property("updated", th.StringType)).to_dict()
    rows: t.ClassVar[list[dict[str, t.Any]]] = [{"id": 1, "updated": "2026-01-02"}, {"id": 2, "updated": "2026-01-03"}]
    after_rows: t.ClassVar[t.Callable[[Stream], None] | None] = None
    fail: t.ClassVar[bool] = False

    def get_records(self, context: t.Any) -> t.Iterable[dict[str, t.Any]]:
        yield from self.rows
        if self.fail:
            raise RuntimeError("boom")
        if self.after_rows is not None:
            type(self).after_rows(self)


class RowsWithChildren(Rows):
    def get_child_context(self, record: dict[str, t.Any], context: t.Any) -> dict[str, t.Any]:
        return {"row": record["id"]}


class Children(Stream):
    """Two children per row of ``rows``."""

    name = "children"
    parent_stream_type = RowsWithChildren
    primary_keys = ("id",)
    state_partitioning_keys: t.ClassVar[list[str]] = []
    schema = th.PropertiesList(th.Property("id", th.StringType)).to_dict()

    def get_records(self, context: t.Any) -> t.Iterable[dict[str, t.Any]]:
        yield from ({"id": f"{context['row']}-{n}"} for n in (1, 2))


class Toy(Tap):
    name = "tap-toy"
    config_jsonschema = th.PropertiesList().to_dict()

    def discover_streams(self) -> list[Stream]:
        return [Rows(self)]


class ToyWithChildren(Toy):
    def discover_streams(self) -> list[Stream]:
        return [RowsWithChildren(self), Children(self)]


@pytest.fixture(autouse=True)
def _reset_hooks() -> t.Iterator[None]:
    yield
    Rows.after_rows = None
    Rows.fail = False


def sync(state: dict[str, t.Any] | None = None) -> list[dict[str, t.Any]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        Toy(config={}, state=state).sync_all()
    return [json.loads(line) for line in out.getvalue().splitlines()]


def bookmark(messages: list[dict[str, t.Any]]) -> t.Any:
    return [m for m in messages if m["type"] == "STATE"][-1]["value"]["bookmarks"]["rows"].get("replication_key_value")


def test_the_stream_keeps_its_tap_as__tap():
    tap = Toy(config={})
    assert sdk_private.tap_of(tap.streams["rows"]) is tap


def test_a_stamped_version_is_written_on_every_record():
    Rows.after_rows = None
    original_get_records = Rows.get_records

    def stamped(self: Stream, context: t.Any) -> t.Iterable[dict[str, t.Any]]:
        sdk_private.stamp_records_with_version(self, 1234)
        yield from original_get_records(self, context)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Rows, "get_records", stamped)
        messages = sync()
    assert {m.get("version") for m in messages if m["type"] == "RECORD"} == {1234}


def test_dropping_the_progress_keeps_the_bookmark_the_run_started_from():
    assert bookmark(sync()) == "2026-01-03", "without it, the SDK promotes the newest value"
    Rows.after_rows = lambda stream: sdk_private.keep_previous_bookmark(stream.stream_state)
    start = {"bookmarks": {"rows": {"replication_key": "updated", "replication_key_value": "2026-01-01"}}}
    assert bookmark(sync(start)) == "2026-01-01"


def test_the_sdk_still_writes_the_lines_the_taps_keep_quiet():
    # sdk_private matches the SDK's log templates word for word: a reworded line would reappear
    # in every log at INFO. Each template must still be in the SDK's source.
    source = "\n".join(path.read_text() for path in Path(singer_sdk.__file__).parent.rglob("*.py"))
    flattened = re.sub(r'"\s*\n\s*"', "", source)  # string literals split over lines
    # One template is assembled from two literals: "Beginning sync of ..." + " with context keys: %s".
    suffix = " with context keys: %s"
    pieces: set[str] = set()
    for template in sdk_private._CHATTER:
        pieces |= {template.removesuffix(suffix), suffix} if template.endswith(suffix) else {template}
    missing = [piece for piece in pieces if piece not in flattened]
    assert not missing, f"the SDK no longer logs {missing}"


def test_every_message_goes_through_the_taps_message_writer_class_a_childs_schema_once_per_parent():
    # OneSchemaPerStreamWriter (SchedulingTap.message_writer_class) drops the repeated SCHEMA of
    # child streams: that works only while the SDK writes every message through the writer of
    # the tap's `message_writer_class`, SCHEMA messages included.
    written: list[singer.Message] = []

    class RecordingWriter(SingerWriter):
        def write_message(self, message: singer.Message) -> None:
            written.append(message)

    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(io.StringIO()) as stdout:
        patch.setattr(ToyWithChildren, "message_writer_class", RecordingWriter)
        ToyWithChildren(config={}).sync_all()

    assert stdout.getvalue() == "", "a message bypassed the tap's writer"
    kinds = {type(m).__name__ for m in written}
    assert {"SchemaMessage", "RecordMessage", "StateMessage"} <= kinds, kinds
    schemas = [m.stream for m in written if isinstance(m, singer.SchemaMessage)]
    # If this changes to one SCHEMA per stream, the SDK fixed the repeat itself and the writer's
    # rule is no longer needed (it stays harmless).
    assert schemas.count("children") == len(Rows.rows) == 2
    assert schemas.count("rows") == 1


def test_the_sdk_pages_with_the_two_functions_the_prefetching_loop_calls():
    # SchedulingAPIStream.request_records re-creates the SDK's paging loop so that the next page
    # is requested early; it builds and sends each request with the same two SDK functions.
    source = inspect.getsource(RESTStream.request_records)
    assert "self._prepare_request(context=context, page=paginator)" in source
    assert "decorated_request = self.request_decorator(self._request)" in source
    assert "paginator.continue_if_empty(resp)" in source


@pytest.mark.parametrize("api", registry.available())
def test_no_stream_relies_on_a_deprecated_paging_hook_the_prefetching_loop_skips(api):
    # The SDK's loop still calls an overridden `prepare_request` (deprecated for
    # `get_http_request`), and `get_next_page_token` no longer pages at all; the taps' loop
    # builds every request through `get_http_request`, so an override of either would be ignored.
    tap = tap_class(f"tap-{api}")(config={}, validate_config=False, setup_mapper=False)
    for stream in tap.streams.values():
        assert type(stream).prepare_request is RESTStream.prepare_request, f"{stream.name} overrides prepare_request"
        assert not hasattr(stream, "get_next_page_token"), f"{stream.name} defines get_next_page_token"
