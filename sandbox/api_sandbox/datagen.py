"""Deterministic fake-data helpers shared by the vendor fakes (seeded ``random.Random``).

Also what keeps a page cheap at scale: :class:`Dataset` (records sorted or indexed once, while
they are unchanged) and bisection (:func:`leading`, :func:`span`, :func:`keyset_page`) instead of
a pass over the whole list for every page.
"""

from __future__ import annotations

import base64
import bisect
import datetime as dt
import functools
import json
import random
import typing as t
import uuid
from dataclasses import dataclass

T = t.TypeVar("T")
K = t.TypeVar("K")
Record = dict[str, t.Any]

FIRST_NAMES = (
    "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Frances", "John",
    "Radia", "Tim", "Katherine", "Dennis", "Hedy", "Linus", "Shafi", "Niklaus", "Anita", "Guido",
)
LAST_NAMES = (
    "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Thompson", "Allen",
    "McCarthy", "Perlman", "Berners-Lee", "Johnson", "Ritchie", "Lamarr", "Torvalds", "Goldwasser",
    "Wirth", "Borg", "van Rossum",
)
WORDS = (
    "planning", "review", "sync", "kickoff", "onboarding", "demo", "retro", "interview", "workshop",
    "standup", "strategy", "design", "support", "sales", "coaching", "consultation", "audit", "launch",
)
TIMEZONES = ("America/New_York", "Europe/London", "Europe/Berlin", "Asia/Tokyo", "America/Chicago", "UTC")
CITIES = (("Berlin", "DE"), ("London", "GB"), ("New York", "US"), ("Tokyo", "JP"), ("Lisbon", "PT"))


def utc_now() -> dt.datetime:
    """The current time, in UTC."""
    return dt.datetime.now(dt.timezone.utc)


def today_utc() -> dt.datetime:
    """Midnight UTC today: the anchor of generated timelines (past and future around it)."""
    return utc_now().replace(hour=0, minute=0, second=0, microsecond=0)


def iso(moment: dt.datetime, *, micro: bool = False, millis: bool = False) -> str:
    """UTC ISO-8601 with ``Z``: ``2026-01-02T03:04:05Z`` (``.678123Z`` / ``.678Z`` variants)."""
    moment = moment.astimezone(dt.timezone.utc)
    if micro:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if millis:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str) -> dt.datetime:
    """An ISO-8601 date-time (``Z`` accepted); a value without an offset is taken as UTC."""
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed


class Faker:
    """Seeded generator of realistic-looking values."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def uuid(self) -> str:
        """A random version-4 UUID."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def hex_id(self, length: int = 24) -> str:
        """``length`` random hex digits."""
        return f"{self.rng.getrandbits(length * 4):0{length}x}"

    def token(self, prefix: str, length: int = 12) -> str:
        """``prefix`` and ``length`` upper-case letters and digits (no look-alikes)."""
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        return prefix + "".join(self.rng.choice(alphabet) for _ in range(length))

    def person(self) -> tuple[str, str]:
        """A first and a last name."""
        return self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)

    def email(self, first: str, last: str, domain: str = "example.com") -> str:
        """An address at ``domain`` made of the name and a number."""
        local = f"{first}.{last}".lower().replace(" ", "").replace("-", "")
        return f"{local}{self.rng.randint(1, 9999)}@{domain}"

    def phrase(self, words: int = 3) -> str:
        """``words`` scheduling words, capitalised."""
        return " ".join(self.rng.choice(WORDS) for _ in range(words)).capitalize()

    def sentence(self) -> str:
        """A sentence of 5 to 12 words."""
        return self.phrase(self.rng.randint(5, 12)) + "."

    def maybe(self, value: T, null_rate: float = 0.2) -> T | None:
        """``value``, or None with probability ``null_rate``."""
        return None if self.rng.random() < null_rate else value

    def chance(self, rate: float) -> bool:
        """True with probability ``rate``."""
        return self.rng.random() < rate

    def moment(self, around: dt.datetime, *, days_before: float, days_after: float) -> dt.datetime:
        """A moment between ``days_before`` days before ``around`` and ``days_after`` days after it."""
        offset = self.rng.uniform(-days_before, days_after)
        return (around + dt.timedelta(days=offset)).replace(microsecond=self.rng.randrange(1_000_000))

    def choice(self, options: t.Sequence[T]) -> T:
        """One of ``options``."""
        return self.rng.choice(options)

    def phone(self) -> str:
        """A North American number in E.164 form."""
        return f"+1{self.rng.randint(2000000000, 9999999999)}"


def encode_cursor(state: dict[str, t.Any]) -> str:
    """An opaque page token, as vendors issue them."""
    raw = json.dumps(state, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> dict[str, t.Any] | None:
    """The state behind a token, or None if the token is not one this fake issued."""
    try:
        padded = token + "=" * (-len(token) % 4)
        state = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        return None
    return state if isinstance(state, dict) else None


def keyset_page(
    items: t.Sequence[Record],
    key: t.Callable[[Record], t.Any],
    after: t.Any,
    limit: int,
    *,
    descending: bool = False,
    lo: int = 0,
    hi: int | None = None,
) -> tuple[list[Record], t.Any]:
    """One page of ``items[lo:hi]`` (sorted by ``key``, reversed if ``descending``) after ``after``.

    Returns the page and the key of its last item when more items follow (else None). Keyset
    paging, as real cursor APIs do, so records changing between pages are neither skipped nor
    repeated. ``lo:hi`` narrows the list without copying it (a :func:`span`).
    """
    hi = len(items) if hi is None else hi
    start = lo
    if after is not None:
        after_key = tuple(after) if isinstance(after, list) else after

        def passed(item: Record) -> bool:
            value = _as_key(key(item))
            return bool(value >= after_key if descending else value <= after_key)

        # The items sort by key, so the ones the cursor has passed lead the list.
        start = max(lo, leading(items, passed))
    page = list(items[start : min(start + limit, hi)])
    more = start + limit < hi
    return page, (_as_key(key(page[-1])) if more and page else None)


def _as_key(value: t.Any) -> t.Any:
    return tuple(value) if isinstance(value, list) else value


def leading(items: t.Sequence[T], holds: t.Callable[[T], bool]) -> int:
    """How many items at the start of ``items`` satisfy ``holds``, by bisection (O(log n)).

    ``holds`` must be true on a leading run of ``items`` and false on the rest, as a bound on the
    value the items are sorted by is (``start < x`` on items sorted by start): then this is what
    counting from the start would give.
    """
    return bisect.bisect_left(items, True, key=lambda item: not holds(item))


def span(
    items: t.Sequence[T],
    value: t.Callable[[T], t.Any],
    low: t.Any = None,
    high: t.Any = None,
    *,
    descending: bool = False,
) -> tuple[int, int]:
    """The positions ``lo:hi`` of the items whose ``value`` is ``>= low`` and ``< high`` (None: no bound).

    ``items`` are sorted by ``value`` (descending if ``descending``), so those items are one run,
    found by bisection: what filtering every item would keep, in the same order.
    """

    def below(item: T) -> bool:
        return low is not None and bool(value(item) < low)

    def above(item: T) -> bool:
        return high is not None and bool(value(item) >= high)

    if descending:
        lo, hi = leading(items, above), leading(items, lambda item: not below(item))
    else:
        lo, hi = leading(items, below), leading(items, lambda item: not above(item))
    return lo, max(lo, hi)


@dataclass
class _View:
    """A cached view of one list, and the version and list it was built from (see :meth:`Dataset.fresh`)."""

    version: int
    source: list[t.Any]
    length: int
    first: t.Any
    last: t.Any
    value: t.Any

    def built_from(self, version: int, items: list[t.Any]) -> bool:
        """Whether this view was built at ``version`` from ``items`` as they are now."""
        return (
            self.version == version
            and self.source is items
            and self.length == len(items)
            and (not items or (self.first is items[0] and self.last is items[-1]))
        )


class Dataset:
    """Base of a fake's generated records: counts their changes and caches views of their lists.

    A page of a list sorted per request, or a record found by scanning for its id, costs a pass
    over the whole list: at 20,000 records the fake, not the tap, would be measured. So routes
    ask :meth:`ordered` and :meth:`indexed`, which sort or index a list once and hand out the
    same view until the list may have changed. A view is rebuilt when:

    - ``version`` moved on: every ``mutate()`` of a subclass bumps it when it returns or raises
      (wrapped here, so no dataset can forget), and :meth:`changed` bumps it for any other
      change made in place (after a test edits a record's sort key or id directly);
    - the list asked for is not the very list object the view was built from, or its length or
      its first or last record differ: a direct ``append``, ``pop``, ``clear``, ``del`` or a
      replaced list, even a pop and an append that leave the length as it was.

    Views share the records (no copies), so an edited field that no view sorts or indexes by
    shows at once. The fake's lock serialises requests and ``mutate()``.
    """

    def __init__(self) -> None:
        #: Changes so far (bumped by every ``mutate()`` and by :meth:`changed`).
        self.version = 0
        self._views: dict[t.Hashable, _View] = {}
        self._views_version = 0

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        mutate = cls.__dict__.get("mutate")
        if mutate is not None:

            @functools.wraps(mutate)
            def counted(self: Dataset, *args: t.Any, **kwargs: t.Any) -> t.Any:
                try:
                    return mutate(self, *args, **kwargs)
                finally:
                    self.changed()  # after the change: a view built meanwhile is stale too

            setattr(cls, "mutate", counted)  # noqa: B010 - Dataset declares no mutate to assign

    def changed(self) -> None:
        """Say the records changed other than through ``mutate()``: every view is rebuilt."""
        self.version += 1

    def ordered(
        self, name: t.Hashable, items: list[Record], key: t.Callable[[Record], t.Any], *, descending: bool = False
    ) -> list[Record]:
        """``sorted(items, key=key, reverse=descending)``, sorted once while the records are unchanged.

        ``name`` names the list and its order (``key`` is often a new lambda per request), e.g.
        ``("guests", event_id, "created_at")``. Do not change the list returned.
        """
        return self.fresh(("ordered", name, descending), items, lambda: sorted(items, key=key, reverse=descending))

    def indexed(self, name: t.Hashable, items: list[Record], key: t.Callable[[Record], K]) -> dict[K, Record]:
        """The first record of ``items`` for each ``key``, indexed once while the records are unchanged."""
        return self.fresh(("indexed", name), items, lambda: {key(item): item for item in reversed(items)})

    def fresh(self, name: t.Hashable, items: list[t.Any], build: t.Callable[[], T]) -> T:
        """The view ``name`` of ``items``: the cached one if still valid, else ``build()`` (cached)."""
        version = self.version  # read before building: a change meanwhile leaves the view stale
        if self._views_version != version:
            self._views.clear()  # none is valid any more: free them all
            self._views_version = version
        view = self._views.get(name)
        if view is None or not view.built_from(version, items):
            # The view keeps the list and its end records alive, so their ids cannot be reused
            # by other objects while it is cached: the identity checks stay sound.
            first, last = (items[0], items[-1]) if items else (None, None)
            view = _View(version, items, len(items), first, last, build())
            self._views[name] = view
        value: T = view.value
        return value
