# Set-up and everyday commands. Needs only Python 3.11+ and make: the first run builds .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format demo schema clean chromium

$(BIN)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed: run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(BIN)/.installed

# The development server on SQLite (db.sqlite3), with DEBUG on.
run: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole test suite, on SQLite, or on the database DATABASE_URL names. Python may keep compiled
# modules (and pytest its rewritten tests) in __pycache__ even where PYTHONDONTWRITEBYTECODE is set:
# each test process would otherwise compile hundreds of modules again, seconds every run.
test: install chromium
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest

# The browser tests drive Debian's Chromium (never a downloaded one): installed here when missing, so
# that `make test` alone sets up a fresh machine. CHROMIUM_PATH points at another build.
CHROMIUM_PATH ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	@if [ ! -x "$(CHROMIUM_PATH)" ]; then \
	  command -v apt-get >/dev/null || { echo "The browser tests need Chromium: install it and set CHROMIUM_PATH." >&2; exit 1; }; \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# A few users, follows and shelved games, so a newcomer sees a living profile.
demo: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py load_demo

schema: install
	DJANGO_DEBUG=true $(BIN)/python manage.py spectacular --validate --fail-on-warn --file schema.yml

clean:
	rm -rf $(VENV) .pytest_cache db.sqlite3 staticfiles schema.yml

# The benchmark (bench/run.py): loads PostgreSQL's overworld_bench database (BENCH_DATABASE_URL), serves
# the app under gunicorn, drives it with wrk and writes bench/RESULTS.md. BENCH_ARGS=--reuse keeps the data.
.PHONY: bench bench-smoke
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# A tiny data set and 2 s per scenario: fails on errors only, never on speed (CI runs it).
bench-smoke: install
	$(BIN)/python bench/run.py --smoke $(BENCH_ARGS)
