# drugcontrol: two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# COVERAGE=off runs the tests without measuring coverage (CI measures it on one database).
COVERAGE ?= on

.PHONY: run test install install-test lint format messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/drugcontrol run --port $(PORT)

test: install-test
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || echo "NOTE: no Chromium found: the browser tests will be SKIPPED (apt-get install chromium)"
	@echo "database: $${DATABASE_URL:-SQLite (embedded)}"
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/lint-imports --no-cache
ifeq ($(COVERAGE),off)
	$(BIN)/python -m pytest $(PYTEST_ARGS)
else
	$(BIN)/coverage erase
	$(BIN)/coverage run -m pytest $(PYTEST_ARGS)
	$(BIN)/coverage report --include='*/services.py,*/services/*.py,*/selectors.py,*/audit.py,*/visibility.py' --fail-under=90
	$(BIN)/coverage report --fail-under=80 --skip-covered --skip-empty
endif

lint: install-test
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/lint-imports --no-cache

format: install-test
	$(BIN)/ruff check --fix src tests benchmarks scripts
	$(BIN)/ruff format src tests benchmarks scripts

# Rebuild the message catalogues after changing user-facing strings (needs GNU gettext).
messages: install
	cd src/drugcontrol && ../../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete --settings=drugcontrol.settings
	cd src/drugcontrol && ../../$(BIN)/django-admin compilemessages --settings=drugcontrol.settings

clean:
	rm -rf $(VENV) var .coverage
