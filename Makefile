# Two commands on a fresh machine: `make run` and `make test`. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 8000
BIN    := $(VENV)/bin
# Tests never run with a production secret; `make run` is a local development server.
TEST_ENV := SECRET_KEY=test-only-secret-key DEBUG=false
# One pytest worker per core (pytest-xdist); `make test PYTEST_ARGS="tests/api -x"` runs a part in one process.
PYTEST_ARGS ?= -n auto
RUN_ENV  := DEBUG=true

.PHONY: help install install-dev browser screenshots run serve migrate seed superuser moderator test lint openapi openapi-check api-conformance research-check replica-test faults deploy-check audit bench backup restore ci clean

help:
	@echo "make run        install, migrate, load the seed data if the database is empty, serve on :$(PORT)"
	@echo "make test       install the dev requirements and run the whole suite"
	@echo "make serve      gunicorn + whitenoise with DEBUG off (set SECRET_KEY first)"
	@echo "make superuser  create an editor account for /admin/"
	@echo "make moderator  create a moderator: reviews submissions, verifies organisations (not staff)"
	@echo "make lint       ruff check (with its security rules)"
	@echo "make faults     the fault tests: outages, locks, kills, SIGTERM, backups (PostgreSQL; docs/reliability.md)"
	@echo "make deploy-check  manage.py check --deploy with the production settings; any warning fails"
	@echo "make audit      pip-audit of the pinned requirements (printed, never fails)"
	@echo "make research-check  the shipped research files are the shared ones (../shared/data)"
	@echo "make bench      benchmark 10k and 100k synthetic agreements on PostgreSQL (docs/benchmark.md)"
	@echo "make backup     a consistent copy of the database, while it serves (BACKUP=path, default backups/)"
	@echo "make restore    BACKUP=path: replace everything the database holds with that backup (asks first)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py createcachetable

# Loads registry/seed/seed.json when the database holds no records yet (reason: "seed data"), then rewrites the
# timeline table from the records (a database made before the timeline existed gets its entries), and writes a
# first bulk snapshot for /data/ when EXPORT_ROOT has none (later ones: schedule export_bulk, see docs/data.md).
seed: migrate
	$(RUN_ENV) $(BIN)/python manage.py load_seed --if-empty
	$(RUN_ENV) $(BIN)/python manage.py rebuild_timeline
	$(RUN_ENV) $(BIN)/python manage.py export_bulk --if-missing

run: seed
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production-like serving: gunicorn + whitenoise, DEBUG off (needs SECRET_KEY in the environment).
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py collectstatic --noinput
	PORT=$(PORT) $(BIN)/gunicorn registry.wsgi

superuser: migrate
	$(RUN_ENV) $(BIN)/python manage.py createsuperuser

# A moderator (the "moderators" group, not staff): asks for username, email and password, like superuser;
# or e.g. MODERATOR_PASSWORD=… make moderator MODERATOR_ARGS="mod --email mod@example.org --no-input"
moderator: migrate
	$(RUN_ENV) $(BIN)/python manage.py create_moderator $(MODERATOR_ARGS)

# Backups (docs/reliability.md), of the database DATABASE_URL names: pg_dump's custom format on PostgreSQL, SQLite's
# online backup on SQLite, safe while the site serves; the path written is printed. `make restore BACKUP=path` puts
# one back in place of everything the database holds (asks first; restart the app servers afterwards).
BACKUP ?=
backup: install
	$(RUN_ENV) $(BIN)/python manage.py backup_database $(if $(BACKUP),"$(BACKUP)")

restore: install
	@test -n "$(BACKUP)" || (echo "make restore needs BACKUP=path, a file written by make backup" && exit 1)
	$(RUN_ENV) $(BIN)/python manage.py restore_database "$(BACKUP)"

# Debian's Chromium for the @pytest.mark.browser tests (Playwright's own browser download does not
# work offline), and axe-core (npm, pinned in package-lock.json) for the accessibility scan; without
# them those tests skip locally. CI runs this first and requires both.
browser: node_modules/axe-core/axe.min.js
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium) \
	  || (echo "could not install chromium: run 'sudo apt-get install chromium'" && exit 1)

node_modules/axe-core/axe.min.js: package.json package-lock.json
	@command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq npm) \
	  || (echo "could not install npm: run 'sudo apt-get install npm'" && exit 1)
	npm ci --no-audit --no-fund --silent
	touch $@

# Home, an agreement, the term matrix and the timeline at phone and desk widths, from the seed, into
# docs/screenshots/ (the README shows two of them).
screenshots: install-dev browser
	$(BIN)/python scripts/screenshots

# The browser tests run wherever Chromium is installed (`make browser` installs it; without it they skip, except in
# CI): there they also need axe-core, installed here from package-lock.json with npm.
CHROMIUM := $(shell command -v chromium || command -v chromium-browser)
test: install-dev $(if $(CHROMIUM),node_modules/axe-core/axe.min.js)
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

# The read-replica router against a real streaming replica: a throwaway primary (5433) and replica (5434) in a
# temporary directory (scripts/replica-cluster; needs root and Debian's PostgreSQL), migrated, then tests/replica
# (committed writes, waits for replay); the cluster is stopped and removed even when a test fails.
replica-test: install-dev
	scripts/replica-cluster run -- env $(TEST_ENV) sh -c '$(BIN)/python manage.py migrate --noinput -v0 \
	  && $(BIN)/python manage.py createcachetable \
	  && $(BIN)/python -m pytest -p no:xdist -q tests/replica'

# The fault tests (docs/reliability.md): real gunicorn processes against PostgreSQL (and a SQLite file), with the
# database cut through a proxy, locked, killed mid-write or slowed past the statement timeout; backups restored.
# PostgreSQL on 127.0.0.1:5432 (user postgres) as in CI; each test works on its own copy of a seeded database.
faults: install-dev
	$(TEST_ENV) $(BIN)/python -m pytest -p no:xdist -q -o addopts="--import-mode=importlib -p no:cacheprovider --strict-markers" tests/faults $(FAULTS_ARGS)

lint: install-dev
	$(BIN)/ruff check .

# Django's deployment checks with the production settings the README gives ("Serving in production"): any
# warning fails. The secret is made up for the check; nothing is served.
DEPLOY_ENV := DEBUG=false ALLOWED_HOSTS=registry.example.org SECURE_SSL_REDIRECT=true BEHIND_TLS_PROXY=true \
  SECURE_HSTS_SECONDS=31536000 SECURE_HSTS_INCLUDE_SUBDOMAINS=true SECURE_HSTS_PRELOAD=true
deploy-check: install
	$(DEPLOY_ENV) SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

# Known vulnerabilities in the pinned requirements (pip-audit, its own virtualenv, PyPI's advisory data). The
# result is printed and never fails the run: the service may be out of reach, and a finding needs a person.
audit: $(VENV)/audit/bin/pip-audit
	-timeout 300 $(VENV)/audit/bin/pip-audit --progress-spinner off -r requirements.txt \
	  || echo "pip-audit: findings above, or its service could not be reached (this never fails the run)"

$(VENV)/audit/bin/pip-audit: requirements-audit.txt
	$(PYTHON) -m venv $(VENV)/audit
	$(VENV)/audit/bin/pip install --quiet -r requirements-audit.txt
	touch $@

# The committed OpenAPI document: regenerate after changing the API; CI fails if it is stale.
openapi: install-dev
	$(TEST_ENV) $(BIN)/python manage.py spectacular --api-version v1 --validate --fail-on-warn --file openapi.yaml

openapi-check: install-dev
	$(TEST_ENV) $(BIN)/python manage.py spectacular --api-version v1 --validate --fail-on-warn --file $(VENV)/openapi.fresh.yaml
	diff -u openapi.yaml $(VENV)/openapi.fresh.yaml || (echo "openapi.yaml is stale: run make openapi" && exit 1)

# schemathesis against a live server with the seed data (all checks, fixed seed, 100 examples per operation).
api-conformance: install-dev
	BIN=$(BIN) scripts/api-conformance

# The shipped research copies are the shared files (../shared/data or SHARED_DATA_DIR), when present.
research-check:
	scripts/check-research-copy

# The benchmark (docs/benchmark.md): each database of BENCH_DATABASES is created when missing, migrated, and
# filled by generate_synthetic when it holds no records (as many agreements as its name says: bench_10k); the same
# mix then runs against each (gunicorn, wrk, response cache off then on, the pgbench floor), each run is saved as
# JSON in BENCH_DIR, and the tables and the p95 growth from one size to the next are printed. Debian's wrk.
BENCH_DATABASES ?= postgres://postgres@127.0.0.1:5432/bench_10k postgres://postgres@127.0.0.1:5432/bench_100k
BENCH_DIR ?= $(VENV)/bench
BENCH_ARGS ?=
# The cached run keeps the response cache (and the throttle's counts) in Redis, shared by the workers as in a
# deployment; this database index is emptied before it. Empty: each worker's memory.
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/15
BENCH_ENV := SECRET_KEY=$${SECRET_KEY:-bench-only-secret-key} DEBUG=false
bench: install
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk) \
	  || (echo "could not install wrk: run 'sudo apt-get install wrk'" && exit 1)
	@mkdir -p $(BENCH_DIR)
	@status=0; saved=""; for url in $(BENCH_DATABASES); do \
	  name=$${url##*/}; name=$${name%%\?*}; echo "== $$name"; rm -f $(BENCH_DIR)/$$name.json; \
	  $(BENCH_ENV) DATABASE_URL=$$url $(BIN)/python manage.py bench --prepare --json $(BENCH_DIR)/$$name.json \
	    $(if $(BENCH_REDIS_URL),--cache-redis $(BENCH_REDIS_URL)) $(BENCH_ARGS) || status=1; \
	  if [ -f $(BENCH_DIR)/$$name.json ]; then saved="$$saved $(BENCH_DIR)/$$name.json"; fi; \
	done; \
	if [ -n "$$saved" ]; then echo "== all sizes"; $(BENCH_ENV) $(BIN)/python manage.py bench --compare $$saved || status=1; fi; \
	exit $$status

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
