# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint spec client bench bench-reach profile clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed-run

## Serve the API on the embedded default (SQLite under instance/, in-memory limits, demo data).
run: $(VENV)/.installed-run
	$(BIN)/tiergate setup --demo
	exec $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## Run the whole suite (SQLite; PostgreSQL and Redis too when TEST_DATABASE_URL/TEST_REDIS_URL are set).
## The /docs test drives Debian's chromium, installed here when missing.
test: $(VENV)/.installed-test
	@command -v chromium >/dev/null || (apt-get update -q && apt-get install -y -q chromium)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

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

## Reach-check cost against tree size (1,000 vs 100,000 organisations) on PostgreSQL.
bench-reach: $(VENV)/.installed-test
	$(BIN)/python -m bench.reach

## Where one request's time goes, per benchmark scenario (cProfile, in process, PostgreSQL).
profile: $(VENV)/.installed-test
	$(BIN)/python -m bench.profile $(PROFILE_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache *.egg-info
