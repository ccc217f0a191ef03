"""Every tap is a normal distribution: it installs from the wheelhouse `make dist` writes, alone,
with no index and no checkout, and another Meltano project can add it from its definition."""

from __future__ import annotations

import json
import os
import subprocess
import typing as t

import pytest
from support.paths import ROOT, VENV_BIN
from support.singer import credential_setting

pytestmark = pytest.mark.e2e

DIST = ROOT / "dist"
TAPS = ("tap-calendly", "tap-luma", "tap-float", "tap-savvycal", "tap-oncehub")


@pytest.fixture(scope="module")
def wheelhouse():
    if not (DIST / ".built").exists():
        pytest.fail("no wheelhouse: run `make dist` (`make test` does)")
    return DIST


def run(*command: str | os.PathLike[str], env: dict[str, str] | None = None, cwd: t.Any = None) -> str:
    completed = subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, env=env, cwd=cwd, timeout=600, check=False
    )
    assert completed.returncode == 0, f"{command} failed:\n{completed.stdout[-2000:]}\n{completed.stderr[-3000:]}"
    return completed.stdout


@pytest.mark.parametrize("tap", TAPS)
def test_each_tap_installs_from_the_wheelhouse_alone_and_runs(wheelhouse, tap, tmp_path):
    venv = tmp_path / "venv"
    run(VENV_BIN / "uv", "venv", "--quiet", "--python", VENV_BIN / "python", venv)
    run(VENV_BIN / "uv", "pip", "install", "--quiet", "--python", venv / "bin" / "python",
        "--no-index", "--find-links", wheelhouse, tap)

    about = json.loads(run(venv / "bin" / tap, "--about", "--format", "json"))
    assert about["name"] == tap
    config = tmp_path / "config.json"
    config.write_text(json.dumps({credential_setting(tap): "not-needed-for-discovery"}))
    catalog = json.loads(run(venv / "bin" / tap, "--config", config, "--discover"))
    assert catalog["streams"], "the installed tap discovers its streams"
    # Nothing of the checkout leaks in: the shared package came from its wheel.
    listed = run(VENV_BIN / "uv", "pip", "list", "--python", venv / "bin" / "python", "--format", "json")
    common = next(p for p in json.loads(listed) if p["name"] == "scheduling-taps-common")
    assert "editable_project_location" not in common


def test_another_meltano_project_adds_a_tap_from_its_definition(wheelhouse, tmp_path):
    project = tmp_path / "another-project"
    project.mkdir()
    (project / "meltano.yml").write_text(
        "requires_meltano: '>=4.4,<5'\nproject_id: another-project\nsend_anonymous_usage_stats: false\n"
        "default_environment: dev\nenvironments:\n- name: dev\n"
    )
    env = {
        **os.environ,
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
        "MELTANO_CLI_DISABLE_VERSION_CHECK": "1",
        # Meltano installs plugins with uv: from the wheelhouse only.
        "UV_NO_INDEX": "1",
        "UV_FIND_LINKS": str(wheelhouse),
    }
    meltano = VENV_BIN / "meltano"
    run(meltano, "add", "--plugin-type", "extractor", "tap-luma", "--from-ref", wheelhouse / "tap-luma.meltano.yml",
        env=env, cwd=project)
    about = json.loads(run(meltano, "invoke", "tap-luma", "--about", "--format", "json", env=env, cwd=project))
    assert about["name"] == "tap-luma"
    assert "api_key" in about["settings"]["properties"]


def test_every_package_carries_the_projects_license():
    license_text = (ROOT / "LICENSE").read_text()
    assert license_text.lstrip().startswith("Apache License")
    for package in [
        *ROOT.glob("taps/*/pyproject.toml"),
        *ROOT.glob("targets/*/pyproject.toml"),
        ROOT / "sandbox/pyproject.toml",
    ]:
        assert (package.parent / "LICENSE").read_text() == license_text, package.parent
        assert 'license = "Apache-2.0"' in package.read_text(), package
