"""Local fakes of the five scheduling APIs, faithful to ../shared/reference/apis.md."""

from api_sandbox.server import FakeAPI, Request, Response, json_response, route

__all__ = ["FakeAPI", "Request", "Response", "json_response", "route"]
