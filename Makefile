# Two commands for a newcomer: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench bench-quick check-deploy serve-prod clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# axe-core for the accessibility checks of the browser tests (pinned in package-lock.json).
node_modules/axe-core/axe.min.js: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund; \
	else echo "npm not found: browser accessibility tests will be skipped"; fi

# `make run PORT=8001` serves on another port. The task worker (e-mails) runs beside the server
# and stops with it.
PORT ?= 8000

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# TEST_WORKERS=0 runs the suite in one process (easier to debug).
TEST_WORKERS ?= auto

test: $(STAMP) node_modules/axe-core/axe.min.js
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Performance goals on PostgreSQL through gunicorn (README « Performances »); never in CI.
# BENCH_SERVER_URL names the PostgreSQL server (default: postgres@127.0.0.1:5432).
bench: $(STAMP)
	BENCH_ROWS=100000 $(PY) -m benchmarks.run

bench-quick: $(STAMP)
	BENCH_ROWS=10000 BENCH_SECONDS=30 BENCH_ISSUES=60 $(PY) -m benchmarks.run

check-deploy: $(STAMP)
	DEBUG=False SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-key-0123456789abcdefgh \
	ALLOWED_HOSTS=ateliers.example.gouv.fr $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles media
