"""What tap-calendly asks the API for: page size, page tokens, scope, the incremental window."""

from __future__ import annotations

import datetime as dt
import math

from support.singer import run_tap

from api_sandbox.calendly import MEMBER_KEY
from api_sandbox.calendly.data import uuid_of


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
    assert set(markers) == {"event_types", "groups", "organization_memberships"}
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
