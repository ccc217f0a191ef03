"""The shared toolkit: Retry-After parsing, the backoff schedule, request pacing."""

from __future__ import annotations

import email.utils

import pytest
import requests
from singer_sdk.exceptions import RetriableAPIError

from scheduling_taps_common import RequestPacer, backoff_waits, retry_after_seconds


def response_with(headers):
    response = requests.Response()
    response.status_code = 429
    response.headers.update(headers)
    return response


def test_retry_after_accepts_seconds_and_http_dates():
    assert retry_after_seconds(response_with({"Retry-After": "7"})) == 7
    assert retry_after_seconds(response_with({"Retry-After": "1.5"})) == 1.5
    date = email.utils.formatdate(1_000_030, usegmt=True)
    assert retry_after_seconds(response_with({"Retry-After": date}), now=1_000_000) == 30
    assert retry_after_seconds(response_with({"Retry-After": "soon"})) is None
    assert retry_after_seconds(response_with({})) is None
    assert retry_after_seconds(response_with({"Retry-After": "-3"})) == 0


def test_backoff_is_exponential_with_factor_two_unless_the_server_says_when():
    waits = backoff_waits()
    waits.send(None)
    plain = RetriableAPIError("503", response_with({}))
    hinted = RetriableAPIError("429", response_with({"Retry-After": "11"}))
    assert [waits.send(plain), waits.send(plain), waits.send(hinted), waits.send(plain)] == [2, 4, 11, 16]


def test_a_429_without_retry_after_can_wait_out_a_documented_block():
    waits = backoff_waits(rate_limit_wait=60)
    waits.send(None)
    bare_429 = RetriableAPIError("429", response_with({}))
    bare_503 = RetriableAPIError("503", response_with({}))
    bare_503.response.status_code = 503
    assert [waits.send(bare_429), waits.send(bare_503)] == [60, 4]


def test_backoff_caps_absurd_retry_after():
    waits = backoff_waits(max_wait=300)
    waits.send(None)
    assert waits.send(RetriableAPIError("429", response_with({"Retry-After": "86400"}))) == 300


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_pacer_keeps_every_window_under_its_limit():
    clock = FakeClock()
    pacer = RequestPacer([(10, 1.0), (200, 60.0)], margin=0, clock=clock, sleep=clock.sleep)
    sent = []
    for _ in range(450):
        pacer.wait()
        sent.append(clock.now)
    for limit, window in [(10, 1.0), (200, 60.0)]:
        for i in range(len(sent) - limit):
            assert sent[i + limit] - sent[i] >= window - 1e-9, (limit, window, i)
    # ...and it is not slower than it must be: requests 401-450 may start at 120 s, then 10/s.
    assert sent[-1] <= 120 + 5 + 0.5


def test_pacer_margin_widens_every_window():
    clock = FakeClock()
    pacer = RequestPacer([(5, 1.0)], margin=0.25, clock=clock, sleep=clock.sleep)
    sent = []
    for _ in range(11):
        pacer.wait()
        sent.append(clock.now)
    assert sent[5] - sent[0] == 1.25 and sent[10] - sent[5] == 1.25


def test_pacer_widens_each_window_by_its_arrival_margin_by_default():
    # A quarter second, at most 5 % of the window: at least 95 % of every limit is reached.
    clock = FakeClock()
    pacer = RequestPacer([(5, 1.0), (200, 60.0)], clock=clock, sleep=clock.sleep)
    assert pacer.limits == [(5, 1.05), (200, 60.25)]
    sent = []
    for _ in range(11):
        pacer.wait()
        sent.append(clock.now)
    assert sent[5] - sent[0] == pytest.approx(1.05) and sent[10] - sent[5] == pytest.approx(1.05)


def test_pacer_without_limits_never_waits():
    pacer = RequestPacer.from_rates(None, 0)
    assert all(pacer.wait() == 0 for _ in range(1000))

