"""The SavvyCal fake behaves as the SavvyCal docs say (savvycal.com/docs/api), not as the tap needs."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
from contract import harness

from api_sandbox.savvycal import FakeSavvyCal, decode_cursor, encode_cursor


def get(fake, path, key=FakeSavvyCal.valid_key, **params):
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    return requests.get(f"{fake.url}{path}", headers=headers, params=params, timeout=10)


@pytest.fixture(scope="module")
def fake():
    """One fake for the read-only tests of this module (tests that change a fake start their own)."""
    with FakeSavvyCal(seed=7, scale=0.5) as started:
        yield started


def test_cursors_are_the_documented_erlang_term_format():
    # The docs' example cursor is base64 of the Erlang term %{id: 6932}.
    assert encode_cursor(6932) == "g3QAAAABZAACaWRiAAAbFA=="
    assert decode_cursor("g3QAAAABZAACaWRiAAAbFA==") == 6932
    assert decode_cursor(encode_cursor(42)) == 42
    assert decode_cursor("not-a-cursor") is None


@pytest.mark.parametrize("key", [None, "pt_secret_wrong"])
def test_missing_or_wrong_token_gets_the_documented_401(fake, key):
    response = get(fake, "/v1/links", key=key)
    assert response.status_code == 401
    assert response.json() == {"errors": [{"message": "Unauthenticated"}]}


def test_lists_default_to_20_entries_and_clamp_limit_at_100(fake):
    default = get(fake, "/v1/links").json()
    assert len(default["entries"]) == 20 and default["metadata"]["limit"] == 20
    assert default["metadata"]["before"] is None and default["metadata"]["after"]
    clamped = get(fake, "/v1/links", limit=500).json()
    assert len(clamped["entries"]) == 100 and clamped["metadata"]["limit"] == 100
    assert get(fake, "/v1/links", limit="many").status_code == 400
    assert get(fake, "/v1/links", after="bogus").status_code == 400


def test_after_and_before_cursors_walk_the_list_without_gaps_or_repeats(fake):
    seen, after, pages = [], None, []
    while True:
        body = get(fake, "/v1/links", limit=100, **({"after": after} if after else {})).json()
        pages.append(body)
        seen += [link["id"] for link in body["entries"]]
        after = body["metadata"]["after"]
        if after is None:
            break
    assert seen == [link["id"] for link in fake.data.link_records()]
    assert len(pages) == 2  # 125 links: the last page is short and says so with after=null
    assert pages[1]["metadata"]["before"] is not None
    back = get(fake, "/v1/links", limit=100, before=pages[1]["metadata"]["before"]).json()
    assert [link["id"] for link in back["entries"]] == seen[:100]
    assert back["metadata"]["before"] is None


def test_events_default_to_confirmed_upcoming_unless_state_and_period_say_all(fake):
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    default = get(fake, "/v1/events", limit=100).json()["entries"]
    assert default and all(e["state"] == "confirmed" and e["end_at"] > now for e in default)
    everything, after = [], None
    while True:
        cursor = {"after": after} if after else {}
        body = get(fake, "/v1/events", limit=100, state="all", period="all", **cursor).json()
        everything += body["entries"]
        after = body["metadata"]["after"]
        if after is None:
            break
    assert len(everything) == len(fake.data.event_records()) > len(default)
    assert {e["state"] for e in everything} >= {"confirmed", "canceled", "awaiting_approval", "tentative"}
    past_canceled = get(fake, "/v1/events", limit=100, state="canceled", period="past").json()["entries"]
    assert past_canceled and all(e["state"] == "canceled" and e["end_at"] <= now for e in past_canceled)
    assert get(fake, "/v1/events", state="deleted").status_code == 400


def test_time_zones_are_a_bare_array_computed_for_the_instant(fake):
    january = get(fake, "/v1/time_zones", instant="2026-01-15T12:00:00Z").json()
    july = get(fake, "/v1/time_zones", instant="2026-07-15T12:00:00Z").json()
    assert isinstance(january, list) and len(january) > 20
    chicago_jan = next(z for z in january if z["id"] == "America/Chicago")
    chicago_jul = next(z for z in july if z["id"] == "America/Chicago")
    assert (chicago_jan["abbreviation"], chicago_jan["offset"], chicago_jan["dst"]) == ("CST", -21600, False)
    assert (chicago_jul["abbreviation"], chicago_jul["offset"], chicago_jul["dst"]) == ("CDT", -18000, True)
    assert chicago_jul["offset_utc"] == -21600 and chicago_jul["offset_std"] == 3600
    assert chicago_jul["period"] == {"from": "2026-03-08T03:00:00-05:00", "until": "2026-11-01T01:00:00-06:00"}


def test_the_fakes_rate_limit_answers_429_with_retry_after(start_fake):
    fake = start_fake("savvycal", seed=7, scale=0.05)
    fake.rate_limits = ((3, 60.0),)
    statuses = [get(fake, "/v1/links").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = get(fake, "/v1/links")
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.json()["errors"][0]["status"] == "429"


def test_every_documented_field_is_sent_with_nulls_where_documented(fake):
    events, links = fake.data.event_records(), fake.data.link_records()
    zones = fake.data.time_zones()
    account = {
        "current_user": [fake.data.user],
        "webhooks": fake.data.webhook_records(),
        "workflows": fake.data.workflow_records(),
        "workflow_rules": fake.data.rule_records(),
    }
    for stream, records in (("events", events), ("scheduling_links", links), ("timezones", zones), *account.items()):
        documented = set(harness.documented_fields("savvycal")[stream])
        # Every record has every top-level field; nested ones show up wherever their parent is not null.
        top_level = {path for path in documented if "." not in path and "[]" not in path}
        sent: set[str] = set()
        for record in records:
            assert top_level <= record.keys(), (stream, top_level - record.keys())
            sent |= harness.field_paths(record)
        assert documented <= sent, (stream, sorted(documented - sent))
    # The optional parts are sometimes null and sometimes filled, as in a real account.
    for name in ("link", "poll", "scope", "scheduler", "payment", "canceled_at", "rescheduled_at", "location_settings"):
        values = [e[name] for e in events]
        assert any(v is None for v in values) and any(v is not None for v in values), name
    assert any(z["metazone"] is None for z in zones) and any(z["metazone"] for z in zones)


def test_mutate_changes_the_account_like_real_use(start_fake):
    fake = start_fake("savvycal", seed=7, scale=0.5)
    before = {e["id"]: dict(e) for e in fake.data.event_records()}
    links_before = {link["id"] for link in fake.data.link_records()}
    touched = fake.data.mutate(seed=3)
    assert all(touched.values()), touched
    events = {e["id"]: e for e in fake.data.event_records()}
    assert all(events[i]["state"] == "canceled" and events[i]["canceled_at"] for i in touched["canceled"])
    assert all(
        events[i]["start_at"] != before[i]["start_at"] and events[i]["rescheduled_at"] for i in touched["rescheduled"]
    )
    assert set(touched["booked"]) == events.keys() - before.keys()
    links_after = {link["id"] for link in fake.data.link_records()}
    assert links_before - links_after == set(touched["link_deleted"])
    assert links_after - links_before == set(touched["link_added"])


def test_current_user_webhooks_workflows_and_rules_are_served_as_documented(fake):
    me = get(fake, "/v1/me").json()
    assert me == fake.data.user and me["id"].startswith("user_")
    assert get(fake, "/v1/me", key="pt_secret_wrong").status_code == 401

    hooks = get(fake, "/v1/webhooks", limit=100).json()
    assert hooks["metadata"]["after"] is None and hooks["entries"] == fake.data.webhook_records()
    # The API returns each webhook's signing secret (the API reference's Webhook schema).
    assert all(isinstance(h["secret"], str) and len(h["secret"]) >= 16 for h in hooks["entries"])
    first = get(fake, "/v1/webhooks", limit=2).json()
    assert len(first["entries"]) == 2 and first["metadata"]["after"]

    workflows = get(fake, "/v1/workflows", limit=100).json()["entries"]
    assert workflows == fake.data.workflow_records()
    rules = [get(fake, f"/v1/workflows/{w['id']}/rules").json() for w in workflows]
    assert all(isinstance(r, list) for r in rules) and any(rules) and not all(rules)
    assert [rule for r in rules for rule in r] == [
        {k: v for k, v in rule.items() if k != "workflow_id"} for rule in fake.data.rule_records()
    ]
    assert get(fake, "/v1/workflows/wkflw_unknown/rules").status_code == 404


def test_mutate_changes_the_accounts_settings_too(start_fake):
    fake = start_fake("savvycal", seed=7, scale=0.5)
    user_before = dict(fake.data.user)
    hooks_before = {h["id"]: dict(h) for h in fake.data.webhook_records()}
    rules_before = {r["id"] for r in fake.data.rule_records()}
    touched = fake.data.mutate(seed=3)
    assert fake.data.user != user_before
    hooks = {h["id"]: h for h in fake.data.webhook_records()}
    assert hooks_before.keys() - hooks.keys() == set(touched["webhook_deleted"])
    assert hooks.keys() - hooks_before.keys() == set(touched["webhook_added"])
    assert all(hooks[i]["state"] != hooks_before[i]["state"] for i in touched["webhook_updated"])
    rules_after = {r["id"] for r in fake.data.rule_records()}
    assert rules_before - rules_after == set(touched["rule_deleted"])
    assert rules_after - rules_before >= set(touched["rule_added"])
    workflows = {w["id"] for w in fake.data.workflow_records()}
    assert not workflows & set(touched["workflow_deleted"]) and set(touched["workflow_added"]) <= workflows
