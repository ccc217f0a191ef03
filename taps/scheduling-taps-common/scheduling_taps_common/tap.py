"""The Tap base class: one request pacer per run, and fatal API errors as one clear line."""

from __future__ import annotations

import sys
from functools import cached_property

from singer_sdk import Tap
from singer_sdk.exceptions import FatalAPIError

from scheduling_taps_common.pacing import RequestPacer


class SchedulingTap(Tap):
    """Base for the five taps."""

    @cached_property
    def request_pacer(self) -> RequestPacer:
        """Shared by all streams: vendors rate-limit per account, not per endpoint."""
        return RequestPacer.from_rates(
            self.config.get("max_requests_per_second"),
            self.config.get("max_requests_per_minute"),
        )

    def sync_all(self) -> None:
        try:
            super().sync_all()
        except FatalAPIError as exc:
            # The message already names the request, the API's explanation and the setting
            # to fix; a traceback would only bury it. State for the unfinished stream is not
            # advanced, so the next run repeats it: nothing is lost.
            self.logger.error("%s failed: %s", self.name, exc)  # noqa: TRY400
            sys.exit(1)
