# Linkwise: `make run` serves the site, `make test` runs the whole suite.
# Both do all the set-up a fresh machine needs (Python 3.11+, Node.js and npm installed).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LINKWISE := $(BIN)/linkwise
PORT ?= 5000
CHROMIUM ?= /usr/bin/chromium
# `make test` runs the suite in this many processes (pytest-xdist), one a core; 0 runs it in one.
TEST_WORKERS ?= 2

.PHONY: setup setup-run run test lint validate bench drill audit screenshots clean

# `make run` installs only what serving needs; everything else (tests, linting, the
# audit) installs the test tools too. A full install also stands for the smaller one.
setup-run: $(VENV)/.installed node_modules/.installed static/nhsuk/.built
setup: $(VENV)/.installed-test node_modules/.installed-test static/nhsuk/.built

$(VENV)/.installed: pyproject.toml
	@echo "Installing the Python packages Linkwise runs on into $(VENV)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -qq --upgrade pip
	@$(BIN)/python -m pip install -qq -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml
	@echo "Installing the Python packages Linkwise runs and is tested on into $(VENV)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -qq --upgrade pip
	@$(BIN)/python -m pip install -qq -e '.[test]'
	@touch $(VENV)/.installed $@

# npm ci starts from an empty node_modules, so the stamps inside it go with it.
node_modules/.installed: package.json package-lock.json
	@echo "Installing the NHS.UK design system from npm"
	@npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

node_modules/.installed-test: package.json package-lock.json
	@echo "Installing the NHS.UK design system and the test tools from npm"
	@npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch node_modules/.installed $@

static/nhsuk/.built: node_modules/.installed scripts/build_assets.py
	@$(BIN)/python scripts/build_assets.py
	@touch $@

run: export LINKWISE_ENV ?= development
run: setup-run
	@$(LINKWISE) db upgrade
	@$(LINKWISE) seed-demo --learners 150 --top-up --skip-if-content-has-errors
	@$(LINKWISE) recompute-levels --skip-if-content-has-errors
	@echo "Linkwise is running at http://127.0.0.1:$(PORT)  (Ctrl+C to stop)"
	@$(LINKWISE) run --host 127.0.0.1 --port $(PORT) --reload --no-debugger

# Bytecode is written even where the environment says not to (PYTHONDONTWRITEBYTECODE):
# the suite starts `linkwise` a few hundred times, and each start compiled the app's 320
# modules and dataclass methods again (0.9 s a start, 0.5 s with the bytecode kept).
test: setup
	@test -x $(CHROMIUM) || { echo "Browser tests need Chromium at $(CHROMIUM): run 'apt-get install chromium' (Debian) or set CHROMIUM=/path/to/chromium"; exit 1; }
	@command -v java >/dev/null || { echo "The HTML checker needs Java: run 'apt-get install default-jre-headless' (Debian)"; exit 1; }
	@command -v pdftotext >/dev/null || { echo "The PDF tests read PDFs back with poppler: run 'apt-get install poppler-utils' (Debian)"; exit 1; }
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check app tests scripts bench

validate: setup-run
	$(LINKWISE) validate

clean:
	rm -rf $(VENV) node_modules static/nhsuk .pytest_cache

bench: setup
	$(BIN)/python bench/run.py $(BENCH)

drill: setup
	$(BIN)/python bench/drill.py

audit: setup
	CHROME_PATH=$(CHROMIUM) $(BIN)/python scripts/lighthouse_audit.py

# Takes every screenshot in docs/screenshots/ again, on a throwaway database.
screenshots: setup
	CHROMIUM=$(CHROMIUM) $(BIN)/python scripts/docs_screenshots.py
