"""Fake SavvyCal API v1: see api.py for what it reproduces."""

from api_sandbox.savvycal.api import FakeSavvyCal, decode_cursor, encode_cursor
from api_sandbox.savvycal.data import SavvyCalData

__all__ = ["FakeSavvyCal", "SavvyCalData", "decode_cursor", "encode_cursor"]
