# Two commands for a newcomer: `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# A Python 3.12+ interpreter: the one .python-version names first.
PYTHON ?= $(shell for p in python$$(cat .python-version 2>/dev/null) python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)
HOST ?= 127.0.0.1:8000

.PHONY: run test test-fast loadtest bench lint audit format messages clean

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (see .python-version)."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

run: $(BIN)/.installed
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo_content
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST)

# The whole suite, browser tests included; PYTEST_ARGS adds pytest options
# (e.g. PYTEST_ARGS="--lf" or "--reuse-db -k consent").
test: $(BIN)/.installed node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Everything but the browser tests: about a minute.
test-fast: $(BIN)/.installed
	$(BIN)/python -m pytest -m "not e2e" $(PYTEST_ARGS)

# The site in production mode (gunicorn, DEBUG off) on loopback under concurrent visitors,
# on a fresh copy of the demo content: SQLite, or with DATABASE_URL=postgres://… a database
# of its own on that server, dropped afterwards. Fails if a write answered with success was
# lost or doubled, or an answer was a 5xx (see loadtest/run.py).
LOADTEST_SECONDS ?= 60
loadtest: $(BIN)/.installed
	DATABASE_URL='$(DATABASE_URL)' LOADTEST_SECONDS='$(LOADTEST_SECONDS)' $(BIN)/python -m loadtest.run

# Requests/s, p50 and p99 of anonymous pages under wrk, against production gunicorn on
# SQLite with 2,000 articles (see loadtest/bench.py); needs wrk (apt-get install wrk).
bench: $(BIN)/.installed
	$(BIN)/python -m loadtest.bench

# The pre-commit hooks (django-upgrade, ruff, djade) over every file: fails, showing the
# diff, if any of them had to change one.
lint: $(BIN)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pre-commit run --all-files --show-diff-on-failure
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# Known vulnerabilities in the packages installed in $(VENV), from PyPI's advisories (its
# JSON API): fails on one. A package PyPI does not know (this project) is listed as skipped.
audit: $(BIN)/.installed
	$(BIN)/pip-audit --local --skip-editable --progress-spinner off

format: $(BIN)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pre-commit run --all-files || true

messages: $(BIN)/.installed
	DEBUG=1 $(BIN)/python manage.py makemessages --locale sv --locale en --ignore '.venv/*' --ignore 'node_modules/*' --no-obsolete
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

clean:
	rm -rf $(VENV) node_modules db.sqlite3 db.sqlite3-* media staticfiles
