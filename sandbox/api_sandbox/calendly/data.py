"""Generated Calendly organisation: users, memberships, groups, event types, events, invitees.

Every field Calendly documents (tests/contract/calendly/documented_fields.json) is present, or
absent the way the API omits it (``cancellation`` only on canceled events and invitees), with
the types the vendor's own examples show: a Zoom location's ``data.id`` is mostly an integer
(the OpenAPI example and recorded responses) and sometimes the string its schema declares, and
its ``type`` is mostly ``zoom`` (examples, recorded responses) rather than the schema's
``zoom_conference``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import typing as t

from ..datagen import CITIES, TIMEZONES, Dataset, Faker, iso, today_utc, utc_now

API = "https://api.calendly.com"
BOOKING = "https://calendly.com"


class CalendlyData(Dataset):
    """The organisation's current state. ``mutate()`` changes it the way real use does."""

    def __init__(self, *, seed: int = 1, scale: float = 1.0) -> None:
        super().__init__()
        self.fake = Faker(seed)
        self.anchor = today_utc()
        self._clock = self.anchor - dt.timedelta(days=1)
        self.organization = f"{API}/organizations/{self.fake.uuid()}"

        def n(base: int) -> int:  # how many records at this scale (at least three)
            return max(3, int(base * scale))

        self.users: list[dict[str, t.Any]] = [self._user() for _ in range(n(210))]
        self.memberships: list[dict[str, t.Any]] = [
            self._membership(user, "owner" if i == 0 else self.fake.choice(("user", "user", "admin")))
            for i, user in enumerate(self.users)
        ]
        self.memberships[1]["role"] = "user"  # the sandbox's non-admin key belongs to users[1]
        self.groups: list[dict[str, t.Any]] = [self._group() for _ in range(n(205))]
        self.event_types: list[dict[str, t.Any]] = [self._event_type() for _ in range(n(230))]
        for event_type in self.event_types[:3]:  # the member key (users[1]) owns a few
            event_type["profile"] = {"type": "User", "name": self.users[1]["name"], "owner": self.users[1]["uri"]}
        self.events: list[dict[str, t.Any]] = []
        self.invitees: dict[str, list[dict[str, t.Any]]] = {}  # event uuid -> invitees
        for _ in range(n(450)):
            self._book(self.fake.moment(self.anchor, days_before=180, days_after=120))
        # One large group event so that a child list needs several pages too.
        big = self._book(self.anchor + dt.timedelta(days=10), invitees=max(101, int(150 * scale)))
        big["name"] = "Quarterly all-hands"
        # What came later (hosts, routing forms, invitations, availability, the activity log)
        # draws on its own generator, so the records above stay as they were for a seed.
        self.more = Faker(seed + 7919)
        #: Event type uri -> its hosts (``member`` and ``event_type`` are uris, expanded when listed).
        self.hosts: dict[str, list[dict[str, t.Any]]] = {}
        for event_type in self.event_types:
            self._add_hosts(event_type)
        # One round-robin pool large enough that a host list needs several pages.
        pooled = next(e for e in self.event_types if e["kind"] == "group")
        self.hosts[pooled["uri"]] = [self._host(pooled, user) for user in self.users[: max(101, int(120 * scale))]]
        self.routing_forms: list[dict[str, t.Any]] = [self._routing_form() for _ in range(n(12))]
        self.submissions: dict[str, list[dict[str, t.Any]]] = {}  # form uri -> its submissions
        for form in self.routing_forms:
            self.submissions[form["uri"]] = [self._submission(form) for _ in range(self.more.rng.randint(0, 30))]
        # One popular form whose submissions need several pages.
        self.submissions[self.routing_forms[0]["uri"]] += [
            self._submission(self.routing_forms[0]) for _ in range(max(101, int(120 * scale)))
        ]
        self.invitations: list[dict[str, t.Any]] = [
            self._invitation(status="pending" if i < 2 else None) for i in range(n(40))
        ]
        self.schedules: dict[str, list[dict[str, t.Any]]] = {}  # user uri -> availability schedules
        for user in self.users:
            self._add_schedules(user)
        self.activity: list[dict[str, t.Any]] = [
            self._entry(iso(self.more.moment(self.anchor, days_before=120, days_after=-1), millis=True))
            for _ in range(n(1500))
        ]

    # -- timestamps ------------------------------------------------------------------------

    def _past(self) -> str:
        return iso(self.fake.moment(self.anchor, days_before=400, days_after=-2), micro=True)

    def tick(self) -> str:
        """A modification time: now, strictly after every earlier one (microseconds)."""
        self._clock = max(utc_now(), self._clock + dt.timedelta(microseconds=1))
        return iso(self._clock, micro=True)

    # -- generators --------------------------------------------------------------------------

    def _user(self) -> dict[str, t.Any]:
        first, last = self.fake.person()
        slug = f"{first}-{last}-{self.fake.rng.randint(1, 99999)}".lower().replace(" ", "-")
        created = self._past()
        return {
            "uri": f"{API}/users/{self.fake.uuid()}",
            "name": f"{first} {last}",
            "slug": slug,
            "email": self.fake.email(first, last),
            "scheduling_url": f"{BOOKING}/{slug}",
            "timezone": self.fake.choice(TIMEZONES),
            "avatar_url": self.fake.maybe(f"https://assets.calendly.com/avatars/{self.fake.hex_id(12)}.png", 0.4),
            "created_at": created,
            "updated_at": max(created, self._past()),
            "current_organization": self.organization,
            "locale": self.fake.maybe(self.fake.choice(("en", "de", "fr", "es")), 0.2),
            "resource_type": "User",
            "time_notation": self.fake.maybe(self.fake.choice(("12h", "24h")), 0.2),
        }

    def _membership(self, user: dict[str, t.Any], role: str) -> dict[str, t.Any]:
        created = user["created_at"]
        return {
            "uri": f"{API}/organization_memberships/{self.fake.uuid()}",
            "role": role,
            "user": dict(user),
            "organization": self.organization,
            "updated_at": max(created, self._past()),
            "created_at": created,
        }

    def _group(self) -> dict[str, t.Any]:
        created = self._past()
        return {
            "uri": f"{API}/groups/{self.fake.uuid()}",
            "name": self.fake.maybe(f"{self.fake.phrase(2)} team", 0.05),
            "organization": self.organization,
            "created_at": created,
            "updated_at": max(created, self._past()),
            "member_count": self.fake.rng.randint(1, 40),
        }

    def _event_type(self) -> dict[str, t.Any]:
        owner = self.fake.choice(self.users)
        kind = self.fake.choice(("solo", "solo", "group"))
        name = self.fake.phrase(2)
        slug = name.lower().replace(" ", "-") + f"-{self.fake.rng.randint(1, 9999)}"
        created = self._past()
        duration = self.fake.choice((15, 30, 45, 60, 90))
        deleted = self.fake.chance(0.05)
        return {
            "uri": f"{API}/event_types/{self.fake.uuid()}",
            "name": self.fake.maybe(name, 0.03),
            "active": not deleted and self.fake.chance(0.85),
            "slug": self.fake.maybe(slug, 0.03),
            "scheduling_url": f"{BOOKING}/{owner['slug']}/{slug}",
            "duration": duration,
            "kind": kind,
            "pooling_type": (
                self.fake.choice(("round_robin", "collective")) if kind == "group" and self.fake.chance(0.5) else None
            ),
            "type": self.fake.choice(("StandardEventType", "StandardEventType", "AdhocEventType")),
            "color": f"#{self.fake.hex_id(6)}",
            "created_at": created,
            "updated_at": max(created, self._past()),
            "internal_note": self.fake.maybe(self.fake.sentence(), 0.6),
            "description_plain": self.fake.maybe(self.fake.sentence(), 0.3),
            "description_html": self.fake.maybe(f"<p>{self.fake.sentence()}</p>", 0.3),
            "profile": self.fake.maybe({"type": "User", "name": owner["name"], "owner": owner["uri"]}, 0.1),
            "secret": self.fake.chance(0.1),
            "booking_method": self.fake.choice(("instant", "instant", "poll")),
            "custom_questions": [
                {
                    "name": self.fake.phrase(3) + "?",
                    "type": question_type,
                    "position": position,
                    "enabled": self.fake.chance(0.9),
                    "required": self.fake.chance(0.3),
                    "answer_choices": self._answer_choices(question_type),
                    "include_other": self.fake.chance(0.2),
                }
                for position, question_type in enumerate(
                    self.fake.choice(("string", "text", "phone_number", "single_select", "multi_select"))
                    for _ in range(self.fake.rng.randint(0, 3))
                )
            ],
            "deleted_at": self._past() if deleted else None,
            "kind_description": "One-on-One" if kind == "solo" else "Group",
            "admin_managed": self.fake.chance(0.15),
            "duration_options": self.fake.maybe(sorted({duration, self.fake.choice((15, 30, 60))}), 0.5),
            "locations": self.fake.maybe(
                [self._location_option() for _ in range(self.fake.rng.randint(1, 2))], 0.2
            ),
            "position": self.fake.rng.randint(0, 20),
        }

    def _answer_choices(self, question_type: str) -> list[str] | None:
        if question_type in ("single_select", "multi_select"):
            return [self.fake.phrase(1) for _ in range(self.fake.rng.randint(2, 4))]
        # The list examples send [] for the other types, the schema's own examples null.
        return self.fake.maybe([], 0.3)

    def _location_option(self) -> dict[str, t.Any]:
        """One of an event type's configured locations (``locations[]``)."""
        kind = self.fake.choice((
            "physical", "inbound_call", "outbound_call", "ask_invitee", "custom",
            "zoom_conference", "google_conference", "microsoft_teams_conference", "gotomeeting_conference",
        ))
        option: dict[str, t.Any] = {"kind": kind}
        if kind in ("physical", "custom"):
            city, _ = self.fake.choice(CITIES)
            option["location"] = f"{self.fake.rng.randint(1, 200)} Main St, {city}"
        if kind == "inbound_call":
            option["phone_number"] = self.fake.phone()  # the host's number, which the invitee calls
        if kind in ("physical", "inbound_call", "custom") or self.fake.chance(0.2):
            option["additional_info"] = self.fake.maybe(self.fake.sentence(), 0.4)
        return option

    def _location(self) -> dict[str, t.Any] | None:
        """An event's location: one of the ten documented location types, or none."""
        kind = self.fake.choice((
            "physical", "outbound_call", "inbound_call", "custom", "ask_invitee", "google_conference",
            "zoom_conference", "zoom_conference", "gotomeeting", "microsoft_teams_conference", "webex_conference", None,
        ))
        if kind is None:
            return None
        city, country = self.fake.choice(CITIES)
        if kind == "physical":
            return {"type": kind, "location": f"{self.fake.rng.randint(1, 200)} Main St, {city}"}
        if kind == "outbound_call":
            return {"type": kind, "location": self.fake.maybe(self.fake.phone(), 0.1)}
        if kind == "inbound_call":
            return {"type": kind, "location": self.fake.phone()}
        if kind == "custom":
            return {"type": kind, "location": self.fake.maybe(self.fake.sentence(), 0.2)}
        if kind == "ask_invitee":
            return {"type": kind, "location": f"{self.fake.rng.randint(1, 200)} High St, {city}"}
        # A conference: pushed once the provider created the meeting; before that (or when it
        # failed) join_url and data are null, as the vendor's status examples show.
        status = "pushed" if self.fake.chance(0.85) else self.fake.choice(("initiated", "processing", "failed"))
        pushed = status == "pushed"
        if kind == "zoom_conference":
            kind = "zoom" if self.fake.chance(0.8) else "zoom_conference"
        location: dict[str, t.Any] = {"type": kind, "status": status, "join_url": None}
        if kind == "google_conference":  # no `data`; the link exists except while processing
            if status != "processing":
                location["join_url"] = f"https://calendly.com/events/{self.fake.hex_id(16).upper()}/google_meet"
            return location
        if not pushed:
            location["data"] = None
            return location
        if kind in ("zoom", "zoom_conference"):
            meeting_id = self.fake.rng.randint(10**10, 10**11)
            location["join_url"] = f"https://us02web.zoom.us/j/{meeting_id}"
            location["data"] = {
                # An integer in the vendor's example and in recorded responses; the schema says string.
                "id": meeting_id if self.fake.chance(0.8) else str(meeting_id),
                "settings": {
                    "global_dial_in_numbers": [
                        {
                            "number": self.fake.phone(),
                            "country": dial_country,
                            "type": "toll",
                            "city": dial_city,
                            "country_name": dial_country,
                        }
                        for dial_city, dial_country in self.fake.rng.sample(CITIES, 2)
                    ]
                },
                "extra": {"intl_numbers_url": f"https://us02web.zoom.us/u/{self.fake.hex_id(10)}"},
                "password": str(self.fake.rng.randint(100000, 999999)),
            }
        elif kind == "gotomeeting":
            meeting_id = self.fake.rng.randint(10**8, 10**9)
            location["join_url"] = f"https://www.gotomeeting.com/join/{meeting_id}"
            location["data"] = {
                "uniqueMeetingId": meeting_id,
                "conferenceCallInfo": f"{country}: {self.fake.phone()}\nAccess Code: {meeting_id}",
            }
        elif kind == "microsoft_teams_conference":
            conference_id = str(self.fake.rng.randint(10**5, 10**7))
            location["join_url"] = f"https://teams.microsoft.com/l/meetup-join/{self.fake.hex_id(12)}"
            location["data"] = {
                "id": conference_id,
                "audioConferencing": self.fake.maybe(
                    {
                        "conferenceId": conference_id,
                        "dialinUrl": f"https://dialin.teams.microsoft.com/{self.fake.uuid()}?id={conference_id}",
                        "tollNumber": self.fake.phone().replace(" ", ""),
                    },
                    0.3,
                ),
            }
        else:  # webex_conference
            webex_id = f"m{self.fake.hex_id(32)}"
            location["join_url"] = f"https://acme.webex.com/acme/j.php?MTID={webex_id}"
            location["data"] = {
                "id": webex_id,
                "telephony": {
                    "callInNumbers": [
                        {
                            "label": f"{country} Toll",
                            "callInNumber": str(self.fake.rng.randint(10**10, 10**11)),
                            "tollType": "toll",
                        }
                    ]
                },
                "password": self.fake.hex_id(11),
            }
        return location

    def _host(self, event_type: dict[str, t.Any], user: dict[str, t.Any]) -> dict[str, t.Any]:
        """One host of an event type (an Event Type Membership), with references to expand."""
        created = max(event_type["created_at"], user["created_at"])
        return {
            "uri": f"{API}/event_type_memberships/{self.more.uuid()}",
            "event_type": event_type["uri"],
            "member": user["uri"],
            "created_at": created,
            "updated_at": created,
        }

    def _add_hosts(self, event_type: dict[str, t.Any]) -> None:
        """The hosts of a new event type: its owner, and a few more for a group event type."""
        owner_uri = (event_type["profile"] or {}).get("owner")
        owner = next((u for u in self.users if u["uri"] == owner_uri), None) or self.more.choice(self.users)
        hosts = [owner]
        if event_type["kind"] == "group":
            hosts += [u for u in self.more.rng.sample(self.users, 3) if u is not owner][: self.more.rng.randint(1, 3)]
        self.hosts[event_type["uri"]] = [self._host(event_type, user) for user in hosts]

    def _routing_form(self) -> dict[str, t.Any]:
        created = self._past_more()
        questions = [
            {"uuid": self.more.uuid(), "name": "Name", "type": "name", "required": True, "answer_choices": None},
            {"uuid": self.more.uuid(), "name": "Email", "type": "email", "required": True, "answer_choices": None},
        ]
        for question_type in self.more.rng.sample(("text", "phone", "textarea", "select", "radios"), 2):
            choices = [self.more.phrase(2) for _ in range(3)] if question_type in ("select", "radios") else None
            questions.append({
                "uuid": self.more.uuid(),
                "name": self.more.phrase(3) + "?",
                "type": question_type,
                "required": self.more.chance(0.5),
                "answer_choices": choices,
            })
        return {
            "uri": f"{API}/routing_forms/{self.more.uuid()}",
            "organization": self.organization,
            "name": f"{self.more.phrase(2)} routing",
            "status": self.more.choice(("published", "published", "draft")),
            "questions": questions,
            "created_at": created,
            "updated_at": max(created, self._past_more()),
        }

    def _submission(self, form: dict[str, t.Any], *, at: str | None = None) -> dict[str, t.Any]:
        created = at or max(form["created_at"], self._past_more())
        answers = []
        for question in form["questions"]:
            choices = question["answer_choices"]
            answer = self.more.choice(choices) if choices else self.more.phrase(2)
            answers.append({
                "question_uuid": self.more.maybe(question["uuid"], 0.05),  # nullable: a since-deleted question
                "question": question["name"],
                "answer": answer if question["required"] else self.more.maybe(answer, 0.4),
            })
        kind = self.more.choice(("event_type", "event_type", "external_url", "custom_message"))
        value: t.Any
        if kind == "event_type":
            value = self.more.choice(self.event_types)["uri"]
        elif kind == "external_url":
            value = f"https://example.com/{self.more.phrase(1).lower()}"
        else:
            value = {"headline": "Thank you for your interest", "body": self.more.sentence()}
        booked = kind == "event_type" and self.more.chance(0.7)
        return {
            "uri": f"{API}/routing_form_submissions/{self.more.uuid()}",
            "routing_form": form["uri"],
            "questions_and_answers": answers,
            "tracking": {
                "utm_campaign": self.more.maybe("spring", 0.7),
                "utm_source": self.more.maybe(self.more.choice(("google", "newsletter")), 0.6),
                "utm_medium": self.more.maybe("cpc", 0.7),
                "utm_content": self.more.maybe("banner", 0.8),
                "utm_term": self.more.maybe("meeting", 0.8),
                "salesforce_uuid": self.more.maybe(self.more.hex_id(18), 0.8),
            },
            "result": {"type": kind, "value": value},
            "submitter": (
                f"{API}/scheduled_events/{self.more.uuid()}/invitees/{self.more.uuid()}" if booked else None
            ),
            "submitter_type": "Invitee" if booked else None,
            "created_at": created,
            "updated_at": created,
        }

    def _invitation(self, *, status: str | None = None, at: str | None = None) -> dict[str, t.Any]:
        first, last = self.more.person()
        created = at or self._past_more()
        status = status or self.more.choice(("pending", "accepted", "accepted", "declined"))
        invitation = {
            "uri": f"{self.organization}/invitations/{self.more.uuid()}",
            "organization": self.organization,
            "email": self.more.email(first, last),
            "status": status,
            "created_at": created,
            "updated_at": created if at else max(created, self._past_more()),
            "last_sent_at": created if status == "pending" else self.more.maybe(created, 0.3),
        }
        if status == "accepted":  # only an accepted invitation names its user
            invitation["user"] = self.more.choice(self.users)["uri"]
        return invitation

    def _add_schedules(self, user: dict[str, t.Any]) -> None:
        """A user's availability schedules: working hours (the default), sometimes another."""
        names = ["Working Hours"] + (["Evening Hours"] if self.more.chance(0.3) else [])
        self.schedules[user["uri"]] = [
            {
                "uri": f"{API}/user_availability_schedules/{self.more.uuid()}",
                "default": position == 0,
                "name": name,
                "user": user["uri"],
                "timezone": user["timezone"],
                "rules": self._rules(),
            }
            for position, name in enumerate(names)
        ]

    def _rules(self) -> list[dict[str, t.Any]]:
        days = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
        start = self.more.choice(("08:00", "08:30", "09:00"))
        rules: list[dict[str, t.Any]] = [
            {
                "type": "wday",
                "intervals": [] if day in ("sunday", "saturday") else [{"from": start, "to": "17:00"}],
                "wday": day,
            }
            for day in days
        ]
        for _ in range(self.more.rng.randint(0, 2)):  # date overrides ahead
            day = (self.anchor + dt.timedelta(days=self.more.rng.randint(1, 200))).date().isoformat()
            rules.append({"type": "date", "intervals": [{"from": "10:00", "to": "12:00"}], "date": day})
        return rules

    def _entry(self, occurred_at: str) -> dict[str, t.Any]:
        """One activity log entry: something a user (or Calendly itself) did in the organization."""
        namespace, action, details = self.more.choice((
            ("User", "Add", {}),
            ("User", "Remove", {}),
            ("EventType", "Create", {"event_name": f"{self.more.choice((15, 30, 60))} minute meeting"}),
            ("EventType", "Update", {"event_name": self.more.phrase(2)}),
            ("Login", "Success", {}),
            ("Group", "Update", {"group_name": f"{self.more.phrase(2)} team"}),
        ))
        if self.more.chance(0.1):
            actor: dict[str, t.Any] = {"display_name": "Calendly System", "type": "System"}
        else:
            user = self.more.choice(self.users)
            role = next((m["role"] for m in self.memberships if m["user"]["uri"] == user["uri"]), "user")
            actor = {
                "uri": user["uri"],
                "type": "User",
                "organization": {"uri": self.organization, "role": role.capitalize()},
                "display_name": user["name"],
                "alternative_identifier": user["email"],
            }
            if self.more.chance(0.4):
                group = self.more.choice(self.groups)
                actor["group"] = {
                    "uri": group["uri"],
                    "name": group["name"] or "Team",
                    "role": self.more.choice(("Admin", "Member")),
                }
        return {
            "occurred_at": occurred_at,
            "uri": f"{API}/activity_log_entries/{self.more.uuid()}",
            "namespace": namespace,
            "action": action,
            "actor": actor,
            "fully_qualified_name": f"{namespace}.{action}",
            "details": details,
            "organization": self.organization,
        }

    def _past_more(self) -> str:
        return iso(self.more.moment(self.anchor, days_before=400, days_after=-2), micro=True)

    def _invitee(self, event: dict[str, t.Any], created: str) -> dict[str, t.Any]:
        first, last = self.fake.person()
        event_uuid = uuid_of(event["uri"])
        invitee_uuid = self.fake.uuid()
        paid = self.fake.chance(0.1)
        return {
            "uri": f"{API}/scheduled_events/{event_uuid}/invitees/{invitee_uuid}",
            "email": self.fake.email(first, last, "client.example"),
            "first_name": self.fake.maybe(first, 0.3),
            "last_name": self.fake.maybe(last, 0.3),
            "name": f"{first} {last}",
            "status": "active",
            "questions_and_answers": [
                {"question": self.fake.phrase(3) + "?", "answer": self.fake.sentence(), "position": position}
                for position in range(self.fake.rng.randint(0, 2))
            ],
            "timezone": self.fake.maybe(self.fake.choice(TIMEZONES), 0.1),
            "event": event["uri"],
            "created_at": created,
            "updated_at": created,
            "tracking": {
                "utm_campaign": self.fake.maybe("spring", 0.7),
                "utm_source": self.fake.maybe(self.fake.choice(("google", "newsletter")), 0.6),
                "utm_medium": self.fake.maybe("cpc", 0.7),
                "utm_content": self.fake.maybe("banner", 0.8),
                "utm_term": self.fake.maybe("meeting", 0.8),
                "salesforce_uuid": self.fake.maybe(self.fake.hex_id(18), 0.8),
            },
            "text_reminder_number": self.fake.maybe(self.fake.phone(), 0.7),
            "rescheduled": False,
            "old_invitee": None,
            "new_invitee": None,
            "cancel_url": f"{BOOKING}/cancellations/{invitee_uuid}",
            "reschedule_url": f"{BOOKING}/reschedulings/{invitee_uuid}",
            "routing_form_submission": self.fake.maybe(f"{API}/routing_form_submissions/{self.fake.uuid()}", 0.9),
            "payment": (
                {
                    "external_id": self.fake.token("ch_", 16),
                    "provider": self.fake.choice(("stripe", "paypal")),
                    "amount": float(self.fake.choice((25, 49.5, 100))),
                    "currency": self.fake.choice(("USD", "USD", "EUR", "GBP", "CAD", "AUD")),
                    "terms": self.fake.maybe("Non-refundable", 0.5),
                    "successful": True,
                }
                if paid
                else None
            ),
            "no_show": None,
            "reconfirmation": (
                {"created_at": created, "confirmed_at": self.fake.maybe(created, 0.5)}
                if self.fake.chance(0.1)
                else None
            ),
            "canceled": False,
            "scheduling_method": self.fake.maybe("instant_book", 0.7),
            "invitee_scheduled_by": self.fake.maybe(self.fake.choice(self.users)["uri"], 0.8),
        }

    def _book(
        self,
        start: dt.datetime,
        *,
        invitees: int | None = None,
        created: str | None = None,
        event_type: dict[str, t.Any] | None = None,
        may_cancel: bool = True,
    ) -> dict[str, t.Any]:
        """Create an event (and its invitees) starting at ``start``."""
        event_type = event_type or self.fake.choice(self.event_types)
        host = self.fake.choice(self.users[:40]) if self.fake.chance(0.8) else self.users[1]
        created = created or iso(
            min(start, self.anchor) - dt.timedelta(days=self.fake.rng.uniform(1, 60)), micro=True
        )
        if invitees is None:
            invitees = 1 if event_type["kind"] == "solo" else self.fake.rng.randint(2, 5)
        count = invitees
        end = start + dt.timedelta(minutes=int(event_type["duration"]))
        event = {
            "uri": f"{API}/scheduled_events/{self.fake.uuid()}",
            "name": self.fake.maybe(event_type["name"] or self.fake.phrase(2), 0.02),
            "status": "active",
            "start_time": iso(start, micro=True),
            "end_time": iso(end, micro=True),
            "event_type": event_type["uri"],
            # Not in the Event schema, but in the vendor's Get Event example.
            "booking_method": event_type["booking_method"],
            "location": self._location(),
            "invitees_counter": {
                "total": count,
                "active": count,
                "limit": max(count, 1 if event_type["kind"] == "solo" else 200),
            },
            "created_at": created,
            "updated_at": created,
            "event_memberships": [
                {
                    "user": host["uri"],
                    "user_email": self.fake.maybe(host["email"], 0.1),
                    "user_name": self.fake.maybe(host["name"], 0.1),
                    "buffered_start_time": self.fake.maybe(iso(start - dt.timedelta(minutes=10), micro=True), 0.5),
                    "buffered_end_time": self.fake.maybe(iso(end + dt.timedelta(minutes=10), micro=True), 0.5),
                }
            ],
            "event_guests": [
                {
                    "email": self.fake.email(*self.fake.person(), "guest.example"),
                    "created_at": created,
                    "updated_at": created,
                }
                for _ in range(self.fake.rng.randint(0, 2))
            ],
            "calendar_event": self.fake.maybe(
                {"kind": self.fake.choice(("google", "google", "outlook", "exchange", "icloud", "outlook_desktop")),
                 "external_id": self.fake.hex_id(26)},
                0.3,
            ),
            "meeting_notes_plain": self.fake.maybe(self.fake.sentence(), 0.7),
            "meeting_notes_html": self.fake.maybe(f"<p>{self.fake.sentence()}</p>", 0.7),
        }
        self.events.append(event)
        self.invitees[uuid_of(event["uri"])] = [self._invitee(event, created) for _ in range(count)]
        if may_cancel:  # generated history (not a change made by mutate)
            if self.fake.chance(0.12) and start < self.anchor + dt.timedelta(days=60):
                self._cancel(event, at=created, by_invitee=self.fake.chance(0.5))
            elif start < self.anchor and self.fake.chance(0.08):
                # The host marked an invitee of a past meeting as a no-show.
                marked_at = min(end + dt.timedelta(hours=1), self.anchor)
                self._mark_no_show(self.invitees[uuid_of(event["uri"])][0], at=iso(marked_at, micro=True))
        return event

    # -- changes ----------------------------------------------------------------------------

    def _cancel(self, event: dict[str, t.Any], *, at: str, by_invitee: bool, reason: str | None = None) -> None:
        cancellation = {
            "canceled_by": "Invitee" if by_invitee else "Host",
            "reason": reason if reason is not None else self.fake.maybe("Conflict", 0.5),
            "canceler_type": "invitee" if by_invitee else "host",
            "created_at": at,
        }
        event.update(status="canceled", updated_at=at, cancellation=dict(cancellation))
        event["invitees_counter"]["active"] = 0
        for invitee in self.invitees[uuid_of(event["uri"])]:
            invitee.update(status="canceled", canceled=True, cancellation=dict(cancellation), updated_at=at)

    def _mark_no_show(self, invitee: dict[str, t.Any], *, at: str) -> None:
        invitee.update(no_show={"uri": f"{API}/invitee_no_shows/{self.fake.uuid()}", "created_at": at}, updated_at=at)

    def mutate(self, *, seed: int = 2, changes: int = 5) -> dict[str, list[str]]:
        """Apply a realistic round of changes; returns the URIs touched, by kind of change."""
        rng = Faker(seed).rng
        now = self.anchor + (utc_now() - self.anchor)
        active_future = [e for e in self.events if e["status"] == "active" and e["start_time"] > iso(now, micro=True)]
        five_days_ago, now_iso = iso(now - dt.timedelta(days=5), micro=True), iso(now, micro=True)
        recent_past = [e for e in self.events if e["status"] == "active" and five_days_ago < e["start_time"] < now_iso]
        touched: dict[str, list[str]] = {"updated": [], "canceled": [], "rescheduled": [], "booked": [], "no_show": []}

        for event in rng.sample(active_future, min(changes, len(active_future))):
            event.update(
                name=f"{event['name'] or 'Meeting'} (updated)", location=self._location(), updated_at=self.tick()
            )
            touched["updated"].append(event["uri"])
        active_future = [e for e in active_future if e["uri"] not in touched["updated"]]
        for event in rng.sample(active_future, min(changes, len(active_future))):
            self._cancel(event, at=self.tick(), by_invitee=rng.random() < 0.5, reason="Mutation: canceled")
            touched["canceled"].append(event["uri"])
        active_future = [e for e in active_future if e["status"] == "active"]
        for old in rng.sample(active_future, min(changes, len(active_future))):
            at = self.tick()
            event_type = next(et for et in self.event_types if et["uri"] == old["event_type"])
            new_start = now + dt.timedelta(days=rng.uniform(1, 90))
            new = self._book(
                new_start,
                invitees=len(self.invitees[uuid_of(old["uri"])]),
                created=at,
                event_type=event_type,
                may_cancel=False,
            )
            self._cancel(old, at=at, by_invitee=True, reason="Rescheduled")
            old_invitees, new_invitees = self.invitees[uuid_of(old["uri"])], self.invitees[uuid_of(new["uri"])]
            for before, after in zip(old_invitees, new_invitees, strict=True):
                before.update(rescheduled=True, new_invitee=after["uri"])
                after.update(old_invitee=before["uri"])
            touched["rescheduled"].append(old["uri"])
            touched["booked"].append(new["uri"])
        for days_ahead in itertools.islice(itertools.cycle((2, 45, 160, -1)), changes):
            # New bookings, including one months ahead and one that already took place today.
            start = now + dt.timedelta(days=days_ahead, hours=rng.uniform(0, 8))
            event = self._book(start, created=self.tick(), may_cancel=False)
            touched["booked"].append(event["uri"])
        for event in rng.sample(recent_past, min(changes, len(recent_past))):
            # A no-show changes the invitee only: the event itself keeps its updated_at.
            invitee = self.invitees[uuid_of(event["uri"])][0]
            self._mark_no_show(invitee, at=self.tick())
            touched["no_show"].append(invitee["uri"])
        for event_type in rng.sample(self.event_types, min(changes, len(self.event_types))):
            event_type.update(name=f"{event_type['name'] or 'Meeting'} v2", updated_at=self.tick())
        for group in rng.sample(self.groups, min(changes, len(self.groups))):
            group.update(member_count=group["member_count"] + 1, updated_at=self.tick())
        membership = rng.choice(self.memberships[2:])
        membership.update(role="admin" if membership["role"] == "user" else "user", updated_at=self.tick())
        new_user = self._user()
        self.users.append(new_user)
        self.memberships.append(self._membership(new_user, "user"))
        self.event_types.append(self._event_type())
        self.groups.append(self._group())
        self._mutate_more(rng, touched)
        return touched

    def _mutate_more(self, rng: t.Any, touched: dict[str, list[str]]) -> None:
        """The changes to hosts, routing forms, invitations, availability and the activity log."""
        for event_type in self.event_types:  # a new event type comes with its hosts
            if event_type["uri"] not in self.hosts:
                self._add_hosts(event_type)
        pools = [uri for uri, hosts in self.hosts.items() if len(hosts) > 1]
        left = rng.choice(pools)
        removed = self.hosts[left].pop(rng.randrange(len(self.hosts[left])))  # a host leaves a pool
        joined_type = self.event_type(rng.choice(pools))
        assert joined_type is not None
        newcomer = self.users[-1]  # the user who joined the organization hosts a pool
        at = self.tick()
        self.hosts[joined_type["uri"]].append(self._host(joined_type, newcomer) | {"created_at": at, "updated_at": at})
        touched["hosts_changed"] = [removed["uri"], self.hosts[joined_type["uri"]][-1]["uri"]]

        form = rng.choice(self.routing_forms)
        form.update(name=f"{form['name']} v2", updated_at=self.tick())
        new_form = self._routing_form()
        self.routing_forms.append(new_form)
        self.submissions[new_form["uri"]] = []
        touched["submitted"] = []
        for target in (form, new_form, rng.choice(self.routing_forms)):
            submission = self._submission(target, at=self.tick())
            self.submissions[target["uri"]].append(submission)
            touched["submitted"].append(submission["uri"])

        pending = [i for i in self.invitations if i["status"] == "pending"]
        accepted, revoked = rng.sample(pending, 2)
        accepted.update(status="accepted", user=newcomer["uri"], updated_at=self.tick())
        self.invitations.remove(revoked)  # an admin revoked it: the list no longer has it
        self.invitations.append(self._invitation(status="pending", at=self.tick()))
        touched["invitations"] = [accepted["uri"], revoked["uri"], self.invitations[-1]["uri"]]

        self._add_schedules(newcomer)
        changed = self.schedules[rng.choice(self.users[:-1])["uri"]][0]
        changed["rules"][1]["intervals"] = [{"from": "07:00", "to": "15:00"}]
        touched["schedules"] = [changed["uri"], *(s["uri"] for s in self.schedules[newcomer["uri"]])]

        touched["activity"] = []
        for _ in range(3):
            entry = self._entry(iso(dt.datetime.fromisoformat(self.tick().replace("Z", "+00:00")), millis=True))
            self.activity.append(entry)
            touched["activity"].append(entry["uri"])

    # -- views used by the API and by tests ---------------------------------------------------

    def all_invitees(self) -> list[dict[str, t.Any]]:
        """Every invitee of every event."""
        return [invitee for invitees in self.invitees.values() for invitee in invitees]

    def event_type(self, uri: str) -> dict[str, t.Any] | None:
        """The event type with this uri, if any."""
        return self.indexed("event_types", self.event_types, lambda e: e["uri"]).get(uri)

    def user(self, uri: str) -> dict[str, t.Any] | None:
        """The user with this uri, if any."""
        return self.indexed("users", self.users, lambda u: u["uri"]).get(uri)

    def expanded_host(self, host: dict[str, t.Any]) -> dict[str, t.Any]:
        """An Event Type Membership as listed: its event type and its member in full, as they are now."""
        return {**host, "event_type": self.event_type(host["event_type"]), "member": self.user(host["member"])}

    def all_hosts(self) -> list[dict[str, t.Any]]:
        """Every host of every event type, expanded."""
        return [self.expanded_host(host) for hosts in self.hosts.values() for host in hosts]

    def all_submissions(self) -> list[dict[str, t.Any]]:
        """Every submission of every routing form."""
        return [submission for submissions in self.submissions.values() for submission in submissions]

    def all_schedules(self) -> list[dict[str, t.Any]]:
        """Every availability schedule of every member of the organization."""
        members = {m["user"]["uri"] for m in self.memberships}
        return [s for user, schedules in self.schedules.items() if user in members for s in schedules]

    def event(self, event_uuid: str) -> dict[str, t.Any] | None:
        """The event with this uuid, if any."""
        return self.indexed("events", self.events, lambda e: uuid_of(e["uri"])).get(event_uuid)


def uuid_of(uri: str) -> str:
    """The uuid at the end of a Calendly resource URI."""
    return uri.rstrip("/").rsplit("/", 1)[-1]
