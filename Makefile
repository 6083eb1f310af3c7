# The two commands of the README: `make serve` and `make test`.
# Everything is installed into .venv from the package registries, pinned by constraints.txt.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
STAMP  := $(VENV)/.installed

# Inputs of the build: a change to any of them rebuilds build/.
BUILD_INPUTS := $(shell find ontology shapes data queries/qc -type f 2>/dev/null) $(wildcard iacml/*.py)
DATASET := build/iacml.nq

YASGUI := server/static/vendor/yasgui/yasgui.min.js
CHROMIUM := /usr/bin/chromium

.PHONY: serve test build clean setup lint browser

setup: $(STAMP) $(YASGUI)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# The query UI (YASGUI) from the npm registry, pinned by package-lock.json; gitignored.
# --ignore-scripts: two Font Awesome dependencies run attribution-only install scripts.
$(YASGUI): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	npm run vendor
	touch $@

# Debian's chromium for the browser tests (Playwright drives it; it never downloads one).
browser:
	@test -x $(CHROMIUM) || (apt-get update -qq && apt-get install -y -qq chromium) \
	  || echo "warning: chromium could not be installed: browser tests will not run"

$(DATASET): $(STAMP) $(BUILD_INPUTS)
	$(BIN)/iacml build

build: $(STAMP)
	$(BIN)/iacml build

serve: $(DATASET) $(YASGUI)
	$(BIN)/iacml serve --host $(HOST) --port $(PORT)

test: $(DATASET) $(YASGUI) browser
	$(BIN)/ruff check iacml server tests bench
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check iacml server tests bench

clean:
	rm -rf build .pytest_cache .ruff_cache server/static/vendor
