"""Deletions: a full-table stream's complete listing ends with ACTIVATE_VERSION.

A stream that lists everything on every run (``marks_complete_snapshots``) can tell the loader
which rows the API no longer lists: every RECORD of the listing carries the run's table version,
and once the listing is complete an ACTIVATE_VERSION with that version follows, so the loader
retires (or marks with ``_sdc_deleted_at``) the rows of older versions. The ``propagate_deletions``
setting (:func:`scheduling_taps_common.settings.propagate_deletions`) turns this on (the default)
or off, with the same meaning in every tap.

The SDK's own marker is never sent, whatever its ``emit_activate_version_messages`` setting says:
the SDK sends it *before* the records, and Meltano closes the loader's input normally when a tap
fails, so the loader would retire every row the failed run had not reached yet.
"""

from __future__ import annotations

import typing as t

from singer_sdk import Stream
from singer_sdk import singerlib as singer
from singer_sdk.mapper import RemoveRecordTransform
from typing_extensions import override

from scheduling_taps_common import sdk_private, settings

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator


class SnapshotStream(Stream):
    """A stream whose complete listings can retire the rows the API no longer lists.

    A top-level stream's listing speaks for its child streams that set ``marks_complete_snapshots``
    too: all their records are read while it runs, so their listings are complete when its own
    is. A child of a stream without snapshots never sends a marker (its parent's listing may be
    filtered, so its own is not complete).
    """

    #: The stream lists everything on every run (full table, no filter): its complete listing is
    #: the whole source, so the rows it no longer has were deleted there.
    marks_complete_snapshots: t.ClassVar[bool] = False

    @property
    @override
    def emit_activate_version_messages(self) -> bool:
        # Never the SDK's marker, which goes out before the records (see the module docstring).
        return False

    @property
    def propagates_deletions(self) -> bool:
        """Whether this stream lists everything and the ``propagate_deletions`` setting is on."""
        return self.marks_complete_snapshots and settings.propagates_deletions(self.config)

    @property
    def snapshot_version(self) -> int:
        """This run's table version: seconds since the epoch at tap start, as the SDK counts it."""
        return sdk_private.tap_of(self).initialized_at // 1000

    def complete_listing(self, records: Iterable[dict[str, t.Any]]) -> Iterator[dict[str, t.Any]]:
        """``records``, the whole listing of this top-level stream, then the markers.

        Every RECORD of this stream and of its snapshot children carries this run's version, so
        the loader can tell the rows this run did not send. The markers go out only once the last
        record (and the child lists read for it) is done: an interrupted run never retires a row.
        Only selected streams get a marker: a stream whose records are not sent has nothing to
        activate, and a marker would retire all of its rows.
        """
        children = [c for c in self.child_streams if isinstance(c, SnapshotStream) and c.propagates_deletions]
        marked = [stream for stream in (self, *children) if stream.selected]
        for stream in marked:
            sdk_private.stamp_records_with_version(stream, self.snapshot_version)
        yield from records
        for stream in marked:
            stream.write_snapshot_complete()

    def write_snapshot_complete(self) -> None:
        """ACTIVATE_VERSION for this stream, under each alias a stream map gives it.

        Subclasses may decline to mark a listing they know to be incomplete.
        """
        tap = sdk_private.tap_of(self)
        for stream_map in self.stream_maps:
            if isinstance(stream_map, RemoveRecordTransform):
                continue  # the stream is removed by a stream map: nothing to activate
            marker = singer.ActivateVersionMessage(stream=stream_map.stream_alias, version=self.snapshot_version)
            tap.write_message(marker)
