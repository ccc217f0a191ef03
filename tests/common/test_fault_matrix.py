"""The fault matrix: every tap, against everything an API (or the network in front of it) can
answer instead of a clean page, and every bad setting.

Each cell ends in one of two outcomes, and asserts which:

- **complete**: exit 0, every record of the source once, nothing else (the fault was retried
  or handled), and the waits the retries asked for are the ones the policy promises;
- **refused**: a non-zero exit with one error line naming the problem (no traceback), and
  after a second run, started from the last STATE of the first as Meltano would, the
  destination holds every record of the source: nothing lost, no bookmark moved past unread
  records, no row retired by a marker of an incomplete listing.

Faults hit the second request to each tap's main paged list (its second page), so records of
the first page are already out when the fault comes. No cell may print the credential. Retry
waits are injected (``no_waits``), so the matrix sleeps through no backoff.
"""

from __future__ import annotations

import importlib
import re
import typing as t
from dataclasses import dataclass

import pytest
from support.destination import MergedDestination, keys_of
from support.singer import TapRun, credential_setting, run_tap, sandbox_config, tap_class, unpaced

from api_sandbox.calendly.data import uuid_of
from scheduling_taps_common import MAX_RETRIES, SchedulingAPIStream
from scheduling_taps_common.settings import DEFAULT_PARALLEL_REQUESTS

if t.TYPE_CHECKING:
    from api_sandbox.server import FakeAPI


@dataclass(frozen=True)
class Case:
    """One tap under test: the paged list the faults hit, its per-parent child list (if any),
    and a fake scale that gives that list at least two pages."""

    api: str
    paged_stream: str
    child_stream: str | None
    scale: float

    @property
    def tap(self) -> str:
        return f"tap-{self.api}"

    def stream(self, name: str) -> SchedulingAPIStream:
        tap = tap_class(self.tap)(config={}, validate_config=False, setup_mapper=False)
        return t.cast("SchedulingAPIStream", tap.streams[name])

    def path_regex(self, stream: str) -> str:
        """The stream's request path as the fake sees it (``{uuid}`` placeholders: any segment)."""
        path = self.stream(stream).path
        parts = re.split(r"(\{[^}]+\})", path)
        return "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts) + "$"

    @property
    def credential_setting(self) -> str:
        return credential_setting(self.tap)

    @property
    def settings(self) -> dict[str, t.Any]:
        return tap_class(self.tap).config_jsonschema["properties"]

    def config(self, fake: FakeAPI, **overrides: t.Any) -> dict[str, t.Any]:
        # Client-side pacing off (the fakes do not enforce limits here) and a short timeout,
        # so a stalled answer is given up on quickly.
        return sandbox_config(self.tap, fake, **unpaced(self.tap), request_timeout=1, **overrides)


CASES = [
    Case("calendly", "scheduled_events", "event_invitees", 0.25),
    Case("luma", "events", "event_guests", 0.3),
    Case("float", "logged_time", None, 0.15),
    Case("savvycal", "events", None, 0.25),
    Case("oncehub", "bookings", None, 0.1),
]
BY_API = {case.api: case for case in CASES}


def source_keys(case: Case, fake: FakeAPI, key_properties: dict[str, list[str]]) -> dict[str, set[tuple[t.Any, ...]]]:
    """Every stream's keys in the fake's current data (keys named by the tap's SCHEMA messages)."""
    source = importlib.import_module(f"parity.dlt_configs.{case.api}").source(fake)
    return {stream: set(keys_of(records, key_properties[stream])) for stream, records in source.items()}


# -- the two outcomes -----------------------------------------------------------------------------


def assert_no_secret(run: TapRun, fake: FakeAPI) -> None:
    assert fake.valid_key not in run.stderr, "the credential reached the log"
    assert all(fake.valid_key not in str(m) for m in run.messages), "the credential reached a message"


def assert_markers_follow_their_records(run: TapRun) -> None:
    """ACTIVATE_VERSION only after the last RECORD of its stream: a loader never retires a row
    the listing had not reached yet."""
    for index, message in enumerate(run.messages):
        if message["type"] == "ACTIVATE_VERSION" and run.records[message["stream"]]:
            assert index > run.index_of_last("RECORD", message["stream"]), message


def assert_complete(case: Case, fake: FakeAPI, run: TapRun, *, except_keys: dict[str, set] | None = None) -> None:
    assert run.returncode == 0, run.stderr[-3000:]
    assert_no_secret(run, fake)
    assert_markers_follow_their_records(run)
    expected = source_keys(case, fake, run.key_properties)
    for stream, keys in expected.items():
        emitted = keys_of(run.records[stream], run.key_properties[stream])
        assert len(emitted) == len(set(emitted)), f"{stream}: a record was emitted twice"
        wanted = keys - (except_keys or {}).get(stream, set())
        assert set(emitted) == wanted, (
            f"{stream}: {len(wanted - set(emitted))} missing, {len(set(emitted) - wanted)} extra"
        )


def assert_refused_then_resumed(
    case: Case, fake: FakeAPI, run: TapRun, config: dict[str, t.Any], *, says: str, interrupted: str | None
) -> TapRun:
    """``run`` failed in one clear line, leaving the ``interrupted`` stream's listing unmarked;
    the next run (fault gone, state from the failed run) leaves the destination complete."""
    assert run.returncode != 0, f"expected a refusal, the run succeeded:\n{run.stderr[-3000:]}"
    assert_no_secret(run, fake)
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert len(run.error_lines) == 1, run.error_lines
    (error,) = run.error_lines
    assert error == run.stderr.rstrip().splitlines()[-1], "the error must be the last line"
    assert f"{case.tap} failed: " in error and says in error, error
    assert_markers_follow_their_records(run)
    if interrupted is not None:
        assert not run.activations(interrupted), "an interrupted listing was marked complete"
    fake.clear_faults()
    resumed = run_tap(case.tap, config, state=run.state)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    destination = MergedDestination().load(run).load(resumed)
    for stream, keys in source_keys(case, fake, resumed.key_properties).items():
        assert destination.live(stream) == keys, f"{stream}: {len(keys - destination.live(stream))} rows lost"
    return resumed


# -- faults that are retried ----------------------------------------------------------------------

RETRIED = {
    # id: (inject the fault, waits the retry must ask for (None: any))
    "429-retry-after": (
        lambda fake, path: fake.inject_fault(429, path=path, after=1, headers={"Retry-After": "7"}),
        [7.0],
    ),
    "429-no-retry-after": (lambda fake, path: fake.inject_fault(429, path=path, after=1), None),
    "500": (lambda fake, path: fake.inject_fault(500, path=path, after=1), [2.0]),
    "502": (lambda fake, path: fake.inject_fault(502, path=path, after=1), [2.0]),
    "503-twice": (lambda fake, path: fake.inject_fault(503, path=path, after=1, times=2), [2.0, 4.0]),
    "504": (lambda fake, path: fake.inject_fault(504, path=path, after=1), [2.0]),
    "connection-reset": (lambda fake, path: fake.reset_connection(path=path, after=1), [2.0]),
    "stall": (lambda fake, path: fake.stall(3, path=path, after=1), [2.0]),
    "transfer-cut-mid-body": (lambda fake, path: fake.cut_transfer(path=path, after=1), [2.0]),
}


@pytest.mark.parametrize("api", BY_API)
@pytest.mark.parametrize("fault", RETRIED)
def test_a_retried_fault_loses_nothing(start_fake, no_waits, api, fault):
    case = BY_API[api]
    fake = start_fake(api, seed=31, scale=case.scale, enforce_rate_limits=False)
    inject, waits = RETRIED[fault]
    injected = inject(fake, case.path_regex(case.paged_stream))

    run = run_tap(case.tap, case.config(fake))

    assert injected.fired == injected.times
    assert_complete(case, fake, run)
    assert len(run.warning_lines) >= injected.times and "Retrying GET" in run.stderr
    if waits is not None:
        assert no_waits == waits
    elif api == "luma":
        assert no_waits == [60.0]  # a bare 429 waits out Luma's one-minute block
    else:
        assert no_waits == [2.0]


# -- faults that stop the run ---------------------------------------------------------------------

REFUSED = {
    # id: (inject the fault, what the error line says)
    "503-past-the-retry-budget": (
        lambda fake, path: fake.inject_fault(503, path=path, after=1, times=MAX_RETRIES + 1),
        f"gave up after {MAX_RETRIES} retries: HTTP 503",
    ),
    "stall-past-the-retry-budget": (
        lambda fake, path: fake.stall(3, path=path, after=1, times=MAX_RETRIES + 1),
        "no answer within the `request_timeout`",
    ),
    "truncated-json": (lambda fake, path: fake.truncate_body(path=path, after=1), "expected JSON"),
    "html-with-200": (
        lambda fake, path: fake.inject(lambda api, request: _html(), path=path, after=1),
        "expected JSON, got text/html",
    ),
    "empty-200": (lambda fake, path: fake.inject_fault(200, path=path, after=1, body=b""), "expected JSON"),
    "wrong-envelope": (
        lambda fake, path: fake.inject_fault(200, path=path, after=1, body={"message": "ok"}),
        "Malformed response for GET",
    ),
    "page-repeated": (lambda fake, path: fake.replay_first_page(path=path), "Malformed response for GET"),
    "key-revoked-mid-run": (lambda fake, path: fake.inject_fault(401, after=2, times=10_000), "HTTP 401"),
}


def _html():
    from api_sandbox.server import Response

    return Response(status=200, body="<html><body>Down for maintenance</body></html>", content_type="text/html")


@pytest.mark.parametrize("api", BY_API)
@pytest.mark.parametrize("fault", REFUSED)
def test_a_fault_that_cannot_be_read_stops_the_run_and_the_next_run_loses_nothing(start_fake, no_waits, api, fault):
    case = BY_API[api]
    fake = start_fake(api, seed=31, scale=case.scale, enforce_rate_limits=False)
    inject, says = REFUSED[fault]
    injected = inject(fake, case.path_regex(case.paged_stream))
    # The SDK's own flag would send ACTIVATE_VERSION before the records; it must change nothing.
    config = case.config(fake, emit_activate_version_messages=True)

    run = run_tap(case.tap, config)

    assert injected.fired >= 1
    interrupted: str | None = case.paged_stream
    if fault == "key-revoked-mid-run":  # whichever request comes third, of any stream
        says, interrupted = f"check the `{case.credential_setting}` setting", None
        refused = [(r.path, repr(sorted(r.query.items()))) for r in fake.requests if r.status == 401]
        assert len(refused) == len(set(refused)), "a 401 is not retried"
        # Lists read ahead may already be in flight; the queued ones are not requested.
        assert len(refused) <= config.get("parallel_requests", DEFAULT_PARALLEL_REQUESTS)
    assert_refused_then_resumed(case, fake, run, config, says=says, interrupted=interrupted)


# -- a parent that vanishes, a child that is refused ----------------------------------------------

#: How each API names a child request's parent: (child record field, parent id in the request).
PARENT_OF_CHILD = {
    "calendly": (
        "event",
        lambda request, fake: next(
            e["uri"] for e in fake.data.events if uuid_of(e["uri"]) == request.path.split("/")[-2]
        ),
    ),
    "luma": ("event_api_id", lambda request, fake: request.arg("event_api_id")),
}


@pytest.mark.parametrize("api", PARENT_OF_CHILD)
def test_a_child_list_answered_404_skips_that_parent_with_a_warning(start_fake, no_waits, api):
    case = BY_API[api]
    fake = start_fake(api, seed=31, scale=case.scale, enforce_rate_limits=False)
    assert case.child_stream is not None
    fake.inject_fault(404, path=case.path_regex(case.child_stream), after=3)

    run = run_tap(case.tap, case.config(fake))

    (vanished,) = [r for r in fake.requests if r.status == 404]
    field, parent_id = PARENT_OF_CHILD[api]
    parent = parent_id(vanished, fake)
    source = importlib.import_module(f"parity.dlt_configs.{api}").source(fake)[case.child_stream]
    orphans = set(keys_of([c for c in source if c[field] == parent], run.key_properties[case.child_stream]))
    assert orphans, "the vanished parent had children in the source"
    assert_complete(case, fake, run, except_keys={case.child_stream: orphans})
    assert [line for line in run.warning_lines if "vanished" in line and "HTTP 404" in line], run.warning_lines


CHILD_REFUSED = {
    "403": (lambda fake, path: fake.inject_fault(403, path=path, after=3), "HTTP 403"),
    "wrong-envelope": (
        lambda fake, path: fake.inject_fault(200, path=path, after=3, body={"message": "ok"}),
        "Malformed response for GET",
    ),
}


@pytest.mark.parametrize("api", PARENT_OF_CHILD)
@pytest.mark.parametrize("fault", CHILD_REFUSED)
def test_a_child_list_that_cannot_be_read_stops_the_run(start_fake, no_waits, api, fault):
    # An event's invitees (guests) taken as "none" would be lost for good: the next window or
    # listing has no reason to read that event's children again.
    case = BY_API[api]
    fake = start_fake(api, seed=31, scale=case.scale, enforce_rate_limits=False)
    assert case.child_stream is not None
    inject, says = CHILD_REFUSED[fault]
    inject(fake, case.path_regex(case.child_stream))
    config = case.config(fake)
    run = run_tap(case.tap, config)
    assert_refused_then_resumed(case, fake, run, config, says=says, interrupted=case.child_stream)


# -- bad settings: refused before the first request -----------------------------------------------

BAD_SETTINGS = {
    # setting: (bad value, what the error line says)
    "start_date": ("yesterday", "`start_date`: 'yesterday' is not an ISO-8601 date or date-time (e.g. 2025-01-31"),
    "api_url": ("api.example.com/v1", "`api_url`: 'api.example.com/v1' is not an http(s) URL (e.g. https://"),
    "max_requests_per_second": (-1, "`max_requests_per_second`: -1 is less than the minimum of 0"),
    "max_requests_per_minute": ("fast", "`max_requests_per_minute`: 'fast' is not of type 'integer'"),
    "request_timeout": (0, "`request_timeout`: 0 is less than the minimum of 1"),
}


@pytest.mark.parametrize("api", BY_API)
@pytest.mark.parametrize("setting", [*BAD_SETTINGS, "credential-missing"])
def test_a_bad_setting_is_refused_before_any_request(start_fake, api, setting):
    case = BY_API[api]
    fake = start_fake(api, seed=31, scale=0.05, enforce_rate_limits=False)
    config = case.config(fake)
    if setting == "credential-missing":
        del config[case.credential_setting]
        says = f"`{case.credential_setting}` is required and not set"
    else:
        if setting not in case.settings:
            pytest.skip(f"{case.tap} has no `{setting}` setting")
        config[setting], says = BAD_SETTINGS[setting]

    run = run_tap(case.tap, config)

    assert run.returncode != 0
    assert run.error_lines == [run.stderr.rstrip().splitlines()[-1]], run.stderr
    assert f"{case.tap} failed: invalid configuration: " in run.error_lines[0]
    assert says in run.error_lines[0], run.error_lines[0]
    assert not fake.requests, "a request reached the API before the settings were checked"
