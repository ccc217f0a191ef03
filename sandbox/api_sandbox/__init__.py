"""Local fakes of the five scheduling APIs, faithful to each vendor's documented wire behaviour."""

from api_sandbox.server import FakeAPI, Request, Response, json_response, route

__all__ = ["FakeAPI", "Request", "Response", "json_response", "route"]
