"""Fake Calendly API v2: see :mod:`api_sandbox.calendly.api` for what it reproduces."""

from .api import MEMBER_KEY, FakeCalendly

__all__ = ["MEMBER_KEY", "FakeCalendly"]
