# Two commands do everything on a fresh machine that has python3, pip and make:
#   make run    the main job
#   make test   every check: lint, format, types, tests (with doctests), docs
# Both create .venv and install the project into it when needed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: help install run test lint typecheck pytest docs bench clean

help:
	@echo "make run   - the main job (see README.md)"
	@echo "make test  - every check: ruff, mypy --strict, pytest (Hypothesis profile ci), docs"
	@echo "make bench - the benchmarks, as JSON lines"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  $(PYTHON) -m pip install --user --break-system-packages virtualenv \
	  || $(PYTHON) -m pip install --user virtualenv; \
	  $(PYTHON) -m virtualenv $(VENV); }

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/callcenter simulate examples/scenarios/tianjin.toml

test: lint typecheck pytest docs

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy --strict src tests

pytest: $(STAMP)
	$(BIN)/pytest --hypothesis-profile=ci

docs: $(STAMP)
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html

bench: $(STAMP)
	@for script in benchmarks/*.py; do $(BIN)/python $$script --json || exit 1; done

clean:
	rm -rf docs/_build .mypy_cache .pytest_cache .ruff_cache .hypothesis build dist
