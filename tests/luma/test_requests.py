"""What tap-luma asks Luma for: maximum page size, cursors, no wasted request, and what it emits."""

from __future__ import annotations

import json
import math
import subprocess
from collections import Counter

import pytest
import requests
from luma.helpers import (
    COUPONS,
    EVENTS,
    GUESTS,
    PEOPLE,
    PER_EVENT,
    PERSON_TAGS,
    STREAMS,
    TICKET_TYPES,
    expected,
    key_of,
    path_of,
    tap_config,
)
from singer_sdk.exceptions import RetriableAPIError
from support.paths import VENV_BIN
from support.singer import run_tap

from api_sandbox.luma import MAX_PAGE_SIZE, FakeLuma
from scheduling_taps_common import MalformedResponseError, backoff_waits
from tap_luma.client import PAGE_SIZE, RATE_LIMIT_BLOCK_SECONDS, LumaCursorPaginator, LumaStream
from tap_luma.tap import TapLuma

EVENTS_PATH = path_of(EVENTS)
GUESTS_PATH = path_of(GUESTS)


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    """A full sync of a fake whose event list, people list and largest guest list span pages."""
    # Three lists per event: about 230 requests, more than a minute's worth at the default pacing
    # (pacing has its own test below).
    with FakeLuma(scale=0.4, enforce_rate_limits=False) as fake:
        config = tap_config(fake, max_requests_per_minute=0, max_requests_per_five_minutes=0)
        run = run_tap("tap-luma", config, tmp_path_factory.mktemp("synced"))
        assert run.returncode == 0, run.stderr[-3000:]
        yield fake, run


@pytest.mark.parametrize("stream", sorted(STREAMS))
def test_emits_every_record_of_every_stream_once_unwrapped(synced, stream):
    fake, run = synced
    fields = key_of(stream)

    def key(record):
        return tuple(record[field] for field in fields)

    assert run.records[stream], f"{stream}: nothing emitted, the comparison would prove nothing"
    assert sorted(run.records[stream], key=key) == sorted(expected(fake)[stream], key=key)


def test_hidden_ticket_types_are_asked_for_and_emitted(synced):
    fake, run = synced
    requests_ = fake.requests_to(path_of(TICKET_TYPES))
    assert {r.arg("include_hidden") for r in requests_} == {"true"}
    assert any(record["is_hidden"] for record in run.records[TICKET_TYPES])


def test_maximum_page_size_and_exactly_one_request_per_page(synced):
    fake, _ = synced
    assert PAGE_SIZE == MAX_PAGE_SIZE
    paged = [r for r in fake.requests if not r.path.endswith(STREAMS[TICKET_TYPES].path)]
    assert {r.arg("pagination_limit") for r in paged} == {str(MAX_PAGE_SIZE)}
    assert all(r.status == 200 for r in fake.requests)

    for stream, total in ((EVENTS, len(fake.data.events)), (PEOPLE, len(fake.data.calendar_people))):
        listing = fake.requests_to(path_of(stream))
        assert total > MAX_PAGE_SIZE, stream
        # has_more is authoritative: the cursor lingering on the last page is not followed.
        assert len(listing) == math.ceil(total / MAX_PAGE_SIZE), stream
        assert listing[0].arg("pagination_cursor") is None
        cursors = [r.arg("pagination_cursor") for r in listing[1:]]
        assert all(cursors) and len(set(cursors)) == len(cursors)
    assert len(fake.requests_to(path_of(PERSON_TAGS))) == 1

    # Ticket types come whole in one answer (no paging documented): one request per event,
    # without paging parameters; coupons one page per event here.
    events = {e["api_id"] for e in fake.data.events}
    for stream in (TICKET_TYPES, COUPONS):
        per_event = Counter(r.arg("event_api_id") for r in fake.requests_to(path_of(stream)))
        assert per_event == dict.fromkeys(events, 1), stream
    assert {r.arg("pagination_limit") for r in fake.requests_to(path_of(TICKET_TYPES))} == {None}

    per_event = Counter(r.arg("event_api_id") for r in fake.requests_to(GUESTS_PATH))
    expected = {
        api_id: max(1, math.ceil(len(guests) / MAX_PAGE_SIZE)) for api_id, guests in fake.data.guests.items()
    }
    assert max(expected.values()) > 1  # one guest list spans several pages
    assert dict(per_event) == expected


def test_guest_pages_follow_the_cursor_of_their_own_event(synced):
    fake, _ = synced
    big = max(fake.data.guests, key=lambda api_id: len(fake.data.guests[api_id]))
    pages = [r for r in fake.requests_to(GUESTS_PATH) if r.arg("event_api_id") == big]
    assert pages[0].arg("pagination_cursor") is None
    assert all(r.arg("pagination_cursor") for r in pages[1:])


@pytest.mark.parametrize("stream", PER_EVENT)
def test_per_event_list_of_an_event_deleted_mid_sync_is_skipped(luma, tmp_path, stream):
    fake = luma(scale=0.1)
    victim = fake.data.events[3]["api_id"]
    # Luma answers 404 for the lists of an event cancelled after it was listed.
    fake.inject_fault(404, path=path_of(stream), after=3, times=1, body={"message": f"Event {victim} not found."})
    run = run_tap("tap-luma", tap_config(fake), tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "vanished during the sync" in run.stderr
    assert len(run.records[EVENTS]) == len(fake.data.events)
    skipped = next(r.arg("event_api_id") for r in fake.requests_to(path_of(stream)) if r.status == 404)
    keys = key_of(stream)
    emitted = {tuple(r[k] for k in keys) for r in run.records[stream]}
    assert emitted == {tuple(r[k] for k in keys) for r in expected(fake)[stream] if r["event_api_id"] != skipped}


def test_pacing_keeps_inside_the_servers_limit(luma, tmp_path):
    fake = luma(scale=0.05, rate_limits=((5, 1.0),))
    config = tap_config(fake, max_requests_per_second=5, max_requests_per_minute=0, max_requests_per_five_minutes=0)
    run = run_tap("tap-luma", config, tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    assert len(fake.requests) > 5
    assert all(r.status == 200 for r in fake.requests), Counter(r.status for r in fake.requests)


def test_default_pacing_is_the_strictest_documented_limit():
    tap = TapLuma(config={"api_key": "k"}, validate_config=True)
    assert tap.request_pacer.limits == [(200, 60.25), (500, 300.25)]
    off = TapLuma(config={"api_key": "k", "max_requests_per_minute": 0, "max_requests_per_five_minutes": 0})
    assert off.request_pacer.limits == []


# -- paginator and retry waits, without a server ------------------------------------------------


def _response(status: int, body: str, headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body.encode()
    response.headers.update(headers or {})
    response.url = "https://public-api.luma.com/public/v1/calendar/list-events"
    return response


def test_paginator_stops_on_has_more_false_even_with_a_cursor():
    paginator = LumaCursorPaginator()
    paginator.advance(_response(200, '{"entries": [{}], "has_more": false, "next_cursor": "abc"}'))
    assert paginator.finished


def test_paginator_follows_the_cursor_while_has_more():
    paginator = LumaCursorPaginator()
    paginator.advance(_response(200, '{"entries": [{}], "has_more": true, "next_cursor": "abc"}'))
    assert not paginator.finished and paginator.current_value == "abc"


def test_paginator_refuses_has_more_without_a_cursor():
    # Stopping would silently lose the remaining pages.
    with pytest.raises(MalformedResponseError, match="`next_cursor` is missing"):
        LumaCursorPaginator().advance(_response(200, '{"entries": [{}], "has_more": true}'))


def _waits(*responses: requests.Response) -> list[float]:
    assert LumaStream.rate_limit_block_seconds == RATE_LIMIT_BLOCK_SECONDS == 60.0
    waits = backoff_waits(rate_limit_wait=LumaStream.rate_limit_block_seconds)
    waits.send(None)
    return [waits.send(RetriableAPIError("retry", response)) for response in responses]


def test_bare_429_waits_out_lumas_one_minute_block():
    assert _waits(_response(429, "{}"), _response(429, "{}")) == [60.0, 60.0]


def test_retry_after_and_shared_backoff_still_apply():
    assert _waits(_response(429, "{}", {"Retry-After": "3"})) == [3.0]
    assert _waits(_response(503, "{}"), _response(502, "{}"), _response(500, "{}")) == [2.0, 4.0, 8.0]


# -- Singer messages ---------------------------------------------------------------------------


def _messages(fake: FakeLuma, workdir, **config: object) -> list[dict]:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "config.json").write_text(json.dumps(tap_config(fake, **config)))
    completed = subprocess.run(
        [str(VENV_BIN / "tap-luma"), "--config", str(workdir / "config.json")],
        capture_output=True, text=True, timeout=120, check=True,
    )
    return [json.loads(line) for line in completed.stdout.splitlines()]


def test_one_schema_message_per_stream_not_one_per_event(luma, tmp_path):
    # Loaders flush on SCHEMA: one per event would mean one tiny load per event.
    fake = luma(scale=0.1)
    messages = _messages(fake, tmp_path)
    schemas = Counter(m["stream"] for m in messages if m["type"] == "SCHEMA")
    assert schemas == dict.fromkeys(STREAMS, 1)
    for stream in PER_EVENT:
        schema = next(m for m in messages if m["type"] == "SCHEMA" and m["stream"] == stream)
        assert schema["key_properties"] == ["event_api_id", "api_id"]


def test_deletions_propagate_by_default_once_per_stream_with_one_version_for_the_run(luma, tmp_path):
    fake = luma(scale=0.1)
    messages = _messages(fake, tmp_path)
    activations = [(i, m) for i, m in enumerate(messages) if m["type"] == "ACTIVATE_VERSION"]
    assert Counter(m["stream"] for _, m in activations) == dict.fromkeys(STREAMS, 1)
    # Only after the whole listing: the events' last record, and every per-event list read for it.
    for stream in (EVENTS, *PER_EVENT):
        marker = next(i for i, m in activations if m["stream"] == stream)
        assert all(i < marker for i, m in enumerate(messages) if m["type"] == "RECORD" and m["stream"] in PER_EVENT)
    for stream in (PEOPLE, PERSON_TAGS):
        marker = next(i for i, m in activations if m["stream"] == stream)
        assert all(i < marker for i, m in enumerate(messages) if m["type"] == "RECORD" and m["stream"] == stream)
    # Every guest record, whichever event it came from, carries the version that is activated:
    # a loader deleting rows of older versions keeps all of this run's guests.
    versions = {m["version"] for m in messages if m["type"] in {"RECORD", "ACTIVATE_VERSION"}}
    assert len(versions) == 1


def test_propagate_deletions_off_sends_no_marker_whatever_the_sdks_flag_says(luma, tmp_path):
    fake = luma(scale=0.1)
    messages = _messages(fake, tmp_path, propagate_deletions=False, emit_activate_version_messages=True)
    assert not [m for m in messages if m["type"] == "ACTIVATE_VERSION"]
    assert {m.get("version") for m in messages if m["type"] == "RECORD"} == {None}
    assert Counter(m["stream"] for m in messages if m["type"] == "RECORD").keys() == STREAMS.keys()


def test_guests_selected_without_their_events_retire_guests_only(luma, tmp_path):
    # The events are still listed (to reach their guests) but not sent: a marker for them would
    # make the loader retire every event row.
    fake = luma(scale=0.1)
    catalog = TapLuma(config=tap_config(fake)).catalog_dict
    for entry in catalog["streams"]:
        for item in entry["metadata"]:
            if item["breadcrumb"] == []:
                item["metadata"]["selected"] = entry["tap_stream_id"] == GUESTS
    run = run_tap("tap-luma", tap_config(fake), tmp_path, catalog=catalog)
    assert run.returncode == 0, run.stderr[-3000:]
    assert not run.records[EVENTS] and run.records[GUESTS]
    assert not run.activations(EVENTS)
    assert len(run.activations(GUESTS)) == 1
    assert run.record_versions(GUESTS) == set(run.activations(GUESTS))
