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

.PHONY: serve test build clean setup lint

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

$(DATASET): $(STAMP) $(BUILD_INPUTS)
	$(BIN)/iacml build

build: $(STAMP)
	$(BIN)/iacml build

serve: $(DATASET)
	$(BIN)/iacml serve --host $(HOST) --port $(PORT)

test: $(DATASET)
	$(BIN)/ruff check iacml server tests bench
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check iacml server tests bench

clean:
	rm -rf build .pytest_cache .ruff_cache
