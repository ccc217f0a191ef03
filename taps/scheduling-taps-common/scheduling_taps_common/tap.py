"""The Tap base class: one request pacer per run, and API failures as one clear line."""

from __future__ import annotations

import sys
from functools import cached_property

import requests
from singer_sdk import Tap
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError

from scheduling_taps_common.pacing import RequestPacer
from scheduling_taps_common.retry import MAX_RETRIES


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
        # Messages already name the request, the API's explanation and the setting to fix; a
        # traceback would only bury them. The unfinished stream's bookmark does not move, so
        # the next run repeats it: nothing is lost.
        try:
            super().sync_all()
        except FatalAPIError as error:
            self._fail(str(error))
        except RetriableAPIError as error:
            self._fail(f"gave up after {MAX_RETRIES} retries: {error}")
        except requests.exceptions.RequestException as error:
            self._fail(
                f"could not reach the API at {self.config.get('api_url')} ({type(error).__name__}). "
                "Check the `api_url` setting and the network."
            )

    def _fail(self, message: str) -> None:
        self.logger.error("%s failed: %s", self.name, message)
        sys.exit(1)
