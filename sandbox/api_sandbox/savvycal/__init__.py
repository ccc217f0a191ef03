"""Fake SavvyCal API v1: see :mod:`api_sandbox.savvycal.api` for what it reproduces."""

from .api import FakeSavvyCal, decode_cursor, encode_cursor
from .data import SavvyCalData

__all__ = ["FakeSavvyCal", "SavvyCalData", "decode_cursor", "encode_cursor"]
