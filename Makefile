# Two commands do everything on a fresh machine that has python3, pip and make:
#   make run    the main job
#   make test   every check: lint, format, types, tests (with doctests), docs
# Both create .venv and install into it what they need, when they need it: the main
# job needs the package and its three dependencies only; the checks add the dev extra
# (test, lint, type and docs tools).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.run-stamp
STAMP := $(VENV)/.installed-stamp

.PHONY: help install run test lint typecheck pytest docs bench dist clean redis-server

help:
	@echo "make run   - the main job (see README.md); installs the package only"
	@echo "make test  - every check: ruff, mypy --strict, pytest (Hypothesis profile ci), docs"
	@echo "make bench - the benchmarks, as JSON lines"
	@echo "make dist  - build the wheel into dist/ (pip install 'dist/callcenter-*.whl[plot]')"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  $(PYTHON) -m pip install --user --break-system-packages virtualenv \
	  || $(PYTHON) -m pip install --user virtualenv; \
	  $(PYTHON) -m virtualenv $(VENV); }

# The package and its runtime dependencies (attrs, cattrs, sortedcontainers).
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUN_STAMP)

# Everything to develop: the package with its dev extra.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP) $(RUN_STAMP)

install: $(STAMP)

run: $(RUN_STAMP)
	$(BIN)/callcenter simulate examples/scenarios/tianjin.toml

dist: | $(BIN)/python
	rm -rf dist
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir dist .
	@ls dist/*.whl

test: lint typecheck pytest docs

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy --strict src tests

# The replicated hotline's tests start a real redis-server (Debian's package); when it
# is missing and cannot be installed, those tests fail and say so.
pytest: $(STAMP) redis-server
	$(BIN)/python -X dev -m pytest --hypothesis-profile=ci

redis-server:
	@command -v redis-server >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo "sudo -n" ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q redis-server; \
	} || echo "redis-server could not be installed: the Redis tests will fail"

docs: $(STAMP)
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html

bench: $(STAMP)
	@for script in benchmarks/*.py; do $(BIN)/python $$script --json || exit 1; done

clean:
	rm -rf docs/_build .mypy_cache .pytest_cache .ruff_cache .hypothesis build dist
