# Two commands for a newcomer: `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# A Python 3.12+ interpreter: the one .python-version names first.
PYTHON ?= $(shell for p in python$$(cat .python-version 2>/dev/null) python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)
HOST ?= 127.0.0.1:8000
# The lock files, every file with its hash: what a server installs, and that plus the [dev]
# extra at the same versions. make lock resolves them with uv for any platform and CPython
# 3.12 or newer (--universal --python-version 3.12; checked on Linux x86_64, CPython 3.13).
PROD_LOCK := requirements/production.txt
DEV_LOCK := requirements/dev.txt
LOCK_OPTIONS := --quiet --universal --python-version 3.12 --generate-hashes --custom-compile-command "make lock"

.PHONY: run test test-fast loadtest bench lint lock audit format messages clean

# The dev lock (pip, uv and setuptools included), then the project's metadata alone, so that
# pip check fails when pyproject.toml asks for something the lock does not hold.
$(BIN)/.installed: pyproject.toml $(DEV_LOCK)
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (see .python-version)."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --requirement $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation .
	$(BIN)/python -m pip check || { echo "$(DEV_LOCK) is behind pyproject.toml: run make lock."; exit 1; }
	touch $@

# Writes the lock files from pyproject.toml, keeping the versions already pinned unless the
# change needs others; UV_ARGS=--upgrade takes the newest releases, UV_ARGS="--upgrade-package
# django" one package's.
lock: $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml $(LOCK_OPTIONS) $(UV_ARGS) --output-file $(PROD_LOCK)
	$(BIN)/uv pip compile pyproject.toml --extra dev --constraint $(PROD_LOCK) $(LOCK_OPTIONS) $(UV_ARGS) --output-file $(DEV_LOCK)

# uv comes from the dev lock; it is installed before pip check, so make lock also works when
# the lock is behind pyproject.toml.
$(BIN)/uv:
	$(MAKE) --no-print-directory $(BIN)/.installed || test -x $@

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

# Known vulnerabilities in the production lock's packages, from PyPI's advisories (its JSON
# API), read from the lock without installing anything: fails on one.
audit: $(BIN)/.installed
	$(BIN)/pip-audit --requirement $(PROD_LOCK) --require-hashes --disable-pip --progress-spinner off

format: $(BIN)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pre-commit run --all-files || true

messages: $(BIN)/.installed
	DEBUG=1 $(BIN)/python manage.py makemessages --locale sv --locale en --ignore '.venv/*' --ignore 'node_modules/*' --no-obsolete
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

clean:
	rm -rf $(VENV) node_modules db.sqlite3 db.sqlite3-* media staticfiles
