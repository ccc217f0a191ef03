"""What the scripts share: the taps' classes, and the READMEs' generated blocks."""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
import typing as t
from pathlib import Path


def tap_class(tap: str) -> t.Any:
    """The Tap class behind a console script (``module:Class.cli``)."""
    (entry_point,) = importlib.metadata.entry_points(group="console_scripts", name=tap)
    module, _, attribute = entry_point.value.partition(":")
    return getattr(importlib.import_module(module), attribute.split(".")[0])



def write_block(readme: Path, start: str, end: str, content: str) -> None:
    """Replace what stands between ``start`` and ``end`` in ``readme`` with ``content``."""
    text = readme.read_text()
    if start not in text or end not in text:
        sys.exit(f"{readme} has no {start} ... {end} block: add one where the table belongs")
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1]
    readme.write_text(f"{before}{start}\n{content}\n{end}{after}")
