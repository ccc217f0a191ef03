"""The fake-server toolkit (sandbox/api_sandbox/server.py): one error type rendered by the
vendor's hook, mutations under the fake's lock, sliding-window rate limits."""

from __future__ import annotations

import threading

import requests as http

from api_sandbox.server import ApiError, FakeAPI, Request, Response, json_response, route


class Tiny(FakeAPI):
    """A two-route fake: one route answers, one raises the toolkit's error type."""

    name = "tiny"

    def __init__(self) -> None:
        super().__init__()
        self.data = self
        self.mutations = 0

    def authenticate(self, request: Request) -> Response | None:
        return None

    def error_body(self, status: int, message: str, **details):
        return {"error": {"code": status, "text": message, **details}}

    @route("GET", r"/things")
    def things(self, request: Request) -> Response:
        if request.arg("limit") == "0":
            raise ApiError(400, "limit must be positive", parameter="limit")
        return json_response({"things": [1, 2]})

    def mutate(self, *, seed: int = 2, changes: int = 5):
        # Called by FakeAPI.mutate with the fake's lock held: nothing else runs meanwhile.
        assert self.lock._is_owned()  # RLock: owned by this thread
        self.mutations += 1
        return {"changed": [seed]}


def test_a_route_raises_one_error_type_and_the_vendor_hook_renders_it():
    with Tiny() as fake:
        ok = http.get(f"{fake.url}/things", timeout=5)
        bad = http.get(f"{fake.url}/things", params={"limit": "0"}, timeout=5)
        unknown = http.get(f"{fake.url}/nothing", timeout=5)
    assert ok.json() == {"things": [1, 2]}
    assert bad.status_code == 400
    assert bad.json() == {"error": {"code": 400, "text": "limit must be positive", "parameter": "limit"}}
    assert unknown.status_code == 404 and "error" in unknown.json()


def test_mutate_runs_under_the_fakes_lock():
    fake = Tiny()
    FakeAPI.mutate(fake, seed=7)
    assert fake.mutations == 1
    held, release = threading.Event(), threading.Event()

    def hold() -> None:  # another thread serving a page: it owns the lock until released
        with fake.lock:
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    blocked = threading.Thread(target=lambda: FakeAPI.mutate(fake, seed=8))
    blocked.start()
    blocked.join(timeout=0.3)
    assert blocked.is_alive() and fake.mutations == 1  # waits for the page to be served
    release.set()
    blocked.join(5)
    holder.join(5)
    assert fake.mutations == 2


def test_rate_limits_admit_count_and_report_usage():
    fake = Tiny()
    fake.rate_limits = ((2, 10.0),)
    assert fake.rate_limit_wait(100.0) is None
    assert fake.rate_limit_wait(101.0) is None
    assert fake.rate_limit_wait(102.0) == 8  # the oldest of the two leaves the window at 110
    assert fake.rate_limit_wait(111.0) is None
    assert fake.rate_limit_usage(window=1e9).used == 1  # 100 and 101 left the 10 s window
