# The two commands of the README: `make serve` and `make test`.
# Everything is installed into .venv from the package registries, pinned by constraints.txt.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
STAMP  := $(VENV)/.installed
# make test runs the test modules on this many processes (pytest-xdist; a module's tests
# stay together, so its live servers start once): the CI machine has 2 cores.
TEST_PROCESSES ?= 2

# Inputs of the build: a change to any of them rebuilds build/.
BUILD_INPUTS := $(shell find ontology shapes data queries releases -type f 2>/dev/null) $(wildcard iacml/*.py iacml/*/*.py)
DATASET := build/iacml.nq

YASGUI := server/static/vendor/yasgui/yasgui.min.js
CHROMIUM := /usr/bin/chromium

.PHONY: serve test build clean setup lint browser wrk nginx java deploy-tools release screenshots virtuoso bytecode

setup: $(STAMP) $(YASGUI)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# The query UI (YASGUI) and the map's d3-geo and country outlines from the npm registry,
# pinned by package-lock.json, copied by scripts/vendor.js; gitignored.
# --ignore-scripts: two Font Awesome dependencies run attribution-only install scripts.
$(YASGUI): package.json package-lock.json scripts/vendor.js
	npm ci --ignore-scripts --no-audit --no-fund
	npm run vendor
	touch $@

# The project's own bytecode, written once: where PYTHONDONTWRITEBYTECODE is set (CI
# images, containers) every server process would otherwise compile iacml/ and server/ at
# each start, on the path to ready (compileall rewrites only what changed).
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q iacml server bench > /dev/null

# Debian's chromium for the browser tests (Playwright drives it; it never downloads one).
browser:
	@test -x $(CHROMIUM) || (apt-get update -qq && apt-get install -y -qq chromium) \
	  || echo "warning: chromium could not be installed: browser tests will not run"

# Debian's wrk drives the concurrent runs of the benchmark (its short CI run included).
wrk:
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk) \
	  || echo "warning: wrk could not be installed: the concurrent benchmark runs will not run"

# Debian's nginx: the front of the server (server/front/nginx.py): it buffers requests and
# answers so slow or stalled clients cannot hold the app's threads.
NGINX := /usr/sbin/nginx
nginx:
	@test -x $(NGINX) || command -v nginx >/dev/null || (apt-get update -qq && apt-get install -y -qq nginx) \
	  || echo "warning: nginx could not be installed: set IACML_FRONT=none behind a proxy of your own"

# Debian's Virtuoso (the engine behind DBpedia): the remote backend is tested against it
# as well as `oxigraph serve` (tests/test_remote_virtuoso.py starts a private instance); only
# the binaries (virtuoso-t, isql-vt): no system service is set up or started.
VIRTUOSO := /usr/bin/virtuoso-t
virtuoso:
	@test -x $(VIRTUOSO) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends virtuoso-opensource-7-bin) \
	  || echo "warning: Virtuoso could not be installed: the remote-backend test against it will not run"

# Debian's Java runtime for the OWL 2 DL tests: the OWL API profile checker, HermiT and
# Pellet that owlready2 ships (tests/test_owl_dl.py; docs/design.md "OWL 2 DL").
java:
	@command -v java >/dev/null || (apt-get update -qq && apt-get install -y -qq default-jre-headless) \
	  || echo "warning: Java could not be installed: the OWL 2 DL tests will not run"

# Debian's Apache (to serve the w3id.org rules of deploy/w3id/ as that service does),
# logrotate and openssl (the deployment recipe's tests: tests/test_w3id.py,
# tests/test_deploy.py), in one apt-get call; Apache is never started as a service.
deploy-tools:
	@missing=""; test -x /usr/sbin/apache2 || missing="$$missing apache2"; \
	  test -x /usr/sbin/logrotate || missing="$$missing logrotate"; \
	  command -v openssl >/dev/null || missing="$$missing openssl"; \
	  test -z "$$missing" || (apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing) \
	  || echo "warning: could not install$$missing: the deployment tests will not run"

$(DATASET): $(STAMP) $(BUILD_INPUTS)
	$(BIN)/iacml build

build: $(STAMP)
	$(BIN)/iacml build

# nginx in front of granian on http://$(HOST):$(PORT) (server/front/launch.py).
serve: $(DATASET) $(YASGUI) nginx bytecode
	$(BIN)/iacml serve --host $(HOST) --port $(PORT)

test: $(DATASET) $(YASGUI) browser wrk nginx java deploy-tools virtuoso bytecode
	$(BIN)/ruff check iacml server tests bench
	$(BIN)/mypy
	$(BIN)/iacml coverage
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadfile

# Every main page at 1400 and 375 px wide, as Debian's chromium draws it, into
# build/screenshots/ (scripts/screenshots.py; not part of `make test`).
screenshots: $(DATASET) $(YASGUI) browser nginx
	$(BIN)/python scripts/screenshots.py

# A dated, immutable release of the current inputs: stamps the ontology's version, builds,
# writes releases/<version>/ (docs/design.md, "Releases"). VERSION=YYYY-MM-DD.2 for a
# second release the same day.
release: $(STAMP)
	$(BIN)/iacml release $(if $(VERSION),--version $(VERSION))

# ruff (with docstring and complexity rules) and mypy --strict (pyproject.toml says where).
lint: $(STAMP)
	$(BIN)/ruff check iacml server tests bench
	$(BIN)/mypy

clean:
	rm -rf build .pytest_cache .ruff_cache .mypy_cache server/static/vendor

# ---- benchmarks, soak and fuzz (issue 10; docs/performance.md) ----
# Their Python packages are in the `test` extra (the CI runs short versions); Debian's
# wrk drives the concurrent runs.
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: bench soak fuzz

$(BENCH_STAMP): $(STAMP) wrk nginx
	touch $@

# SF 1 and 10, four engines, build per step; writes build/bench/report.md and the
# target table of docs/performance.md. BENCH_ARGS="--scales 1,10,100" for SF 100.
bench: $(DATASET) $(BENCH_STAMP) bytecode
	$(BIN)/python -m bench.run --update-docs $(BENCH_ARGS)

# 8 clients x 60 s of the query mix with a runaway query every 10 s (build/bench/soak.json).
soak: $(DATASET) $(BENCH_STAMP)
	$(BIN)/python -m bench.soak

# 10,000 fuzz inputs against every route (CI runs the default few hundred in `make test`).
fuzz: $(DATASET) $(BENCH_STAMP)
	IACML_FUZZ_EXAMPLES=10000 $(BIN)/python -m pytest -p no:cacheprovider tests/test_fuzz.py
