# copgirls — `make run` to try the portal, `make test` to run the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000

.PHONY: run test lint install install-test migrate demo messages bench bench-10x clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

## Start the portal: web server and Celery worker, with demo data (Ctrl-C stops both).
## The demo turns two-factor sign-in off (MFA_REQUIRED=false); every page says so.
run: demo
	MFA_REQUIRED=false PORT=$(PORT) BIN=$(BIN) ./scripts/run.sh

## ruff, the import contracts (.importlinter), makemigrations --check, then pytest
## (CI=true: nothing that needs a service is skipped).
test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Benchmarks at the configured database's size; writes bench/results.md (see README, Performance).
bench: install-test
	$(BIN)/python -m bench $(BENCH_ARGS)

## Opt-in: ten times every Girls in ICT celebration (PostgreSQL and disk; see README,
## Performance). Loads the 10x data into BENCH_10X_DATABASE_URL (replacing what it holds)
## and writes its run as a section of bench/results.md.
bench-10x: install-test
	@test -n "$(BENCH_10X_DATABASE_URL)" || { echo "set BENCH_10X_DATABASE_URL=postgres://…/copgirls_10x"; exit 2; }
	DATABASE_URL=$(BENCH_10X_DATABASE_URL) $(BIN)/python manage.py migrate --noinput
	DATABASE_URL=$(BENCH_10X_DATABASE_URL) $(BIN)/python manage.py seed_demo --scale girls-in-ict-10x --reset
	DATABASE_URL=$(BENCH_10X_DATABASE_URL) $(BIN)/python -m bench --section "10× scale (girls-in-ict-10x)" $(BENCH_ARGS)

lint: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	$(BIN)/python manage.py makemessages --all --no-obsolete --ignore=.venv --ignore=var \
		--ignore=node_modules --ignore=tests --ignore=static --ignore=test-artifacts
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
