from api_sandbox.float.api import EDGE_FORBIDDEN_HTML, TIME_TRACKING_OFF, FakeFloat

__all__ = ["EDGE_FORBIDDEN_HTML", "TIME_TRACKING_OFF", "FakeFloat"]
