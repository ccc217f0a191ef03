from api_sandbox.oncehub.api import FakeOnceHub

__all__ = ["FakeOnceHub"]
