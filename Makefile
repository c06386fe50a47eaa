# Linkwise: `make run` serves the site, `make test` runs the whole suite.
# Both do all the set-up a fresh machine needs (Python 3.11+, Node.js and npm installed).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LINKWISE := $(BIN)/linkwise
PORT ?= 5000
CHROMIUM ?= /usr/bin/chromium

.PHONY: setup run test lint validate bench drill audit clean

setup: $(VENV)/.installed node_modules/.installed static/nhsuk/.built

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

static/nhsuk/.built: node_modules/.installed scripts/build_assets.py
	$(BIN)/python scripts/build_assets.py
	touch $@

run: export LINKWISE_ENV ?= development
run: setup
	$(LINKWISE) db upgrade
	@$(LINKWISE) seed-demo
	@echo "Linkwise is running at http://127.0.0.1:$(PORT)  (Ctrl+C to stop)"
	$(LINKWISE) run --host 127.0.0.1 --port $(PORT) --reload --no-debugger \
		$$($(BIN)/python -c "from app.cli import reload_paths; print(reload_paths())")

test: setup
	@test -x $(CHROMIUM) || { echo "Browser tests need Chromium at $(CHROMIUM): run 'apt-get install chromium' (Debian) or set CHROMIUM=/path/to/chromium"; exit 1; }
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check app tests scripts bench

validate: setup
	$(LINKWISE) validate

clean:
	rm -rf $(VENV) node_modules static/nhsuk .pytest_cache

bench: setup
	$(BIN)/python bench/run.py $(BENCH)

drill: setup
	$(BIN)/python bench/drill.py

audit: setup
	CHROME_PATH=$(CHROMIUM) $(BIN)/python scripts/lighthouse_audit.py
