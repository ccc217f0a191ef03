"""The Tap base class: settings checked early, one request pacer per run, failures in one line.

Settings are checked before any request; every failure is one clear line, not a traceback.
"""

from __future__ import annotations

import sys
import threading
import typing as t
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property

import requests
from singer_sdk import Tap, metrics
from singer_sdk.exceptions import ConfigValidationError, FatalAPIError, RetriableAPIError
from singer_sdk.helpers.capabilities import CapabilitiesEnum, PluginCapabilities, TapCapabilities
from typing_extensions import override

from scheduling_taps_common import sdk_private, settings
from scheduling_taps_common.pacing import RequestPacer
from scheduling_taps_common.reporting import SyncReporter
from scheduling_taps_common.retry import MAX_RETRIES
from scheduling_taps_common.writer import OneSchemaPerStreamWriter

#: Marks the threads of a tap's request pool (see :func:`in_request_pool`).
_REQUEST_POOL_THREAD = threading.local()


def _mark_request_pool_thread() -> None:
    _REQUEST_POOL_THREAD.active = True


def in_request_pool() -> bool:
    """Whether this thread is one of a tap's request-pool threads.

    A list read there (a parent's list read ahead, or the current user a prepared request needs)
    goes page after page: a pool thread waiting on work queued behind itself would wait forever
    with ``parallel_requests: 1``.
    """
    return bool(getattr(_REQUEST_POOL_THREAD, "active", False))


class SchedulingTap(Tap):
    """Base for the five taps."""

    #: The SDK's tap capabilities but BATCH: snapshot streams send ACTIVATE_VERSION after their
    #: listing, which in batch mode would reach the loader before the BATCH holding the records.
    capabilities: t.ClassVar[list[CapabilitiesEnum]] = [
        TapCapabilities.CATALOG,
        TapCapabilities.STATE,
        TapCapabilities.DISCOVER,
        TapCapabilities.ACTIVATE_VERSION,
        PluginCapabilities.ABOUT,
        PluginCapabilities.STREAM_MAPS,
        PluginCapabilities.FLATTENING,
        PluginCapabilities.STRUCTURED_LOGGING,
    ]

    #: Each stream's SCHEMA once per run, not once per parent record (see the writer).
    message_writer_class = OneSchemaPerStreamWriter

    def __init__(self, *args: t.Any, validate_config: bool = True, **kwargs: t.Any) -> None:
        # The SDK checks types, ranges and required settings; formats (`start_date`, `api_url`)
        # are checked here, and all problems are reported together, before any request.
        problems: list[str] = []
        # Before the SDK's first log line; the METRIC level is set again below, after the SDK's.
        sdk_private.quiet_sdk_chatter(metrics.get_metrics_logger())
        try:
            super().__init__(*args, validate_config=validate_config, **kwargs)
        except ConfigValidationError as error:
            problems = [settings.readable(e) for e in error.errors]
        if validate_config:
            problems += settings.format_problems(self.config, self.config_jsonschema)
        if problems:
            raise ConfigValidationError("Config validation failed", errors=problems)
        sdk_private.quiet_sdk_chatter(self.metrics_logger)

    #: The first per-parent list read ahead that failed for good; the queued ones then stop.
    read_ahead_failure: Exception | None = None

    @property
    def parallel_requests(self) -> int:
        """How many requests may be in flight at once (setting ``parallel_requests``, if declared)."""
        return int(self.config.get("parallel_requests") or 1)

    @cached_property
    def request_pool(self) -> ThreadPoolExecutor:
        """The threads that send requests ahead, ``parallel_requests`` of them (1 if not declared).

        They fetch the next page of the list being read and the lists of the next parents; at most
        that many requests are ever in flight, and every one goes through the shared pacer.
        """
        return ThreadPoolExecutor(
            max_workers=self.parallel_requests,
            thread_name_prefix=f"{self.name}-requests",
            initializer=_mark_request_pool_thread,
        )

    @cached_property
    def sync_reporter(self) -> SyncReporter:
        """What each stream of this run did: start, progress and end lines."""
        return SyncReporter()

    @cached_property
    def request_pacer(self) -> RequestPacer:
        """Shared by all streams: vendors rate-limit per account, not per endpoint."""
        return RequestPacer.from_rates(
            self.config.get("max_requests_per_second"),
            self.config.get("max_requests_per_minute"),
        )

    @property
    def request_timeout(self) -> int:
        """Seconds to wait for one answer (the ``request_timeout`` setting)."""
        return int(self.config.get("request_timeout") or settings.DEFAULT_REQUEST_TIMEOUT)

    @classmethod
    @override
    # [override]: Tap.invoke itself narrows PluginBase.invoke's **kwargs to named options, and the
    # SDK ignores the same error there; this signature is Tap.invoke's.
    def invoke(  # type: ignore[override]
        cls,
        *,
        about: bool = False,
        about_format: str | None = None,
        config: t.Any = None,
        state: t.IO[str] | None = None,
        catalog: t.IO[str] | None = None,
    ) -> None:
        # Messages already name the request, the API's explanation and the setting to fix; a
        # traceback would only bury them. An unfinished stream's bookmark does not move, so
        # the next run repeats it: nothing is lost.
        try:
            super().invoke(about=about, about_format=about_format, config=config, state=state, catalog=catalog)
        except ConfigValidationError as error:
            problems = "; ".join(error.errors) or str(error)
            cls._fail(f"invalid configuration: {problems}. Fix the setting and run again; no request was made.")
        except FatalAPIError as error:
            cls._fail(str(error))
        except RetriableAPIError as error:
            cls._fail(f"gave up after {MAX_RETRIES} retries: {error}")
        except requests.exceptions.Timeout as error:
            cls._fail(
                f"gave up after {MAX_RETRIES} retries: no answer within the `request_timeout` "
                f"({type(error).__name__}). Check the API's status, or raise `request_timeout`."
            )
        except requests.exceptions.RequestException as error:
            cls._fail(
                f"gave up after {MAX_RETRIES} retries: the connection to the API failed "
                f"({type(error).__name__}). Check the `api_url` setting and the network."
            )
        except ConnectionResetError as error:
            cls._fail(f"gave up after {MAX_RETRIES} retries: the API closed the connection ({type(error).__name__}).")

    @classmethod
    def _fail(cls, message: str) -> t.NoReturn:
        cls.logger.error("%s failed: %s", cls.name, message)
        sys.exit(1)
