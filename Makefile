# Closecall — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
STAMP := $(VENV)/.installed
# what QR codes and receipts point to; set it to an address phones can reach to try them
PORTAL_BASE_URL ?= http://$(HOST):$(PORT)
export PORTAL_BASE_URL

.PHONY: run test test-sqlite test-postgresql lint format bench bench-triage bench-display bench-insights bench-load i18n-extract i18n-compile clean

# uv installs the same packages as pip in a third of the time (about 20 s instead of 60 s on a
# fresh clone); pip does it where uv cannot be had
$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	{ $(BIN)/pip install --quiet uv 2>/dev/null && $(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test]'; } \
		|| $(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## make run: set up, migrate, load demo data if empty, serve on http://$(HOST):$(PORT)
run: $(STAMP)
	PORTAL_ENV=development $(BIN)/flask --app wsgi portal init
	PORTAL_ENV=development $(BIN)/python -m portal.ops.devserver --host $(HOST) --port $(PORT)

## make test: the whole suite on SQLite, then on PostgreSQL when TEST_DATABASE_URL is set. The
## PostgreSQL pass runs every test that reaches a database (tests/conftest.py deselects the rest);
## the browser journeys run in the SQLite pass only: they drive the views the PostgreSQL pass tests.
## TEST_SCREENSHOTS=1 saves the journeys' screenshots under test-artifacts/.
test: test-sqlite test-postgresql

# test processes: one per core (pytest-xdist); TEST_WORKERS=0 runs in this process
TEST_WORKERS ?= auto

test-sqlite: $(STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

test-postgresql: $(STAMP)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== the suite again on PostgreSQL ($$TEST_DATABASE_URL), browser journeys aside"; \
		$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal --db=postgresql -m "not browser"; \
	else \
		echo "== PostgreSQL pass skipped: TEST_DATABASE_URL is not set"; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python bench/report_path.py

## the triage board and report page with 100,000 reports (about six minutes)
bench-triage: $(STAMP)
	$(BIN)/python bench/triage.py

## the breakroom display: a 304 poll against hello world, and full renders (about a minute)
bench-display: $(STAMP)
	$(BIN)/python bench/display.py

## every insights page at 10k, 100k and 1M reports, in process (about five minutes)
bench-insights: $(STAMP)
	$(BIN)/python bench/insights.py

## 500 reports from 20 clients, a fifth with a 1-3 MB photo, on SQLite and on PostgreSQL
## (TEST_DATABASE_URL's server): 0 lost, 0 duplicated, 0 5xx (about two minutes)
bench-load: $(STAMP)
	$(BIN)/python bench/load.py

i18n-extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o portal/translations/messages.pot .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching

i18n-compile: $(STAMP)
	$(BIN)/pybabel compile -d portal/translations

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
