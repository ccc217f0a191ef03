"""tap-float: the tap class and its settings."""

from __future__ import annotations

import datetime as dt
import typing as t

from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError
from typing_extensions import override

from scheduling_taps_common import SchedulingTap, settings
from tap_float import streams
from tap_float.client import (
    DEFAULT_REPORT_WINDOW_DAYS,
    READ_DELETE_LOGS,
    REPORT_END_DATE,
    REPORT_START_DATE,
    REPORT_WINDOW_DAYS,
    report_window_problems,
)

if t.TYPE_CHECKING:
    from tap_float.client import FloatStream

#: Float asks integrations to name themselves and a contact email in the User-Agent.
DEFAULT_USER_AGENT = "tap-float (Meltano Singer tap for Float)"


class TapFloat(SchedulingTap):
    """Singer tap for the Float resource-planning API v3."""

    name = "tap-float"

    config_jsonschema = th.PropertiesList(
        settings.credential(
            "api_token",
            "Float API token (Account settings > Integrations), sent as `Authorization: Bearer`.",
        ),
        settings.api_url("https://api.float.com/v3"),
        settings.request_timeout(),
        settings.start_date(
            "First run only: read people, projects, tasks and logged time modified at or after this "
            "instant (ISO-8601; UTC if no offset). Later runs start from the bookmark. Also the first "
            "year of public holidays read. Unset: everything."
        ),
        th.Property(
            "user_agent",
            th.StringType,
            default=DEFAULT_USER_AGENT,
            title="User-Agent",
            description=(
                "User-Agent header. Float asks for your integration's name and a contact email, e.g. "
                "`Acme warehouse sync (data@acme.example)`."
            ),
        ),
        *settings.pacing(
            per_second=10,
            per_minute=200,
            documented_limit=(
                "Float allows 200 GET requests per minute and bursts of 10 per second per company "
                "(shared by all its integrations); lower these if other integrations use the same "
                "company's quota. 429 answers are retried with Retry-After."
            ),
        ),
        settings.propagate_deletions(),
        th.Property(
            READ_DELETE_LOGS,
            th.BooleanType,
            default=True,
            title="Read delete logs",
            description=(
                "True (default): tasks, time_off and logged_time read Float's delete logs after their "
                "lists and emit each deleted record's key with `_sdc_deleted_at`, so the loader removes "
                "(`hard_delete`) or marks the row. False: deleted tasks and logged time stay as last "
                "loaded (time off is still retired by `propagate_deletions`)."
            ),
        ),
        th.Property(
            REPORT_START_DATE,
            th.DateType,
            title="Report start date",
            description=(
                "First day (YYYY-MM-DD, inclusive) of the window the people and project reports are "
                "computed over. Unset: the window is the `report_window_days` days ending on "
                "`report_end_date` (or today, UTC)."
            ),
        ),
        th.Property(
            REPORT_END_DATE,
            th.DateType,
            title="Report end date",
            description=(
                "Last day (YYYY-MM-DD, inclusive) of the reports' window; not before "
                "`report_start_date`. Unset: today (UTC), so the window rolls with the runs."
            ),
        ),
        th.Property(
            REPORT_WINDOW_DAYS,
            th.IntegerType(minimum=1),
            default=DEFAULT_REPORT_WINDOW_DAYS,
            title="Report window days",
            description=(
                "Length in days of the reports' window when `report_start_date` is not set: the "
                f"window ends on `report_end_date` (or today, UTC). Default {DEFAULT_REPORT_WINDOW_DAYS}. "
                "Each window's rows are kept under their own key (the id plus both dates)."
            ),
        ),
    ).to_dict()

    def __init__(self, *args: t.Any, validate_config: bool = True, **kwargs: t.Any) -> None:
        # The report window is checked with the other settings, before any request, and its
        # problems are reported with theirs.
        problems: list[str] = []
        try:
            super().__init__(*args, validate_config=validate_config, **kwargs)
        except ConfigValidationError as error:
            problems = list(error.errors)
        if validate_config:
            today = dt.datetime.now(dt.timezone.utc).date()
            reported = {p.split(":", 1)[0] for p in problems}  # a setting the SDK refused already
            problems += [p for p in report_window_problems(self.config, today) if p.split(":", 1)[0] not in reported]
        if problems:
            raise ConfigValidationError("Config validation failed", errors=problems)

    @override
    def discover_streams(self) -> list[FloatStream]:
        return [stream_type(self) for stream_type in streams.STREAM_TYPES]


if __name__ == "__main__":
    TapFloat.cli()
