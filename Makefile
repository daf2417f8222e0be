# Two commands (README): `make run` and `make test`. Both install what they need first and
# skip the install when pyproject.toml and uv.lock have not changed.
PYTHON ?= python3.11
VENV := .venv
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
INSTALLED := $(VENV)/.installed

.PHONY: install run test lint typecheck unit bench clean system-deps

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(INSTALLED): pyproject.toml uv.lock | $(UV)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --locked --quiet --extra local-model --extra crewai
	@touch $@

install: $(INSTALLED)

run: install
	$(VENV)/bin/icop up

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

typecheck: install
	$(VENV)/bin/mypy

unit: install system-deps
	$(VENV)/bin/python -m pytest

# RabbitMQ and Prometheus for the tests that start them (scripts/system-deps.sh).
system-deps:
	@sh scripts/system-deps.sh

test: install system-deps lint typecheck unit

clean:
	rm -rf $(VENV) .icop-test .pytest_cache .mypy_cache .ruff_cache
