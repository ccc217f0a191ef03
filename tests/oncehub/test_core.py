"""The SDK's standard tap tests (discovery, sync, schema conformance) against the OnceHub fake."""

from __future__ import annotations

from singer_sdk.testing import SuiteConfig, get_tap_test_class

from api_sandbox.oncehub import FakeOnceHub
from tap_oncehub.tap import TapOnceHub

# The test class is built at collection time, so the fake must already be serving.
FAKE = FakeOnceHub(seed=11, scale=0.05).start()

TestTapOnceHub = get_tap_test_class(
    TapOnceHub,
    config={"api_url": FAKE.url, "api_key": FakeOnceHub.valid_key, "start_date": "2020-01-01T00:00:00Z"},
    suite_config=SuiteConfig(max_records_limit=40),
)
