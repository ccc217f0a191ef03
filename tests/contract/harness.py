"""Replaying the vendors' own example responses through a tap, and checking what comes out.

Each API has a folder ``tests/contract/<api>/`` with:

- ``examples/*.json``: one response body written by the vendor (OpenAPI example, or the API
  reference's sample), as ``{"origin": <where it was copied from>, "edits": [<every change made,
  and why>], "stream": <the tap stream it answers>, "path": <request path regex>, "status": 200,
  "headers": {...}, "body": <the vendor's JSON>}``;
- ``documented_fields.json``: per stream, every field the vendor documents (dotted paths, ``[]``
  for array items) with its documented type, and where that list comes from. It is the one
  source the tap's schemas and the fake's data are both checked against.

:class:`ReplayAPI` serves the examples on 127.0.0.1: any request whose path matches an
example's ``path`` gets that example (whatever its query), so a parent's example and its
children's example make a whole sync.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import typing as t
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import requests

from api_sandbox.server import FakeAPI, Request, Response

HERE = Path(__file__).parent

#: Documented-field coverage per "tap stream": (declared, documented); printed after the run.
COVERAGE: dict[str, tuple[int, int]] = {}


@dataclass(frozen=True)
class Example:
    file: Path
    origin: str
    stream: str
    path: re.Pattern[str]
    status: int
    headers: dict[str, str]
    body: t.Any

    @classmethod
    def load(cls, file: Path) -> Example:
        content = json.loads(file.read_text())
        assert content.get("origin"), f"{file.name}: every example says where it comes from"
        return cls(
            file,
            content["origin"],
            content["stream"],
            re.compile(content["path"]),
            int(content.get("status", 200)),
            dict(content.get("headers") or {}),
            content["body"],
        )

    def response(self) -> requests.Response:
        """The example as a ``requests`` response, for the tap's own ``parse_response``."""
        answer = requests.Response()
        answer.status_code = self.status
        answer._content = json.dumps(self.body).encode()
        answer.headers.update({"Content-Type": "application/json", **self.headers})
        answer.url = f"http://127.0.0.1/{self.file.stem}"
        answer.request = requests.Request("GET", answer.url).prepare()
        return answer


def apis() -> list[str]:
    return sorted(p.name for p in HERE.iterdir() if (p / "examples").is_dir())


def examples(api: str) -> list[Example]:
    return [Example.load(f) for f in sorted((HERE / api / "examples").glob("*.json"))]


def documented_fields(api: str) -> dict[str, dict[str, str]]:
    """stream -> dotted field path -> documented type."""
    return json.loads((HERE / api / "documented_fields.json").read_text())["streams"]


class ReplayAPI(FakeAPI):
    """Answers every request with the example whose ``path`` matches it; no credential check."""

    name = "replay"

    def __init__(self, served: list[Example]) -> None:
        super().__init__(enforce_rate_limits=False)
        self.served = served

    def authenticate(self, request: Request) -> Response | None:
        return None

    def answer_normally(self, request: Request) -> Response:
        for example in self.served:
            if example.path.search(request.path):
                return Response(status=example.status, body=example.body, headers=dict(example.headers))
        return self.error(404, f"no example answers {request.path}")


# -- what a record must satisfy -------------------------------------------------------------------

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        return False
    dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    return True


@FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.match(value):
        return False
    dt.date.fromisoformat(value)
    return True


def schema_errors(schema: dict[str, t.Any], record: dict[str, t.Any]) -> list[str]:
    """Why ``record`` is not valid against ``schema`` (formats date and date-time checked)."""
    validator = jsonschema.Draft202012Validator(schema, format_checker=FORMATS)
    return [f"{'.'.join(map(str, e.absolute_path)) or '<record>'}: {e.message}" for e in validator.iter_errors(record)]


def field_paths(value: t.Any, prefix: str = "") -> set[str]:
    """Every field of a record, recursively: ``a``, ``a.b``, ``items[].c``."""
    paths: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            path = f"{prefix}.{key}" if prefix else key
            paths.add(path)
            paths |= field_paths(inner, path)
    elif isinstance(value, list):
        for item in value:
            paths |= field_paths(item, f"{prefix}[]")
    return paths


def declared_paths(schema: dict[str, t.Any], prefix: str = "") -> set[str]:
    """Every field a schema declares, recursively, in the notation of :func:`field_paths`."""
    paths: set[str] = set()
    branches = [schema, *(schema.get("anyOf") or []), *(schema.get("oneOf") or [])]
    for branch in branches:
        for key, inner in (branch.get("properties") or {}).items():
            path = f"{prefix}.{key}" if prefix else key
            paths.add(path)
            paths |= declared_paths(inner, path)
        if isinstance(branch.get("items"), dict):
            paths |= declared_paths(branch["items"], f"{prefix}[]")
    return paths


# -- oddities the vendors document ----------------------------------------------------------------

#: Kinds of documented oddity, and how to recognise one in the raw data.
ODDITY_KINDS: dict[str, t.Callable[[t.Any], bool]] = {
    "numeric string": lambda v: isinstance(v, str) and bool(re.match(r"^-?\d+(\.\d+)?$", v)),
    "empty string": lambda v: v == "",
    "integer id": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "zone-less timestamp": lambda v: isinstance(v, str) and bool(re.match(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", v)),
}


def oddities(api: str) -> list[dict[str, str]]:
    """``[{"stream", "field", "kind", "origin"}]`` from the API's ``documented_fields.json``."""
    found = json.loads((HERE / api / "documented_fields.json").read_text()).get("oddities") or []
    for oddity in found:
        assert oddity["kind"] in ODDITY_KINDS, oddity
    return found


def values_at(record: t.Any, path: str) -> list[t.Any]:
    """The values at a dotted ``path`` (``[]`` steps into every item of a list)."""
    values = [record]
    for part in path.split("."):
        step_into = part.endswith("[]")
        name = part.removesuffix("[]")
        values = [v[name] for v in values if isinstance(v, dict) and name in v]
        if step_into:
            values = [item for v in values if isinstance(v, list) for item in v]
    return values
