"""Local fakes of the five scheduling APIs, faithful to each vendor's documented wire behaviour.

:mod:`api_sandbox.server` is the toolkit the fakes are built with; :mod:`api_sandbox.registry`
finds a fake by name; ``api-sandbox serve`` (:mod:`api_sandbox.cli`) runs them for the demo.
"""

from .server import ApiError, FakeAPI, Request, Response, json_response, route

__all__ = ["ApiError", "FakeAPI", "Request", "Response", "json_response", "route"]
