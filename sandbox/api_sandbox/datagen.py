"""Deterministic fake-data helpers shared by the vendor fakes (seeded ``random.Random``)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import random
import typing as t
import uuid

T = t.TypeVar("T")

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
    items: t.Sequence[dict[str, t.Any]],
    key: t.Callable[[dict[str, t.Any]], t.Any],
    after: t.Any,
    limit: int,
    *,
    descending: bool = False,
) -> tuple[list[dict[str, t.Any]], t.Any]:
    """One page of ``items`` (already sorted by ``key``, reversed if ``descending``) after ``after``.

    Returns the page and the key of its last item when more items follow (else None). Keyset
    paging, as real cursor APIs do, so records changing between pages are neither skipped nor
    repeated.
    """
    start = 0
    if after is not None:
        after_key = tuple(after) if isinstance(after, list) else after
        def passed(item: dict[str, t.Any]) -> bool:
            value = _as_key(key(item))
            return bool(value >= after_key if descending else value <= after_key)

        while start < len(items) and passed(items[start]):
            start += 1
    page = list(items[start : start + limit])
    more = start + limit < len(items)
    return page, (_as_key(key(page[-1])) if more and page else None)


def _as_key(value: t.Any) -> t.Any:
    return tuple(value) if isinstance(value, list) else value
