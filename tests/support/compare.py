"""Compare records across representations: the fake's JSON, a Singer destination, dlt's tables.

Every side is brought to one canonical form, the differences between dlt's tables, a Singer
destination and the API's JSON that are representation, not data:

- nested dicts are flattened with ``__`` (as dlt stores them); lists stay lists, compared
  element by element and in order, each element canonical too;
- names are compared per ``__`` segment with case and non-alphanumerics removed, so dlt's
  snake_case (``userId`` → ``user_id``), target-duckdb's lower-casing (``userid``) and the API's
  own spelling meet;
- times of day (``14:00``, a TIME column's ``14:00:00``) compare with seconds;
- timestamps (ISO strings, naive or aware datetimes) become UTC instants; naive ones are UTC;
  a date equals the instant of its midnight UTC (the taps emit a date written where a
  date-time is documented as that instant);
- numbers are compared as floats (Decimal, int, double) rounded to 9 significant digits, and a
  numeric string is a number (the taps decode ``"2.0"`` to ``2.0`` and an integer id ``123`` to
  ``"123"`` as their schemas declare; dlt keeps what the API sent);
- a missing column, ``None``, an empty list, an empty object and an empty string all mean "no
  value": dlt creates no column for all-NULL data and no child rows for an empty list, and
  target-duckdb (jwills) stores ``""`` as NULL;
- ``_sdc_*`` and ``_dlt_*`` columns are not data.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
import typing as t
from collections import Counter

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_NOT_ALNUM = re.compile(r"[^a-z0-9]")

Canon = dict[str, t.Any]


def name_key(name: str) -> str:
    return "__".join(_NOT_ALNUM.sub("", part.lower()) for part in name.split("__"))


def _instant(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return "ts:" + value.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def scalar(value: t.Any) -> t.Any:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        # "True"/"False", never the bare bool (True == 1.0 in Python): dlt stores a boolean it
        # meets in a column that already holds text as the text "True".
        return str(value)
    if isinstance(value, (int, float, decimal.Decimal)):
        return float(f"{float(value):.9g}")
    if isinstance(value, dt.datetime):
        return _instant(value)
    if isinstance(value, dt.date):
        return "date:" + value.isoformat()
    if isinstance(value, dt.time):
        return "time:" + value.isoformat(timespec="seconds")
    if isinstance(value, str):
        if _TIME.match(value):
            return "time:" + dt.time.fromisoformat(value).isoformat(timespec="seconds")
        if _ISO.match(value):
            try:
                return _instant(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
            except ValueError:
                return value
        if _DATE.match(value):
            return "date:" + value
        if _NUMBER.match(value):
            return float(f"{float(value):.9g}")
        return value
    return str(value)


def _maybe_json(value: t.Any) -> t.Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value, parse_float=decimal.Decimal)
        except ValueError:
            return value
    return value


def canonical(record: t.Mapping[str, t.Any], *, json_text: bool = False) -> Canon:
    """Flatten ``record`` the way dlt does and normalise names and values.

    ``json_text``: string values starting with ``[``/``{`` are JSON documents (a destination's
    JSON column read back as text).
    """
    out: Canon = {}

    def put(prefix: str, value: t.Any) -> None:
        if json_text:
            value = _maybe_json(value)
        if isinstance(value, dict):
            for key, inner in value.items():
                put(f"{prefix}__{name_key(key)}" if prefix else name_key(key), inner)
            return
        if isinstance(value, (list, tuple)):
            if value:
                out[prefix] = [_element(e, json_text) for e in value]
            return
        normal = scalar(value)
        if normal is not None:
            out[prefix] = normal

    for key, value in record.items():
        if key.startswith(("_sdc_", "_dlt_")):
            continue
        put(name_key(key), value)
    return out


def _element(value: t.Any, json_text: bool) -> t.Any:
    if json_text:
        value = _maybe_json(value)
    if isinstance(value, dict):
        return canonical(value, json_text=json_text)
    if isinstance(value, (list, tuple)):
        return [_element(v, json_text) for v in value]
    return scalar(value)


def by_key(
    records: t.Iterable[t.Mapping[str, t.Any]], key: str | t.Sequence[str], *, json_text: bool = False
) -> dict[tuple[t.Any, ...], Canon]:
    """Canonical records by primary key; a key seen twice fails (one row per key is the contract)."""
    keys = [name_key(key)] if isinstance(key, str) else [name_key(k) for k in key]
    canon = [canonical(r, json_text=json_text) for r in records]
    counts = Counter(tuple(c.get(k) for k in keys) for c in canon)
    duplicates = [k for k, n in counts.items() if n > 1]
    assert not duplicates, f"keys loaded more than once: {duplicates[:5]}"
    return {tuple(c.get(k) for k in keys): c for c in canon}


def diff_tables(
    left: dict[tuple[t.Any, ...], Canon],
    right: dict[tuple[t.Any, ...], Canon],
    *,
    ignore: t.Collection[str] = (),
    only: t.Collection[str] | None = None,
) -> list[str]:
    """Human-readable differences between two keyed tables (empty when equal)."""
    problems = []
    missing, extra = left.keys() - right.keys(), right.keys() - left.keys()
    if missing:
        problems.append(f"{len(missing)} keys only on the left, e.g. {sorted(map(str, missing))[:3]}")
    if extra:
        problems.append(f"{len(extra)} keys only on the right, e.g. {sorted(map(str, extra))[:3]}")
    ignored = {name_key(i) for i in ignore}
    wanted = None if only is None else {name_key(o) for o in only}
    for key in sorted(left.keys() & right.keys(), key=str):
        a, b = left[key], right[key]
        for column in sorted(a.keys() | b.keys()):
            if _ignored(column, ignored) or (wanted is not None and column.split("__")[0] not in wanted):
                continue
            if not _same(a.get(column), b.get(column)):
                problems.append(f"{key} {column}: {a.get(column)!r} != {b.get(column)!r}")
    return problems


def _same(left: t.Any, right: t.Any) -> bool:
    if left == right:
        return True
    dates = [v for v in (left, right) if isinstance(v, str) and v.startswith("date:")]
    if len(dates) == 1:
        instant = right if dates[0] is left else left
        return instant == f"ts:{dates[0].removeprefix('date:')}T00:00:00.000000+00:00"
    return False


def _ignored(column: str, ignored: set[str]) -> bool:
    return any(column == i or column.startswith(i + "__") for i in ignored)


def assert_same(left, right, what: str, **kwargs: t.Any) -> None:
    problems = diff_tables(left, right, **kwargs)
    assert not problems, f"{what}: {len(problems)} differences:\n  " + "\n  ".join(problems[:15])
