"""The console script Meltano runs: settings in --about, a run from a file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("target-duckdb")
SETTINGS = {
    "filepath",
    "default_target_schema",
    "add_record_metadata",
    "hard_delete",
    "load_method",
    "batch_size_rows",
    "validate_records",
    "process_activate_version_messages",
    "flattening_enabled",
    "flattening_max_depth",
    "stream_maps",
}


def test_about_lists_every_setting():
    about = json.loads(
        subprocess.run(
            [str(SCRIPT), "--about", "--format=json"], check=True, capture_output=True, text=True
        ).stdout
    )

    assert set(about["settings"]["properties"]) >= SETTINGS
    assert about["settings"]["required"] == ["filepath"]
    assert "activate-version" in about["capabilities"]


def test_console_script_loads_a_file_and_prints_state(loader, singer):
    config = loader.workdir / "config.json"
    config.write_text(json.dumps(loader.config()))
    messages = loader.write_input(
        [
            singer.schema(
                "Scheduled-Events", {"id": {"type": "integer"}, "payload": {"type": "object"}}
            ),
            *(
                singer.record("Scheduled-Events", {"id": i % 3, "payload": {"n": i}})
                for i in range(10)
            ),
            singer.state({"bookmarks": {"scheduled-events": {"replication_key_value": "x"}}}),
        ]
    )

    result = subprocess.run(
        [str(SCRIPT), "--config", str(config), "--input", str(messages)],
        check=True,
        capture_output=True,
        text=True,
    )

    assert json.loads(result.stdout.splitlines()[-1]) == {
        "bookmarks": {"scheduled-events": {"replication_key_value": "x"}}
    }
    assert loader.query("SELECT id, payload->>'n' FROM raw.scheduled_events ORDER BY id") == [
        (0, "9"),
        (1, "7"),
        (2, "8"),
    ]
