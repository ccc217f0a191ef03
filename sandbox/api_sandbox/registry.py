"""Which fakes exist, found by name so the CLI and tests can start any subset."""

from __future__ import annotations

import importlib

from .server import FakeAPI

#: name -> "module:Class". A fake whose module is not there yet is simply not available.
FAKES: dict[str, str] = {
    "calendly": "api_sandbox.calendly:FakeCalendly",
    "luma": "api_sandbox.luma:FakeLuma",
    "float": "api_sandbox.float:FakeFloat",
    "savvycal": "api_sandbox.savvycal:FakeSavvyCal",
    "oncehub": "api_sandbox.oncehub:FakeOnceHub",
}


def load(name: str) -> type[FakeAPI]:
    """The fake class called ``name`` (a key of :data:`FAKES`)."""
    module_name, class_name = FAKES[name].split(":")
    fake = getattr(importlib.import_module(module_name), class_name)
    if not (isinstance(fake, type) and issubclass(fake, FakeAPI)):
        raise TypeError(f"{FAKES[name]} is not a FakeAPI")
    return fake


def available() -> list[str]:
    """The names of the fakes whose modules are installed."""
    names = []
    for name in FAKES:
        try:
            load(name)
        except ModuleNotFoundError:
            continue
        names.append(name)
    return names
