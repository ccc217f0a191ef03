"""The SDK's standard tap tests (discovery, sync, schema conformance) against the Float fake."""

from __future__ import annotations

from singer_sdk.testing import SuiteConfig, get_tap_test_class

from api_sandbox.float import FakeFloat
from tap_float.tap import TapFloat

# The test class is built at collection time, so the fake must already be serving. The suite
# syncs many times: rate limits are off here and pacing too (tests of both are elsewhere).
FAKE = FakeFloat(seed=11, scale=0.02, enforce_rate_limits=False).start()

TestTapFloat = get_tap_test_class(
    TapFloat,
    config={
        "api_url": FAKE.url,
        "api_token": FakeFloat.valid_key,
        "start_date": "2020-01-01T00:00:00Z",
        "max_requests_per_second": 0,
        "max_requests_per_minute": 0,
        # A year of reports: at this scale a month may hold no allocation, and no project row.
        "report_window_days": 365,
    },
    suite_config=SuiteConfig(max_records_limit=40),
)
