"""The fake-server toolkit (sandbox/api_sandbox/server.py, datagen.py): one error type rendered
by the vendor's hook, mutations under the fake's lock, sliding-window rate limits, and the
cached views and bisection that keep a page's cost proportional to the page."""

from __future__ import annotations

import random
import threading

import pytest
import requests as http

from api_sandbox.datagen import Dataset, keyset_page, leading, span
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


# -- cached views (datagen.Dataset) ---------------------------------------------------------------


class Shelf(Dataset):
    """Books, listed by title; ``mutate()`` retitles the first book so that it sorts last."""

    def __init__(self) -> None:
        super().__init__()
        self.books = [{"id": i, "title": title} for i, title in enumerate(("c", "a", "d", "b"))]

    def mutate(self, *, seed: int = 2, changes: int = 5):
        self.books[0]["title"] = "z"
        return {"retitled": [self.books[0]["id"]]}


def by_title(book):
    return [book["title"], book["id"]]


class Library(FakeAPI):
    """A fake serving the shelf by title, through the cached order."""

    name = "library"

    def __init__(self) -> None:
        super().__init__()
        self.data = Shelf()

    def authenticate(self, request: Request) -> Response | None:
        return None

    @route("GET", r"/books")
    def books(self, request: Request) -> Response:
        ordered = self.data.ordered("books", self.data.books, by_title)
        return json_response([book["id"] for book in ordered])


def titles(shelf: Shelf) -> list[str]:
    return [book["title"] for book in shelf.ordered("books", shelf.books, by_title)]


def test_a_view_is_built_once_while_the_records_are_unchanged():
    shelf = Shelf()
    first = shelf.ordered("books", shelf.books, by_title)
    assert first == sorted(shelf.books, key=by_title)
    assert shelf.ordered("books", shelf.books, lambda b: [b["title"], b["id"]]) is first  # a new lambda: same view
    assert shelf.ordered("books", shelf.books, by_title, descending=True) == sorted(
        shelf.books, key=by_title, reverse=True
    )
    shelf.books[1]["note"] = "signed"  # a field no view sorts by: shown at once, the view stays
    assert shelf.ordered("books", shelf.books, by_title) is first
    assert first[0]["note"] == "signed"
    index = shelf.indexed("books", shelf.books, lambda b: b["id"])
    assert shelf.indexed("books", shelf.books, lambda b: b["id"]) is index
    assert index[2] is shelf.books[2]


def test_mutate_through_the_fake_invalidates_the_order_it_serves():
    fake = Library()
    request = Request("GET", "/books", {}, {})
    assert fake.dispatch(request).body == [1, 3, 0, 2]  # a, b, c, d
    fake.mutate()  # the first book ("c") becomes "z"
    assert fake.data.version == 1
    assert fake.dispatch(request).body == [1, 3, 2, 0]


def test_mutate_called_on_the_data_directly_invalidates_every_view_even_when_it_raises():
    shelf = Shelf()
    index = shelf.indexed("books", shelf.books, lambda b: b["title"])
    assert titles(shelf) == ["a", "b", "c", "d"]
    shelf.mutate()
    assert titles(shelf) == ["a", "b", "d", "z"]
    assert "z" in shelf.indexed("books", shelf.books, lambda b: b["title"]) and "z" not in index

    class Failing(Shelf):
        def mutate(self, *, seed: int = 2, changes: int = 5):
            self.books[1]["title"] = "y"  # changed part of the records, then failed
            raise RuntimeError("half done")

    failing = Failing()
    assert titles(failing) == ["a", "b", "c", "d"]
    with pytest.raises(RuntimeError):
        failing.mutate()
    assert titles(failing) == ["b", "c", "d", "y"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda books: books.append({"id": 9, "title": "0"}), ["0", "a", "b", "c", "d"]),
        (lambda books: books.pop(), ["a", "c", "d"]),
        (lambda books: books.pop(0), ["a", "b", "d"]),
        (lambda books: books.clear(), []),
        (lambda books: books.__delitem__(slice(1, 3)), ["b", "c"]),
        # A pop and an append: the same length, other records.
        (lambda books: books.append(books.pop(0) and {"id": 9, "title": "0"}), ["0", "a", "b", "d"]),
        (lambda books: books.insert(0, books.pop()), ["a", "b", "c", "d"]),
    ],
)
def test_direct_changes_to_a_list_rebuild_its_views(change, expected):
    shelf = Shelf()
    assert titles(shelf) == ["a", "b", "c", "d"]
    change(shelf.books)
    assert titles(shelf) == expected
    assert shelf.ordered("books", shelf.books, by_title) == sorted(shelf.books, key=by_title)


def test_a_replaced_list_or_an_edited_sort_key_with_changed_rebuilds_the_views():
    shelf = Shelf()
    assert titles(shelf) == ["a", "b", "c", "d"]
    shelf.books = [dict(book) for book in reversed(shelf.books)]  # a new list, same length: b d a c
    shelf.books[0]["title"] = "e"
    assert titles(shelf) == ["a", "c", "d", "e"]
    # A new list with the same length and the same end records: e d f c
    shelf.books = [*shelf.books[:2], {"id": 7, "title": "f"}, *shelf.books[3:]]
    assert titles(shelf) == ["c", "d", "e", "f"]
    shelf.books[1]["title"] = "0"  # a sort key edited in place ("d"): changed() says so
    shelf.changed()
    assert titles(shelf) == ["0", "c", "e", "f"]
    index = shelf.indexed("books", shelf.books, lambda b: b["title"])
    assert set(index) == {"0", "c", "e", "f"}


def test_a_view_built_while_the_records_changed_is_not_reused():
    # Without the fake's lock (a test calling data.mutate() from another thread), a change can
    # land while a view is being built from the half-changed records.
    shelf = Shelf()
    builds = []

    def build():
        builds.append(shelf.version)
        if len(builds) == 1:
            shelf.changed()  # the change finishes during the first build,
            shelf.fresh("other", shelf.books, list)  # and another view is asked for meanwhile
        return len(builds)

    assert shelf.fresh("x", shelf.books, build) == 1
    assert shelf.fresh("x", shelf.books, build) == 2  # built at the old version: rebuilt
    assert shelf.fresh("x", shelf.books, build) == 2


# -- bisection (datagen.leading, span, keyset_page) ---------------------------------------------


def linear_keyset_page(items, key, after, limit, *, descending=False):
    """keyset_page as it was: a scan from the start for the cursor."""
    start = 0
    if after is not None:
        after_key = tuple(after) if isinstance(after, list) else after
        while start < len(items):
            value = tuple(key(items[start]))
            if not (value >= after_key if descending else value <= after_key):
                break
            start += 1
    page = list(items[start : start + limit])
    more = start + limit < len(items)
    return page, (tuple(key(page[-1])) if more and page else None)


def test_bisection_gives_what_scanning_and_filtering_every_item_gives():
    rng = random.Random(5)
    for _ in range(300):
        records = [{"at": rng.randint(0, 15), "id": i} for i in range(rng.randint(0, 30))]

        def key(record):
            return [record["at"], record["id"]]

        descending = rng.random() < 0.5
        ordered = sorted(records, key=key, reverse=descending)
        low, high = rng.choice((None, rng.randint(-1, 16))), rng.choice((None, rng.randint(-1, 16)))
        kept = [r for r in ordered if (low is None or r["at"] >= low) and (high is None or r["at"] < high)]
        lo, hi = span(ordered, lambda r: r["at"], low, high, descending=descending)
        assert ordered[lo:hi] == kept
        bound = rng.randint(-1, 16)

        def leads(record, bound=bound, descending=descending):  # a bound on the order: true on a leading run
            return record["at"] >= bound if descending else record["at"] < bound

        assert leading(ordered, leads) == len(list(_run(ordered, leads)))
        after = rng.choice((None, [rng.randint(-1, 16), rng.randint(-1, 31)]))
        limit = rng.randint(1, 8)
        expected = linear_keyset_page(kept, key, after, limit, descending=descending)
        assert keyset_page(ordered, key, after, limit, descending=descending, lo=lo, hi=hi) == expected


def _run(items, holds):
    """The leading run of ``items`` satisfying ``holds`` (what ``leading`` counts), scanned."""
    for item in items:
        if not holds(item):
            return
        yield item
