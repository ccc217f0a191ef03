# The two commands of the README:
#   make demo   set everything up, run every tap on the local API sandbox into DuckDB, print row counts
#   make test   set everything up and run the whole test suite (what .ci/run calls)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export MELTANO_CLI_DISABLE_VERSION_CHECK := 1
export MELTANO_SEND_ANONYMOUS_USAGE_STATS := false

PACKAGE_FILES := $(wildcard taps/*/pyproject.toml targets/*/pyproject.toml sandbox/pyproject.toml)
PLUGIN_FILES := meltano.yml $(wildcard plugins/extractors/*.meltano.yml)

.PHONY: demo test sandbox install clean
demo: install
	$(BIN)/python scripts/demo.py

# The local API sandbox in the foreground (Ctrl-C stops it); its URLs go to output/sandbox.env.
sandbox: install
	$(BIN)/python -m api_sandbox serve --env-file output/sandbox.env

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed .meltano/.installed

# The dev/test environment. uv (like Meltano's own installs) accepts each package editable
# next to the path dependency the taps declare on scheduling-taps-common; pip refuses that.
$(VENV)/.installed: requirements-dev.txt $(PACKAGE_FILES)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv>=0.9,<1"
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements-dev.txt
	touch $@

# One virtualenv per plugin under .meltano/, installed offline (every plugin is custom).
.meltano/.installed: $(VENV)/.installed $(PLUGIN_FILES) $(PACKAGE_FILES)
	$(BIN)/meltano install
	touch $@

clean:
	rm -rf $(VENV) .meltano output/dev output/prod output/sandbox output/sandbox.env
