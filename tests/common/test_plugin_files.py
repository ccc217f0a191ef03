"""The plugin files Meltano reads are the taps' own settings, and Meltano treats them as typed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from support.meltano import SandboxMeltano, project_copy
from support.paths import ROOT


def test_the_plugin_files_are_written_from_the_taps_settings():
    script = ROOT / "scripts" / "plugin_files.py"
    completed = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.e2e
@pytest.mark.usefixtures("meltano_plugins")
def test_an_sdk_setting_set_through_meltano_reaches_the_tap_as_an_object(start_fake, tmp_path):
    project = project_copy(tmp_path / "project")
    meltano = SandboxMeltano(tmp_path / "meltano", project=project, redirect_outputs=False)
    meltano.fakes["savvycal"] = start_fake("savvycal", seed=4, scale=0.05)
    maps = {"events": {"__alias__": "meetings"}}
    meltano.meltano("config", "set", "tap-savvycal", "stream_maps", json.dumps(maps)).check()

    # Defaults are declared too, so Meltano shows them instead of "None (default)".
    listed = meltano.meltano("config", "list", "tap-savvycal", "--all").check().output
    (timeout_line,) = [line for line in listed.splitlines() if line.startswith("request_timeout ")]
    assert "current value: 60 (default)" in timeout_line, timeout_line
    (maps_line,) = [line for line in listed.splitlines() if line.startswith("stream_maps ")]
    assert "{'events.__alias__': 'meetings'}" in maps_line, maps_line  # an object, not a JSON string
    meltano.run("tap-savvycal", "target-jsonl").check()
    jsonl = project / "output" / "sandbox" / "jsonl" / "tap_savvycal"
    assert (jsonl / "meetings.jsonl").is_file() and not (jsonl / "events.jsonl").exists()
