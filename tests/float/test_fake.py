"""The Float fake behaves as Float documents its API, so the tap is tested against Float."""

from __future__ import annotations

import datetime as dt
import functools
import re

import pytest
import requests
from contract import harness

from api_sandbox.float import EDGE_FORBIDDEN_HTML, TIME_TRACKING_OFF, FakeFloat

STREAMS = (
    "accounts", "departments", "people", "roles", "public_holidays", "holidays", "projects", "status",
    "time_off", "timeoff_types", "clients", "phases", "project_tasks", "milestones", "tasks", "logged_time",
)


@pytest.fixture
def fake(start_fake):
    return start_fake("float", seed=7, scale=0.15)


def get(fake, path, token=FakeFloat.valid_key, **params):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return requests.get(f"{fake.url}{path}", headers=headers, params=params, timeout=10)


def test_the_base_url_carries_v3(fake):
    assert fake.url.endswith("/v3")


def test_no_authorization_header_is_an_html_403_from_the_edge(fake):
    answer = get(fake, "/people", token=None)
    assert answer.status_code == 403
    assert answer.headers["Content-Type"].startswith("text/html")
    assert answer.text == EDGE_FORBIDDEN_HTML


def test_a_wrong_token_is_floats_json_401(fake):
    answer = get(fake, "/people", token="nope")
    assert answer.status_code == 401
    assert answer.json() == {
        "name": "Unauthorized",
        "message": "Your request was made with invalid credentials.",
        "code": 0,
        "status": 401,
    }


def test_lists_are_bare_arrays_paged_by_headers_with_default_50_and_max_200(fake):
    answer = get(fake, "/tasks")
    assert isinstance(answer.json(), list) and len(answer.json()) == 50
    total = len(fake.data.tasks)
    big = get(fake, "/tasks", **{"per-page": 500, "page": 2})  # clamped to 200, as Yii2 does
    assert big.headers["X-Pagination-Per-Page"] == "200"
    assert big.headers["X-Pagination-Total-Count"] == str(total)
    assert big.headers["X-Pagination-Page-Count"] == str(-(-total // 200))
    assert big.headers["X-Pagination-Current-Page"] == "2"
    assert big.json() == fake.data.tasks[200:400]


def test_a_page_past_the_end_answers_the_last_page_again(fake):
    last = -(-len(fake.data.tasks) // 200)
    beyond = get(fake, "/tasks", **{"per-page": 200, "page": last + 5})
    assert beyond.headers["X-Pagination-Current-Page"] == str(last)
    assert beyond.json() == get(fake, "/tasks", **{"per-page": 200, "page": last}).json()


def test_modified_since_keeps_records_modified_at_or_after_it(fake):
    since = sorted(p["modified"] for p in fake.data.people)[len(fake.data.people) // 2]
    wanted = [p for p in fake.data.people if p["modified"] >= since]
    assert get(fake, "/people", modified_since=since, **{"per-page": 200}).json() == wanted
    assert get(fake, "/people", modified_since="yesterday").status_code == 422


def test_public_holidays_default_to_this_year_and_ids_repeat_across_regions(fake):
    records = get(fake, "/public-holidays", **{"per-page": 200}).json()
    years = {d[:4] for r in records for d in r["dates"]}
    assert len(years) == 1
    wide = get(fake, "/public-holidays", start_date="2020-01-01", end_date="2030-12-31", **{"per-page": 200}).json()
    assert len({d[:4] for r in wide for d in r["dates"]}) > 1
    assert len({r["id"] for r in records}) < len({(r["id"], r["region"]) for r in records})


def test_expand_adds_the_task_and_team_lists(fake):
    plain = get(fake, "/projects").json()[0]
    assert "project_tasks" not in plain and "project_team" not in plain
    expanded = get(fake, "/projects", expand="project_tasks,project_team").json()[0]
    assert "project_tasks" in expanded and "project_team" in expanded


def test_an_empty_status_list_is_204_without_a_body(fake):
    fake.data.status.clear()
    answer = get(fake, "/status")
    assert answer.status_code == 204 and answer.content == b""


def test_logged_time_is_403_when_time_tracking_is_off(start_fake):
    fake = start_fake("float", seed=7, scale=0.05, time_tracking=False)
    answer = get(fake, "/logged-time")
    assert answer.status_code == 403 and answer.json()["message"] == TIME_TRACKING_OFF


def test_more_than_10_requests_in_a_second_get_a_429_with_retry_after(start_fake):
    fake = start_fake("float", seed=7, scale=0.05)
    answers = [get(fake, "/clients") for _ in range(11)]
    assert [a.status_code for a in answers[:10]] == [200] * 10
    assert answers[10].status_code == 429 and int(answers[10].headers["Retry-After"]) >= 1
    assert answers[0].headers["X-RateLimit-Limit-Minute"] == "200"


def test_the_data_is_deterministic_per_seed():
    assert FakeFloat(seed=4, scale=0.05).data.resources() == FakeFloat(seed=4, scale=0.05).data.resources()
    assert FakeFloat(seed=4, scale=0.05).data.people != FakeFloat(seed=5, scale=0.05).data.people


@functools.cache
def dataset():
    return FakeFloat(seed=1, scale=0.3).data.resources()


def top_level(fields):
    return {path for path in fields if "." not in path and "[]" not in path}


@pytest.mark.parametrize("stream", sorted(STREAMS))
def test_records_carry_exactly_the_fields_float_documents_with_values_and_nulls(stream):
    records = dataset()[stream]
    fields = top_level(harness.documented_fields("float")[stream])
    for record in records:
        assert set(record) == fields, f"{stream}: {set(record) ^ fields}"
    never_set = {f for f in fields if all(r[f] is None for r in records)}
    assert not never_set, f"{stream}: fields always null: {never_set}"


def test_timestamps_are_written_as_floats_definitions_and_examples_write_them():
    data = dataset()
    zoneless = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
    for stream in ("accounts", "people", "projects", "phases", "project_tasks", "milestones", "tasks", "logged_time"):
        assert all(zoneless.match(r["created"]) and zoneless.match(r["modified"]) for r in data[stream]), stream
    assert all(r["created"].endswith("+00:00") and "T" in r["modified"] for r in data["roles"])
    for stream in ("status", "time_off"):  # their definitions show bare dates
        assert all(re.match(r"^\d{4}-\d{2}-\d{2}$", r["modified"]) for r in data[stream]), stream
    for stream in ("holidays", "milestones"):
        assert all(re.match(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$", r["date"]) for r in data[stream]), stream


def test_the_documented_numeric_strings_are_sent_beside_plain_numbers():
    tasks, time_off = dataset()["tasks"], dataset()["time_off"]
    assert {type(t["hours"]) for t in tasks} == {str, float}
    assert all(float(t["hours"]) > 0 for t in tasks)
    people_ids = [i for r in tasks + time_off for i in r["people_ids"] or []]
    assert {type(i) for i in people_ids} == {str, int}
    assert all(int(i) > 0 for i in people_ids)


def test_mutate_edits_adds_and_deletes_and_bumps_modified(start_fake):
    fake = start_fake("float", seed=7, scale=0.1)
    before = {p["people_id"]: p["modified"] for p in fake.data.people}
    touched = fake.mutate(seed=3)
    for kind in ("people.updated", "people.archived", "people.added", "tasks.deleted", "logged_time.added"):
        assert touched[kind], kind
    changed = {p["people_id"]: p["modified"] for p in fake.data.people if p["people_id"] in touched["people.updated"]}
    assert all(changed[i] > before[i] for i in changed)
    assert not {t["task_id"] for t in fake.data.tasks} & set(touched["tasks.deleted"])



def test_repeated_mutations_with_the_same_seed_never_reuse_an_id():
    from api_sandbox.float.data import FloatData

    data = FloatData(seed=7, scale=0.05)
    before = {r["logged_time_id"] for r in data.resources()["logged_time"]}
    data.mutate(seed=1, changes=3)
    data.mutate(seed=1, changes=3)
    for stream, key in [("logged_time", "logged_time_id"), ("tasks", "task_id"), ("time_off", "timeoff_id")]:
        ids = [r[key] for r in data.resources()[stream]]
        assert len(ids) == len(set(ids)), stream
    assert {r["logged_time_id"] for r in data.resources()["logged_time"]} - before, "mutations added entries"


# -- reports ---------------------------------------------------------------------------------------


def test_reports_are_one_object_per_report_unpaged_with_the_recorded_fields(fake):
    documented = harness.documented_fields("float")
    for path, member, stream in (("/reports/people", "people", "people_reports"),
                                 ("/reports/projects", "projects", "project_reports")):
        answer = get(fake, path, start_date="2026-01-01", end_date="2026-12-31", **{"per-page": 1})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert list(body) == [member]
        assert len(body[member]) > 1  # not paged: per-page means nothing here
        assert not [h for h in answer.headers if h.lower().startswith("x-pagination")]
        assert set(body[member][0]) == set(documented[stream])


@pytest.mark.parametrize("path", ["/reports/people", "/reports/projects"])
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"end_date": "2026-01-31"}, "start_date"),
        ({"start_date": "2026-01-01"}, "end_date"),
        ({"start_date": "2026-01-01", "end_date": "31/01/2026"}, "end_date"),
        ({"start_date": "2026-02-01", "end_date": "2026-01-01"}, "end_date"),
    ],
)
def test_a_report_needs_both_dates_in_order(fake, path, params, field):
    answer = get(fake, path, **params)
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()] == [field]


def test_the_people_report_adds_up_the_schedule(fake):
    # A full-time person in no region, over one Monday-to-Sunday week with no team holiday.
    monday = dt.date(2031, 3, 3)
    fake.data.holidays.clear()
    person = fake.data.people[0]
    person.update(work_days_hours=None, region_id=None, start_date=None, end_date=None)
    pid = person["people_id"]
    fake.data.timeoffs[:] = [
        {**fake.data.timeoffs[0], "people_ids": [pid], "start_date": "2031-03-05", "end_date": "2031-03-05",
         "full_day": 1, "hours": None},
    ]
    task = {**fake.data.tasks[0], "people_id": pid, "people_ids": None, "start_date": "2031-03-02",
            "end_date": "2031-03-08", "hours": "10.0", "billable": 1}
    fake.data.tasks[:] = [task, {**task, "task_id": task["task_id"] + 1, "hours": 2, "billable": 0}]
    answer = get(fake, "/reports/people", start_date=monday.isoformat(),
                 end_date=(monday + dt.timedelta(days=6)).isoformat(), people_id=pid)
    (row,) = answer.json()["people"]
    # 5 days x 8 h, less Wednesday off; 12 h a day on the 5 work days (not the weekend).
    assert row["capacity"] == 32 and row["timeoff"] == 8
    assert (row["scheduled"], row["billable"], row["nonBillable"]) == (60, 50, 10)
    assert row["overtime"] == 4 * 4 + 12 and row["unscheduled"] == 0
    assert row["wk_day_hrs"] == {"1970-01-01": [0, 8, 8, 8, 8, 8, 0]} and row["co_hours"] == "[0, 8, 8, 8, 8, 8, 0]"
    # The project report counts the same hours, and lists only projects with hours scheduled.
    projects = get(fake, "/reports/projects", start_date=monday.isoformat(),
                   end_date=(monday + dt.timedelta(days=6)).isoformat()).json()["projects"]
    assert [(p["project_id"], p["scheduled"], p["billable"], p["nonBillable"]) for p in projects] == [
        (task["project_id"], 60, 50, 10)
    ]
