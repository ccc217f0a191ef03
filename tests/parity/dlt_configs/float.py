"""dlt translation of the original dlt specification for Float.

Changed keys (everything else is the original specification's):

- ``client.base_url`` ``https://api.example.com/v3`` → the fake's ``.../v3``; the bearer token
  is the sandbox token instead of ``dlt.secrets``.
- ``resource_defaults.primary_key: "id"``: Float records have no ``id`` except roles and public
  holidays (``people_id``, ``project_id``, ``logged_time_id``...); with ``id`` dlt fails at
  normalize. Each resource gets its real key, the same as the tap's (public holidays: ``id``
  is unique only within a region, so ``[id, region]``).
- ``paginator`` ``page_number`` with ``limit_param``/``limit``: ``limit`` is not an option of
  dlt's page_number paginator (TypeError), and Float sends page counts only in headers
  (``X-Pagination-Page-Count``) while answering the *last page again* for a page past the end
  (Yii2), so ``stop_after_empty_page`` never stops and ``total_path`` has nothing to read. The
  translation is a dlt paginator instance (``FloatPages``, a ``PageNumberPaginator`` that reads
  the page count header) plus ``params: {"per-page": 200}`` for the original specification's limit.
- ``data_selector: "data"``: Float answers bare JSON arrays (its API reference), so ``data`` matches
  nothing and dlt would load empty tables. Translated to ``$`` (the whole body).
- ``logged_time.incremental_sync`` (Airbyte-style, rejected) → ``endpoint.incremental`` with
  ``cursor_path: modified`` (was ``cursor_field``), ``start_param: modified_since`` (was
  ``start_time_option.field_name``), ``initial_value`` (was ``start_datetime``; the sandbox sets
  no start date, so the beginning of time in Float's format). ``datetime_format``
  ``%Y-%m-%dT%H:%M:%SZ`` has no dlt equivalent and is not needed: Float's ``modified`` is
  ``YYYY-MM-DD HH:MM:SS`` and ``modified_since`` accepts exactly that, so dlt sends its stored
  ``last_value`` as is (``convert`` would be the dlt way to reformat).
- ``projects``/``phases``: **added** ``expand`` (``project_tasks,project_team`` /
  ``phase_tasks,phase_team``), as the tap sends: without it Float leaves those lists out and
  there would be nothing to compare them with. ``public_holidays``: **added**
  ``start_date``/``end_date`` = the tap's window of years (Float answers the current year only
  without them; the tap deliberately reads more).
- ``status``: **added** ``response_actions`` ignoring 204 (Float's "nothing matches" answer has
  no body).
"""

from __future__ import annotations

import datetime as dt
import typing as t

import support.dlt_run  # noqa: F401  (sets dlt's telemetry off before dlt is imported)
from dlt.sources.helpers.rest_client.paginators import PageNumberPaginator

TAP = "tap-float"
SCHEMA = "tap_float"

KEYS = {
    "accounts": "account_id",
    "departments": "department_id",
    "people": "people_id",
    "roles": "id",
    "public_holidays": ("id", "region"),
    "holidays": "holiday_id",
    "projects": "project_id",
    "status": "status_id",
    "time_off": "timeoff_id",
    "timeoff_types": "timeoff_type_id",
    "clients": "client_id",
    "phases": "phase_id",
    "project_tasks": "task_meta_id",
    "milestones": "milestone_id",
    "tasks": "task_id",
    "logged_time": "logged_time_id",
}
STREAMS = dict(KEYS)
PATHS = {
    "accounts": "/accounts", "departments": "/departments", "people": "/people", "roles": "/roles",
    "public_holidays": "/public-holidays", "holidays": "/holidays", "projects": "/projects",
    "status": "/status", "time_off": "/timeoffs", "timeoff_types": "/timeoff-types",
    "clients": "/clients", "phases": "/phases", "project_tasks": "/project-tasks",
    "milestones": "/milestones", "tasks": "/tasks", "logged_time": "/logged-time",
}

#: Float's list endpoints stop returning a deleted task, logged-time entry or time off. dlt's
#: merge keeps those rows. The tap's full-table streams end each complete listing with
#: ACTIVATE_VERSION, and tasks, logged time and time off also read Float's delete logs, so a
#: loader retires those rows: there the Singer destination is deliberately better. Only people
#: and projects (incremental, no delete log) keep a deleted row, as dlt does.
INCREMENTAL = ("people", "projects", "tasks", "logged_time")
DELETES_RETAINED = tuple(KEYS)
SNAPSHOT_DELETES = tuple(k for k in KEYS if k not in ("people", "projects"))

INITIAL_VALUE = "2000-01-01 00:00:00"


class FloatPages(PageNumberPaginator):
    """Pages 1..N, N from ``X-Pagination-Page-Count`` (Float's only page metadata)."""

    def __init__(self) -> None:
        super().__init__(base_page=1, page=1, page_param="page", total_path=None, stop_after_empty_page=True)

    def update_state(self, response: t.Any, data: t.Any = None) -> None:
        pages = response.headers.get("X-Pagination-Page-Count")
        if response.status_code == 204 or not data or pages is None:
            self._has_next_page = False
            return
        self.current_value += 1
        if self.current_value > int(pages):
            self._has_next_page = False


def holidays_window() -> tuple[dt.date, dt.date]:
    from tap_float.streams import public_holidays_window

    return public_holidays_window({}, dt.datetime.now(dt.timezone.utc).date())


def config(fake: t.Any) -> dict[str, t.Any]:
    start, end = holidays_window()
    extra: dict[str, dict[str, t.Any]] = {
        "projects": {"params": {"expand": "project_tasks,project_team"}},
        "phases": {"params": {"expand": "phase_tasks,phase_team"}},
        "public_holidays": {"params": {"start_date": start.isoformat(), "end_date": end.isoformat()}},
        "status": {"response_actions": [{"status_code": 204, "action": "ignore"}]},
        "logged_time": {
            "incremental": {"cursor_path": "modified", "start_param": "modified_since", "initial_value": INITIAL_VALUE}
        },
    }
    resources = []
    for name, path in PATHS.items():
        endpoint: dict[str, t.Any] = {"path": path, "data_selector": "$", "paginator": FloatPages()}
        more = extra.get(name, {})
        endpoint["params"] = {"per-page": 200, **more.get("params", {})}
        endpoint.update({k: v for k, v in more.items() if k != "params"})
        key = KEYS[name]
        primary_key = list(key) if isinstance(key, tuple) else key
        resources.append({"name": name, "primary_key": primary_key, "endpoint": endpoint})
    return {
        "client": {"base_url": fake.url, "auth": {"type": "bearer", "token": fake.valid_key}},
        "resource_defaults": {"primary_key": "id", "write_disposition": "merge"},
        "resources": resources,
    }


def source(fake: t.Any) -> dict[str, list[dict[str, t.Any]]]:
    start, end = holidays_window()
    return {**fake.data.resources(), "public_holidays": fake.data.public_holidays(start, end)}


def mutate(fake: t.Any, seed: int) -> None:
    touched = fake.mutate(seed=seed, changes=3)
    assert touched.get("logged_time.updated") and touched.get("logged_time.added"), touched


# -- the change dlt misses: an edit in the same second as its stored last_value -------------------

BOUNDARY_NOTE = "Edited again within the same second"

def extra_phase(fake: t.Any, dlt_run: t.Any) -> str:
    """Edit a logged-time entry whose ``modified`` equals dlt's stored ``last_value``, keeping
    ``modified`` (Float stores whole seconds: a second edit within the same second leaves it
    unchanged). dlt's next run gets the entry back from ``modified_since`` (inclusive) and drops
    it, because its primary-key hash is in the stored ``unique_hashes`` (dlt's incremental
    boundary deduplication). The tap's bookmark is inclusive and never dedups by key: it loads the edit.
    """
    from support.dlt_run import incremental_state

    last_value = incremental_state(dlt_run, "logged_time")["last_value"]
    with fake.lock:
        entry = next(e for e in fake.data.logged_time if e["modified"] == last_value)
        entry["notes"] = BOUNDARY_NOTE
    return "boundary edit"


def _dlt_drops_the_boundary_edit(dlt, singer, expected):
    from support.compare import assert_same

    (key,) = [k for k in expected if expected[k].get("notes") == BOUNDARY_NOTE]
    assert singer[key].get("notes") == BOUNDARY_NOTE  # Singer has the edit (also asserted in full)
    assert dlt[key].get("notes") != BOUNDARY_NOTE, "dlt loaded the boundary edit: its dedup changed?"
    others = singer.keys() - {key} - (singer.keys() - dlt.keys())
    assert_same({k: singer[k] for k in others}, {k: dlt[k] for k in others}, "boundary edit: other logged time")


DLT_MISSES = {
    "boundary edit": {
        "logged_time": (
            "dlt drops a record whose cursor equals its stored last_value when its primary key is in "
            "unique_hashes, even if the content changed; the tap re-reads the boundary and upserts it.",
            _dlt_drops_the_boundary_edit,
        )
    }
}
