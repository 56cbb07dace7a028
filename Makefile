# The README's two commands are `make run` and `make test`; `make lint` and `make bench` are extras.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Absolute links (e-mails, iCal feed) point at the address `make run` really serves.
SITE_URL ?= http://$(HOST):$(PORT)
DEV := DJANGO_SETTINGS_MODULE=config.settings.dev SITE_URL=$(SITE_URL)

.PHONY: run test lint bench bench-quick deps static messages lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund

static/vendor/.built: node_modules/.package-lock.json scripts/build-static.mjs
	npm run --silent build
	touch $@

deps: $(VENV)/.installed node_modules/.package-lock.json
static: static/vendor/.built

# Compiled catalogues are committed; recompile when gettext is present.
messages: deps
	@if command -v msgfmt >/dev/null 2>&1; then $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v0; \
	else echo "msgfmt niet gevonden: de meegeleverde vertalingen (locale/) worden gebruikt."; fi

run: deps static messages
	mkdir -p var
	$(DEV) $(BIN)/python manage.py migrate --no-input
	$(DEV) $(BIN)/python manage.py demo
	$(DEV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: deps static
	bash scripts/test.sh

lint: deps
	$(BIN)/ruff check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

# BENCH_BASIS: the git revision whose code the A/B serves beside this one ("vorige versie": a change's before and
# after from one run; skipped when its migrations differ). Default: the commit before issue 19's last round of cuts.
# `make bench BENCH_BASIS=` leaves the variant out.
BENCH_BASIS ?= be77d0f
bench: deps static
	BENCH_BASIS=$(BENCH_BASIS) bash scripts/bench.sh

# The same measurements on a small data set with short runs (bench/results/quick.*), to check a change first.
bench-quick: deps static
	BENCH_BASIS=$(BENCH_BASIS) bash scripts/bench.sh quick

# Regenerate the lock file after changing pyproject.toml.
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --extra dev --generate-hashes --strip-extras --allow-unsafe -o requirements.lock pyproject.toml

clean:
	rm -rf var static/vendor
