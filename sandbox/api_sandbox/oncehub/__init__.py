"""Fake OnceHub API v2: see :mod:`api_sandbox.oncehub.api` for what it reproduces."""

from .api import FakeOnceHub

__all__ = ["FakeOnceHub"]
