"""What a bookmark must be after a run: the newest change read, capped at the sync's start minus
the clock-skew margin (a change written during the run is read again by the next one)."""

from __future__ import annotations

import datetime as dt

from scheduling_taps_common.settings import parse_datetime
from scheduling_taps_common.stream import CLOCK_SKEW_MARGIN


def assert_capped_bookmark(reached: str, newest: str, *, started: dt.datetime, ended: dt.datetime) -> None:
    """``reached`` = min(``newest``, the run's start - margin), the start lying in [started, ended]."""
    whole_second = dt.timedelta(seconds=1)  # bookmarks written with whole seconds
    low = min(parse_datetime(newest), started - CLOCK_SKEW_MARGIN - whole_second)
    high = min(parse_datetime(newest), ended - CLOCK_SKEW_MARGIN)
    assert low <= parse_datetime(reached) <= high, f"bookmark {reached}: expected between {low} and {high}"
