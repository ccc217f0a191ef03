"""Every shell command of every README works: each is run, in order, as a user would type it,
in a copy of the Meltano project with the five fakes as the APIs; the few that cannot run here
say where they are tested instead.

The tap READMEs repeat the same commands for each tap (`meltano run tap-luma ...`, `... tap-float
...`): the first command of each shape is run, and every other one is checked to name a tap,
job and credential setting that exist (what the run would prove), which keeps this test to a
minute.

The user's steps the README leaves to them are played by the harness: it fills in `.env` with
credentials after `cp .env.example .env`, writes the `config.json` a standalone tap or the
loader reads, and replaces placeholders such as `<your API key>` with the fake's key. Real-API
environments (`dev`, `prod`) reach the fakes through `TAP_<API>_API_URL`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import typing as t

import pytest
from support.meltano import project_copy
from support.paths import ROOT, VENV_BIN
from support.singer import credential_setting

from api_sandbox import registry

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("meltano_plugins")]

READMES = sorted([ROOT / "README.md", *ROOT.glob("taps/*/README.md"), *ROOT.glob("targets/*/README.md")])

#: Commands not run here, and where what they do is tested instead.
NOT_RUN_HERE = {
    "make demo": "tests/common/test_demo_e2e.py runs scripts/demo.py, what `make demo` runs",
    "make test": "this test suite",
    "make dist": "`make test` builds dist/ first; tests/common/test_distribution.py uses it",
    "make sandbox &": "the harness starts the fakes and exports their URLs, as these two lines do",
    "set -a; . output/sandbox.env; set +a": "the harness exports the sandbox's URLs",
    "pip install --no-index --find-links dist tap-calendly": "tests/common/test_distribution.py, in a clean venv",
    "UV_NO_INDEX=1 UV_FIND_LINKS=/path/to/dist meltano add --plugin-type extractor tap-calendly "
    "--from-ref /path/to/dist/tap-calendly.meltano.yml": "tests/common/test_distribution.py, in a new project",
    "pip install -e ./targets/target-duckdb": "`make install` installs it so",
    "pip install -e ./targets/target-duckdb pytest hypothesis": "`make test` installs these",
    "pytest tests/target_duckdb": "this test suite",
    "python3 -m venv /tmp/pypi-venv && /tmp/pypi-venv/bin/pip install target-duckdb==0.8.0 duckdb==1.2.2": (
        "a benchmark prerequisite (downloads the PyPI loader)"
    ),
    "python targets/target-duckdb/benchmarks/bench.py --target ours=/path/to/venv/bin/target-duckdb "
    "--target pypi-0.8.0=/tmp/pypi-venv/bin/target-duckdb": "a benchmark (minutes), not a test",
    ".venv/bin/python scripts/bench_taps.py": "a benchmark (about 25 minutes), not a test",
    ".venv/bin/python scripts/bench_taps.py --skip dlt,paced --apis float,luma": "a benchmark, not a test",
}

#: Placeholders of the READMEs, and the values the harness types instead.
PLACEHOLDERS = {"<your API key>": "{key}", "<your API token>": "{key}"}


def commands(readme: t.Any) -> list[str]:
    """The shell commands of a README's bash blocks: continuations joined, comments dropped."""
    found = []
    for block in re.findall(r"```(?:bash|sh|shell)\n(.*?)```", readme.read_text(), re.S):
        for line in block.replace("\\\n", " ").splitlines():
            command = re.sub(r"\s+#\s.*$", "", line).strip()
            command = re.sub(r"\s+", " ", command)
            if command and not command.startswith("#"):
                found.append(command)
    return found


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    project = project_copy(tmp_path_factory.mktemp("readme") / "project")
    shutil.copy(ROOT / ".env.example", project / ".env.example")
    shutil.copytree(ROOT / "scripts", project / "scripts")  # a copy: scripts work on their own project
    fakes = {api: registry.load(api)(seed=5, scale=0.05, enforce_rate_limits=False).start() for api in registry.FAKES}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAP_", "TARGET_", "SANDBOX_"))}
    env.update(
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
        MELTANO_DATABASE_URI=f"sqlite:///{project.parent / 'meltano.db'}",
        MELTANO_CLI_DISABLE_VERSION_CHECK="1",
        MELTANO_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    for api, fake in fakes.items():
        env[f"SANDBOX_{api.upper()}_URL"] = fake.url
        env[f"TAP_{api.upper()}_API_URL"] = fake.url  # the real-API environments reach the fakes
    (project / ".venv").symlink_to(VENV_BIN.parent, target_is_directory=True)
    yield project, fakes, env
    for fake in fakes.values():
        fake.stop()


def prepare(command: str, project: t.Any, fakes: dict[str, t.Any]) -> str:
    """Play the user's part before ``command``; return it with placeholders filled in."""
    tap = re.search(r"\btap-(calendly|luma|float|savvycal|oncehub)\b", command)
    api = tap[1] if tap else None
    for placeholder, value in PLACEHOLDERS.items():
        if placeholder in command and api:
            command = command.replace(placeholder, value.format(key=fakes[api].valid_key))
    if "--config config.json" in command and api and command.split()[0].endswith(f"tap-{api}"):
        setting = credential_setting(f"tap-{api}")
        (project / "config.json").write_text(json.dumps({"api_url": fakes[api].url, setting: fakes[api].valid_key}))
    if command.startswith("target-duckdb --config config.json"):
        (project / "config.json").write_text(json.dumps({"filepath": str(project / "readme.duckdb")}))
        fake = fakes["savvycal"]
        config = project / "tap.json"
        config.write_text(json.dumps({"api_url": fake.url, "api_key": fake.valid_key}))
        messages = subprocess.run(
            [str(VENV_BIN / "tap-savvycal"), "--config", str(config)], capture_output=True, text=True, check=True
        ).stdout
        (project / "singer_messages.jsonl").write_text(messages)
    return command


_API = r"(calendly|luma|float|savvycal|oncehub)"


def shape(command: str) -> str:
    """The command with its tap, job and credential names abstracted."""
    command = re.sub(rf"\btap-{_API}\b", "tap-X", command)
    command = re.sub(rf"\b{_API}-duckdb\b", "X-duckdb", command)
    return re.sub(r"\bapi_(key|token)\b|<your API (key|token)>", "CREDENTIAL", command)


def names_that_exist(command: str) -> list[str]:
    """What a command of an already-run shape names that does not exist (empty: all exist)."""
    problems = []
    for api in re.findall(rf"\btap-{_API}\b", command):
        plugin = ROOT / "plugins" / "extractors" / f"tap-{api}.meltano.yml"
        if not plugin.exists() or not (VENV_BIN / f"tap-{api}").exists():
            problems.append(f"no tap-{api}")
            continue
        setting = credential_setting(f"tap-{api}")
        for named in re.findall(r"\bapi_(?:key|token)\b", command):
            if named != setting:
                problems.append(f"tap-{api}'s credential is `{setting}`, not `{named}`")
        for job in re.findall(rf"\b({api}-duckdb)\b", command):
            if f"name: {job}" not in plugin.read_text():
                problems.append(f"no job {job}")
    return problems


def test_every_readme_command_works(harness):
    project, fakes, env = harness
    ran, shapes, failures = [], set(), []
    for readme in READMES:
        for command in commands(readme):
            if command in NOT_RUN_HERE or command in ran:
                continue
            if shape(command) in shapes:
                failures += [f"{readme.relative_to(ROOT)}: `{command}`: {p}" for p in names_that_exist(command)]
                continue
            shapes.add(shape(command))
            typed = prepare(command, project, fakes)
            completed = subprocess.run(
                ["bash", "-c", typed], cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False
            )
            output = completed.stdout + completed.stderr
            if completed.returncode != 0 or "Traceback" in output:
                where = readme.relative_to(ROOT)
                failures.append(f"{where}: `{command}` exited {completed.returncode}:\n{output[-1500:]}")
            if command == "cp .env.example .env":
                # The README's "fill in the credentials you have": the fakes' keys.
                credentials = [f"TAP_{api.upper()}_{credential_setting(f'tap-{api}').upper()}" for api in fakes]
                (project / ".env").write_text(
                    "".join(f"{name}={fakes[name.split('_')[1].lower()].valid_key}\n" for name in credentials)
                )
            ran.append(command)
    assert ran, "no README command was found"
    assert not failures, "\n\n".join(failures)


def test_every_command_not_run_here_is_still_in_a_readme():
    everywhere = {command for readme in READMES for command in commands(readme)}
    assert set(NOT_RUN_HERE) <= everywhere, sorted(set(NOT_RUN_HERE) - everywhere)
