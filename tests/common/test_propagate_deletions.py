"""`propagate_deletions`: one setting, one meaning, in every tap.

True (the default): every full-table stream that lists everything (``marks_complete_snapshots``)
stamps its records with the run's version and ends its complete listing with one
ACTIVATE_VERSION of that version. False: no marker and no version, ever. The SDK's own
`emit_activate_version_messages` changes nothing either way.
"""

from __future__ import annotations

import typing as t

import pytest
from support.singer import TapRun, run_tap, sandbox_config, tap_class, unpaced

from scheduling_taps_common import SchedulingAPIStream, settings

TAPS = ("tap-calendly", "tap-luma", "tap-float", "tap-savvycal", "tap-oncehub")


def snapshot_streams(tap: str) -> set[str]:
    """The tap's streams that list everything every run."""
    instance = tap_class(tap)(config={}, validate_config=False, setup_mapper=False)
    streams = t.cast("dict[str, SchedulingAPIStream]", instance.streams)
    return {name for name, stream in streams.items() if stream.marks_complete_snapshots}


def sync(start_fake: t.Any, tap: str, **config: t.Any) -> TapRun:
    fake = start_fake(tap.removeprefix("tap-"), seed=9, scale=0.05, enforce_rate_limits=False)
    run = run_tap(tap, sandbox_config(tap, fake, **unpaced(tap), **config))
    assert run.returncode == 0, run.stderr[-3000:]
    return run


@pytest.mark.parametrize("tap", TAPS)
def test_every_tap_declares_the_same_setting_on_by_default(tap):
    declared = tap_class(tap).config_jsonschema["properties"][settings.PROPAGATE_DELETIONS]
    assert declared == settings.propagate_deletions().to_dict()[settings.PROPAGATE_DELETIONS]
    assert declared["default"] is True


@pytest.mark.parametrize("tap", TAPS)
def test_on_each_complete_listing_ends_with_one_marker_of_its_records_version(start_fake, tap):
    run = sync(start_fake, tap, emit_activate_version_messages=True)
    snapshots = snapshot_streams(tap)
    assert snapshots, f"{tap} has no full-table stream that lists everything"
    for stream in run.key_properties:
        markers = run.activations(stream)
        if stream not in snapshots:
            assert not markers, f"{stream} is not a complete listing, yet was marked"
            assert run.record_versions(stream) <= {None}, stream
            continue
        assert len(markers) == 1, f"{stream}: {markers}"
        if run.records[stream]:
            assert run.record_versions(stream) == set(markers), stream
            marker_at = run.index_of_last("ACTIVATE_VERSION", stream)
            assert marker_at > run.index_of_last("RECORD", stream), f"{stream}: marker before its last record"


@pytest.mark.parametrize("tap", TAPS)
def test_off_no_marker_and_no_version(start_fake, tap):
    run = sync(start_fake, tap, propagate_deletions=False, emit_activate_version_messages=True)
    assert run.records, "the run read nothing: the test would prove nothing"
    assert not [m for m in run.messages if m["type"] == "ACTIVATE_VERSION"]
    assert {m.get("version") for m in run.messages if m["type"] == "RECORD"} == {None}
