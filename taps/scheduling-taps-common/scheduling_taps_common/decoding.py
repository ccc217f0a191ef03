"""Tolerant decoding: values the vendors really send, brought to the type their SCHEMA declares.

A validating loader then never rejects a record over a representation.

The rules, and only these (values keep their meaning; nothing else about the API's data is
reshaped):

- a numeric string where the schema declares only numbers (``"hours": "2.0"``) becomes a number,
  and an empty one null;
- an integer where the schema declares only strings (an id sent as ``123``) becomes ``"123"``;
- an empty or blank string where the schema declares a date or date-time becomes null;
- a field the schema does not declare is dropped from the record's top level (the SDK would
  drop it too, more slowly), and reported once per field;
- a date-time without a zone (``2025-03-20 11:43:29``, ``2026-05-29 09:00``) becomes RFC 3339
  UTC (``2025-03-20T11:43:29Z``, ``2026-05-29T09:00:00Z``), and a bare date where a date-time is
  declared becomes that day's midnight UTC, for APIs that document their timestamps as UTC and
  write some of them as dates.

Anything else is left as sent: a value that still does not fit is the schema's problem, and the
contract tests (tests/contract) say so. The decoder is compiled once per schema, so each record
costs one pass over its fields.
"""

from __future__ import annotations

import decimal
import re
import typing as t

Fix = t.Callable[[t.Any], t.Any]

_NUMBER = re.compile(r"^\s*-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")
_NAIVE_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?)?$")


def declared_types(schema: t.Mapping[str, t.Any]) -> set[str]:
    """The JSON types a property may take (``type``, and the branches of ``anyOf``/``oneOf``)."""
    declared = schema.get("type")
    types = {declared} if isinstance(declared, str) else set(declared or ())
    for keyword in ("anyOf", "oneOf"):
        for branch in schema.get(keyword) or ():
            types |= declared_types(branch)
    return types


def _formats(schema: t.Mapping[str, t.Any]) -> set[str]:
    found = {schema["format"]} if schema.get("format") else set()
    for keyword in ("anyOf", "oneOf"):
        for branch in schema.get(keyword) or ():
            found |= _formats(branch)
    return found


class RecordDecoder:
    """``decoder(record)`` applies the rules above to ``record`` (in place) and returns it."""

    def __init__(
        self,
        schema: t.Mapping[str, t.Any],
        *,
        naive_datetimes_are_utc: bool = False,
        on_undeclared: t.Callable[[list[str]], None] | None = None,
    ) -> None:
        self.naive_datetimes_are_utc = naive_datetimes_are_utc
        self._fix = self._compile(schema) or _unchanged
        self._declared = frozenset(schema.get("properties") or ())
        self._on_undeclared = on_undeclared
        self._reported: set[str] = set()

    def __call__(self, record: dict[str, t.Any]) -> dict[str, t.Any]:
        """``record``, decoded in place."""
        if not record.keys() <= self._declared:
            undeclared = sorted(record.keys() - self._declared)
            for name in undeclared:
                del record[name]
            new = [name for name in undeclared if name not in self._reported]
            if new and self._on_undeclared is not None:
                self._reported.update(new)
                self._on_undeclared(new)
        fixed: dict[str, t.Any] = self._fix(record)  # an object fix returns the object it was given
        return fixed

    def _compile(self, schema: t.Mapping[str, t.Any]) -> Fix | None:
        """A function fixing one value of ``schema``, or None when no rule can apply."""
        compiled = self._compile_field(schema)
        return None if compiled is None else compiled[1]

    def _compile_field(self, schema: t.Mapping[str, t.Any]) -> tuple[frozenset[type], Fix] | None:
        """The types a value of ``schema`` may already have (no fix needed), and its fix."""
        types = declared_types(schema)
        if "object" in types and schema.get("properties"):
            fix = self._object_fix(schema["properties"])
            return None if fix is None else (frozenset(), fix)
        if "array" in types and isinstance(schema.get("items"), dict):
            fix = _array_fix(self._compile(schema["items"]))
            return None if fix is None else (frozenset(), fix)
        fixes: list[Fix] = []
        already_right: frozenset[type] = frozenset()
        formats = _formats(schema)
        if formats & {"date", "date-time"}:
            fixes.append(_blank_to_null)
            if "date-time" in formats and self.naive_datetimes_are_utc:
                fixes.append(_naive_to_utc)
        elif types and types <= {"number", "integer", "null"}:
            fixes += [_blank_to_null, _numeric_string_to_number if "number" in types else _integer_string_to_integer]
            already_right = frozenset({int, float, decimal.Decimal} if "number" in types else {int})
        elif types and types <= {"string", "null"}:
            fixes.append(_integer_to_string)
            already_right = frozenset({str})
        if not fixes:
            return None
        return already_right, fixes[0] if len(fixes) == 1 else _chain(fixes)

    def _object_fix(self, properties: t.Mapping[str, t.Any]) -> Fix | None:
        fields = [
            (name, already_right, fix)
            for name, spec in properties.items()
            if (compiled := self._compile_field(spec)) is not None
            for already_right, fix in [compiled]
        ]
        if not fields:
            return None

        def fix_object(value: t.Any) -> t.Any:
            # The common case first: a value of a declared type needs no call at all.
            if isinstance(value, dict):
                for name, already_right, fix in fields:
                    item = value.get(name)
                    if item is not None and type(item) not in already_right:
                        value[name] = fix(item)
            return value

        return fix_object


def _unchanged(value: t.Any) -> t.Any:
    return value


def _chain(fixes: list[Fix]) -> Fix:
    def fix_all(value: t.Any) -> t.Any:
        for fix in fixes:
            if value is None:
                return None
            value = fix(value)
        return value

    return fix_all


def _array_fix(item_fix: Fix | None) -> Fix | None:
    if item_fix is None:
        return None

    def fix_items(value: t.Any) -> t.Any:
        if isinstance(value, list):
            return [item_fix(item) if item is not None else None for item in value]
        return value

    return fix_items


def _blank_to_null(value: t.Any) -> t.Any:
    return None if isinstance(value, str) and not value.strip() else value


def _naive_to_utc(value: t.Any) -> t.Any:
    if isinstance(value, str) and (match := _NAIVE_DATETIME.match(value.strip())):
        day, minutes, seconds = match[1], match[2] or "00:00", match[3] or ":00"
        return f"{day}T{minutes}{seconds}Z"
    return value


def _numeric_string_to_number(value: t.Any) -> t.Any:
    if isinstance(value, str) and _NUMBER.match(value):
        number = decimal.Decimal(value.strip())
        written_as_integer = "." not in value and "e" not in value.lower()
        return int(number) if written_as_integer and number == number.to_integral_value() else number
    return value


def _integer_string_to_integer(value: t.Any) -> t.Any:
    if isinstance(value, str) and _NUMBER.match(value):
        number = decimal.Decimal(value.strip())
        if number == number.to_integral_value():
            return int(number)
    return value


def _integer_to_string(value: t.Any) -> t.Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value
