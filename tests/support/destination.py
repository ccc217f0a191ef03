"""What a merging loader holds after a series of tap runs, without a database.

The model of the contract the README promises: each RECORD is upserted by the stream's
``key_properties`` (the newest version wins), and an ACTIVATE_VERSION retires the rows of that
stream written with an older table version, or none (as target-postgres does with
``hard_delete``). Tests feed it the messages of every run, failed ones included, in order, as
Meltano would pipe them into a loader.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

if t.TYPE_CHECKING:
    from support.singer import TapRun

Key = tuple[t.Any, ...]


@dataclass
class MergedDestination:
    keys: dict[str, list[str]] = field(default_factory=dict)
    #: stream -> key -> (record, table version)
    tables: dict[str, dict[Key, tuple[dict[str, t.Any], int | None]]] = field(default_factory=dict)

    def load(self, run: TapRun) -> MergedDestination:
        for message in run.messages:
            stream = message.get("stream")
            if message["type"] == "SCHEMA":
                self.keys[stream] = list(message["key_properties"])
                self.tables.setdefault(stream, {})
            elif message["type"] == "RECORD":
                record = message["record"]
                key = tuple(record.get(k) for k in self.keys[stream])
                self.tables[stream][key] = (record, message.get("version"))
            elif message["type"] == "ACTIVATE_VERSION":
                version = message["version"]
                table = self.tables.get(stream, {})
                for key in [k for k, (_, v) in table.items() if v is None or v < version]:
                    del table[key]
        return self

    def live(self, stream: str) -> set[Key]:
        """The keys of the rows ``stream``'s table holds."""
        return set(self.tables.get(stream, {}))


def keys_of(records: t.Iterable[t.Mapping[str, t.Any]], key_properties: t.Sequence[str]) -> list[Key]:
    """Each record's primary key, in order (duplicates kept, so callers can count them)."""
    return [tuple(record.get(k) for k in key_properties) for record in records]
