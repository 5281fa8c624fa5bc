# Serumpun — the two commands for a fresh machine are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-from-lock
MANAGE := $(BIN)/python manage.py
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install demo serve worker test e2e check lint format typecheck migrations-check \
        deploy-check messages bench clean

install: $(STAMP)  ## create .venv and install exactly the locked versions (idempotent)

$(STAMP): requirements-dev.lock requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	@touch $(STAMP)

demo: install  ## migrate, load reference and demo data, print the logins, serve on :8000
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference
	$(MANAGE) seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	$(MANAGE) runserver $(HOST):$(PORT)

worker: install  ## run background tasks from the database queue (SERUMPUN_TASKS=database)
	SERUMPUN_TASKS=database $(MANAGE) db_worker

test: install  ## the full test suite (SQLite; PostgreSQL when DATABASE_URL is set)
	$(BIN)/pytest

e2e: install  ## browser journeys in Debian's chromium (apt-get install chromium)
	$(BIN)/pytest -m e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: install
	$(BIN)/mypy config serumpun

migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

deploy-check: install  ## Django's deployment checks against the production profile
	SERUMPUN_ENV=production DEBUG=0 ALLOWED_HOSTS=serumpun.lampungprov.go.id \
	SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	FIELD_ENCRYPTION_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(32))')" \
	DATABASE_URL=sqlite:///:memory: \
	$(MANAGE) check --deploy --fail-level WARNING

messages: install  ## refresh and compile the Indonesian, English and Malay catalogues
	$(MANAGE) makemessages -l id -l en -l ms --ignore=.venv --ignore=var --ignore=tests --no-obsolete --add-location=file
	$(MANAGE) compilemessages --ignore=.venv

check: lint typecheck migrations-check deploy-check test  ## everything CI checks but the browser

bench: install  ## engine benchmarks (see bench/README.md)
	@for f in bench/bench_*.py bench/insights.py; do [ -e "$$f" ] && $(BIN)/python "$$f"; done; true

clean:
	rm -rf $(VENV) var/static
