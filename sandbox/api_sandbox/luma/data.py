"""Generated Luma calendar, as Luma's legacy v1 endpoints send it.

Events and their guests, the calendar's people and person tags, and each event's ticket types
and coupons.

The records follow Luma's own OpenAPI definition of ``/public/v1/calendar/list-events`` and
``/public/v1/event/get-guests`` (the field lists, with their sources, are in
tests/contract/luma/documented_fields.json): the January 2026 revision's fields (``id``,
``user_id``, ``calendar_id``, registration questions, answer ``value``s, ...) next to the
``api_id``-style fields it deprecates but still sends, plus the few fields the original dlt
specification adds (``event_type``, the address's ``type``/``place_id``/``latitude``/``longitude``,
a guest's ``name``/``email``/``created_at``). Every field is present on every record (a question's
or answer's type-specific fields on the questions of that type): ``null`` where Luma documents a
null (online events have no address, invited guests no answers yet), and Luma's documented types
(coordinates as strings, amounts as numbers, timestamps as UTC ISO-8601 with milliseconds,
``2022-10-19T03:27:13.673Z``). Ids carry Luma's prefixes (``evt-``, ``gst-``, ``usr-``, ``cal-``,
``tag-``, ``ett-``); a deprecated ``api_id`` field holds the same value as its ``id``.

Guest ids are registration-scoped: one person registering for two events gets two different
``gst-`` ids (and keeps one ``usr-`` id). Every guest answers the event's registration
questions, each answer typed as Luma documents for its question type.

The calendar's people (``/public/v1/calendar/list-people``) are its community: each has its own
id (Luma documents no prefix), the user behind it, person tags, a membership for some, and
counts (approved registrations, check-ins, USD revenue) derived from the guests. Person tags
(``list-person-tags``), ticket types (``/public/v1/event/ticket-types/list``, January 2026
revision) and coupons (``/public/v1/event/coupons``) follow the same revisions; an event's first
ticket type is the one its guests' tickets are of, and one large event offers every documented
kind of ticket type (members only, ERC-721 and ERC-20 gated, flexible price, hidden) and coupon.
"""

from __future__ import annotations

import datetime as dt
import typing as t

from ..datagen import TIMEZONES, Dataset, Faker, iso, today_utc, utc_now

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
APPROVAL_STATUSES = (
    "approved", "approved", "approved", "approved", "pending_approval", "invited", "declined", "waitlist", "session",
)
#: Registration questions an event can ask: (question_type, label, options).
QUESTIONS = (
    ("company", "Company", ()),
    ("text", "What do you hope to learn?", ()),
    ("dropdown", "How did you hear about us?", ("A friend", "Newsletter", "Twitter", "Luma")),
    ("multi-select", "Which tracks interest you?", ("Design", "Engineering", "Product", "Community")),
    ("linkedin", "LinkedIn profile", ()),
    ("github", "GitHub profile", ()),
    ("phone-number", "Phone number", ()),
    ("agree-check", "I agree to the code of conduct", ()),
    ("long-text", "Anything else we should know?", ()),
    ("url", "Personal website", ()),
)
COMPANIES = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries")
JOB_TITLES = ("Engineer", "Designer", "Founder", "Product Manager", "Student", None)
TAGS = ("Meetup", "Workshop", "Conference", "Community", "Online", "Hackathon")
#: Currencies of paid events (Luma's lower-case ISO 4217 codes); free tickets have none.
CURRENCIES = ("usd", "eur", "gbp")
#: The calendar's person tags: (name, color); colors from Luma's documented list.
PERSON_TAGS = (
    ("VIP", "purple"), ("Speaker", "blue"), ("Sponsor", "yellow"), ("Volunteer", "green"),
    ("Press", "orange"), ("Alumni", "cranberry"),
)
PERSON_TAG_COLORS = ("cranberry", "barney", "red", "green", "blue", "purple", "yellow", "orange")
#: The further ticket types of an event that offers every kind (see ``_ticket_type``).
EXTRA_TICKET_KINDS = ("members", "erc-721", "erc-20", "flexible", "hidden")
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class LumaData(Dataset):
    """One calendar's events and guests. ``mutate()`` changes them the way real use does."""

    def __init__(self, *, seed: int = 1, scale: float = 1.0) -> None:
        super().__init__()
        self.fake = Faker(seed)
        # The calendar's people, person tags, ticket types and coupons are drawn from their own
        # generator, so that the events and guests of a seed are the same with or without them.
        self.extra = Faker(seed + 7919)
        self.anchor = today_utc()
        self._clock = self.anchor - dt.timedelta(days=1)

        def n(base: int) -> int:  # how many records at this scale (at least three)
            return max(3, int(base * scale))

        # One calendar (an API key belongs to one), its hosts, and a community of people who
        # register for several events.
        self.calendar_id = self.fake.token("cal-", 14)
        self.hosts = [self._user_id() for _ in range(4)]
        self.people = [self._person() for _ in range(n(400))]
        self.tags = []
        for name in TAGS:
            tag_id = self.fake.token("tag-", 14)
            self.tags.append({"api_id": tag_id, "id": tag_id, "name": name})
        self.person_tags: list[dict[str, t.Any]] = []
        for name, color in PERSON_TAGS:
            self._create_person_tag(name, color)
        self.membership_tiers = [self.extra.token("", 14) for _ in range(2)]
        #: The calendar's people (List People), one per member of the community, by user id.
        self.calendar_people: list[dict[str, t.Any]] = []
        for person in self.people:
            self._create_calendar_person(person)
        self.events: list[dict[str, t.Any]] = []
        #: event api_id -> its ticket types, as List Ticket Types sends them (the first is the
        #: one its guests' tickets are of, ``self.ticket_types``).
        self.event_ticket_types: dict[str, list[dict[str, t.Any]]] = {}
        self.coupons: dict[str, list[dict[str, t.Any]]] = {}  # event api_id -> its coupons
        self.event_tags: dict[str, list[dict[str, str]]] = {}  # event api_id -> entry-level tags
        self.ticket_types: dict[str, dict[str, t.Any]] = {}  # event api_id -> its ticket type
        self.guests: dict[str, list[dict[str, t.Any]]] = {}  # event api_id -> guests
        for _ in range(n(170)):
            start = self.fake.moment(self.anchor, days_before=365, days_after=120)
            self._create_event(start, guests=self.fake.rng.randint(0, 30))
        # One large conference, so that a guest list needs several pages too; it asks every kind
        # of question, so every documented answer shape is sent whatever the scale.
        self._create_event(
            self.anchor + dt.timedelta(days=21),
            guests=max(3, int(130 * scale)),
            name="Community Summit",
            questions=QUESTIONS,
            online=False,
            every_kind=True,
        )
        self.refresh_people_counts()

    # -- ids and timestamps -------------------------------------------------------------------

    def _user_id(self) -> str:
        return self.fake.token("usr-", 14)

    def _person(self) -> dict[str, t.Any]:
        fake = self.fake
        first, last = fake.person()
        return {
            "user_api_id": self._user_id(),
            "first_name": first,
            "last_name": last,
            "name": f"{first} {last}",
            "email": fake.email(first, last, "attendee.example"),
            "phone_number": fake.maybe(fake.phone(), 0.6),
            "eth_address": f"0x{fake.hex_id(40)}" if fake.chance(0.1) else None,
            "solana_address": "".join(fake.choice(BASE58) for _ in range(44)) if fake.chance(0.05) else None,
        }

    def tick(self) -> dt.datetime:
        """A modification time: now, strictly after every earlier one."""
        self._clock = max(utc_now(), self._clock + dt.timedelta(milliseconds=1))
        return self._clock

    @staticmethod
    def ts(moment: dt.datetime) -> str:
        """Luma's timestamp format: UTC ISO-8601 with milliseconds."""
        return iso(moment, millis=True)

    # -- generators ----------------------------------------------------------------------------

    def _create_event(
        self,
        start: dt.datetime,
        *,
        guests: int,
        created: dt.datetime | None = None,
        name: str | None = None,
        questions: t.Sequence[tuple[str, str, tuple[str, ...]]] | None = None,
        online: bool | None = None,
        every_kind: bool = False,
    ) -> dict[str, t.Any]:
        """A new event with its guests; ``every_kind``: every kind of ticket type and coupon."""
        fake = self.fake
        api_id = fake.token("evt-", 14)
        host = fake.choice(self.hosts)
        hours = fake.choice((1, 1.5, 2, 3, 8))
        end = start + dt.timedelta(hours=hours)
        created = created or min(start, self.anchor) - dt.timedelta(days=fake.rng.uniform(1, 90))
        online = fake.chance(0.4) if online is None else online
        name = name or f"{fake.phrase(2)} {fake.choice(TAGS).lower()}"
        description = fake.sentence()
        if questions is None:
            questions = fake.rng.sample(QUESTIONS, fake.rng.randint(0, 3))
        event: dict[str, t.Any] = {
            "api_id": api_id,
            "id": api_id,
            "user_api_id": host,
            "user_id": host,
            "calendar_api_id": self.calendar_id,
            "calendar_id": self.calendar_id,
            "name": name,
            "description": description,
            "description_md": f"**{name}**\n\n{description}",
            "cover_url": f"{CDN}/event-covers/{fake.hex_id(2)}/{fake.uuid()}",
            "url": f"{SITE}/{fake.token('', 8).lower()}",
            "created_at": self.ts(created),
            "start_at": self.ts(start),
            "end_at": self.ts(end),
            "duration_interval": _iso_duration(end - start),
            "timezone": fake.choice(TIMEZONES),
            "visibility": fake.choice(("public", "public", "members-only", "private")),
            "event_type": fake.choice(("independent", "independent", "independent", "series")),
            "meeting_url": None,
            "zoom_meeting_url": None,
            "geo_latitude": None,
            "geo_longitude": None,
            "geo_address_json": None,
            "registration_questions": [self._question(*question) for question in questions],
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
        paid = fake.chance(0.3)
        self.ticket_types[api_id] = {
            "id": fake.token("ett-", 14),  # "Ticket type ID, this usually starts with ett-"
            "name": "Standard" if paid else "Free",
            "amount": fake.choice((1500, 2500, 4900)) if paid else 0,
            "currency": fake.choice(CURRENCIES) if paid else None,
        }
        self.event_ticket_types[api_id] = [self._ticket_type(self.ticket_types[api_id], start)]
        for kind in EXTRA_TICKET_KINDS if every_kind else ("crew",) if self.extra.chance(0.2) else ():
            self.event_ticket_types[api_id].append(self._ticket_type(None, start, kind=kind))
        self.coupons[api_id] = []
        coupons: tuple[str, ...] = ("percent", "fixed") if every_kind else ()
        if paid and self.extra.chance(0.4):
            coupons += ("percent",)
        for kind in coupons:
            self._create_coupon(event, kind)
        self.guests[api_id] = []
        for person in fake.rng.sample(self.people, min(guests, len(self.people))):
            self._add_guest(event, person)
        return event

    def _question(self, kind: str, label: str, options: tuple[str, ...]) -> dict[str, t.Any]:
        question: dict[str, t.Any] = {
            "id": self.fake.token("", 8).lower(),
            "label": label,
            "required": self.fake.chance(0.5),
            "question_type": kind,
        }
        if options:  # dropdown, multi-select
            question["options"] = list(options)
        if kind == "company":
            question.update(collect_job_title=self.fake.chance(0.7), job_title_label="Job title")
        return question

    def _place(self) -> dict[str, t.Any]:
        fake = self.fake
        city, region, country, _code, lat, lng = fake.choice(PLACES)
        street = f"{fake.rng.randint(1, 250)} {fake.choice(('Main St', 'Market St', 'High St'))}"
        latitude = f"{lat + fake.rng.uniform(-0.05, 0.05):.6f}"
        longitude = f"{lng + fake.rng.uniform(-0.05, 0.05):.6f}"
        google_place_id = fake.token("ChIJ", 23)
        return {
            "geo_latitude": latitude,
            "geo_longitude": longitude,
            "geo_address_json": {
                "address": street,
                "city": city,
                "region": region,
                "country": country,
                "city_state": f"{city}, {region}",
                "full_address": f"{street}, {city}, {region}, {country}",
                "google_maps_place_id": google_place_id,
                "apple_maps_place_id": fake.maybe(fake.token("I", 16), 0.5),
                "description": fake.maybe(f"{fake.phrase(1)} hall", 0.5),
                "type": "google",
                "latitude": latitude,
                "longitude": longitude,
                "place_id": google_place_id,
            },
        }

    def _tickets(self, event: dict[str, t.Any], status: str) -> list[dict[str, t.Any]]:
        """The tickets of a registered guest: one of the event's type, sometimes a +1."""
        fake = self.fake
        ticket_type = self.ticket_types[event["api_id"]]
        count = 2 if fake.chance(0.05) else 1
        tickets = []
        for _ in range(count):
            amount = ticket_type["amount"]
            discount = fake.choice((0, 0, 500)) if amount else 0
            ticket_id = fake.token("evtticket-", 14)
            tickets.append({
                "api_id": ticket_id,
                "id": ticket_id,
                "amount": amount,
                "amount_discount": discount,
                "amount_tax": round((amount - discount) * fake.choice((0, 0.08, 0.2))),
                "currency": ticket_type["currency"],
                "checked_in_at": self._check_in(event, status),
                "event_ticket_type_api_id": ticket_type["id"],
                "event_ticket_type_id": ticket_type["id"],
                "is_captured": amount > 0 and status == "approved",
                "name": ticket_type["name"],
            })
        return tickets

    def _check_in(self, event: dict[str, t.Any], status: str) -> str | None:
        """Approved guests of past in-person events mostly checked in, soon after the start."""
        start = _parse(event["start_at"])
        in_person_and_past = event["geo_address_json"] is not None and start <= self.anchor
        if status != "approved" or not in_person_and_past or not self.fake.chance(0.6):
            return None
        return self.ts(start + dt.timedelta(minutes=self.fake.rng.uniform(-30, 90)))

    def _joined(self, event: dict[str, t.Any], status: str) -> str | None:
        """Luma sets ``joined_at`` for online events only: the first click on the join link."""
        start = _parse(event["start_at"])
        online_and_past = event["meeting_url"] is not None and start <= self.anchor
        if status != "approved" or not online_and_past or not self.fake.chance(0.5):
            return None
        return self.ts(start + dt.timedelta(minutes=self.fake.rng.uniform(-5, 15)))

    def _answer(self, question: dict[str, t.Any], person: dict[str, t.Any]) -> dict[str, t.Any]:
        """One registration answer, typed by question type as Luma documents it."""
        fake = self.fake
        kind = question["question_type"]
        answer: dict[str, t.Any] = {"label": question["label"], "question_id": question["id"], "question_type": kind}
        handle = f"{person['first_name']}{person['last_name']}".lower().replace(" ", "").replace("-", "")
        if kind == "agree-check":
            value: t.Any = True
        elif kind == "company":
            company = fake.choice(COMPANIES)
            title = fake.choice(JOB_TITLES) if question["collect_job_title"] else None
            answer.update(value={"company": company, "job_title": title}, answer=company)
            answer.update(answer_company=company, answer_job_title=title)
            return answer
        elif kind == "dropdown":
            value = fake.choice(question["options"])
        elif kind == "multi-select":
            value = fake.rng.sample(question["options"], fake.rng.randint(1, 2))
        elif kind == "phone-number":
            value = person["phone_number"] or fake.phone()
        elif kind == "linkedin":
            value = f"https://www.linkedin.com/in/{handle}"
        elif kind == "github":
            value = f"https://github.com/{handle}"
        elif kind == "url":
            value = f"https://{handle}.example"
        else:  # text, long-text
            value = fake.sentence()
        if not question["required"] and kind != "agree-check" and fake.chance(0.15):
            value = [] if kind == "multi-select" else None  # an optional question left blank
        answer.update(value=value, answer=value)
        return answer

    def _add_guest(
        self,
        event: dict[str, t.Any],
        person: dict[str, t.Any],
        *,
        status: str | None = None,
        at: dt.datetime | None = None,
    ) -> dict[str, t.Any]:
        fake = self.fake
        status = status or fake.choice(APPROVAL_STATUSES)
        created = at or _parse(event["created_at"]) + dt.timedelta(hours=fake.rng.uniform(1, 24 * 30))
        invited = status == "invited" or fake.chance(0.15)
        registered = status != "invited"
        tickets = self._tickets(event, status) if registered else []
        api_id = fake.token("gst-", 14)
        user_name = fake.maybe(person["name"], 0.1)
        guest = {
            "api_id": api_id,
            "id": api_id,
            "user_api_id": person["user_api_id"],
            "user_id": person["user_api_id"],
            "user_email": person["email"],
            "user_name": user_name,
            "user_first_name": person["first_name"] if user_name else None,
            "user_last_name": person["last_name"] if user_name else None,
            "name": person["name"],
            "email": person["email"],
            "approval_status": status,
            "check_in_qr_code": f"{SITE}/check-in/{event['api_id']}?pk=g-{fake.token('', 16)}",
            "checked_in_at": tickets[0]["checked_in_at"] if tickets else None,
            "created_at": self.ts(created),
            "custom_source": fake.maybe(fake.choice(("newsletter", "twitter", "partner")), 0.8),
            "eth_address": person["eth_address"],
            "solana_address": person["solana_address"],
            "invited_at": self.ts(created) if invited else None,
            "joined_at": self._joined(event, status),
            "registered_at": self.ts(created + dt.timedelta(minutes=fake.rng.uniform(0, 600))) if registered else None,
            "phone_number": person["phone_number"],
            "registration_answers": (
                [self._answer(question, person) for question in event["registration_questions"]] if registered else None
            ),
            "event_tickets": tickets,
            # Deprecated by Luma in favour of event_tickets, still sent: the first ticket.
            "event_ticket": dict(tickets[0]) if tickets else None,
        }
        self.guests[event["api_id"]].append(guest)
        return guest

    # -- people, tags, ticket types, coupons ----------------------------------------------------

    def _create_person_tag(self, name: str, color: str, *, at: dt.datetime | None = None) -> dict[str, t.Any]:
        created = at or self.anchor - dt.timedelta(days=self.extra.rng.uniform(30, 400))
        tag = {"api_id": self.extra.token("tag-", 14), "name": name, "color": color, "created_at": self.ts(created)}
        self.person_tags.append(tag)
        return tag

    def _create_calendar_person(self, person: dict[str, t.Any], *, at: dt.datetime | None = None) -> dict[str, t.Any]:
        """One entry of List People: the calendar's view of a member of its community."""
        x = self.extra
        api_id = x.token("", 14)  # Luma documents no prefix for these ids
        created = at or self.anchor - dt.timedelta(days=x.rng.uniform(1, 500))
        named = x.chance(0.9)  # a person known only by email has no name
        membership = None
        if x.chance(0.25):  # a member of the calendar's membership (relevant to those only)
            tier = x.maybe(x.choice(self.membership_tiers), 0.2)
            membership = {
                "status": x.choice(("approved", "approved", "pending", "declined")),
                "calendar_membership_tier_api_id": tier,
                "calendar_membership_tier_id": tier,
            }
        tags = x.rng.sample(self.person_tags, min(len(self.person_tags), x.choice((0, 0, 0, 1, 1, 2))))
        record = {
            "api_id": api_id,
            "id": api_id,
            "email": person["email"],
            "created_at": self.ts(created),
            "event_approved_count": 0,
            "event_checked_in_count": 0,
            "revenue_usd_cents": 0,
            "tags": [_tag_ref(tag) for tag in tags],
            "user": {
                "api_id": person["user_api_id"],
                "id": person["user_api_id"],
                "name": person["name"] if named else None,
                "first_name": person["first_name"] if named else None,
                "last_name": person["last_name"] if named else None,
                "avatar_url": f"{CDN}/avatars-default/avatar_{x.rng.randint(1, 40)}.png",
                "email": person["email"],
            },
            "membership": membership,
        }
        self.calendar_people.append(record)
        return record

    def refresh_people_counts(self) -> None:
        """Each person's counts, from the guests: approved registrations, check-ins, USD revenue."""
        counts = {person["user"]["api_id"]: [0, 0, 0] for person in self.calendar_people}
        for guest in self.every_guest():
            count = counts.get(guest["user_api_id"])
            if count is None:
                continue
            count[0] += guest["approval_status"] == "approved"
            count[1] += guest["checked_in_at"] is not None
            count[2] += sum(
                ticket["amount"] - ticket["amount_discount"]
                for ticket in guest["event_tickets"]
                if ticket["currency"] == "usd" and ticket["is_captured"]
            )
        for person in self.calendar_people:
            approved, checked_in, revenue = counts[person["user"]["api_id"]]
            person.update(event_approved_count=approved, event_checked_in_count=checked_in, revenue_usd_cents=revenue)

    def _ticket_type(self, primary: dict[str, t.Any] | None, start: dt.datetime, *, kind: str = "") -> dict[str, t.Any]:
        """A ticket type as List Ticket Types sends it.

        ``primary``: the one guests' tickets are of; else a further one of ``kind``: members
        only, token-gated (ERC-721, ERC-20), flexible price, hidden, or a plain free one.
        """
        x = self.extra
        if primary is not None:
            type_id, name, cents, currency = primary["id"], primary["name"], primary["amount"], primary["currency"]
        else:
            type_id = x.token("ett-", 14)
            names = {"members": "Members", "erc-721": "NFT holders", "erc-20": "Token holders", "flexible": "Supporter"}
            name = names.get(kind, "Crew")
            cents = {"flexible": 2500, "members": 1000}.get(kind, 0)
            currency = x.choice(CURRENCIES) if cents else None
        sale_opens = start - dt.timedelta(days=x.rng.randint(20, 60))
        record: dict[str, t.Any] = {
            "api_id": type_id,
            "id": type_id,
            "name": name,
            "require_approval": kind == "members" or x.chance(0.15),
            "is_hidden": kind == "hidden",
            "description": x.maybe(x.sentence(), 0.5),
            # Dates ("2025-09-01"), as Luma's current reference describes these two fields.
            "valid_start_at": x.maybe(sale_opens.date().isoformat(), 0.5),
            "valid_end_at": x.maybe(start.date().isoformat(), 0.5),
            "max_capacity": x.maybe(x.choice((50, 100, 250)), 0.5),
            "membership_restriction": None,
            "ethereum_token_requirements": [],
            "type": "fiat-price" if cents else "free",
            "cents": cents or None,
            "currency": currency if cents else None,
            "is_flexible": kind == "flexible",
            "min_cents": 500 if kind == "flexible" else None,
        }
        if kind == "members":
            record["membership_restriction"] = {
                "type": "memberships", "calendar_membership_tier_api_ids": list(self.membership_tiers),
            }
        elif primary is not None and x.chance(0.05):
            record["membership_restriction"] = {"type": "all-members"}
        if kind == "erc-721":
            record["ethereum_token_requirements"] = [{
                "chain": "ethereum",
                "type": "erc-721",
                "contract": {
                    "type": "erc-721", "contract_name": "Community Pass", "contract_address": f"0x{x.hex_id(40)}",
                },
                "min_token_id": "1",
                "max_token_id": str(x.rng.randint(100, 10_000)),
            }]
        elif kind == "erc-20":
            record["ethereum_token_requirements"] = [{
                "chain": "ethereum",
                "type": "erc-20",
                "contract": {
                    "type": "erc-20",
                    "contract_name": "USD Coin",
                    "contract_address": f"0x{x.hex_id(40)}",
                    "decimals": 6,
                    "symbol": "USDC",
                    "image": x.maybe(f"{CDN}/tokens/usdc.png", 0.5),
                },
                "min_token_balance": "1000000",
            }]
        return record

    def _create_coupon(self, event: dict[str, t.Any], kind: str) -> dict[str, t.Any]:
        """A coupon of ``event``: ``percent`` off, or a ``fixed`` amount off in the tickets' currency."""
        x = self.extra
        created = _parse(event["created_at"])
        coupon: dict[str, t.Any] = {
            "api_id": x.token("", 14),  # Luma documents no prefix for these ids
            "code": x.token("", 8).upper(),
            "remaining_count": x.choice((5, 10, 25, 100)),
            "valid_start_at": x.maybe(self.ts(created + dt.timedelta(days=1)), 0.5),
            "valid_end_at": x.maybe(event["start_at"], 0.4),
            "percent_off": None,
            "cents_off": None,
            "currency": None,
        }
        if kind == "percent":
            coupon["percent_off"] = x.choice((10, 15, 25, 50, 100))
        else:
            coupon["cents_off"] = x.choice((500, 1000))
            coupon["currency"] = self.ticket_types[event["api_id"]]["currency"] or "usd"
        self.coupons[event["api_id"]].append(coupon)
        return coupon

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
            del self.ticket_types[victim["api_id"]]
            del self.event_ticket_types[victim["api_id"]]
            del self.coupons[victim["api_id"]]
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
        just_approved = set(touched["guest_approved"])
        approved = [g for g in all_guests if g["approval_status"] == "approved" and g["api_id"] not in just_approved]
        for guest in rng.sample(approved, min(changes, len(approved))):
            guest["approval_status"] = "declined"  # the guest cancelled their registration
            touched["guest_declined"].append(guest["api_id"])
        # New registrations and invitations, for the upcoming event with the most people left
        # to register (on a small calendar the largest event may already have everyone).
        target = max(upcoming or self.events, key=lambda e: len(self.people) - len(self.guests[e["api_id"]]))
        registered = {g["user_api_id"] for g in self.guests[target["api_id"]]}
        newcomers = [p for p in self.people if p["user_api_id"] not in registered]
        rng.shuffle(newcomers)
        arrivals = (("guest_registered", "approved", 2 * changes), ("guest_invited", "invited", changes))
        for kind, status, count in arrivals:
            for person in newcomers[:count]:
                guest = self._add_guest(target, person, status=status, at=self.tick())
                touched[kind].append(guest["api_id"])
            newcomers = newcomers[count:]
        self._mutate_calendar(rng, upcoming or self.events, touched)
        return touched

    def _mutate_calendar(self, rng: t.Any, upcoming: list[dict[str, t.Any]], touched: dict[str, list[str]]) -> None:
        """People, person tags, ticket types and coupons change too.

        Drawn after the events' changes, so that those are the same for a seed as before these
        resources existed.
        """
        # A person tag is created and applied, another deleted (and so taken off its people).
        doomed = rng.choice(self.person_tags)
        self.person_tags.remove(doomed)
        for person in self.calendar_people:
            person["tags"] = [tag for tag in person["tags"] if tag["api_id"] != doomed["api_id"]]
        touched["person_tag_deleted"] = [doomed["api_id"]]
        tag = self._create_person_tag("Organizer", rng.choice(PERSON_TAG_COLORS), at=self.tick())
        touched["person_tag_created"] = [tag["api_id"]]
        touched["person_tagged"] = []
        for person in rng.sample(self.calendar_people, min(3, len(self.calendar_people))):
            person["tags"].append(_tag_ref(tag))
            touched["person_tagged"].append(person["api_id"])
        # Someone is imported into the calendar (import-people): a person with no event yet.
        first, last = self.extra.person()
        newcomer = {
            "user_api_id": self.extra.token("usr-", 14),
            "first_name": first,
            "last_name": last,
            "name": f"{first} {last}",
            "email": self.extra.email(first, last, "imported.example"),
            "phone_number": None,
            "eth_address": None,
            "solana_address": None,
        }
        self.people.append(newcomer)
        touched["person_added"] = [self._create_calendar_person(newcomer, at=self.tick())["api_id"]]
        # Ticket types: one created, one hidden (still listed with include_hidden), one deleted.
        extras = [
            (event_api_id, ticket_type)
            for event_api_id, types in self.event_ticket_types.items()
            for ticket_type in types[1:]
        ]
        touched["ticket_type_deleted"], touched["ticket_type_hidden"] = [], []
        if extras:
            event_api_id, gone = rng.choice(extras)
            self.event_ticket_types[event_api_id].remove(gone)
            touched["ticket_type_deleted"].append(gone["api_id"])
            visible = [pair for pair in extras if pair[1] is not gone and not pair[1]["is_hidden"]]
            if visible:
                hidden = rng.choice(visible)[1]
                hidden["is_hidden"] = True
                touched["ticket_type_hidden"].append(hidden["api_id"])
        event = rng.choice(upcoming)
        created = self._ticket_type(None, _parse(event["start_at"]), kind="flexible")
        self.event_ticket_types[event["api_id"]].append(created)
        touched["ticket_type_created"] = [created["api_id"]]
        # Coupons: one created, and one redeemed (its remaining count goes down).
        coupon = self._create_coupon(event, "fixed")
        touched["coupon_created"] = [coupon["api_id"]]
        in_use = [
            c for coupons in self.coupons.values() for c in coupons if c["remaining_count"] > 0 and c is not coupon
        ]
        touched["coupon_redeemed"] = []
        if in_use:
            used = rng.choice(in_use)
            used["remaining_count"] -= 1
            touched["coupon_redeemed"].append(used["api_id"])
        self.refresh_people_counts()

    # -- views used by the API and by tests -------------------------------------------------------

    def event(self, api_id: str) -> dict[str, t.Any] | None:
        """The event with this ``api_id``, if any."""
        return self.indexed("events", self.events, lambda e: e["api_id"]).get(api_id)

    def every_guest(self) -> list[dict[str, t.Any]]:
        """Every guest of every event, as the API serves them."""
        return [guest for guests in self.guests.values() for guest in guests]

    def all_ticket_types(self) -> list[dict[str, t.Any]]:
        """Every ticket type (hidden ones too) with the ``event_api_id`` of its event."""
        return [{**tt, "event_api_id": eid} for eid, types in self.event_ticket_types.items() for tt in types]

    def all_coupons(self) -> list[dict[str, t.Any]]:
        """Every coupon with the ``event_api_id`` of its event."""
        return [{**coupon, "event_api_id": eid} for eid, coupons in self.coupons.items() for coupon in coupons]

    def all_guests(self) -> list[dict[str, t.Any]]:
        """Every guest with the ``event_api_id`` of its event (as the tap emits them)."""
        return [
            {**guest, "event_api_id": event_api_id}
            for event_api_id, guests in self.guests.items()
            for guest in guests
        ]


def _tag_ref(tag: dict[str, t.Any]) -> dict[str, str]:
    """A person's tag, as List People nests it: ids and name."""
    return {"api_id": tag["api_id"], "id": tag["api_id"], "name": tag["name"]}


def _parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))  # Python 3.10 rejects "Z"


def _iso_duration(delta: dt.timedelta) -> str:
    """``PT1H30M``-style ISO-8601 duration, as Luma's ``duration_interval``."""
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes or not hours else "")
