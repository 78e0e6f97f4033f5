# The two set-up commands: `make demo` (the main job) and `make test` (everything CI runs).
# Each makes its own virtual environment in .venv and installs what it needs.

PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
# loadfile: a test module runs in one worker, so module fixtures that load Neo4j stay valid.

.PHONY: install demo test lint format bench clean neo4j neo4j-stop

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install  ## generate the sample district, load it into ./graphsvc.db, serve it on :8000
	$(BIN)/graphsvc demo

lint: install  ## ruff (lint + format check) and mypy (strict on graphsvc/ and queries/)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: install lint neo4j  ## the whole suite on both stores, as CI runs it
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

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
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache *.egg-info graphsvc.db*
