"""Real `meltano run`s: each environment writes to its own destinations and keeps its own state,
and a `sandbox` run without the sandbox stops before it starts."""

from __future__ import annotations

import pytest
from support.meltano import SandboxMeltano, project_copy
from support.warehouse import rows

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("meltano_plugins")]


@pytest.fixture
def project(tmp_path):
    return project_copy(tmp_path / "project")


def test_sandbox_and_dev_never_share_a_destination_or_a_state(project, start_fake, tmp_path):
    fake = start_fake("savvycal", seed=4, scale=0.05)
    sandbox = SandboxMeltano(tmp_path / "meltano", project=project, redirect_outputs=False)
    sandbox.fakes["savvycal"] = fake
    sandbox.run("tap-savvycal", "target-duckdb", "tap-savvycal", "target-jsonl").check()

    # `dev` is the real-API environment; here its URL and key point at the same fake.
    dev = SandboxMeltano(tmp_path / "meltano", project=project, redirect_outputs=False, environment="dev")
    dev.extra_env.update(TAP_SAVVYCAL_API_URL=fake.url, TAP_SAVVYCAL_API_KEY=fake.valid_key)
    fake.data.links.pop()  # what dev loads differs from what the sandbox loaded
    dev.run("tap-savvycal", "target-duckdb").check()

    output = project / "output"
    sandbox_links = rows(output / "sandbox" / "warehouse.duckdb", "tap_savvycal", "scheduling_links")
    dev_links = rows(output / "dev" / "warehouse.duckdb", "tap_savvycal", "scheduling_links")
    assert len(dev_links) == len(fake.data.links) == len(sandbox_links) - 1
    assert (output / "sandbox" / "jsonl" / "tap_savvycal" / "events.jsonl").is_file()
    assert not (output / "dev" / "jsonl").exists()
    assert sandbox.state("tap-savvycal") != {}
    listed = sandbox.meltano("state", "list").check().output
    assert "sandbox:tap-savvycal-to-target-duckdb" in listed and "dev:tap-savvycal-to-target-duckdb" in listed


def test_two_taps_with_an_events_stream_write_separate_jsonl_files(project, start_fake, tmp_path):
    sandbox = SandboxMeltano(tmp_path / "meltano", project=project, redirect_outputs=False)
    for api in ("luma", "savvycal"):
        sandbox.fakes[api] = start_fake(api, seed=4, scale=0.05)
    sandbox.run("tap-luma", "target-jsonl", "tap-savvycal", "target-jsonl").check()
    jsonl = project / "output" / "sandbox" / "jsonl"
    luma = (jsonl / "tap_luma" / "events.jsonl").read_text().splitlines()
    savvycal = (jsonl / "tap_savvycal" / "events.jsonl").read_text().splitlines()
    assert len(luma) == len(sandbox.fakes["luma"].data.events)
    assert len(savvycal) == len(sandbox.fakes["savvycal"].data.events)


def test_a_sandbox_run_without_the_sandbox_stops_before_any_request(project, start_fake, tmp_path, monkeypatch):
    fake = start_fake("savvycal", seed=4, scale=0.05)  # running, but its URL is not exported
    monkeypatch.delenv("SANDBOX_SAVVYCAL_URL", raising=False)
    sandbox = SandboxMeltano(tmp_path / "meltano", project=project, redirect_outputs=False)
    result = sandbox.meltano("run", "tap-savvycal", "target-duckdb", timeout=120)
    assert result.returncode != 0
    assert "Environment variable 'SANDBOX_SAVVYCAL_URL' referenced but not set" in result.output
    assert "Traceback" not in result.output
    assert not fake.requests
    assert not (project / "output").exists()
