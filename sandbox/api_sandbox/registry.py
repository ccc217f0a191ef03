"""Which fakes exist, found by name so the CLI and tests can start any subset."""

from __future__ import annotations

import importlib
import typing as t

if t.TYPE_CHECKING:
    from api_sandbox.server import FakeAPI

#: name -> "module:Class". A fake whose module is not there yet is simply not available.
FAKES: dict[str, str] = {
    "calendly": "api_sandbox.calendly:FakeCalendly",
    "luma": "api_sandbox.luma:FakeLuma",
    "float": "api_sandbox.float:FakeFloat",
    "savvycal": "api_sandbox.savvycal:FakeSavvyCal",
    "oncehub": "api_sandbox.oncehub:FakeOnceHub",
}


def load(name: str) -> type[FakeAPI]:
    module_name, class_name = FAKES[name].split(":")
    return getattr(importlib.import_module(module_name), class_name)


def available() -> list[str]:
    names = []
    for name in FAKES:
        try:
            load(name)
        except ModuleNotFoundError:
            continue
        names.append(name)
    return names
