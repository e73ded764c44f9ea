# Two commands on a fresh machine: `make demo` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
MANAGE := $(BIN)/python manage.py
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup demo test test-browser lint format openapi messages check chromium wrk serve worker migrate demo-data bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The suite runs in two processes (pytest-xdist; each gets its own test database).
PYTEST_WORKERS ?= 2

setup: $(VENV)/.installed
	@mkdir -p var

# Debian's Chromium for Playwright (never a downloaded browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

migrate: setup
	$(MANAGE) migrate --noinput

demo-data: migrate
	$(MANAGE) geo_load
	$(MANAGE) taxonomy_load
	$(MANAGE) rulesets_load
	OCOP_DEMO=1 $(MANAGE) demo_load

demo: demo-data
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) expiry_watch --schedule
	$(MANAGE) demo_logins
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	@$(MANAGE) db_worker >> var/worker.log 2>&1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  OCOP_DEMO=1 $(BIN)/granian --interface wsgi --workers 1 --blocking-threads 4 \
	    --host $(HOST) --port $(PORT) \
	    --static-path-route /static --static-path-mount var/static \
	    ocop.config.wsgi:application

# Speed benches (PostgreSQL on 127.0.0.1:5432, trust auth); figures go to bench/results/.
BENCH_PG ?= postgres://postgres@127.0.0.1:5432
# wrk, from Debian's packages, generates the verification bench's throughput load.
wrk:
	@command -v wrk >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)

bench: setup wrk
	@status=0; \
	$(BIN)/python bench/verify.py --route api || status=1; \
	$(BIN)/python bench/verify.py --route page || status=1; \
	$(BIN)/python bench/verify.py --route forged || status=1; \
	$(BIN)/python bench/verify.py --route logging || status=1; \
	$(BIN)/python bench/verify.py --route api --database sqlite || status=1; \
	$(BIN)/python bench/verify.py --route page --database sqlite || status=1; \
	psql -q -h 127.0.0.1 -U postgres -c 'DROP DATABASE IF EXISTS ocop_bench WITH (FORCE)' -c 'CREATE DATABASE ocop_bench'; \
	DATABASE_URL=$(BENCH_PG)/ocop_bench $(MANAGE) migrate --noinput --verbosity 0; \
	DATABASE_URL=$(BENCH_PG)/ocop_bench $(BIN)/python bench/stamp_issue.py || status=1; \
	exit $$status

serve: setup
	$(MANAGE) runserver $(HOST):$(PORT)

worker: setup
	$(MANAGE) db_worker

test: setup chromium
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-browser: setup chromium
	$(BIN)/python -m pytest -q -m browser tests/browser

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

format: setup
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

openapi: setup
	$(MANAGE) export_openapi docs/openapi.json

messages: setup
	cd src/ocop && ../../$(BIN)/python ../../manage.py makemessages -l en --no-obsolete --no-location --ignore 'tests/*' --ignore '*/tests/*'
	cd src/ocop && ../../$(BIN)/python ../../manage.py compilemessages -l en

check: lint test

clean:
	rm -rf $(VENV) var
