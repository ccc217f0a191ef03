"""`make demo` as a user sees it (scripts/demo.py, without a terminal: plain lines), and the
change report of the load history against the changes the fake made."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from support.meltano import project_copy
from support.paths import ROOT
from support.warehouse import rows

from api_sandbox import registry

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("meltano_plugins")]


def demo(project, tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")}
    env["MELTANO_DATABASE_URI"] = f"sqlite:///{tmp_path / 'meltano.db'}"
    completed = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo.py"), "--project", str(project), *args],
        capture_output=True, text=True, env=env, timeout=900, check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return completed.stdout


def report(output):
    """The change report the demo ended with: table -> (inserted, updated, unchanged, deleted, rows now)."""
    table = output.split("What this run changed in", 1)[1].splitlines()[2:]
    parsed = {}
    for line in table:
        match = re.match(r"^\s+(\S+)\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)", line)
        if match:
            parsed[match[1]] = tuple(int(n.replace(",", "")) for n in match.groups()[1:])
    return parsed


def test_the_demo_prints_plain_news_and_ends_with_what_each_run_changed(tmp_path):
    project = project_copy(tmp_path / "project")
    apis, scale = ["savvycal", "luma"], 0.1

    first = demo(project, tmp_path, "--apis", ",".join(apis), "--scale", str(scale))
    lines = first.splitlines()
    assert len(lines) < 100, f"{len(lines)} lines"
    assert "\x1b[" not in first, "no terminal control codes without a terminal"
    assert "  tap-savvycal: Sync of 'events' finished: " in first
    assert (project / "output" / "sandbox" / "demo.log").is_file()
    counts = report(first)
    # The first run inserts every record of the fakes (same seed as `api-sandbox serve`).
    fakes = {api: registry.load(api)(scale=scale) for api in apis}
    assert counts["tap_savvycal.scheduling_links"][0] == len(fakes["savvycal"].data.links)
    assert counts["tap_luma.events"][0] == len(fakes["luma"].data.events)

    second = report(demo(project, tmp_path, "--apis", ",".join(apis), "--scale", str(scale)))
    # Nothing changed at the source: full-table streams come back unchanged, nothing inserted.
    for table, (inserted, updated, unchanged, deleted, rows_now) in second.items():
        assert (inserted, updated, deleted) == (0, 0, 0), table
        assert unchanged == rows_now, table

    # `make status` then shows each tap's last run and each table's rows.
    env = {**os.environ, "MELTANO_DATABASE_URI": f"sqlite:///{tmp_path / 'meltano.db'}"}
    status = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "status.py"), "--project", str(project), "--environment", "sandbox"],
        capture_output=True, text=True, env=env, timeout=120, check=True,
    ).stdout
    assert "tap-savvycal-to-target-duckdb: last run" in status and "SUCCESS" in status
    links = len(fakes["savvycal"].data.links)
    assert re.search(rf"tap_savvycal\.scheduling_links\s+{links:,}\s+\d{{4}}-", status), status


def test_the_load_history_reports_the_changes_the_source_made(start_fake, sandbox):
    fake = start_fake("savvycal", seed=4, scale=0.1)
    sandbox.fakes["savvycal"] = fake
    sandbox.run("tap-savvycal", "target-duckdb").check()
    links = len(fake.data.links)

    touched = fake.mutate(seed=5, changes=3)
    sandbox.run("tap-savvycal", "target-duckdb").check()

    history = rows(sandbox.warehouse, "tap_savvycal", "_load_history")
    last = max(r["finished_at"] for r in history)
    second = {r["table_name"]: r for r in history if r["finished_at"] == last}
    link = second["scheduling_links"]
    assert (link["inserted"], link["updated"], link["soft_deleted"]) == (
        len(touched["link_added"]), len(set(touched["link_updated"])), len(touched["link_deleted"])
    )
    assert link["unchanged"] == links - len(set(touched["link_updated"])) - len(touched["link_deleted"])
    events = second["events"]
    changed = set(touched["rescheduled"] + touched["canceled"] + touched["approved"] + touched["responded"])
    assert (events["inserted"], events["updated"]) == (len(touched["booked"]), len(changed))
