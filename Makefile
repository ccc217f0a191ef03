# The two commands of the README:
#   make demo   set everything up, run every tap on the local API sandbox into DuckDB, print row counts
#   make test   set everything up and run the whole test suite (what .ci/run calls)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export MELTANO_CLI_DISABLE_VERSION_CHECK := 1
export MELTANO_SEND_ANONYMOUS_USAGE_STATS := false
# Byte-compile at install time (uv's installs, ours and Meltano's, do not by default): where
# Python may not write bytecode itself (PYTHONDONTWRITEBYTECODE, read-only venvs), every tap and
# meltano process would otherwise compile its imports from source, about a second each.
export UV_COMPILE_BYTECODE := 1

PACKAGE_FILES := $(wildcard taps/*/pyproject.toml targets/*/pyproject.toml sandbox/pyproject.toml)
PLUGIN_FILES := meltano.yml $(wildcard plugins/extractors/*.meltano.yml)

# Source code that must pass the type checker (tests are linted by ruff only).
TYPED := sandbox/api_sandbox taps/scheduling-taps-common/scheduling_taps_common \
	$(foreach t,calendly luma float savvycal oncehub,taps/tap-$(t)/tap_$(t)) \
	targets/target-duckdb/target_duckdb_upsert scripts orchestration

# Every package of the repository, as built by `make dist`.
PACKAGES := taps/scheduling-taps-common $(foreach t,calendly luma float savvycal oncehub,taps/tap-$(t)) \
	targets/target-duckdb sandbox
DIST ?= dist

.PHONY: demo test lint dist sandbox status accounts-demo install install-dev clean
demo: install
	$(BIN)/python scripts/demo.py

test: install-dev $(DIST)/.built
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Wheels and sdists of every package, plus the wheels of everything they depend on: a
# wheelhouse from which `pip install --no-index --find-links dist tap-x` installs any tap alone.
# Also each tap's plugin definition for another Meltano project (`--from-ref`).
dist: $(DIST)/.built
$(DIST)/.built: $(VENV)/.runtime $(PACKAGE_FILES) $(wildcard taps/*/README.md) scripts/plugin_files.py
	rm -rf $(DIST) && mkdir -p $(DIST)
	for package in $(PACKAGES); do $(BIN)/uv build --quiet --out-dir $(DIST) $$package || exit 1; done
	$(BIN)/python -m pip download --quiet --disable-pip-version-check --only-binary=:all: --dest $(DIST) \
		--find-links $(DIST) tap-calendly tap-luma tap-float tap-savvycal tap-oncehub target-duckdb-upsert
	$(BIN)/python scripts/plugin_files.py --definitions $(DIST)
	touch $@

# Zero findings expected (CI runs this before the tests; .pre-commit-config.yaml runs the same).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/mypy $(TYPED)

# Per environment, tap and table: the last run, rows, last load and bookmark.
status: install
	$(BIN)/python scripts/status.py

# Many accounts through Dagster on the local API sandbox (orchestration/README.md).
accounts-demo: install $(VENV)/.orchestration
	$(BIN)/python -m orchestration run --accounts orchestration/accounts.example.yml

$(VENV)/.orchestration: $(VENV)/.runtime orchestration/requirements.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r orchestration/requirements.txt
	touch $@

# The local API sandbox in the foreground (Ctrl-C stops it); its URLs go to output/sandbox.env.
sandbox: install
	$(BIN)/python -m api_sandbox serve --env-file output/sandbox.env

# Running needs the runtime packages and the plugins the demo runs; testing adds the test
# stack and every other plugin (target-jsonl, target-postgres).
install: $(VENV)/.runtime .meltano/.runtime
install-dev: $(VENV)/.dev .meltano/.all

# uv (like Meltano's own installs) accepts each package editable next to the path dependency
# the taps declare on scheduling-taps-common; pip refuses that.
$(VENV)/.uv:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv>=0.9,<1"
	touch $@

$(VENV)/.runtime: $(VENV)/.uv requirements.txt $(PACKAGE_FILES)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.txt
	$(BIN)/python -m compileall -q taps targets sandbox scripts >/dev/null
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt orchestration/requirements.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements-dev.txt
	touch $@

# One virtualenv per plugin under .meltano/, installed offline (every plugin is custom).
.meltano/.runtime: $(VENV)/.runtime $(PLUGIN_FILES) $(PACKAGE_FILES)
	$(BIN)/meltano install --plugin-type extractor
	$(BIN)/meltano install --plugin-type loader target-duckdb
	touch $@

.meltano/.all: .meltano/.runtime
	$(BIN)/meltano install
	touch $@

clean:
	rm -rf $(VENV) .meltano $(DIST) output/dev output/prod output/sandbox output/sandbox.env
