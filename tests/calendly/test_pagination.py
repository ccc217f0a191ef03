"""Calendly's paging: the token, else the token inside `next_page`, else an error, never an end."""

from __future__ import annotations

import json

import pytest
import requests

from scheduling_taps_common import MalformedResponseError
from tap_calendly.client import CalendlyPaginator

NEXT = "https://api.calendly.com/scheduled_events?count=100&page_token=sNjq4TvMDfUHEl7zHRR0k0E1PCEJWvdi"


def page(**pagination):
    answer = requests.Response()
    answer.status_code = 200
    answer._content = json.dumps({"collection": [{"uri": "u"}], "pagination": pagination}).encode()
    answer.url = "https://api.calendly.com/scheduled_events"
    return answer


def advanced(response):
    paginator = CalendlyPaginator()
    paginator.advance(response)
    return paginator


def test_the_next_page_token_is_followed_and_a_null_one_ends_the_list():
    assert advanced(page(next_page_token="abc", next_page=NEXT)).current_value == "abc"
    assert advanced(page(next_page_token=None, next_page=None)).finished


def test_an_older_answer_with_only_next_page_is_followed_by_its_token():
    assert advanced(page(next_page=NEXT)).current_value == "sNjq4TvMDfUHEl7zHRR0k0E1PCEJWvdi"
    assert advanced(page(next_page=None)).finished


@pytest.mark.parametrize(
    ("pagination", "problem"),
    [
        ({"count": 1}, "neither `next_page_token` nor `next_page`"),
        ({"next_page": "https://api.calendly.com/scheduled_events?count=100"}, "without a `page_token`"),
    ],
)
def test_pagination_that_cannot_say_what_comes_next_is_an_error(pagination, problem):
    with pytest.raises(MalformedResponseError, match=problem):
        advanced(page(**pagination))
