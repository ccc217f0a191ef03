"""The SDK's standard tap tests (discovery, sync, schema conformance) against the SavvyCal fake."""

from __future__ import annotations

from singer_sdk.testing import SuiteConfig, get_tap_test_class

from api_sandbox.savvycal import FakeSavvyCal
from tap_savvycal.tap import TapSavvyCal

# The test class is built at collection time, so the fake must already be serving.
FAKE = FakeSavvyCal(seed=11, scale=0.05).start()

TestTapSavvyCal = get_tap_test_class(
    TapSavvyCal,
    config={"api_url": FAKE.url, "api_key": FakeSavvyCal.valid_key},
    suite_config=SuiteConfig(max_records_limit=40),
)
