# One command to run the demo, one to test. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test lint check setup browser messages clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

## make run: install, migrate, load the demo and serve at http://127.0.0.1:8000 (SQLite by default), with one
## background worker (large exports, imports) that stops with the server.
run: setup
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py db_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver $(HOST)

## make test: install (with Debian's Chromium for the browser tests) and run the whole suite, one pytest-xdist
## worker per core (TEST_WORKERS=0 runs it in one process). `--dist load` hands each worker its tests in
## collection order, so the transactional (browser) tests pytest-django puts last still run after the others.
TEST_WORKERS ?= auto
test: setup browser
	$(PY) -m pytest -n $(TEST_WORKERS) --dist load

## Debian's Chromium drives the browser tests; Playwright never downloads a browser of its own.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; }

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

check: setup
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

## Regenerate the English translation catalogue after changing strings (needs GNU gettext).
messages: setup
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=static --no-obsolete
	$(PY) manage.py compilemessages -l en -l id --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
