"""JSON Schema -> DuckDB column types, safe identifiers, and type widening."""

from __future__ import annotations

import re
import typing as t
from decimal import Decimal

JSON = "JSON"
VARCHAR = "VARCHAR"
BIGINT = "BIGINT"
DOUBLE = "DOUBLE"
BOOLEAN = "BOOLEAN"
TIMESTAMPTZ = "TIMESTAMPTZ"
DATE = "DATE"
TIME = "TIME"

# DuckDB reports some types under a longer name than the one we write in DDL.
_TYPE_ALIASES = {
    "TIMESTAMP WITH TIME ZONE": TIMESTAMPTZ,
    "INTEGER": BIGINT,
    "SMALLINT": BIGINT,
    "TINYINT": BIGINT,
    "HUGEINT": BIGINT,
    "FLOAT": DOUBLE,
    "REAL": DOUBLE,
    "TEXT": VARCHAR,
    "STRING": VARCHAR,
}
_DECIMAL_RE = re.compile(r"^DECIMAL\((\d+),\s*(\d+)\)$")
_MAX_DECIMAL_PRECISION = 38
_STRING_FORMATS = {"date-time": TIMESTAMPTZ, "date": DATE, "time": TIME}
_UNSAFE_CHARS = re.compile(r"[^a-z0-9_]")


def safe_identifier(name: str) -> str:
    """Return a lower-case identifier made of ``[a-z0-9_]`` that never starts with a digit.

    DuckDB matches identifiers case-insensitively even when quoted, so ``Id`` and
    ``id`` would be the same column anyway; lower-casing makes that explicit.
    Hyphens, dots and spaces (``scheduled-events``) become underscores.
    """
    cleaned = _UNSAFE_CHARS.sub("_", name.strip().lower())
    if not cleaned or cleaned[0].isdigit():
        cleaned = f"_{cleaned}"
    return cleaned


def quote(identifier: str) -> str:
    """Quote an identifier for DuckDB SQL."""
    return '"' + identifier.replace('"', '""') + '"'


def _walk_types(prop: dict, json_types: set[str], string_formats: set[str | None]) -> None:
    """Collect the JSON types and string formats a property may take (anyOf/oneOf)."""
    declared = prop.get("type")
    if isinstance(declared, str):
        declared = [declared]
    for json_type in declared or []:
        json_types.add(json_type)
        if json_type == "string":
            string_formats.add(prop.get("format"))
    for keyword in ("anyOf", "oneOf", "allOf"):
        for branch in prop.get(keyword) or []:
            _walk_types(branch, json_types, string_formats)
    if not declared and "enum" in prop:
        # An untyped enum: infer the JSON type(s) from the allowed values.
        for value in prop["enum"]:
            json_types.add(_json_type_of(value))
            if isinstance(value, str):
                string_formats.add(None)


def _json_type_of(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, (float, Decimal)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object"


def _decimal_scale(multiple_of: object) -> int | None:
    """Return ``s`` when ``multipleOf`` is ``10**-s`` (e.g. 0.01 -> 2), else None."""
    try:
        step = Decimal(str(multiple_of)).normalize()
    except ArithmeticError:
        return None
    if step <= 0:
        return None
    exponent = step.as_tuple().exponent
    if step.as_tuple().digits != (1,) or not isinstance(exponent, int) or exponent > 0:
        return None
    return -exponent


def column_type(prop: dict) -> str:
    """Map one JSON Schema property to a DuckDB column type.

    - object/array (alone or in a union) -> JSON, so it stays queryable with ``->>``
    - string with format date-time/date/time -> TIMESTAMPTZ/DATE/TIME
    - string with format x-singer.decimal and precision/scale -> DECIMAL(p, s)
    - string mixed with any other scalar type (e.g. ["integer","string"]) -> VARCHAR
    - integer -> BIGINT; number -> DOUBLE, or DECIMAL(38, s) when multipleOf is 10^-s
    - boolean -> BOOLEAN
    - no type information at all -> JSON (it can hold any value)
    """
    json_types: set[str] = set()
    string_formats: set[str | None] = set()
    _walk_types(prop, json_types, string_formats)
    json_types.discard("null")

    if not json_types or json_types & {"object", "array"}:
        return JSON
    if "string" in json_types:
        if json_types != {"string"} or len(string_formats) != 1:
            return VARCHAR
        (string_format,) = string_formats
        if string_format == "x-singer.decimal":
            return _singer_decimal_type(prop)
        return _STRING_FORMATS.get(string_format or "", VARCHAR)
    if json_types == {"boolean"}:
        return BOOLEAN
    if "boolean" in json_types:
        return VARCHAR
    if "number" in json_types:
        scale = _decimal_scale(prop["multipleOf"]) if "multipleOf" in prop else None
        if scale is not None and scale <= _MAX_DECIMAL_PRECISION // 2:
            return f"DECIMAL({_MAX_DECIMAL_PRECISION},{scale})"
        return DOUBLE
    if json_types == {"integer"}:
        return BIGINT
    return JSON


def _singer_decimal_type(prop: dict) -> str:
    precision, scale = prop.get("precision"), prop.get("scale")
    if (
        isinstance(precision, int)
        and isinstance(scale, int)
        and 0 <= scale <= precision <= _MAX_DECIMAL_PRECISION
    ):
        return f"DECIMAL({precision},{scale})"
    # Unknown precision: keep the exact digits as text rather than round them.
    return VARCHAR


def normalize_type(duckdb_type: str) -> str:
    """Return the canonical spelling of a type read back from ``duckdb_columns()``."""
    upper = duckdb_type.strip().upper()
    return _TYPE_ALIASES.get(upper, upper)


def _decimal_parts(duckdb_type: str) -> tuple[int, int] | None:
    match = _DECIMAL_RE.match(duckdb_type)
    return (int(match[1]), int(match[2])) if match else None


def _numeric_rank(duckdb_type: str) -> int | None:
    if duckdb_type == BOOLEAN:
        return 0
    if duckdb_type == BIGINT:
        return 1
    if _decimal_parts(duckdb_type):
        return 2
    if duckdb_type == DOUBLE:
        return 3
    return None


def widen(existing: str, incoming: str) -> str:
    """Return a type that can hold every value of both types.

    A schema change must never fail the load or drop data, so conflicting types
    meet at the nearest common type: BOOLEAN < BIGINT < DECIMAL < DOUBLE,
    DATE < TIMESTAMPTZ, scalars < JSON, and VARCHAR holds anything.
    """
    existing, incoming = normalize_type(existing), normalize_type(incoming)
    if existing == incoming:
        return existing
    if VARCHAR in (existing, incoming):
        return VARCHAR
    existing_decimal, incoming_decimal = _decimal_parts(existing), _decimal_parts(incoming)
    if existing_decimal and incoming_decimal:
        scale = max(existing_decimal[1], incoming_decimal[1])
        return f"DECIMAL({_MAX_DECIMAL_PRECISION},{scale})"
    existing_rank, incoming_rank = _numeric_rank(existing), _numeric_rank(incoming)
    if existing_rank is not None and incoming_rank is not None:
        wider = existing if existing_rank > incoming_rank else incoming
        if _decimal_parts(wider):
            # BIGINT needs 19 integer digits next to the decimal's scale.
            scale = _decimal_parts(wider)[1]  # type: ignore[index]
            return f"DECIMAL({_MAX_DECIMAL_PRECISION},{min(scale, 19)})"
        return wider
    if {existing, incoming} == {DATE, TIMESTAMPTZ}:
        return TIMESTAMPTZ
    if JSON in (existing, incoming):
        other = incoming if existing == JSON else existing
        # Numbers and booleans are valid JSON documents; dates and times are not.
        return JSON if _numeric_rank(other) is not None else VARCHAR
    return VARCHAR


class ColumnPlan(t.NamedTuple):
    """How one schema property is stored."""

    property_name: str
    column_name: str
    column_type: str

    @property
    def staging_type(self) -> str:
        """Type used when reading the NDJSON staging file.

        JSON and DECIMAL values are staged as text, so DuckDB's JSON reader never
        routes them through a double: nested numbers keep their exact digits.
        """
        if self.column_type == JSON or _decimal_parts(self.column_type):
            return VARCHAR
        return self.column_type
