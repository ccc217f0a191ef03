"""The root README's stream table is the taps' own: every stream, its key, mode and deletion rule."""

from __future__ import annotations

import subprocess
import sys

from support.paths import ROOT

SCRIPT = ROOT / "scripts" / "stream_table.py"
START, END = "<!-- streams:start -->", "<!-- streams:end -->"


def test_the_readme_lists_every_stream_of_every_tap_as_the_taps_define_it():
    readme = (ROOT / "README.md").read_text()
    assert START in readme and END in readme, "README.md has no streams block"
    shown = readme.split(START, 1)[1].split(END, 1)[0].strip()
    generated = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, check=True, timeout=120
    ).stdout.strip()
    assert shown == generated, "stale: run `.venv/bin/python scripts/stream_table.py --write`"
