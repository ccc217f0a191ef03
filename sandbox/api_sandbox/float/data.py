"""A generated Float team: people, projects and their schedule, time off and logged time.

Every record carries the fields Float documents for its endpoint (tests/contract/float/
documented_fields.json), in the representations Float's spec and examples show: integer ids
(``logged_time_id`` is 24 hex digits), 0/1 integer flags, rates as decimal strings and budgets as
numbers, dates as ``YYYY-MM-DD``, and these timestamps:

- ``created``/``modified`` as ``YYYY-MM-DD HH:MM:SS`` in UTC without a zone (the format of the
  ``modified_since`` filter), except roles (RFC 3339 with ``+00:00``) and statuses and time off
  (a bare date), as their definitions' examples show;
- team holidays' and milestones' ``date``/``end_date`` as ``YYYY-MM-DD HH:mm``.

And the documented oddities a client must decode: some allocations' ``hours`` and some
``people_ids`` arrive as numeric strings (``"2.0"``, ``["1234"]``). Lists are kept in creation
order (the order the API pages through them).
"""

from __future__ import annotations

import datetime as dt
import typing as t

from ..datagen import Dataset, Faker, today_utc, utc_now

#: Float's timestamp format (UTC, no zone) and date format.
TIMESTAMP = "%Y-%m-%d %H:%M:%S"
DATE = "%Y-%m-%d"
#: Roles' timestamps, as the role definition writes them.
TIMESTAMP_WITH_OFFSET = "%Y-%m-%dT%H:%M:%S+00:00"
#: Team holidays' and milestones' ``date``/``end_date``.
DATE_AND_TIME = "%Y-%m-%d %H:%M"
#: The company's work hours per day, Sunday to Saturday: everyone's but part-timers'.
COMPANY_HOURS = [0, 8, 8, 8, 8, 8, 0]
#: The key of the only entry of a report's ``wk_day_hrs`` (the hours in force since the start).
HOURS_SINCE = "1970-01-01"

#: Default size of each list at scale 1.0: every list needs several pages of 200 (the maximum).
SIZES = {
    "accounts": 420,
    "departments": 410,
    "people": 620,
    "roles": 410,
    "holidays": 410,
    "projects": 520,
    "status": 450,
    "timeoffs": 500,
    "timeoff_types": 410,
    "clients": 430,
    "phases": 640,
    "project_tasks": 720,
    "milestones": 500,
    "tasks": 1400,
    "logged_time": 1800,
    # Public holidays: regions x holidays per region (one record per holiday and region).
    "public_holiday_regions": 30,
}
PUBLIC_HOLIDAYS_PER_REGION = 15
#: Years the public-holiday calendars cover, relative to this year.
PUBLIC_HOLIDAY_YEARS = range(-6, 3)

DEPARTMENT_NAMES = ("Design", "Engineering", "Marketing", "Operations", "Finance", "Sales", "Strategy", "Research")
ROLE_NAMES = ("Designer", "Developer", "Producer", "Account Manager", "Copywriter", "Architect", "Analyst", "QA")
HOLIDAY_NAMES = (
    "New Year's Day", "Good Friday", "Easter Monday", "Labour Day", "Ascension Day", "Whit Monday",
    "National Day", "Assumption Day", "All Saints' Day", "Christmas Day", "Boxing Day", "Bank Holiday",
    "Independence Day", "Thanksgiving", "Memorial Day", "Spring Festival", "Midsummer", "King's Day",
)
TIMEOFF_TYPE_NAMES = ("Annual leave", "Sick leave", "Parental leave", "Training")
PROJECT_TAGS = ("retainer", "internal", "fixed-fee", "priority")
TIMEZONES = ("Europe/London", "America/New_York", "Australia/Sydney")
STATUS_NAMES = ("Conference", "Client visit", "Parental leave", "Offsite")
TAGS = ("remote", "senior", "freelance", "onsite", "lead", "east coast")
COLORS = ("3a7bd5", "e94e77", "2ecc71", "f39c12", "9b59b6", "1abc9c", "34495e", "d35400")


def timestamp(moment: dt.datetime, fmt: str = TIMESTAMP) -> str:
    """``moment`` in UTC, written in ``fmt``."""
    return moment.astimezone(dt.timezone.utc).strftime(fmt)


def day(moment: dt.datetime | dt.date) -> str:
    """``YYYY-MM-DD``."""
    return moment.strftime(DATE)


def at(date: str, time: str) -> str:
    """A ``YYYY-MM-DD HH:mm`` value from a date and a time of day."""
    return f"{date} {time}"


class FloatData(Dataset):
    """The team's current state. ``mutate()`` changes it the way a week of real use does."""

    def __init__(self, *, seed: int = 1, scale: float = 1.0) -> None:
        super().__init__()
        self.fake = Faker(seed)
        self.anchor = today_utc()
        self._ids: dict[str, int] = {}

        def n(name: str) -> int:  # how many records of a list at this scale (at least three)
            return max(3, int(SIZES[name] * scale))

        self.departments: list[dict[str, t.Any]] = []
        for _ in range(n("departments")):
            self.departments.append(self._department())
        self.roles = [self._role() for _ in range(n("roles"))]
        self.clients = [self._client() for _ in range(n("clients"))]
        self.regions = list(range(1, n("public_holiday_regions") + 1))
        self.people = [self._person() for _ in range(n("people"))]
        self.accounts = [self._account(i) for i in range(n("accounts"))]
        self.timeoff_types = [self._timeoff_type() for _ in range(n("timeoff_types"))]
        self.projects = [self._project() for _ in range(n("projects"))]
        self.phases = [self._phase() for _ in range(n("phases"))]
        self.project_tasks = [self._project_task() for _ in range(n("project_tasks"))]
        for project in self.projects:
            self._refresh_project_expansions(project)
        for phase in self.phases:
            self._refresh_phase_expansions(phase)
        self.milestones = [self._milestone() for _ in range(n("milestones"))]
        self.tasks: list[dict[str, t.Any]] = []
        for _ in range(n("tasks")):
            self.tasks.append(self._task())
        self.logged_time = [self._logged_time() for _ in range(n("logged_time"))]
        self.status = [self._status() for _ in range(n("status"))]
        self.timeoffs = [self._timeoff() for _ in range(n("timeoffs"))]
        self.holidays = [self._holiday() for _ in range(n("holidays"))]
        self.public_holiday_calendar = self._public_holiday_calendar()
        self._last_tick = self.anchor
        #: Float's delete logs (``/deleted/tasks``, ``/deleted/timeoffs``, ``/deleted/logged-time``):
        #: one entry per hard-deleted record, oldest first. ``seq`` orders entries for the cursor
        #: and is not part of what the API sends.
        self.delete_logs: dict[str, list[dict[str, t.Any]]] = {"tasks": [], "timeoffs": [], "logged_time": []}
        self._delete_seq = 0

    # -- helpers -------------------------------------------------------------------------------

    def _next_id(self, kind: str) -> int:
        # Ids start at an arbitrary offset, as database ids of a long-lived account do.
        self._ids[kind] = self._ids.get(kind, 1000 * (len(self._ids) + 1) + self.fake.rng.randint(0, 500)) + 1
        return self._ids[kind]

    def _created_modified_moments(self) -> tuple[dt.datetime, dt.datetime]:
        created = self.fake.moment(self.anchor, days_before=700, days_after=-30)
        modified = created + dt.timedelta(days=self.fake.rng.uniform(0, 25), seconds=self.fake.rng.randint(0, 86400))
        return created, min(modified, self.anchor - dt.timedelta(days=2))

    def _created_modified(self, fmt: str = TIMESTAMP) -> tuple[str, str]:
        created, modified = self._created_modified_moments()
        return timestamp(created, fmt), timestamp(modified, fmt)

    def _date_range(self, *, days_before: float = 200, days_after: float = 200, length: int = 20) -> tuple[str, str]:
        start = self.fake.moment(self.anchor, days_before=days_before, days_after=days_after)
        return day(start), day(start + dt.timedelta(days=self.fake.rng.randint(0, length)))

    def _repeat_end(self, start: str) -> str:
        """When a repeating allocation, status or time off stops: a few weeks to months on."""
        return day(dt.date.fromisoformat(start) + dt.timedelta(days=self.fake.rng.randint(21, 180)))

    def _money(self, low: int, high: int, decimals: int = 2) -> str:
        """A rate as Float writes it: a decimal string (``"55.50"``, roles ``"260.000"``)."""
        units, cents = self.fake.rng.randint(low, high), self.fake.rng.choice((0, 25, 50))
        return f"{units}.{cents:02d}" + "0" * (decimals - 2)

    def _budget(self, low: int, high: int) -> float:
        """A budget as Float writes it: a number (hours or money), sometimes with a fraction."""
        return self.fake.rng.randint(low, high) + self.fake.rng.choice((0.0, 0.5))

    def _account_id(self) -> int | None:
        return self.fake.choice(self.accounts)["account_id"] if getattr(self, "accounts", None) else None

    def _people_ids(self, people: list[dict[str, t.Any]]) -> list[int | str]:
        """``people_ids`` as Float's examples show them: integers, or numeric strings."""
        ids = [p["people_id"] for p in people]
        return [str(i) for i in ids] if self.fake.chance(0.25) else ids

    def tick(self) -> str:
        """A modification time: now (Float stores whole seconds, so equal values are normal)."""
        self._last_tick = max(utc_now(), self._last_tick)
        return timestamp(self._last_tick)

    def today(self) -> str:
        """A modification date, for the records whose timestamps Float documents as dates."""
        return day(utc_now())

    # -- generators ----------------------------------------------------------------------------

    def _department(self) -> dict[str, t.Any]:
        department_id = self._next_id("department")
        parent = self.fake.choice(self.departments) if self.departments and self.fake.chance(0.3) else None
        return {
            "department_id": department_id,
            "parent_id": parent["department_id"] if parent else None,
            "name": f"{self.fake.choice(DEPARTMENT_NAMES)} {department_id}",
        }

    def _role(self) -> dict[str, t.Any]:
        created, modified = self._created_modified(TIMESTAMP_WITH_OFFSET)
        role_id = self._next_id("role")
        return {
            "id": role_id,
            "name": f"{self.fake.choice(ROLE_NAMES)} {role_id}",
            "default_hourly_rate": self.fake.maybe(self._money(60, 260, decimals=3), 0.3),
            "created": created,
            "created_by": self.fake.rng.randint(1, 50),
            "modified": modified,
            "modified_by": self.fake.maybe(self.fake.rng.randint(1, 50), 0.3),
        }

    def _client(self) -> dict[str, t.Any]:
        _, last = self.fake.person()
        suffix = self.fake.choice(("Ltd", "GmbH", "Inc", "& Co"))
        return {"client_id": self._next_id("client"), "name": f"{last} {suffix}"}

    def _person(self) -> dict[str, t.Any]:
        first, last = self.fake.person()
        created, modified = self._created_modified()
        department = self.fake.maybe(self.fake.choice(self.departments), 0.15)
        role = self.fake.maybe(self.fake.choice(self.roles), 0.3)
        people_type_id = self.fake.choice((1, 1, 1, 1, 2, 3))  # employee, contractor, placeholder
        placeholder = people_type_id == 3
        full_time = self.fake.chance(0.8)
        start, end = self._date_range(days_before=900, days_after=-10, length=900)
        active = 1 if self.fake.chance(0.85) else 0
        return {
            "people_id": self._next_id("person"),
            "name": f"{role['name'] if role else 'Designer'} placeholder" if placeholder else f"{first} {last}",
            "email": None if placeholder else self.fake.maybe(self.fake.email(first, last, "team.example"), 0.1),
            # The job title is the name of the person's role.
            "job_title": role["name"] if role else None,
            "role_id": role["id"] if role else None,
            "department": (
                {key: department[key] for key in ("department_id", "parent_id", "name")} if department else None
            ),
            "notes": self.fake.maybe(self.fake.sentence(), 0.7),
            "avatar_file": self.fake.choice((None, "", f"{self.fake.hex_id(16)}.jpg")),
            "auto_email": self.fake.choice((0, 1, 1, -1)),
            "employee_type": 1 if full_time else 0,
            # Hours per day, Sunday to Saturday, for part-time people only.
            "work_days_hours": None if full_time else [0, 8, 8, 8, 8, self.fake.choice((8, 6, 4)), 0],
            "active": active,
            "people_type_id": people_type_id,
            "contractor": 1 if people_type_id == 2 else 0,  # deprecated twin of people_type_id
            "tags": [{"name": self.fake.choice(TAGS)} for _ in range(self.fake.rng.randint(0, 2))],
            "start_date": self.fake.maybe(start, 0.3),
            "end_date": end if not active else None,
            "default_hourly_rate": self.fake.maybe(self._money(40, 180), 0.3),
            "region_id": self.fake.maybe(self.fake.choice(self.regions), 0.4),
            "created": created,
            "modified": modified,
        }

    def _account(self, index: int) -> dict[str, t.Any]:
        created, modified = self._created_modified()
        person = self.people[index] if index < len(self.people) and self.fake.chance(0.9) else None
        first, last = self.fake.person()
        return {
            "account_id": self._next_id("account"),
            "name": person["name"] if person else f"{first} {last}",
            "email": (person or {}).get("email") or self.fake.email(first, last, "team.example"),
            "timezone": self.fake.maybe(self.fake.choice(TIMEZONES), 0.2),
            "avatar": self.fake.maybe(f"https://floatcdn.com/icons/avatar{self.fake.rng.randint(1, 20)}-80.png", 0.5),
            # 1 account owner, then admins, members, billing and managers.
            "account_type": 1 if index == 0 else self.fake.choice((2, 4, 4, 4, 5, 7)),
            "access": self.fake.choice((0, 1, 2, 3)),
            "department_filter_id": self.fake.maybe(self.fake.choice(self.departments)["department_id"], 0.8),
            "view_rights": self.fake.choice((0, 1)),
            "edit_rights": self.fake.choice((0, 1)),
            "active": 1 if self.fake.chance(0.9) else 0,
            "created": created,
            "modified": modified,
        }

    def _timeoff_type(self) -> dict[str, t.Any]:
        type_id = self._next_id("timeoff_type")
        return {
            "timeoff_type_id": type_id,
            "timeoff_type_name": f"{self.fake.choice(TIMEOFF_TYPE_NAMES)} {type_id}",
            "color": self.fake.choice(COLORS),
            "active": 1 if self.fake.chance(0.9) else 0,
            "created_by": self.fake.maybe(self._account_id(), 0.2),
        }

    def _project(self) -> dict[str, t.Any]:
        created, modified = self._created_modified()
        start, end = self._date_range(days_before=400, days_after=100, length=200)
        project_id = self._next_id("project")
        budget_type = self.fake.choice((0, 1, 2, 3))  # none, total hours, total fee, hourly fee
        budget_priority = self.fake.choice((0, 0, 1, 2))  # project, phase, task
        status = self.fake.choice((0, 1, 2, 2, 2))  # draft, tentative, confirmed
        return {
            "project_id": project_id,
            "name": f"{self.fake.phrase(2)} {project_id}",
            "project_code": self.fake.maybe(f"PRJ-{project_id}", 0.4),
            "client_id": self.fake.maybe(self.fake.choice(self.clients)["client_id"], 0.2),
            "color": self.fake.choice(COLORS),
            "notes": self.fake.maybe(self.fake.sentence(), 0.5),
            "tags": [self.fake.choice(PROJECT_TAGS) for _ in range(self.fake.rng.randint(0, 2))],
            "budget_type": budget_type,
            # Null for hourly-fee budgets and for budgets kept per phase or per task.
            "budget_total": self._budget(100, 90000) if budget_type in (1, 2) and budget_priority == 0 else None,
            "budget_per_phase": 1 if budget_priority == 1 else 0,
            "budget_priority": budget_priority,
            "default_hourly_rate": self.fake.maybe(self._money(60, 200), 0.4),
            "non_billable": self.fake.choice((0, 0, 1)),
            "status": status,
            "tentative": 1 if status == 1 else 0,
            "locked_task_list": self.fake.choice((0, 1)),
            "active": 1 if self.fake.chance(0.8) else 0,
            "project_manager": self._account_id(),
            "all_pms_schedule": self.fake.choice((0, 1)),
            "created": created,
            "modified": modified,
            "start_date": self.fake.maybe(start, 0.2),
            "end_date": self.fake.maybe(end, 0.3),
            "project_tasks": [],
            # The project's people and their project rate; Float documents phase_id as always 0 here.
            "project_team": [
                {
                    "people_id": person["people_id"],
                    "hourly_rate": self.fake.maybe(float(self.fake.rng.randint(50, 150)), 0.5),
                    "phase_id": 0,
                }
                for person in self.fake.rng.sample(self.people, self.fake.rng.randint(0, 4))
            ],
        }

    def _phase(self) -> dict[str, t.Any]:
        created, modified = self._created_modified()
        project = self.fake.choice(self.projects)
        start, end = self._date_range(days_before=300, days_after=100, length=60)
        status = self.fake.choice((0, 1, 2, 2))
        return {
            "phase_id": self._next_id("phase"),
            "project_id": project["project_id"],
            "name": self.fake.choice(("Discovery", "Design", "Build", "Launch", "Support")),
            "color": self.fake.maybe(self.fake.choice(COLORS), 0.3),
            "notes": self.fake.maybe(self.fake.sentence(), 0.6),
            "start_date": start,
            "end_date": end,
            "budget_total": self.fake.maybe(self._budget(50, 20000), 0.5),
            "default_hourly_rate": self.fake.maybe(self._money(60, 200), 0.6),
            "non_billable": self.fake.choice((0, 1)),
            "status": status,
            "tentative": 1 if status == 1 else 0,
            "active": 1 if self.fake.chance(0.85) else 0,
            "created": created,
            "modified": modified,
            "phase_tasks": [],
            "phase_team": [
                {"people_id": member["people_id"], "hourly_rate": member["hourly_rate"]}
                for member in project["project_team"][: self.fake.rng.randint(0, 3)]
            ],
        }

    def _project_task(self) -> dict[str, t.Any]:
        created, modified = self._created_modified()
        phase = self.fake.choice(self.phases) if self.fake.chance(0.4) else None
        project_id = phase["project_id"] if phase else self.fake.choice(self.projects)["project_id"]
        return {
            "task_meta_id": self._next_id("task_meta"),
            "project_id": project_id,
            "phase_id": phase["phase_id"] if phase else 0,
            "task_name": self.fake.phrase(2),
            "billable": self.fake.choice((0, 1, 1)),
            "budget": self.fake.maybe(self._budget(10, 5000), 0.6),
            "count_tasks": self.fake.rng.randint(0, 30),
            "count_logged_time": self.fake.rng.randint(0, 60),
            "created": created,
            "modified": modified,
        }

    def _refresh_project_expansions(self, project: dict[str, t.Any]) -> None:
        """``project_tasks`` (from ``expand=project_tasks``) mirrors the project's task labels."""
        project["project_tasks"] = [
            {"task_meta_id": m["task_meta_id"], "task_name": m["task_name"], "billable": m["billable"]}
            for m in self.project_tasks
            if m["project_id"] == project["project_id"]
        ]

    def _refresh_phase_expansions(self, phase: dict[str, t.Any]) -> None:
        phase["phase_tasks"] = [
            {"task_meta_id": m["task_meta_id"], "task_name": m["task_name"], "billable": m["billable"]}
            for m in self.project_tasks
            if m["phase_id"] == phase["phase_id"]
        ]

    def _milestone(self) -> dict[str, t.Any]:
        created, modified = self._created_modified()
        phase = self.fake.choice(self.phases) if self.fake.chance(0.3) else None
        start, end = self._date_range(days_before=200, days_after=200, length=3)
        return {
            "milestone_id": self._next_id("milestone"),
            "name": f"{self.fake.choice(('Kick-off', 'Review', 'Sign-off', 'Release', 'Handover'))}",
            "project_id": phase["project_id"] if phase else self.fake.choice(self.projects)["project_id"],
            "phase_id": phase["phase_id"] if phase else None,
            "date": at(start, "09:00"),
            "end_date": self.fake.maybe(at(end, "17:00"), 0.5),
            "created": created,
            "modified": modified,
        }

    def _task(self) -> dict[str, t.Any]:
        created, modified = self._created_modified()
        meta = self.fake.choice(self.project_tasks)
        people = self.fake.rng.sample(self.people, self.fake.choice((1, 1, 1, 2, 3)))
        start, end = self._date_range(days_before=180, days_after=180, length=15)
        hours = self.fake.choice((1.0, 2.0, 4.0, 6.0, 8.0, 2.5))
        repeat_state = self.fake.choice((0, 0, 0, 1, 2))
        # A split allocation links back to its parent and to the first of the chain.
        parent = self.fake.choice(self.tasks) if self.tasks and self.fake.chance(0.1) else None
        return {
            "task_id": self._next_id("task"),
            "root_task_id": (parent["root_task_id"] or parent["task_id"]) if parent else None,
            "parent_task_id": parent["task_id"] if parent else None,
            "project_id": meta["project_id"],
            "phase_id": meta["phase_id"],
            "start_date": start,
            "end_date": end,
            "start_time": self.fake.maybe(self.fake.choice(("09:00", "13:30", "14:00")), 0.8),
            # Hours per day; some arrive as a numeric string, as Float's tutorial shows ("2.0").
            "hours": f"{hours:.1f}" if self.fake.chance(0.15) else hours,
            # One assignee is in people_id; a shared allocation lists everyone in people_ids.
            "people_id": people[0]["people_id"] if len(people) == 1 else None,
            "people_ids": self._people_ids(people) if len(people) > 1 else None,
            "status": self.fake.choice((1, 2, 2, 3)),
            "billable": meta["billable"],
            "name": meta["task_name"],
            "task_meta_id": meta["task_meta_id"],
            "notes": self.fake.maybe(self.fake.sentence(), 0.6),
            "repeat_state": repeat_state,
            "repeat_end_date": self._repeat_end(start) if repeat_state else None,
            "priority": self.fake.choice((0, 0, 1)),
            "created_by": self._account_id(),
            "created": created,
            "modified_by": self.fake.maybe(self._account_id(), 0.3),
            "modified": modified,
        }

    def _logged_time(self, *, at_time: str | None = None) -> dict[str, t.Any]:
        created, modified = (at_time, at_time) if at_time else self._created_modified()
        task = self.fake.choice(self.tasks)
        date = self.fake.moment(self.anchor, days_before=200, days_after=-1)
        locked = self.fake.chance(0.3)
        return {
            "logged_time_id": self.fake.hex_id(24),
            "people_id": task["people_id"] or int(task["people_ids"][0]),
            "date": day(date),
            "reference_date": self.fake.maybe(day(date), 0.4),
            "hours": self.fake.choice((0.5, 1.0, 1.5, 2.0, 4.0, 7.5, 8.0, 5.25)),
            "billable": task["billable"],
            "notes": self.fake.maybe(self.fake.sentence(), 0.5),
            "project_id": task["project_id"],
            "phase_id": task["phase_id"],
            "task_id": self.fake.maybe(task["task_id"], 0.3),
            "task_name": task["name"],
            "task_meta_id": task["task_meta_id"],
            "locked": 1 if locked else 0,
            "locked_date": day(date + dt.timedelta(days=7)) if locked else None,
            "created": created,
            "created_by": self._account_id(),
            "modified": modified,
            "modified_by": self.fake.maybe(self._account_id(), 0.3),
        }

    def _status(self) -> dict[str, t.Any]:
        created, modified = self._created_modified(DATE)
        start, end = self._date_range(days_before=60, days_after=60, length=5)
        status_type_id = self.fake.choice((1, 2, 3, 4))  # home, travel, custom, office
        repeat_state = self.fake.choice((0, 0, 1))
        return {
            "status_id": self._next_id("status"),
            "status_type_id": status_type_id,
            "people_id": self.fake.choice(self.people)["people_id"],
            # Only a custom status has a name of its own.
            "status_name": self.fake.choice(STATUS_NAMES) if status_type_id == 3 else None,
            "start_date": start,
            "end_date": end,
            "repeat_state": repeat_state,
            "repeat_end_date": self._repeat_end(start) if repeat_state else None,
            "created": created,
            "modified": modified,
            "created_by": self._account_id(),
            "modified_by": self.fake.maybe(self._account_id(), 0.4),
        }

    def _timeoff(self) -> dict[str, t.Any]:
        created, modified = self._created_modified(DATE)
        kind = self.fake.choice(self.timeoff_types)
        start, end = self._date_range(days_before=200, days_after=150, length=10)
        full_day = self.fake.chance(0.8)
        repeat_state = self.fake.choice((0, 0, 0, 1))
        return {
            "timeoff_id": self._next_id("timeoff"),
            "timeoff_type_id": kind["timeoff_type_id"],
            "start_date": start,
            "end_date": end,
            "start_time": None if full_day else self.fake.choice(("09:00", "14:00")),
            "hours": None if full_day else self.fake.choice((2.0, 4.0, 6.5)),
            "timeoff_notes": self.fake.choice(("", self.fake.sentence())),
            "repeat_state": repeat_state,
            "status": self.fake.choice((1, 2, 2, 2)),  # tentative, confirmed
            "repeat_end": self._repeat_end(start) if repeat_state else None,
            "full_day": 1 if full_day else 0,
            "people_ids": self._people_ids(self.fake.rng.sample(self.people, self.fake.choice((1, 1, 2)))),
            "created": created,
            "modified": modified,
            "modified_by": self.fake.maybe(self._account_id(), 0.4),
            "created_by": self._account_id(),
        }

    def _holiday(self) -> dict[str, t.Any]:
        start, end = self._date_range(days_before=400, days_after=300, length=2)
        return {
            "holiday_id": self._next_id("holiday"),
            "name": f"{self.fake.choice(('Team offsite', 'Office closed', 'Company day', 'Summer break'))}",
            "date": at(start, "09:00"),
            "end_date": self.fake.maybe(at(end, "17:00"), 0.3),
        }

    def _public_holiday_calendar(self) -> list[dict[str, t.Any]]:
        """One entry per (holiday id, region): its dates over the years the calendar covers.

        Ids are numbered per region, so the same id appears in several regions.
        """
        year = self.anchor.year
        calendar = []
        for region in self.regions:
            for local_id in range(1, PUBLIC_HOLIDAYS_PER_REGION + 1):
                month, dom = self.fake.rng.randint(1, 12), self.fake.rng.randint(1, 28)
                length = self.fake.choice((1, 1, 1, 2))
                dates = [
                    day(dt.date(year + offset, month, dom) + dt.timedelta(days=extra))
                    for offset in PUBLIC_HOLIDAY_YEARS
                    for extra in range(length)
                ]
                calendar.append(
                    {"id": local_id, "name": self.fake.choice(HOLIDAY_NAMES), "dates": dates, "region": region}
                )
        return calendar

    def record_deletion(self, log: str, record_id: t.Any) -> None:
        """Add a hard delete to a delete log: the record's id and when it was deleted (UTC)."""
        self._delete_seq += 1
        self.delete_logs[log].append({"seq": self._delete_seq, "id": record_id, "timestamp": self.tick()})

    # -- views used by the API and by tests ------------------------------------------------------

    def public_holidays(self, start: dt.date, end: dt.date) -> list[dict[str, t.Any]]:
        """Holidays with a date in [start, end], each with only its dates in that window."""
        low, high = day(start), day(end)
        found = []
        for entry in self.public_holiday_calendar:
            dates = [d for d in entry["dates"] if low <= d <= high]
            if dates:
                found.append({**entry, "dates": dates})
        return found

    def people_report(self, start: dt.date, end: dt.date, people_id: int | None = None) -> list[dict[str, t.Any]]:
        """``GET /reports/people``: one row per person, their hours over [start, end].

        Per day of the window, a person's capacity is their work hours that weekday (the
        company's, or their own when part-time), none on a team holiday, a public holiday of
        their region or outside their employment, less their time off that day; scheduled hours
        are the hours per day of the allocations they are on (on their work days, not holidays),
        billable or not as the allocation. What is scheduled past the day's capacity is
        overtime, what is left of it unscheduled. Repeats of repeating allocations and time off
        are not counted (only their first occurrence).
        """
        days = _days(start, end)
        holidays = self._team_holidays()
        region_holidays = self._public_holiday_dates(start, end)
        timeoff: dict[int, dict[dt.date, float]] = {}
        for entry in self.timeoffs:
            for pid in _ids(entry["people_ids"]):
                for when in _days(max(start, _date(entry["start_date"])), min(end, _date(entry["end_date"]))):
                    hours = None if entry["full_day"] else float(entry["hours"])
                    timeoff.setdefault(pid, {})[when] = hours if hours is not None else float("inf")
        scheduled = self._scheduled_by_person_and_day(start, end)
        rows = []
        for person in self.people:
            if people_id is not None and person["people_id"] != people_id:
                continue
            week = person["work_days_hours"] or COMPANY_HOURS
            off = region_holidays.get(person["region_id"], set()) | holidays
            totals = dict.fromkeys(("capacity", "timeoff", "billable", "nonBillable", "overtime", "unscheduled"), 0.0)
            for when in days:
                available = self._work_hours(person, week, when, off)
                away = min(available, timeoff.get(person["people_id"], {}).get(when, 0.0))
                capacity = available - away
                billable, non_billable = scheduled.get((person["people_id"], when), (0.0, 0.0))
                booked = billable + non_billable
                totals["capacity"] += capacity
                totals["timeoff"] += away
                totals["billable"] += billable
                totals["nonBillable"] += non_billable
                totals["overtime"] += max(0.0, booked - capacity)
                totals["unscheduled"] += max(0.0, capacity - booked)
            department = person["department"] or {}
            rows.append(
                {
                    "name": person["name"],
                    "employee_type": person["employee_type"],
                    "my_hours": str(person["work_days_hours"]) if person["work_days_hours"] else None,
                    "my_hours_history": None,
                    "co_hours": str(COMPANY_HOURS),
                    "co_hours_history": None,
                    "department_id": department.get("department_id"),
                    "department": department.get("name"),
                    "default_hourly_rate": person["default_hourly_rate"],
                    "billable": _hours(totals["billable"]),
                    "nonBillable": _hours(totals["nonBillable"]),
                    "overtime": _hours(totals["overtime"]),
                    "timeoff": _hours(totals["timeoff"]),
                    "capacity": _hours(totals["capacity"]),
                    "people_id": person["people_id"],
                    "scheduled": _hours(totals["billable"] + totals["nonBillable"]),
                    "people_type_id": person["people_type_id"],
                    "unscheduled": _hours(totals["unscheduled"]),
                    "wk_day_hrs": {HOURS_SINCE: list(week)},
                }
            )
        return rows

    def project_report(self, start: dt.date, end: dt.date, project_id: int | None = None) -> list[dict[str, t.Any]]:
        """``GET /reports/projects``: one row per project with hours scheduled in [start, end].

        The hours of its allocations, counted as in :meth:`people_report` for each person on
        them, billable or not as the allocation. Projects with nothing scheduled are not listed.
        """
        totals: dict[int, list[float]] = {}
        holidays = self._team_holidays()
        region_holidays = self._public_holiday_dates(start, end)
        people = {p["people_id"]: p for p in self.people}
        for task in self.tasks:
            if project_id is not None and task["project_id"] != project_id:
                continue
            for _ in self._allocated_days(task, start, end, people, holidays, region_holidays):
                split = totals.setdefault(task["project_id"], [0.0, 0.0])
                split[0 if task["billable"] else 1] += float(task["hours"])
        rows = []
        for project in self.projects:
            if project["project_id"] not in totals:
                continue
            billable, non_billable = totals[project["project_id"]]
            rows.append(
                {
                    "name": project["name"],
                    "project_id": project["project_id"],
                    "client_id": project["client_id"],
                    "scheduled": _hours(billable + non_billable),
                    "billable": _hours(billable),
                    "nonBillable": _hours(non_billable),
                }
            )
        return rows

    def _scheduled_by_person_and_day(
        self, start: dt.date, end: dt.date
    ) -> dict[tuple[int, dt.date], tuple[float, float]]:
        """(person, day) -> (billable, non-billable) hours allocated."""
        holidays = self._team_holidays()
        region_holidays = self._public_holiday_dates(start, end)
        people = {p["people_id"]: p for p in self.people}
        found: dict[tuple[int, dt.date], tuple[float, float]] = {}
        for task in self.tasks:
            hours = float(task["hours"])
            for person, when in self._allocated_days(task, start, end, people, holidays, region_holidays):
                billable, non_billable = found.get((person, when), (0.0, 0.0))
                if task["billable"]:
                    found[(person, when)] = (billable + hours, non_billable)
                else:
                    found[(person, when)] = (billable, non_billable + hours)
        return found

    def _allocated_days(
        self,
        task: dict[str, t.Any],
        start: dt.date,
        end: dt.date,
        people: dict[int, dict[str, t.Any]],
        holidays: set[dt.date],
        region_holidays: dict[int | None, set[dt.date]],
    ) -> t.Iterator[tuple[int, dt.date]]:
        """(person, day) for each work day of each person on ``task`` within [start, end]."""
        assignees = [task["people_id"]] if task["people_id"] else _ids(task["people_ids"] or [])
        days = _days(max(start, _date(task["start_date"])), min(end, _date(task["end_date"])))
        for pid in assignees:
            person = people.get(pid)
            if person is None:
                continue
            week = person["work_days_hours"] or COMPANY_HOURS
            off = region_holidays.get(person["region_id"], set()) | holidays
            for when in days:
                if self._work_hours(person, week, when, off):
                    yield pid, when

    @staticmethod
    def _work_hours(person: dict[str, t.Any], week: list[int], when: dt.date, off: set[dt.date]) -> float:
        """The hours ``person`` works on ``when``: none on a holiday or outside their employment."""
        if when in off:
            return 0.0
        if person["start_date"] and when < _date(person["start_date"]):
            return 0.0
        if person["end_date"] and when > _date(person["end_date"]):
            return 0.0
        return float(week[(when.weekday() + 1) % 7])  # Sunday first

    def _team_holidays(self) -> set[dt.date]:
        """Every day of every team holiday."""
        found: set[dt.date] = set()
        for holiday in self.holidays:
            first = _date(holiday["date"][:10])
            last = _date((holiday["end_date"] or holiday["date"])[:10])
            found.update(_days(first, last))
        return found

    def _public_holiday_dates(self, start: dt.date, end: dt.date) -> dict[int | None, set[dt.date]]:
        """Region -> the days of its public holidays within [start, end]."""
        found: dict[int | None, set[dt.date]] = {}
        for entry in self.public_holidays(start, end):
            found.setdefault(entry["region"], set()).update(_date(d) for d in entry["dates"])
        return found

    def resources(self) -> dict[str, list[dict[str, t.Any]]]:
        """Every list endpoint's records by stream name (public holidays: the current year)."""
        year = self.anchor.year
        return {
            "accounts": self.accounts,
            "departments": self.departments,
            "people": self.people,
            "roles": self.roles,
            "public_holidays": self.public_holidays(dt.date(year, 1, 1), dt.date(year, 12, 31)),
            "holidays": self.holidays,
            "projects": self.projects,
            "status": self.status,
            "time_off": self.timeoffs,
            "timeoff_types": self.timeoff_types,
            "clients": self.clients,
            "phases": self.phases,
            "project_tasks": self.project_tasks,
            "milestones": self.milestones,
            "tasks": self.tasks,
            "logged_time": self.logged_time,
        }

    # -- changes ---------------------------------------------------------------------------------

    def mutate(self, *, seed: int = 2, changes: int = 5) -> dict[str, list[t.Any]]:
        """A realistic round of edits; returns the ids touched, by ``<stream>.<kind of change>``.

        Edits bump ``modified`` as Float does. Hard deletes (``tasks.deleted``,
        ``logged_time.deleted``, ``time_off.deleted``) go to Float's delete logs; list endpoints
        simply stop returning the record.
        """
        rng = Faker(seed).rng
        # New records come from the dataset's own generator, which goes on from where the last
        # call left it: re-seeding it here would hand out the same "new" ids on every call.
        touched: dict[str, list[t.Any]] = {}

        def note(key: str, value: t.Any) -> None:
            touched.setdefault(key, []).append(value)

        for person in rng.sample(self.people, changes):
            role = rng.choice(self.roles)  # a promotion: a new role, so a new job title
            person.update(
                role_id=role["id"],
                job_title=role["name"],
                default_hourly_rate=self._money(90, 220),
                modified=self.tick(),
            )
            note("people.updated", person["people_id"])
        leaver = rng.choice([p for p in self.people if p["active"] == 1])
        leaver.update(active=0, end_date=day(self.anchor), modified=self.tick())
        note("people.archived", leaver["people_id"])
        newcomer = self._person()
        newcomer.update(created=self.tick(), modified=self.tick())
        self.people.append(newcomer)
        note("people.added", newcomer["people_id"])

        for project in rng.sample(self.projects, changes):
            project.update(name=f"{project['name']} (phase 2)", notes="Scope extended", modified=self.tick())
            note("projects.updated", project["project_id"])
        closed = rng.choice([p for p in self.projects if p["active"] == 1])
        closed.update(active=0, modified=self.tick())
        note("projects.archived", closed["project_id"])
        project = self._project()
        project.update(created=self.tick(), modified=self.tick())
        self.projects.append(project)
        note("projects.added", project["project_id"])
        label = self._project_task()
        label.update(project_id=project["project_id"], phase_id=0, created=self.tick(), modified=self.tick())
        self.project_tasks.append(label)
        self._refresh_project_expansions(project)  # adding a task label is a project edit
        note("project_tasks.added", label["task_meta_id"])

        for task in rng.sample(self.tasks, changes):
            task.update(hours=float(task["hours"]) + 1.0, status=2, modified=self.tick())
            note("tasks.updated", task["task_id"])
        deleted_task = self.tasks.pop(rng.randrange(len(self.tasks)))
        self.record_deletion("tasks", deleted_task["task_id"])
        note("tasks.deleted", deleted_task["task_id"])
        for _ in range(changes):
            task = self._task()
            task.update(created=self.tick(), modified=self.tick())
            self.tasks.append(task)
            note("tasks.added", task["task_id"])

        for entry in rng.sample(self.logged_time, changes):
            entry.update(hours=float(entry["hours"]) + 0.5, notes="Corrected", modified=self.tick())
            note("logged_time.updated", entry["logged_time_id"])
        deleted_entry = self.logged_time.pop(rng.randrange(len(self.logged_time)))
        self.record_deletion("logged_time", deleted_entry["logged_time_id"])
        note("logged_time.deleted", deleted_entry["logged_time_id"])
        for _ in range(changes):
            entry = self._logged_time(at_time=self.tick())
            self.logged_time.append(entry)
            note("logged_time.added", entry["logged_time_id"])

        # Full-table lists: edits, additions and deletions the next full read picks up.
        for timeoff in rng.sample(self.timeoffs, changes):
            timeoff.update(status=2 if timeoff["status"] == 1 else 1, timeoff_notes="Updated", modified=self.today())
            note("time_off.updated", timeoff["timeoff_id"])
        gone = self.timeoffs.pop(rng.randrange(len(self.timeoffs)))
        self.record_deletion("timeoffs", gone["timeoff_id"])
        note("time_off.deleted", gone["timeoff_id"])
        for status in rng.sample(self.status, changes):
            status_type_id = 1 + status["status_type_id"] % 4
            status.update(
                status_type_id=status_type_id,
                status_name=rng.choice(STATUS_NAMES) if status_type_id == 3 else None,
                modified=self.today(),
            )
            note("status.updated", status["status_id"])
        self.status.append(self._status())
        for milestone in rng.sample(self.milestones, changes):
            moved_to = day(self.anchor + dt.timedelta(days=rng.randint(5, 60)))
            milestone.update(date=at(moved_to, "09:00"), modified=self.tick())
            note("milestones.updated", milestone["milestone_id"])
        for phase in rng.sample(self.phases, changes):
            phase_status = 2 if phase["status"] != 2 else 1
            phase.update(status=phase_status, tentative=1 if phase_status == 1 else 0, modified=self.tick())
            note("phases.updated", phase["phase_id"])
        for client in rng.sample(self.clients, changes):
            client.update(name=f"{client['name']} (renamed)")
            note("clients.updated", client["client_id"])
        for account in rng.sample(self.accounts, changes):
            account.update(access=(account["access"] + 1) % 4, modified=self.tick())
            note("accounts.updated", account["account_id"])
        self.departments.append(self._department())
        self.roles.append(self._role())
        self.clients.append(self._client())
        self.holidays.append(self._holiday())
        self.timeoff_types.append(self._timeoff_type())
        self.milestones.append(self._milestone())
        return touched


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every day from ``first`` to ``last``, both included (none when ``last`` is earlier)."""
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _ids(values: list[t.Any]) -> list[int]:
    """``people_ids`` as integers (Float sends some as numeric strings)."""
    return [int(v) for v in values]


def _hours(value: float) -> float | int:
    """Hours as Float's reports write them: a whole number as an integer (``168``), else ``7.5``."""
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded
