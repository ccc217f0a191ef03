"""Generated SavvyCal account: scopes, scheduling links, events with attendees, and time zones.

Every field SavvyCal documents (tests/contract/savvycal/documented_fields.json: its API
reference and resource pages) is present, with the documented nulls (``link``/``poll``/
``scope``/``scheduler``/``payment`` null where the booking had none, ``canceled_at`` only on
canceled events, ``rescheduled_at`` only on moved ones) and the value shapes SavvyCal's own
examples show: an empty ``description``, numeric-string ``conferencing.meeting_id``, the CLDR
territory ``"001"`` in ``metazone.territories``. Records keep a hidden insertion number (the
API's internal integer id) that the list endpoints page by.
"""

from __future__ import annotations

import datetime as dt
import itertools
import typing as t
import uuid as uuidlib
import zoneinfo

from ..datagen import TIMEZONES, Dataset, Faker, iso, today_utc

WEB = "https://savvycal.com"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

#: States a booking can be in (the Event resource's seven, plus the API reference's
#: ``awaiting_reschedule``); weights roughly as a busy account looks.
EVENT_STATES = (
    ("confirmed", 70),
    ("canceled", 12),
    ("tentative", 4),
    ("awaiting_approval", 5),
    ("awaiting_checkout", 3),
    ("declined", 3),
    ("checkout_expired", 3),
    ("awaiting_reschedule", 2),
)
#: States of a paid booking whose checkout was never completed (its payment has no Stripe URL).
CHECKOUT_PENDING = frozenset({"awaiting_checkout", "checkout_expired"})
#: Custom field types; ``short_text`` and ``text`` are the ones SavvyCal's examples show.
FIELD_TYPES = ("short_text", "text", "long_text", "phone", "select", "checkbox")
#: Time slot increments (minutes) a scheduling link offers.
INCREMENTS = (5, 10, 15, 30, 60)
CONFERENCING = ("zoom", "google_meet", "microsoft_teams", "phone", "in_person", "custom")


class Record(t.NamedTuple):
    """A stored resource and its internal integer id (what the API's cursors encode)."""

    seq: int
    body: dict[str, t.Any]


class SavvyCalData(Dataset):
    """The account's current state. ``mutate()`` changes it the way real use does."""

    def __init__(self, *, seed: int = 1, scale: float = 1.0) -> None:
        super().__init__()
        self.fake = Faker(seed)
        self.anchor = today_utc()
        self.rules: dict[str, list[dict[str, t.Any]]] = {}  # workflow id -> its rules, in order
        self._seq = itertools.count(1000 + self.fake.rng.randint(0, 5000))

        def n(base: int) -> int:  # how many records at this scale (at least three)
            return max(3, int(base * scale))

        self.stripe_account = self.fake.hex_id(16)  # the account's Stripe Connect id, in payment URLs
        self.owner = self._person(organizer=True)
        self.teammates = [self._person(organizer=True) for _ in range(6)]
        self.scopes = [self._scope(f"{self.owner['first_name']} {self.owner['last_name']}", personal=True)] + [
            self._scope(f"{self.fake.phrase(1)} team") for _ in range(4)
        ]
        self.links: list[Record] = [self._stored(self._link()) for _ in range(n(250))]
        self.events: list[Record] = []
        for _ in range(n(450)):
            self._book(self.fake.moment(self.anchor, days_before=240, days_after=120))
        # Generated after the links and events, so that their records do not depend on these.
        self.user = self._current_user()
        self.webhooks: list[Record] = [self._stored(self._webhook()) for _ in range(n(30))]
        self.workflows: list[Record] = [self._stored(self._workflow()) for _ in range(n(25))]

    # -- ids and people -----------------------------------------------------------------------

    def ulid(self, prefix: str) -> str:
        """``link_01ED74HMFGVZ92YVCWTD8Y8H6X``-style ids (a prefix and a 26-character ULID)."""
        return prefix + "01" + "".join(self.fake.rng.choice(_CROCKFORD) for _ in range(24))

    def _stored(self, body: dict[str, t.Any]) -> Record:
        return Record(next(self._seq), body)

    def _person(self, *, organizer: bool = False) -> dict[str, t.Any]:
        first, last = self.fake.person()
        domain = "savvy.example" if organizer else "client.example"
        return {
            "first_name": first,
            "last_name": last,
            "email": self.fake.email(first, last, domain),
            "time_zone": self.fake.choice(TIMEZONES),
            "phone_number": self.fake.maybe(self.fake.phone(), 0.6),
        }

    def _scope(self, name: str, *, personal: bool = False) -> dict[str, t.Any]:
        slug = name.lower().replace(" ", "-")
        return {"id": self.ulid("scope_" if not personal else "user_"), "name": name, "slug": slug}

    def _fields(self, *, answered: bool) -> list[dict[str, t.Any]]:
        fields = []
        for _ in range(self.fake.rng.randint(0, 3)):
            field: dict[str, t.Any] = {
                "id": self.ulid("field_"),
                "type": self.fake.choice(FIELD_TYPES),
                "label": self.fake.phrase(3) + "?",
            }
            if answered:
                field["value"] = self.fake.sentence()
            else:
                field["is_required"] = self.fake.chance(0.4)
            fields.append(field)
        return fields

    def _attendee(self, person: dict[str, t.Any], *, organizer: bool, scheduler: bool) -> dict[str, t.Any]:
        return {
            "id": self.ulid("attendee_"),
            "email": person["email"],
            "display_name": f"{person['first_name']} {person['last_name']}",
            "first_name": person["first_name"],
            "last_name": person["last_name"],
            "phone_number": person["phone_number"],
            "time_zone": person["time_zone"],
            "response_status": "accepted" if organizer or scheduler else self.fake.choice(
                ("accepted", "accepted", "needs_action", "tentative", "declined")
            ),
            "is_organizer": organizer,
            "is_scheduler": scheduler,
            "fields": self._fields(answered=True) if scheduler else [],
            "marketing_opt_in": self.fake.chance(0.3) if scheduler else False,
        }

    # -- scheduling links ---------------------------------------------------------------------

    def _link(self) -> dict[str, t.Any]:
        name = self.fake.phrase(2)
        durations = sorted(self.fake.rng.sample([15, 20, 30, 45, 60, 90], self.fake.rng.randint(1, 3)))
        scope = self.fake.choice(self.scopes)
        return {
            "id": self.ulid("link_"),
            "state": "active" if self.fake.chance(0.85) else "disabled",
            "slug": f"{name.lower().replace(' ', '-')}-{self.fake.rng.randint(1, 9999)}",
            "name": name,
            "private_name": self.fake.maybe(f"{name} (internal)", 0.6),
            "description": self.fake.maybe(self.fake.sentence(), 0.1) or "",
            "durations": durations,
            "default_duration": self.fake.maybe(durations[0], 0.3),
            "increment": self.fake.choice(INCREMENTS),
            "scope": dict(scope),
            "fields": self._fields(answered=False),
        }

    # -- the account: current user, webhooks, workflows ----------------------------------------

    def _current_user(self) -> dict[str, t.Any]:
        """The token's user (Current User resource): the account owner."""
        owner = self.owner
        return {
            "id": self.scopes[0]["id"],  # the owner's personal scope is the user (``user_...``)
            "email": owner["email"],
            "display_name": f"{owner['first_name']} {owner['last_name']}",
            "first_name": owner["first_name"],
            "last_name": owner["last_name"],
            "avatar_url": self.fake.maybe(f"https://avatars.savvycal.example/{self.fake.hex_id(16)}.png", 0.3),
            "time_zone": owner["time_zone"],
            "time_format": self.fake.choice(("12hr", "24hr")),
            "first_day_of_week": self.fake.choice((0, 1)),
            "plan": self.fake.choice(("free", "basic", "premium")),
        }

    def _webhook(self, *, created: dt.datetime | None = None) -> dict[str, t.Any]:
        """A Webhook resource, with the signing ``secret`` the API returns alongside it."""
        created = created or self.anchor - dt.timedelta(days=self.fake.rng.uniform(1, 400))
        return {
            "id": self.ulid("wh_"),
            "url": f"https://hooks.{self.fake.phrase(1).lower()}.example/savvycal/{self.fake.hex_id(8)}",
            "secret": self.secret(),
            "state": "active" if self.fake.chance(0.8) else "disabled",
            "version": "2020-11-18",
            "created_at": iso(created.replace(microsecond=0)),
        }

    def secret(self) -> str:
        """A webhook signing secret: 32 random hexadecimal characters."""
        return self.fake.hex_id(32)

    def _workflow(self, *, created: dt.datetime | None = None) -> dict[str, t.Any]:
        """A Workflow resource; its rules are served by ``/v1/workflows/:id/rules``."""
        created = created or self.anchor - dt.timedelta(days=self.fake.rng.uniform(1, 400))
        workflow = {
            "id": self.ulid("wkflw_"),
            "name": f"{self.fake.phrase(2)} follow-up",
            "state": "active" if self.fake.chance(0.8) else "disabled",
            "created_at": iso(created.replace(microsecond=0)),
        }
        self.rules[workflow["id"]] = [self._rule(created) for _ in range(self.fake.rng.randint(0, 3))]
        return workflow

    def _rule(self, workflow_created: dt.datetime) -> dict[str, t.Any]:
        """A Workflow Rule with its actions."""
        created = workflow_created + dt.timedelta(minutes=self.fake.rng.randint(1, 600))
        actions = []
        for _ in range(self.fake.rng.randint(1, 2)):
            if self.fake.chance(0.5):
                kind = "send_custom_email"
                properties: dict[str, t.Any] = {
                    "recipient": self.fake.choice(("attendee", "organizer")),
                    "template": self.fake.choice(("confirmation", "reminder", "follow_up")),
                }
            else:
                kind = "trigger_automation"
                properties = {"provider": self.fake.choice(("zapier", "make")), "description": self.fake.sentence()}
            actions.append(
                {"id": self.ulid("waction_"), "type": kind, "properties": properties, "created_at": iso(created)}
            )
        return {
            "id": self.ulid("wrule_"),
            "trigger_type": self.fake.choice(
                ("event_created", "event_canceled", "event_rescheduled", "event_started", "event_completed")
            ),
            "trigger_offset_amount": self.fake.choice((0, 10, 30, 1, 2)),
            "trigger_offset_unit": self.fake.choice(("minutes", "hours", "days")),
            "trigger_offset_direction": self.fake.choice(("before", "after")),
            "created_at": iso(created),
            "actions": actions,
        }

    # -- events -------------------------------------------------------------------------------

    def _conferencing(self) -> dict[str, t.Any]:
        kind = self.fake.choice(CONFERENCING)
        meeting_id = str(self.fake.rng.randint(10**9, 10**10))
        if kind == "zoom":
            return {"type": kind, "join_url": f"https://zoom.us/j/{meeting_id}", "meeting_id": meeting_id,
                    "instructions": self.fake.maybe(f"Passcode: {self.fake.hex_id(6)}", 0.5)}
        if kind == "google_meet":
            code = self.fake.hex_id(10)
            join_url = f"https://meet.google.com/{code}"
            return {"type": kind, "join_url": join_url, "meeting_id": code, "instructions": None}
        if kind == "microsoft_teams":
            return {"type": kind, "join_url": f"https://teams.microsoft.com/l/meetup-join/{meeting_id}",
                    "meeting_id": meeting_id, "instructions": None}
        if kind == "phone":
            return {"type": kind, "join_url": None, "meeting_id": None, "instructions": f"Call {self.fake.phone()}"}
        instructions = self.fake.maybe(self.fake.sentence(), 0.5)
        return {"type": kind, "join_url": None, "meeting_id": None, "instructions": instructions}

    def _payment(self, amount: int, *, paid: bool) -> dict[str, t.Any]:
        """The Payment resource: the Stripe dashboard ``url`` exists only once checkout is completed."""
        dashboard = f"https://dashboard.stripe.com/acct_{self.stripe_account}/payments/pi_{self.fake.hex_id(24)}"
        state = "paid" if paid else "awaiting_checkout"
        return {"amount_total": amount, "state": state, "url": dashboard if paid else None}

    def _book(
        self, start: dt.datetime, *, created: dt.datetime | None = None, state: str | None = None
    ) -> dict[str, t.Any]:
        """Create an event starting at ``start`` and store it after every existing one."""
        fake = self.fake
        link = fake.choice(self.links).body if fake.chance(0.85) else None
        # A "Meeting Poll Preview": SavvyCal never lists its keys; shaped like the link and scope previews.
        poll = None
        if not link:
            poll = fake.maybe({"id": self.ulid("poll_"), "name": fake.phrase(2), "slug": fake.hex_id(8)}, 0.5)
        duration = fake.choice(link["durations"]) if link else fake.choice((15, 30, 45, 60))
        start = start.replace(second=0, microsecond=0, minute=start.minute // 15 * 15)
        end = start + dt.timedelta(minutes=duration)
        created = created or min(start, self.anchor) - dt.timedelta(days=fake.rng.uniform(1, 45))
        organizer_person = fake.choice([self.owner, *self.teammates])
        scheduler_person = self._person() if link or poll else None
        # Now and then the owner books through their own link (trying it out): one attendee is both
        # organizer and scheduler, and the organizer's custom-field answers are filled in.
        self_booked = scheduler_person is not None and fake.chance(0.05)
        organizer = self._attendee(organizer_person, organizer=True, scheduler=self_booked)
        if self_booked:
            scheduler = organizer
        elif scheduler_person:
            scheduler = self._attendee(scheduler_person, organizer=False, scheduler=True)
        else:
            scheduler = None
        guests = [
            self._attendee(self._person(), organizer=False, scheduler=False) for _ in range(fake.rng.randint(0, 2))
        ]
        group = link is not None and fake.chance(0.1)
        price = fake.choice((2500, 4900, 10000)) if link and fake.chance(0.12) else None
        state = state or fake.rng.choices([s for s, _ in EVENT_STATES], [w for _, w in EVENT_STATES])[0]
        if price is None and state in CHECKOUT_PENDING:
            state = "confirmed"
        title = link["name"] if link else fake.phrase(2)
        summary = f"{title} ({organizer['first_name']} / {scheduler['first_name'] if scheduler else 'team'})"
        event = {
            "id": self.ulid("event_"),
            "uuid": str(uuidlib.UUID(int=fake.rng.getrandbits(128), version=4)),
            "state": state,
            "summary": summary,
            # Null (the API reference) or empty (the vendor's webhook example) when there is none.
            "description": fake.maybe(fake.sentence(), 0.3) or fake.choice((None, "")),
            "additional_info": fake.maybe(fake.sentence(), 0.7),
            "location": fake.maybe(f"{fake.rng.randint(1, 200)} Main St", 0.8),
            "created_at": iso(created),
            "start_at": iso(start),
            "end_at": iso(end),
            "duration": duration,
            "canceled_at": None,
            "cancel_reason": None,
            "rescheduled_at": None,
            "reschedule_reason": None,
            "original_start_at": iso(start),
            "original_end_at": iso(end),
            "buffer_before": fake.choice((0, 0, 5, 10, 15)),
            "buffer_after": fake.choice((0, 0, 5, 10, 15)),
            "is_group_session": group,
            # A required integer in the API reference, also on one-to-one events (value there: 1).
            "maximum_group_size": fake.rng.randint(5, 30) if group else 1,
            # "object[]", nullable, in the API reference, which never lists the objects' keys.
            "location_settings": (
                [
                    {
                        "type": fake.choice(("zoom", "google_meet", "phone", "in_person")),
                        "instructions": fake.maybe(fake.sentence(), 0.6),
                    }
                ]
                if link and fake.chance(0.6)
                else None
            ),
            "description_settings": {
                "include_attendees": fake.chance(0.7),
                "include_fields": fake.chance(0.5),
                "include_link_name": fake.chance(0.5),
            },
            "conferencing": self._conferencing(),
            "link": {"id": link["id"], "name": link["name"], "slug": link["slug"]} if link else None,
            "poll": poll,
            "scope": dict(link["scope"]) if link else None,
            "scheduler": scheduler,
            "organizer": organizer,
            "attendees": [organizer, *([scheduler] if scheduler and not self_booked else []), *guests],
            "payment": self._payment(price, paid=state not in CHECKOUT_PENDING) if price else None,
            "metadata": fake.maybe({"source": fake.choice(("website", "newsletter", "crm"))}, 0.6) or {},
            "url": "",
        }
        event["url"] = f"{WEB}/events/{event['id']}"
        if state == "canceled":
            self._cancel(event, at=created + dt.timedelta(days=fake.rng.uniform(0, 3)))
        if fake.chance(0.08):
            moved_to = start + dt.timedelta(days=fake.rng.uniform(1, 7))
            self._reschedule(event, moved_to, at=created + dt.timedelta(hours=5))
        self.events.append(self._stored(event))
        return event

    def _cancel(self, event: dict[str, t.Any], *, at: dt.datetime, reason: str | None = None) -> None:
        event.update(
            state="canceled",
            canceled_at=iso(at),
            cancel_reason=reason if reason is not None else self.fake.maybe("Something came up", 0.5),
        )

    def _reschedule(
        self, event: dict[str, t.Any], new_start: dt.datetime, *, at: dt.datetime, reason: str | None = None
    ) -> None:
        new_start = new_start.replace(second=0, microsecond=0, minute=new_start.minute // 15 * 15)
        event.update(
            start_at=iso(new_start),
            end_at=iso(new_start + dt.timedelta(minutes=event["duration"])),
            rescheduled_at=iso(at),
            reschedule_reason=reason if reason is not None else self.fake.maybe("Conflict with another meeting", 0.4),
        )

    # -- changes ------------------------------------------------------------------------------

    def mutate(self, *, seed: int = 2, changes: int = 5) -> dict[str, list[str]]:
        """A realistic round of changes; returns the ids touched, by kind of change.

        Reschedules and cancellations of upcoming bookings, approvals of pending ones, a guest
        answering the invitation, new bookings (upcoming and already past), link edits, a link
        disabled, a link deleted (it disappears from ``/v1/links``) and a new link.
        """
        rng = Faker(seed).rng
        now = dt.datetime.now(dt.timezone.utc)
        kinds = ("rescheduled", "canceled", "approved", "responded", "booked")
        touched: dict[str, list[str]] = {kind: [] for kind in (*kinds, "link_updated", "link_deleted", "link_added")}
        upcoming = [r.body for r in self.events if r.body["state"] == "confirmed" and r.body["start_at"] > iso(now)]
        # In a small account, leave one upcoming booking for the cancellations below.
        spare = 1 if len(upcoming) > 1 else 0
        for event in rng.sample(upcoming, min(changes, len(upcoming) - spare)):
            self._reschedule(event, now + dt.timedelta(days=rng.uniform(1, 60)), at=now, reason="Mutation: moved")
            touched["rescheduled"].append(event["id"])
        upcoming = [e for e in upcoming if e["id"] not in touched["rescheduled"]]
        for event in rng.sample(upcoming, min(changes, len(upcoming))):
            self._cancel(event, at=now, reason="Mutation: canceled")
            touched["canceled"].append(event["id"])
        pending = [r.body for r in self.events if r.body["state"] in {"awaiting_approval", "tentative"}]
        for event in rng.sample(pending, min(changes, len(pending))):
            event["state"] = "confirmed"
            touched["approved"].append(event["id"])
        with_guests = [r.body for r in self.events if len(r.body["attendees"]) > 2]
        for event in rng.sample(with_guests, min(changes, len(with_guests))):
            event["attendees"][-1]["response_status"] = "declined"
            touched["responded"].append(event["id"])
        for days_ahead in itertools.islice(itertools.cycle((2, 30, 150, -1)), changes):
            start = now + dt.timedelta(days=days_ahead, hours=rng.uniform(0, 8))
            event = self._book(start, created=now, state="confirmed")
            touched["booked"].append(event["id"])
        for record in rng.sample(self.links, min(changes, len(self.links))):
            record.body.update(name=f"{record.body['name']} v2", description="Updated description.")
            touched["link_updated"].append(record.body["id"])
        active = [
            r.body for r in self.links if r.body["state"] == "active" and r.body["id"] not in touched["link_updated"]
        ]
        for link in rng.sample(active, min(1, len(active))):
            link["state"] = "disabled"
            touched["link_updated"].append(link["id"])
        untouched = [r for r in self.links if r.body["id"] not in touched["link_updated"]]
        for record in rng.sample(untouched, min(1, len(untouched))):
            self.links.remove(record)  # gone from /v1/links; its events keep their link preview
            touched["link_deleted"].append(record.body["id"])
        new_link = self._stored(self._link())
        self.links.append(new_link)
        touched["link_added"].append(new_link.body["id"])
        self._mutate_account(rng, now, touched)
        return touched

    def _mutate_account(self, rng: t.Any, now: dt.datetime, touched: dict[str, list[str]]) -> None:
        """The account's settings change too: the user, webhooks, workflows and their rules."""
        self.user.update(time_format="24hr" if self.user["time_format"] == "12hr" else "12hr")
        touched["user_updated"] = [self.user["id"]]
        touched["webhook_updated"], touched["webhook_deleted"], touched["webhook_added"] = [], [], []
        for record in rng.sample(self.webhooks, min(2, len(self.webhooks))):
            record.body["state"] = "disabled" if record.body["state"] == "active" else "active"
            touched["webhook_updated"].append(record.body["id"])
        untouched = [r for r in self.webhooks if r.body["id"] not in touched["webhook_updated"]]
        for record in rng.sample(untouched, min(1, len(untouched))):
            self.webhooks.remove(record)  # deleted: gone from /v1/webhooks
            touched["webhook_deleted"].append(record.body["id"])
        added = self._stored(self._webhook(created=now))
        self.webhooks.append(added)
        touched["webhook_added"].append(added.body["id"])

        touched["workflow_updated"], touched["workflow_deleted"], touched["workflow_added"] = [], [], []
        touched["rule_updated"], touched["rule_deleted"], touched["rule_added"] = [], [], []
        # Workflows with two rules or more, so that one rule is edited and another deleted.
        ruled = [r for r in self.workflows if len(self.rules[r.body["id"]]) > 1] or self.workflows
        for record in rng.sample(ruled, min(2, len(ruled))):
            record.body["name"] = f"{record.body['name']} v2"
            touched["workflow_updated"].append(record.body["id"])
            rules = self.rules[record.body["id"]]
            if rules:
                rules[0].update(trigger_offset_amount=rules[0]["trigger_offset_amount"] + 5)
                touched["rule_updated"].append(rules[0]["id"])
            if len(rules) > 1:
                touched["rule_deleted"].append(rules.pop()["id"])
            rule = self._rule(now)
            rules.append(rule)
            touched["rule_added"].append(rule["id"])
        untouched = [r for r in self.workflows if r.body["id"] not in touched["workflow_updated"]]
        for record in rng.sample(untouched, min(1, len(untouched))):
            self.workflows.remove(record)  # deleted with its rules
            touched["workflow_deleted"].append(record.body["id"])
            touched["rule_deleted"] += [rule["id"] for rule in self.rules.pop(record.body["id"])]
        new_workflow = self._stored(self._workflow(created=now))
        self.workflows.append(new_workflow)
        touched["workflow_added"].append(new_workflow.body["id"])

    # -- views used by the API and by tests ----------------------------------------------------

    def event_records(self) -> list[dict[str, t.Any]]:
        """The events, in id order (as the API serves them)."""
        return [r.body for r in self.events]

    def link_records(self) -> list[dict[str, t.Any]]:
        """The scheduling links, in id order (as the API serves them)."""
        return [r.body for r in self.links]

    def webhook_records(self) -> list[dict[str, t.Any]]:
        """The webhooks, in id order, as the API serves them (with their secrets)."""
        return [r.body for r in self.webhooks]

    def workflow_records(self) -> list[dict[str, t.Any]]:
        """The workflows, in id order (as the API serves them)."""
        return [r.body for r in self.workflows]

    def rule_records(self) -> list[dict[str, t.Any]]:
        """Every workflow's rules, each with its ``workflow_id`` (as the tap adds it)."""
        return [
            {**rule, "workflow_id": record.body["id"]}
            for record in self.workflows
            for rule in self.rules[record.body["id"]]
        ]

    def time_zones(self, instant: dt.datetime | None = None) -> list[dict[str, t.Any]]:
        """Every time zone as the API describes it at ``instant`` (default now)."""
        return time_zone_records(instant or dt.datetime.now(dt.timezone.utc))


# -- time zones ---------------------------------------------------------------------------------

#: CLDR metazones for the zones below: name -> generic/standard/daylight long names, the same
#: short, and the territory of the metazone's non-golden zones (None: no daylight-saving name).
_METAZONES: dict[str, tuple[str, str, str | None, str, str, str | None, str]] = {
    "America_Eastern": ("Eastern Time", "Eastern Standard Time", "Eastern Daylight Time", "ET", "EST", "EDT", "US"),
    "America_Central": ("Central Time", "Central Standard Time", "Central Daylight Time", "CT", "CST", "CDT", "US"),
    "America_Mountain": ("Mountain Time", "Mountain Standard Time", "Mountain Daylight Time", "MT", "MST", "MDT", "US"),
    "America_Pacific": ("Pacific Time", "Pacific Standard Time", "Pacific Daylight Time", "PT", "PST", "PDT", "US"),
    "Alaska": ("Alaska Time", "Alaska Standard Time", "Alaska Daylight Time", "AKT", "AKST", "AKDT", "US"),
    "Hawaii_Aleutian": (
        "Hawaii-Aleutian Time",
        "Hawaii-Aleutian Standard Time",
        "Hawaii-Aleutian Daylight Time",
        "HAT",
        "HST",
        "HDT",
        "US",
    ),
    "GMT": ("Greenwich Mean Time", "Greenwich Mean Time", None, "GMT", "GMT", None, "001"),
    "Europe_Central": (
        "Central European Time",
        "Central European Standard Time",
        "Central European Summer Time",
        "CET",
        "CET",
        "CEST",
        "DE",
    ),
    "Europe_Western": (
        "Western European Time",
        "Western European Standard Time",
        "Western European Summer Time",
        "WET",
        "WET",
        "WEST",
        "PT",
    ),
    "Europe_Eastern": (
        "Eastern European Time",
        "Eastern European Standard Time",
        "Eastern European Summer Time",
        "EET",
        "EET",
        "EEST",
        "FI",
    ),
    "Japan": ("Japan Time", "Japan Standard Time", "Japan Daylight Time", "JT", "JST", "JDT", "JP"),
    "India": ("India Standard Time", "India Standard Time", None, "IST", "IST", None, "IN"),
    "Australia_Eastern": (
        "Eastern Australia Time",
        "Australian Eastern Standard Time",
        "Australian Eastern Daylight Time",
        "AET",
        "AEST",
        "AEDT",
        "AU",
    ),
    "New_Zealand": (
        "New Zealand Time",
        "New Zealand Standard Time",
        "New Zealand Daylight Time",
        "NZT",
        "NZST",
        "NZDT",
        "NZ",
    ),
    "Brasilia": ("Brasilia Time", "Brasilia Standard Time", "Brasilia Summer Time", "BRT", "BRT", "BRST", "BR"),
}

#: (IANA id, metazone or None, aliases, golden, windows zone or None).
_ZONES: tuple[tuple[str, str | None, tuple[str, ...], bool, str | None], ...] = (
    ("America/New_York", "America_Eastern", ("US/Eastern", "EST5EDT"), True, "Eastern Standard Time"),
    ("America/Detroit", "America_Eastern", ("US/Michigan",), False, "Eastern Standard Time"),
    ("America/Toronto", "America_Eastern", ("Canada/Eastern",), False, "Eastern Standard Time"),
    ("America/Chicago", "America_Central", ("US/Central", "CST6CDT"), True, "Central Standard Time"),
    ("America/Winnipeg", "America_Central", ("Canada/Central",), False, "Central Standard Time"),
    ("America/Denver", "America_Mountain", ("US/Mountain", "MST7MDT", "Navajo"), True, "Mountain Standard Time"),
    ("America/Phoenix", "America_Mountain", ("US/Arizona",), False, "US Mountain Standard Time"),
    ("America/Los_Angeles", "America_Pacific", ("US/Pacific", "PST8PDT"), True, "Pacific Standard Time"),
    ("America/Vancouver", "America_Pacific", ("Canada/Pacific",), False, "Pacific Standard Time"),
    ("America/Anchorage", "Alaska", ("US/Alaska",), True, "Alaskan Standard Time"),
    ("Pacific/Honolulu", "Hawaii_Aleutian", ("US/Hawaii",), True, "Hawaiian Standard Time"),
    ("America/Sao_Paulo", "Brasilia", ("Brazil/East",), True, "E. South America Standard Time"),
    ("America/Mexico_City", "America_Central", ("Mexico/General",), False, "Central Standard Time (Mexico)"),
    ("America/Bogota", None, (), True, "SA Pacific Standard Time"),
    ("Europe/London", "GMT", ("GB", "GB-Eire"), True, "GMT Standard Time"),
    ("Europe/Dublin", "GMT", ("Eire",), False, "GMT Standard Time"),
    ("Europe/Lisbon", "Europe_Western", ("Portugal",), True, "GMT Standard Time"),
    ("Europe/Berlin", "Europe_Central", (), True, "W. Europe Standard Time"),
    ("Europe/Paris", "Europe_Central", (), False, "Romance Standard Time"),
    ("Europe/Madrid", "Europe_Central", (), False, "Romance Standard Time"),
    ("Europe/Rome", "Europe_Central", (), False, "W. Europe Standard Time"),
    ("Europe/Amsterdam", "Europe_Central", (), False, "W. Europe Standard Time"),
    ("Europe/Stockholm", "Europe_Central", (), False, "W. Europe Standard Time"),
    ("Europe/Warsaw", "Europe_Central", ("Poland",), False, "Central European Standard Time"),
    ("Europe/Helsinki", "Europe_Eastern", (), True, "FLE Standard Time"),
    ("Europe/Athens", "Europe_Eastern", (), False, "GTB Standard Time"),
    ("Europe/Istanbul", None, ("Turkey", "Asia/Istanbul"), True, "Turkey Standard Time"),
    ("Africa/Cairo", "Europe_Eastern", ("Egypt",), True, "Egypt Standard Time"),
    ("Africa/Lagos", None, (), True, "W. Central Africa Standard Time"),
    ("Africa/Johannesburg", None, (), True, "South Africa Standard Time"),
    ("Asia/Dubai", None, (), True, "Arabian Standard Time"),
    ("Asia/Kolkata", "India", ("Asia/Calcutta",), True, "India Standard Time"),
    ("Asia/Singapore", None, ("Singapore",), True, "Singapore Standard Time"),
    ("Asia/Shanghai", None, ("PRC",), True, "China Standard Time"),
    ("Asia/Tokyo", "Japan", ("Japan",), True, "Tokyo Standard Time"),
    ("Asia/Seoul", None, ("ROK",), True, "Korea Standard Time"),
    ("Australia/Sydney", "Australia_Eastern", ("Australia/NSW", "Australia/ACT"), True, "AUS Eastern Standard Time"),
    ("Australia/Melbourne", "Australia_Eastern", ("Australia/Victoria",), False, "AUS Eastern Standard Time"),
    ("Australia/Brisbane", "Australia_Eastern", ("Australia/Queensland",), False, "E. Australia Standard Time"),
    ("Pacific/Auckland", "New_Zealand", ("NZ",), True, "New Zealand Standard Time"),
    ("UTC", None, ("Etc/UTC", "Etc/UCT", "UCT", "Zulu", "Universal"), True, "UTC"),
    ("EST5EDT", "America_Eastern", (), False, None),
)


def time_zone_records(instant: dt.datetime) -> list[dict[str, t.Any]]:
    """Every zone as the API describes it *at* ``instant`` (offsets, DST, names, period)."""
    return [_time_zone(*zone, instant) for zone in _ZONES]


def _time_zone(
    zone_id: str,
    metazone: str | None,
    aliases: tuple[str, ...],
    golden: bool,
    windows: str | None,
    instant: dt.datetime,
) -> dict[str, t.Any]:
    zone = zoneinfo.ZoneInfo(zone_id)
    local = instant.astimezone(zone)
    utc_offset, dst = local.utcoffset(), local.dst()
    assert utc_offset is not None and dst is not None, "a ZoneInfo always knows both"
    offset = int(utc_offset.total_seconds())
    dst_shift = int(dst.total_seconds())
    period_from, period_until = _period(zone, instant)
    record: dict[str, t.Any] = {
        "id": zone_id,
        "abbreviation": local.tzname(),
        "aliases": list(aliases),
        "canonical": "/" in zone_id or zone_id == "UTC",
        "dst": dst_shift != 0,
        "formatted_offset": _formatted(offset),
        "generic_long_name": None,
        "golden": golden,
        "legacy": "/" not in zone_id and zone_id != "UTC",
        "long_name": zone_id.rsplit("/", 1)[-1].replace("_", " ") + " Time",
        "metazone": None,
        "offset": offset,
        "offset_utc": offset - dst_shift,
        "offset_std": dst_shift,
        "period": {
            "from": period_from.astimezone(zone).isoformat() if period_from else None,
            "until": period_until.astimezone(zone).isoformat() if period_until else None,
        },
        "windows_zone": {"name": windows} if windows else None,
    }
    if metazone:
        generic, standard, daylight, short_generic, short_standard, short_daylight, territory = _METAZONES[metazone]
        in_dst = dst_shift != 0 and daylight is not None
        record["generic_long_name"] = generic
        record["long_name"] = daylight if in_dst else standard
        record["metazone"] = {
            "name": metazone,
            "exemplar_city": zone_id.rsplit("/", 1)[-1].replace("_", " "),
            "long": {
                "current": daylight if in_dst else standard,
                "daylight": daylight,
                "generic": generic,
                "standard": standard,
            },
            "short": {
                "current": short_daylight if in_dst else short_standard,
                "daylight": short_daylight,
                "generic": short_generic,
                "standard": short_standard,
            },
            # CLDR maps a metazone's golden zone to the world region "001" (SavvyCal's Chicago
            # example), its other zones to their country.
            "territories": ["001" if golden else territory],
        }
    return record


def _formatted(offset: int) -> str:
    sign = "-" if offset < 0 else "+"
    hours, rest = divmod(abs(offset), 3600)
    return f"{sign}{hours:02d}:{rest // 60:02d}"


def _period(zone: zoneinfo.ZoneInfo, instant: dt.datetime) -> tuple[dt.datetime | None, dt.datetime | None]:
    """When the offset in force at ``instant`` began and ends (None: no change within two years)."""

    def observed(moment: dt.datetime) -> tuple[dt.timedelta | None, str | None]:
        local = moment.astimezone(zone)
        return local.utcoffset(), local.tzname()

    current = observed(instant)

    def transition(inside: dt.datetime, outside: dt.datetime) -> dt.datetime:
        """The change between a moment under the current offset and one outside it.

        Bisect until the two are at most a second apart: the change T (a whole second) then
        lies after the earlier moment and at or before the later one, so the later one
        truncated to the second is T.
        """
        while abs(outside - inside) > dt.timedelta(seconds=1):
            middle = inside + (outside - inside) / 2
            if observed(middle) == current:
                inside = middle
            else:
                outside = middle
        return max(inside, outside).replace(microsecond=0)

    def scan(step: dt.timedelta) -> dt.datetime | None:
        probe = instant
        for _ in range(int(dt.timedelta(days=730) / abs(step))):
            if observed(probe + step) != current:
                return transition(probe, probe + step)
            probe += step
        return None

    return scan(dt.timedelta(days=-7)), scan(dt.timedelta(days=7))
