# Two commands for a fresh machine: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
export PORT
FLASK  := $(BIN)/flask --app wsgi

# Debian packages the test suite drives: Chromium for browser journeys; DejaVu (main PDF
# font), FreeFont (Indic, Thai, Ethiopic…) and WenQuanYi Zen Hei (CJK) for PDF bundles;
# PostgreSQL and Redis servers (started by the tests themselves on free loopback ports);
# wrk for the benchmarks' HTTP load; poppler-utils (pdftotext, pdftoppm, pdffonts) to read
# bundles back as a clerk's PDF reader would; Node.js (npm installs the outside judges of
# package.json) and a Java runtime (the Nu HTML validator is a jar).
SYSTEM_PACKAGES := chromium fonts-dejavu-core fonts-freefont-ttf fonts-wqy-zenhei \
	postgresql redis-server wrk poppler-utils nodejs default-jre-headless

.PHONY: run test bench lint typecheck system-deps judges messages translations clean

$(VENV)/.installed-run: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-run

# The outside judges tests/test_outside_judges.py runs on the public pages (axe-core, the Nu
# HTML validator), pinned by package-lock.json. --ignore-scripts: vnu-jar's postinstall would
# fetch a Java runtime of its own; the suite uses the system's (default-jre-headless).
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js with npm (Debian: nodejs npm)" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

## judges: install axe-core and the Nu HTML validator into node_modules/ (package-lock.json)
judges: node_modules/.installed

## run: migrate, load the demo campaign into an empty database, serve on 127.0.0.1:$(PORT) with the mail worker
run: $(VENV)/.installed-run
	$(FLASK) db upgrade
	$(FLASK) demo-data
	@echo "Serving on http://127.0.0.1:$(PORT)  (development mailbox: http://127.0.0.1:$(PORT)/dev/mailbox when MAIL_URL is unset)"
	$(FLASK) outbox send & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

## system-deps: install the Debian packages the tests need (as root, when missing)
system-deps:
	@missing=""; \
	for package in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "Missing Debian packages:$$missing. Install them with: sudo apt-get install$$missing" >&2; exit 1; \
	  fi; \
	fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check petitions tests migrations bench wsgi.py
	$(BIN)/ruff format --check petitions tests migrations bench wsgi.py

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

## test: lint, type-check and run the whole suite twice: on SQLite with in-memory limits, then
## on real PostgreSQL and Redis servers that the suite starts on loopback and stops again
test: system-deps $(VENV)/.installed-dev node_modules/.installed lint typecheck
	PETITIONS_TEST_BACKEND=sqlite $(BIN)/pytest
	PETITIONS_TEST_BACKEND=postgres $(BIN)/pytest

## bench: load-test sign/confirm/counters and the public pages through gunicorn on SQLite and
## PostgreSQL (wrk on loopback), the record day (readers, signers, confirmers and the mail worker at
## once), mail delivery, PDF bundles and CSV export; prints the table and writes bench/results.md
bench: system-deps $(VENV)/.installed-dev
	$(BIN)/python bench/run.py

## messages: extract translatable strings into petitions/translations/messages.pot
messages: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o petitions/translations/messages.pot .
	$(BIN)/pybabel update --ignore-obsolete -i petitions/translations/messages.pot -d petitions/translations
	@echo "Translate the new entries in petitions/translations/*/LC_MESSAGES/messages.po, then run: make translations"

## translations: compile the catalogs (the .mo files are committed)
translations: $(VENV)/.installed-dev
	$(BIN)/pybabel compile -d petitions/translations --statistics

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
