# Seenby: `make run` sets everything up and starts the server; `make test` runs every check.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install test-deps extension lint typecheck pytest extension-test bench screenshots clean

run: install extension
	@$(BIN)/python scripts/welcome.py
	$(BIN)/seenby serve

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Seenby needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# The extension is built when its sources are present (extension/package.json).
extension:
	@if [ -f extension/package.json ]; then \
		cd extension && npm ci --no-audit --no-fund && npm run build; \
	fi

test-deps: install
	@bash scripts/install-test-deps.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/python -m pytest

extension-test:
	@if [ -f extension/package.json ]; then cd extension && npm test; fi

test: test-deps extension lint typecheck pytest extension-test

screenshots: install extension
	SEENBY_E2E_PLUGINS= SEENBY_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/e2e/test_screenshots.py

# Each prints its figures beside its target; overlay_scale takes --sizes 1000000 for the 1M run.
BENCHMARKS := startup ingest overlay_latency page_cost overlay_scale eval_audience

bench: install extension
	@for b in $(BENCHMARKS); do $(BIN)/python bench/$$b.py || exit 1; done

clean:
	rm -rf $(VENV) extension/node_modules extension/dist .pytest_cache .mypy_cache .ruff_cache
