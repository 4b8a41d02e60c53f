# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

LINT_BIN := lint/node_modules/.bin

.PHONY: run test lint lint-spec spec client bench bench-reach bench-signatures bench-outbox profile profile-hooks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed-run

## Serve the API on the embedded default (SQLite under instance/, in-memory limits, demo data,
## and a sandbox tree beside it), with the delivery worker beside it (webhooks; invoice emails
## to SMTP_URL, or instance/outbox/). Ctrl-C stops both: the worker finishes what it is sending first.
run: $(VENV)/.installed-run
	$(BIN)/tiergate setup --demo
	$(BIN)/tiergate sandbox create --if-missing
	$(BIN)/tiergate worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## Run the whole suite (SQLite; PostgreSQL and Redis too when TEST_DATABASE_URL/TEST_REDIS_URL are set).
## The /docs test drives Debian's chromium, installed here when missing.
test: $(VENV)/.installed-test lint-spec
	@command -v chromium >/dev/null || (apt-get update -q && apt-get install -y -q chromium)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The OpenAPI linters, from npm at the versions lint/package-lock.json pins.
lint/node_modules/.installed: lint/package.json lint/package-lock.json
	npm ci --prefix lint --no-audit --no-fund --loglevel=error >/dev/null
	touch $@

## Lint openapi/openapi.json with Redocly's recommended rules and Spectral's spectral:oas:
## any finding, even a hint, fails. Redocly's telemetry is off (lint/redocly.yaml too); its
## banner about Node.js 20 (supported, but nearing its end) is left out.
lint-spec: lint/node_modules/.installed
	@echo "redocly lint --config lint/redocly.yaml openapi/openapi.json"
	@out=$$(REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true $(LINT_BIN)/redocly lint \
		--config lint/redocly.yaml openapi/openapi.json 2>&1); status=$$?; \
		printf '%s\n' "$$out" | grep -v -e '^ *[╔║╚]' -e '^$$'; exit $$status
	$(LINT_BIN)/spectral lint --quiet -r lint/.spectral.yaml --fail-severity=hint openapi/openapi.json

## Write the served OpenAPI document to openapi/openapi.json (a test fails when it is stale).
spec: $(VENV)/.installed-run
	$(BIN)/tiergate spec

## Generate the typed Python client into build/tiergate-api-client (ignored by git).
client: $(VENV)/.installed-test
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/openapi-python-client generate --path openapi/openapi.json \
		--config openapi/client-config.yaml --output-path build/tiergate-api-client --overwrite

## Static checks (ruff: pyflakes, pycodestyle, bugbear, import order).
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

## Benchmark on PostgreSQL and Redis with wrk (not part of the tests); see bench/run.py.
bench: $(VENV)/.installed-test
	@command -v wrk >/dev/null || (apt-get update -q && apt-get install -y -q wrk)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## Reach-check and list cost against size (1,000 vs 100,000 organisations, 10,000 vs 1,000,000
## invoices) on PostgreSQL.
bench-reach: $(VENV)/.installed-test
	$(BIN)/python -m bench.reach $(BENCH_REACH_ARGS)

## The cost of verifying a request signature (RFC 9421), in process; see bench/signatures.py.
bench-signatures: $(VENV)/.installed-test
	$(BIN)/python -m bench.signatures $(BENCH_ARGS)

## What recording events costs a write request, and deliveries/s of one worker (PostgreSQL).
bench-outbox: $(VENV)/.installed-test
	$(BIN)/python -m bench.outbox

## Where one request's time goes, per benchmark scenario (cProfile, in process, PostgreSQL).
profile: $(VENV)/.installed-test
	$(BIN)/python -m bench.profile $(PROFILE_ARGS)

## What each step every request takes costs (GET /healthz in process, one step left out at a time).
profile-hooks: $(VENV)/.installed-test
	$(BIN)/python -m bench.hooks

clean:
	rm -rf $(VENV) .pytest_cache *.egg-info lint/node_modules
