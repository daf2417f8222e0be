# Two commands (README): `make run` and `make test`. Both install what they need first and
# skip the install when pyproject.toml and uv.lock have not changed.
PYTHON ?= python3.11
VENV := .venv
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
INSTALLED := $(VENV)/.installed

.PHONY: install run test lint typecheck unit bench clean system-deps web web-check

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(INSTALLED): pyproject.toml uv.lock | $(UV)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --locked --quiet --extra local-model --extra crewai
	@touch $@

install: $(INSTALLED)

run: install web
	$(VENV)/bin/icop up

# The dashboard: npm ci and next build, each skipped when nothing it depends on changed
# (scripts/web.sh); without Node.js a one-line note, and `icop up` runs without it.
web:
	@sh scripts/web.sh build

# Type check, lint and unit tests of the dashboard (its browser tests run in pytest:
# tests/web/).
web-check:
	@sh scripts/web.sh check

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

typecheck: install
	$(VENV)/bin/mypy

# The 30 slowest tests close the report: where CI's time goes, run after run.
unit: install system-deps
	$(VENV)/bin/python -m pytest --durations=30

# RabbitMQ, Prometheus and Chromium for the tests that start them (scripts/system-deps.sh).
system-deps:
	@sh scripts/system-deps.sh

test: install system-deps lint typecheck web-check unit

clean:
	rm -rf $(VENV) .icop-test .pytest_cache .mypy_cache .ruff_cache web/node_modules web/.next web/test-artefacts
