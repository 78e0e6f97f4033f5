# The two set-up commands: `make demo` (the main job) and `make test` (everything CI runs).
# Each makes its own virtual environment in .venv and installs what it needs.

PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
# loadfile: a test module runs in one worker, so module fixtures that load Neo4j stay valid.

.PHONY: install demo test lint format bench clean neo4j neo4j-stop system-deps

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install  ## generate the sample district, load it into ./graphsvc.db, serve it on :8000
	$(BIN)/graphsvc demo

lint: install  ## ruff (lint + format check), mypy (strict on graphsvc/ and queries/), the layers
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test: install lint system-deps neo4j  ## the whole suite on both stores, as CI runs it
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

# The browser tests drive Debian's Chromium (which also prints forms to PDF), Chinese text
# needs a CJK font, and the form tests read PDFs back with poppler's pdftotext.
BROWSER_DEPS := chromium fonts-wqy-microhei poppler-utils
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc

system-deps:  ## install Chromium, a CJK font and poppler with apt-get when missing (root or sudo)
	@if command -v chromium >/dev/null 2>&1 && [ -f $(CJK_FONT) ] \
	  && command -v pdftotext >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then as_root=; \
	elif command -v sudo >/dev/null 2>&1; then as_root=sudo; \
	else \
	  echo "make test needs Chromium, a CJK font and poppler; as root run: apt-get install $(BROWSER_DEPS)" >&2; \
	  exit 1; \
	fi; \
	echo "installing $(BROWSER_DEPS) (the browser and form tests need them) ..."; \
	$$as_root apt-get update -qq && \
	$$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_DEPS) >/dev/null

neo4j:  ## start the local Neo4j server in the background; returns once Bolt answers
	tools/neo4j/neo4j.sh start

neo4j-stop:  ## stop it (the data stays in var/neo4j/home)
	tools/neo4j/neo4j.sh stop

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install neo4j  ## sample, load, projection at 3,000 and 300,000 cadres, both stores
	$(BIN)/python benchmarks/bench_foundation.py --sizes 3000 300000 --neo4j neo4j://127.0.0.1:7687 --out docs/benchmarks-foundation.md

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .import_linter_cache *.egg-info graphsvc.db*
