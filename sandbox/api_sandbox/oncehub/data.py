"""A generated OnceHub account: users, teams, event types, pages, contacts and their bookings.

Every field OnceHub's API reference documents for a list (tests/contract/oncehub/
documented_fields.json: the OpenAPI spec of the vendor's developer-center repository) is present
on every record, null where the real API would have nothing to say (``cancel_reschedule_url`` is
documented as sent only in webhooks, so the list endpoint always returns it null; the
booking-calendar fields are null on booking-page bookings). Embedded objects are *collapsed* to
IDs (``owner: "USR-..."``), as v2 returns them without ``expand``.

The vendor's examples disagree on how "no value" looks, so the fake sends both forms: the REST
examples use null, the documented webhook payload of a booking uses empty strings
(``location_description: ""``, ``cancel_reschedule_information: {"reason": "", ...}``,
``external_calendar.type: "none"``), and the contacts list example has
``last_interacted_time: ""``. Booking timestamps are UTC ISO-8601 with whole seconds
(``2020-03-22T09:48:48Z``) as in the list and GET examples, so several changes routinely share
one ``last_updated_time``; contacts carry milliseconds as often as not, as the create and update
examples do (``2025-09-24T04:29:41.270Z``).

Each list is kept in creation order; the API serves it newest first and pages by position
(``after=<id>``), which is what :attr:`OnceHubData.rank` records.
"""

from __future__ import annotations

import datetime as dt
import typing as t

from ..datagen import CITIES, TIMEZONES, Dataset, Faker, iso, parse_iso, today_utc, utc_now

#: Booking statuses of API v2 (v1 used capitalised values).
BOOKING_STATUSES = ("requested", "scheduled", "rescheduled", "completed", "canceled", "no_show")
EXTERNAL_CALENDARS = ("google", "exchange", "office_365", "icloud")
#: ``external_calendar`` of a booking in no calendar, as the documented webhook payload shows it.
NO_EXTERNAL_CALENDAR = {"type": "none", "name": "", "id": "", "event_id": ""}
USER_ROLES = ("Account Owner", "Administrator", "Member", "Team Manager")
CONTACT_STATUSES = ("Qualified", "Sales qualified", "Marketing qualified", "Disqualified")
BOOKING_LINK = "https://go.oncehub.com"
BOOKING_CALENDAR_LINK = "https://oncehub.com"
INTERESTS = ("Sales", "Marketing", "Support", "Billing")

#: The stream name of each list, as the API's path spells it (``/v2/<path>``).
LISTS = ("bookings", "booking_pages", "event_types", "master_pages", "users", "teams", "contacts", "booking_calendars")


class OnceHubData(Dataset):
    """The account's current state. ``mutate()`` changes it the way real use does."""

    def __init__(self, *, seed: int = 1, scale: float = 1.0) -> None:
        super().__init__()
        self.fake = Faker(seed)
        self.anchor = today_utc()
        self._clock = self.anchor - dt.timedelta(days=1)
        #: id -> position in its list's creation order (the API's keyset for ``after``/``before``).
        self.rank: dict[str, int] = {}
        self.lists: dict[str, list[dict[str, t.Any]]] = {name: [] for name in LISTS}

        def n(base: int) -> int:  # how many records at this scale (at least three)
            return max(3, int(base * scale))

        #: event type id -> its meeting length (the API documents no duration on event types).
        self.durations: dict[str, int] = {}
        #: The booking calendar IDs the last ``mutate()`` updated, deleted and added.
        self.calendar_changes: dict[str, list[str]] = {}
        # Default sizes: every list needs at least three pages of 100, the API's maximum.
        for _ in range(n(210)):
            self._add("teams", self._team())  # first: users list the teams they belong to
        for _ in range(n(230)):
            self._add("users", self._user())
        for _ in range(n(240)):
            self._add("event_types", self._event_type())
        for _ in range(n(205)):
            self._add("master_pages", self._master_page())
        for _ in range(n(260)):
            self._add("booking_pages", self._booking_page())
        self.booking_calendars = [self.fake.token("BKC-") for _ in range(max(2, n(20) // 5))]
        contacts = sorted((self._contact() for _ in range(n(900))), key=lambda c: parse_iso(c["creation_time"]))
        for contact in contacts:
            self._add("contacts", contact)
        bookings: list[dict[str, t.Any]] = []
        for _ in range(n(2200)):
            created = self.fake.moment(self.anchor, days_before=365, days_after=-0.05)
            bookings.extend(self._history(created))
        for booking in sorted(bookings, key=lambda b: b["creation_time"]):
            self._add("bookings", booking)
        # Generated last, so that the records above do not depend on them: first the calendars the
        # bookings were made through, then more, up to three pages of 100.
        for calendar_id in self.booking_calendars:
            self._add("booking_calendars", self._booking_calendar(calendar_id))
        for _ in range(n(205) - len(self.booking_calendars)):
            self._add("booking_calendars", self._booking_calendar())

    # -- views used by the API and by tests -----------------------------------------------------

    @property
    def bookings(self) -> list[dict[str, t.Any]]:
        """The bookings, in creation order."""
        return self.lists["bookings"]

    @property
    def contacts(self) -> list[dict[str, t.Any]]:
        """The contacts, in creation order."""
        return self.lists["contacts"]

    @property
    def users(self) -> list[dict[str, t.Any]]:
        """The users, in creation order."""
        return self.lists["users"]

    def newest_update(self) -> str:
        """The largest ``last_updated_time`` of any booking (what a tap's bookmark ends at)."""
        newest: str = max(b["last_updated_time"] for b in self.bookings)
        return newest

    def find(self, name: str, record_id: str) -> dict[str, t.Any] | None:
        """The record of list ``name`` with this id, if any."""
        position = self.rank.get(record_id)
        records = self.lists[name]
        if position is None or position >= len(records) or records[position]["id"] != record_id:
            return None
        return records[position]

    # -- timestamps -----------------------------------------------------------------------------

    def tick(self) -> str:
        """A modification time: now, to the second (never earlier than the previous tick)."""
        self._clock = max(utc_now().replace(microsecond=0), self._clock)
        return iso(self._clock)

    def _before_anchor(self, moment: dt.datetime) -> dt.datetime:
        """Generated history ends before today, so every change ``mutate()`` makes is newer."""
        return min(moment, self.anchor - dt.timedelta(minutes=1))

    def _past(self, days: float = 400) -> dt.datetime:
        return self.fake.moment(self.anchor, days_before=days, days_after=-1)

    # -- generators -----------------------------------------------------------------------------

    def _add(self, name: str, record: dict[str, t.Any]) -> dict[str, t.Any]:
        self.rank[record["id"]] = len(self.lists[name])
        self.lists[name].append(record)
        return record

    def _label(self, name: str) -> str:
        return f"{name.lower().replace(' ', '-')}-{self.fake.rng.randint(1, 99999)}"

    def _user(self) -> dict[str, t.Any]:
        first, last = self.fake.person()
        teams = self.lists["teams"]
        return {
            "id": self.fake.token("USR-"),
            "object": "user",
            "first_name": first,
            # A missing last name is "" (the webhook example's owner), not null.
            "last_name": "" if self.fake.chance(0.1) else last,
            "email": self.fake.email(first, last, "acme.example"),
            "status": "invited" if self.fake.chance(0.1) else "active",
            "role_name": "Account Owner" if not self.users else self.fake.choice(("Member",) * 3 + USER_ROLES[1:]),
            "timezone": self.fake.choice(TIMEZONES),
            "teams": [team["id"] for team in self.fake.rng.sample(teams, min(len(teams), self.fake.rng.randint(0, 2)))],
        }

    def _team(self) -> dict[str, t.Any]:
        return {
            "id": self.fake.token("TM-"),
            "object": "team",
            "name": self.fake.maybe(f"{self.fake.phrase(2)} team", 0.02),
        }

    def _event_type(self) -> dict[str, t.Any]:
        event_type: dict[str, t.Any] = {
            "id": self.fake.token("ET-"),
            "object": "event_type",
            "name": self.fake.maybe(self.fake.phrase(2), 0.02),
            # No description is "" (the webhook example's event type).
            "description": self.fake.sentence() if self.fake.chance(0.6) else "",
        }
        self.durations[event_type["id"]] = self.fake.choice((15, 30, 45, 60, 90))
        return event_type

    def _master_page(self) -> dict[str, t.Any]:
        name = f"{self.fake.phrase(2)} hub"
        label = self._label(name)
        return {
            "id": self.fake.token("MP-"),
            "object": "master_page",
            "name": self.fake.maybe(name, 0.02),
            "label": label,
            "url": f"{BOOKING_LINK}/{label}",
            "active": self.fake.chance(0.9),
        }

    def _booking_page(self) -> dict[str, t.Any]:
        first, last = self.fake.person()
        name = f"{first} {last}"
        label = self._label(name)
        return {
            "id": self.fake.token("BP-"),
            "object": "booking_page",
            "name": self.fake.maybe(name, 0.02),
            "label": label,
            "url": f"{BOOKING_LINK}/{label}",
            "active": self.fake.chance(0.85),
            "timezone": self.fake.maybe(self.fake.choice(TIMEZONES), 0.1),
        }

    def _booking_calendar(self, calendar_id: str | None = None) -> dict[str, t.Any]:
        """A booking calendar (the newer product): hosted by a user or a team."""
        if self.fake.chance(0.8):
            host = self.fake.choice(self.users)
            who = f"{host['first_name']} {host['last_name']}"
        else:
            host = self.fake.choice(self.lists["teams"])
            who = host["name"] or "the team"
        return {
            "object": "booking_calendar",
            "id": calendar_id or self.fake.token("BKC-"),
            "host": host["id"],
            "name": f"{who} booking calendar",
            "subject": self.fake.maybe(f"Meeting with {who}", 0.05),
            "url": f"{BOOKING_CALENDAR_LINK}/{self._label(who)}",
            "published": self.fake.chance(0.85),
            "duration_minutes": self.fake.choice((15, 30, 45, 60, 90)),
        }

    def _contact(self, created: dt.datetime | None = None) -> dict[str, t.Any]:
        first, last = self.fake.person()
        created = created or self._past(500)
        updated = max(created, self._before_anchor(created + dt.timedelta(days=self.fake.rng.uniform(0, 90))))
        city, country = self.fake.choice(CITIES)
        employees = self.fake.choice((4, 25, 120, 800, 5000))
        millis = self.fake.chance(0.5)  # the create/update examples' `.270Z`; the list example's whole seconds
        # Never interacted: null in the GET and create examples, "" in the list example.
        interacted = iso(updated, millis=millis) if self.fake.chance(0.5) else self.fake.choice((None, ""))
        return {
            "id": self.fake.token("CTC-"),
            "object": "contact",
            "creation_time": iso(created, millis=millis),
            "last_updated_time": iso(updated, millis=millis),
            "last_interacted_time": interacted,
            "owner": self.fake.maybe(self.fake.choice(self.users)["id"], 0.2),
            # Any other status is stored as null, the documentation says.
            "status": self.fake.maybe(self.fake.choice(CONTACT_STATUSES), 0.3),
            "email": self.fake.email(first, last, "client.example"),
            "first_name": self.fake.maybe(first, 0.05),
            "last_name": self.fake.maybe(last, 0.05),
            "mobile_phone": self.fake.maybe(self.fake.phone(), 0.4),
            "phone": self.fake.maybe(self.fake.phone(), 0.6),
            "company": self.fake.maybe(f"{last} {self.fake.choice(('Ltd', 'GmbH', 'Inc', 'LLC'))}", 0.3),
            "company_size": self.fake.maybe(_size_band(employees), 0.5),
            "employees": self.fake.maybe(employees, 0.5),
            "job_title": self.fake.maybe(self.fake.choice(("CEO", "Engineer", "Buyer", "Office manager")), 0.4),
            "city": self.fake.maybe(city, 0.4),
            "state": self.fake.maybe(self.fake.choice(("CA", "NY", "BE", "ENG")), 0.6),
            "country": self.fake.maybe(country, 0.3),
            "post_code": self.fake.maybe(str(self.fake.rng.randint(10000, 99999)), 0.5),
            "street_address": self.fake.maybe(f"{self.fake.rng.randint(1, 200)} Main St", 0.5),
            "salutation": self.fake.maybe(self.fake.choice(("Mr.", "Ms.", "Dr.")), 0.6),
            "has_consent": self.fake.maybe(self.fake.chance(0.7), 0.2),
            "terms_of_sevice": self.fake.maybe(self.fake.chance(0.8), 0.5),  # the vendor's spelling
            "timezone": self.fake.maybe(self.fake.choice(TIMEZONES), 0.2),
            "custom_fields": self._contact_custom_fields(first, last),
        }

    def _contact_custom_fields(self, first: str, last: str) -> list[dict[str, t.Any]]:
        """Custom contact fields: any JSON value, as documented (text, number, yes/no, picklist)."""
        values: dict[str, t.Any] = {
            "resume": self.fake.maybe(f"https://files.example.com/{first}-{last}.pdf".lower(), 0.5),
            "contact_second_number": self.fake.maybe(self.fake.phone(), 0.5),
            "seats": self.fake.rng.randint(1, 250),
            "newsletter": self.fake.chance(0.5),
            "interests": self.fake.rng.sample(INTERESTS, self.fake.rng.randint(1, 3)),  # a multi-select picklist
        }
        chosen = self.fake.rng.sample(sorted(values), self.fake.rng.randint(0, 3))
        return [{"name": name, "value": values[name]} for name in chosen]

    def _booking(
        self, created: dt.datetime, start: dt.datetime, *, contact: dict[str, t.Any] | None = None
    ) -> dict[str, t.Any]:
        """A booking as the customer submitted it (status ``scheduled``, or ``requested``).

        Some come the way the documented webhook payload shows a booking: ``""`` (and
        ``external_calendar.type: "none"``) where the REST examples have null.
        """
        contact = contact or self.fake.choice(self.contacts)
        event_type = self.fake.choice(self.lists["event_types"])
        owner = self.fake.choice(self.users[: max(3, len(self.users) // 4)])
        via_calendar = self.fake.chance(0.15)
        online = self.fake.chance(0.7)
        blank = self.fake.chance(0.4)
        nothing = "" if blank else None
        name = " ".join(filter(None, (contact["first_name"], contact["last_name"]))) or contact["email"]
        guests = [self.fake.email(*self.fake.person(), "guest.example") for _ in range(self.fake.rng.randint(0, 2))]
        city, _ = self.fake.choice(CITIES)
        booking_id = self.fake.token("BKNG-")
        join_url = f"https://zoom.us/j/{self.fake.rng.randint(10**9, 10**10)}" if self.fake.chance(0.95) else nothing
        address = f"{self.fake.rng.randint(1, 200)} Main St, {city}" if self.fake.chance(0.8) else nothing
        return {
            "id": booking_id,
            "object": "booking",
            "tracking_id": self.fake.hex_id(8).upper(),
            "subject": self.fake.maybe(f"{event_type['name'] or 'Meeting'} with {name}", 0.02),
            "status": "requested" if self.fake.chance(0.05) else "scheduled",
            "in_trash": False,
            "creation_time": iso(created),
            "starting_time": iso(start),
            "customer_timezone": self.fake.maybe(self.fake.choice(TIMEZONES), 0.05),
            "last_updated_time": iso(created),
            "owner": owner["id"],
            "duration_minutes": self.durations[event_type["id"]],
            "virtual_conferencing": {"join_url": join_url} if online else ({"join_url": ""} if blank else None),
            "location_description": nothing if online else address,
            "rescheduled_booking_id": nothing,
            "cancel_reschedule_url": None,  # documented as sent in webhooks only
            "cancel_reschedule_information": {"reason": "", "actioned_by": "", "user_id": ""} if blank else None,
            "attendees": [contact["email"], *guests],
            "form_submission": {
                "name": name,
                "email": contact["email"],
                "phone": contact["phone"] or nothing,
                "mobile_phone": contact["mobile_phone"] or nothing,
                "note": self.fake.sentence() if self.fake.chance(0.4) else nothing,
                "company": contact["company"] or nothing,
                "guests": guests,
                "custom_fields": [
                    {"name": self.fake.phrase(3).capitalize() + "?", "value": self.fake.phrase(2)}
                    for _ in range(self.fake.rng.randint(0, 3))
                ],
            },
            "booking_page": None if via_calendar else self.fake.choice(self.lists["booking_pages"])["id"],
            "master_page": self.fake.maybe(self.fake.choice(self.lists["master_pages"])["id"], 0.6),
            "event_type": self.fake.maybe(event_type["id"], 0.1),
            "booking_calendar": self.fake.choice(self.booking_calendars) if via_calendar else None,
            "contact": contact["id"],
            "external_calendar": (
                {
                    "type": self.fake.choice(EXTERNAL_CALENDARS),
                    "name": owner["email"],
                    "id": owner["email"],
                    "event_id": self.fake.hex_id(26),
                }
                if self.fake.chance(0.7)
                else (dict(NO_EXTERNAL_CALENDAR) if blank else None)
            ),
            "utm_params": (
                {
                    "source": self.fake.maybe(self.fake.choice(("google", "newsletter", "linkedin")), 0.2),
                    "medium": self.fake.maybe("cpc", 0.5),
                    "campaign": self.fake.maybe("spring", 0.5),
                    "term": self.fake.maybe("meeting", 0.7),
                    "content": self.fake.maybe("banner", 0.7),
                }
                if self.fake.chance(0.3)
                else None
            ),
            "conversation": self.fake.token("CVR-") if self.fake.chance(0.1) else None,
            **self._calendar_links(booking_id, via_calendar=via_calendar),
            "custom_fields": [
                {"name": field, "value": self.fake.choice(values)}
                for field, values in (
                    ("discussion_points", ("Need support on new product", "Pricing", "Migration plan")),
                    ("meeting_reason", ("Product demo", "Renewal", "Onboarding")),
                )
                if self.fake.chance(0.4)
            ],
        }

    def _calendar_links(self, booking_id: str, *, via_calendar: bool) -> dict[str, t.Any]:
        """The fields OnceHub documents for booking-calendar bookings only (null otherwise)."""
        if not via_calendar:
            return {"ics_url": None, "cancel_url": None, "reschedule_url": None, "payment_information": None}
        paid = self.fake.chance(0.3)
        return {
            "ics_url": f"{BOOKING_CALENDAR_LINK}/api/bookings/ics/{self.fake.uuid()}",
            "cancel_url": f"{BOOKING_CALENDAR_LINK}/m/{booking_id}/cancel",
            "reschedule_url": f"{BOOKING_CALENDAR_LINK}/m/{booking_id}",
            "payment_information": (
                {
                    "amount_charged": self.fake.choice((2500, 5000, 15000)),  # in cents
                    "currency": self.fake.choice(("USD", "EUR", "GBP")),
                    "transaction_id": "ch_" + self.fake.token("", 24),
                }
                if paid
                else None
            ),
        }

    def _history(self, created: dt.datetime) -> list[dict[str, t.Any]]:
        """A booking made at ``created`` and what happened to it up to today (maybe a reschedule)."""
        start = (created + dt.timedelta(days=self.fake.rng.uniform(0.2, 45))).replace(minute=0, second=0, microsecond=0)
        booking = self._booking(created, start)
        made = [booking]
        roll = self.fake.rng.random()
        # A cancellation or reschedule happens between the booking and the meeting (or today).
        changed = self._before_anchor(created + (min(start, self.anchor) - created) * self.fake.rng.random())
        if roll < 0.08:
            self._cancel(booking, at=iso(changed), by=self.fake.choice(("customer", "user")))
        elif roll < 0.14:
            new_start = start + dt.timedelta(days=self.fake.rng.randint(1, 14))
            made.append(self._reschedule(booking, at=changed, new_start=new_start))
        for item in made:
            self._settle(item)
        if self.fake.chance(0.02):
            trashed_at = self._before_anchor(parse_iso(booking["last_updated_time"]) + dt.timedelta(days=2))
            self._trash(booking, at=iso(trashed_at))
        return made

    def _settle(self, booking: dict[str, t.Any]) -> None:
        """Bookings whose meeting is over are completed (or no-shows) shortly after the end."""
        end = parse_iso(booking["starting_time"]) + dt.timedelta(minutes=booking["duration_minutes"])
        if booking["status"] == "scheduled" and end < self.anchor:
            booking["status"] = "no_show" if self.fake.chance(0.07) else "completed"
            booking["last_updated_time"] = iso(self._before_anchor(end + dt.timedelta(minutes=5)))

    # -- changes --------------------------------------------------------------------------------

    def _cancel(self, booking: dict[str, t.Any], *, at: str, by: str, reason: str | None = None) -> None:
        booking.update(
            status="canceled",
            last_updated_time=at,
            cancel_reschedule_information={
                "reason": reason if reason is not None else self.fake.maybe("Schedule conflict", 0.4),
                "actioned_by": by,
                "user_id": booking["owner"] if by == "user" else None,
            },
        )

    def _reschedule(self, booking: dict[str, t.Any], *, at: dt.datetime, new_start: dt.datetime) -> dict[str, t.Any]:
        """The original becomes ``rescheduled``; a new booking points back at it."""
        contact = self.find("contacts", booking["contact"])
        new = self._booking(at, new_start, contact=contact)
        new.update(
            rescheduled_booking_id=booking["id"],
            event_type=booking["event_type"],
            owner=booking["owner"],
            booking_page=booking["booking_page"],
            booking_calendar=booking["booking_calendar"],
            master_page=booking["master_page"],
            **self._calendar_links(new["id"], via_calendar=booking["booking_calendar"] is not None),
        )
        booking.update(
            status="rescheduled",
            last_updated_time=iso(at),
            cancel_reschedule_information={
                "reason": self.fake.maybe("Need another time", 0.4),
                "actioned_by": "customer",
                "user_id": None,
            },
        )
        return new

    def _trash(self, booking: dict[str, t.Any], *, at: str) -> None:
        booking.update(in_trash=True, last_updated_time=max(at, booking["last_updated_time"]))

    def mutate(self, *, seed: int = 2, changes: int = 5) -> dict[str, list[str]]:
        """Apply a realistic round of changes; returns the booking IDs touched, by kind of change.

        Besides updates, cancellations, reschedules, completions, trashing and new bookings,
        one booking gets a late edit stamped with the newest ``last_updated_time`` from before
        the round, i.e. the same second as the bookmark a previous full sync ended at: a tap
        that asks only for ``last_updated_time.gt=<bookmark>`` misses it. Users, teams, event
        types and pages are renamed, (de)activated and added; an invited user joins; contacts
        updated and added; booking calendars edited, deleted and added (their IDs in
        ``calendar_changes``).
        """
        rng = Faker(seed).rng
        now = utc_now()
        touched: dict[str, list[str]] = {
            key: [] for key in ("same_second", "updated", "canceled", "rescheduled", "booked", "completed", "trashed")
        }

        def upcoming() -> list[dict[str, t.Any]]:  # recomputed: each round of changes takes some away
            return [
                b
                for b in self.bookings
                if b["status"] == "scheduled" and not b["in_trash"] and b["starting_time"] > iso(now)
            ]

        previous_newest = self.newest_update()

        for booking in rng.sample(upcoming(), min(changes, len(upcoming()))):
            booking.update(
                location_description="Room 4, Main St", virtual_conferencing=None, last_updated_time=self.tick()
            )
            touched["updated"].append(booking["id"])
        for booking in rng.sample(upcoming(), min(changes, len(upcoming()))):
            self._cancel(booking, at=self.tick(), by=rng.choice(("customer", "user")), reason="Mutation: canceled")
            touched["canceled"].append(booking["id"])
        for booking in rng.sample(upcoming(), min(changes, len(upcoming()))):
            new_start = parse_iso(booking["starting_time"]) + dt.timedelta(days=rng.randint(1, 10))
            new = self._reschedule(booking, at=parse_iso(self.tick()), new_start=new_start)
            self._add("bookings", new)
            touched["rescheduled"].append(booking["id"])
            touched["booked"].append(new["id"])
        past_due = [
            b for b in self.bookings
            if b["status"] in {"scheduled", "requested"} and b["starting_time"] < iso(now - dt.timedelta(hours=2))
        ]
        for booking in past_due[-changes:]:
            booking.update(status="completed", last_updated_time=self.tick())
            touched["completed"].append(booking["id"])
        for booking in rng.sample(self.bookings, changes):
            self._trash(booking, at=self.tick())
            touched["trashed"].append(booking["id"])
        for i in range(changes):
            # New bookings, by existing and by new contacts, a day to a couple of months ahead.
            created = parse_iso(self.tick())
            contact = self._add("contacts", self._contact(created)) if i % 2 else None
            start = (now + dt.timedelta(days=rng.choice((1, 7, 30, 60)))).replace(minute=0, second=0, microsecond=0)
            booking = self._add("bookings", self._booking(created, start, contact=contact))
            touched["booked"].append(booking["id"])

        # Last, so no other change moves it: an edit stamped with the previous newest second.
        seen = {i for ids in touched.values() for i in ids}
        candidates = [b for b in upcoming() if b["id"] not in seen] or [b for b in self.bookings if b["id"] not in seen]
        late = rng.choice(candidates)
        late.update(subject=f"{late['subject'] or 'Meeting'} (late edit)", last_updated_time=previous_newest)
        touched["same_second"].append(late["id"])

        for contact in rng.sample(self.contacts, changes):
            contact.update(
                job_title="Head of Scheduling", last_interacted_time=self.tick(), last_updated_time=self.tick()
            )
        invited = [u for u in self.users if u["status"] == "invited"]
        if invited:
            rng.choice(invited).update(status="active")  # the invitation was accepted
        rng.choice(self.users[1:]).update(role_name="Administrator")  # users[0] is the account owner
        self._add("users", self._user())
        rng.choice(self.lists["teams"]).update(name="Renamed team")
        self._add("teams", self._team())
        rng.choice(self.lists["event_types"]).update(name="Discovery call v2", description="An intro call.")
        self._add("event_types", self._event_type())
        page = rng.choice([p for p in self.lists["booking_pages"] if p["active"]])
        page.update(active=False)
        self._add("booking_pages", self._booking_page())
        rng.choice(self.lists["master_pages"]).update(name="Renamed hub", active=True)
        self._add("master_pages", self._master_page())
        self.calendar_changes = self._mutate_booking_calendars(rng)
        return touched

    def _mutate_booking_calendars(self, rng: t.Any) -> dict[str, list[str]]:
        """A calendar unpublished and renamed, one re-timed, one deleted, one added; their IDs by kind."""
        calendars = self.lists["booking_calendars"]
        edited, retimed = rng.sample(calendars, 2)
        edited.update(published=not edited["published"], name=f"{edited['name']} (old)")
        retimed.update(duration_minutes=retimed["duration_minutes"] + 15)
        changes = {"updated": [edited["id"], retimed["id"]]}
        unused = [c for c in calendars if c["id"] not in self.booking_calendars and c not in (edited, retimed)]
        gone = rng.choice(unused)
        self._remove("booking_calendars", gone)
        changes["deleted"] = [gone["id"]]
        changes["added"] = [self._add("booking_calendars", self._booking_calendar())["id"]]
        return changes

    def _remove(self, name: str, record: dict[str, t.Any]) -> None:
        """Delete ``record`` from list ``name``; the later records' positions move up by one."""
        records = self.lists[name]
        position = self.rank.pop(record["id"])
        del records[position]
        for later in records[position:]:
            self.rank[later["id"]] -= 1


def _size_band(employees: int) -> str:
    for limit, band in ((10, "1-10"), (50, "11-50"), (200, "51-200"), (1000, "201-1000")):
        if employees <= limit:
            return band
    return "1000+"
