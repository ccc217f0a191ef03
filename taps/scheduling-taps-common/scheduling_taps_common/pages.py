"""Well-formed pages, and paging that proves it advanced.

A list endpoint's answer is either a page as the vendor documents it, or an error: a ``200``
with another body (``{"message": "ok"}``, an HTML maintenance page, nothing at all) taken as
"no more records" would end the stream as if the list were complete, and an incremental
bookmark or a snapshot marker would then make the loss permanent. So every page is checked
against its :class:`PageShape`, and every cursor against the cursors already followed.
"""

from __future__ import annotations

import decimal
import json
import typing as t
import weakref
from dataclasses import dataclass, field
from urllib.parse import urlparse

import msgspec
from singer_sdk.exceptions import FatalAPIError
from singer_sdk.pagination import BaseAPIPaginator
from typing_extensions import override

if t.TYPE_CHECKING:
    from collections.abc import Mapping

    import requests

#: Longest excerpt of an unexpected body quoted in a message.
_EXCERPT = 120

#: msgspec decodes a page several times faster than the standard library; numbers with a
#: fraction stay exact (Decimal), as the SDK's own decoding keeps them.
_DECODER = msgspec.json.Decoder(float_hook=decimal.Decimal)

#: Bodies already decoded, so the stream and its paginator decode each page once.
_BODIES: weakref.WeakKeyDictionary[requests.Response, t.Any] = weakref.WeakKeyDictionary()

#: JSON type names, for messages and for checking (``bool`` is not an ``int`` in JSON).
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float, decimal.Decimal),
    "null": (type(None),),
}


class MalformedResponseError(FatalAPIError):
    """The API answered 2xx with something other than the documented page."""


def request_line(response: requests.Response) -> str:
    """``GET /path`` of the request that got ``response`` (never the query: it may hold secrets)."""
    request = response.request
    method = request.method if request is not None and request.method else "GET"
    return f"{method} {urlparse(response.url).path}"


def malformed(response: requests.Response, problem: str) -> MalformedResponseError:
    """One line naming the request and what is wrong with its answer."""
    return MalformedResponseError(
        f"Malformed response for {request_line(response)}: {problem}. The run stops rather than "
        "skip records; the next run reads this list again"
    )


def page_body(response: requests.Response) -> t.Any:
    """The decoded JSON body (numbers with a fraction as ``Decimal``), decoded once per response."""
    try:
        return _BODIES[response]
    except KeyError:
        pass
    try:
        body = _DECODER.decode(response.content)
    except (msgspec.DecodeError, ValueError) as exc:
        content_type = response.headers.get("Content-Type", "no content type")
        excerpt = " ".join(response.text.split())[:_EXCERPT]
        msg = f"expected JSON, got {content_type} ({excerpt!r}); check the `api_url` setting"
        raise malformed(response, msg) from exc
    _BODIES[response] = body
    return body


def is_json_type(value: t.Any, *type_names: str) -> bool:
    """Whether ``value`` is of one of the JSON types named (``object``, ``string``, ``null``...)."""
    if isinstance(value, bool):
        return "boolean" in type_names
    return any(isinstance(value, _JSON_TYPES[name]) for name in type_names)


@dataclass(frozen=True)
class PageShape:
    """What a well-formed page of one API looks like.

    ``records``: the member holding the list of records (dotted for nested members), or ``None``
    when the body is the list itself. ``members``: further members every page carries, as
    dotted path -> the JSON types allowed (``{"pagination": ("object",)}``).
    """

    records: str | None
    members: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def records_of(self, response: requests.Response) -> list[dict[str, t.Any]]:
        """The page's records, or :class:`MalformedResponseError` naming what does not match."""
        body = page_body(response)
        if self.records is None:
            records = body
            where = "a JSON array"
        else:
            if not isinstance(body, dict):
                raise malformed(response, f"expected a JSON object with `{self.records}`, got {_kind(body)}")
            found, records = _member(body, self.records)
            if not found:
                raise malformed(response, f"expected the records under `{self.records}`, got {_excerpt(body)}")
            for path, types in self.members.items():
                found, value = _member(body, path)
                if not found:
                    raise malformed(response, f"expected `{path}` in the page, got {_excerpt(body)}")
                if not is_json_type(value, *types):
                    raise malformed(response, f"expected `{path}` to be {' or '.join(types)}, got {_kind(value)}")
            where = f"`{self.records}`"
        if not isinstance(records, list):
            raise malformed(response, f"expected {where} to be a list of records, got {_kind(records)}")
        if not all(isinstance(record, dict) for record in records):
            raise malformed(response, f"expected every item of {where} to be an object")
        return records


def member(body: t.Any, path: str) -> t.Any:
    """The value at a dotted ``path`` of a decoded body, or ``None`` when it is absent."""
    return _member(body, path)[1]


def _member(body: t.Any, path: str) -> tuple[bool, t.Any]:
    value = body
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return False, None
        value = value[part]
    return True, value


def _kind(value: t.Any) -> str:
    for name in ("object", "array", "string", "boolean", "null"):
        if is_json_type(value, name):
            return f"a JSON {name}" if name != "null" else "null"
    return f"a JSON {type(value).__name__}"


def _excerpt(body: t.Any) -> str:
    return json.dumps(body, default=str)[:_EXCERPT]


class CursorPaginator(BaseAPIPaginator[str | None]):
    """Cursor paging that must prove every step.

    ``next_cursor`` names the next page, or ``None`` for the last one. A cursor already followed
    (the API handing out a page it gave before) is a :class:`MalformedResponseError`, never an
    end and never an endless loop.

    An empty page that still names a next page is followed: only the API saying so ends a list.
    """

    def __init__(self) -> None:
        super().__init__(None)
        self._followed: set[str] = set()

    def next_cursor(self, response: requests.Response) -> str | None:
        """The cursor of the page after ``response``'s, ``None`` on the last page."""
        raise NotImplementedError

    @override
    def has_more(self, response: requests.Response) -> bool:
        return self.next_cursor(response) is not None

    @override
    def continue_if_empty(self, response: requests.Response) -> bool:
        return self.has_more(response)

    @override
    def get_next(self, response: requests.Response) -> str | None:
        cursor = self.next_cursor(response)
        if cursor is None:
            return None
        if cursor in self._followed:
            raise malformed(response, "the API sent a page cursor it had sent before, so the list would never end")
        self._followed.add(cursor)
        return cursor
