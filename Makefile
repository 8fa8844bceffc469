# reanalysis: `make help` lists the targets. Needs only Python 3.11 and make.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
ENV_STAMP := $(VENV)/.synced-$(UV_VERSION)
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
export PYTHONDONTWRITEBYTECODE :=
JOBS ?= 2
# NumPy's huge-page advice makes the kernel compact memory on the spot where THP defrag is
# "madvise" (about 7 s per GiB on the benchmark VM: benchmarks/PROFILE.md); set it to 1 to keep it
NUMPY_MADVISE_HUGEPAGE ?= 0
export NUMPY_MADVISE_HUGEPAGE

.PHONY: help env data reports test mutate lab bench lint clean browser snapshot fuzz

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  \033[1m%-9s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "reanalysis needs Python 3.11, found " + sys.version.split()[0])'
	@echo "bootstrapping uv $(UV_VERSION) into $(TOOLS)/"
	@$(PYTHON) -m venv $(TOOLS)
	@$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(ENV_STAMP): pyproject.toml uv.lock | $(UV)
	@echo "syncing $(VENV)/ from uv.lock"
	@$(UV) sync --locked --python $(PYTHON) --quiet
	@rm -f $(VENV)/.synced-* && touch $@

env: $(ENV_STAMP) ## Build or update the environment in .venv/ (a no-op when nothing changed)

data: env ## Write data/processed/*.parquet from data/raw/ (only when inputs changed)
	@$(PY) -m reanalysis.processed

reports: env ## Execute every notebook x parameter set into reports/ (incremental)
	@$(PY) -m reanalysis.reports --jobs $(JOBS)

snapshot: env ## Re-execute notebooks with defaults and store outputs (what nbval compares)
	@$(PY) -m reanalysis.reports --snapshot

browser: ## Install headless Chromium for the browser test (Debian package)
	@command -v chromium >/dev/null || { \
	  [ "$$(id -u)" = 0 ] || { echo "chromium missing: run 'sudo apt-get install -y chromium'"; exit 1; }; \
	  echo "installing Debian chromium for the browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: env browser ## Run unit tests, notebook checks (nbval) and the browser test, with coverage
	@rm -f .coverage .coverage.*
	@$(PY) -m coverage run -m pytest -p no:cacheprovider --doctest-modules src/reanalysis tests notebooks --nbval-lax; \
	  status=$$?; floor=0; $(PY) tests/coverage_total.py || floor=$$?; \
	  [ $$status -ne 0 ] || status=$$floor; exit $$status

mutate: env ## Mutation testing of the modules changed since the last run (MODULES="growth readers" to pick)
	@$(PY) tests/mutate.py $(MODULES)

FUZZ_EXAMPLES ?= 4000
fuzz: env ## Fuzz the readers: FUZZ_EXAMPLES (default 4000) mutated files per format
	@HYPOTHESIS_PROFILE=fuzz FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -p no:cacheprovider \
	  tests/test_fuzz_readers.py -q --hypothesis-show-statistics

lab: env ## Open JupyterLab on the project environment
	@$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

bench: env ## Run the benchmarks and write benchmarks/RESULTS.md
	@$(PY) -m benchmarks.run

lint: env ## Lint and format-check the code
	@$(VENV)/bin/ruff check src tests benchmarks
	@$(VENV)/bin/ruff format --check src tests benchmarks

clean: ## Remove generated files (reports/, data/processed/*.parquet, mutants/, .venv/, .tools/)
	rm -rf reports $(VENV) $(TOOLS) data/processed/*.parquet mutants .coverage .coverage.*
