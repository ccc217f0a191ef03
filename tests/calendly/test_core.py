"""The SDK's standard tap tests (discovery, sync, schema conformance) against the Calendly fake."""

from __future__ import annotations

from singer_sdk.testing import SuiteConfig, get_tap_test_class

from api_sandbox.calendly import FakeCalendly
from tap_calendly.tap import TapCalendly

# The test class is built at collection time, so the fake must already be serving.
FAKE = FakeCalendly(seed=11, scale=0.05).start()

TestTapCalendly = get_tap_test_class(
    TapCalendly,
    config={"api_url": FAKE.url, "api_key": FakeCalendly.valid_key, "start_date": "2020-01-01T00:00:00Z"},
    suite_config=SuiteConfig(max_records_limit=40),
)
