"""Turn one stream of ../shared/reference/schemas/<api>.json into a JSON Schema file.

A development aid, used once per stream when writing a tap's ``schemas/*.json`` (the committed
JSON files are the source of truth, and are edited by hand afterwards). The reference notation:
``"string(date-time)|null"``, ``"array<string>"``, nested ``{"_type": "object|null", ...}`` and
``{"_type": "array<object>", "_items": {...}}``; fields whose note says ``NOT from API`` are
skipped. Every field but the primary key is nullable: APIs omit and null fields more often
than their docs admit, and a null must never fail a sync.

    python scripts/reference_schema.py ../shared/reference/schemas/calendly.json scheduled_events uri > x.json
"""

from __future__ import annotations

import json
import re
import sys
import typing as t

_SCALAR = re.compile(r"^\s*(?P<base>string|integer|number|boolean|object|array)(?:<(?P<item>\w+)>)?(?:\((?P<fmt>[\w-]+)\))?(?P<rest>[|\w<>()-]*)")
_FORMATS = {"date-time": "date-time", "date": "date"}


def convert_field(spec: t.Any, *, required: bool = False) -> dict[str, t.Any]:
    if isinstance(spec, dict):
        kind = spec.get("_type", "object")
        if kind.startswith("array"):
            items = convert_object(spec.get("_items", {}))
            return _nullable({"type": "array", "items": items}, required)
        return _nullable(convert_object(spec), required)
    text = str(spec)
    match = _SCALAR.match(text)
    if match is None or "|" in (match.group("rest") or "").replace("|null", ""):
        return {}  # a union the notation cannot express precisely: accept any JSON value
    base, item, fmt = match.group("base"), match.group("item"), match.group("fmt")
    schema: dict[str, t.Any] = {"type": base}
    if base == "array":
        schema["items"] = {"type": item} if item and item != "object" else {}
    if base == "object":
        schema["additionalProperties"] = True
    if fmt in _FORMATS:
        schema["format"] = _FORMATS[fmt]
    return _nullable(schema, required)


def convert_object(spec: dict[str, t.Any]) -> dict[str, t.Any]:
    properties = {
        name: convert_field(value)
        for name, value in spec.items()
        if not name.startswith("_") and "NOT from API" not in str(value)
    }
    return {"type": "object", "properties": properties, "additionalProperties": True}


def _nullable(schema: dict[str, t.Any], required: bool) -> dict[str, t.Any]:
    if required or not schema:
        return schema
    schema["type"] = [schema["type"], "null"]
    return schema


def convert_stream(fields: dict[str, t.Any], primary_key: list[str]) -> dict[str, t.Any]:
    schema = convert_object(fields)
    for key in primary_key:
        schema["properties"][key] = convert_field(fields[key], required=True)
    schema["required"] = list(primary_key)
    return schema


if __name__ == "__main__":
    reference, stream, *keys = sys.argv[1:]
    fields = json.load(open(reference))["streams"][stream]["fields"]
    json.dump(convert_stream(fields, keys or ["id"]), sys.stdout, indent=2)
    print()
