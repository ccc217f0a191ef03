"""The Singer SDK's standard tap tests, against the fake Luma API.

The test class is built at collection time, so the fake starts when this module is imported
(and stops with the interpreter: it runs in a daemon thread).
"""

from __future__ import annotations

from luma.helpers import tap_config
from singer_sdk.testing import SuiteConfig, get_tap_test_class

from api_sandbox.luma import FakeLuma
from tap_luma.tap import TapLuma

# Small, but the largest guest list still has guests; rate limits stay enforced.
FAKE = FakeLuma(seed=7, scale=0.1).start()

TestTapLuma = get_tap_test_class(
    TapLuma,
    config=tap_config(FAKE),
    suite_config=SuiteConfig(max_records_limit=500, ignore_no_records=False),
)
