"""scripts/sync.py: with credentials for some APIs only, exactly those are synced, the others
are skipped with the setting to set, and one failing tap does not stop the rest."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from support.meltano import project_copy
from support.paths import ROOT
from support.warehouse import tables

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("meltano_plugins")]


def test_only_the_taps_with_credentials_run_and_the_others_are_reported(start_fake, tmp_path):
    project = project_copy(tmp_path / "project")
    savvycal, oncehub = start_fake("savvycal", seed=4, scale=0.05), start_fake("oncehub", seed=4, scale=0.05)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAP_", "SANDBOX_"))}
    env.update(
        MELTANO_DATABASE_URI=f"sqlite:///{tmp_path / 'meltano.db'}",
        # `dev` is the real-API environment; the URLs point it at fakes.
        TAP_SAVVYCAL_API_URL=savvycal.url,
        TAP_SAVVYCAL_API_KEY=savvycal.valid_key,
        TAP_ONCEHUB_API_URL=oncehub.url,
        TAP_ONCEHUB_API_KEY="revoked-key",  # configured, but refused by the API
        TAP_LUMA_API_URL="http://127.0.0.1:9",  # a URL but no key: skipped
    )
    completed = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "sync.py"), "--environment", "dev", "--project", str(project)],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output  # oncehub failed
    summary = output.split("Sync of environment `dev` into target-duckdb:", 1)[1]
    lines = {line.split()[0]: line for line in summary.strip().splitlines()}
    assert lines["tap-savvycal"].endswith("synced")
    assert "FAILED" in lines["tap-oncehub"]
    for tap, setting in (("tap-calendly", "api_key"), ("tap-luma", "api_key"), ("tap-float", "api_token")):
        variable = f"{tap.upper().replace('-', '_')}_{setting.upper()}"
        assert f"skipped: `{setting}` not set (set {variable} in .env)" in lines[tap], lines[tap]
    # tap-oncehub (refused) runs after tap-savvycal in file order and before none: savvycal's
    # data is loaded, and oncehub's refusal stopped nothing else.
    assert "events" in tables(project / "output" / "dev" / "warehouse.duckdb", "tap_savvycal")
    assert len(savvycal.requests) > 0 and not any(r.status == 200 for r in oncehub.requests)
