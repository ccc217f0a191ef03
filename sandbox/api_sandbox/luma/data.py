"""Generated Luma calendar: events and their guests, in the legacy public v1 shape.

Every field of the legacy streams in ../shared/reference/schemas/luma.json is present on every
record (``null`` where Luma has no value: online events have no address, invited guests no
ticket yet). Ids look like Luma's (``evt-``, ``gst-``, ``usr-``); timestamps are UTC ISO-8601
with milliseconds (``2022-10-19T03:27:13.673Z``) as the reference documents.

Guest ``api_id`` values are registration-scoped: one person registering for two events gets
two different ``gst-`` ids (and keeps one ``usr-`` id).
"""

from __future__ import annotations

import datetime as dt
import typing as t

from api_sandbox.datagen import TIMEZONES, Faker, iso, today_utc, utc_now

SITE = "https://lu.ma"
CDN = "https://images.lumacdn.com"

#: Places an offline event can take place: (city, region, country, country code, lat, lng).
PLACES = (
    ("Berlin", "Berlin", "Germany", "DE", 52.520008, 13.404954),
    ("London", "England", "United Kingdom", "GB", 51.507351, -0.127758),
    ("New York", "New York", "United States", "US", 40.712776, -74.005974),
    ("San Francisco", "California", "United States", "US", 37.774929, -122.419418),
    ("Tokyo", "Tokyo", "Japan", "JP", 35.676192, 139.650311),
    ("Lisbon", "Lisbon", "Portugal", "PT", 38.722252, -9.139337),
)
APPROVAL_STATUSES = ("approved", "approved", "approved", "approved", "pending_approval", "invited", "declined", "waitlist", "session")
QUESTIONS = (
    ("company", "Company"),
    ("text", "What do you hope to learn?"),
    ("dropdown", "How did you hear about us?"),
    ("linkedin", "LinkedIn profile"),
    ("agree-check", "I agree to the code of conduct"),
)
TAGS = ("Meetup", "Workshop", "Conference", "Community", "Online", "Hackathon")


class LumaData:
    """One calendar's events and guests. ``mutate()`` changes them the way real use does."""

    def __init__(self, *, seed: int = 1, scale: float = 1.0) -> None:
        self.fake = Faker(seed)
        self.anchor = today_utc()
        self._clock = self.anchor - dt.timedelta(days=1)
        n = lambda base: max(3, int(base * scale))  # noqa: E731
        # A calendar's hosts and a community of people who register for several events.
        self.hosts = [self._user_id() for _ in range(4)]
        self.people = [self._person() for _ in range(n(400))]
        self.tags = [{"api_id": self.fake.token("tag-", 14), "name": name} for name in TAGS]
        self.events: list[dict[str, t.Any]] = []
        self.event_tags: dict[str, list[dict[str, str]]] = {}  # event api_id -> entry-level tags
        self.guests: dict[str, list[dict[str, t.Any]]] = {}  # event api_id -> guests
        for _ in range(n(170)):
            start = self.fake.moment(self.anchor, days_before=365, days_after=120)
            self._create_event(start, guests=self.fake.rng.randint(0, 30))
        # One large conference, so that a guest list needs several pages too.
        big = self._create_event(self.anchor + dt.timedelta(days=21), guests=max(3, int(130 * scale)))
        big["name"] = "Community Summit"

    # -- ids and timestamps -------------------------------------------------------------------

    def _user_id(self) -> str:
        return self.fake.token("usr-", 14)

    def _person(self) -> dict[str, t.Any]:
        first, last = self.fake.person()
        return {
            "user_api_id": self._user_id(),
            "name": f"{first} {last}",
            "email": self.fake.email(first, last, "attendee.example"),
            "phone_number": self.fake.maybe(self.fake.phone(), 0.6),
            "eth_address": f"0x{self.fake.hex_id(40)}" if self.fake.chance(0.1) else None,
        }

    def tick(self) -> dt.datetime:
        """A modification time: now, strictly after every earlier one."""
        self._clock = max(utc_now(), self._clock + dt.timedelta(milliseconds=1))
        return self._clock

    @staticmethod
    def ts(moment: dt.datetime) -> str:
        return iso(moment, millis=True)

    # -- generators ----------------------------------------------------------------------------

    def _create_event(self, start: dt.datetime, *, guests: int, created: dt.datetime | None = None) -> dict[str, t.Any]:
        fake = self.fake
        api_id = fake.token("evt-", 14)
        hours = fake.choice((1, 1.5, 2, 3, 8))
        end = start + dt.timedelta(hours=hours)
        created = created or min(start, self.anchor) - dt.timedelta(days=fake.rng.uniform(1, 90))
        online = fake.chance(0.4)
        name = f"{fake.phrase(2)} {fake.choice(TAGS).lower()}"
        description = fake.sentence()
        event: dict[str, t.Any] = {
            "api_id": api_id,
            "name": fake.maybe(name, 0.02),
            "description": fake.maybe(description, 0.1),
            "description_md": fake.maybe(f"**{name}**\n\n{description}", 0.1),
            "cover_url": fake.maybe(f"{CDN}/event-covers/{fake.hex_id(2)}/{fake.uuid()}", 0.15),
            "created_at": self.ts(created),
            "start_at": self.ts(start),
            "end_at": self.ts(end),
            "duration_interval": _iso_duration(end - start),
            "event_type": fake.choice(("independent", "independent", "independent", "series")),
            "timezone": fake.choice(TIMEZONES),
            "url": f"{SITE}/{fake.token('', 8).lower()}",
            "user_api_id": fake.choice(self.hosts),
            "visibility": fake.choice(("public", "public", "members-only", "private")),
            "meeting_url": None,
            "zoom_meeting_url": None,
            "geo_latitude": None,
            "geo_longitude": None,
            "geo_address_json": None,
        }
        if online:
            if fake.chance(0.5):
                zoom = f"https://zoom.us/j/{fake.rng.randint(10**9, 10**10)}"
                event.update(meeting_url=zoom, zoom_meeting_url=zoom)
            else:
                event["meeting_url"] = f"https://meet.google.com/{fake.token('', 10).lower()}"
        else:
            event.update(self._place())
        self.events.append(event)
        self.event_tags[api_id] = fake.rng.sample(self.tags, fake.rng.randint(0, 2))
        self.guests[api_id] = []
        for person in fake.rng.sample(self.people, min(guests, len(self.people))):
            self._add_guest(event, person)
        return event

    def _place(self) -> dict[str, t.Any]:
        city, region, country, _code, lat, lng = self.fake.choice(PLACES)
        street = f"{self.fake.rng.randint(1, 250)} {self.fake.choice(('Main St', 'Market St', 'High St'))}"
        latitude = f"{lat + self.fake.rng.uniform(-0.05, 0.05):.6f}"
        longitude = f"{lng + self.fake.rng.uniform(-0.05, 0.05):.6f}"
        return {
            "geo_latitude": latitude,
            "geo_longitude": longitude,
            "geo_address_json": {
                "type": "google",
                "description": self.fake.maybe(f"{self.fake.phrase(1)} hall", 0.5),
                "address": street,
                "city": city,
                "city_state": f"{city}, {region}",
                "country": country,
                "full_address": f"{street}, {city}, {region}, {country}",
                "latitude": latitude,
                "longitude": longitude,
                "place_id": self.fake.token("ChIJ", 23),
                "region": region,
            },
        }

    def _ticket(self, paid: bool) -> dict[str, t.Any]:
        amount = self.fake.choice((1500, 2500, 4900)) if paid else 0
        return {
            "amount": amount,
            "amount_discount": self.fake.choice((0, 0, 500)) if paid else 0,
            "api_id": self.fake.token("evtticket-", 14),
            "event_ticket_type_api_id": self.fake.token("evtticktyp-", 14),
            "name": "Standard" if paid else "Free",
        }

    def _add_guest(
        self, event: dict[str, t.Any], person: dict[str, t.Any], *, status: str | None = None, at: dt.datetime | None = None
    ) -> dict[str, t.Any]:
        fake = self.fake
        status = status or fake.choice(APPROVAL_STATUSES)
        created = at or _parse(event["created_at"]) + dt.timedelta(hours=fake.rng.uniform(1, 24 * 30))
        invited = status == "invited" or fake.chance(0.15)
        registered = status not in {"invited"}
        tickets = [self._ticket(paid=fake.chance(0.3))] if registered else []
        if registered and fake.chance(0.05):
            tickets.append(self._ticket(paid=True))  # a guest who bought a +1
        api_id = fake.token("gst-", 14)
        guest = {
            "api_id": api_id,
            "approval_status": status,
            "check_in_qr_code": f"{SITE}/check-in/{event['api_id']}?pk=g-{fake.token('', 16)}",
            "created_at": self.ts(created),
            "custom_source": fake.maybe(fake.choice(("newsletter", "twitter", "partner")), 0.8),
            "email": person["email"],
            "eth_address": person["eth_address"],
            "event_ticket": tickets[0] if tickets else None,
            "event_tickets": tickets,
            "invited_at": self.ts(created) if invited else None,
            "name": person["name"],
            "phone_number": person["phone_number"],
            "registered_at": self.ts(created + dt.timedelta(minutes=fake.rng.uniform(0, 600))) if registered else None,
            "registration_answers": (
                [
                    {
                        "answer": fake.phrase(2),
                        "label": label,
                        "question_id": fake.token("", 8).lower(),
                        "question_type": kind,
                    }
                    for kind, label in fake.rng.sample(QUESTIONS, fake.rng.randint(0, 2))
                ]
                if registered
                else None
            ),
            "user_api_id": person["user_api_id"],
            "user_email": person["email"],
            "user_name": fake.maybe(person["name"], 0.1),
        }
        self.guests[event["api_id"]].append(guest)
        return guest

    # -- changes --------------------------------------------------------------------------------

    def mutate(self, *, seed: int = 2, changes: int = 5) -> dict[str, list[str]]:
        """Apply a realistic round of changes; returns the ids touched, by kind of change.

        One upcoming event is cancelled (Luma deletes a cancelled event, so it and its guests
        vanish from the lists); others are renamed and rescheduled; new ones are created
        (including one that already took place). Guests are approved, cancel (``declined``),
        register and get invited. Every kind happens even on a tiny dataset (``changes=1``).
        """
        rng = Faker(seed).rng
        now = utc_now()
        touched: dict[str, list[str]] = {
            "updated": [], "rescheduled": [], "created": [], "deleted": [],
            "guest_approved": [], "guest_declined": [], "guest_registered": [], "guest_invited": [],
        }
        upcoming = [e for e in self.events if e["start_at"] > self.ts(now)]
        if upcoming:
            victim = rng.choice(upcoming)
            upcoming.remove(victim)
            self.events.remove(victim)
            del self.guests[victim["api_id"]]
            del self.event_tags[victim["api_id"]]
            touched["deleted"].append(victim["api_id"])
        # Hosts mostly edit upcoming events, but past ones get edits too (recordings, typos).
        editable = upcoming or self.events
        for event in rng.sample(editable, min(changes, len(editable))):
            event.update(name=f"{event['name'] or 'Event'} (updated)", visibility="public")
            touched["updated"].append(event["api_id"])
        for event in rng.sample(upcoming, min(changes, len(upcoming))):
            start = _parse(event["start_at"]) + dt.timedelta(days=rng.randint(1, 14))
            duration = _parse(event["end_at"]) - _parse(event["start_at"])
            event.update(start_at=self.ts(start), end_at=self.ts(start + duration))
            touched["rescheduled"].append(event["api_id"])
        for days_ahead in (2, 45, 160, -1, 7)[: max(1, changes)]:
            start = now + dt.timedelta(days=days_ahead, hours=rng.uniform(0, 8))
            event = self._create_event(start, guests=rng.randint(0, 12), created=self.tick())
            touched["created"].append(event["api_id"])

        all_guests = self.every_guest()
        pending = [g for g in all_guests if g["approval_status"] == "pending_approval"]
        for guest in rng.sample(pending, min(changes, len(pending))):
            guest["approval_status"] = "approved"
            touched["guest_approved"].append(guest["api_id"])
        approved = [g for g in all_guests if g["approval_status"] == "approved" and g["api_id"] not in touched["guest_approved"]]
        for guest in rng.sample(approved, min(changes, len(approved))):
            guest["approval_status"] = "declined"  # the guest cancelled their registration
            touched["guest_declined"].append(guest["api_id"])
        # New registrations and invitations, for the upcoming event with the most people left
        # to register (on a small calendar the largest event may already have everyone).
        target = max(upcoming or self.events, key=lambda e: len(self.people) - len(self.guests[e["api_id"]]))
        registered = {g["user_api_id"] for g in self.guests[target["api_id"]]}
        newcomers = [p for p in self.people if p["user_api_id"] not in registered]
        rng.shuffle(newcomers)
        for kind, status, count in (("guest_registered", "approved", 2 * changes), ("guest_invited", "invited", changes)):
            for person in newcomers[:count]:
                guest = self._add_guest(target, person, status=status, at=self.tick())
                touched[kind].append(guest["api_id"])
            newcomers = newcomers[count:]
        return touched

    # -- views used by the API and by tests -------------------------------------------------------

    def event(self, api_id: str) -> dict[str, t.Any] | None:
        return next((e for e in self.events if e["api_id"] == api_id), None)

    def every_guest(self) -> list[dict[str, t.Any]]:
        """Every guest of every event, as the API serves them."""
        return [guest for guests in self.guests.values() for guest in guests]

    def all_guests(self) -> list[dict[str, t.Any]]:
        """Every guest with the ``event_api_id`` of its event (as the tap emits them)."""
        return [
            {**guest, "event_api_id": event_api_id}
            for event_api_id, guests in self.guests.items()
            for guest in guests
        ]


def _parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))  # Python 3.10 rejects "Z"


def _iso_duration(delta: dt.timedelta) -> str:
    """``PT1H30M``-style ISO-8601 duration, as Luma's ``duration_interval``."""
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes or not hours else "")
