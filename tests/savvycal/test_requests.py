"""What tap-savvycal asks SavvyCal for: page size, cursors, filters, and nothing more."""

from __future__ import annotations

import math

import pytest

from api_sandbox.savvycal import decode_cursor
from api_sandbox.savvycal.api import FakeSavvyCal
from tap_savvycal.tap import TapSavvyCal


def test_lists_use_the_maximum_page_size_and_follow_metadata_after_to_the_end(start_fake, run_savvycal):
    fake = start_fake("savvycal", seed=3, scale=0.5)  # 225 events, 125 links: several pages each
    run = run_savvycal(fake)
    assert run.returncode == 0, run.stderr

    for path, stored in (("/v1/events", fake.data.events), ("/v1/links", fake.data.links)):
        calls = fake.requests_to(f"^{path}$")
        assert {c.arg("limit") for c in calls} == {"100"}, path
        # ceil(n/100) requests and not one more: after=null on the last page ends paging.
        assert len(calls) == math.ceil(len(stored) / 100) > 1, path
        assert calls[0].arg("after") is None
        # Each later request continues right after the previous page's last entry.
        sent = [decode_cursor(c.arg("after")) for c in calls[1:]]
        assert sent == [stored[i * 100 - 1].seq for i in range(1, len(calls))], path
        assert all(c.arg("before") is None for c in calls)

    assert [r["id"] for r in run.records["events"]] == [e["id"] for e in fake.data.event_records()]
    assert [r["id"] for r in run.records["scheduling_links"]] == [link["id"] for link in fake.data.link_records()]


def test_a_list_that_fills_its_last_page_exactly_costs_no_extra_request(start_fake, run_savvycal):
    fake = start_fake("savvycal", seed=3, scale=0.8)  # exactly 200 links
    assert len(fake.data.links) == 200
    run = run_savvycal(fake)
    assert run.returncode == 0, run.stderr
    assert len(fake.requests_to("^/v1/links$")) == 2
    assert len(run.records["scheduling_links"]) == 200


def test_events_are_asked_for_in_every_state_and_period_by_default(start_fake, run_savvycal):
    fake = start_fake("savvycal", seed=3, scale=0.2)
    run = run_savvycal(fake)
    assert run.returncode == 0, run.stderr
    calls = fake.requests_to("^/v1/events$")
    assert {(c.arg("state"), c.arg("period")) for c in calls} == {("all", "all")}
    # Without them SavvyCal would list only confirmed upcoming events.
    states = {r["state"] for r in run.records["events"]}
    assert {"canceled", "awaiting_approval", "declined"} <= states
    assert len(run.records["events"]) == len(fake.data.events)


def test_the_event_filters_are_passed_through_for_users_who_want_less(start_fake, run_savvycal):
    fake = start_fake("savvycal", seed=3, scale=0.5)
    run = run_savvycal(fake, event_state="canceled", event_period="past")
    assert run.returncode == 0, run.stderr
    calls = fake.requests_to("^/v1/events$")
    assert {(c.arg("state"), c.arg("period")) for c in calls} == {("canceled", "past")}
    assert run.records["events"] and {r["state"] for r in run.records["events"]} == {"canceled"}


def test_time_zones_are_one_request_without_parameters(start_fake, run_savvycal):
    fake = start_fake("savvycal", seed=3, scale=0.05)
    run = run_savvycal(fake)
    assert run.returncode == 0, run.stderr
    calls = fake.requests_to("^/v1/time_zones$")
    assert len(calls) == 1 and calls[0].query == {}
    assert {z["id"] for z in run.records["timezones"]} == {z["id"] for z in fake.data.time_zones()}


def test_time_zones_in_a_paginated_envelope_are_read_to_the_end_too(start_fake, run_savvycal):
    # SavvyCal documents a bare array but not that it holds for every caller. If /v1/time_zones ever
    # answers with the list envelope, the tap must follow it rather than lose zones.
    fake = start_fake("savvycal", seed=3, scale=0.05)
    zones = fake.data.time_zones()
    first = {"entries": zones[:20], "metadata": {"before": None, "after": "g3QAAAABZAACaWRhFA==", "limit": 20}}
    second = {"entries": zones[20:], "metadata": {"before": "x", "after": None, "limit": 20}}
    fake.inject_fault(200, path="^/v1/time_zones$", body=first)
    fake.inject_fault(200, path="^/v1/time_zones$", body=second)
    run = run_savvycal(fake)
    assert run.returncode == 0, run.stderr
    calls = fake.requests_to("^/v1/time_zones$")
    assert [c.arg("after") for c in calls] == [None, "g3QAAAABZAACaWRhFA=="]
    assert [z["id"] for z in run.records["timezones"]] == [z["id"] for z in zones]


def test_each_complete_listing_ends_with_activate_version_for_its_records(start_fake, run_savvycal):
    fake = start_fake("savvycal", seed=3, scale=0.2)
    run = run_savvycal(fake)
    assert run.returncode == 0, run.stderr
    for stream in TapSavvyCal(config={"api_key": "k"}).streams:
        versions = run.record_versions(stream)
        assert len(versions) == 1 and None not in versions, stream
        # One marker, with the records' version, after the last record: never before them.
        assert run.activations(stream) == list(versions), stream
        assert run.index_of_last("ACTIVATE_VERSION", stream) > run.index_of_last("RECORD", stream)


def test_primary_key_is_id_on_every_stream_and_nothing_is_incremental():
    tap = TapSavvyCal(config={"api_key": "k"}, validate_config=True)
    for stream in tap.streams.values():
        assert stream.primary_keys == ("id",)
        assert stream.replication_method == "FULL_TABLE"
    assert set(tap.streams) >= {"events", "scheduling_links", "timezones"}


def test_default_pacing_stays_inside_the_documented_limit():
    # The platform API's 300 per minute per token, which the fake enforces; the pacer's arrival
    # margin keeps the server's count below it.
    tap = TapSavvyCal(config={"api_key": "k"})
    assert tap.config["api_url"] == "https://api.savvycal.com"
    assert (tap.config["max_requests_per_minute"], 60.0) in FakeSavvyCal.rate_limits


@pytest.mark.parametrize(("setting", "value"), [("event_state", "deleted"), ("event_period", "soon")])
def test_invalid_settings_are_rejected_with_the_setting_named(start_fake, run_savvycal, setting, value):
    fake = start_fake("savvycal", seed=3, scale=0.05)
    run = run_savvycal(fake, cli=True, **{setting: value})
    assert run.returncode != 0
    assert setting in run.stderr
    assert not fake.requests


def test_missing_api_key_is_a_clear_config_error(start_fake, run_savvycal):
    fake = start_fake("savvycal", seed=3, scale=0.05)
    run = run_savvycal(fake, cli=True, api_key=None)
    assert run.returncode != 0
    assert "api_key" in run.stderr
    assert not fake.requests


def test_current_user_is_one_request_and_one_record(start_fake, run_savvycal):
    fake = start_fake("savvycal", seed=3, scale=0.05)
    run = run_savvycal(fake)
    assert run.returncode == 0, run.stderr
    stream = TapSavvyCal(config={"api_key": "k"}).streams["current_user"]
    calls = fake.requests_to(f"^{stream.path}$")
    assert len(calls) == 1 and calls[0].query == {}
    assert run.records[stream.name] == [fake.data.user]


def test_workflows_page_at_the_maximum_and_their_rules_are_read_once_per_workflow(start_fake, run_savvycal):
    fake = start_fake("savvycal", seed=3, scale=5)  # 125 workflows: two pages
    run = run_savvycal(fake, max_requests_per_second=0, max_requests_per_minute=0)
    assert run.returncode == 0, run.stderr
    streams = TapSavvyCal(config={"api_key": "k"}).streams
    workflows, rules = streams["workflows"], streams["workflow_rules"]
    calls = fake.requests_to(f"^{workflows.path}$")
    assert {c.arg("limit") for c in calls} == {"100"}
    assert len(calls) == math.ceil(len(fake.data.workflows) / 100) == 2
    rule_calls = fake.requests_to("^/v1/workflows/[^/]+/rules$")
    # One request per workflow, without parameters (the endpoint takes none and does not page).
    assert sorted(c.path for c in rule_calls) == sorted(
        rules.path.format(workflow_id=w["id"]) for w in fake.data.workflow_records()
    )
    assert all(c.query == {} for c in rule_calls)
    assert [r["id"] for r in run.records[workflows.name]] == [w["id"] for w in fake.data.workflow_records()]
    assert run.records[rules.name] == fake.data.rule_records()
    assert rules.primary_keys == ("id",) and all(r["workflow_id"] for r in run.records[rules.name])


def test_a_workflow_deleted_during_the_sync_skips_its_rules_and_goes_on(start_fake, run_savvycal):
    fake = start_fake("savvycal", seed=3, scale=0.2)
    gone = fake.data.workflow_records()[0]["id"]
    fake.inject_fault(404, path=f"^/v1/workflows/{gone}/rules$")
    run = run_savvycal(fake)
    assert run.returncode == 0, run.stderr
    assert "vanished" in run.stderr
    expected = [r for r in fake.data.rule_records() if r["workflow_id"] != gone]
    assert run.records["workflow_rules"] == expected
