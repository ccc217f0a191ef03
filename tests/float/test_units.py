"""The page-end rule, the timestamp conversions, the decoding of Float's representations and the
holiday window, without a server."""

from __future__ import annotations

import datetime as dt
import decimal
import json

import pytest
import requests

from scheduling_taps_common.settings import parse_datetime
from tap_float.client import FloatPaginator, to_float_timestamp
from tap_float.streams import public_holidays_window
from tap_float.tap import TapFloat


def response(records, status=200, **headers):
    answer = requests.Response()
    answer.status_code = status
    answer._content = b"" if status == 204 else json.dumps(records).encode()
    answer.headers.update({k.replace("_", "-"): str(v) for k, v in headers.items()})
    return answer


def pages_read(paginator, answers):
    """Feed answers page by page; return the page numbers asked for before it stopped."""
    asked = []
    for answer in answers:
        asked.append(paginator.current_value)
        paginator.advance(answer)
        if paginator.finished:
            break
    return asked


def test_stops_on_the_last_page_the_headers_announce():
    full = [{"id": i} for i in range(200)]
    answers = [
        response(full, X_Pagination_Page_Count=3, X_Pagination_Current_Page=page) for page in (1, 2, 3)
    ] + [response(full, X_Pagination_Page_Count=3, X_Pagination_Current_Page=3)]
    assert pages_read(FloatPaginator(200), answers) == [1, 2, 3]


def test_a_full_last_page_does_not_cost_an_extra_request():
    full = [{"id": i} for i in range(200)]
    paginator = FloatPaginator(200)
    paginator.advance(response(full, X_Pagination_Page_Count=1, X_Pagination_Current_Page=1))
    assert paginator.finished


def test_a_page_number_the_server_clamped_ends_paging():
    # Yii2 answers a page past the end with the last page: never read it twice.
    # (Here the list shrank from 3 pages to 2 while we read it.)
    full = [{"id": i} for i in range(200)]
    answers = [
        response(full, X_Pagination_Page_Count=3, X_Pagination_Current_Page=1),
        response(full, X_Pagination_Page_Count=3, X_Pagination_Current_Page=2),
        response(full, X_Pagination_Page_Count=2, X_Pagination_Current_Page=2),
        response(full, X_Pagination_Page_Count=2, X_Pagination_Current_Page=2),
    ]
    assert pages_read(FloatPaginator(200), answers) == [1, 2, 3]


def test_a_list_that_changes_between_pages_is_flagged():
    full = [{"id": i} for i in range(200)]
    steady = FloatPaginator(200)
    unchanged = [
        response(full, X_Pagination_Total_Count=450, X_Pagination_Page_Count=3, X_Pagination_Current_Page=p)
        for p in (1, 2, 3)
    ]
    pages_read(steady, unchanged)
    assert not steady.list_changed
    shrinking = FloatPaginator(200)
    answers = [
        response(full, X_Pagination_Total_Count=450, X_Pagination_Page_Count=3, X_Pagination_Current_Page=1),
        response(full, X_Pagination_Total_Count=449, X_Pagination_Page_Count=3, X_Pagination_Current_Page=2),
        response(full, X_Pagination_Total_Count=449, X_Pagination_Page_Count=3, X_Pagination_Current_Page=3),
    ]
    assert pages_read(shrinking, answers) == [1, 2, 3]
    assert shrinking.list_changed


def test_postHogs_header_name_is_understood_too():
    paginator = FloatPaginator(200)
    paginator.advance(response([{"id": 1}] * 200, X_Pagination_Pages=1))
    assert paginator.finished


def test_without_headers_a_short_page_is_the_last_and_a_full_page_may_have_more():
    paginator = FloatPaginator(200)
    paginator.advance(response([{"id": 1}] * 200))
    assert not paginator.finished and paginator.current_value == 2
    paginator.advance(response([{"id": 1}] * 17))
    assert paginator.finished


def test_a_204_ends_paging():
    paginator = FloatPaginator(200)
    paginator.advance(response(None, status=204))
    assert paginator.finished


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-01 08:00:00", "2026-03-01 08:00:00"),  # a Float bookmark, unchanged
        ("2026-03-01T10:00:00+02:00", "2026-03-01 08:00:00"),  # start_date with an offset: UTC
        ("2026-03-01T08:00:00Z", "2026-03-01 08:00:00"),
        ("2026-03-01T08:00:00.999Z", "2026-03-01 08:00:00"),  # Float has whole seconds
        ("2026-03-01", "2026-03-01 00:00:00"),
    ],
)
def test_start_values_become_floats_utc_timestamp_format(value, expected):
    assert to_float_timestamp(value) == expected


def test_float_timestamps_are_read_as_utc():
    assert parse_datetime("2026-03-01 08:00:00").utcoffset().total_seconds() == 0


def stream(name):
    return TapFloat(config={"api_token": "x"}, validate_config=False, setup_mapper=False).streams[name]


def test_records_carry_floats_timestamps_as_rfc3339_utc_and_its_numeric_strings_as_numbers():
    record = {
        "task_id": 1,
        "hours": "2.0",  # Float's tutorial
        "people_ids": ["1234", "5678"],  # the task definition's example
        "start_date": "2023-11-16",
        "created": "2023-02-05 03:48:57.964",  # the task definition's example
        "modified": "2017-04-27 08:41:08",
    }
    decoded = stream("tasks").post_process(record)
    assert decoded["hours"] == 2 and not isinstance(decoded["hours"], str)
    assert decoded["people_ids"] == [1234, 5678]
    assert decoded["start_date"] == "2023-11-16"
    assert decoded["created"] == "2023-02-05T03:48:57.964Z"
    assert decoded["modified"] == "2017-04-27T08:41:08Z"


def test_timestamps_float_writes_with_a_zone_as_a_date_or_without_seconds_become_instants():
    role = stream("roles").post_process({"id": 1, "created": "2024-04-03T13:02:00+00:00"})
    assert role["created"] == "2024-04-03T13:02:00+00:00"  # a zone is kept
    # Statuses' and time off's are shown as dates and described as timestamps: midnight UTC.
    status = stream("status").post_process({"status_id": 1, "created": "2024-02-05", "modified": "2024-02-15 10:00:00"})
    assert status == {"status_id": 1, "created": "2024-02-05T00:00:00Z", "modified": "2024-02-15T10:00:00Z"}
    # Team holidays and milestones are dated `YYYY-MM-DD HH:mm`.
    holiday = stream("holidays").post_process({"holiday_id": 1, "date": "2019-12-24 09:00", "end_date": ""})
    assert holiday == {"holiday_id": 1, "date": "2019-12-24T09:00:00Z", "end_date": None}
    # Rates are decimal strings in Float's documents, numbers here.
    person = stream("people").post_process({"people_id": 1, "default_hourly_rate": "125.50", "cost_rate": ""})
    assert person["default_hourly_rate"] == decimal.Decimal("125.50") and person["cost_rate"] is None


@pytest.mark.parametrize("name", ["people", "projects", "tasks", "logged_time"])
def test_bookmarks_are_rfc3339_and_compare_with_start_date_as_instants(name):
    incremental = stream(name)
    assert incremental.is_timestamp_replication_key
    assert incremental.replication_key_format == "%Y-%m-%dT%H:%M:%SZ"
    # A bookmark in Float's own format, saved by an earlier version, against start_date.
    older_format, start_date = "2026-03-01 08:00:00", "2026-03-01T09:00:00+02:00"  # 07:00 UTC
    assert incremental.compare_start_date(older_format, start_date) == older_format
    assert incremental.compare_start_date("2026-03-01T06:00:00Z", start_date) == start_date


def test_the_public_holidays_window_is_whole_years_and_never_inverted():
    today = dt.date(2026, 11, 23)
    assert public_holidays_window({}, today) == (dt.date(2021, 1, 1), dt.date(2027, 12, 31))
    assert public_holidays_window({"start_date": "2024-05-17T00:00:00Z"}, today) == (
        dt.date(2024, 1, 1),
        dt.date(2027, 12, 31),
    )
    assert public_holidays_window({"start_date": "2031-01-01T00:00:00Z"}, today) == (
        dt.date(2027, 1, 1),
        dt.date(2027, 12, 31),
    )


def test_a_record_without_modified_is_emitted_with_a_null_one():
    # Float's importing-your-team tutorial shows a person without `modified`: the run must go on.
    assert stream("people").post_process({"people_id": 311815, "created": "2017-02-04 13:21:32"}) == {
        "people_id": 311815,
        "created": "2017-02-04T13:21:32Z",
        "modified": None,
    }
