# The two commands: `make report` and `make test`. Both create .venv and install the pinned packages.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.evalkit-installed
RENDERER ?= auto
OUTPUT ?= _output

.PHONY: report test install lock clean

report: $(STAMP)
	$(BIN)/evalkit build --output $(OUTPUT) --renderer $(RENDERER)

test: $(STAMP)
	$(BIN)/python -m pytest

install: $(STAMP)

# requirements.lock pins every package (and the build backend, through PIP_CONSTRAINT).
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	PIP_CONSTRAINT=requirements.lock $(BIN)/python -m pip install --disable-pip-version-check -q -e ".[dev]"
	touch $(STAMP)

# Re-resolve the newest allowed versions and rewrite the lock (needs the package registry).
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --disable-pip-version-check -q --upgrade setuptools wheel
	.venv-lock/bin/python -m pip install --disable-pip-version-check -q -e ".[dev]"
	.venv-lock/bin/python -m pip freeze --all --exclude-editable | grep -v '^pip==' > requirements.lock
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) _output _output-log _output-cache _output-intern _build reports/*.html reports/*.pdf
