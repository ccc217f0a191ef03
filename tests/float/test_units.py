"""The page-end rule, the timestamp conversions and the holiday window, without a server."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests
from scheduling_taps_common.settings import parse_datetime
from tap_float.client import FloatPaginator, to_float_timestamp
from tap_float.streams import public_holidays_window


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
    pages_read(steady, [response(full, X_Pagination_Total_Count=450, X_Pagination_Page_Count=3, X_Pagination_Current_Page=p) for p in (1, 2, 3)])
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


def test_the_public_holidays_window_is_whole_years_and_never_inverted():
    today = dt.date(2026, 11, 23)
    assert public_holidays_window({}, today) == (dt.date(2021, 1, 1), dt.date(2027, 12, 31))
    assert public_holidays_window({"start_date": "2024-05-17T00:00:00Z"}, today) == (dt.date(2024, 1, 1), dt.date(2027, 12, 31))
    assert public_holidays_window({"start_date": "2031-01-01T00:00:00Z"}, today) == (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
