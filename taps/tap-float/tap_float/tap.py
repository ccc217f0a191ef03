"""tap-float: the tap class and its settings."""

from __future__ import annotations

import typing as t

from singer_sdk import typing as th
from typing_extensions import override

from scheduling_taps_common import SchedulingTap, settings
from tap_float import streams
from tap_float.client import READ_DELETE_LOGS

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
    ).to_dict()

    @override
    def discover_streams(self) -> list[FloatStream]:
        return [stream_type(self) for stream_type in streams.STREAM_TYPES]


if __name__ == "__main__":
    TapFloat.cli()
