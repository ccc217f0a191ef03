"""Float streams: one small class per endpoint, named as in the original dlt specification."""

from __future__ import annotations

import datetime as dt
import typing as t

from singer_sdk.exceptions import FatalAPIError
from typing_extensions import override

from scheduling_taps_common import PageShape
from scheduling_taps_common.settings import parse_datetime
from tap_float.client import DeleteLogStream, FloatReportStream, FloatStream, IncrementalFloatStream

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import requests
    from singer_sdk.helpers.types import Context

#: Without `start_date`, public holidays are read from 1 January this many years back.
PUBLIC_HOLIDAYS_YEARS_BACK = 5
#: ...up to 31 December this many years ahead (Float plans ahead, and so do its users).
PUBLIC_HOLIDAYS_YEARS_AHEAD = 1


class AccountsStream(FloatStream):
    """Accounts: the people who can log in to Float, with their access rights."""

    name = "accounts"
    path = "/accounts"
    primary_keys = ("account_id",)


class DepartmentsStream(FloatStream):
    """Departments people belong to."""

    name = "departments"
    path = "/departments"
    primary_keys = ("department_id",)


class PeopleStream(IncrementalFloatStream):
    """People (the team being scheduled), incremental on ``modified``."""

    name = "people"
    path = "/people"
    primary_keys = ("people_id",)


class RolesStream(FloatStream):
    """Roles people can have."""

    name = "roles"
    path = "/roles"
    primary_keys = ("id",)


class PublicHolidaysStream(FloatStream):
    """Public holidays of every region, over a window of years.

    Float answers only the current year unless ``start_date``/``end_date`` are given, and an
    ``id`` is unique only within its ``region``: the key is (id, region).
    """

    name = "public_holidays"
    path = "/public-holidays"
    primary_keys = ("id", "region")

    @override
    def get_url_params(self, context: Context | None, next_page_token: int | None) -> dict[str, t.Any]:
        start, end = public_holidays_window(self.config, dt.datetime.now(dt.timezone.utc).date())
        window = {"start_date": start.isoformat(), "end_date": end.isoformat()}
        return {**super().get_url_params(context, next_page_token), **window}


class HolidaysStream(FloatStream):
    """Team holidays (the company's own days off), not the regional public holidays."""

    name = "holidays"
    path = "/holidays"
    primary_keys = ("holiday_id",)


class ProjectsStream(IncrementalFloatStream):
    """Projects with their task labels and team, incremental on ``modified``."""

    name = "projects"
    path = "/projects"
    primary_keys = ("project_id",)

    @override
    def get_url_params(self, context: Context | None, next_page_token: int | None) -> dict[str, t.Any]:
        # The task labels and team come only with expand= (as in Airbyte's newer manifest).
        return {**super().get_url_params(context, next_page_token), "expand": "project_tasks,project_team"}


class StatusStream(FloatStream):
    """People's statuses (home, travel, ...). An empty list is a 204 with no body."""

    name = "status"
    path = "/status"
    primary_keys = ("status_id",)


class TimeOffStream(DeleteLogStream):
    """Time off booked for people; deletions from Float's delete log (``/deleted/timeoffs``)."""

    name = "time_off"
    path = "/timeoffs"
    delete_log_path = "/deleted/timeoffs"
    primary_keys = ("timeoff_id",)


class TimeOffTypesStream(FloatStream):
    """Types of time off (holiday, sick leave, ...)."""

    name = "timeoff_types"
    path = "/timeoff-types"
    primary_keys = ("timeoff_type_id",)


class ClientsStream(FloatStream):
    """Clients projects belong to."""

    name = "clients"
    path = "/clients"
    primary_keys = ("client_id",)


class PhasesStream(FloatStream):
    """Project phases with their task labels and team."""

    name = "phases"
    path = "/phases"
    primary_keys = ("phase_id",)

    @override
    def get_url_params(self, context: Context | None, next_page_token: int | None) -> dict[str, t.Any]:
        return {**super().get_url_params(context, next_page_token), "expand": "phase_tasks,phase_team"}


class ProjectTasksStream(FloatStream):
    """Task labels of projects and phases (``task_meta``), not scheduled tasks."""

    name = "project_tasks"
    path = "/project-tasks"
    primary_keys = ("task_meta_id",)


class MilestonesStream(FloatStream):
    """Project milestones."""

    name = "milestones"
    path = "/milestones"
    primary_keys = ("milestone_id",)


class TasksStream(DeleteLogStream, IncrementalFloatStream):
    """Scheduled allocations of people to projects; deletions from ``/deleted/tasks``."""

    name = "tasks"
    path = "/tasks"
    delete_log_path = "/deleted/tasks"
    primary_keys = ("task_id",)


class TimeTrackingDisabledError(FatalAPIError):
    """The team has Float's Time Tracking feature off: there is no logged time to read."""


class LoggedTimeStream(DeleteLogStream, IncrementalFloatStream):
    """Logged time entries; ``logged_time_id`` is a string. Skipped when Time Tracking is off.

    Deletions come from ``/deleted/logged-time``.
    """

    name = "logged_time"
    path = "/logged-time"
    delete_log_path = "/deleted/logged-time"
    primary_keys = ("logged_time_id",)

    @override
    def validate_response(self, response: requests.Response) -> None:
        if response.status_code == 403 and "time tracking" in self.api_error_detail(response).lower():
            raise TimeTrackingDisabledError(self.response_error_message(response))
        super().validate_response(response)

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        try:
            yield from super().get_records(context)
        except TimeTrackingDisabledError as error:
            # A team setting, not a failure: the other streams are still worth loading, and the
            # bookmark stays where it was, so turning the feature on later loses nothing.
            self.logger.warning("Skipping stream 'logged_time': %s", error)


class PeopleReportsStream(FloatReportStream):
    """The people report: each person's hours over the report window.

    Capacity, scheduled, billable, non-billable, overtime, time off and unscheduled hours.
    """

    name = "people_reports"
    path = "/reports/people"
    primary_keys = ("people_id", "report_start_date", "report_end_date")
    page_shape = PageShape(records="people")


class ProjectReportsStream(FloatReportStream):
    """The project report: each project's scheduled hours over the report window.

    Scheduled, billable and non-billable hours; Float lists the projects with hours scheduled.
    """

    name = "project_reports"
    path = "/reports/projects"
    primary_keys = ("project_id", "report_start_date", "report_end_date")
    page_shape = PageShape(records="projects")


def public_holidays_window(config: Mapping[str, t.Any], today: dt.date) -> tuple[dt.date, dt.date]:
    """Whole years of public holidays: from `start_date`'s year (or a few years back) to next year."""
    last_year = today.year + PUBLIC_HOLIDAYS_YEARS_AHEAD
    if config.get("start_date"):
        first_year = min(parse_datetime(config["start_date"]).year, last_year)
    else:
        first_year = today.year - PUBLIC_HOLIDAYS_YEARS_BACK
    return dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)


STREAM_TYPES: tuple[type[FloatStream], ...] = (
    AccountsStream,
    DepartmentsStream,
    PeopleStream,
    RolesStream,
    PublicHolidaysStream,
    HolidaysStream,
    ProjectsStream,
    StatusStream,
    TimeOffStream,
    TimeOffTypesStream,
    ClientsStream,
    PhasesStream,
    ProjectTasksStream,
    MilestonesStream,
    TasksStream,
    LoggedTimeStream,
    PeopleReportsStream,
    ProjectReportsStream,
)
