from api_sandbox.luma.api import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, FakeLuma

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_PAGE_SIZE", "FakeLuma"]
