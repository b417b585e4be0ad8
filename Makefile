# minigrad: `make lab` to learn, `make test` to check. Both set up .venv first (once).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Written after a successful install; pip runs again only when pyproject.toml changes.
STAMP := $(VENV)/.installed
KERNEL := minigrad
PORT ?= 8888
# Jupyter refuses to run as root unless told (containers and CI machines often are root).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

# The one full test invocation: unit tests in tests/ and every notebook under nbval.
PYTEST := $(BIN)/python -m pytest tests notebooks --durations=5 \
	--nbval --nbval-current-env --nbval-cell-timeout=300 \
	--nbval-sanitize-with notebooks/sanitize.cfg

# The JupyterLite site, and the pinned Pyodide its browser test runs offline (never shipped).
LITE_PORT ?= 8000
TEST_PYODIDE := build/pyodide-0.27.7

.PHONY: help setup lab test lint bench clean lite lite-serve notebooks

help:
	@echo "make lab    set up .venv if needed, then start JupyterLab on notebooks/"
	@echo "make test   set up .venv if needed, then ruff, mypy and pytest (tests/ + notebooks/)"
	@echo "make bench  run benchmarks/run.py"
	@echo "make notebooks  re-execute the course notebooks in place (after changing outputs)"
	@echo "make lite   build the course as a static JupyterLite site in build/lite/"
	@echo "make lite-serve  build it, then serve it on http://127.0.0.1:$(LITE_PORT)/"
	@echo "make clean  remove .venv, build/ and caches"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null || { \
	  echo "minigrad needs Python >= 3.10, but '$(PYTHON)' is missing or older:"; \
	  $(PYTHON) --version 2>&1 || true; \
	  echo "Install Python 3.10 or newer (Debian/Ubuntu: sudo apt-get install python3 python3-venv)"; \
	  echo "or name one explicitly: make PYTHON=/path/to/python3.11 test"; \
	  exit 1; }
	@$(PYTHON) -m venv $(VENV) || { \
	  rm -rf $(VENV); \
	  echo "Could not create $(VENV) with '$(PYTHON) -m venv'."; \
	  echo "On Debian/Ubuntu install the venv module: sudo apt-get install python3-venv"; \
	  exit 1; }

$(STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing minigrad-lab and its lab/test extras into $(VENV) (first run: a few minutes)"
	@$(BIN)/python -m pip install --quiet -e '.[lab,test,lite]' || { \
	  echo; \
	  echo "pip could not install the project (see the error above). What to try:"; \
	  echo "  - check the network or proxy can reach PyPI, then run the same make command again;"; \
	  echo "  - start over with a fresh environment: make clean && make test"; \
	  exit 1; }
	@$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) \
	  --display-name "Python (minigrad)" >/dev/null
	@touch $(STAMP)

setup: $(STAMP)

lab: $(STAMP)
	@echo "Starting JupyterLab on notebooks/ (kernel: Python (minigrad)); Ctrl-C stops it."
	@echo "Open the http://127.0.0.1:$(PORT)/lab?token=... URL that JupyterLab prints below."
	$(BIN)/jupyter lab --no-browser --ip=127.0.0.1 --port=$(PORT) --ServerApp.root_dir=notebooks $(ALLOW_ROOT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint $(TEST_PYODIDE)/pyodide.js
	MINIGRAD_LITE_PYODIDE=$(abspath $(TEST_PYODIDE)) $(PYTEST) $(ARGS)

$(TEST_PYODIDE)/pyodide.js: | $(STAMP)
	$(BIN)/python lite/build.py --fetch-test-pyodide $(TEST_PYODIDE)

lite: $(STAMP)
	$(BIN)/python lite/build.py $(LITE_ARGS)

lite-serve: lite
	@echo "Serving build/lite/ on http://127.0.0.1:$(LITE_PORT)/ (Ctrl-C stops it)"
	$(BIN)/python -m http.server $(LITE_PORT) --bind 127.0.0.1 --directory build/lite

notebooks: $(STAMP)
	$(BIN)/python notebooks/execute.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# The random-program differential fuzzer (tests/fuzzing.py): N programs from FUZZ_SEED on.
N ?= 10000
FUZZ_SEED ?= 0
.PHONY: fuzz
fuzz: $(STAMP)
	$(BIN)/python tests/fuzzing.py $(N) $(FUZZ_SEED)
