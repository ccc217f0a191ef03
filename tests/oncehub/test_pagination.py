"""Unit tests of the paginator: the next token is the last ID, either "more" signal is believed,
and a page that cannot be continued is an error, never the end."""

from __future__ import annotations

import json

import pytest
import requests

from scheduling_taps_common import MalformedResponseError
from tap_oncehub.client import PAGE_SIZE
from tap_oncehub.pagination import LastIdPaginator

NEXT_LINK = '<https://api.oncehub.com/bookings?after=BKNG-2&limit=100>; rel="next"'


def response(body, link=None):
    answer = requests.Response()
    answer.status_code = 200
    answer._content = json.dumps(body).encode()
    answer.headers["Content-Type"] = "application/json"
    if link:
        answer.headers["Link"] = link
    return answer


def page(*ids, **extra):
    return {"object": "list", "data": [{"id": i} for i in ids], **extra}


def advance(body, link=None):
    paginator = LastIdPaginator(PAGE_SIZE)
    paginator.advance(response(body, link))
    return paginator


def test_the_next_token_is_the_id_of_the_last_record_not_the_link_url():
    paginator = advance(page("BKNG-1", "BKNG-2", has_more=True), NEXT_LINK)
    assert not paginator.finished
    assert paginator.current_value == "BKNG-2"


@pytest.mark.parametrize(
    ("body", "link", "more"),
    [
        (page("A", "B", has_more=True), NEXT_LINK, True),
        (page("A", "B", has_more=False), None, False),
        # Only one signal present: each one alone is enough.
        (page("A", "B", has_more=True), None, True),
        ({"count": 2, "data": [{"id": "A"}, {"id": "B"}]}, NEXT_LINK, True),  # the {count, data} envelope
        ({"count": 2, "data": [{"id": "A"}, {"id": "B"}]}, None, False),
        # The two disagree: keep paging rather than risk dropping records.
        (page("A", "B", has_more=False), NEXT_LINK, True),
        # A Link header with only rel="previous" does not mean there is more.
        (page("A", "B"), '<https://api.oncehub.com/bookings?before=A>; rel="previous"', False),
    ],
)
def test_more_pages_when_has_more_or_a_next_link_says_so(body, link, more):
    assert advance(body, link).finished is not more


def test_a_full_page_with_no_signal_at_all_is_followed():
    # The {count, data} envelope behind a proxy that strips Link: only an empty page ends it.
    full = {"count": PAGE_SIZE, "data": [{"id": f"B{i}"} for i in range(PAGE_SIZE)]}
    assert not advance(full).finished
    assert advance({"count": 0, "data": []}).finished


def test_an_empty_page_that_says_more_follow_is_an_error_not_the_end():
    with pytest.raises(MalformedResponseError, match="no last ID to continue after"):
        advance(page(has_more=True), NEXT_LINK)


def test_a_repeated_last_id_is_an_error_not_an_endless_loop():
    paginator = advance(page("A", "B", has_more=True))
    with pytest.raises(MalformedResponseError, match="sent before"):
        paginator.advance(response(page("A", "B", has_more=True)))
