from api_sandbox.calendly.api import MEMBER_KEY, FakeCalendly

__all__ = ["MEMBER_KEY", "FakeCalendly"]
