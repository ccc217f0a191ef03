"""Fake Float API v3: see :mod:`api_sandbox.float.api` for what it reproduces."""

from .api import EDGE_FORBIDDEN_HTML, TIME_TRACKING_OFF, FakeFloat

__all__ = ["EDGE_FORBIDDEN_HTML", "TIME_TRACKING_OFF", "FakeFloat"]
