# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint clean

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
test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Static checks (ruff: pyflakes, pycodestyle, bugbear, import order).
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache *.egg-info
