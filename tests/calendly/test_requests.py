"""What tap-calendly asks the API for: page size, page tokens, scope, the incremental window."""

from __future__ import annotations

import datetime as dt
import math

from support.singer import run_tap

from api_sandbox.calendly import MEMBER_KEY
from api_sandbox.calendly.data import uuid_of
from tap_calendly import streams
from tap_calendly.tap import TapCalendly


def config(fake, **overrides):
    return {"api_url": fake.url, "api_key": fake.valid_key, **overrides}


def test_every_list_uses_the_maximum_page_size_and_stops_on_a_null_token(start_fake, tmp_path):
    fake = start_fake("calendly", seed=3, scale=0.5)
    run = run_tap("tap-calendly", config(fake), tmp_path)
    assert run.returncode == 0, run.stderr

    for path, records in [
        ("/event_types", fake.data.event_types),
        ("/groups", fake.data.groups),
        ("/organization_memberships", fake.data.memberships),
        ("/scheduled_events", fake.data.events),
    ]:
        calls = fake.requests_to(f"^{path}$")
        assert {c.arg("count") for c in calls} == {"100"}, path
        # ceil(n/100) pages and not one more: the null next_page_token ends paging.
        assert len(calls) == math.ceil(len(records) / 100), path
        assert calls[0].arg("page_token") is None
        assert all(c.arg("page_token") for c in calls[1:]), path
    # /users/me is asked once per run, even though it also resolves the organization.
    assert len(fake.requests_to("^/users/me$")) == 1


def test_invitees_are_read_for_every_event_and_follow_their_own_pages(start_fake, tmp_path):
    fake = start_fake("calendly", seed=3, scale=0.5)
    run = run_tap("tap-calendly", config(fake), tmp_path)
    assert run.returncode == 0, run.stderr

    invitee_calls = fake.requests_to("/invitees$")
    pages_per_event = {
        uuid: math.ceil(len(invitees) / 100) or 1 for uuid, invitees in fake.data.invitees.items()
    }
    assert len(invitee_calls) == sum(pages_per_event.values())
    assert max(pages_per_event.values()) > 1, "the dataset must exercise child pagination"
    assert {uuid_of(r["uri"]) for r in run.records["event_invitees"]} == {
        uuid_of(i["uri"]) for i in fake.data.all_invitees()
    }


def test_organization_scope_sends_the_users_current_organization(start_fake, tmp_path):
    fake = start_fake("calendly", seed=3, scale=0.1)
    run_tap("tap-calendly", config(fake), tmp_path)
    for path in ("^/event_types$", "^/organization_memberships$", "^/scheduled_events$", "^/groups$"):
        assert {c.arg("organization") for c in fake.requests_to(path)} == {fake.data.organization}, path


def test_user_scope_lets_a_non_admin_token_sync_its_own_data(start_fake, tmp_path):
    fake = start_fake("calendly", seed=3, scale=0.1)
    member = fake.data.users[1]
    run = run_tap("tap-calendly", {**config(fake), "api_key": MEMBER_KEY, "scope": "user"}, tmp_path)
    assert run.returncode == 0, run.stderr
    for path in ("^/event_types$", "^/organization_memberships$", "^/scheduled_events$"):
        assert {c.arg("user") for c in fake.requests_to(path)} == {member["uri"]}, path
    own_events = [e for e in fake.data.events if any(m["user"] == member["uri"] for m in e["event_memberships"])]
    assert {e["uri"] for e in run.records["scheduled_events"]} == {e["uri"] for e in own_events}
    assert [m["user"]["uri"] for m in run.records["organization_memberships"]] == [member["uri"]]


def test_a_non_admin_token_at_organization_scope_is_told_to_use_user_scope(start_fake, tmp_path):
    fake = start_fake("calendly", seed=3, scale=0.1)
    run = run_tap("tap-calendly", {**config(fake), "api_key": MEMBER_KEY}, tmp_path)
    assert run.returncode != 0
    assert "403" in run.stderr
    assert "Set `scope` to `user`" in run.stderr
    assert "Traceback" not in run.stderr


def test_first_run_starts_the_window_at_start_date_with_no_upper_bound(start_fake, tmp_path):
    fake = start_fake("calendly", seed=3, scale=0.1)
    run_tap("tap-calendly", config(fake, start_date="2026-03-01T00:00:00Z"), tmp_path)
    calls = fake.requests_to("^/scheduled_events$")
    assert {c.arg("min_start_time") for c in calls} == {"2026-03-01T00:00:00.000000Z"}
    assert all(c.arg("max_start_time") is None for c in calls)
    assert {c.arg("sort") for c in calls} == {"start_time:asc"}


def test_later_runs_start_the_window_at_the_bookmark_minus_the_lookback(start_fake, tmp_path):
    fake = start_fake("calendly", seed=3, scale=0.1)
    state = {
        "bookmarks": {
            "scheduled_events": {
                "replication_key": "updated_at",
                "replication_key_value": "2026-06-20T12:00:00.000000Z",
            }
        }
    }
    run = run_tap(
        "tap-calendly", config(fake, start_date="2020-01-01T00:00:00Z", lookback_days=10), tmp_path, state=state
    )
    assert run.returncode == 0, run.stderr
    assert {c.arg("min_start_time") for c in fake.requests_to("^/scheduled_events$")} == {"2026-06-10T12:00:00.000000Z"}
    # The new bookmark is the newest updated_at seen (never later than the run's start).
    newest = max(e["updated_at"] for e in fake.data.events if e["start_time"] >= "2026-06-10T12:00:00")
    bookmark = run.state["bookmarks"]["scheduled_events"]["replication_key_value"]
    assert dt.datetime.fromisoformat(bookmark.replace("Z", "+00:00")) == dt.datetime.fromisoformat(
        newest.replace("Z", "+00:00")
    )


def test_an_invalid_scope_is_rejected_with_the_setting_named(start_fake, tmp_path):
    fake = start_fake("calendly", seed=3, scale=0.05)
    run = run_tap("tap-calendly", config(fake, scope="everything"), tmp_path)
    assert run.returncode != 0
    assert "scope" in run.stderr and "everything" in run.stderr
    assert not fake.requests


def test_missing_api_key_is_a_clear_config_error(start_fake, tmp_path):
    fake = start_fake("calendly", seed=3, scale=0.05)
    run = run_tap("tap-calendly", {"api_url": fake.url}, tmp_path)
    assert run.returncode != 0
    assert "api_key" in run.stderr
    assert not fake.requests


def test_full_table_lists_are_marked_complete_only_after_their_last_record(start_fake, tmp_path):
    fake = start_fake("calendly", seed=3, scale=0.1)
    run = run_tap("tap-calendly", config(fake), tmp_path)
    assert run.returncode == 0, run.stderr

    markers = {m["stream"]: i for i, m in enumerate(run.messages) if m["type"] == "ACTIVATE_VERSION"}
    tap = TapCalendly(config={}, validate_config=False, setup_mapper=False)
    assert set(markers) == {name for name, stream in tap.streams.items() if stream.marks_complete_snapshots}
    for stream, position in markers.items():
        records = [i for i, m in enumerate(run.messages) if m["type"] == "RECORD" and m["stream"] == stream]
        assert records and max(records) < position, stream
        version = run.messages[position]["version"]
        assert {run.messages[i]["version"] for i in records} == {version}, stream


def test_an_interrupted_listing_is_never_marked_complete(start_fake, tmp_path):
    fake = start_fake("calendly", seed=3, scale=0.5)
    fake.inject_fault(500, path="^/groups$", after=1, times=10, headers={"Retry-After": "0"})
    run = run_tap("tap-calendly", config(fake), tmp_path)
    assert run.returncode != 0
    assert run.records["groups"], "the first page was read"
    assert "groups" not in {m["stream"] for m in run.messages if m["type"] == "ACTIVATE_VERSION"}


def test_hosts_are_read_for_every_event_type_at_the_maximum_page_size(start_fake, tmp_path):
    fake = start_fake("calendly", seed=3, scale=0.5)
    run = run_tap("tap-calendly", config(fake), tmp_path)
    assert run.returncode == 0, run.stderr

    calls = fake.requests_to(f"^{streams.EventTypeMembershipsStream.path}$")
    assert {c.arg("count") for c in calls} == {"100"}
    pages = {uri: math.ceil(len(hosts) / 100) or 1 for uri, hosts in fake.data.hosts.items()}
    assert max(pages.values()) > 1, "the dataset must exercise the hosts' pagination"
    assert len(calls) == sum(pages.values())
    assert {c.arg("event_type") for c in calls} == {e["uri"] for e in fake.data.event_types}
    name = streams.EventTypeMembershipsStream.name
    assert {r["uri"] for r in run.records[name]} == {h["uri"] for h in fake.data.all_hosts()}
    # The event type and the member come expanded, as Calendly sends them.
    assert all(isinstance(r["event_type"], dict) and r["member"]["uri"] for r in run.records[name])


def test_submissions_are_read_for_every_routing_form(start_fake, tmp_path):
    fake = start_fake("calendly", seed=3, scale=0.3)
    run = run_tap("tap-calendly", config(fake), tmp_path)
    assert run.returncode == 0, run.stderr

    assert {c.arg("organization") for c in fake.requests_to(f"^{streams.RoutingFormsStream.path}$")} == {
        fake.data.organization
    }
    calls = fake.requests_to(f"^{streams.RoutingFormSubmissionsStream.path}$")
    pages = {form: math.ceil(len(s) / 100) or 1 for form, s in fake.data.submissions.items()}
    assert max(pages.values()) > 1, "the dataset must exercise the submissions' pagination"
    assert len(calls) == sum(pages.values())
    assert {c.arg("count") for c in calls} == {"100"}
    assert {r["uri"] for r in run.records[streams.RoutingFormSubmissionsStream.name]} == {
        s["uri"] for s in fake.data.all_submissions()
    }


def test_invitations_and_availability_schedules_cover_the_organization(start_fake, tmp_path):
    fake = start_fake("calendly", seed=3, scale=0.3)
    run = run_tap("tap-calendly", config(fake), tmp_path)
    assert run.returncode == 0, run.stderr

    invitation_calls = fake.requests_to("^/organizations/[^/]+/invitations$")
    assert {c.path for c in invitation_calls} == {f"/organizations/{uuid_of(fake.data.organization)}/invitations"}
    assert len(invitation_calls) == math.ceil(len(fake.data.invitations) / 100)
    assert {r["uri"] for r in run.records[streams.OrganizationInvitationsStream.name]} == {
        i["uri"] for i in fake.data.invitations
    }
    # One unpaged request per member of the organization.
    schedule_calls = fake.requests_to(f"^{streams.UserAvailabilitySchedulesStream.path}$")
    assert sorted(c.arg("user") for c in schedule_calls) == sorted(m["user"]["uri"] for m in fake.data.memberships)
    assert {r["uri"] for r in run.records[streams.UserAvailabilitySchedulesStream.name]} == {
        s["uri"] for s in fake.data.all_schedules()
    }


def test_user_scope_skips_the_organization_wide_lists_with_a_reason(start_fake, tmp_path):
    fake = start_fake("calendly", seed=3, scale=0.1)
    member = fake.data.users[1]
    run = run_tap("tap-calendly", {**config(fake), "api_key": MEMBER_KEY, "scope": "user"}, tmp_path)
    assert run.returncode == 0, run.stderr

    skipped = [streams.RoutingFormsStream, streams.OrganizationInvitationsStream, streams.ActivityLogEntriesStream]
    for stream in skipped:
        assert f"Skipping '{stream.name}' with `scope: user`" in run.stderr
        assert not run.records.get(stream.name)
    assert not run.records.get(streams.RoutingFormSubmissionsStream.name)
    assert not fake.requests_to("^/(routing_forms|routing_form_submissions|activity_log_entries)$")
    assert not fake.requests_to("/invitations$")
    # Nothing is retired for a list that was not read.
    markers = {m["stream"] for m in run.messages if m["type"] == "ACTIVATE_VERSION"}
    assert not markers & {s.name for s in skipped}
    # The user's own schedules and the hosts of the user's own event types are read.
    assert {c.arg("user") for c in fake.requests_to(f"^{streams.UserAvailabilitySchedulesStream.path}$")} == {
        member["uri"]
    }
    assert {r["uri"] for r in run.records[streams.UserAvailabilitySchedulesStream.name]} == {
        s["uri"] for s in fake.data.schedules[member["uri"]]
    }
    own_types = {r["uri"] for r in run.records[streams.EventTypesStream.name]}
    assert {c.arg("event_type") for c in fake.requests_to(f"^{streams.EventTypeMembershipsStream.path}$")} == own_types


def test_without_the_enterprise_plan_the_activity_log_is_skipped_and_the_run_succeeds(start_fake, tmp_path):
    fake = start_fake("calendly", seed=3, scale=0.1, enterprise=False)
    run = run_tap("tap-calendly", config(fake), tmp_path)
    assert run.returncode == 0, run.stderr

    name = streams.ActivityLogEntriesStream.name
    warnings = [line for line in run.stderr.splitlines() if f"Skipping '{name}'" in line]
    assert len(warnings) == 1 and "WARNING" in warnings[0]
    assert "Enterprise plan" in warnings[0] and "Please upgrade your Calendly account to Enterprise." in warnings[0]
    assert "Traceback" not in run.stderr
    assert len(fake.requests_to(f"^{streams.ActivityLogEntriesStream.path}$")) == 1, "a 403 is not retried"
    assert not run.records.get(name)
    assert name not in run.state.get("bookmarks", {}) or not run.state["bookmarks"][name].get("replication_key_value")
    # Every other stream completes.
    assert {r["uri"] for r in run.records["scheduled_events"]} == {e["uri"] for e in fake.data.events}
    assert {r["uri"] for r in run.records[streams.OrganizationInvitationsStream.name]} == {
        i["uri"] for i in fake.data.invitations
    }
    assert {r["uri"] for r in run.records[streams.RoutingFormSubmissionsStream.name]} == {
        s["uri"] for s in fake.data.all_submissions()
    }


def test_the_activity_log_reads_after_the_bookmark_oldest_first_in_pages_of_1000(start_fake, tmp_path):
    fake = start_fake("calendly", seed=3, scale=1)
    stream = streams.ActivityLogEntriesStream
    times = sorted(e["occurred_at"] for e in fake.data.activity)
    bookmark = times[len(times) // 4]
    state = {"bookmarks": {stream.name: {"replication_key": "occurred_at", "replication_key_value": bookmark}}}
    run = run_tap("tap-calendly", config(fake, start_date="2020-01-01T00:00:00Z"), tmp_path, state=state)
    assert run.returncode == 0, run.stderr

    calls = fake.requests_to(f"^{stream.path}$")
    since = dt.datetime.fromisoformat(bookmark.replace("Z", "+00:00")) - stream.OVERLAP
    assert {c.arg("min_occurred_at") for c in calls} == {since.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"}
    assert {c.arg("count") for c in calls} == {str(stream.PAGE_SIZE)}
    assert {c.arg("sort") for c in calls} == {"occurred_at:asc"}
    read = [r["occurred_at"] for r in run.records[stream.name]]
    assert read == sorted(read)
    expected = [t for t in times if dt.datetime.fromisoformat(t.replace("Z", "+00:00")) > since]
    assert len(read) == len(expected) > stream.PAGE_SIZE, "every entry after the overlap, over several pages"
    assert run.state["bookmarks"][stream.name]["replication_key_value"] == times[-1]


def test_the_activity_log_first_run_starts_at_start_date(start_fake, tmp_path):
    fake = start_fake("calendly", seed=3, scale=0.1)
    run_tap("tap-calendly", config(fake, start_date="2026-03-01T00:00:00Z"), tmp_path)
    stream = streams.ActivityLogEntriesStream
    expected = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc) - stream.OVERLAP
    assert {c.arg("min_occurred_at") for c in fake.requests_to(f"^{stream.path}$")} == {
        expected.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    }
