# juece — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export JUECE_DATABASE_URL ?= sqlite:///instance/juece.db

.PHONY: run test lint audit-deps bench clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test,postgres,serve]'
	touch $(STAMP)

## run: install, migrate instance/juece.db, load the demo cases, print them and a token per role, serve
run: $(STAMP)
	$(BIN)/juece db upgrade
	$(BIN)/juece demo --tokens
	@echo "serving on http://$${JUECE_HOST:-127.0.0.1}:$${JUECE_PORT:-8000}/  (API docs: /api/docs)"
	$(BIN)/gunicorn --workers 2 --bind "$${JUECE_HOST:-127.0.0.1}:$${JUECE_PORT:-8000}" \
		--access-logfile - 'web:create_app()'

## test: everything CI runs: lint, then the suite on SQLite (with the pages in Chromium: tests/browser),
##       then again on a throwaway PostgreSQL
test: $(STAMP) lint audit-deps
	$(BIN)/juece procedures check
	scripts/ensure-chromium.sh
	$(BIN)/pytest
	scripts/ensure-postgres.sh
	JUECE_TEST_DATABASE=postgres $(BIN)/pytest -m "not sqlite_only"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python docs/tools/gen_procedure_doc.py --check

## audit-deps: known vulnerabilities in requirements.lock (pip-audit, then PyPI; docs/operations.md#security)
audit-deps: $(STAMP)
	$(BIN)/python scripts/audit-deps.py

## bench: the write path against a raw sqlite3 floor, the same over HTTP, the API under 8/32/64 clients on SQLite
##        and PostgreSQL, and a million events (write cost, verify, replay); figures in docs/performance.md
bench: $(STAMP)
	$(BIN)/python bench/w1.py --cases 200
	$(BIN)/python bench/http_w1.py --cases 50 --reads 10
	scripts/ensure-postgres.sh
	$(BIN)/python bench/load.py
	$(BIN)/python bench/scale.py

clean:
	rm -rf $(VENV) instance build *.egg-info .pytest_cache .ruff_cache
