"""Each tap's README shows the DuckDB column types its tables really get (scripts/column_types.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from support.paths import ROOT

from api_sandbox import registry

SCRIPT = ROOT / "scripts" / "column_types.py"
START, END = "<!-- column-types:start -->", "<!-- column-types:end -->"


@pytest.mark.parametrize("api", registry.available())
def test_the_readme_shows_the_column_types_a_sync_creates(api):
    readme = (ROOT / "taps" / f"tap-{api}" / "README.md").read_text()
    assert START in readme and END in readme, f"tap-{api}'s README has no column-types block"
    shown = readme.split(START, 1)[1].split(END, 1)[0].strip()
    generated = subprocess.run(
        [sys.executable, str(SCRIPT), api], capture_output=True, text=True, check=True, timeout=300
    ).stdout.strip()
    assert shown == generated, f"stale: run `.venv/bin/python scripts/column_types.py {api} --write`"
