# DREAME Kazakhstan after-sales portal.
#   make run    set everything up and start the site on http://127.0.0.1:8000/ (demo data)
#   make test   set everything up and run the whole test suite
# Both create .venv (Python 3.12) and node_modules/ (axe-core) on first use and
# reinstall only when requirements*.txt or package-lock.json change.
# requirements*.txt are lock files (every package pinned, with hashes): edit
# requirements*.in and run `make lock`.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# Two stamps: what running needs (requirements.txt), and the test and lint tools on top.
RUN_STAMP := $(VENV)/.installed-run
VENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
PYTEST_ARGS ?=
PORT ?= 8000
HOST_PORT := 127.0.0.1:$(PORT)

# Python 3.12 (.python-version): pyenv's if there is one, else whatever python3.12 is on PATH,
# else the newest 3.12 under pyenv's root even when pyenv itself is not on PATH.
ifeq ($(origin PYTHON312), undefined)
PYTHON312 := $(shell pyenv which python3.12 2>/dev/null \
	|| command -v python3.12 2>/dev/null \
	|| ls -1d "$${PYENV_ROOT:-$$HOME/.pyenv}"/versions/3.12*/bin/python3.12 2>/dev/null \
	| sort -V | tail -n 1)
endif

DEMO_LOGINS := admin, support, almaty-tech, astana-tech, shymkent-tech — password demo-pass-2026

.PHONY: help run serve test screenshots lint format messages lock clean

help:
	@echo "make run       start the portal with demo data on http://$(HOST_PORT)/ (PORT=… to move it)"
	@echo "make serve     gunicorn + Celery worker + beat on PostgreSQL and Redis (production-like)"
	@echo "make test      run the whole test suite (PYTEST_ARGS='-k name' to narrow it)"
	@echo "make screenshots  refresh docs/screenshots/ from the browser tests"
	@echo "make lint      ruff check + ruff format --check + lint-imports (app dependencies) + mypy"
	@echo "make format    ruff format + ruff check --fix"
	@echo "make messages  update and compile locale/ (maintainers; needs gettext)"
	@echo "make lock      write requirements*.txt from requirements*.in (maintainers)"
	@echo "make clean     remove .venv, node_modules and build leftovers (keeps var/)"

$(RUN_STAMP): requirements.txt
	@if [ -z "$(PYTHON312)" ]; then \
		echo "Python 3.12 not found: install it (e.g. 'pyenv install 3.12') and retry." >&2; exit 1; fi
	@# A venv from another Python (or a broken one) is rebuilt, never patched.
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))'; then \
		echo "Rebuilding $(VENV): it is not Python 3.12"; rm -rf $(VENV); fi
	@if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $(PYTHON312)"; $(PYTHON312) -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

# Both files in one call: one resolution, and every package checked against its hash.
$(VENV_STAMP): $(RUN_STAMP) requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The e-mails' links point where this serves (PORT=8080 make run), unless SITE_URL says else.
run: export SITE_URL := $(or $(SITE_URL),http://$(HOST_PORT))
run: $(RUN_STAMP)
	@# DEBUG=1 is the embedded default: SQLite in var/, e-mail as files in var/mail/, Celery eager.
	DEBUG=1 $(PY) manage.py migrate --no-input
	@if DEBUG=1 $(PY) manage.py help seed_demo >/dev/null 2>&1; then \
		DEBUG=1 LOG_LEVEL=WARNING $(PY) manage.py seed_demo; \
	else echo "(no seed_demo command yet: starting without demo data)"; fi
	@echo
	@echo "  The portal:         http://$(HOST_PORT)/"
	@echo "  Repair status:      http://$(HOST_PORT)/partners/repair-status/  (menu «Партнеры»)"
	@echo "  Support (admin):    http://$(HOST_PORT)/admin/"
	@echo "  Workbench:          http://$(HOST_PORT)/service/  (technicians: almaty-tech, …)"
	@echo "  Demo logins:        $(DEMO_LOGINS)"
	@echo "  E-mails sent:       var/mail/   Uploads: var/media/"
	@echo "  Stop with Ctrl+C."
	@echo
	DEBUG=1 $(PY) manage.py runserver $(HOST_PORT)

# Production-like on this machine: gunicorn (gunicorn.conf.py), a Celery worker and beat, on
# PostgreSQL and Redis, DEBUG off, with the variables of .env.example (from the environment
# or a .env file). The defaults below use this machine's local PostgreSQL and Redis and a
# throw-away key; `make run` stays the embedded default. Stop with Ctrl+C (stops all three).
serve: export DEBUG := 0
serve: export DATABASE_URL := $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/dreame)
serve: export REDIS_URL := $(or $(REDIS_URL),redis://127.0.0.1:6379/0)
serve: export SECRET_KEY := $(or $(SECRET_KEY),serve-on-this-machine-only-$(shell hostname))
serve: export SITE_URL := $(or $(SITE_URL),http://$(HOST_PORT))
serve: export GUNICORN_BIND := $(or $(GUNICORN_BIND),$(HOST_PORT))
serve: $(RUN_STAMP)
	@createdb "$${DATABASE_URL##*/}" -h 127.0.0.1 -U postgres 2>/dev/null || true
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input --verbosity 0
	@mkdir -p var
	@echo "  Serving http://$(HOST_PORT)/ with gunicorn, a Celery worker and beat. Ctrl+C stops all."
	@trap 'kill 0' INT TERM EXIT; \
	$(VENV)/bin/celery -A dreame_service worker --loglevel=INFO --concurrency=2 & \
	$(VENV)/bin/celery -A dreame_service beat --loglevel=INFO --schedule=var/celerybeat-schedule & \
	$(VENV)/bin/gunicorn -c gunicorn.conf.py

# Tests run with DEBUG off, like production; pages in tests render static links by plain
# names (conftest.py), and collectstatic below checks the files the CSS refers to.
# pytest-django loads settings before conftest.py runs, hence the test-only key here.
# pytest exits 5 when it ran no test: that is a broken suite, never a pass.
# -n auto: one pytest-xdist worker per core, each with its own test database and Redis
# database (conftest.py; Redis has 16, hence at most 16 workers); PYTEST_ARGS="-n 0" runs
# everything in one process. worksteal: a worker that runs out takes tests from the other's
# queue, so a few long browser tests at the end do not leave a core idle.
test: export SECRET_KEY := $(or $(SECRET_KEY),test-only-secret-key)
test: $(VENV_STAMP) $(NODE_STAMP)
	@# DEBUG=0: the production storage, whose manifest step fails on a CSS url() to a missing file.
	@DEBUG=0 $(PY) manage.py collectstatic --no-input --verbosity 0
	@$(PY) -m pytest -p no:cacheprovider -n auto --maxprocesses=16 --dist worksteal $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest ran no test" >&2; fi; exit $$rc

# Browser tests save their screenshots into test-results/screenshots/ (git-ignored); this
# refreshes the ones the README shows, on purpose. The journey's need PostgreSQL and Redis
# (DATABASE_URL, REDIS_URL), as in `make test`; without them it skips.
screenshots:
	@SCREENSHOTS_DIR=docs/screenshots $(MAKE) --no-print-directory test \
		PYTEST_ARGS="-m browser $(PYTEST_ARGS)"

lint: $(VENV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	SECRET_KEY=$${SECRET_KEY:-lint-only-key} $(VENV)/bin/mypy .

format: $(VENV_STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: $(VENV_STAMP)
	DEBUG=1 $(PY) manage.py makemessages -l ru -l kk -l en --no-obsolete --no-location \
		-i '.venv/*' -i 'node_modules/*' -i 'var/*' -i 'staticfiles/*' -i 'bench/*'
	DEBUG=1 $(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

# Maintainers: after editing requirements.in or requirements-dev.in, write the lock files,
# every transitive dependency pinned with its hashes, for Python 3.12 on Linux whatever
# machine runs this. Existing pins stay unless an edit needs otherwise; LOCK_ARGS=--upgrade
# (or --upgrade-package NAME) moves them. uv reads PyPI itself, not this machine's pip.conf.
LOCK_ARGS ?=
UV_COMPILE = $(VENV)/bin/uv pip compile --quiet --python-version 3.12 --python-platform linux \
	--generate-hashes --custom-compile-command "make lock" $(LOCK_ARGS)
lock: $(VENV_STAMP)
	$(UV_COMPILE) requirements.in --output-file requirements.txt
	$(UV_COMPILE) requirements-dev.in --output-file requirements-dev.txt

clean:
	rm -rf $(VENV) node_modules staticfiles test-results .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
