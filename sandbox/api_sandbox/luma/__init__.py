"""Fake Luma public API v1: see :mod:`api_sandbox.luma.api` for what it reproduces."""

from .api import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, FakeLuma

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_PAGE_SIZE", "FakeLuma"]
